"""Organization API keys at the service layer: issuing, storing, authenticating, revoking, and
which scopes each kind of organization may hold."""

import datetime
import hashlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interlocal.accounts.models import SCOPES_BY_KIND, ApiKey, ApiScope, Organization
from interlocal.accounts.roles import OrgKind
from interlocal.accounts.services import (
    authenticate_api_key,
    hash_secret,
    issue_api_key,
    revoke_api_key,
)
from interlocal.core.models import AuditEvent

TOKEN_SHAPE = re.compile(r"^il_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{40,})$")
# The persona whose organization (a sponsor association) may hold registrations:write.
HOLDER = "sponsor_viewer"


def _org_of(user) -> Organization:
    org = user.primary_organization
    assert org is not None
    return org


def _issue(user, *, scopes=(ApiScope.REGISTRATIONS_WRITE,), name="ERP nightly sync", org=None):
    return issue_api_key(
        actor=user, organization=org or _org_of(user), name=name, scopes=list(scopes)
    )


def _secret_of(token: str) -> str:
    match = TOKEN_SHAPE.match(token)
    assert match, token
    return match["secret"]


def _stored_key(organization: Organization, scopes: list[str], secret: str = "s" * 43) -> str:
    """A key row as an earlier release stored it (before a scope was withdrawn or limited to
    some organization kinds), bypassing issue_api_key; returns its token."""
    prefix = "0ld" + format(ApiKey.objects.count(), "05x")
    ApiKey.objects.create(
        organization=organization,
        name="issued before the rule",
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=scopes,
    )
    return f"il_{prefix}_{secret}"


# --- issuing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_issued_token_has_the_documented_shape_and_names_the_stored_key(personas):
    # given a sponsor viewer
    holder = personas[HOLDER]

    # when they issue a key, naming its scope twice
    issued = _issue(holder, scopes=[ApiScope.REGISTRATIONS_WRITE, "registrations:write"])

    # then the token is il_<prefix>_<secret>, its prefix is the stored key's, and the key
    # belongs to the sponsor's organization with the scope asked for (deduplicated)
    match = TOKEN_SHAPE.match(issued.token)
    assert match, issued.token
    key = ApiKey.objects.get(pk=issued.key.pk)
    assert match["prefix"] == key.prefix
    assert key.organization == _org_of(holder)
    assert key.scopes == ["registrations:write"]
    assert key.created_by == holder
    assert key.revoked_at is None and key.last_used_at is None


@pytest.mark.django_db
def test_only_a_sha256_hash_of_the_secret_is_stored_anywhere(personas):
    # given a key just issued
    issued = _issue(personas[HOLDER])
    secret = _secret_of(issued.token)

    # when we read back what the database holds for the key
    key = ApiKey.objects.get(pk=issued.key.pk)

    # then the hash is sha256 of the secret, and the secret itself is in no column of any row
    # of any table (keys, audit trail, anything else)
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert key.secret_hash != secret
    leaks = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for row in model._default_manager.values_list():
            if any(secret in str(value) for value in row):
                leaks.append(model._meta.label)
    assert leaks == []


@pytest.mark.django_db
def test_each_issue_gets_a_new_prefix_and_secret(personas):
    # given one sponsor viewer
    holder = personas[HOLDER]

    # when they issue two keys
    first, second = _issue(holder, name="one"), _issue(holder, name="two")

    # then nothing is shared between the two tokens
    assert first.key.prefix != second.key.prefix
    assert _secret_of(first.token) != _secret_of(second.token)
    assert first.key.secret_hash != second.key.secret_hash


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "scopes", "field", "words"),
    [
        ("sync", ["agencies:write"], "scopes", "agencies:write"),
        ("sync", ["registrations:write", "admin"], "scopes", "admin"),
        ("sync", ["agencies:read"], "scopes", "unknown scope(s) agencies:read"),
        ("sync", [], "scopes", "at least one scope"),
        ("", ["registrations:write"], "name", "name"),
        ("   ", ["registrations:write"], "name", "name"),
    ],
    ids=[
        "unknown-scope",
        "one-unknown-among-known",
        "withdrawn-read-scope",
        "no-scopes",
        "empty-name",
        "blank-name",
    ],
)
def test_bad_requests_are_refused_with_a_field_message_and_nothing_saved(
    personas, name, scopes, field, words
):
    # given a sponsor viewer and no keys yet
    holder = personas[HOLDER]
    assert ApiKey.objects.count() == 0

    # when they ask for a key with a bad name or bad scopes
    with pytest.raises(ValidationError) as excinfo:
        _issue(holder, name=name, scopes=scopes)

    # then the error is attached to the offending field and says what is wrong
    messages = excinfo.value.message_dict
    assert list(messages) == [field]
    assert words in " ".join(messages[field])
    assert ApiKey.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="apikey.issue").exists()


