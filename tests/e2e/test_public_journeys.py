"""What an anonymous visitor does: read the home page, search the directory, register an agency.

Each test drives headless Chromium against the live server; ``ui.check()`` after each step asserts
the CSP, console, single-<h1> and form-label rules described in ``conftest.py``.
"""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from interlocal.core.ui import PAGE_SIZE
from interlocal.registry import queries
from interlocal.registry.models import (
    Agency,
    AgencyDomain,
    AgencyType,
    ParticipationRoute,
    Registration,
)
from tests.e2e.conftest import seed_small_demo, sign_in_program_admin
from tests.factories import AgencyFactory, state

pytestmark = [
    pytest.mark.e2e,
    # Transactional, so the live server sees the test's data; serialized rollback restores the
    # geography the migrations load, which the flush after each test would otherwise erase.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _participants() -> str:
    return f"{Agency.objects.participating().count():,}"


# --- 1. home ----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_home_shows_live_numbers_and_links_to_the_directory(ui) -> None:
    # given the small demo program
    seed_small_demo()
    page = ui.page

    # when a visitor opens the home page
    ui.goto("/")

    # then the numbers are the database's, with thousands separators
    expect(page.get_by_test_id("stat-participants")).to_have_text(_participants())
    expect(page.get_by_test_id("stat-universe")).to_have_text(f"{Agency.objects.count():,}")

    # given enough further agencies join to pass a thousand participants
    joining = list(
        Agency.objects.filter(participating_since__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[: max(0, 1007 - Agency.objects.participating().count())]
    )
    Agency.objects.filter(pk__in=joining).update(
        participating_since=datetime.date(2026, 11, 1),
        participation_route=ParticipationRoute.ENROLLED_BY_OFFICE,
    )
    assert Agency.objects.participating().count() > 1000

    # when the page is reloaded, then it shows the new count at once, formatted "1,007"
    page.reload()
    ui.check()
    expect(page.get_by_test_id("stat-participants")).to_have_text(_participants())
    assert "," in page.get_by_test_id("stat-participants").inner_text()

    # when they follow the link to the directory, then the directory opens
    page.get_by_role("link", name="Browse the agency directory").click()
    page.wait_for_url("**/agencies/")
    ui.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency directory")
    expect(page.get_by_test_id("result-count")).to_have_text(f"{Agency.objects.count():,} agencies")


# --- 2. directory -----------------------------------------------------------------------------


def _busiest_filter(word: str) -> tuple[str, str, int]:
    """The (state, type) with most agencies whose name has ``word``: enough for two pages."""
    counts: dict[tuple[str, str], int] = {}
    for postal, kind in queries.search_agencies(viewer=None, q=word).values_list(
        "state__postal", "agency_type"
    ):
        counts[(postal, kind)] = counts.get((postal, kind), 0) + 1
    (postal, kind), n = max(counts.items(), key=lambda item: (item[1], item[0]))
    return postal, kind, n


def _count_text(n: int) -> str:
    return f"{n:,} agenc{'y' if n == 1 else 'ies'}"


def _listed(page) -> list[Agency]:
    """The agencies in the results table, in order, from their links."""
    hrefs = page.locator("#results tbody th a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    pks = [int(href.rstrip("/").rsplit("/", 1)[1]) for href in hrefs]
    found = Agency.objects.select_related("state").in_bulk(pks)
    return [found[pk] for pk in pks]


@pytest.mark.e2e
def test_directory_search_filters_paginate_and_open_an_agency(ui) -> None:
    # given the small demo program, and the state and type with most "district" agencies
    seed_small_demo()
    word = "district"
    postal, kind, expected = _busiest_filter(word)
    assert expected > PAGE_SIZE, "the demo should give this filter a second page"
    page = ui.page
    count = page.get_by_test_id("result-count")
    ui.goto("/agencies/")
    expect(count).to_have_text(_count_text(Agency.objects.count()))
    page.evaluate("window.__sameDocument = true")  # gone if the browser loads a new page

    # when the visitor types a word in the search box
    page.get_by_label("Name or Census ID").press_sequentially(word, delay=15)

    # then htmx replaces the results in place and pushes the query into the address bar
    matching = queries.search_agencies(viewer=None, q=word).count()
    expect(count).to_have_text(_count_text(matching))
    page.wait_for_url(f"**/agencies/?q={word}*")
    assert page.evaluate("window.__sameDocument === true"), "the search reloaded the page"
    ui.check()

    # when they pick a state, then a type
    page.get_by_label("State").select_option(postal)
    in_state = queries.search_agencies(viewer=None, q=word, state=postal).count()
    expect(count).to_have_text(_count_text(in_state))
    page.wait_for_url(f"**state={postal}*")
    page.get_by_label("Type").select_option(kind)
    expect(count).to_have_text(_count_text(expected))
    page.wait_for_url(f"**agency_type={kind}*")
    assert page.evaluate("window.__sameDocument === true"), "filtering reloaded the page"
    ui.check()
    first_page = _listed(page)
    assert len(first_page) == PAGE_SIZE
    assert all(
        a.state.postal == postal and a.agency_type == kind and word in a.name.lower()
        for a in first_page
    )

    # when they go to the next page
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2*")
    ui.check()

    # then the next agencies under the same filters are listed
    expect(page.get_by_text(f"Page 2 of {-(-expected // PAGE_SIZE)}")).to_be_visible()
    expect(count).to_have_text(_count_text(expected))
    expect(page.get_by_label("State")).to_have_value(postal)
    second_page = _listed(page)
    assert len(second_page) == min(PAGE_SIZE, expected - PAGE_SIZE)
    assert not {a.pk for a in second_page} & {a.pk for a in first_page}
    assert all(a.state.postal == postal and a.agency_type == kind for a in second_page)

    # when they open an agency, then its page names it
    opened = second_page[0]
    page.locator("#results tbody th a").first.click()
    page.wait_for_url(f"**/agencies/{opened.pk}/")
    ui.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(opened.name)
    expect(page.get_by_test_id("participation")).to_be_visible()


# --- 3. registration --------------------------------------------------------------------------


def _find_and_pick(ui, agency: Agency, words: str) -> None:
    """Step 1: search by name and state, then 'This is my agency'."""
    page = ui.page
    ui.goto("/")
    page.locator("main").get_by_role("link", name="Register your agency").click()
    page.wait_for_url("**/register/")
    ui.check()
    page.get_by_label("Name or Census ID").fill(words)
    page.get_by_label("State").select_option(agency.state.postal)
    page.get_by_role("button", name="Find my agency").click()
    pick = page.get_by_test_id(f"pick-{agency.pk}")
    expect(pick).to_be_visible()
    page.wait_for_url(f"**/register/?*state={agency.state.postal}*")
    ui.check()
    offered = [
        int(testid.removeprefix("pick-"))
        for testid in page.locator("[data-testid^='pick-']").evaluate_all(
            "els => els.map(e => e.dataset.testid)"
        )
    ]
    assert set(Agency.objects.filter(pk__in=offered).values_list("state__postal", flat=True)) == {
        agency.state.postal
    }, "the state filter was ignored"
    pick.click()
    page.wait_for_url(f"**/register/details/?agency={agency.pk}")
    ui.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Register {agency.name}")


def _fill_contact_and_sign(ui, email: str) -> None:
    page = ui.page
    page.get_by_label("Your full name").fill("Dana Ortiz")
    page.get_by_label("Your title").fill("Purchasing Manager")
    page.get_by_label("Your work email").fill(email)
    page.get_by_label("Phone").fill("555-0100")
    terms = page.get_by_label("I have authority to register this agency")
    page.locator(f"label[for='{terms.get_attribute('id')}']").click()  # as a user ticks it
    expect(terms).to_be_checked()
    page.get_by_label("Type your name to sign").fill("Dana Ortiz")
    page.get_by_role("button", name="Sign and register").click()


@pytest.mark.e2e
def test_registration_without_a_verified_domain_waits_for_verification(ui) -> None:
    # given an agency in the directory with no domain on file
    agency = AgencyFactory(name="City of Quillfeather", state=state("OR"))
    AgencyFactory(name="Quillfeather Fire District", state=state("WA"))  # same word, other state

    # when its purchasing manager finds it, fills the contact form and signs
    _find_and_pick(ui, agency, "quillfeather")
    _fill_contact_and_sign(ui, "dana.ortiz@quillfeather.or.us")

    # then the done page asks them to confirm their address, and the office will verify it
    ui.page.wait_for_url("**/register/done/")
    ui.check()
    outcome = ui.page.get_by_test_id("outcome")
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(outcome).to_contain_text("confirmation link to dana.ortiz@quillfeather.or.us")
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert registration.agency == agency and registration.contact_email.startswith("dana.ortiz")
    expect(outcome).to_contain_text(f"registration #{registration.pk}")
    agency.refresh_from_db()
    assert not agency.is_participating


def confirmation_link_sent_to(address: str) -> str:
    from django.core import mail

    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    line = next(line for line in message.body.splitlines() if "/register/confirm/" in line)
    return line.strip().removeprefix("http://127.0.0.1:8000")


@pytest.mark.e2e
def test_registration_from_a_verified_domain_participates_once_confirmed(ui) -> None:
    # given an agency whose email domain is verified
    agency = AgencyFactory(name="Town of Verdant Hollow", state=state("VT"))
    AgencyDomain.objects.create(agency=agency, domain="verdanthollow.gov", verified=True)

    # when someone with an address at that domain registers it
    _find_and_pick(ui, agency, "Verdant Hollow")
    _fill_contact_and_sign(ui, "dana@verdanthollow.gov")
    ui.page.wait_for_url("**/register/done/")
    ui.check()
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Check your email")

    # and opens the link mailed to them and confirms
    ui.goto(confirmation_link_sent_to("dana@verdanthollow.gov"))
    ui.check()
    ui.page.get_by_role("button", name="Confirm my email address").click()

    # then the done page says the agency now participates
    ui.page.wait_for_url("**/register/done/")
    ui.check()
    expect(ui.page.get_by_role("heading", level=1)).to_have_text(
        "Town of Verdant Hollow now participates"
    )
    expect(ui.page.get_by_test_id("outcome")).to_contain_text("verified domain")
    agency.refresh_from_db()
    assert agency.is_participating
    assert Registration.objects.get().status == Registration.Status.APPROVED


@pytest.mark.e2e
def test_refused_registration_shows_the_error_by_the_field_and_saves_nothing(ui) -> None:
    # given an agency with a domain on file
    agency = AgencyFactory(
        name="Marlow Creek Water District",
        agency_type=AgencyType.SPECIAL_DISTRICT,
        state=state("CO"),
    )
    AgencyDomain.objects.create(agency=agency, domain="marlowcreek.org", verified=True)

    # when someone registers it with an address at another domain
    _find_and_pick(ui, agency, "marlow creek")
    _fill_contact_and_sign(ui, "dana.ortiz@gmail.com")

    # then the form comes back with the error next to the email field
    page = ui.page
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/register/details/?agency={agency.pk}")
    ui.check()
    expect(page.get_by_role("alert").first).to_contain_text("The registration was not saved")
    email_group = page.locator(".usa-form-group--error", has=page.get_by_label("Your work email"))
    expect(email_group).to_have_count(1)
    expect(email_group.locator(".usa-error-message")).to_contain_text(
        "gmail.com is not a domain of Marlow Creek Water District"
    )
    expect(page.get_by_label("Your work email")).to_have_value("dana.ortiz@gmail.com")
    # and nothing was written
    assert Registration.objects.count() == 0
    agency.refresh_from_db()
    assert not agency.is_participating


# --- 5. the CSP watcher itself ----------------------------------------------------------------


@pytest.mark.e2e
def test_the_watcher_catches_inline_script_blocked_by_the_csp(ui) -> None:
    # given the home page, served with its CSP
    ui.goto("/")
    page = ui.page
    assert "script-src 'self'" in next(iter(ui.csp_headers.values()))

    # when something injects an inline script
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__inlineRan = true'; document.body.appendChild(s); }"
    )

    # then the browser refuses to run it and the watcher records the violation
    page.wait_for_timeout(100)
    assert page.evaluate("window.__inlineRan === undefined")
    assert ui.csp_violations(), "an inline script ran or went unreported"
    ui.console_errors.clear()  # expected here; every other test must see none


# --- README screenshots -----------------------------------------------------------------------


@pytest.mark.e2e
def test_readme_screenshots(ui) -> None:
    """Visit the pages shown in the README; with INTERLOCAL_SCREENSHOTS=1 write them to
    docs/screenshots/ (full page, 1280x900 viewport) from the national demo, as `make demo`
    shows it (about a minute more)."""
    write = os.environ.get("INTERLOCAL_SCREENSHOTS") == "1"
    seed_small_demo("national" if write else "small")
    page = ui.page

    def shot(name: str) -> None:
        ui.check()
        if write:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    showcase = (  # a participating city with its identifiers, population and domains
        Agency.objects.participating()
        .filter(agency_type=AgencyType.MUNICIPALITY, census_id__isnull=False)
        .order_by("-population", "name")
        .first()
    )
    joining = (
        Agency.objects.filter(participating_since__isnull=True, agency_type=AgencyType.MUNICIPALITY)
        .exclude(registrations__isnull=False)
        .select_related("state")
        .order_by("-population")
        .first()
    )
    assert showcase is not None and joining is not None

    ui.goto("/")
    shot("home")
    ui.goto("/agencies/?q=water")
    shot("directory")
    ui.goto(f"/agencies/{showcase.pk}/")
    shot("agency")
    words = " ".join(joining.name.split()[-2:])
    ui.goto(f"/register/?q={words}&state={joining.state.postal}")
    expect(page.get_by_test_id(f"pick-{joining.pk}")).to_be_visible()
    shot("register-find")
    ui.goto(f"/register/details/?agency={joining.pk}")
    shot("register-details")
    domain = joining.domains.first()
    _fill_contact_and_sign(ui, f"dana.ortiz@{domain.domain if domain else 'example.gov'}")
    page.wait_for_url("**/register/done/")
    assert ui.statuses[page.url] == 200
    shot("register-done")
    sign_in_program_admin(ui)
    ui.goto("/office/registrations/")
    shot("registration-queue")
    # approve one, so the audit trail shows a decision with its before and after
    page.locator("main table tbody tr", has_text=joining.name).get_by_role(
        "link", name="Review"
    ).click()
    page.wait_for_url("**/office/registrations/*/")
    ui.check()
    page.get_by_label("Note (optional)").fill("Confirmed by phone with the city clerk.")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/office/registrations/")
    ui.check()
    ui.goto("/office/audit/")
    shot("audit")
