"""A minimal PDF writer for plain text documents: a title and paragraphs, word-wrapped onto as
many US Letter pages as they need, in the Helvetica that every PDF reader has built in.

It exists so the demo and tests can store real, small, openable documents (a solicitation, a
proof of advertisement, an executed agreement) without a PDF library. Output is PDF 1.4 with a
correct cross-reference table, and deterministic: the same text gives the same bytes (no
creation date), so a document's SHA-256 is stable.

Text is Latin-1, plus the typographic characters of Windows-1252 that Helvetica's
WinAnsiEncoding has (dashes, curly quotes, bullet, ellipsis, euro); anything else prints as "?".
"""

from collections.abc import Iterable

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
MARGIN = 72
TITLE_SIZE, TITLE_LEADING = 15, 19
BODY_SIZE, BODY_LEADING = 10, 13.5
FOOTER_SIZE = 8
PARAGRAPH_GAP = 6

# Helvetica advance widths (Adobe AFM, per 1000 units of font size) for ASCII 32..126.
_ASCII_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p..~
]  # fmt: skip
_WIDTHS = {32 + i: w for i, w in enumerate(_ASCII_WIDTHS)}
# Windows-1252 codes of WinAnsiEncoding outside Latin-1, and their widths.
_WIN_ANSI = {
    "\u20ac": (0x80, 556),  # euro sign
    "\u2026": (0x85, 1000),  # ellipsis
    "\u2018": (0x91, 222),  # left single quotation mark
    "\u2019": (0x92, 222),  # right single quotation mark
    "\u201c": (0x93, 333),  # left double quotation mark
    "\u201d": (0x94, 333),  # right double quotation mark
    "\u2022": (0x95, 350),  # bullet
    "\u2013": (0x96, 556),  # en dash
    "\u2014": (0x97, 1000),  # em dash
    "\u2122": (0x99, 1000),  # trade mark sign
}
_DEFAULT_WIDTH = 556  # accented letters are about as wide as their base letter


def _encode(text: str) -> bytes:
    """The text in WinAnsiEncoding: Latin-1 plus the typographic extras; '?' for the rest."""
    out = bytearray()
    for char in text:
        if char in _WIN_ANSI:
            out.append(_WIN_ANSI[char][0])
            continue
        code = ord(char)
        # C1 control codes (0x80-0x9f) mean other glyphs in WinAnsi, so they are not Latin-1 here
        out.append(code if 32 <= code < 127 or 160 <= code < 256 else ord("?"))
    return bytes(out)


def _width(text: str, size: float) -> float:
    units = sum(
        _WIN_ANSI[char][1] if char in _WIN_ANSI else _WIDTHS.get(ord(char), _DEFAULT_WIDTH)
        for char in text
    )
    return units * size / 1000


def _literal(text: str) -> bytes:
    """A PDF literal string: parentheses and backslashes escaped, other bytes outside printable
    ASCII written as octal escapes so the content stream stays 7-bit."""
    out = bytearray(b"(")
    for byte in _encode(text):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode()
    out += b")"
    return bytes(out)


def _info_string(text: str) -> bytes:
    """A document-information string: PDFDocEncoding differs from WinAnsi above 0x7f, so text
    that is not ASCII is written as UTF-16 with a byte-order mark."""
    if text.isascii():
        return _literal(text)
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` points at ``size``; a word longer than a line
    is broken. Newlines in the text are kept as line breaks."""
    space = _width(" ", size)
    lines: list[str] = []
    for source_line in text.split("\n"):
        line, used = "", 0.0
        for word in source_line.split():
            needed = _width(word, size)
            if line and used + space + needed <= width:
                line, used = f"{line} {word}", used + space + needed
                continue
            if line:
                lines.append(line)
            while needed > width:
                cut = len(word) - 1
                while cut > 1 and _width(word[:cut], size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                needed = _width(word, size)
            line, used = word, needed
        lines.append(line)
    return lines


def _layout(title: str, paragraphs: Iterable[str]) -> list[list[tuple[str, float, float, str]]]:
    """Pages of (font, size, y, text) lines."""
    width = PAGE_WIDTH - 2 * MARGIN
    top, bottom = PAGE_HEIGHT - MARGIN, MARGIN + 2 * FOOTER_SIZE
    pages: list[list[tuple[str, float, float, str]]] = [[]]
    y: float = top

    def place(font: str, size: float, leading: float, text: str) -> None:
        nonlocal y
        if y - leading < bottom and pages[-1]:
            pages.append([])
            y = top
        y -= leading
        pages[-1].append((font, size, y, text))

    for line in wrap(title, TITLE_SIZE, width):
        place("F2", TITLE_SIZE, TITLE_LEADING, line)
    y -= PARAGRAPH_GAP
    for paragraph in paragraphs:
        for line in wrap(paragraph, BODY_SIZE, width):
            place("F1", BODY_SIZE, BODY_LEADING, line)
        y -= PARAGRAPH_GAP
    return pages


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _content(lines: list[tuple[str, float, float, str]], footer: str) -> bytes:
    parts = []
    for font, size, y, text in lines:
        position = f"BT /{font} {_number(size)} Tf 1 0 0 1 {MARGIN} {_number(y)} Tm ".encode()
        parts.append(position + _literal(text) + b" Tj ET")
    footer_y = MARGIN - FOOTER_SIZE
    parts.append(
        f"BT /F1 {FOOTER_SIZE} Tf 1 0 0 1 {MARGIN} {footer_y} Tm ".encode()
        + _literal(footer)
        + b" Tj ET"
    )
    return b"\n".join(parts) + b"\n"


def text_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A PDF 1.4 document of ``title`` (bold) and ``paragraphs``, on as many pages as needed,
    each page with a footer "title — page i of n"."""
    pages = _layout(title, paragraphs)
    # Objects: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then for each
    # page its page object and its content stream.
    objects: list[bytes] = []
    kids = " ".join(f"{6 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for base in ("Helvetica", "Helvetica-Bold"):
        objects.append(
            f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} "
            f"/Encoding /WinAnsiEncoding >>".encode()
        )
    objects.append(b"<< /Title " + _info_string(title) + b" /Producer (Interlocal) >>")
    short_title = title if len(title) <= 80 else title[:77] + "..."
    for i, lines in enumerate(pages):
        page_id, content_id = 6 + 2 * i, 7 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
            f"/Contents {content_id} 0 R >>".encode()
        )
        assert len(objects) == page_id
        stream = _content(lines, f"{short_title} — page {i + 1} of {len(pages)}")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"endstream")
    # A binary comment on line two tells transfer programs the file is binary.
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    # Each cross-reference entry is exactly 20 bytes, ending in space + newline.
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
