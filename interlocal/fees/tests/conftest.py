"""The sales-reporting world (agreement MA-TEST-1 of the supplier persona, Texas and Oklahoma
agencies; see ``interlocal/reporting/tests/conftest.py``), reused: fees start from its reports."""

from interlocal.fees.tests.distributing import (  # noqa: F401  (fixtures)
    collected,
    policy,
    second,
    sponsors,
)
from interlocal.fees.tests.worlds import billed  # noqa: F401  (fixture of the pages and API)
from interlocal.reporting.tests.conftest import (  # noqa: F401  (fixtures)
    agencies,
    agreement,
    obligation,
    office,
    rep,
    supplier,
)
