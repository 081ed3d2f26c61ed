"""The price-file importer on real data: GSA IT Schedule 70 labour-category prices (18F CALC,
``../shared/data/gsa_calc/s70_data.csv``; see its README.txt).

The file is a price list of 4,157 lines from 247 contracts, with what real files carry: no SKU
column, "N/A" and "0.75%" in the price column, "$82.23 " beside "433.9" and "198", job titles
broken over several lines, titles pasted five times over, and the same labour category of a
contract listed up to five times at different prices (successive option-year prices, with no
column saying which year is which).

Decisions, also in docs/price-files.md: the SKU is synthesised as contract number + SIN + job
title. Every expectation below is computed here from the file with the csv module, not taken
from the importer; the importer must refuse the file as it is, naming each bad line, and import
a variant from which the unusable rows are removed openly. A category listed at several prices
is left out, not guessed.
"""

import collections
import csv
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from interlocal.agreements.ingest import PriceFileError, resolve_columns
from interlocal.agreements.models import PriceFile, PriceItem
from interlocal.agreements.prices import price_in_effect
from interlocal.agreements.services.pricing import import_price_file
from interlocal.agreements.tests.test_price_files import make_agreement
from interlocal.core.models import AuditEvent

pytestmark = [pytest.mark.external_data, pytest.mark.django_db]

TITLE = "SERVICE PROPOSED (e.g. Job Title/Task)"
UNIT = "UNIT OF ISSUE (e.g. Hour, Task, Sq ft)"
PRICE = "PRICE OFFERED TO GSA (including IFF)"
CONTRACT = "CONTRACT NUMBER"
SIN = "SIN(s)"
EFFECTIVE = datetime.date(2015, 5, 5)
# Written out by hand: "$1,234.50", "433.9", "198" and "$82.23 " are prices; "N/A" is not.
_PRICE = re.compile(r"\$?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?")


@dataclass(frozen=True)
class Line:
    number: int  # the line the record starts on, as a text editor shows it
    values: list[str]
    header: list[str]

    def __getitem__(self, column: str) -> str:
        return self.values[self.header.index(column)]

    @property
    def sku(self) -> str:
        return " ".join(f"{self[CONTRACT]} {self[SIN]} {self[TITLE]}".split())

    @property
    def cents(self) -> int | None:
        text = self[PRICE].strip()
        if not _PRICE.fullmatch(text):
            return None
        return int(Decimal(text.lstrip("$").replace(",", "")) * 100)


