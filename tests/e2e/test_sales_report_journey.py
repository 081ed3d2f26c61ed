"""A supplier's quarterly report, as its account manager files it: upload, read the errors,
correct the file, upload again, and see it accepted."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from interlocal.agreements.models import PriceFile, PriceItem
from interlocal.registry.demo.seed import DEMO_PASSWORD
from interlocal.registry.models import Agency
from interlocal.reporting import services
from interlocal.reporting.models import ReportStatus, SalesLine, SalesReport
from tests.e2e.conftest import seed_small_demo

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AGREEMENT = "LAC-RFP-2024-01-01"  # the demo supplier persona's office-supplies agreement
PERIOD = "2026Q3"


def _report_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _lines(*, broken: bool) -> list[dict[str, str]]:
    """Four lines to participating agencies of the demo, at contract prices; ``broken`` gives
    line 3 (the second data line) an amount that is not quantity x price and line 5 a date
    that is no date."""
    in_effect = PriceFile.objects.in_effect_on(datetime.date(2026, 8, 10)).get(
        agreement__number=AGREEMENT
    )
    items = list(PriceItem.objects.filter(price_file=in_effect).order_by("sku")[:4])
    agencies = list(
        Agency.objects.filter(participating_since__isnull=False, agency_type="county")
        .select_related("state")
        .order_by("name")[:4]
    )
    rows = []
    for n, (item, agency) in enumerate(zip(items, agencies, strict=True)):
        price = f"{item.contract_price_cents / 100:.2f}"
        rows.append(
            {
                "Bill To Name": agency.name,
                "ST": agency.state.postal,
                "Inv #": f"INV-{9000 + n}",
                "Inv Date": f"8/{10 + n}/2026",
                "Item #": item.sku,
                "Qty": "3",
                "Net Price": price,
                "Ext Price": f"{3 * item.contract_price_cents / 100:.2f}",
            }
        )
    if broken:
        rows[1]["Ext Price"] = "1.00"
        rows[3]["Inv Date"] = "Aug 32"
    return rows


def test_a_supplier_uploads_reads_the_errors_corrects_and_is_accepted(ui, tmp_path: Path) -> None:
    # given the small demo, whose supplier persona holds the office-supplies agreement
    seed_small_demo()
    obligation = services.obligation_for(AGREEMENT, PERIOD, actor=None)
    versions_before = obligation.reports.count()
    page = ui.page

    # when the account manager signs in and opens the quarter from Sales reports
    ui.goto("/accounts/login/")
    page.get_by_label("Email").fill("rep@supplier.demo")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    ui.check()
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Sales reports"
    ).click()
    page.wait_for_url("**/reports/")
    ui.check()
    ui.goto(f"/reports/obligations/{obligation.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{PERIOD} sales report — {AGREEMENT}"
    )

    # and uploads a report with two mistakes
    broken = tmp_path / "q3-sales.csv"
    broken.write_bytes(_report_csv(_lines(broken=True)))
    page.get_by_label("Sales report (CSV or XLSX)").set_input_files(str(broken))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/reports/*/")
    ui.check()

    # then the page says the report failed, loaded nothing, and lists both problems by line
    expect(page.get_by_role("alert")).to_contain_text("The report has 2 errors; no line was loaded")
    problems = page.locator("main table").last.locator("tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("3")
    expect(problems.nth(0)).to_contain_text("extended_mismatch")
    expect(problems.nth(1)).to_contain_text("5")
    expect(problems.nth(1)).to_contain_text("not_a_date")
    failed = SalesReport.objects.get(obligation=obligation, version=versions_before + 1)
    assert failed.status == ReportStatus.VALIDATION_FAILED
    assert not SalesLine.objects.filter(report=failed).exists()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download every problem as CSV").first.click()
    errors = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert [row[2] for row in errors[1:]] == ["extended_mismatch", "not_a_date"]

    # when they correct the file and upload it again
    page.get_by_role("link", name="upload it again").click()
    ui.check()
    fixed = tmp_path / "q3-sales-corrected.csv"
    fixed.write_bytes(_report_csv(_lines(broken=False)))
    page.get_by_label("Sales report (CSV or XLSX)").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/reports/*/")
    ui.check()

    # then the new version is accepted: every customer matched, its lines the quarter's facts
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"version {failed.version + 1}")
    expect(page.locator("main").get_by_role("status").first).to_contain_text("Accepted")
    accepted = SalesReport.objects.get(obligation=obligation, version=failed.version + 1)
    assert accepted.status == ReportStatus.ACCEPTED
    assert SalesLine.objects.facts().filter(report=accepted).count() == 4
    obligation.refresh_from_db()
    assert obligation.accepted_id == accepted.pk
    page.screenshot(path=str(tmp_path / "accepted.png"), full_page=True)
