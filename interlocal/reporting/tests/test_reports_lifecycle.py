"""The life of a sales report: filed, processed, reviewed, accepted, corrected; the obligations
and reminders around it; and what survives a crash."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from interlocal.core.models import AuditEvent
from interlocal.registry.models import Agency, AgencyAlias
from interlocal.reporting import queries, services
from interlocal.reporting.ingest import load
from interlocal.reporting.models import (
    ReportCustomer,
    ReportObligation,
    ReportProblem,
    ReportReminder,
    SalesLine,
    SalesReport,
)
from interlocal.reporting.tests.conftest import (
    AGREEMENT,
    QUARTER,
    STRANGER,
    csv_bytes,
    file_report,
    line,
    loaded,
    problems,
    submit,
)
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(report: SalesReport) -> SalesReport:
    report.refresh_from_db()
    return report


def with_stranger() -> bytes:
    """A report whose second customer no agency's name resembles."""
    rows = [line(), line(invoice="INV-2", customer=STRANGER, zip="78660", amount="90.00")]
    return csv_bytes(rows)


def q2_report(*rows: dict) -> bytes:
    return csv_bytes([row | {"Invoice Date": "2026-05-15"} for row in rows])


# --------------------------------------------------------------------------- processing


def test_a_clean_report_is_accepted_by_itself(settings, obligation, rep) -> None:
    # given the program accepts reports with nothing to review
    settings.SALES_AUTO_ACCEPT = True
    # when a supplier files a report whose customers all match
    report = submit(obligation, csv_bytes([line(), line(invoice="INV-2")]), actor=rep)
    assert (report.status, fresh(obligation).status) == ("submitted", "submitted")
    report = fresh(services.process_report(report))
    # then it is accepted, without anyone, and its lines are the quarter's facts
    assert (report.status, report.accepted_by, report.review_count) == ("accepted", None, 0)
    assert report.accepted_at is not None
    obligation = fresh(obligation)
    assert (obligation.status, obligation.accepted_id) == ("accepted", report.pk)
    assert SalesLine.objects.facts().count() == 2
    assert report.summary["matches"] == {"exact": 2}
    assert report.submitted_by == rep
    event = AuditEvent.objects.get(verb="salesreport.accept")
    assert event.actor_label == "automatic acceptance (nothing left to review)"
    assert event.after["lines"] == 2


def test_without_auto_accept_the_program_office_accepts(settings, obligation, rep, office) -> None:
    settings.SALES_AUTO_ACCEPT = False
    report = fresh(file_report(obligation, csv_bytes([line()]), actor=rep))
    # then it waits for the program office, its lines not yet facts
    assert report.status == "in_review"
    assert SalesLine.objects.facts().count() == 0
    assert list(queries.waiting_for_office(office)) == [report]
    # and the supplier may not accept its own report
    with pytest.raises(PermissionDenied):
        services.accept_report(report, actor=rep)
    # when the program office accepts it
    services.accept_report(report, actor=office)
    report = fresh(report)
    assert (report.status, report.accepted_by) == ("accepted", office)
    assert SalesLine.objects.facts().count() == 1
    assert AuditEvent.objects.get(verb="salesreport.accept").actor_id == office.pk


def test_an_unmatched_customer_holds_the_report_for_review(obligation, rep, office) -> None:
    report = fresh(file_report(obligation, with_stranger(), actor=rep))
    assert (report.status, report.review_count) == ("in_review", 1)
    stranger = ReportCustomer.objects.get(report=report, name=STRANGER)
    assert (stranger.method, stranger.agency) == ("unmatched", None)
    assert list(queries.review_queue(office)) == [stranger]
    assert list(queries.review_queue(rep)) == [stranger]  # the supplier sees its own
    assert SalesLine.objects.facts().count() == 0
    # and the office cannot accept it before the customer is settled
    with pytest.raises(ValidationError, match="1 customer"):
        services.accept_report(report, actor=office)


def test_a_supplier_rep_of_another_supplier_cannot_submit(obligation) -> None:
    other = factories.supplier_rep("Rival Supply Co.")
    with pytest.raises(PermissionDenied):
        submit(obligation, csv_bytes([line()]), actor=other)
    with pytest.raises(PermissionDenied):
        services.obligation_for(AGREEMENT, QUARTER, actor=other)
    assert SalesReport.objects.count() == 0


