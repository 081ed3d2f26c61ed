"""Validate a staged report as a whole, in SQL: every rule is one statement over every line.

From ``raw`` (text) this builds ``typed``, one row per non-blank line with each value read:
amounts such as "$1,234.50" and "(12.00)", dates such as 2026-08-15, 8/15/2026 or an Excel
serial number, the state code, the order type. Every problem found goes to ``problems``
(line, column, code, severity, message, value). Errors block acceptance; warnings (codes in
:data:`interlocal.reporting.ingest.WARNINGS`) do not.

Rules: required values present; numbers and dates readable; invoice dates inside the quarter;
a real state code; quantity x unit price = extended amount within one cent; credits and
returns negative, sales not; no line repeated; and, against the contract's price files, the
price-integrity exceptions: an item not on the price file in effect on the invoice date, a
unit price above its contract price, or no price file in effect at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from interlocal.reporting.ingest import DISPLAY, REQUIRED, WARNINGS

# Longest text each field may have (the database columns' sizes).
MAX_LENGTH = {
    "customer_name": 200,
    "customer_address": 200,
    "city": 100,
    "customer_id": 20,
    "po_number": 60,
    "invoice_number": 60,
    "sku": 100,
    "description": 300,
    "category_code": 20,
    "unit": 40,
}
# Decimal places allowed: amounts to the cent, prices and quantities to four places.
AMOUNTS = {"extended_amount": 2, "tax": 2, "freight": 2}
PRICES = {"unit_price": 4, "list_price": 4}
ORDER_TYPES = {
    "sale": ("sale", "s", "invoice", "inv", "debit", "sales", "order"),
    "credit": ("credit", "c", "cr", "credit memo", "cm", "adjustment"),
    "return": ("return", "r", "ret", "rma", "returned"),
}

# The readings, as DuckDB macros. The ``*_general`` ones are the rules as first written; the
# others add a fast path for the values nearly every file has (plain numbers, m/d/yyyy and ISO
# dates; text with nothing to change is found per line in _build_typed) that gives exactly what
# the general reading gives for them, and send every other value to it.
# ``tests/test_load_fast_paths.py`` compares the two on thousands of odd values.
_MACROS = r"""
-- Text: runs of whitespace (\s is [\t\n\f\r ] in RE2) made one space, trimmed, NULL when empty.
CREATE OR REPLACE MACRO txt_general(x) AS nullif(trim(regexp_replace(x, '\s+', ' ', 'g')), '');
CREATE OR REPLACE MACRO bare(x) AS replace(replace(trim(x), '$', ''), ' ', '');
CREATE OR REPLACE MACRO paren(x) AS regexp_full_match(bare(x), '\(.*\)');
CREATE OR REPLACE MACRO unparen(x) AS
    CASE WHEN paren(x) THEN substr(bare(x), 2, length(bare(x)) - 2) ELSE bare(x) END;
CREATE OR REPLACE MACRO num_text_general(x) AS
    CASE WHEN regexp_full_match(unparen(x), '[-+]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)')
              AND NOT (paren(x) AND regexp_matches(unparen(x), '^[-+]'))
         THEN (CASE WHEN paren(x) THEN '-' ELSE '' END) || replace(unparen(x), ',', '')
    END;
-- A plain number (12, -3.5) is its own number text: no $, space, comma or parenthesis to drop.
CREATE OR REPLACE MACRO num_text(x) AS
    CASE WHEN regexp_full_match(x, '-?[0-9]+(\.[0-9]+)?') THEN x ELSE num_text_general(x) END;
