"""Evidence that a non-profit may take part: its EIN is an active 501(c)(3) in the IRS
Exempt Organizations Business Master File extract the program office imported, and the latest
import of its state still lists it (the IRS drops revoked organizations from the file)."""

from dataclasses import dataclass

from interlocal.registry.ingest.irs import ACTIVE_501C3_STATUSES, normalise_ein
from interlocal.registry.models import ExemptOrganization


@dataclass(frozen=True)
class NonprofitVerdict:
    ok: bool
    ein: str
    message: str
    organization: ExemptOrganization | None = None


def check_501c3(ein_text: str) -> NonprofitVerdict:
    try:
        ein = normalise_ein(ein_text)
    except ValueError as exc:
        return NonprofitVerdict(False, ein_text, str(exc))
    org = ExemptOrganization.objects.filter(ein=ein).first()
    if org is None:
        return NonprofitVerdict(
            False,
            ein,
            (
                f"EIN {ein[:2]}-{ein[2:]} is not in the IRS Exempt Organizations file on record; "
                "check the number on your IRS determination letter, or ask the program office to "
                "verify it by hand"
            ),
        )
    if org.delisted_on is not None:
        # Checked first: the stored status is the one from before the IRS dropped the row.
        day = org.delisted_on
        return NonprofitVerdict(
            False,
            ein,
            (
                f"{org.name} (EIN {ein[:2]}-{ein[2:]}) is no longer listed in the IRS file "
                f"imported on {day:%B} {day.day}, {day.year}; the organization may have lost "
                "its exemption — ask it for a current IRS determination letter"
            ),
            org,
        )
    if org.subsection != "03":
        return NonprofitVerdict(
            False,
            ein,
            (
                f"{org.name} (EIN {ein[:2]}-{ein[2:]}) is exempt under "
                f"501(c)({int(org.subsection)}), "
                "not 501(c)(3); only 501(c)(3) organizations may participate"
            ),
            org,
        )
    if org.status not in ACTIVE_501C3_STATUSES:
        return NonprofitVerdict(
            False,
            ein,
            (
                f"{org.name} (EIN {ein[:2]}-{ein[2:]}) does not have an active exemption in "
                "the IRS "
                f"file (status code {org.status}); contact the program office with your current "
                "IRS letter"
            ),
            org,
        )
    return NonprofitVerdict(True, ein, f"{org.name}: active 501(c)(3) per the IRS file", org)