@pytest.mark.parametrize("role", ["buyer", "lead_agency_officer", "auditor", "sponsor_viewer"])
def test_only_the_supplier_or_the_office_submits(obligation, personas, role) -> None:
    with pytest.raises(PermissionDenied):
        submit(obligation, csv_bytes([line()]), actor=personas[role])


# --------------------------------------------------------------------------- review


def test_picking_an_agency_remembers_the_suppliers_name_for_it(
    obligation, rep, office, supplier, agencies
) -> None:
    report = file_report(obligation, with_stranger(), actor=rep)
    stranger = ReportCustomer.objects.get(report=report, name=STRANGER)
    travis = agencies["Travis County"]
    # the supplier may not settle its own customers
    with pytest.raises(PermissionDenied):
        services.decide_customer(stranger, actor=rep, agency=travis)
    # when the program office says this customer is Travis County
    decided = services.decide_customer(stranger, actor=office, agency=travis)
    # then the customer and its lines are Travis County's, and the report, settled, is accepted
    assert (decided.method, decided.agency, decided.decided_by) == ("decided", travis, office)
    assert set(SalesLine.objects.filter(customer=stranger).values_list("agency", flat=True)) == {
        travis.pk
    }
    assert fresh(report).status == "accepted"
    assert SalesLine.objects.facts().count() == 2
    # and the name is an alias of Travis County for this supplier only
    alias = AgencyAlias.objects.get(agency=travis)
    assert (alias.name, alias.supplier, alias.source) == (STRANGER, supplier, "sales_report")
    # when the next quarter's report uses the same name
    q2 = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    next_report = fresh(file_report(q2, q2_report(line(customer=STRANGER, zip="78660")), actor=rep))
    # then it matches by the alias, with nothing to review
    assert next_report.status == "accepted"
    customer = ReportCustomer.objects.get(report=next_report)
    assert (customer.method, customer.agency) == ("alias", travis)
    assert next_report.summary["matches"] == {"alias": 1}


def test_another_suppliers_alias_is_not_used(obligation, rep, office, agencies) -> None:
    # given the persona's supplier calls Travis County by a name of its own
    report = file_report(obligation, with_stranger(), actor=rep)
    stranger = ReportCustomer.objects.get(report=report, name=STRANGER)
    services.decide_customer(stranger, actor=office, agency=agencies["Travis County"])
    # when another supplier reports a customer by that name
    other_rep = factories.supplier_rep("Rival Supply Co.")
    rival = factories.agreement(number="MA-RIVAL", supplier=other_rep.organizations_with(
        "supplier_rep")[0].supplier)  # fmt: skip
    obligation = services.obligation_for(rival.number, QUARTER, actor=other_rep)
    rows = [line(customer=STRANGER, sku="X-1", zip="78660")]
    theirs = fresh(file_report(obligation, csv_bytes(rows), actor=other_rep))
    # then it is not matched by the first supplier's alias
    assert theirs.status == "in_review"
    assert ReportCustomer.objects.get(report=theirs).method == "unmatched"


def test_creating_an_agency_from_a_customer(obligation, rep, office) -> None:
    report = file_report(obligation, with_stranger(), actor=rep)
    stranger = ReportCustomer.objects.get(report=report, name=STRANGER)
    # when the program office creates the agency the customer is
    decided = services.decide_customer(stranger, actor=office, new_agency_type="special_district")
    # then a new agency has the customer's name, state and ZIP, and the report is accepted
    created = decided.agency
    assert (decided.method, created.name, created.state.postal, created.zip_code) == (
        "created",
        STRANGER,
        "TX",
        "78660",
    )
    assert created.agency_type == "special_district"
    assert fresh(report).status == "accepted"
    # and, as first seen in a sales report, it is a participant from its first invoice
    created.refresh_from_db()
    assert (created.participating_since, created.participation_route) == (
        datetime.date(2026, 8, 15),
        "sales_report",
    )
    # and next quarter the same name matches it exactly
    q2 = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    next_report = fresh(file_report(q2, q2_report(line(customer=STRANGER)), actor=rep))
    customer = ReportCustomer.objects.get(report=next_report)
    assert (next_report.status, customer.method, customer.agency) == ("accepted", "exact", created)


