"""The fast paths of reading and validating a report give what the general readings give.

Validation reads a million-line file in a few seconds because the values nearly every file has
(plain numbers, m/d/yyyy and ISO dates, lines whose text has nothing to trim or collapse) skip
the general reading. These tests put thousands of ordinary and odd values through both and
compare: the general readings (``*_general`` in ``validate._MACROS``, and the reference
``typed`` below, the rules as first written) are the oracle.
"""

import datetime
import itertools
import random

import duckdb
import pyarrow as pa
import pytest

from interlocal.reporting.ingest import FIELDS
from interlocal.reporting.ingest.read import _BLANK_LINE, _has_blank, connect
from interlocal.reporting.ingest.validate import (
    _MACROS,
    _NUMBERS,
    _TEXT,
    ORDER_TYPES,
    Context,
    _build_typed,
)

SIGNS = ("", "-", "+")
MONEY = ("", "$", "$ ")
WHOLE = ("0", "7", "12", "123", "1234", "1,234", "12,345,678", "1,23", ",123", "")
PARTS = ("", ".", ".5", ".50", ".0450", ".12345678901", ".00001")
ODD_NUMBERS = (
    None, "", " ", "1e5", "1E-2", "\u0661\u0662", "abc", "--1", "1.2.3", "(-5)", "$-5", "- 5", "5-",
    "(12.00)", "( 12.00 )", "(1,234.50)", "$(5)", " 12 ", "12\t", "\t12", "1 234", "0x10",
    "inf", "NaN", "1_000", "12.", ".5", "+.5", "-0", "007", "1,234,5", "¹²", "12 .5",
)  # fmt: skip
ODD_DATES = (
    None, "", " ", "46000", "46000.0", "46000.5", "4600", "046000", "2026-08-15",
    " 2026-08-15 ", "2026-8-5", "2026-02-30", "2026-13-01", "20260815", "15-Aug-2026",
    "Aug 15, 2026", "2026-08-15T10:00:00", "2026-08-15 10:00:00", "8/15/2026 10:00:00",
    "8/15/2026 10:00:00 PM", "2026/08/15", "08-15-2026", "8/15/26", "08/15/26", "2/29/2024",
    "2/29/2026", "13/01/2026", "0/1/2026", "1/0/2026", "12/31/9999", "1/1/0000", "1/1/0026",
    "1/1/20260", "\u0661/\u0661/\u0662\u0660\u0662\u0666", "8/15/2026\t", "\t8/15/2026",
    "8 /15/2026", "aug 15 2026",
)  # fmt: skip
ODD_TEXT = (
    None, "", " ", "  ", "\t", "a", " a", "a ", "a  b", "a\tb", "a\nb", "a\r\nb", "a\fb",
    "a\vb", "\u00a0a", "a\u00a0", "a\u00a0b", "\u3000a", "a\u2003", "é", " é ", "a\x1f b",
    "a \x1fb", "\x1f", "Ünïcödé", "City of Austin", "x" * 201,
)  # fmt: skip


def _con() -> duckdb.DuckDBPyConnection:
    con = connect()
    con.execute(_MACROS)
    return con


def _numbers() -> list[str | None]:
    made = [
        f"{money}{sign}{whole}{part}"
        for sign, money, whole, part in itertools.product(SIGNS, MONEY, WHOLE, PARTS)
    ]
    made += [f"({value})" for value in made[:200]]
    return [*made, *ODD_NUMBERS]


def _dates() -> list[str | None]:
    months = ("0", "1", "01", "7", "07", "12", "13")
    days = ("0", "1", "01", "15", "29", "30", "31", "32")
    years = ("26", "0026", "1900", "2024", "2026", "9999", "20260")
    made = [
        f"{m}{sep}{d}{sep}{y}"
        for m, d, y, sep in itertools.product(months, days, years, ("/", "-"))
    ]
    made += [f"{y}-{m}-{d}" for m, d, y in itertools.product(months, days, years)]
    return [*made, *ODD_DATES]


def _table(con: duckdb.DuckDBPyConnection, values: list[str | None]) -> None:
    con.register("values_arrow", pa.table({"x": pa.array(values, pa.string())}))
    con.execute("CREATE TABLE v AS SELECT * FROM values_arrow")


