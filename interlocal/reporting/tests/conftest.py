"""Shared fixtures of the sales-reporting tests.

The world they build: the supplier persona's supplier holds master agreement MA-TEST-1
(in force from 2026-01-01, for years to come) with a price file in effect from its first day;
the registry has a few agencies in Texas and Oklahoma. A report is a file the tests build from
rows (:func:`csv_bytes`, :func:`xlsx_bytes`), filed and processed with :func:`file_report`.
"""

import csv
import datetime
import io
from collections.abc import Mapping, Sequence
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interlocal.accounts.roles import Role
from interlocal.accounts.services import issue_api_key
from interlocal.agreements.models import Agreement
from interlocal.agreements.services.pricing import import_price_file
from interlocal.registry.models import Agency, Supplier
from interlocal.reporting import services
from interlocal.reporting.models import (
    ReportCustomer,
    ReportObligation,
    ReportProblem,
    SalesLine,
    SalesReport,
)
from tests import factories

QUARTER = "2026Q3"
AGREEMENT = "MA-TEST-1"
START = datetime.date(2026, 1, 1)
#: The template's headers, in its order.
HEADER = (
    "Customer Name",
    "State",
    "ZIP",
    "Invoice Number",
    "Invoice Date",
    "Order Type",
    "SKU",
    "Quantity",
    "Unit Price",
    "Extended Amount",
)
#: The price file in effect from START: SKU -> contract price.
PRICES = {"PAPER-1": "45.00", "PEN-2": "12.50"}
#: Registry agencies: name -> (state, type). Named as the Census universe names them: a
#: municipality is "Austin", which a supplier's "City of Austin" means.
AGENCIES = {
    "Austin": ("TX", "municipality"),
    "Travis County": ("TX", "county"),
    "Bexar County": ("TX", "county"),
    "Tulsa": ("OK", "municipality"),
    "Tulsa Public Schools": ("OK", "school_district"),
}
#: A customer no agency's name resembles: it waits for the program office.
STRANGER = "Zephyr Quantum Widgetworks"


#: Short names for :func:`line`'s keyword arguments.
KEYS = dict(
    zip(
        ("customer", "state", "zip", "invoice", "date", "type", "sku", "qty", "price", "amount"),
        HEADER,
        strict=True,
    )
)


def line(**values: Any) -> dict[str, Any]:
    """One line of a report under the template's headers: a sale of two reams of paper to the
    City of Austin on 2026-08-15, at the contract price, with ``values`` (by the short names of
    :data:`KEYS`) changed."""
    row: dict[str, Any] = {
        "Customer Name": "City of Austin",
        "State": "TX",
        "ZIP": "78701",
        "Invoice Number": "INV-1001",
        "Invoice Date": "2026-08-15",
        "Order Type": "",
        "SKU": "PAPER-1",
        "Quantity": "2",
        "Unit Price": "45.00",
        "Extended Amount": "90.00",
    }
    row.update({KEYS[key]: value for key, value in values.items()})
    return row


def csv_bytes(
    rows: Sequence[Mapping[str, Any]],
    header: Sequence[str] = HEADER,
    *,
    newline: str = "\r\n",
    encoding: str = "utf-8",
    delimiter: str = ",",
    above: Sequence[str] = (),
) -> bytes:
    """A CSV of ``rows`` (dicts keyed by header) as a supplier's software writes it: CRLF line
    ends by default, ``above`` as title lines before the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline, delimiter=delimiter)
    for title in above:
        out.write(title + newline)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode(encoding)


def xlsx_bytes(sheets: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    """A workbook with a sheet per key, each row a list of cell values (numbers stay numbers,
    dates dates, as Excel stores them)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def grid(rows: Sequence[Mapping[str, Any]], header: Sequence[str] = HEADER) -> list[list[Any]]:
    """Header and rows as the rows of a sheet."""
    return [list(header), *([row.get(name) for name in header] for row in rows)]


@pytest.fixture
def rep(personas):
    return personas["supplier_rep"]


@pytest.fixture
def office(personas):
    return personas["program_admin"]


@pytest.fixture
def supplier(rep) -> Supplier:
    return rep.organizations_with(Role.SUPPLIER_REP)[0].supplier


@pytest.fixture
def agencies(db) -> dict[str, Agency]:
    made: dict[str, Agency] = {}
    for name, (postal, kind) in AGENCIES.items():
        made[name] = factories.AgencyFactory(
            name=name, state=factories.state(postal), agency_type=kind
        )
    return made


@pytest.fixture
def agreement(supplier, agencies) -> Agreement:
    """MA-TEST-1, held by the supplier persona's supplier, with its price file."""
    made = factories.agreement(number=AGREEMENT, supplier=supplier)
    # The term runs well past today so that "a future quarter" is refused as future, not as
    # outside the agreement, whenever the suite runs.
    end = max(made.expires_on, datetime.date.today() + datetime.timedelta(days=3 * 366))
    Agreement.objects.filter(pk=made.pk).update(initial_term_ends_on=end, expires_on=end)
    made.refresh_from_db()
    body = "SKU,Description,Unit,Contract Price\r\n" + "".join(
        f"{sku},Item {sku},EA,{price}\r\n" for sku, price in PRICES.items()
    )
    import_price_file(made, body.encode(), actor=None, effective_from=START)
    return made


@pytest.fixture
def obligation(agreement, rep) -> ReportObligation:
    return services.obligation_for(AGREEMENT, QUARTER, actor=rep)


def submit(
    obligation: ReportObligation, data: bytes, name: str = "sales.csv", *, actor: Any, **options
) -> SalesReport:
    return services.submit_report(
        obligation, actor=actor, file=SimpleUploadedFile(name, data), **options
    )


def file_report(
    obligation: ReportObligation, data: bytes, name: str = "sales.csv", *, actor: Any, **options
) -> SalesReport:
    """Submit ``data`` as a file and process it; the report as processing left it."""
    report = submit(obligation, data, name, actor=actor, **options)
    return services.process_report(report)


def problems(report: SalesReport) -> list[tuple[int, str, str]]:
    """(line, column, code) of every problem, sorted."""
    return sorted(ReportProblem.objects.filter(report=report).values_list("line", "column", "code"))


def problem(report: SalesReport, code: str) -> ReportProblem:
    return ReportProblem.objects.get(report=report, code=code)


def loaded(report: SalesReport) -> tuple[int, int]:
    """How many sales lines and customers the report wrote."""
    return (
        SalesLine.objects.filter(report=report).count(),
        ReportCustomer.objects.filter(report=report).count(),
    )


def assert_refused(report: SalesReport) -> None:
    """The report failed validation and wrote neither lines nor customers."""
    report.refresh_from_db()
    assert report.status == "validation_failed"
    assert report.error_count > 0
    assert loaded(report) == (0, 0)


def api_key_of(user: Any) -> str:
    """A fresh API key of ``user``'s organization with the sales-report scope."""
    return issue_api_key(
        actor=user,
        organization=user.primary_organization,
        name="erp",
        scopes=["salesreports:write"],
    ).token
