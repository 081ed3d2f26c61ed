"""The program office's review queue: customers of a report that no rule could match.

Each decision is one of: this agency (a department resolves to its government), a new agency
created from what the supplier wrote, or a rejection (not an eligible agency: the lines do not
count as program sales). A decision to match becomes an alias of the agency for the
supplier, so the same name matches exactly next quarter; it also settles the same customer in
the supplier's other reports waiting for review.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal.core import audit
from interlocal.core.models import State
from interlocal.core.permissions import require
from interlocal.registry.models import Agency, AgencyAlias, AgencyType
from interlocal.registry.normalise import normalise_name
from interlocal.reporting.models import (
    MatchMethod,
    ReportCustomer,
    ReportProblem,
    ReportStatus,
    SalesLine,
    Severity,
)
from interlocal.reporting.services.processing import accept_report, is_outdated


@transaction.atomic
def decide_customer(
    customer: ReportCustomer,
    *,
    actor: Any,
    agency: Agency | None = None,
    new_agency_type: str = "",
    reject: bool = False,
    reason: str = "",
) -> ReportCustomer:
    """Settle one customer of the review queue: ``agency`` to match it, ``new_agency_type``
    to create the agency from the customer's name and address, or ``reject``."""
    customer = (
        ReportCustomer.objects.select_for_update().select_related("report").get(pk=customer.pk)
    )
    report = customer.report
    require(actor, "salesreport:review", report)
    if report.status != ReportStatus.IN_REVIEW:
        raise ValidationError(f"the report is {report.get_status_display().lower()}, not in review")
    if customer.method != MatchMethod.UNMATCHED:
        raise ValidationError(f"'{customer.name}' was already settled ({customer.method})")
    if sum([agency is not None, bool(new_agency_type), reject]) != 1:
        raise ValidationError("choose one: an agency, a new agency, or reject")
    if reject and not reason.strip():
        raise ValidationError({"reason": "say why the customer is not an eligible agency"})
    method = MatchMethod.DECIDED
    if new_agency_type:
        agency, method = _create_agency(customer, new_agency_type), MatchMethod.CREATED
    elif agency is not None:
        if agency.state.postal != customer.state:
            raise ValidationError(
                {"agency": f"{agency} is not in {customer.state}, the customer's state"}
            )
        agency = agency.parent or agency  # a department's sales are its government's
    same = ReportCustomer.objects.filter(
        method=MatchMethod.UNMATCHED,
        report__status=ReportStatus.IN_REVIEW,
        report__obligation__agreement__supplier=report.obligation.agreement.supplier,
        key=customer.key,
        state=customer.state,
    ).select_related("report")
    settled = list(same)
    for each in settled:
        _settle(each, actor, agency, MatchMethod.REJECTED if reject else method, reason)
    if agency is not None:
        _remember_alias(customer, agency)
    audit.record(
        actor=actor,
        verb="salesreport.match_decision",
        obj=customer,
        after={
            "decision": "reject" if reject else method,
            "agency": agency.pk if agency else None,
            "customers_settled": len(settled),
        },
        reason=reason,
    )
    for each_report in {each.report for each in settled}:
        if (
            settings.SALES_AUTO_ACCEPT
            and not each_report.customers.filter(method=MatchMethod.UNMATCHED).exists()
            # an older version settled after its correction was accepted stays as it is
            and not is_outdated(each_report, each_report.obligation.accepted)
        ):
            accept_report(each_report, actor=None)
    customer.refresh_from_db()
    return customer


def _settle(
    customer: ReportCustomer, actor: Any, agency: Agency | None, method: str, reason: str
) -> None:
    customer.agency, customer.method = agency, method
    customer.decided_by, customer.decided_at = actor, timezone.now()
    customer.save(update_fields=["agency", "method", "decided_by", "decided_at"])
    SalesLine.objects.filter(customer=customer).update(agency=agency)
    report = customer.report
    report.review_count = report.customers.filter(method=MatchMethod.UNMATCHED).count()
    report.save(update_fields=["review_count"])
    if method == MatchMethod.REJECTED:
        first = customer.lines.order_by("line").values_list("line", flat=True).first() or 0
        ReportProblem.objects.create(
            report=report,
            line=first,
            column="(customer)",
            code="rejected_customer",
            severity=Severity.WARNING,
            message=(
                f"'{customer.name}' ({customer.line_count} lines) is not an eligible agency: "
                f"{reason.strip()}. Its lines do not count as program sales."
            )[:500],
            value=customer.name[:100],
        )


def _remember_alias(customer: ReportCustomer, agency: Agency) -> None:
    """The supplier's name for the agency, so next quarter it matches exactly. Two suppliers
    using the same name make it a global alias."""
    supplier_id = customer.report.obligation.agreement.supplier_id
    key = normalise_name(customer.name)
    if key == agency.search_name:
        return
    alias = AgencyAlias.objects.filter(agency=agency, search_name=key).first()
    if alias is None:
        AgencyAlias.objects.create(
            agency=agency,
            name=customer.name,
            source=AgencyAlias.Source.SALES_REPORT,
            supplier_id=supplier_id,
        )
    elif alias.supplier_id not in (None, supplier_id):
        alias.supplier = None
        alias.save(update_fields=["supplier"])


def _create_agency(customer: ReportCustomer, agency_type: str) -> Agency:
    if agency_type not in AgencyType.values:
        raise ValidationError({"new_agency_type": "choose the kind of agency to create"})
    state = State.objects.filter(postal=customer.state).first()
    if state is None:
        raise ValidationError({"state": f"'{customer.state}' is not a state"})
    return Agency.objects.create(
        name=customer.name,
        agency_type=agency_type,
        state=state,
        street=customer.address,
        city=customer.city,
        zip_code=customer.zip_code,
    )
