"""Background jobs of sales reporting: a large upload is processed by the task worker
(`manage.py db_worker`), its progress visible on the report's page."""

from django.tasks import task

from interlocal.reporting.models import ReportStatus, SalesReport


@task()
def process_report_task(report_id: int) -> str:
    from interlocal.reporting.services import process_report

    report = SalesReport.objects.get(pk=report_id)
    if report.status != ReportStatus.SUBMITTED:
        return report.status  # already processed (a retried job)
    return process_report(report).status
