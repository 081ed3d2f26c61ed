"""The sales-reporting world (agreement MA-TEST-1 of the supplier persona, Texas and Oklahoma
agencies; see ``interlocal/reporting/tests/conftest.py``), reused: analytics start from its
accepted reports."""

from interlocal.analytics.tests.worlds import filed, served  # noqa: F401  (fixtures)
from interlocal.reporting.tests.conftest import (  # noqa: F401  (fixtures)
    agencies,
    agreement,
    obligation,
    office,
    rep,
    supplier,
)