def test_rejecting_a_customer_needs_a_reason_and_keeps_its_lines_out_of_the_facts(
    obligation, rep, office
) -> None:
    report = file_report(obligation, with_stranger(), actor=rep)
    stranger = ReportCustomer.objects.get(report=report, name=STRANGER)
    with pytest.raises(ValidationError):
        services.decide_customer(stranger, actor=office, reject=True)
    # when the office rejects it as not an eligible agency
    services.decide_customer(
        stranger, actor=office, reject=True, reason="a private company, not a public agency"
    )
    # then its lines stay in the report but not in the facts, with a warning saying why
    report = fresh(report)
    assert report.status == "accepted"
    assert fresh(stranger).method == "rejected"
    assert SalesLine.objects.filter(report=report).count() == 2
    assert list(SalesLine.objects.facts().values_list("customer__name", flat=True)) == [
        "City of Austin"
    ]
    warning = ReportProblem.objects.get(report=report, code="rejected_customer")
    assert (warning.line, warning.severity) == (3, "warning")
    assert "not an eligible agency: a private company, not a public agency" in warning.message
    assert not AgencyAlias.objects.exists()


def test_a_decision_needs_exactly_one_choice(obligation, rep, office, agencies) -> None:
    report = file_report(obligation, with_stranger(), actor=rep)
    stranger = ReportCustomer.objects.get(report=report, name=STRANGER)
    with pytest.raises(ValidationError, match="choose one"):
        services.decide_customer(stranger, actor=office)
    with pytest.raises(ValidationError, match="not in TX"):
        services.decide_customer(stranger, actor=office, agency=agencies["Tulsa"])
    assert fresh(stranger).method == "unmatched"


# --------------------------------------------------------------------------- corrections


def test_a_correction_supersedes_the_accepted_version(obligation, rep) -> None:
    first = fresh(file_report(obligation, csv_bytes([line()]), actor=rep))
    # when the supplier files a correction with two lines
    rows = [line(), line(invoice="INV-2", customer="Travis County")]
    second = fresh(file_report(obligation, csv_bytes(rows), "corrected.csv", actor=rep))
    # then version 2 is the facts and version 1 is superseded but still readable
    assert (second.version, second.status) == (2, "accepted")
    assert fresh(first).status == "superseded"
    assert SalesLine.objects.filter(report=first).count() == 1
    assert set(SalesLine.objects.facts().values_list("report", flat=True)) == {second.pk}
    assert SalesLine.objects.facts().count() == 2
    assert fresh(obligation).accepted == second
    event = AuditEvent.objects.get(verb="salesreport.accept", object_id=str(second.pk))
    assert event.after["supersedes"] == 1


def test_a_failed_correction_leaves_the_accepted_version_the_facts(obligation, rep) -> None:
    first = fresh(file_report(obligation, csv_bytes([line()]), actor=rep))
    second = fresh(file_report(obligation, csv_bytes([line(state="ZZ")]), "v2.csv", actor=rep))
    assert second.status == "validation_failed"
    obligation = fresh(obligation)
    assert (obligation.status, obligation.accepted, obligation.latest) == (
        "accepted",
        first,
        second,
    )
    assert set(SalesLine.objects.facts().values_list("report", flat=True)) == {first.pk}


def test_a_newer_version_replaces_an_older_one_still_in_review(
    obligation, rep, office, agencies
) -> None:
    # given version 1 waiting for review
    first = fresh(file_report(obligation, with_stranger(), actor=rep))
    assert first.status == "in_review"
    # when the supplier files version 2, without that customer
    second = fresh(file_report(obligation, csv_bytes([line()]), "v2.csv", actor=rep))
    # then version 2 is accepted and version 1 has left the review queue for good: its
    # customer can no longer be settled, nor the version accepted over the later one
    assert second.status == "accepted"
    assert fresh(first).status == "superseded"
    stranger = ReportCustomer.objects.get(report=first, name=STRANGER)
    assert not queries.review_queue(office).filter(pk=stranger.pk).exists()
    with pytest.raises(ValidationError, match="not in review"):
        services.decide_customer(stranger, actor=office, agency=agencies["Travis County"])
    with pytest.raises(ValidationError):
        services.accept_report(first, actor=office)
    assert (fresh(second).status, fresh(obligation).accepted) == ("accepted", second)
    assert set(SalesLine.objects.facts().values_list("report", flat=True)) == {second.pk}


