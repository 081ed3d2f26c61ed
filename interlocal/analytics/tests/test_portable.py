"""The Parquet export of the sales facts, and the portable (Ibis) analytics over it: the export
holds exactly the accepted facts, refuses to overwrite, and the questions answered on DuckDB
over it equal the rollups; every question compiles to Trino and Spark SQL. (The same questions
on the project's own database: ``test_portable_database``.)"""

import io
import json
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import sqlglot
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum

from interlocal.analytics import certified, portable, queries
from interlocal.analytics.models import AgreementBuyer
from interlocal.analytics.queries import Span
from interlocal.analytics.scopes import program_scope
from interlocal.analytics.tests.worlds import certify
from interlocal.core.models import State
from interlocal.core.periods import Quarter
from interlocal.registry.models import Agency, Certification, CertificationKind, Supplier
from interlocal.reporting.models import SalesLine

SPANS = [("2026Q1", "2026Q2"), ("2026Q2", None)]


def export(out: Path, *options: str) -> dict[str, Any]:
    buffer = io.StringIO()
    call_command("export_facts", "--format", "parquet", str(out), "--json", *options, stdout=buffer)
    return json.loads(buffer.getvalue())


def read_facts(out: Path) -> list[dict[str, Any]]:
    dataset = ds.dataset(out / "sales_facts", format="parquet", partitioning="hive")
    return sorted(dataset.to_table().to_pylist(), key=lambda row: row["line_id"])


def rows(expr: Any) -> list[dict[str, Any]]:
    return expr.to_pyarrow().to_pylist()


# -- the export ----------------------------------------------------------------------------


def test_the_export_holds_the_accepted_facts_line_for_line(served, tmp_path, supplier) -> None:
    summary = export(tmp_path / "out")
    facts = SalesLine.objects.facts()
    exported = read_facts(tmp_path / "out")
    assert summary["rows"] == len(exported) == facts.count() == 6
    assert summary["years"] == {"2026": 6}
    assert (
        sum(r["extended_cents"] for r in exported) == facts.aggregate(s=Sum("extended_cents"))["s"]
    )
    assert sum(r["fee_cbp"] for r in exported) == facts.aggregate(s=Sum("fee__fee_cbp"))["s"] > 0
    assert {r["line_id"] for r in exported} == set(facts.values_list("id", flat=True))

    line = facts.get(invoice_number="A")  # 2 reams to Austin on 10 February, list price 54.99
    row = next(r for r in exported if r["line_id"] == line.pk)
    assert row == {
        "line_id": line.pk,
        "report_id": line.report_id,
        "agreement_id": line.agreement_id,
        "agreement_number": "MA-TEST-1",
        "supplier_id": supplier.pk,
        "supplier_name": str(supplier),
        "agency_id": line.agency_id,
        "agency_name": "Austin",
        "state": "TX",
        "agency_type": "municipality",
        "period": "2026Q1",
        "invoice_date": line.invoice_date,
        "order_type": "sale",
        "sku": "PAPER-1",
        "category_code": line.category_code,
        "quantity": line.quantity,
        "quantity_e4": 20000,
        "unit_price_e4": 450000,
        "list_price_e4": 549900,
        "contract_price_e4": 450000,
        "extended_cents": 9000,
        "fee_cbp": line.fee.fee_cbp,
        "diverse": False,
        "small": True,  # the supplier's SBE certification ran to 15 February
        "local": False,
        "year": 2026,
    }
    later = next(r for r in exported if r["period"] == "2026Q2" and r["agency_name"] == "Austin")
    assert later["small"] is False and later["list_price_e4"] is None

    # the dimensions, whole
    assert pq.read_table(tmp_path / "out" / "agencies.parquet").num_rows == Agency.objects.count()
    suppliers = pq.read_table(tmp_path / "out" / "suppliers.parquet").to_pylist()
    assert {s["supplier_id"] for s in suppliers} == set(
        Supplier.objects.values_list("id", flat=True)
    )
    agreements = pq.read_table(tmp_path / "out" / "agreements.parquet").to_pylist()
    assert {a["number"] for a in agreements} >= {"MA-TEST-1", "MA-RIVAL"}


