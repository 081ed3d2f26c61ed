"""manage.py export_facts --format parquet OUT/ [--replace] [--json] — the accepted sales facts
as Parquet, for DuckDB on one machine or Trino/Spark on object storage (docs/scaling.md).

What it writes, all or nothing (into a hidden directory beside OUT, renamed at the end):

- ``sales_facts/year=YYYY/part-0.parquet``: one row per accepted line resolved to an agency,
  in the columns of ``analytics.portable.FACTS_SCHEMA`` (``year``, the reported quarter's
  year, is the Hive partition and so is not repeated inside the files);
- ``agencies.parquet``, ``agreements.parquet``, ``suppliers.parquet``: the dimensions, every
  row of them (the agency universe, not only the buyers, so that penetration can be computed);
- ``manifest.json``: rows per year and when, which ``--replace`` looks for before it deletes.

It streams: lines are read in pages by line id, each page converted to Arrow and appended to
its year's file, so memory stays at a page whatever the program's size. The reads share one
snapshot of the database (a read transaction), so a report accepted or superseded while the
export runs is in it whole or not at all.
"""

import contextlib
import dataclasses
import enum
import json
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import typer
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_typer.management import TyperCommand

from interlocal.agreements.models import Agreement
from interlocal.analytics import certified
from interlocal.analytics.portable import FACTS_SCHEMA
from interlocal.core.cli import command_console, progress_bar
from interlocal.registry.models import Agency, Supplier
from interlocal.reporting.models import ReportStatus, SalesLine, SalesReport

MANIFEST = "manifest.json"
#: The line columns read from the database, in the order the pages hold them.
LINE_COLUMNS = (
    "id",
    "report_id",
    "agreement_id",
    "agency_id",
    "invoice_date",
    "order_type",
    "sku",
    "category_code",
    "quantity",
    "unit_price_e4",
    "list_price_e4",
    "contract_price_e4",
    "extended_cents",
    "fee__fee_cbp",
)
#: The files' schema: the facts' without the partition column.
FILE_SCHEMA = pa.schema([f for f in FACTS_SCHEMA.to_pyarrow() if f.name != "year"])
COMPRESSION = "zstd"


class Format(enum.StrEnum):
    PARQUET = "parquet"


class Refused(Exception):
    """The export would overwrite something it must not; the message says what to do."""


@dataclasses.dataclass
class Exported:
    out: Path
    rows: int
    years: dict[int, int]
    bytes: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "rows": self.rows,
            "years": {str(y): n for y, n in sorted(self.years.items())},
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
        }


class Command(TyperCommand):
    help = (
        "Write the accepted sales facts (one row per line, with agency, agreement, supplier, "
        "fee and diversity flags) to OUT/sales_facts/year=YYYY/part-0.parquet, with the "
        "agencies, agreements and suppliers beside them. OUT must be empty or new; --replace "
        "overwrites an earlier export. Nothing is half-written: the files appear only once "
        "complete."
    )

    def handle(
        self,
        out: Annotated[Path, typer.Argument(help="Directory to write (empty or new)")],
        file_format: Annotated[
            Format, typer.Option("--format", help="Output format (Parquet only, for now)")
        ] = Format.PARQUET,
        replace: Annotated[
            bool, typer.Option("--replace", help="Overwrite an earlier export in OUT")
        ] = False,
        batch_size: Annotated[
            int, typer.Option(help="Lines read and written at a time", min=1)
        ] = 50_000,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    ) -> None:
        try:
            done = export(out, replace=replace, batch_size=batch_size)
        except Refused as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json.dumps(done.as_dict()))
            return
        console = command_console(self.stdout)
        console.print(
            f"{done.rows:,} sales lines in {len(done.years)} year partitions written to "
            f"{done.out} ({done.bytes / 1e6:,.1f} MB) in {done.seconds:.1f} s"
        )