@pytest.mark.django_db
def test_an_overlong_name_is_refused_with_a_field_message(personas):
    # given a sponsor viewer and no keys yet
    holder = personas[HOLDER]

    # when they ask for a key whose name is longer than the column
    with pytest.raises(ValidationError) as excinfo:
        _issue(holder, name="x" * 101)

    # then the name field says so, and nothing is saved
    assert "name" in excinfo.value.message_dict
    assert ApiKey.objects.count() == 0


@pytest.mark.django_db
def test_unknown_scope_message_lists_the_scopes_the_organization_may_choose(personas):
    # given a sponsor viewer
    holder = personas[HOLDER]

    # when they ask for a scope that does not exist
    with pytest.raises(ValidationError) as excinfo:
        _issue(holder, scopes=["everything"])

    # then the message names the organization and the scopes it may choose
    message = " ".join(excinfo.value.message_dict["scopes"])
    assert f"{_org_of(holder)} may choose from: registrations:write" in message


# --- which organizations may hold which scopes ------------------------------------------------


def test_the_written_scope_policy():
    # the directory is public, so its reads need no scope; enrolling agencies is for the
    # program office and the sponsors; lead agencies (and the office) run solicitations;
    # suppliers submit proposals and file sales reports (the office may file for a supplier);
    # fee invoices are read by the office and by suppliers (their own)
    assert ApiScope.values == [
        "registrations:write",
        "solicitations:write",
        "proposals:write",
        "salesreports:write",
        "fees:read",
        "analytics:read",
    ]
    written = {
        OrgKind.PROGRAM_OFFICE: {
            "registrations:write",
            "solicitations:write",
            "salesreports:write",
            "fees:read",
            "analytics:read",
        },
        OrgKind.SPONSOR: {"registrations:write", "analytics:read"},
        OrgKind.AGENCY: {"solicitations:write", "analytics:read"},
        OrgKind.SUPPLIER: {"proposals:write", "salesreports:write", "fees:read", "analytics:read"},
    }
    assert written == SCOPES_BY_KIND
    assert set(SCOPES_BY_KIND) == set(OrgKind)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supplier_rep", "buyer", "lead_agency_officer"])
def test_agencies_and_suppliers_cannot_give_themselves_registrations_write(personas, role):
    # given a member of a supplier or an agency
    member = personas[role]
    org = _org_of(member)

    # when they ask for a key that may enrol agencies for their own organization
    with pytest.raises(ValidationError) as excinfo:
        _issue(member, scopes=[ApiScope.REGISTRATIONS_WRITE])

    # then it is refused on the scopes field, saying who may hold the scope and what the
    # organization may choose instead; nothing is stored or audited
    message = " ".join(excinfo.value.message_dict["scopes"])
    assert f"{org} cannot hold registrations:write" in message
    assert "program office and sponsor organizations only" in message
    supplier_scopes = "proposals:write, salesreports:write, fees:read, analytics:read"
    own = supplier_scopes if role == "supplier_rep" else "solicitations:write, analytics:read"
    assert f"{org} may choose from: {own}." in message
    assert ApiKey.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="apikey.issue").exists()


@pytest.mark.django_db
def test_a_key_needs_at_least_one_scope(personas):
    # given a buyer, whose agency may hold solicitations:write
    buyer = personas["buyer"]

    # when they ask for a key with no scope
    with pytest.raises(ValidationError) as excinfo:
        _issue(buyer, scopes=[])

    # then they are told to choose one
    assert excinfo.value.message_dict["scopes"] == ["choose at least one scope"]
    assert ApiKey.objects.count() == 0


@pytest.mark.django_db
def test_the_program_admin_cannot_give_a_supplier_registrations_write_either(personas):
    # given the program administrator, who manages every organization's keys
    admin = personas["program_admin"]
    supplier_org = _org_of(personas["supplier_rep"])

    # when they issue a registrations:write key for a supplier
    # then the rule holds for them too: it is about the organization, not who asks
    with pytest.raises(ValidationError) as excinfo:
        _issue(admin, org=supplier_org)
    assert f"{supplier_org} cannot hold" in " ".join(excinfo.value.message_dict["scopes"])
    assert not ApiKey.objects.filter(organization=supplier_org).exists()


@pytest.mark.django_db
def test_a_supplier_key_stored_with_registrations_write_before_the_rule_grants_nothing(personas):
    # given a supplier key stored with registrations:write by an earlier release
    supplier_org = _org_of(personas["supplier_rep"])
    token = _stored_key(supplier_org, ["registrations:write"])

    # when it is presented
    key = authenticate_api_key(token)

    # then it still identifies the supplier (and is marked as used), but carries no scope;
    # the stored row keeps what was issued
    assert key is not None and key.organization == supplier_org
    assert key.scopes == []
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.scopes == ["registrations:write"]
    assert stored.granted_scopes == [] and stored.withdrawn_scopes == ["registrations:write"]
    assert stored.last_used_at is not None


