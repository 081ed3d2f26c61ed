"""A whole solicitation through the web pages, from draft to awarded master agreements.

Each person signs in with the login form and does their part by clicking what a purchasing
officer, an Advisory Board member, a supplier or an evaluator would click. The one shortcut:
the due time is moved into the past through the ORM, so the test need not wait for it.

With INTERLOCAL_SCREENSHOTS=1 the pages shown in docs/solicitations.md are written to
docs/screenshots/.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interlocal.accounts.models import User
from interlocal.agreements.models import Agreement
from interlocal.solicitations import services
from interlocal.solicitations.models import Proposal, Score, Solicitation, Status
from interlocal.solicitations.tests import builders
from tests import factories
from tests.e2e.conftest import Ui

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "correct horse battery"  # tests/factories.UserFactory's


def shot(ui: Ui, name: str) -> None:
    ui.check()
    if os.environ.get("INTERLOCAL_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        ui.page.screenshot(path=SCREENSHOTS / f"solicitation-{name}.png", full_page=True)


def sign_in(ui: Ui, user: User) -> None:
    page = ui.page
    ui.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    ui.check()


def sign_out(ui: Ui) -> None:
    ui.page.get_by_role("button", name="Sign out").click()
    ui.page.wait_for_load_state("load")
    ui.check()


def open_solicitation(ui: Ui, s: Solicitation) -> None:
    """From the notice board, as a person finds it."""
    ui.goto("/solicitations/")
    ui.page.locator("main").get_by_role("link", name=s.title).first.click()
    ui.page.wait_for_url(f"**/solicitations/{s.pk}/")
    ui.check()


def submit(ui: Ui, button: str, *, within: str = "main") -> None:
    ui.page.locator(within).get_by_role("button", name=button, exact=True).click()
    ui.page.wait_for_load_state("load")
    ui.check()


def tick(ui: Ui, label: str, *, within: str = "main") -> None:
    """Click a USWDS checkbox or radio by its label (the styled label is what people click)."""
    ui.page.locator(within).locator("label", has_text=label).first.click()


def labelled(ui: Ui, text: str):
    """The control labelled exactly ``text`` (a required field's label ends in "*")."""
    return ui.page.get_by_label(re.compile(rf"^{re.escape(text)}(\s*\*)?$"))


def named(user: User, full_name: str) -> User:
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


@pytest.mark.e2e
def test_a_solicitation_from_draft_to_awarded_agreements(ui, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ADVISORY_QUORUM = 3
    settings.ADVISORY_MAJORITY_PERCENT = 50
    page = ui.page
    officer = named(personas["lead_agency_officer"], "Maria Chen")
    evaluator = named(personas["buyer"], "Sam Patel")
    board = [
        named(member, name)
        for member, name in zip(
            factories.advisory_board(3), ["Dana Ortiz", "Luis Romero", "Grace Park"], strict=True
        )
    ]
    acme = named(factories.supplier_rep("Acme Office Products, Inc."), "Jordan Lee")
    zenith = named(factories.supplier_rep("Zenith Paper Company"), "Riley Brooks")
    files = tmp_path / "files"
    files.mkdir()
    (files / "rfp.pdf").write_bytes(b"%PDF-1.4 Request for proposals: office supplies")
    for rep in ("acme", "zenith"):
        (files / f"{rep}-technical.pdf").write_bytes(f"%PDF-1.4 {rep} technical".encode())
        (files / f"{rep}-prices.csv").write_text(f"sku,description,price\n{rep}-1,Paper,4.10\n")
        (files / f"{rep}-w9.pdf").write_bytes(f"%PDF-1.4 {rep} W-9".encode())
    due = timezone.localdate() + datetime.timedelta(days=30)
    # Other notices on the board, so it looks like a program's (built by the services).
    builders.published(
        personas,
        board,
        number="RFP-2026-009",
        title="Playground equipment, surfacing and installation",
        category_codes=["4010", "4020"],
        due_local=(timezone.now() + datetime.timedelta(days=12)).replace(tzinfo=None),
    )
    withdrawn = builders.published(
        personas, board, number="IFB-2026-011", title="Fleet tires", category_codes=["6020"]
    )
    services.transition(
        withdrawn, "cancel", actor=officer, reason="Merged into the state's tire contract."
    )

    # --- the lead agency's officer drafts the solicitation -----------------------------------
    sign_in(ui, officer)
    ui.goto("/solicitations/")
    page.get_by_role("link", name="Draft a new solicitation").click()
    page.wait_for_url("**/solicitations/new/")
    ui.check()
    expect(page.locator("main")).to_contain_text("Lead agency: Harmon County")
    page.get_by_label("Solicitation number").fill("RFP-2026-014")
    labelled(ui, "Title").fill("Office supplies, paper and toner")
    labelled(ui, "Scope").select_option("goods")
    tick(ui, "Office supplies")
    tick(ui, "Paper and printing")
    page.get_by_label("Scope of work and specifications").fill(
        "Office supplies, copy paper and toner delivered to every participating agency, "
        "with next-day delivery in metropolitan areas and online ordering."
    )
    page.get_by_label("Estimated national volume, in dollars a year").fill("25,000,000")
    page.get_by_label("Proposals due: date").fill(due.isoformat())
    expect(page.get_by_label("Time zone of the due time")).to_have_value("America/Chicago")
    # the running total follows the weights as they are typed
    expect(page.get_by_test_id("weights-total")).to_contain_text("Total 100")
    page.get_by_label("Criterion 1: weight").fill("35")
    expect(page.get_by_test_id("weights-total")).to_contain_text("5 to go")
    page.get_by_label("Criterion 1: weight").fill("40")
    expect(page.get_by_test_id("weights-total")).to_contain_text("Total 100")
    shot(ui, "new")
    submit(ui, "Save as a draft")
    s = Solicitation.objects.get(number="RFP-2026-014")
    assert page.url.endswith(f"/solicitations/{s.pk}/")
    expect(page.get_by_test_id("status")).to_contain_text("Draft")

    page.get_by_text("Add a document", exact=True).click()
    page.get_by_label("Kind of document").select_option("solicitation")
    labelled(ui, "Title of the document").fill("Request for proposals RFP-2026-014")
    labelled(ui, "File").set_input_files(files / "rfp.pdf")
    submit(ui, "Add the document")
    expect(page.get_by_test_id("documents")).to_contain_text("Request for proposals")
    submit(ui, "Send to the Advisory Board")
    expect(page.get_by_test_id("status")).to_contain_text("Advisory Board review")
    expect(page.get_by_role("button", name="Publish the notice")).to_be_disabled()
    shot(ui, "draft")
    sign_out(ui)

    # --- three Advisory Board members approve the draft ---------------------------------------
    for i, member in enumerate(board):
        sign_in(ui, member)
        ui.goto("/solicitations/")
        page.get_by_test_id("work").get_by_role("link", name=s.title).click()
        page.wait_for_url(f"**/solicitations/{s.pk}/")
        ui.check()
        tick(ui, "Approve", within="#vote")
        labelled(ui, "Comment").fill(
            ["Clear scope; criteria fit a national contract.", "Agree.", ""][i]
        )
        if i == 0:
            shot(ui, "board-vote")
        submit(ui, "Cast my vote")
        expect(page.get_by_role("status").first).to_contain_text("Your vote is recorded.")
        sign_out(ui)
    expect(page.locator("body")).to_be_visible()
    s.refresh_from_db()
    assert s.review_rounds.get().outcome == "approved"

    # --- the officer publishes, issues an addendum and records the advertisement -------------
    sign_in(ui, officer)
    open_solicitation(ui, s)
    expect(page.get_by_test_id("round")).to_contain_text("Clear scope")
    submit(ui, "Publish the notice")
    expect(page.get_by_test_id("status")).to_contain_text("Open for proposals")
    page.get_by_text("Issue an addendum", exact=True).click()
    labelled(ui, "Title of the addendum").fill("Toner added to the price file")
    page.get_by_label("What changes").fill("Add lines for toner cartridges to the pricing form.")
    submit(ui, "Issue the addendum")
    expect(page.get_by_test_id("addendum-1")).to_contain_text("Toner added")
    page.get_by_text("Record an advertisement", exact=True).click()
    page.get_by_label("Where it was advertised").fill("Harmon County Gazette")
    page.get_by_label("Date of publication").fill(timezone.localdate().isoformat())
    page.get_by_label("Edition, page or web address").fill("Legal notices, page B4")
    submit(ui, "Record the advertisement")
    expect(page.get_by_test_id("advertisements")).to_contain_text("Harmon County Gazette")
    sign_out(ui)

    # --- two suppliers acknowledge the addendum and submit sealed proposals ------------------
    receipts = {}
    for rep, tag in ((acme, "acme"), (zenith, "zenith")):
        sign_in(ui, rep)
        open_solicitation(ui, s)
        if tag == "acme":
            page.get_by_label("Your question").fill("Is recycled copy paper acceptable?")
            submit(ui, "Send the question")
            expect(page.get_by_role("status").first).to_contain_text("Your question is sent")
        submit(ui, "Acknowledge addendum 1")
        expect(page.get_by_test_id("addendum-1")).to_contain_text("Acknowledged by your company")
        page.get_by_role("link", name="Submit a proposal").click()
        page.wait_for_url(f"**/solicitations/{s.pk}/proposal/")
        ui.check()
        page.get_by_label("Technical proposal").set_input_files(files / f"{tag}-technical.pdf")
        page.get_by_label("Price file").set_input_files(files / f"{tag}-prices.csv")
        page.get_by_label("Other documents (optional)").set_input_files(files / f"{tag}-w9.pdf")
        if tag == "acme":
            shot(ui, "proposal")
        submit(ui, "Submit the sealed proposal")
        proposal = Proposal.objects.get(supplier__legal_name__startswith=tag.capitalize())
        receipts[tag] = proposal.receipt
        expect(page.get_by_test_id("receipt")).to_have_text(proposal.receipt)
        assert proposal.documents.count() == 3
        if tag == "acme":
            shot(ui, "receipt")
        sign_out(ui)

    # --- the officer answers the question; the public notice shows it, the bids stay sealed --
    sign_in(ui, officer)
    open_solicitation(ui, s)
    expect(page.get_by_test_id("unanswered")).to_contain_text("Acme Office Products")
    page.get_by_label("Answer (published for everyone)").fill(
        "Yes, with at least 30% post-consumer content."
    )
    submit(ui, "Publish the answer")
    sign_out(ui)
    ui.goto("/solicitations/")
    notices = page.get_by_test_id("notices")
    expect(notices.locator("tbody tr")).to_have_count(2)
    expect(notices.locator("tbody tr").first).to_contain_text("Playground")  # soonest due
    expect(page.get_by_test_id("recent")).to_contain_text("Fleet tires")
    shot(ui, "board")
    open_solicitation(ui, s)
    expect(page.get_by_test_id("answered")).to_contain_text("30% post-consumer")
    expect(page.locator("main")).not_to_contain_text("Acme Office Products")
    expect(page.get_by_test_id("sealed")).to_be_visible()
    shot(ui, "notice")

    # The one shortcut: the due time passes without waiting for it.
    Solicitation.objects.filter(pk=s.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    # --- the officer opens the proposals, appoints the committee, starts the evaluation ------
    sign_in(ui, officer)
    open_solicitation(ui, s)
    submit(ui, "Close and open the proposals")
    tabulation = page.get_by_test_id("tabulation")
    for receipt in receipts.values():
        expect(tabulation).to_contain_text(receipt)
    # the buyer is at another agency: not on the short list, appointed by email
    page.get_by_label("Or the email of someone at another public agency").fill(evaluator.email)
    submit(ui, "Appoint to the committee")
    expect(page.get_by_test_id("committee")).to_contain_text("Sam Patel")
    submit(ui, "Begin the evaluation")
    expect(page.get_by_test_id("status")).to_contain_text("Evaluation")
    sign_out(ui)

    # --- the evaluator declares no conflict and scores ----------------------------------------
    sign_in(ui, evaluator)
    open_solicitation(ui, s)
    page.get_by_role("link", name="Sign the declaration").click()
    page.wait_for_url(f"**/solicitations/{s.pk}/declaration/")
    ui.check()
    expect(page.get_by_test_id("proposers")).to_contain_text("Zenith Paper Company")
    tick(ui, "No. I have no financial")
    page.get_by_label("Type your full name to sign").fill("Sam Patel")
    shot(ui, "declaration")
    submit(ui, "Sign the declaration")
    page.wait_for_url(f"**/solicitations/{s.pk}/scores/")
    points = {"Acme Office Products, Inc.": [9, 8, 9, 8], "Zenith Paper Company": [7, 8, 6, 7]}
    criteria = list(s.criteria.values_list("name", flat=True))
    for supplier, marks in points.items():
        for criterion, mark in zip(criteria, marks, strict=True):
            page.get_by_label(f"Score of {supplier} on {criterion}").select_option(str(mark))
    page.get_by_label(f"Comment on Acme Office Products, Inc., {criteria[0]}").fill(
        "Deepest discounts on paper."
    )
    submit(ui, "Save my scores")
    expect(page.get_by_test_id("progress")).to_contain_text("8 of 8 scored")
    shot(ui, "scores")
    assert Score.objects.count() == 8
    page.get_by_role("link", name="Evaluation report").click()
    page.wait_for_url(f"**/solicitations/{s.pk}/evaluation/")
    ui.check()
    report = page.get_by_test_id("report")
    expect(report.locator("tbody tr").first).to_contain_text("Acme Office Products")
    expect(report.locator("tbody tr").first).to_contain_text("86.00")
    shot(ui, "evaluation")
    sign_out(ui)

    # --- the officer recommends both; the Board approves -------------------------------------
    sign_in(ui, officer)
    open_solicitation(ui, s)
    recommend = "[data-testid=action-recommend_award]"
    tick(ui, "Acme Office Products, Inc.", within=recommend)
    tick(ui, "Zenith Paper Company", within=recommend)
    page.get_by_label("Recommendation memo").fill(
        "Both proposals scored above 70 and together cover every state; two awards give "
        "participating agencies a choice."
    )
    shot(ui, "recommend")
    submit(ui, "Recommend the award")
    expect(page.get_by_test_id("status")).to_contain_text("Award recommended")
    sign_out(ui)
    for i, member in enumerate(board):
        sign_in(ui, member)
        open_solicitation(ui, s)
        tick(ui, "Approve", within="#vote")
        if i == 0:
            shot(ui, "award-vote")
        submit(ui, "Cast my vote")
        sign_out(ui)
    s.refresh_from_db()
    assert s.status == Status.AWARD_APPROVED

    # --- the officer awards: one master agreement per supplier --------------------------------
    sign_in(ui, officer)
    open_solicitation(ui, s)
    effective = datetime.date(timezone.localdate().year + 1, 1, 1)
    page.get_by_label("Agreements effective on").fill(effective.isoformat())
    expect(page.get_by_label("Initial term, in months")).to_have_value("36")
    expect(page.get_by_label("Renewal options, in months")).to_have_value("12,12")
    shot(ui, "award")
    submit(ui, "Award the master agreements")
    expect(page.get_by_test_id("status")).to_contain_text("Awarded")
    agreements = list(Agreement.objects.filter(solicitation=s).order_by("number"))
    assert [a.number for a in agreements] == ["RFP-2026-014-01", "RFP-2026-014-02"]
    listed = page.get_by_test_id("agreements")
    for agreement in agreements:
        expect(listed).to_contain_text(agreement.number)
        expect(listed).to_contain_text(str(agreement.supplier))
    sign_out(ui)

    # --- anyone sees the award, the agreements and the evaluation summary --------------------
    open_solicitation(ui, s)
    for agreement in agreements:
        link = page.get_by_test_id("agreements").get_by_role("link", name=agreement.number)
        if link.count():  # the agreements app's page, once it has one
            expect(link).to_have_attribute("href", f"/agreements/{agreement.pk}/")
    expect(page.get_by_test_id("tabulation")).to_contain_text("Awarded")
    shot(ui, "awarded")
    page.get_by_role("link", name="Evaluation summary").click()
    page.wait_for_url(f"**/solicitations/{s.pk}/evaluation/")
    ui.check()
    expect(page.get_by_test_id("report")).to_contain_text("Zenith Paper Company")
