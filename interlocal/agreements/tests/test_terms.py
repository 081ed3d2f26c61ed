"""Renewals, amendments, fee schedules and the status derived from dates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.agreements import services
from interlocal.agreements.models import Agreement, AgreementStatus, FeeSchedule
from interlocal.core.models import AuditEvent
from interlocal.core.periods import add_months
from tests import factories

pytestmark = pytest.mark.django_db


def lead_of(personas):
    return personas["lead_agency_officer"].active_memberships[0].organization.agency


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime.date(2026, 1, 1), 36, datetime.date(2028, 12, 31)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 27)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 27)),
        (datetime.date(2026, 7, 15), 12, datetime.date(2027, 7, 14)),
    ],
)
def test_term_end_is_the_day_before_the_same_date_months_later(start, months, end):
    assert services.term_end(start, months) == end


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2027, 12, 15), 2) == datetime.date(2028, 2, 15)


def test_status_follows_the_dates():
    a = factories.agreement()
    assert a.status(datetime.date(2025, 12, 31)) == AgreementStatus.PENDING
    assert a.status(datetime.date(2026, 1, 1)) == AgreementStatus.ACTIVE
    assert a.status(datetime.date(2028, 12, 31)) == AgreementStatus.ACTIVE
    assert a.status(datetime.date(2029, 1, 1)) == AgreementStatus.EXPIRED
    day = datetime.date(2027, 6, 1)
    for status in AgreementStatus.values:
        expected = [a.pk] if status == AgreementStatus.ACTIVE else []
        assert (
            list(Agreement.objects.in_status(status, day).values_list("pk", flat=True)) == expected
        )
    assert Agreement.objects.with_status(day).get().current_status == "active"


def test_renewals_are_exercised_in_order_and_extend_the_term(personas):
    a = factories.agreement(lead_agency=lead_of(personas), effective_on=datetime.date(2025, 1, 1))
    officer = personas["lead_agency_officer"]
    first = services.exercise_renewal(a, actor=officer, note="Board item 7")
    a.refresh_from_db()
    assert first.sequence == 1
    assert a.expires_on == datetime.date(2028, 12, 31)
    services.exercise_renewal(a, actor=officer, note="Board item 9")
    with pytest.raises(ValidationError, match="every renewal option has been exercised"):
        services.exercise_renewal(a, actor=officer)
    a.refresh_from_db()
    assert a.expires_on == a.final_expiry_on == datetime.date(2029, 12, 31)
    assert AuditEvent.objects.filter(verb="agreement.renew", object_id=str(a.pk)).count() == 2


def test_an_expired_agreement_cannot_be_renewed(personas):
    a = factories.agreement(lead_agency=lead_of(personas), effective_on=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="expired agreement cannot be renewed"):
        services.exercise_renewal(a, actor=personas["program_admin"])


def test_only_the_lead_agency_or_the_office_changes_an_agreement(personas):
    a = factories.agreement()  # another agency leads it
    for role in ["lead_agency_officer", "buyer", "supplier_rep", "auditor"]:
        with pytest.raises(PermissionDenied):
            services.exercise_renewal(a, actor=personas[role])
    services.exercise_renewal(a, actor=personas["program_admin"], note="Office action")


def test_an_amendment_records_what_changed_and_why(personas):
    a = factories.agreement(lead_agency=lead_of(personas))
    amendment = services.amend(
        a,
        actor=personas["lead_agency_officer"],
        summary="Adds toner to the scope",
        reason="Requested by participating agencies",
        effective_on=datetime.date(2026, 6, 1),
        changes={"description": "Office supplies, paper and toner"},
    )
    a.refresh_from_db()
    assert amendment.number == 1
    assert amendment.changes == {
        "description": ["Office supplies and paper", "Office supplies, paper and toner"]
    }
    assert a.description == "Office supplies, paper and toner"
    assert "toner" in a.search_text
    with pytest.raises(ValidationError, match="changes nothing"):
        services.amend(
            a,
            actor=personas["program_admin"],
            summary="x",
            reason="y",
            effective_on=datetime.date(2026, 6, 1),
            changes={"description": a.description},
        )
    with pytest.raises(ValidationError, match="cannot be amended"):
        services.amend(
            a,
            actor=personas["program_admin"],
            summary="x",
            reason="y",
            effective_on=datetime.date(2026, 6, 1),
            changes={"supplier": 1},
        )


def test_a_new_fee_schedule_ends_the_open_one_the_day_before(personas):
    a = factories.agreement()
    schedule = services.set_fee_schedule(
        a,
        services.FeeTerms(
            effective_from=datetime.date(2027, 1, 1),
            rate_bps=150,
            tiers=[(0, 200), (1_000_000_000, 150)],
            state_add_ons={"TX": 25},
        ),
        actor=personas["program_admin"],
    )
    first = a.fee_schedules.order_by("effective_from").first()
    assert first.effective_to == datetime.date(2026, 12, 31)
    assert [(t.from_cents, t.rate_bps) for t in schedule.tiers.all()] == [
        (0, 200),
        (1_000_000_000, 150),
    ]
    assert schedule.state_add_ons.get().state.postal == "TX"
    assert list(
        FeeSchedule.objects.in_effect_on(datetime.date(2026, 12, 31)).values_list(
            "rate_bps", flat=True
        )
    ) == [200]
    assert list(
        FeeSchedule.objects.in_effect_on(datetime.date(2027, 1, 1)).values_list(
            "rate_bps", flat=True
        )
    ) == [150]


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (
            {
                "effective_from": datetime.date(2025, 6, 1),
                "effective_to": datetime.date(2026, 6, 1),
            },
            "effective_from",
        ),
        ({"effective_from": datetime.date(2026, 1, 1)}, "effective_from"),
        ({"effective_from": datetime.date(2027, 1, 1), "rate_bps": 10001}, "rate_bps"),
        (
            {"effective_from": datetime.date(2027, 1, 1), "state_add_ons": {"XX": 10}},
            "state_add_ons",
        ),
        ({"effective_from": datetime.date(2027, 1, 1), "tiers": [(0, 200), (0, 100)]}, "tiers"),
    ],
)
def test_bad_fee_schedules_are_refused_and_nothing_changes(personas, terms, field):
    a = factories.agreement()
    with pytest.raises(ValidationError) as refused:
        services.set_fee_schedule(a, services.FeeTerms(**terms), actor=personas["program_admin"])
    assert field in refused.value.message_dict
    assert a.fee_schedules.get().effective_to is None


def test_only_the_program_office_sets_fees(personas):
    a = factories.agreement(lead_agency=lead_of(personas))
    with pytest.raises(PermissionDenied):
        services.set_fee_schedule(
            a,
            services.FeeTerms(effective_from=datetime.date(2027, 1, 1)),
            actor=personas["lead_agency_officer"],
        )