@pytest.mark.django_db
def test_a_withdrawn_read_scope_is_dropped_and_the_write_scope_kept(personas):
    # given a sponsor key stored with a read scope that no longer exists and the write scope
    token = _stored_key(_org_of(personas[HOLDER]), ["agencies:read", "registrations:write"])

    # when it is presented
    key = authenticate_api_key(token)

    # then only the scope the sponsor may hold is granted
    assert key is not None
    assert key.scopes == ["registrations:write"]


# --- who may issue ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_cannot_issue_keys_for_another_organization(personas):
    # given a buyer and the sponsor's organization (which may hold registrations:write)
    buyer = personas["buyer"]
    sponsor_org = _org_of(personas["sponsor_viewer"])

    # when the buyer issues a key for the sponsor
    # then it is refused as a matter of membership, and nothing is stored
    with pytest.raises(PermissionDenied):
        _issue(buyer, org=sponsor_org)
    assert not ApiKey.objects.filter(organization=sponsor_org).exists()


@pytest.mark.django_db
def test_an_auditor_cannot_issue_keys_even_for_their_own_organization(personas):
    # given the auditor, a member of the program office (which may hold registrations:write)
    auditor = personas["auditor"]
    office = _org_of(auditor)

    # when they issue a key for the program office
    # then it is refused: auditors only read
    with pytest.raises(PermissionDenied):
        _issue(auditor, org=office)
    assert ApiKey.objects.count() == 0


@pytest.mark.django_db
def test_the_program_admin_issues_keys_for_any_organization_that_may_hold_the_scope(personas):
    # given the program administrator and a sponsor's organization
    admin = personas["program_admin"]
    sponsor_org = _org_of(personas["sponsor_viewer"])

    # when they issue a key for the sponsor and one for their own office
    for_sponsor = _issue(admin, org=sponsor_org)
    for_office = _issue(admin, org=_org_of(admin))

    # then both keys exist in the right organizations and work with their scope
    assert for_sponsor.key.organization == sponsor_org
    assert for_office.key.organization == _org_of(admin)
    assert authenticate_api_key(for_sponsor.token) == for_sponsor.key
    assert authenticate_api_key(for_office.token).scopes == ["registrations:write"]


@pytest.mark.django_db
def test_issuing_is_audited_without_the_secret(personas):
    # given a sponsor viewer
    holder = personas[HOLDER]

    # when they issue a key
    issued = _issue(holder, scopes=[ApiScope.REGISTRATIONS_WRITE])

    # then one 'apikey.issue' event names the actor, organization, key, prefix and scopes
    event = AuditEvent.objects.get(verb="apikey.issue")
    assert event.actor == holder
    assert event.organization == _org_of(holder)
    assert event.object_id == str(issued.key.pk)
    assert event.after == {
        "name": "ERP nightly sync",
        "prefix": issued.key.prefix,
        "scopes": ["registrations:write"],
    }


# --- authenticating ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_good_token_authenticates_and_records_when_it_was_used(personas):
    # given a key never used
    issued = _issue(personas[HOLDER])
    before = timezone.now()

    # when its token is presented
    key = authenticate_api_key(issued.token)

    # then the key is returned with its organization, and last_used_at is stored
    assert key == issued.key
    assert key.organization == _org_of(personas[HOLDER])
    stored = ApiKey.objects.get(pk=issued.key.pk).last_used_at
    assert stored is not None
    assert before <= stored <= timezone.now()


@pytest.mark.django_db
def test_last_used_at_moves_forward_on_a_later_use(personas):
    # given a key last used two hours ago
    issued = _issue(personas[HOLDER])
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ApiKey.objects.filter(pk=issued.key.pk).update(last_used_at=long_ago)

    # when it is used again
    assert authenticate_api_key(issued.token) is not None

    # then the stored time is now, not two hours ago
    stored = ApiKey.objects.get(pk=issued.key.pk).last_used_at
    assert stored > long_ago + datetime.timedelta(hours=1)


@pytest.mark.django_db
def test_surrounding_whitespace_in_the_header_value_is_tolerated(personas):
    # given a token copied with a trailing newline
    issued = _issue(personas[HOLDER])

    # when it is presented
    # then it still authenticates
    assert authenticate_api_key(f" {issued.token}\n") == issued.key


@pytest.mark.django_db
def test_a_revoked_key_no_longer_authenticates(personas):
    # given a key that worked
    holder = personas[HOLDER]
    issued = _issue(holder)
    assert authenticate_api_key(issued.token) is not None

    # when it is revoked
    revoke_api_key(actor=holder, key=issued.key)

    # then the same token is refused
    assert authenticate_api_key(issued.token) is None


