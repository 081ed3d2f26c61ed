"""The program's own purchase categories (scheme ``IL``), from ``core/data/categories.csv``.

UNSPSC is not shipped (its licence is not cleared for redistribution); a program licensed for it
loads it with ``manage.py import_category_codes``.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "categories.csv"


def load(apps, schema_editor):
    CategoryCode = apps.get_model("core", "CategoryCode")
    by_code = {}
    with DATA.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_code[row["code"]] = CategoryCode.objects.create(
                scheme="IL", code=row["code"], title=row["title"], parent=by_code.get(row["parent"])
            )


def unload(apps, schema_editor):
    apps.get_model("core", "CategoryCode").objects.filter(scheme="IL").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_categorycode")]
    operations = [migrations.RunPython(load, unload)]