def test_number_texts_and_places_are_those_of_the_general_reading() -> None:
    con = _con()
    _table(con, _numbers())
    differ = con.execute(
        r"""SELECT x, num_text(x), num_text_general(x) FROM v
            WHERE num_text(x) IS DISTINCT FROM num_text_general(x)
               OR places_of(num_text(x)) IS DISTINCT FROM
                  length(regexp_extract(num_text_general(x), '\.(\d*)$', 1))
               OR num_of(num_text(x)) IS DISTINCT FROM
                  TRY_CAST(num_text_general(x) AS DECIMAL(38, 10))"""
    ).fetchall()
    assert differ == []
    # and the fast path is taken by the values it is for
    assert con.execute("SELECT num_text('-1234.50'), num_text('$1,234.50')").fetchall() == [
        ("-1234.50", "1234.50")
    ]


def test_dates_are_those_of_the_general_reading() -> None:
    con = _con()
    _table(con, _dates())
    differ = con.execute(
        "SELECT x, day_of(trim(x)), day_general(x) FROM v "
        "WHERE day_of(trim(x)) IS DISTINCT FROM day_general(x)"
    ).fetchall()
    assert differ == []
    assert con.execute(
        "SELECT day_of('8/15/2026'), day_of('2026-08-15'), day_of('08/15/26'), day_of('46249')"
    ).fetchall() == [(datetime.date(2026, 8, 15),) * 4]


# The reference: ``typed`` as the rules were first written, every value read the general way.
_REFERENCE = r"""
SELECT line,
    txt_general(customer_name) AS customer_name, txt_general(customer_address) AS customer_address,
    txt_general(city) AS city, upper(txt_general(state)) AS state, txt_general(zip_code) AS zip_raw,
    CASE WHEN length(regexp_replace(txt_general(zip_code), '[^0-9]', '', 'g')) IN (3, 4, 5)
         THEN lpad(regexp_replace(txt_general(zip_code), '[^0-9]', '', 'g'), 5, '0')
         WHEN length(regexp_replace(txt_general(zip_code), '[^0-9]', '', 'g')) = 9
         THEN substr(regexp_replace(txt_general(zip_code), '[^0-9]', '', 'g'), 1, 5) END AS zip5,
    txt_general(customer_id) AS customer_id, txt_general(po_number) AS po_number,
    txt_general(invoice_number) AS invoice_number, txt_general(invoice_date) AS invoice_date_raw,
    day_general(invoice_date) AS invoice_date, txt_general(order_type) AS order_type_raw,
    txt_general(sku) AS sku, upper(txt_general(sku)) AS sku_key,
    txt_general(description) AS description, txt_general(category_code) AS category_code,
    txt_general(unit) AS unit, {numbers},
    CASE WHEN txt_general(order_type) IS NULL
         THEN CASE WHEN TRY_CAST(num_text_general(extended_amount) AS DECIMAL(38, 10)) < 0
                   THEN 'credit' ELSE 'sale' END
         {order_types} END AS order_type
FROM raw
WHERE coalesce({texts}) IS NOT NULL
"""
# The price of each line as first written: the file in effect on the invoice date, the SKU's
# contract price in it, and the exception.
_PRICED = """
SELECT r.*, p.contract_e4,
    CASE WHEN r.invoice_date IS NULL OR r.sku_key IS NULL THEN NULL
         WHEN f.effective_from IS NULL THEN 'no_price_file'
         WHEN p.contract_e4 IS NULL THEN 'unknown_sku'
         WHEN r.order_type = 'sale' AND round(r.unit_price_n * 10000) > p.contract_e4
         THEN 'price_above_contract' END AS exception
FROM ({reference}) r
LEFT JOIN (SELECT DISTINCT effective_from, effective_to FROM prices) f
  ON r.invoice_date BETWEEN f.effective_from AND coalesce(f.effective_to, DATE '9999-12-31')
LEFT JOIN prices p ON p.sku_key = r.sku_key AND p.effective_from = f.effective_from
"""