def test_the_export_pages_through_the_lines_by_id(served, tmp_path) -> None:
    export(tmp_path / "whole")
    export(tmp_path / "paged", "--batch-size", "1")
    assert read_facts(tmp_path / "paged") == read_facts(tmp_path / "whole")


def test_an_export_is_never_written_over_unless_asked(served, tmp_path) -> None:
    out = tmp_path / "exports" / "out"
    first = export(out)
    with pytest.raises(CommandError, match=r"not empty.*--replace"):
        export(out)
    assert json.loads((out / "manifest.json").read_text())["rows"] == first["rows"]

    again = export(out, "--replace")
    assert again["rows"] == first["rows"]
    assert len(read_facts(out)) == first["rows"]
    # only the export is left: no partial or old directory beside it
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]

    # --replace deletes only what an export wrote
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(CommandError, match="not an earlier export"):
        export(other, "--replace")
    assert (other / "cat.jpg").exists()


def test_the_diversity_flags_follow_the_certified_classes(served, tmp_path, supplier) -> None:
    """For each kind of certification in force all year, the export and the view flag the
    supplier's lines in exactly the classes ``analytics.certified`` puts the kind in."""
    Certification.objects.filter(supplier=supplier).delete()
    lines = set(SalesLine.objects.facts().filter(agreement__supplier=supplier).values_list("id"))
    for kind in CertificationKind:
        certify(supplier, kind, "2026-01-01", "2026-12-31")
        want = {name: kind in kinds for name, kinds in certified.CLASSES.items()}
        exported = [r for r in read_facts_of(tmp_path / kind) if (r["line_id"],) in lines]
        assert exported and all(
            {name: r[name] for name in certified.CLASSES} == want for r in exported
        ), kind
        with connection.cursor() as cursor:
            columns = "line_id, diverse, small, local"
            cursor.execute(
                f"SELECT {columns} FROM {portable.VIEW} WHERE supplier_id = %s", [supplier.pk]
            )
            viewed = cursor.fetchall()
        assert len(viewed) == len(lines)
        assert all(
            dict(zip(certified.CLASSES, map(bool, flags), strict=True)) == want
            for _, *flags in viewed
        ), kind
        Certification.objects.filter(supplier=supplier).delete()


def read_facts_of(out: Path) -> list[dict[str, Any]]:
    export(out)
    return read_facts(out)


# -- the questions, on DuckDB over the export ------------------------------------------------


@pytest.fixture
def on_duckdb(served, tmp_path):
    export(tmp_path / "facts")
    table = portable.on_duckdb(tmp_path / "facts")
    yield table
    portable.close(table)


def program() -> Any:
    return program_scope(AnonymousUser())


def span_of(first: str, last: str | None) -> Span:
    return Span(Quarter.parse(first), Quarter.parse(last or first))


@pytest.mark.parametrize(("first", "last"), SPANS)
def test_sales_by_state_and_type_equal_the_rollups(on_duckdb, first, last) -> None:
    postal = dict(State.objects.values_list("id", "postal"))
    want = {
        (postal[r["state_id"]], r["agency_type"]): (
            r["lines"],
            r["sales_cents"],
            r["fee_cbp"],
            r["agencies"],
        )
        for r in queries.figures(program(), span_of(first, last), ["state", "agency_type"])
    }
    got = {
        (r["state"], r["agency_type"]): (r["lines"], r["sales_cents"], r["fee_cbp"], r["agencies"])
        for r in rows(portable.sales_by_state_and_type(on_duckdb, first, last))
    }
    assert got == want and len(got) >= 3


