"""Load the shipped rule files (``eligibility/rules/*.yaml``) as the first rule versions.

A fresh database, and every ``migrate`` after an upgrade that reaches this migration, gets the
starter rules; later releases' file changes are loaded with ``manage.py load_eligibility_rules``
(audited). The loader adds nothing for a rule whose content is unchanged.
"""

from django.db import migrations

NOTE = "Starter rule shipped with Interlocal, loaded when the database was created"


def load(apps, schema_editor):
    from interlocal.eligibility.files import read_rule_directory
    from interlocal.eligibility.loader import sync_rule_files

    RuleVersion = apps.get_model("eligibility", "RuleVersion")
    sync_rule_files(RuleVersion, read_rule_directory(), note=NOTE)


def unload(apps, schema_editor):
    apps.get_model("eligibility", "RuleVersion").objects.filter(note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