def read_lines(path: Path) -> tuple[list[str], list[Line]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        lines, previous = [], reader.line_num
        for values in reader:
            lines.append(Line(previous + 1, values, header))
            previous = reader.line_num
    return header, lines


def write_with_sku(path: Path, header: list[str], lines: list[Line]) -> Path:
    """The lines with a SKU column added at the end, nothing else changed."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "SKU"])
        writer.writerows([*line.values, line.sku] for line in lines)
    return path


@pytest.fixture
def s70(shared_data) -> tuple[list[str], list[Line]]:
    return read_lines(shared_data / "gsa_calc" / "s70_data.csv")


def usable(lines: list[Line]) -> list[Line]:
    """What can be imported honestly: a price, a SKU and title that fit, exact repeats of a
    line dropped (they say nothing new) and labour categories with more than one price left
    out, since the file does not say which price is current."""
    fitting = [
        line
        for line in lines
        if line.cents is not None
        and len(line.sku) <= 100
        and len(" ".join(line[TITLE].split())) <= 500
    ]
    distinct, seen = [], set()
    for line in fitting:
        if tuple(line.values) not in seen:
            seen.add(tuple(line.values))
            distinct.append(line)
    per_sku = collections.Counter(line.sku.casefold() for line in distinct)
    return [line for line in distinct if per_sku[line.sku.casefold()] == 1]


def test_gsa_headers_are_found_by_synonyms(s70) -> None:
    header, _lines = s70
    found, errors = resolve_columns(1, header)
    assert not errors
    assert {field: header[i] for field, i in found.items()} == {
        "sku": SIN,  # a category in this file, shared by every line: hence the explicit map below
        "description": TITLE,
        "unit": UNIT,
        "contract_price": PRICE,
    }


def test_the_file_as_it_is_is_refused_line_by_line(s70, tmp_path) -> None:
    header, lines = s70
    path = write_with_sku(tmp_path / "s70_with_sku.csv", header, lines)
    _, written = read_lines(path)
    assert [line.number for line in written] == [line.number for line in lines]  # same lines
    expected, first = set(), {}
    for line in lines:
        if line.cents is None:
            expected.add((line.number, PRICE, "non_numeric"))
        if len(line.sku) > 100:
            expected.add((line.number, "SKU", "too_long"))
        if len(" ".join(line[TITLE].split())) > 500:
            expected.add((line.number, TITLE, "too_long"))
        if first.setdefault(line.sku.casefold(), line.number) != line.number:
            expected.add((line.number, "SKU", "duplicate_sku"))
    agreement = make_agreement(number="GS-35F-S70")
    with pytest.raises(PriceFileError) as caught:
        import_price_file(
            agreement, path, actor=None, effective_from=EFFECTIVE, column_map={"sku": "SKU"}
        )
    errors = caught.value.errors
    assert {(e.line, e.column, e.code) for e in errors} == expected
    assert len(errors) == len(expected)
    # the 13 prices such as "N/A" and "0.75%", and more than a thousand repeated categories
    assert sum(e.code == "non_numeric" for e in errors) == sum(ln.cents is None for ln in lines)
    duplicates = [e for e in errors if e.code == "duplicate_sku"]
    assert len(duplicates) == len(lines) - len(first)
    # every exact repeat of a whole line is refused, naming the line it repeats
    by_line = {e.line: e for e in duplicates}
    seen: dict[tuple[str, ...], int] = {}
    repeats = 0
    for line in lines:
        original = seen.setdefault(tuple(line.values), line.number)
        if original != line.number:
            repeats += 1
            message = by_line[line.number].message
            assert f"on line {first[line.sku.casefold()]} and again on line {line.number}" in (
                message
            )
    assert repeats == len(lines) - len(seen) > 0
    assert (PriceFile.objects.count(), PriceItem.objects.count()) == (0, 0)
    assert not AuditEvent.objects.filter(verb="agreement.price_file").exists()


# Checked by hand against the file: (line, SKU, cents).
BY_HAND = [
    (6, "GS-35F-420BA 132-51 Sr Vulnerability Assessment and Penetration Testing Engineer", 43390),
    (232, "GS-35F-369BA 132-51 Program Manager", 19800),  # "198", no decimals
    (3376, "GS-35F-523BA 132-51 Data Modeler", 8481),  # "Data\nModeler", "$84.81 "
    (3728, "GS-35F-243CA 1 Subject Matter Expert 2", 8223),  # SIN "1", "$82.23 "
    (3834, "132-51 Administrative Staff III", 7500),  # no contract number in the file
]


def test_the_usable_lines_import_to_the_cent(s70, tmp_path) -> None:
    header, lines = s70
    kept = usable(lines)
    path = write_with_sku(tmp_path / "s70_usable.csv", header, kept)
    agreement = make_agreement(number="GS-35F-S70")
    price_file = import_price_file(
        agreement,
        path,
        actor=None,
        effective_from=EFFECTIVE,
        column_map={"sku": "SKU"},
        note="GSA Schedule 70 labour categories with one price each",
    )
    assert price_file.item_count == len(kept) == PriceItem.objects.count()
    stored = dict(price_file.items.values_list("sku", "contract_price_cents"))
    assert stored == {line.sku: line.cents for line in kept}
    units = collections.Counter(price_file.items.values_list("unit", flat=True))
    assert units == collections.Counter(line[UNIT] for line in kept)
    numbers = {line.number for line in kept}
    for number, sku, cents in BY_HAND:
        assert number in numbers
        item = price_in_effect(agreement, sku, EFFECTIVE)
        assert item is not None and item.contract_price_cents == cents, sku
    assert price_in_effect(agreement, BY_HAND[0][1], EFFECTIVE - datetime.timedelta(days=1)) is None
    event = AuditEvent.objects.get(verb="agreement.price_file")
    assert event.after["items"] == len(kept)


def test_the_same_prices_from_a_workbook_are_exact(s70, tmp_path) -> None:
    # given the usable lines in a workbook, prices stored as Excel stores them: binary doubles
    _header, lines = s70
    kept = usable(lines)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["SKU", "Labor Category", "Unit of Issue", "Price"])
    for line in kept:
        sheet.append([line.sku, line[TITLE], line[UNIT], float(Decimal(line.cents) / 100)])
    book.save(tmp_path / "s70.xlsx")
    # when imported, then every price comes back to the exact cent
    agreement = make_agreement(number="GS-35F-XLSX")
    price_file = import_price_file(
        agreement, tmp_path / "s70.xlsx", actor=None, effective_from=EFFECTIVE
    )
    stored = dict(price_file.items.values_list("sku", "contract_price_cents"))
    assert stored == {line.sku: line.cents for line in kept}


def test_one_vendor_per_agreement_with_the_job_title_as_sku(s70, tmp_path) -> None:
    # given one contract's own lines, as that vendor would submit them: the largest contract
    # whose titles are unique and whose prices are all numbers
    header, lines = s70
    by_contract = collections.defaultdict(list)
    for line in lines:
        by_contract[line[CONTRACT]].append(line)
    clean = [
        group
        for group in by_contract.values()
        if all(line.cents is not None for line in group)
        and len({line[TITLE].casefold() for line in group}) == len(group)
    ]
    vendor = max(clean, key=len)
    path = tmp_path / "vendor.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *(line.values for line in vendor)])
    # when imported with one header mapped to both SKU and description
    agreement = make_agreement(number=vendor[0][CONTRACT])
    price_file = import_price_file(
        agreement,
        path,
        actor=None,
        effective_from=EFFECTIVE,
        column_map={"sku": TITLE, "description": TITLE},
    )
    # then each labour category is an item at its price
    assert price_file.item_count == len(vendor)
    stored = dict(price_file.items.values_list("sku", "contract_price_cents"))
    assert stored == {" ".join(line[TITLE].split()): line.cents for line in vendor}
