from django.db import migrations, models

from interlocal.core.search import sqlite_triggers


def restore_search_triggers(apps, schema_editor):
    # Adding a NOT NULL column makes SQLite rebuild agreements_agreement, which drops the
    # triggers that keep its full-text index in step (core.search); put them back.
    if schema_editor.connection.vendor == "sqlite":
        for sql in sqlite_triggers("agreements_agreement", "search_text"):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_search_text")]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="report_due_days",
            field=models.PositiveSmallIntegerField(
                default=30, help_text="Days after a quarter ends that its sales report is due."
            ),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
    ]