@pytest.mark.parametrize("change", ["update", "delete"])
def test_accepted_lines_are_immutable_in_the_database(obligation, rep, change) -> None:
    report = fresh(file_report(obligation, csv_bytes([line()]), actor=rep))
    assert report.status == "accepted"
    lines = SalesLine.objects.filter(report=report)
    # when anyone, even past the services, changes or deletes an accepted line
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        if change == "update":
            lines.update(extended_cents=1)
        else:  # in SQL: the ORM would not even try, as the lines' fees protect them
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM reporting_salesline WHERE report_id = %s", [report.pk])
    # then the database refuses it
    assert list(lines.values_list("extended_cents", flat=True)) == [9000]


def test_lines_under_review_may_still_be_matched(obligation, rep) -> None:
    # the trigger guards accepted lines only: review updates the agency of lines in review
    report = fresh(file_report(obligation, with_stranger(), actor=rep))
    assert report.status == "in_review"
    assert SalesLine.objects.filter(report=report, agency__isnull=True).update(tax_cents=0) == 1


# --------------------------------------------------------------------------- no sales


def test_no_sales_is_a_filing_accepted_with_no_lines(agreement, obligation, rep) -> None:
    # given one quarter filed as "no sales" and another with nothing filed
    unfiled = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    report = services.submit_report(obligation, actor=rep, no_sales=True)
    report = fresh(services.process_report(report))
    # then the no-sales filing is accepted with no lines, and the quarter is not past due
    assert (report.status, report.kind, report.line_count, report.total_cents) == (
        "accepted",
        "no_sales",
        0,
        0,
    )
    assert fresh(obligation).status == "accepted"
    assert SalesLine.objects.count() == 0
    # while the quarter with nothing filed is open, and past due once its day has passed
    later = datetime.date(2026, 12, 1)
    assert fresh(unfiled).status == "open"
    assert list(ReportObligation.objects.past_due(later)) == [unfiled]
    assert not fresh(obligation).is_past_due(later)
    assert fresh(unfiled).is_past_due(later)


def test_a_filing_is_exactly_one_of_file_lines_or_no_sales(obligation, rep) -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        services.submit_report(obligation, actor=rep)
    with pytest.raises(ValidationError, match="exactly one"):
        services.submit_report(obligation, actor=rep, no_sales=True, rows=[{"sku": "A"}])


# --------------------------------------------------------------------------- obligations


def test_obligations_open_for_every_quarter_in_force_once(agreement, supplier) -> None:
    # given a second agreement in force from 2026-05-20 for three months, due in 45 days
    short = factories.agreement(
        number="MA-SHORT",
        supplier=supplier,
        effective_on=datetime.date(2026, 5, 20),
        initial_term_months=3,
        report_due_days=45,
    )
    # when obligations are opened on 2026-12-02 (2026Q4 not over)
    created = services.open_obligations(datetime.date(2026, 12, 2))
    # then there is one per agreement and ended quarter it was in force
    got = set(ReportObligation.objects.values_list("agreement__number", "period", "due_on"))
    assert got == {
        (AGREEMENT, "2026Q1", datetime.date(2026, 4, 30)),
        (AGREEMENT, "2026Q2", datetime.date(2026, 7, 30)),
        (AGREEMENT, "2026Q3", datetime.date(2026, 10, 30)),
        (short.number, "2026Q2", datetime.date(2026, 8, 14)),
        (short.number, "2026Q3", datetime.date(2026, 11, 14)),
    }
    assert created == 5
    # and running again opens nothing more
    assert services.open_obligations(datetime.date(2026, 12, 2)) == 0
    assert ReportObligation.objects.count() == 5
    assert AuditEvent.objects.filter(verb="salesreport.obligations_opened").count() == 1


def test_an_obligation_filed_before_the_run_is_kept(agreement, obligation, rep) -> None:
    report = file_report(obligation, csv_bytes([line()]), actor=rep)
    services.open_obligations(datetime.date(2026, 12, 2))
    kept = ReportObligation.objects.get(period=QUARTER)
    assert (kept.pk, kept.accepted_id) == (obligation.pk, report.pk)