-- A price in ten-thousandths of a dollar as people write it: $190.01, or $0.0450 below the cent.
CREATE OR REPLACE MACRO usd_e4(e4) AS
    '$' || (e4 // 10000)::VARCHAR || '.' || lpad(((e4 % 10000) // 100)::VARCHAR, 2, '0')
    || CASE WHEN e4 % 100 <> 0 THEN lpad((e4 % 100)::VARCHAR, 2, '0') ELSE '' END;
CREATE OR REPLACE MACRO num_of(t) AS TRY_CAST(t AS DECIMAL(38, 10));
-- Decimal places of a number text (digits only follow its one point).
CREATE OR REPLACE MACRO places_of(t) AS
    CASE WHEN strpos(t, '.') = 0 THEN 0 ELSE length(t) - strpos(t, '.') END;
CREATE OR REPLACE MACRO day_general(x) AS
    CASE WHEN regexp_full_match(trim(x), '\d{5}(\.0+)?')
         THEN DATE '1899-12-30' + CAST(CAST(trim(x) AS DOUBLE) AS INTEGER)
         -- %y before %Y: DuckDB's %Y also takes two digits, reading 8/15/26 as the year 26
         ELSE CAST(coalesce(
            try_strptime(trim(x), '%Y-%m-%d'), try_strptime(trim(x), '%m/%d/%y'),
            try_strptime(trim(x), '%m/%d/%Y'), try_strptime(trim(x), '%Y/%m/%d'),
            try_strptime(trim(x), '%m-%d-%Y'), try_strptime(trim(x), '%Y-%m-%dT%H:%M:%S'),
            try_strptime(trim(x), '%Y-%m-%d %H:%M:%S'), try_strptime(trim(x), '%d-%b-%Y'),
            try_strptime(trim(x), '%b %d, %Y'), try_strptime(trim(x), '%m/%d/%Y %H:%M:%S'),
            try_strptime(trim(x), '%m/%d/%Y %I:%M:%S %p')) AS DATE)
    END;
-- A failed try_strptime costs as much as five that succeed, so the common shapes go straight to
-- the one format that reads them first in day_general: m/d/yyyy is %m/%d/%Y (the formats before
-- it need a '-' or a two-digit year), yyyy-mm-dd is %Y-%m-%d (the first). Any other value, or
-- one of these shapes that is no real day, takes the general reading. t is trimmed already.
CREATE OR REPLACE MACRO day_of(t) AS
    CASE WHEN regexp_full_match(t, '\d{1,2}/\d{1,2}/\d{4}')
         THEN coalesce(CAST(try_strptime(t, '%m/%d/%Y') AS DATE), day_general(t))
         WHEN regexp_full_match(t, '\d{4}-\d{2}-\d{2}')
         THEN coalesce(CAST(try_strptime(t, '%Y-%m-%d') AS DATE), day_general(t))
         ELSE day_general(t)
    END;
"""


@dataclass(frozen=True)
class Context:
    """What a report is checked against."""

    first_day: datetime.date
    last_day: datetime.date
    period: str
    states: frozenset[str]
    prices: pa.Table  # sku_key, contract_e4, list_e4, effective_from, effective_to


@dataclass
class Findings:
    errors: dict[str, int]
    warnings: dict[str, int]
    lines: int

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def warning_count(self) -> int:
        return sum(self.warnings.values())


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def validate(con: duckdb.DuckDBPyConnection, columns: Mapping[str, str], ctx: Context) -> Findings:
    """Build ``typed`` and ``problems`` from ``raw``; return the counts by code.

    ``typed`` is one statement (every value read once, the contract price joined on); the
    checks are then counted in one pass over it, and only a check that finds something writes
    its problems, so a clean report costs two scans of ``typed`` whatever the number of rules."""
    con.execute(_MACROS)
    _build_typed(con, ctx)
    con.execute(
        "CREATE TABLE problems (line BIGINT, col VARCHAR, code VARCHAR, severity VARCHAR, "
        "message VARCHAR, value VARCHAR)"
    )
    shown = {name: columns.get(name, DISPLAY[name]) for name in DISPLAY}
    checks = _checks(shown, ctx)
    # Repeated lines are counted by a hash of what makes two lines the same: as many distinct
    # hashes as lines means no repeat; fewer (a repeat, or two lines whose hashes collide) sends
    # the lines to the exact comparison in _duplicates.
    found = con.execute(
        "SELECT count(*), "
        + "".join(f"count_if({check.where}), " for check in checks)
        + f"count(*) FILTER ({_COMPARED}), count(DISTINCT hash({_SAME})) FILTER ({_COMPARED}) "
        + "FROM typed"
    ).fetchall()[0]
    lines, counts, compared, distinct = int(found[0]), found[1:-2], found[-2], found[-1]
    for check, count in zip(checks, counts, strict=True):
        if count:
            con.execute(check.insert())
    if distinct < compared:
        _duplicates(con, shown)
    counted = con.execute("SELECT severity, code, count(*) FROM problems GROUP BY ALL").fetchall()
    return Findings(
        errors={code: n for severity, code, n in counted if severity == "error"},
        warnings={code: n for severity, code, n in counted if severity == "warning"},
        lines=lines,
    )


def states_named(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The state codes of ``raw``'s lines as ``typed`` will read them (blanks left out): the
    states of the report's customers, when it has no errors."""
    rows = con.execute(
        r"SELECT DISTINCT upper(nullif(trim(regexp_replace(state, '\s+', ' ', 'g')), '')) AS s "
        "FROM raw WHERE s IS NOT NULL"
    ).fetchall()
    return {state for (state,) in rows}


# Text fields: (name in raw, name in typed).
_TEXT = (
    ("customer_name", "customer_name"),
    ("customer_address", "customer_address"),
    ("city", "city"),
    ("state", "state_text"),
    ("zip_code", "zip_raw"),
    ("customer_id", "customer_id"),
    ("po_number", "po_number"),
    ("invoice_number", "invoice_number"),
    ("invoice_date", "invoice_date_raw"),
    ("order_type", "order_type_raw"),
    ("sku", "sku"),
    ("description", "description"),
    ("category_code", "category_code"),
    ("quantity", "quantity_raw"),
    ("unit", "unit"),
    ("unit_price", "unit_price_raw"),
    ("list_price", "list_price_raw"),
    ("extended_amount", "extended_amount_raw"),
    ("tax", "tax_raw"),
    ("freight", "freight_raw"),
)
# Number fields: (name in raw, parsed name in typed); their places go to <raw name>_places.
_NUMBERS = (
    ("quantity", "quantity_n"),
    ("unit_price", "unit_price_n"),
    ("list_price", "list_price_n"),
    ("extended_amount", "extended_n"),
    ("tax", "tax_n"),
    ("freight", "freight_n"),
)


def _build_typed(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """``typed``: one row per non-blank line of ``raw``, each value read once, with the
    contract price in effect on its invoice date and its price-integrity exception.

    Nested selects, so that no reading is written twice into the plan (a macro used twice is
    expanded twice): from the inside, blank lines dropped and each line joined into one text
    to see whether it is plain; the texts read, number texts and ZIP digits taken from the raw
    values; numbers and the date parsed; what depends on several values (order type, ZIP, SKU
    key) derived; the contract prices joined."""
    order_type = " ".join(
        f"WHEN lower(order_type_raw) IN ({', '.join(_q(w) for w in words)}) THEN {_q(kind)}"
        for kind, words in ORDER_TYPES.items()
    )
    # A line is "plain" when none of its values has anything for txt_general to change: no
    # whitespace but single spaces inside, no space at either end and nothing but ASCII (so no
    # other Unicode space that trim() strips). One look at the whole line (its values joined by
    # the unit separator, NULLs left out) is cheaper than two at each value; the others are
    # read value by value as before.
    whole = "concat_ws(chr(31), " + ", ".join(raw for raw, _name in _TEXT) + ")"
    plain = (
        "NOT (contains(whole, '  ') OR contains(whole, chr(9)) OR contains(whole, chr(10)) "
        "OR contains(whole, chr(12)) OR contains(whole, chr(13)) "
        "OR contains(whole, chr(31) || ' ') OR contains(whole, ' ' || chr(31)) "
        "OR starts_with(whole, ' ') OR ends_with(whole, ' ') OR strlen(whole) <> length(whole))"
    )
    first = ", ".join(
        [
            "line",
            "extra",
            *(
                f"CASE WHEN plain THEN nullif({raw}, '') ELSE txt_general({raw}) END AS {name}"
                for raw, name in _TEXT
            ),
            *(f"num_text({raw}) AS {raw}_t" for raw, _parsed in _NUMBERS),
            "CASE WHEN plain THEN invoice_date ELSE trim(invoice_date) END AS invoice_date_trimmed",
            "regexp_replace(zip_code, '[^0-9]', '', 'g') AS zip_digits",
        ]
    )
    # Not blank: some value reads as text. Written on the raw values, because DuckDB pushes a
    # filter down through the selects, copying the readings it names into it; a value starting
    # with printable ASCII other than a space is text without reading it.
    kept = " OR ".join(
        f"CASE WHEN {raw} >= '!' AND {raw} < chr(127) THEN true "
        f"ELSE txt_general({raw}) IS NOT NULL END"
        for raw, _name in _TEXT
    )
    lines = f"SELECT *, {plain} AS plain FROM (SELECT *, {whole} AS whole FROM raw WHERE {kept})"  # noqa: S608
    second = ", ".join(
        [
            "line",
            "extra",
            *(name for _raw, name in _TEXT),
            *(f"num_of({raw}_t) AS {parsed}" for raw, parsed in _NUMBERS),
            *(f"places_of({raw}_t) AS {raw}_places" for raw, _parsed in _NUMBERS),
            "day_of(invoice_date_trimmed) AS invoice_date",
            "zip_digits",
        ]
    )
    con.register("price_rows", ctx.prices)
    con.execute("CREATE TABLE prices AS SELECT * FROM price_rows")
    con.unregister("price_rows")
    con.execute(
        f"""
        CREATE TABLE typed AS
        SELECT v.*, p.contract_e4,
            CASE WHEN v.invoice_date IS NULL OR v.sku_key IS NULL THEN NULL
                 WHEN f.effective_from IS NULL THEN 'no_price_file'
                 WHEN p.contract_e4 IS NULL THEN 'unknown_sku'
                 WHEN v.order_type = 'sale' AND round(v.unit_price_n * 10000) > p.contract_e4
                 THEN 'price_above_contract'
            END AS exception
        FROM (
            SELECT line, extra, customer_name, customer_address, city,
                upper(state_text) AS state, zip_raw,
                CASE WHEN length(zip_digits) IN (3, 4, 5) THEN lpad(zip_digits, 5, '0')
                     WHEN length(zip_digits) = 9 THEN substr(zip_digits, 1, 5) END AS zip5,
                customer_id, po_number, invoice_number, invoice_date_raw, invoice_date,
                order_type_raw,
                CASE WHEN order_type_raw IS NULL
                     THEN CASE WHEN extended_n < 0 THEN 'credit' ELSE 'sale' END
                     {order_type} END AS order_type,
                sku, upper(sku) AS sku_key, description, category_code, unit,
                quantity_raw, quantity_n, quantity_places,
                unit_price_raw, unit_price_n, unit_price_places,
                list_price_raw, list_price_n, list_price_places,
                extended_amount_raw, extended_n, extended_amount_places,
                tax_raw, tax_n, tax_places, freight_raw, freight_n, freight_places
            FROM (SELECT {second} FROM (SELECT {first} FROM ({lines})))
        ) v
        LEFT JOIN (SELECT DISTINCT effective_from, effective_to FROM prices) f
          ON v.invoice_date BETWEEN f.effective_from AND coalesce(f.effective_to, DATE '9999-12-31')
        LEFT JOIN (
            -- one price per SKU and file: a file's SKUs are unique, but compared ignoring case
            SELECT sku_key, effective_from, max(contract_e4) AS contract_e4
            FROM prices GROUP BY sku_key, effective_from
        ) p ON p.sku_key = v.sku_key AND p.effective_from = f.effective_from
        """  # noqa: S608
    )


@dataclass(frozen=True)
class _Check:
    """One rule: a problem for every line of ``typed`` matching ``where``."""

    where: str
    column: str
    code: str
    message: str  # SQL
    value: str = "NULL"  # SQL

    def insert(self) -> str:
        severity = "warning" if self.code in WARNINGS else "error"
        return (
            f"INSERT INTO problems SELECT line, {_q(self.column)}, {_q(self.code)}, "  # noqa: S608
            f"{_q(severity)}, {self.message}, left(CAST({self.value} AS VARCHAR), 100) "
            f"FROM typed WHERE {self.where}"
        )


def _checks(shown: Mapping[str, str], ctx: Context) -> list[_Check]:
    checks = [
        _Check(
            "extra",
            "(row)",
            "extra_values",
            _q(
                "the line has more values than the header has columns; a value probably "
                "contains the delimiter (as 1,234.50 contains a comma) without double quotes "
                "around it: quote that value"
            ),
        )
    ]
    raw_name = {
        "quantity": "quantity_raw",
        "unit_price": "unit_price_raw",
        "extended_amount": "extended_amount_raw",
        "invoice_date": "invoice_date_raw",
    }
    for name in REQUIRED:
        column = raw_name.get(name, name)
        message = _q(f"{DISPLAY[name]} is empty; every line needs one")
        checks.append(_Check(f"{column} IS NULL", shown[name], "missing_value", message))
    numbers = {
        "quantity": ("quantity_n", 4),
        "unit_price": ("unit_price_n", 4),
        "list_price": ("list_price_n", 4),
        "extended_amount": ("extended_n", 2),
        "tax": ("tax_n", 2),
        "freight": ("freight_n", 2),
    }
    for name, (parsed, most) in numbers.items():
        raw = f"{name}_raw"
        message = (
            f"format('{DISPLAY[name]} ''{{}}'' is not a number; write it like 1234.50 "
            f"(a leading $, commas between thousands and (12.00) for negatives are fine)', {raw})"
        )
        checks.append(
            _Check(
                f"{raw} IS NOT NULL AND {parsed} IS NULL", shown[name], "not_a_number", message, raw
            )
        )
        unit = "a cent" if most == 2 else "a hundredth of a cent"
        message = (
            f"format('{DISPLAY[name]} {{}} has more than {most} decimal places; state it to "
            f"{unit} (in Excel, =ROUND(value, {most}))', {raw})"
        )
        checks.append(
            _Check(
                f"{parsed} IS NOT NULL AND {name}_places > {most}",
                shown[name],
                "too_precise",
                message,
                raw,
            )
        )
    message = (
        "format('Invoice Date ''{}'' is not a date; write it as 2026-08-15 or 8/15/2026', "
        "invoice_date_raw)"
    )
    checks.append(
        _Check(
            "invoice_date_raw IS NOT NULL AND invoice_date IS NULL",
            shown["invoice_date"],
            "not_a_date",
            message,
            "invoice_date_raw",
        )
    )
    message = (
        f"format('invoice date {{}} is outside {ctx.period} ({ctx.first_day:%b %-d} to "
        f"{ctx.last_day:%b %-d, %Y}); report the line in the quarter it was invoiced', "
        "strftime(invoice_date, '%Y-%m-%d'))"
    )
    checks.append(
        _Check(
            f"invoice_date NOT BETWEEN DATE '{ctx.first_day}' AND DATE '{ctx.last_day}'",
            shown["invoice_date"],
            "date_outside_period",
            message,
            "invoice_date_raw",
        )
    )
    states = ", ".join(_q(s) for s in sorted(ctx.states))
    message = (
        "format('''{}'' is not a state code; write the two-letter USPS code of the "
        "customer''s state, such as TX or DC', state)"
    )
    checks.append(
        _Check(
            f"state IS NOT NULL AND state NOT IN ({states})",
            shown["state"],
            "unknown_state",
            message,
            "state",
        )
    )
    message = (
        "format('Order Type ''{}'' is not known; write sale, credit or return', order_type_raw)"
    )
    checks.append(
        _Check(
            "order_type_raw IS NOT NULL AND order_type IS NULL",
            shown["order_type"],
            "unknown_order_type",
            message,
            "order_type_raw",
        )
    )
    message = _q(
        "a sale with a negative amount; if it is a credit or a return, say so in Order Type"
    )
    checks.append(
        _Check(
            "order_type = 'sale' AND extended_n < 0",
            shown["extended_amount"],
            "negative_sale",
            message,
            "extended_amount_raw",
        )
    )
    message = (
        "format('a {} must have a negative extended amount, not {}; write it as -{} or ({})',"
        " order_type, extended_amount_raw, extended_amount_raw, extended_amount_raw)"
    )
    checks.append(
        _Check(
            "order_type IN ('credit', 'return') AND extended_n > 0",
            shown["extended_amount"],
            "credit_not_negative",
            message,
            "extended_amount_raw",
        )
    )
    product = "round(abs(quantity_n * unit_price_n), 2)"
    message = (
        f"format('quantity {{}} x unit price {{}} is {{}}, but the extended amount is {{}}; "
        f"correct one of the three (they may differ by one cent at most)', quantity_raw, "
        f"unit_price_raw, CAST({product} AS DECIMAL(18, 2))::VARCHAR, extended_amount_raw)"
    )
    checks.append(
        _Check(
            f"abs({product} - abs(extended_n)) > 0.01",
            shown["extended_amount"],
            "extended_mismatch",
            message,
            "extended_amount_raw",
        )
    )
    for name, most in MAX_LENGTH.items():
        message = (
            f"format('{DISPLAY[name]} is {{}} characters long; the most is {most}. Shorten it', "
            f"length({name}))"
        )
        checks.append(_Check(f"length({name}) > {most}", shown[name], "too_long", message, name))
    message = (
        "format('''{}'' is not a ZIP code, so it was not used to find the customer; write 5 "
        "digits or ZIP+4', zip_raw)"
    )
    checks.append(
        _Check(
            "zip_raw IS NOT NULL AND zip5 IS NULL", shown["zip_code"], "bad_zip", message, "zip_raw"
        )
    )
    # Price integrity: the exception worked out with typed.
    sku, price = shown["sku"], shown["unit_price"]
    checks += [
        _Check(
            "exception = 'no_price_file'",
            sku,
            "no_price_file",
            "format('no price file of the contract is in effect on {}; the price cannot be "
            "checked (the program office will follow up)', strftime(invoice_date, '%Y-%m-%d'))",
            "sku",
        ),
        _Check(
            "exception = 'unknown_sku'",
            sku,
            "unknown_sku",
            "format('item {} is not on the contract''s price file in effect on {}; check the "
            "item number, or ask the lead agency to add the item', sku, "
            "strftime(invoice_date, '%Y-%m-%d'))",
            "sku",
        ),
        _Check(
            "exception = 'price_above_contract'",
            price,
            "price_above_contract",
            "format('unit price {} is above the contract price {} in effect on {}; the program "
            "office will review it (refund the difference if it was charged in error)', "
            "unit_price_raw, usd_e4(contract_e4), strftime(invoice_date, '%Y-%m-%d'))",
            "unit_price_raw",
        ),
    ]
    return checks


_SAME = (
    "customer_name, state, invoice_number, invoice_date, order_type, sku_key, quantity_n, "
    "unit_price_n, extended_n"
)
_COMPARED = "WHERE invoice_number IS NOT NULL AND sku_key IS NOT NULL"


def _duplicates(con: duckdb.DuckDBPyConnection, shown: Mapping[str, str]) -> None:
    """Each repeat of a line (the same customer, invoice, date, item, quantity, price and
    amount) names the first."""
    con.execute(
        f"""INSERT INTO problems SELECT line, {_q(shown["invoice_number"])}, 'duplicate_line',
            'error', format('the same line as line {{}} (customer, invoice, date, item, quantity,
            price and amount all alike); remove the repeat, or if both are real, say how they
            differ in the description', first), invoice_number
            FROM (SELECT line, invoice_number,
                         min(line) OVER (PARTITION BY {_SAME}) AS first FROM typed
                  {_COMPARED})
            WHERE line <> first"""  # noqa: S608
    )


def problem_rows(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple]:
    """The problems in line order, at most ``limit``: (line, column, code, severity, message,
    value), messages on one line."""
    return con.execute(
        "SELECT line, col, code, severity, regexp_replace(message, '\\s+', ' ', 'g'), "
        "coalesce(value, '') FROM problems ORDER BY line, code LIMIT ?",
        [limit],
    ).fetchall()
