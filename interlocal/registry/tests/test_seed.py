"""The demo program: deterministic, calibrated, one login per role, never seeded twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import ROLES
from interlocal.accounts.models import Membership
from interlocal.core.audit import verify_chain
from interlocal.core.models import AuditEvent
from interlocal.registry.demo.calibration import calibrated_universe_counts
from interlocal.registry.demo.seed import DEMO_PASSWORD, NATIONAL_PARTICIPANTS, SCALES
from interlocal.registry.models import AdvisoryBoardMember, Agency, Registration, Sponsor

pytestmark = pytest.mark.django_db


def seed(seed: int = 7) -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", "small", "--seed", str(seed), stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        Agency.objects.order_by("name", "state__postal", "census_id").values_list(
            "name", "agency_type", "state__postal", "census_id", "participating_since"
        )
    )


def test_small_demo_matches_its_calibration_and_has_every_persona(client) -> None:
    out = seed()
    expected = sum(calibrated_universe_counts(SCALES["small"]).values())
    # plus the Advisory Board agencies of the case study (when the universe lacks them) and
    # their departments
    extra = 16 + 8
    assert expected <= Agency.objects.count() <= expected + extra
    participants = Agency.objects.participating().count()
    assert abs(participants - round(NATIONAL_PARTICIPANTS * SCALES["small"])) <= extra
    la = Agency.objects.get(name="Los Angeles County")
    assert la.children.filter(name="Los Angeles County Sheriff's Department").exists()
    assert la.aliases.filter(name="LA COUNTY").exists()
    assert f"{participants:,} participating agencies" in out
    roles = set(
        Membership.objects.filter(user__email__endswith=".demo").values_list("role", flat=True)
    )
    assert roles == set(ROLES)
    assert (
        Sponsor.objects.filter(
            acronym__in=["NACo", "NLC", "USCM", "ASBO", "NGA", "NIGP", "CSAC", "LCC"]
        ).count()
        == 8
    )
    assert AdvisoryBoardMember.objects.filter(agency__name="Los Angeles County").exists()
    assert Registration.objects.pending().count() > 0
    assert list(verify_chain()) == []
    assert AuditEvent.objects.filter(verb="demo.seed").count() == 1
    assert client.login(email="buyer@city.demo", password=DEMO_PASSWORD)


def test_same_seed_same_program_and_a_second_run_changes_nothing() -> None:
    seed(7)
    first = fingerprint()
    out = seed(7)
    assert "already holds a program" in out and fingerprint() == first


def test_generated_names_read_like_real_ones() -> None:
    seed()
    names = set(Agency.objects.values_list("name", flat=True))
    assert any(n.startswith("City of ") for n in names)
    assert any(n.endswith("School District") or n.endswith("Schools") for n in names)
    assert any(n.endswith("County") for n in names)
    counties = Agency.objects.filter(
        agency_type="county", county__isnull=False, parent__isnull=True
    )
    assert all(a.name == a.county.name for a in counties.select_related("county")[:200])


def test_governance_page_shows_sponsors_foundation_and_advisory_board(client) -> None:
    seed()
    html = client.get("/about/governance/").content.decode()
    for text in (
        "National Association of Counties (NACo)",
        "managing sponsor",
        "Interlocal Cooperative Purchasing Foundation",
        "Los Angeles County",
        "Wichita Public Schools",
    ):
        assert text in html


@pytest.mark.parametrize("seed_value", [1, 2, 3, 7, 11])
def test_every_seed_writes_valid_certifications(seed_value) -> None:

    from interlocal.registry.models import Certification

    seed(seed_value)
    today = timezone.localdate()  # the program's calendar, as the code under test uses
    certs = list(Certification.objects.all())
    assert certs and all(c.valid_from <= c.valid_to for c in certs)
    # lapsed ones ended before today; the rest are in force today
    assert all(c.valid_to < today or c.valid_from <= today <= c.valid_to for c in certs)
