from interlocal.reporting.models.lines import (
    MatchMethod,
    OrderType,
    ReportCustomer,
    ReportProblem,
    SalesLine,
    Severity,
)
from interlocal.reporting.models.reports import (
    ReportKind,
    ReportObligation,
    ReportObligationQuerySet,
    ReportReminder,
    ReportStatus,
    SalesReport,
    supplier_ids,
)

__all__ = [
    "MatchMethod",
    "OrderType",
    "ReportCustomer",
    "ReportKind",
    "ReportObligation",
    "ReportObligationQuerySet",
    "ReportProblem",
    "ReportReminder",
    "ReportStatus",
    "SalesLine",
    "SalesReport",
    "Severity",
    "supplier_ids",
]