def _steps(obligation: ReportObligation) -> list[int]:
    return sorted(obligation.reminders.values_list("days_from_due", flat=True))


def test_reminders_go_once_per_step(
    agreement, obligation, rep, office, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    # given the 2026Q3 report, due 2026-10-30, not filed
    assert obligation.due_on == datetime.date(2026, 10, 30)

    def run(day: datetime.date) -> list[ReportReminder]:
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_reminders(day)

    # then nothing goes out eight days before, one reminder a week before, to the supplier
    assert run(datetime.date(2026, 10, 22)) == []
    assert [r.days_from_due for r in run(datetime.date(2026, 10, 23))] == [-7]
    assert mailoutbox[-1].to == [rep.email]
    assert "MA-TEST-1 2026Q3 sales report due soon" in mailoutbox[-1].subject
    assert "is due on October 30, 2026, in 7 days" in mailoutbox[-1].body
    # and not again on the following days
    assert run(datetime.date(2026, 10, 23)) == []
    assert run(datetime.date(2026, 10, 29)) == []
    # once late, at 1, 15 and 30 days, the program office copied
    assert [r.days_from_due for r in run(datetime.date(2026, 10, 31))] == [1]
    assert sorted(mailoutbox[-1].to) == sorted([rep.email, office.email])
    assert "1 days late" in mailoutbox[-1].subject
    assert run(datetime.date(2026, 11, 1)) == []
    assert [r.days_from_due for r in run(datetime.date(2026, 11, 14))] == [15]
    assert [r.days_from_due for r in run(datetime.date(2026, 11, 29))] == [30]
    assert run(datetime.date(2026, 12, 30)) == []
    assert _steps(obligation) == [-7, 1, 15, 30]
    assert len(mailoutbox) == 4


def test_after_a_gap_only_the_latest_step_is_sent(
    agreement, rep, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    # given the 2026Q2 report (due 2026-07-30) never reminded, and the job first run 33 days late
    missed = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_reminders(datetime.date(2026, 9, 1))
    # then one reminder goes, the 30-day one, not the three missed before it
    assert [r.days_from_due for r in sent] == [30]
    assert _steps(missed) == [30]
    assert len(mailoutbox) == 1
    assert "30 days late" in mailoutbox[0].subject


def test_no_reminder_for_a_report_filed(agreement, obligation, rep, mailoutbox) -> None:
    file_report(obligation, csv_bytes([line()]), actor=rep)
    assert services.send_reminders(datetime.date(2026, 10, 31)) == []
    in_review = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    file_report(in_review, q2_report(line(customer=STRANGER)), actor=rep)
    assert fresh(in_review).status == "in_review"
    assert services.send_reminders(datetime.date(2026, 8, 1)) == []
    assert ReportReminder.objects.count() == 0


def test_past_due_lists_open_and_failed_quarters_after_their_due_day(
    agreement, obligation, rep, office
) -> None:
    # given 2026Q1 failed, 2026Q2 accepted, 2026Q3 with nothing filed (all due by 2026-10-30)
    q1 = services.obligation_for(AGREEMENT, "2026Q1", actor=rep)
    bad = csv_bytes([line(date="2026-02-15", state="ZZ")])
    assert fresh(file_report(q1, bad, actor=rep)).status == "validation_failed"
    q2 = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    assert fresh(file_report(q2, q2_report(line()), actor=rep)).status == "accepted"
    # then, the day after 2026Q3's due day, the unfiled and the failed quarters are past due,
    # the most recently due first
    day_after = datetime.date(2026, 10, 31)
    assert list(queries.past_due(office, day_after)) == [obligation, q1]
    assert list(queries.past_due(rep, day_after)) == [obligation, q1]
    # on the due day itself 2026Q3 is not late yet
    assert list(queries.past_due(office, datetime.date(2026, 10, 30))) == [q1]
    # and another supplier sees none of them
    assert list(queries.past_due(factories.supplier_rep(), day_after)) == []


# --------------------------------------------------------------------------- participants


def test_agencies_first_seen_in_an_accepted_report_become_participants(
    obligation, rep, agencies
) -> None:
    # given Travis County registered in 2025, and Austin never registered
    travis = agencies["Travis County"]
    Agency.objects.filter(pk=travis.pk).update(
        participating_since=datetime.date(2025, 3, 1), participation_route="self_registered"
    )
    rows = [
        line(date="2026-08-15"),
        line(invoice="INV-2", date="2026-07-20"),
        line(invoice="INV-3", customer="Travis County"),
    ]
    # when a report buying for both is accepted
    assert fresh(file_report(obligation, csv_bytes(rows), actor=rep)).status == "accepted"
    # then Austin participates from its first invoice, first seen in a sales report
    austin = Agency.objects.get(pk=agencies["Austin"].pk)
    assert (austin.participating_since, austin.participation_route) == (
        datetime.date(2026, 7, 20),
        "sales_report",
    )
    # and Travis County keeps how and when it registered
    travis.refresh_from_db()
    assert (travis.participating_since, travis.participation_route) == (
        datetime.date(2025, 3, 1),
        "self_registered",
    )
    event = AuditEvent.objects.get(verb="salesreport.accept")
    assert event.after["new_participants"] == 1


def test_a_report_in_review_makes_no_participants(obligation, rep, agencies) -> None:
    file_report(obligation, with_stranger(), actor=rep)
    assert not Agency.objects.filter(participating_since__isnull=False).exists()


# --------------------------------------------------------------------------- crashes


def test_a_crash_while_loading_leaves_nothing_of_the_new_version(
    obligation, rep, monkeypatch
) -> None:
    # given version 1 accepted
    first = fresh(file_report(obligation, csv_bytes([line()]), actor=rep))
    assert first.status == "accepted"
    # and a correction of three lines, one with a warning, whose loading dies half-way
    rows = [line(), line(invoice="INV-2", sku="NOT-ON-FILE"), line(invoice="INV-3")]
    second = submit(obligation, csv_bytes(rows), "v2.csv", actor=rep)
    real_write_lines, real_insert = load.write_lines, load.insert_rows
    written = []

    def dies_half_way(report, con):
        def half(table, columns, rows):
            rows = list(rows)
            real_insert(table, columns, iter(rows[: len(rows) // 2 or 1]))
            written.append(SalesLine.objects.filter(report=report).count())
            raise RuntimeError("the worker was killed")

        monkeypatch.setattr(load, "insert_rows", half)
        try:
            return real_write_lines(report, con)
        finally:
            monkeypatch.setattr(load, "insert_rows", real_insert)

    monkeypatch.setattr(load, "write_lines", dies_half_way)
    # when it is processed
    with pytest.raises(RuntimeError, match="killed"):
        services.process_report(second)
    # then lines had been written before the crash, and none of them, nor the customers, nor
    # the problems of version 2 remain: it is left "processing"
    assert written == [1]
    second = fresh(second)
    assert second.status == "processing"
    assert loaded(second) == (0, 0)
    assert not ReportProblem.objects.filter(report=second).exists()
    # and version 1 is still the quarter's facts
    obligation = fresh(obligation)
    assert (obligation.accepted, obligation.status) == (first, "processing")
    assert set(SalesLine.objects.facts().values_list("report", flat=True)) == {first.pk}
    # when the stalled report is recovered, with the loading fixed, and processed again
    monkeypatch.setattr(load, "write_lines", real_write_lines)
    assert services.recover_stalled(datetime.timedelta(minutes=30)) == 0  # not stalled yet
    assert services.recover_stalled(datetime.timedelta(0)) == 1
    assert fresh(second).status == "submitted"
    second = fresh(services.process_report(second))
    # then version 2 is accepted whole
    assert second.status == "accepted"
    assert loaded(second) == (3, 1)
    assert problems(second) == [(3, "SKU", "unknown_sku")]
    assert set(SalesLine.objects.facts().values_list("report", flat=True)) == {second.pk}
    assert fresh(first).status == "superseded"
    assert AuditEvent.objects.filter(verb="salesreport.restart", object_id=str(second.pk)).exists()


def test_a_correction_waits_for_the_version_being_processed(obligation, rep) -> None:
    submit(obligation, csv_bytes([line()]), actor=rep)
    with pytest.raises(ValidationError, match="still being processed"):
        submit(obligation, csv_bytes([line(invoice="INV-9")]), actor=rep)
