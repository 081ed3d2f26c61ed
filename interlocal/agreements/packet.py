"""The due-diligence packet as one ZIP: every public record of how the agreement was competed
and awarded, with a manifest of SHA-256 hashes so a buyer's auditor can check each file."""

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable
from pathlib import PurePath
from tempfile import SpooledTemporaryFile

from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string

from interlocal.agreements.queries import Packet
from interlocal.core.money import from_cents
from interlocal.solicitations.queries import evaluation_report

SPOOL_BYTES = 16 * 1024 * 1024


def _csv(rows: Iterable[Iterable[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def price_file_rows(packet: Packet) -> Iterable[list[object]]:
    yield [
        "sku",
        "description",
        "unit",
        "list_price",
        "contract_price",
        "discount_bps",
        "category_code",
    ]
    if packet.price_file is None:
        return
    for item in packet.price_file.items.order_by("sku").iterator(chunk_size=5000):
        yield [
            item.sku,
            item.description,
            item.unit,
            "" if item.list_price_cents is None else from_cents(item.list_price_cents),
            from_cents(item.contract_price_cents),
            "" if item.discount_bps is None else item.discount_bps,
            item.category_code,
        ]


def evaluation_rows(packet: Packet) -> list[list[object]]:
    s = packet.solicitation
    if s is None or s.awarded_at is None:
        return []
    report = evaluation_report(s)
    header: list[object] = [
        "rank",
        "supplier",
        "total (of 100)",
        *[f"{c.name} (weight {c.weight}, avg of 10)" for c in report.criteria],
    ]
    return [header] + [
        [
            row.rank,
            str(row.proposal.supplier),
            row.total,
            *[row.criterion_average.get(c.pk, "") for c in report.criteria],
        ]
        for row in report.rows
    ]


def build_zip(packet: Packet, summary_html: str) -> SpooledTemporaryFile:
    """The packet's ZIP in a spooled file (price files can be large)."""
    a, s = packet.agreement, packet.solicitation
    spool = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (returned to the caller)
    manifest: list[list[object]] = [["file", "sha256", "bytes", "what"]]
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes, what: str) -> None:
            archive.writestr(name, data)
            manifest.append([name, hashlib.sha256(data).hexdigest(), len(data), what])

        def add_file(folder: str, field: FieldFile, what: str) -> None:
            with field.open("rb") as handle:
                add(f"{folder}/{PurePath(field.name or 'document').name}", handle.read(), what)

        add("00-summary.html", summary_html.encode(), "Printable summary of this packet")
        add(
            "01-cooperative-clause.txt",
            a.cooperative_clause.encode(),
            "The cooperative purchasing clause",
        )
        if s is not None:
            for document in s.documents.all():
                add_file(
                    "02-solicitation",
                    document.file,
                    f"{document.get_kind_display()}: {document.title}",
                )
            addenda = render_to_string("agreements/packet_addenda.txt", {"solicitation": s})
            add("03-addenda.txt", addenda.encode(), "Addenda, numbered and dated")
            adverts = [["medium", "published_on", "reference"]] + [
                [ad.medium, ad.published_on, ad.reference] for ad in s.advertisements.all()
            ]
            add("04-advertisement.csv", _csv(adverts), "Proof of advertisement")
            tabulation = [["supplier", "submitted_at", "receipt_sha256"]] + [
                [str(p.supplier), p.submitted_at.isoformat(), p.receipt] for p in packet.tabulation
            ]
            add("05-proposals-received.csv", _csv(tabulation), "Proposals received at the opening")
            if rows := evaluation_rows(packet):
                add("06-evaluation-summary.csv", _csv(rows), "Evaluation summary and scores")
            if s.award_memo:
                add("07-award-recommendation.txt", s.award_memo.encode(), "Award recommendation")
        for record in a.documents.all():
            add_file("08-agreement", record.file, f"{record.get_kind_display()}: {record.title}")
        amendments = [["number", "effective_on", "summary", "reason", "changes", "approved_at"]] + [
            [m.number, m.effective_on, m.summary, m.reason, m.changes, m.approved_at.isoformat()]
            for m in a.amendments.all()
        ]
        add("09-amendments.csv", _csv(amendments), "Amendments")
        add("10-price-file.csv", _csv(price_file_rows(packet)), "Current price file")
        archive.writestr("manifest.csv", _csv(manifest))
    spool.seek(0)
    return spool