@pytest.mark.django_db
def test_a_wrong_secret_with_a_real_prefix_is_refused(personas):
    # given a real key
    issued = _issue(personas[HOLDER])
    secret = _secret_of(issued.token)

    # when someone presents its prefix with another secret (same length, one character off)
    forged_secret = ("A" if secret[0] != "A" else "B") + secret[1:]
    forged = f"il_{issued.key.prefix}_{forged_secret}"

    # then it is refused and the key is not marked as used
    assert authenticate_api_key(forged) is None
    assert ApiKey.objects.get(pk=issued.key.pk).last_used_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_token",
    [
        lambda t, p, s: "",
        lambda t, p, s: "   ",
        lambda t, p, s: "not-a-token",
        lambda t, p, s: f"il_{p}",
        lambda t, p, s: f"xx_{p}_{s}",
        lambda t, p, s: f"IL_{p}_{s}",
        lambda t, p, s: f"il__{s}",
        lambda t, p, s: f"il_{p}_",
        lambda t, p, s: f"il_deadbeef_{s}",
        lambda t, p, s: f"Bearer {t}",
        lambda t, p, s: t[:-1],
    ],
    ids=[
        "empty",
        "blank",
        "no-underscores",
        "no-secret",
        "wrong-scheme",
        "upper-case-scheme",
        "empty-prefix",
        "empty-secret",
        "unknown-prefix",
        "scheme-word-included",
        "truncated",
    ],
)
def test_malformed_tokens_are_refused(personas, make_token):
    # given a real key
    issued = _issue(personas[HOLDER])
    secret = _secret_of(issued.token)

    # when a malformed variant of its token is presented
    token = make_token(issued.token, issued.key.prefix, secret)

    # then nothing authenticates
    assert authenticate_api_key(token) is None


@pytest.mark.django_db
def test_a_key_of_an_inactive_organization_is_refused(personas):
    # given a working key of the sponsor's organization
    issued = _issue(personas[HOLDER])
    assert authenticate_api_key(issued.token) is not None

    # when the organization is deactivated
    Organization.objects.filter(pk=issued.key.organization_id).update(is_active=False)

    # then its key is refused
    assert authenticate_api_key(issued.token) is None


# --- revoking ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revocation_is_recorded_and_audited_once(personas):
    # given a sponsor's key
    holder = personas[HOLDER]
    issued = _issue(holder)

    # when the sponsor viewer revokes it with a reason, then revokes it again
    revoke_api_key(actor=holder, key=issued.key, reason="laptop lost")
    first_revoked_at = ApiKey.objects.get(pk=issued.key.pk).revoked_at
    revoke_api_key(actor=holder, key=ApiKey.objects.get(pk=issued.key.pk))

    # then the key is revoked, the second call changed nothing, and one event records it
    assert first_revoked_at is not None
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at == first_revoked_at
    events = list(AuditEvent.objects.filter(verb="apikey.revoke"))
    assert len(events) == 1
    event = events[0]
    assert event.actor == holder
    assert event.organization == _org_of(holder)
    assert event.object_id == str(issued.key.pk)
    assert event.reason == "laptop lost"
    assert event.before == {"revoked_at": None}
    assert event.after["revoked_at"] is not None


@pytest.mark.django_db
def test_a_member_of_another_organization_cannot_revoke_a_key(personas):
    # given the sponsor's key
    issued = _issue(personas[HOLDER])

    # when the supplier representative tries to revoke it
    # then it is refused and nothing changes
    with pytest.raises(PermissionDenied):
        revoke_api_key(actor=personas["supplier_rep"], key=issued.key)
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at is None
    assert not AuditEvent.objects.filter(verb="apikey.revoke").exists()


@pytest.mark.django_db
def test_the_program_admin_can_revoke_any_organizations_key(personas):
    # given the sponsor's key
    issued = _issue(personas[HOLDER])

    # when the program administrator revokes it
    revoke_api_key(actor=personas["program_admin"], key=issued.key, reason="sponsor request")

    # then it is revoked and refused
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at is not None
    assert authenticate_api_key(issued.token) is None
    assert AuditEvent.objects.get(verb="apikey.revoke").actor == personas["program_admin"]


@pytest.mark.django_db
def test_a_supplier_can_still_revoke_a_key_stored_before_the_rule(personas):
    # given a supplier key stored with registrations:write by an earlier release
    rep = personas["supplier_rep"]
    token = _stored_key(_org_of(rep), ["registrations:write"])
    key = ApiKey.objects.get(organization=_org_of(rep))

    # when the supplier representative revokes it
    revoke_api_key(actor=rep, key=key, reason="no longer allowed")

    # then it is revoked, audited, and the token is refused
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert AuditEvent.objects.get(verb="apikey.revoke").actor == rep
    assert authenticate_api_key(token) is None