@pytest.mark.parametrize(("first", "last"), SPANS)
def test_adoption_equals_the_rollups(on_duckdb, first, last) -> None:
    want = {
        (r["agreement_id"], r["period"]): (r["agencies"], r["first_uses"])
        for r in queries.figures(program(), span_of(first, last), ["agreement", "period"])
    }
    curve = rows(portable.adoption(on_duckdb, first, last))
    assert {(r["agreement_id"], r["period"]): (r["agencies"], r["first_uses"]) for r in curve} == (
        want
    )
    for r in curve:
        ever = AgreementBuyer.objects.filter(
            agreement_id=r["agreement_id"], first_period__lte=r["period"]
        ).count()
        assert r["adopted"] == ever
    # MA-TEST-1: Austin and Travis County in 2026Q1; Austin again and Tulsa Public Schools in Q2
    test_1 = [
        (r["period"], r["agencies"], r["first_uses"], r["adopted"])
        for r in curve
        if r["agreement_number"] == "MA-TEST-1"
    ]
    q2 = ("2026Q2", 2, 1, 3)  # adopted counts from the first sale, whatever the span
    assert test_1 == ([("2026Q1", 2, 2, 2), q2] if last else [q2])


@pytest.mark.parametrize(("first", "last"), SPANS)
def test_savings_equal_the_rollups(on_duckdb, first, last) -> None:
    want = {
        r["agreement_id"]: (r["sales_cents"], r["priced_cents"], r["savings_e8"])
        for r in queries.figures(program(), span_of(first, last), ["agreement"])
    }
    got = rows(portable.savings_by_agreement(on_duckdb, first, last))
    assert {
        r["agreement_id"]: (r["sales_cents"], r["priced_cents"], r["savings_e8"]) for r in got
    } == want
    for r in got:
        assert r["coverage"] == pytest.approx(r["priced_cents"] / r["sales_cents"])
    if last:  # (54.99 - 45.00) x 2 reams = $19.98, on $90.00 of $1,035.00 (MA-TEST-1, Q1 and Q2)
        assert (got[0]["agreement_number"], got[0]["savings_e8"]) == ("MA-TEST-1", 1998 * 10**6)


@pytest.mark.parametrize(("first", "last"), SPANS)
def test_diversity_equals_the_rollups(on_duckdb, first, last) -> None:
    classes = ("sales_cents", "diverse_cents", "small_cents", "local_cents")
    want = {
        r["period"]: tuple(r[c] for c in classes)
        for r in queries.figures(program(), span_of(first, last), ["period"])
    }
    got = rows(portable.diversity_by_quarter(on_duckdb, first, last))
    assert {r["period"]: tuple(r[c] for c in classes) for r in got} == want
    q1 = [r for r in got if r["period"] == "2026Q1"]
    if q1:  # $90.00 of $990.00 sold while the supplier was a certified small business
        assert (q1[0]["small_cents"], q1[0]["small_share"]) == (9000, pytest.approx(9000 / 99000))


def test_a_span_is_given_in_order(on_duckdb) -> None:
    with pytest.raises(ValueError, match="after"):
        portable.sales_by_state_and_type(on_duckdb, "2026Q2", "2026Q1")
    with pytest.raises(ValueError, match="not a quarter"):
        portable.diversity_by_quarter(on_duckdb, "2026 second quarter")


def test_an_empty_export_says_so(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="export_facts"):
        portable.on_duckdb(tmp_path)


# -- the questions, compiled for other engines -----------------------------------------------


@pytest.mark.parametrize("question", sorted(portable.QUESTIONS))
@pytest.mark.parametrize(("dialect", "read"), [("trino", "trino"), ("spark", "spark")])
def test_every_question_compiles_to_trino_and_spark_sql(question, dialect, read) -> None:
    facts = portable.facts_table("sales_facts", catalog="lake", database="interlocal")
    sql = portable.to_sql(portable.QUESTIONS[question](facts, "2026Q1", "2026Q4"), dialect)
    assert isinstance(sql, str) and "GROUP BY" in sql.upper()
    assert "sales_facts" in sql and "lake" in sql
    parsed = sqlglot.parse_one(sql, read=read)
    tables = {t.name for t in parsed.find_all(sqlglot.exp.Table)}
    assert "sales_facts" in tables
    assert parsed.find(sqlglot.exp.Group) is not None
    assert "'2026Q1'" in sql and "'2026Q4'" in sql


def test_an_unknown_dialect_is_named() -> None:
    with pytest.raises(ValueError, match="trino"):
        portable.to_sql(portable.facts_table(), "cobol")
