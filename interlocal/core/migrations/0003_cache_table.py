"""The database cache table (login rate limits and used TOTP codes live there, shared by every
web process). Created by Django's own command so its schema is Django's."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_geography_and_audit_guards")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
