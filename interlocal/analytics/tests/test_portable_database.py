"""The portable questions give the same answers on the project's own database (the
``analytics_facts`` view, read by Ibis on a connection of its own: SQLite under ``make test``,
PostgreSQL in CI's second run) as on DuckDB over the Parquet export.

Ibis's connection sees only committed rows, so these tests commit (``transaction=True``) and
live in a module of their own (``flushable_audit_table``, root ``conftest.py``)."""

import datetime
import decimal
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from interlocal.analytics import portable
from interlocal.analytics.tests.worlds import certify

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("flushable_audit_table"),
]

SPANS = [("2026Q1", "2026Q2"), ("2026Q1", None), ("2026Q2", None), ("2025Q1", "2025Q4")]


def plain(value: Any) -> Any:
    """A value as Python compares it across engines (floats: to 12 digits)."""
    if isinstance(value, float):
        return round(value, 12)
    if isinstance(value, decimal.Decimal):
        return value.normalize()
    return value


def answers(expr: Any) -> list[tuple[Any, ...]]:
    return [tuple(plain(v) for v in row.values()) for row in expr.to_pyarrow().to_pylist()]


@pytest.fixture
def both(served, tmp_path):
    """The ``served`` world (with a local-business certification for the rival, so that every
    flag is set somewhere), on DuckDB over its export and on the database."""
    rival = served["rival_agreement"].supplier
    certify(rival, "LOCAL", "2026-05-01", "2026-05-31")
    certify(rival, "MBE", "2026-06-01", "2026-12-31")
    call_command(
        "export_facts", "--format", "parquet", str(tmp_path / "facts"), stdout=io.StringIO()
    )
    duck, database = portable.on_duckdb(tmp_path / "facts"), portable.on_database()
    yield duck, database
    portable.close(duck)
    portable.close(database)


def test_the_view_holds_what_the_export_holds(both) -> None:
    duck, database = both
    # the database side is the one Django runs on, read through Ibis's own connection
    assert (
        database.get_backend().name
        == {"sqlite": "sqlite", "postgresql": "postgres"}[connection.vendor]
    )
    on_duck = duck.order_by("line_id").to_pyarrow().to_pylist()
    in_view = database.order_by("line_id").to_pyarrow().to_pylist()
    assert len(in_view) == 6
    for exported, viewed in zip(on_duck, in_view, strict=True):
        assert {k: plain(v) for k, v in viewed.items()} == {
            k: plain(v) for k, v in exported.items()
        }
    assert {(r["diverse"], r["small"], r["local"]) for r in in_view} == {
        (False, True, False),
        (False, False, False),
        (False, False, True),
        (True, False, False),
    }
    assert isinstance(in_view[0]["invoice_date"], datetime.date)


@pytest.mark.parametrize("question", sorted(portable.QUESTIONS))
@pytest.mark.parametrize(("first", "last"), SPANS)
def test_every_question_has_one_answer_wherever_it_runs(both, question, first, last) -> None:
    duck, database = both
    ask = portable.QUESTIONS[question]
    on_duck = answers(ask(duck, first, last))
    assert answers(ask(database, first, last)) == on_duck
    assert bool(on_duck) == (first != "2025Q1")
