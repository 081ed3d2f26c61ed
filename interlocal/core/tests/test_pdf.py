"""The minimal text-PDF writer: a valid PDF 1.4 structure, wrapping, escaping, Latin-1 text,
and — where Debian's poppler-utils is installed — text that a real reader extracts."""

import re
import shutil
import subprocess

import pytest

from interlocal.core.pdf import BODY_SIZE, MARGIN, PAGE_WIDTH, _width, text_pdf, wrap

LONG = "The lead agency competitively solicited this master agreement. " * 400


def objects(pdf: bytes) -> dict[int, bytes]:
    """Object number -> body, read from the cross-reference table (not by scanning)."""
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    assert pdf[startxref : startxref + 5] == b"xref\n"
    header = re.match(rb"xref\n0 (\d+)\n", pdf[startxref:])
    count = int(header.group(1))
    table = pdf[startxref + header.end() :]
    entries = [table[i * 20 : (i + 1) * 20] for i in range(count)]
    assert entries[0] == b"0000000000 65535 f \n"
    found = {}
    for number, entry in enumerate(entries[1:], start=1):
        assert re.fullmatch(rb"\d{10} 00000 n \n", entry), entry
        offset = int(entry[:10])
        assert pdf[offset:].startswith(f"{number} 0 obj\n".encode()), (number, offset)
        end = pdf.index(b"\nendobj\n", offset)
        found[number] = pdf[offset + len(f"{number} 0 obj\n") : end]
    trailer = pdf[startxref + header.end() + 20 * count :]
    assert trailer.startswith(f"trailer\n<< /Size {count} /Root 1 0 R".encode())
    return found


def page_count(pdf: bytes) -> int:
    return int(re.search(rb"/Type /Pages /Kids \[[^\]]*\] /Count (\d+)", pdf).group(1))


def streams(pdf: bytes) -> list[bytes]:
    contents = []
    for body in objects(pdf).values():
        match = re.match(rb"<< /Length (\d+) >>\nstream\n", body)
        if match:
            data = body[match.end() :]
            assert data.endswith(b"endstream")
            assert len(data) - len(b"endstream") == int(match.group(1))  # /Length is exact
            contents.append(data[: int(match.group(1))])
    return contents


def test_a_short_document_is_a_valid_pdf_whose_offsets_point_at_its_objects() -> None:
    pdf = text_pdf("Solicitation LAC-RFP-1995-01", ["Office supplies for all agencies."])

    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")
    found = objects(pdf)
    assert found[1] == b"<< /Type /Catalog /Pages 2 0 R >>"
    assert b"/BaseFont /Helvetica " in found[3]
    assert page_count(pdf) == 1
    assert b"(Office supplies for all agencies.) Tj" in streams(pdf)[0]


def test_long_text_flows_onto_more_pages_each_with_its_footer() -> None:
    pdf = text_pdf("Master agreement", [LONG, "Signed for the lead agency."])

    pages = page_count(pdf)
    assert pages > 3
    contents = streams(pdf)
    assert len(contents) == pages
    for number, content in enumerate(contents, start=1):
        assert f"page {number} of {pages}".encode() in content
    assert b"(Signed for the lead agency.) Tj" in contents[-1]


def test_parentheses_and_backslashes_are_escaped_and_latin1_is_kept() -> None:
    pdf = text_pdf("Notes (draft) \\ final", ["Café (Montréal) costs 5\\6 — “quoted”; 日本"])

    content = streams(pdf)[0]
    assert b"(Notes \\(draft\\) \\\\ final) Tj" in content
    # é is 351 octal in WinAnsi/Latin-1; the em dash and curly quotes are WinAnsi's 227, 223, 224
    assert b"Caf\\351 \\(Montr\\351al\\) costs 5\\\\6 \\227 \\223quoted\\224; ??" in content
    assert all(byte < 128 for byte in content)  # the stream itself stays 7-bit


def test_lines_are_wrapped_to_the_text_width_and_long_words_broken() -> None:
    width = PAGE_WIDTH - 2 * MARGIN
    lines = wrap(LONG[:2000] + " " + "x" * 400, BODY_SIZE, width)

    assert len(lines) > 10
    assert all(_width(line, BODY_SIZE) <= width for line in lines)
    assert "".join(line for line in lines if set(line) == {"x"}) == "x" * 400


def test_the_same_text_gives_the_same_bytes() -> None:
    assert text_pdf("Title", ["One", "Two"]) == text_pdf("Title", ["One", "Two"])


def test_a_pdf_reader_extracts_the_text(tmp_path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (apt-get install poppler-utils); structure is tested")
    path = tmp_path / "document.pdf"
    path.write_bytes(
        text_pdf("Proof of publication (notice)", ["Café Montréal — “cooperative” \\ 2%", LONG])
    )

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout

    pages = page_count(path.read_bytes())
    footers = [line for line in text.splitlines() if " — page " in line]
    body = " ".join(
        word for line in text.splitlines() if line not in footers for word in line.split()
    )
    assert body.startswith("Proof of publication (notice) Café Montréal — “cooperative” \\ 2%")
    assert body.count("The lead agency competitively solicited this master agreement.") == 400
    assert footers == [
        f"Proof of publication (notice) — page {n} of {pages}" for n in range(1, pages + 1)
    ]
