"""What the program office does: sign in with a second factor, work the registration queue,
and read the audit trail."""

import pytest
from playwright.sync_api import expect

from interlocal.core.models import AuditEvent
from interlocal.registry.models import Registration
from tests.e2e.conftest import seed_small_demo, sign_in_program_admin

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _events_text(n: int) -> str:
    return f"{n} event{'' if n == 1 else 's'}"


@pytest.mark.e2e
def test_program_admin_approves_a_registration_and_finds_it_in_the_audit_trail(ui) -> None:
    # given the small demo program, with registrations waiting for verification
    seed_small_demo()
    pending = Registration.objects.pending().select_related("agency").order_by("created_at")
    waiting = pending.count()
    assert waiting > 0
    page = ui.page

    # when the program administrator signs in (password, then the authenticator code)
    sign_in_program_admin(ui)

    # then the dashboard offers the queue with the number waiting
    queue_link = page.get_by_role("link", name="Registration queue")
    expect(queue_link.locator("xpath=..")).to_contain_text(f"({waiting} waiting)")

    # when they open the queue and review the oldest registration
    queue_link.click()
    page.wait_for_url("**/office/registrations/")
    ui.check()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(waiting)
    registration = pending.first()
    agency = registration.agency
    assert agency is not None and not agency.is_participating
    expect(rows.first).to_contain_text(agency.name)
    expect(rows.first).to_contain_text(registration.contact_email)
    rows.first.get_by_role("link", name="Review").click()
    page.wait_for_url(f"**/office/registrations/{registration.pk}/")
    ui.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Registration of {agency.name}")

    # and approve it with a note
    page.get_by_label("Note (optional)").fill("Called the purchasing office to confirm.")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/office/registrations/")
    ui.check()

    # then the queue confirms it and has one registration fewer
    expect(page.get_by_role("status")).to_contain_text(f"Approved: {agency.name} now participates.")
    expect(rows).to_have_count(waiting - 1)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert registration.reviewed_by.email == "admin@interlocal.demo"

    # and, from the approved list, the agency's page says it participates
    page.get_by_role("link", name="Approved", exact=True).click()
    page.wait_for_url("**/office/registrations/?status=approved")
    ui.check()
    page.locator("main table tbody tr", has_text=agency.name).get_by_role(
        "link", name="Review"
    ).click()
    page.wait_for_url(f"**/office/registrations/{registration.pk}/")
    ui.check()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    page.locator("main dl").get_by_role("link", name=agency.name).click()
    page.wait_for_url(f"**/agencies/{agency.pk}/")
    ui.check()
    expect(page.get_by_test_id("participation")).to_contain_text("Participating agency since")

    # when they open the audit trail from the dashboard
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard/")
    ui.check()
    page.get_by_role("link", name="Audit trail").click()
    page.wait_for_url("**/office/audit/")
    ui.check()

    # then it lists the approval, by the administrator, for that registration
    everything = AuditEvent.objects.count()
    expect(page.get_by_text(_events_text(everything), exact=True)).to_be_visible()
    approval = page.locator(
        "main table.audit-table > tbody > tr",
        has=page.locator("code", has_text="registration.approve"),
    )
    expect(approval).to_have_count(1)
    expect(approval).to_contain_text("admin@interlocal.demo")
    expect(approval).to_contain_text(f"registry.registration #{registration.pk}")
    expect(approval).to_contain_text("Called the purchasing office to confirm.")

    # when they filter by object type
    page.get_by_label("Object type").select_option("registry.registration")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/office/audit/?*object_type=registry.registration*")
    ui.check()

    # then only registration events remain, the approval among them
    narrowed = AuditEvent.objects.filter(object_type="registry.registration").count()
    assert 0 < narrowed < everything
    expect(page.get_by_text(_events_text(narrowed), exact=True)).to_be_visible()
    expect(page.locator("main table.audit-table > tbody > tr")).to_have_count(narrowed)
    objects = page.locator("main table tbody td:nth-child(5) span").all_inner_texts()
    assert objects and all(o.startswith("registry.registration #") for o in objects)
    expect(approval).to_have_count(1)
    expect(page.get_by_label("Object type")).to_have_value("registry.registration")
