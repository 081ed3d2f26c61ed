"""The demo's sales history is deterministic: the same seed writes the same lines, fee invoices
and payments, in one go or a quarter at a time beside the web server. (Apart from
``test_demo_sales``, whose module-wide demo would stop a second seeding.)"""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Min, Sum

from interlocal.accounts.models import User
from interlocal.fees.models import Allocation, FeeInvoice, Payment, Posting
from interlocal.registry.demo.seed import PERSONAS, seed_demo, seed_history
from interlocal.reporting import demo
from interlocal.reporting.models import ReportObligation, SalesLine, SalesReport

pytestmark = pytest.mark.django_db


def fingerprint() -> dict[str, object]:
    """The lines, and the fee ledger written with them (``fees.demo``)."""
    return {
        **SalesLine.objects.aggregate(
            n=Count("id"), cents=Sum("extended_cents"), day=Max("invoice_date"), sku=Min("sku")
        ),
        **FeeInvoice.objects.aggregate(
            invoices=Count("id"), fees=Sum("fee_exact_cbp"), issued=Max("issued_on")
        ),
        **Payment.objects.aggregate(
            payments=Count("id"), paid=Sum("amount_cents"), last_paid=Max("received_on")
        ),
        "credits": Allocation.objects.filter(payment__isnull=True).aggregate(s=Sum("amount_cents"))[
            "s"
        ],
        "postings": Posting.objects.aggregate(s=Sum("amount_cents"))["s"],
    }


def test_same_seed_same_sales(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():
        seed_demo("small", 11)
        first = fingerprint()
        transaction.set_rollback(True)
    seed_demo("small", 11)
    assert fingerprint() == first
    assert first["n"] > 100_000
    assert first["invoices"] > 300 and first["payments"] > 300 and first["credits"]


def test_a_history_left_for_later_is_written_a_quarter_at_a_time_and_resumed(
    settings, tmp_path, monkeypatch, client
) -> None:
    """`make demo`'s way: the program first (`--history later`), then the history beside the web
    server (`--history only`); stopped part-way, the next run writes what is left, and the
    result is the history seeded in one go."""
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():
        seed_demo("small", 11)
        whole = fingerprint()
        reports = SalesReport.objects.count()
        transaction.set_rollback(True)

    seed_demo("small", 11, history=False)
    assert not SalesLine.objects.exists()
    assert not ReportObligation.objects.exists()  # no quarter looks missing before it is written
    assert demo.history_in_progress() == {"through": ""}

    written: list[str] = []
    real = demo._write_history

    def stopped_after_three_quarters(*args, **kwargs):
        if len(written) == 3:
            raise RuntimeError("stopped")
        lines = real(*args, **kwargs)
        written.append(args[0][0].period)
        return lines

    monkeypatch.setattr(demo, "_write_history", stopped_after_three_quarters)
    with pytest.raises(RuntimeError, match="stopped"):
        seed_history()
    monkeypatch.undo()
    assert demo.history_in_progress() == {"through": written[-1]}
    client.force_login(User.objects.get(email=PERSONAS["auditor"]))
    banner = "sales history is still being written"
    assert f"quarters through {written[-1]} so far" in client.get("/reports/").text
    assert set(ReportObligation.objects.values_list("period", flat=True)) == set(written)

    out = io.StringIO()
    call_command("seed_demo", "--history", "only", stdout=out)
    assert f"{written[-1]}:" not in out.getvalue()  # the quarters written before are skipped
    assert "Sales history:" in out.getvalue()
    assert fingerprint() == whole
    assert SalesReport.objects.count() == reports
    assert demo.history_in_progress() is None
    assert banner not in client.get("/reports/").text

    again = io.StringIO()
    call_command("seed_demo", "--history", "only", stdout=again)
    assert "complete; nothing to write" in again.getvalue()
    assert fingerprint() == whole


def test_history_only_without_a_demo_is_refused() -> None:
    with pytest.raises(CommandError, match="seed one first"):
        call_command("seed_demo", "--history", "only", stdout=io.StringIO())
