"""Processing a filed report (read, validate, match, load) and accepting it.

Processing reads and checks the whole file before it writes anything, then writes the
outcome — problems, customers, lines and the new status — in one transaction: a failed report
leaves no lines, and a process killed half-way leaves nothing of the new version but its
"processing" status (:func:`recover_stalled` starts it again) while the accepted version
before it stays the quarter's facts.
"""

import datetime
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from interlocal.analytics.services import rollups
from interlocal.core import audit
from interlocal.core.permissions import require
from interlocal.fees import services as fees
from interlocal.registry.models import Agency, ParticipationRoute
from interlocal.reporting.ingest import WARNINGS, load
from interlocal.reporting.ingest.pipeline import Outcome, Progress, run
from interlocal.reporting.ingest.read import ReportUnreadable
from interlocal.reporting.models import (
    MatchMethod,
    ReportKind,
    ReportObligation,
    ReportProblem,
    ReportStatus,
    SalesLine,
    SalesReport,
    Severity,
)
from interlocal.reporting.queries import derived_status
from interlocal.reporting.workflow import TRANSITIONS

log = logging.getLogger(__name__)


def move(report: SalesReport, name: str) -> SalesReport:
    """Take transition ``name`` (a key of ``workflow.TRANSITIONS``); the obligation's status
    follows. Runs inside the caller's transaction."""
    step = TRANSITIONS[name]
    if report.status not in step.sources:
        raise ValidationError(
            f"version {report.version} is {report.get_status_display().lower()}; it cannot be "
            f"{step.label.lower()} from there"
        )
    report.status = step.target
    report.save(update_fields=["status"])
    obligation = ReportObligation.objects.select_for_update().get(pk=report.obligation_id)
    obligation.status = derived_status(obligation)
    obligation.save(update_fields=["status"])
    return report


def _progress(report: SalesReport) -> Progress:
    def say(stage: str, done: int, total: int) -> None:
        SalesReport.objects.filter(pk=report.pk).update(
            stage=stage, progress_done=done, progress_total=total
        )

    return say


def process_report(report: SalesReport, *, progress: Progress | None = None) -> SalesReport:
    """Process a submitted report through to failed, in review or accepted."""
    with transaction.atomic():
        report = SalesReport.objects.select_for_update().get(pk=report.pk)
        move(report, "start")
        report.processed_at = None
        report.save(update_fields=["processed_at"])
    say = _progress(report)

    def both(stage: str, done: int, total: int) -> None:
        say(stage, done, total)
        if progress is not None:
            progress(stage, done, total)

    if report.kind == ReportKind.NO_SALES:
        return _write(report, None, None)
    agreement = report.obligation.agreement
    try:
        outcome = run(
            report.obligation,
            path=Path(report.file.path),
            sheet=report.sheet or None,
            supplier_id=agreement.supplier_id,
            progress=both,
        )
    except ReportUnreadable as exc:
        return _write(report, None, exc)
    both("loading", 0, outcome.findings.lines)
    try:
        if not outcome.findings.error_count:
            # SQLite: the lines go to a TEMP table first, so that the write transaction holds
            # the database's lock only while they are copied in (load.stage_lines).
            load.stage_lines(report, outcome.staged.con)
        return _write(report, outcome, None)
    finally:
        load.unstage(report)


@transaction.atomic
def _write(
    report: SalesReport, outcome: Outcome | None, unreadable: ReportUnreadable | None
) -> SalesReport:
    report = SalesReport.objects.select_for_update().get(pk=report.pk)
    report.processed_at = timezone.now()
    report.stage = ""
    if unreadable is not None:
        ReportProblem.objects.bulk_create(
            ReportProblem(
                report=report,
                line=p.line,
                column=p.column[:100],
                code=p.code,
                severity=Severity.ERROR,
                message=p.message[:500],
                value=p.value[:100],
            )
            for p in unreadable.problems
        )
        report.error_count = len(unreadable.problems)
        report.failure = str(unreadable)[:2000]
        report.summary = {"errors": dict(Counter(p.code for p in unreadable.problems))}
        report.save()
        move(report, "fail")
        _audit(report, "salesreport.failed")
        return report
    if outcome is not None:
        _write_outcome(report, outcome)
    report.save()
    if report.error_count:
        move(report, "fail")
        _audit(report, "salesreport.failed")
        return report
    move(report, "hold")
    _audit(report, "salesreport.processed")
    if report.review_count == 0 and settings.SALES_AUTO_ACCEPT:
        # accept_report's own copy: ``report`` still says "in review"
        report = accept_report(report, actor=None)
    return report