def _reference() -> str:
    numbers = ", ".join(
        f"txt_general({raw}) AS {raw}_raw, "
        f"TRY_CAST(num_text_general({raw}) AS DECIMAL(38, 10)) AS {parsed}, "
        rf"length(regexp_extract(num_text_general({raw}), '\.(\d*)$', 1)) AS {raw}_places"
        for raw, parsed in _NUMBERS
    )
    texts = ", ".join(f"txt_general({raw})" for raw, _name in _TEXT)
    order_types = " ".join(
        f"WHEN lower(txt_general(order_type)) IN ({', '.join(repr(w) for w in words)}) "
        f"THEN '{kind}'"
        for kind, words in ORDER_TYPES.items()
    )
    reference = _REFERENCE.format(numbers=numbers, texts=texts, order_types=order_types)
    return _PRICED.format(reference=reference)


@pytest.mark.parametrize("seed", range(3))
def test_typed_is_the_general_reading_of_every_line(seed: int) -> None:
    # given lines mixing plain values with odd ones, some lines blank or all whitespace
    rng = random.Random(seed)
    pools = {name: ODD_TEXT for name in FIELDS}
    pools |= {raw: (*_numbers()[::7], *ODD_TEXT[:6]) for raw, _parsed in _NUMBERS}
    pools["invoice_date"] = (*_dates()[::5], *ODD_TEXT[:6], "2026-08-11", "8/10/2026")
    pools["sku"] = (*ODD_TEXT, "PAPER-1", "pen-2", "NOT-ON-FILE")
    pools["order_type"] = (*ODD_TEXT, "credit", "RETURN", " Sale ", "cm", "refund?")
    plain = {
        "customer_name": "City of Austin",
        "state": "tx",
        "zip_code": "78701-1234",
        "invoice_number": "INV-1",
        "invoice_date": "8/15/2026",
        "order_type": "Invoice",
        "sku": "paper-1",
        "quantity": "2",
        "unit_price": "45.00",
        "extended_amount": "90.00",
    }
    rows: dict[str, list[str | None]] = {name: [] for name in FIELDS}
    for _ in range(3000):
        odd = rng.random()
        for name in FIELDS:
            if odd < 0.05:  # a blank line, or one of whitespace only
                value = rng.choice((None, "", " ", "\t", "\u00a0"))
            elif odd < 0.3 or rng.random() < 0.03:
                value = rng.choice(pools[name])
            else:
                value = plain.get(name)
            rows[name].append(value)
    con = _con()
    table = pa.table(
        {"line": pa.array(range(2, 3002), pa.int64())}
        | {name: pa.array(values, pa.string()) for name, values in rows.items()}
    )
    con.register("incoming", table)
    con.execute("CREATE TABLE raw AS SELECT *, false AS extra FROM incoming")
    # two price files: PAPER-1 and PEN-2 until August 10, then PAPER-1 only, cheaper
    first, second = datetime.date(2026, 1, 1), datetime.date(2026, 8, 11)
    prices = pa.table(
        {
            "sku_key": pa.array(["PAPER-1", "PEN-2", "PAPER-1"], pa.string()),
            "contract_e4": pa.array([450000, 125000, 440000], pa.int64()),
            "list_e4": pa.array([None, None, None], pa.int64()),
            "effective_from": pa.array([first, first, second], pa.date32()),
            "effective_to": pa.array([datetime.date(2026, 8, 10)] * 2 + [None], pa.date32()),
        }
    )
    ctx = Context(
        datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), "2026Q3", frozenset({"TX"}), prices
    )
    # when typed is built
    _build_typed(con, ctx)
    # then it holds exactly the reference's lines and values, plain lines and others alike
    reference = con.execute(_reference() + " ORDER BY line").fetchall()
    columns = [d[0] for d in con.execute(_reference() + " LIMIT 0").description]
    built = con.execute(f"SELECT {', '.join(columns)} FROM typed ORDER BY line").fetchall()
    assert len(built) == len(reference) < 3000
    for got, want in zip(built, reference, strict=True):
        assert got == want
    exceptions = {row[-1] for row in built}
    assert {"unknown_sku", "price_above_contract", None} <= exceptions


def test_the_fast_blank_line_search_finds_what_the_general_one_finds() -> None:
    rng = random.Random(4)
    pieces = ("a", "b,c", " ", "\t", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n", " \n")
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        expected = _BLANK_LINE.search(text.rstrip("\r\n \t")) is not None
        assert _has_blank(text) == expected, repr(text)
    assert _has_blank("a,b\n\nc") and _has_blank("a\r\n \r\nb") and not _has_blank("a\r\nb\r\n")
