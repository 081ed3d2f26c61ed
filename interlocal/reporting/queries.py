"""Reads of sales reporting: scopes, the dashboards' lists, the review queue."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from interlocal.reporting.models import (
    MatchMethod,
    ReportCustomer,
    ReportObligation,
    ReportObligationQuerySet,
    ReportStatus,
    SalesReport,
)


def derived_status(obligation: ReportObligation) -> str:
    """An obligation's status: its latest filing's, except that a correction that failed does
    not undo an accepted report (the accepted one still counts)."""
    latest = obligation.latest
    if latest is None:
        return ReportStatus.OPEN
    if obligation.accepted_id and latest.status in (
        ReportStatus.VALIDATION_FAILED,
        ReportStatus.SUPERSEDED,
    ):
        return ReportStatus.ACCEPTED
    return latest.status


def obligations(user: Any) -> ReportObligationQuerySet:
    return ReportObligation.objects.visible_to(user).select_related(
        "agreement__supplier", "latest", "accepted"
    )


def past_due(user: Any, today: datetime.date | None = None) -> QuerySet[ReportObligation]:
    """Late and missing reports: past their due date with nothing accepted or waiting, the
    most recently due first."""
    return obligations(user).past_due(today).order_by("-due_on", "agreement__number")


def waiting_for_office(user: Any) -> QuerySet[SalesReport]:
    """Reports the program office must act on: in review (customers to match, or acceptance
    by hand)."""
    return (
        SalesReport.objects.visible_to(user)
        .filter(status=ReportStatus.IN_REVIEW)
        .select_related("obligation__agreement__supplier")
        .order_by("submitted_at")
    )


def review_queue(user: Any) -> QuerySet[ReportCustomer]:
    """Customers no rule could match, largest sales first, in reports still in review."""
    return (
        ReportCustomer.objects.filter(
            method=MatchMethod.UNMATCHED,
            report__status=ReportStatus.IN_REVIEW,
            report__in=SalesReport.objects.visible_to(user),
        )
        .select_related("report__obligation__agreement__supplier")
        .order_by("-sales_cents", "pk")
    )


def is_due_soon(obligation: ReportObligation, days: int = 14) -> bool:
    today = timezone.localdate()
    return obligation.status == ReportStatus.OPEN and 0 <= (obligation.due_on - today).days <= days


def problems_csv_of(report: SalesReport) -> str:
    """The report's error file: every problem kept, in line order, with its severity."""
    from interlocal.core.tabular import problems_csv

    return problems_csv(report.problems.order_by("line", "pk").iterator(), extra=("severity",))