def _write_outcome(report: SalesReport, outcome: Outcome) -> None:
    con, findings = outcome.staged.con, outcome.findings
    load.write_problems(report, con)
    report.line_count = findings.lines
    report.error_count = findings.error_count
    report.warning_count = findings.warning_count
    summary: dict[str, Any] = {
        "format": outcome.staged.file_format,
        "lines_read": outcome.staged.rows,
        "lines": findings.lines,
        "columns": outcome.staged.columns,
        "errors": findings.errors,
        "warnings": findings.warnings,
        "notes": outcome.staged.notes,
        "seconds": outcome.seconds,
    }
    if outcome.staged.encoding:
        summary["encoding"] = outcome.staged.encoding
    if outcome.staged.sheet:
        summary["sheet"] = outcome.staged.sheet
    flagged_sql = "SELECT count(DISTINCT line) FROM problems"
    if not findings.error_count:
        load.write_customers(report, outcome.customers, outcome.matches, con)
        load.write_lines(report, con)
        report.review_count = outcome.review_count
        report.total_cents = outcome.total_cents
        summary |= {
            "customers": len(outcome.customers),
            "matches": outcome.methods,
            "review_items": outcome.review_count,
            "total_cents": str(outcome.total_cents),
        }
        # A line is flagged once, whether it has a problem, an unmatched customer or both.
        flagged_sql = (
            "SELECT count(*) FROM (SELECT line FROM problems "
            "UNION SELECT line FROM matched WHERE agency_id IS NULL)"
        )
    # fetchall, not fetchone: DuckDB refuses register() on a connection with a result unread.
    ((flagged,),) = con.execute(flagged_sql).fetchall()
    report.quality_score = quality_score(findings.lines, flagged)
    report.summary = summary


def quality_score(lines: int, flagged: int) -> int | None:
    """The share of lines, in percent, with no problem at all and a customer matched
    automatically. Rounded down: 99.6% clean is 99, not 100."""
    if lines == 0:
        return None
    return max(0, (lines - min(flagged, lines)) * 100 // lines)


def _audit(report: SalesReport, verb: str) -> None:
    audit.record(
        actor=None,
        actor_label="sales-report processing",
        verb=verb,
        obj=report,
        after={
            "status": report.status,
            "lines": report.line_count,
            "errors": report.error_count,
            "warnings": report.warning_count,
            "review_items": report.review_count,
            "total_cents": report.total_cents,
        },
    )


@transaction.atomic
def accept_report(report: SalesReport, *, actor: Any) -> SalesReport:
    """Make a validated report the quarter's sales facts. ``actor`` None is the automatic
    acceptance of a report with nothing left to review. The version accepted before it, if
    any, is superseded (its lines stay, readable, but no longer count)."""
    report = SalesReport.objects.select_for_update().get(pk=report.pk)
    if actor is not None:
        require(actor, "salesreport:accept", report)
    unmatched = report.customers.filter(method=MatchMethod.UNMATCHED).count()
    if unmatched:
        raise ValidationError(
            f"{unmatched} customer(s) of this report are not matched to an agency yet; match, "
            "create or reject each one in the review queue first"
        )
    obligation = ReportObligation.objects.select_for_update().get(pk=report.obligation_id)
    previous = obligation.accepted
    if previous is not None and is_outdated(report, previous):
        raise ValidationError(
            f"version {previous.version}, filed after it, is accepted; version "
            f"{report.version} can no longer replace it"
        )
    now = timezone.now()
    report.accepted_at, report.accepted_by = now, actor
    report.save(update_fields=["accepted_at", "accepted_by"])
    if previous is not None and previous.pk != report.pk:
        move(previous, "supersede")
    move(report, "accept")
    obligation.refresh_from_db()
    obligation.accepted = report
    obligation.status = derived_status(obligation)
    obligation.save(update_fields=["accepted", "status"])
    first_seen = _first_seen_participants(report)
    replaced = previous if previous is not None and previous.pk != report.pk else None
    invoice = fees.assess(report, previous=replaced, booked_on=timezone.localdate(now), actor=actor)
    rollups.refresh([obligation])
    audit.record(
        actor=actor,
        actor_label="" if actor else "automatic acceptance (nothing left to review)",
        verb="salesreport.accept",
        obj=report,
        after={
            "supersedes": previous.version if previous else None,
            "lines": report.line_count,
            "total_cents": report.total_cents,
            "new_participants": first_seen,
            "fee_invoice": invoice.number if invoice else None,
        },
    )
    return report


def is_outdated(report: SalesReport, accepted: SalesReport | None) -> bool:
    """A later version of the quarter is already the accepted one: accepting ``report`` would
    put older lines back in place of the correction."""
    return accepted is not None and accepted.version > report.version


def _first_seen_participants(report: SalesReport) -> int:
    """Agencies buying for the first time without having registered become participants
    "first seen in a supplier's sales report", from their first invoice date."""
    firsts = (
        SalesLine.objects.filter(report=report, agency__participating_since__isnull=True)
        .values("agency")
        .annotate(first=Min("invoice_date"))
    )
    agencies = {row["agency"]: row["first"] for row in firsts}
    if not agencies:
        return 0
    rows = list(Agency.objects.filter(pk__in=agencies, participating_since__isnull=True))
    for agency in rows:
        agency.participating_since = agencies[agency.pk]
        agency.participation_route = ParticipationRoute.SALES_REPORT
    Agency.objects.bulk_update(rows, ["participating_since", "participation_route"], 1000)
    return len(rows)


def recover_stalled(older_than: datetime.timedelta = datetime.timedelta(minutes=30)) -> int:
    """Put reports whose processing died (no progress for ``older_than``) back to submitted so
    they are processed again from their file. Nothing of them was written: the outcome is
    written in one transaction."""
    cutoff = timezone.now() - older_than
    count = 0
    for report in SalesReport.objects.filter(status=ReportStatus.PROCESSING):
        if report.submitted_at < cutoff:
            with transaction.atomic():
                move(report, "restart")
                audit.record(
                    actor=None,
                    actor_label="sales-report processing",
                    verb="salesreport.restart",
                    obj=report,
                    reason="processing stopped without a result (the process was ended)",
                )
            count += 1
    return count


WARNING_CODES = frozenset(WARNINGS)