def export(out: Path, *, replace: bool = False, batch_size: int = 50_000) -> Exported:
    """Export the facts to ``out`` (see the module's docstring); raises ``Refused`` when
    ``out`` holds anything but, with ``replace``, an earlier export."""
    started = time.perf_counter()
    out = out.expanduser().absolute()
    _check_target(out, replace=replace)
    out.parent.mkdir(parents=True, exist_ok=True)
    # beside OUT, so that the rename at the end stays on one file system
    partial = out.with_name(f".{out.name}-{uuid.uuid4().hex[:8]}.partial")
    partial.mkdir()
    try:
        with _snapshot():
            years = _write_facts(partial, batch_size)
            _write_dimensions(partial)
        manifest = {
            "contents": "Interlocal accepted sales facts",
            "exported_at": timezone.now().isoformat(),
            "rows": sum(years.values()),
            "years": {str(y): n for y, n in sorted(years.items())},
            "schema": {name: str(dtype) for name, dtype in FACTS_SCHEMA.items()},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        size = sum(f.stat().st_size for f in partial.rglob("*") if f.is_file())
        _swap_in(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Exported(out, sum(years.values()), years, size, time.perf_counter() - started)


def _check_target(out: Path, *, replace: bool) -> None:
    if out.exists() and not out.is_dir():
        raise Refused(f"{out} is a file: give a directory to write the export into")
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not replace:
        raise Refused(
            f"{out} is not empty: give a new or empty directory, or pass --replace to "
            "overwrite the earlier export in it"
        )
    if not (out / MANIFEST).is_file():
        # --replace deletes OUT: only ever a directory this command wrote
        raise Refused(
            f"{out} is not an earlier export (it has no {MANIFEST}), so --replace will not "
            "delete it: give a new or empty directory"
        )


def _swap_in(partial: Path, out: Path) -> None:
    """Put the finished export where it belongs; an earlier one is removed only after."""
    if out.exists():
        old = out.with_name(f".{out.name}-{uuid.uuid4().hex[:8]}.old")
        out.rename(old)
        partial.rename(out)
        shutil.rmtree(old)
    else:
        partial.rename(out)


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """Every read of the export in one read transaction, without blocking writers."""
    if connection.in_atomic_block:
        yield  # the caller's transaction (a test's) already holds the snapshot
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # SQLite: Django's atomic() begins IMMEDIATE (the write lock, settings.py) and would hold
    # off every writer for the whole export; a deferred read transaction holds a WAL snapshot.
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


# -- the facts -----------------------------------------------------------------------------


class _Lookup:
    """A dimension's columns by id, to denormalise a page of lines in Arrow (no Python loop
    over the lines)."""

    def __init__(self, rows: list[tuple[Any, ...]], types: list[pa.DataType]) -> None:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in types]
        self.ids = pa.array(columns[0], pa.int64())
        self.columns = [pa.array(c, t) for c, t in zip(columns[1:], types[1:], strict=True)]

    def take(self, ids: pa.Array) -> list[pa.Array]:
        where = pc.index_in(ids, value_set=self.ids)
        return [pc.take(column, where) for column in self.columns]


def _lookups() -> dict[str, _Lookup]:
    number = [pa.int64(), pa.string()]
    return {
        "report": _Lookup(
            list(
                SalesReport.objects.filter(status=ReportStatus.ACCEPTED).values_list(
                    "id", "obligation__period"
                )
            ),
            number,
        ),
        "agreement": _Lookup(
            list(Agreement.objects.values_list("id", "number", "supplier_id")),
            [*number, pa.int64()],
        ),
        "supplier": _Lookup(
            [(s.pk, str(s)) for s in Supplier.objects.only("id", "legal_name", "dba")], number
        ),
        "agency": _Lookup(
            list(Agency.objects.values_list("id", "name", "state__postal", "agency_type")),
            [*number, pa.string(), pa.string()],
        ),
    }


def _pages(batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
    """The facts in pages of ``batch_size`` lines, by line id (keyset paging: each page is
    one indexed range read, however far into the table it is)."""
    after = 0
    while True:
        page = list(
            SalesLine.objects.facts()
            .filter(id__gt=after)
            .order_by("id")
            .values_list(*LINE_COLUMNS)[:batch_size]
        )
        if not page:
            return
        yield page
        after = page[-1][0]


def _write_facts(root: Path, batch_size: int) -> dict[int, int]:
    """Write every page to its years' files; the rows written per year."""
    lookups = _lookups()
    spans = certified.windows(Agreement.objects.values_list("supplier_id", flat=True))
    writers: dict[int, pq.ParquetWriter] = {}
    years: dict[int, int] = {}
    last_id = SalesLine.objects.aggregate(last=Max("id"))["last"] or 0
    done_to = 0
    try:
        with progress_bar(last_id, "Sales lines (by line id)") as advance:
            for page in _pages(batch_size):
                table, year = _facts_table(page, lookups, spans)
                for y in pc.unique(year).to_pylist():
                    part = table.filter(pc.equal(year, y))
                    if y not in writers:
                        folder = root / "sales_facts" / f"year={y}"
                        folder.mkdir(parents=True)
                        writers[y] = pq.ParquetWriter(
                            folder / "part-0.parquet", FILE_SCHEMA, compression=COMPRESSION
                        )
                    writers[y].write_table(part)
                    years[y] = years.get(y, 0) + part.num_rows
                advance(page[-1][0] - done_to)
                done_to = page[-1][0]
    finally:
        for writer in writers.values():
            writer.close()
    return years


def _facts_table(
    page: list[tuple[Any, ...]],
    lookups: dict[str, _Lookup],
    spans: dict[int, dict[str, list[certified.Window]]],
) -> tuple[pa.Table, pa.Array]:
    """A page of lines as Arrow columns of ``FILE_SCHEMA``, and each row's partition year."""
    raw = dict(zip(LINE_COLUMNS, zip(*page, strict=True), strict=True))
    line_id = pa.array(raw["id"], pa.int64())
    report_id = pa.array(raw["report_id"], pa.int64())
    agreement_id = pa.array(raw["agreement_id"], pa.int64())
    agency_id = pa.array(raw["agency_id"], pa.int64())
    invoice_date = pa.array(raw["invoice_date"], pa.date32())
    quantity = pa.array(raw["quantity"], pa.decimal128(16, 4))
    (period,) = lookups["report"].take(report_id)
    number, supplier_id = lookups["agreement"].take(agreement_id)
    (supplier_name,) = lookups["supplier"].take(supplier_id)
    agency_name, state, agency_type = lookups["agency"].take(agency_id)
    # exact: the scaled decimal times 10^4 is an integer, which the cast checks
    quantity_e4 = pc.cast(pc.multiply(quantity, pa.scalar(10_000, pa.decimal128(5, 0))), pa.int64())
    fee = pc.fill_null(pa.array(raw["fee__fee_cbp"], pa.int64()), 0)
    columns: dict[str, pa.Array] = {
        "line_id": line_id,
        "report_id": report_id,
        "agreement_id": agreement_id,
        "agreement_number": number,
        "supplier_id": supplier_id,
        "supplier_name": supplier_name,
        "agency_id": agency_id,
        "agency_name": agency_name,
        "state": state,
        "agency_type": agency_type,
        "period": period,
        "invoice_date": invoice_date,
        "order_type": pa.array(raw["order_type"], pa.string()),
        "sku": pa.array(raw["sku"], pa.string()),
        "category_code": pa.array(raw["category_code"], pa.string()),
        "quantity": quantity,
        "quantity_e4": quantity_e4,
        "unit_price_e4": pa.array(raw["unit_price_e4"], pa.int64()),
        "list_price_e4": pa.array(raw["list_price_e4"], pa.int64()),
        "contract_price_e4": pa.array(raw["contract_price_e4"], pa.int64()),
        "extended_cents": pa.array(raw["extended_cents"], pa.int64()),
        "fee_cbp": fee,
        **_flags(supplier_id, invoice_date, spans),
    }
    year = pc.cast(pc.utf8_slice_codeunits(period, 0, 4), pa.int64())
    return pa.Table.from_pydict(columns, schema=FILE_SCHEMA), year


def _flags(
    supplier_id: pa.Array,
    invoice_date: pa.Array,
    spans: dict[int, dict[str, list[certified.Window]]],
) -> dict[str, pa.Array]:
    """Per line and diversity class: did its supplier hold a verified certification of the
    class on the invoice date (``analytics.certified``)."""
    flags = {}
    for name in certified.CLASSES:
        held = pa.array([False] * len(supplier_id), pa.bool_())
        for supplier, classes in spans.items():
            for start, end in classes.get(name, []):
                in_force = pc.and_(
                    pc.equal(supplier_id, supplier),
                    pc.and_(
                        pc.greater_equal(invoice_date, pa.scalar(start, pa.date32())),
                        pc.less_equal(invoice_date, pa.scalar(end, pa.date32())),
                    ),
                )
                held = pc.or_(held, in_force)
        flags[name] = held
    return flags


# -- the dimensions ------------------------------------------------------------------------


def _write_dimensions(root: Path) -> None:
    agencies = Agency.objects.order_by("id").values_list(
        "id",
        "name",
        "state__postal",
        "agency_type",
        "county__fips",
        "census_id",
        "participating_since",
        "participation_route",
    )
    _write_rows(
        root / "agencies.parquet",
        agencies,
        [
            ("agency_id", pa.int64()),
            ("name", pa.string()),
            ("state", pa.string()),
            ("agency_type", pa.string()),
            ("county_fips", pa.string()),
            ("census_id", pa.string()),
            ("participating_since", pa.date32()),
            ("participation_route", pa.string()),
        ],
    )
    agreements = Agreement.objects.order_by("id").values_list(
        "id",
        "number",
        "title",
        "supplier_id",
        "lead_agency_id",
        "effective_on",
        "expires_on",
        "terminated_on",
    )
    _write_rows(
        root / "agreements.parquet",
        agreements,
        [
            ("agreement_id", pa.int64()),
            ("number", pa.string()),
            ("title", pa.string()),
            ("supplier_id", pa.int64()),
            ("lead_agency_id", pa.int64()),
            ("effective_on", pa.date32()),
            ("expires_on", pa.date32()),
            ("terminated_on", pa.date32()),
        ],
    )
    suppliers = [
        (
            s.pk,
            str(s),
            s.legal_name,
            s.dba,
            s.hq_state.postal if s.hq_state else None,
            s.business_size,
        )
        for s in Supplier.objects.select_related("hq_state").order_by("id")
    ]
    _write_rows(
        root / "suppliers.parquet",
        suppliers,
        [
            ("supplier_id", pa.int64()),
            ("name", pa.string()),
            ("legal_name", pa.string()),
            ("dba", pa.string()),
            ("hq_state", pa.string()),
            ("business_size", pa.string()),
        ],
    )


def _write_rows(path: Path, rows: Any, fields: list[tuple[str, pa.DataType]]) -> None:
    """A small table, whole: the dimensions are tens of thousands of rows, not millions."""
    schema = pa.schema(fields)
    columns = list(zip(*rows, strict=True)) or [() for _ in fields]
    table = pa.Table.from_arrays(
        [pa.array(c, f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
    )
    pq.write_table(table, path, compression=COMPRESSION)
