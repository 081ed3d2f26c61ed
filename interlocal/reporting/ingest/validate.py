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

_MACROS = r"""
CREATE OR REPLACE MACRO txt(x) AS nullif(trim(regexp_replace(x, '\s+', ' ', 'g')), '');
CREATE OR REPLACE MACRO bare(x) AS replace(replace(trim(x), '$', ''), ' ', '');
CREATE OR REPLACE MACRO paren(x) AS regexp_full_match(bare(x), '\(.*\)');
CREATE OR REPLACE MACRO unparen(x) AS
    CASE WHEN paren(x) THEN substr(bare(x), 2, length(bare(x)) - 2) ELSE bare(x) END;
CREATE OR REPLACE MACRO num_text(x) AS
    CASE WHEN regexp_full_match(unparen(x), '[-+]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)')
              AND NOT (paren(x) AND regexp_matches(unparen(x), '^[-+]'))
         THEN (CASE WHEN paren(x) THEN '-' ELSE '' END) || replace(unparen(x), ',', '')
    END;
-- A price in ten-thousandths of a dollar as people write it: $190.01, or $0.0450 below the cent.
CREATE OR REPLACE MACRO usd_e4(e4) AS
    '$' || (e4 // 10000)::VARCHAR || '.' || lpad(((e4 % 10000) // 100)::VARCHAR, 2, '0')
    || CASE WHEN e4 % 100 <> 0 THEN lpad((e4 % 100)::VARCHAR, 2, '0') ELSE '' END;
CREATE OR REPLACE MACRO num(x) AS TRY_CAST(num_text(x) AS DECIMAL(38, 10));
CREATE OR REPLACE MACRO places(x) AS length(regexp_extract(num_text(x), '\.(\d*)$', 1));
CREATE OR REPLACE MACRO day(x) AS
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
    """Build ``typed`` and ``problems`` from ``raw``; return the counts by code."""
    con.execute(_MACROS)
    _build_typed(con)
    con.execute(
        "CREATE TABLE problems (line BIGINT, col VARCHAR, code VARCHAR, severity VARCHAR, "
        "message VARCHAR, value VARCHAR)"
    )
    shown = {name: columns.get(name, DISPLAY[name]) for name in DISPLAY}
    for sql in _checks(shown, ctx):
        con.execute(sql)
    _price_integrity(con, shown, ctx)
    warning_codes = ", ".join(_q(code) for code in WARNINGS)
    con.execute(
        f"UPDATE problems SET severity = CASE WHEN code IN ({warning_codes}) "  # noqa: S608
        "THEN 'warning' ELSE 'error' END"
    )
    counts = con.execute("SELECT severity, code, count(*) FROM problems GROUP BY ALL").fetchall()
    lines = con.execute("SELECT count(*) FROM typed").fetchone()
    return Findings(
        errors={code: n for severity, code, n in counts if severity == "error"},
        warnings={code: n for severity, code, n in counts if severity == "warning"},
        lines=int(lines[0]) if lines else 0,
    )


def _build_typed(con: duckdb.DuckDBPyConnection) -> None:
    order_type = " ".join(
        f"WHEN lower(txt(order_type)) IN ({', '.join(_q(w) for w in words)}) THEN {_q(kind)}"
        for kind, words in ORDER_TYPES.items()
    )
    zip5 = "regexp_replace(txt(zip_code), '[^0-9]', '', 'g')"
    con.execute(
        f"""
        CREATE TABLE typed AS SELECT
            line, extra,
            txt(customer_name) AS customer_name, txt(customer_address) AS customer_address,
            txt(city) AS city, upper(txt(state)) AS state, txt(zip_code) AS zip_raw,
            CASE WHEN length({zip5}) IN (3, 4, 5) THEN lpad({zip5}, 5, '0')
                 WHEN length({zip5}) = 9 THEN substr({zip5}, 1, 5) END AS zip5,
            txt(customer_id) AS customer_id, txt(po_number) AS po_number,
            txt(invoice_number) AS invoice_number,
            txt(invoice_date) AS invoice_date_raw, day(invoice_date) AS invoice_date,
            txt(order_type) AS order_type_raw,
            CASE WHEN txt(order_type) IS NULL
                 THEN CASE WHEN num(extended_amount) < 0 THEN 'credit' ELSE 'sale' END
                 {order_type} END AS order_type,
            txt(sku) AS sku, upper(txt(sku)) AS sku_key, txt(description) AS description,
            txt(category_code) AS category_code, txt(unit) AS unit,
            txt(quantity) AS quantity_raw, num(quantity) AS quantity_n,
            places(quantity) AS quantity_places,
            txt(unit_price) AS unit_price_raw, num(unit_price) AS unit_price_n,
            places(unit_price) AS unit_price_places,
            txt(list_price) AS list_price_raw, num(list_price) AS list_price_n,
            places(list_price) AS list_price_places,
            txt(extended_amount) AS extended_amount_raw, num(extended_amount) AS extended_n,
            places(extended_amount) AS extended_amount_places,
            txt(tax) AS tax_raw, num(tax) AS tax_n, places(tax) AS tax_places,
            txt(freight) AS freight_raw, num(freight) AS freight_n,
            places(freight) AS freight_places
        FROM raw
        WHERE coalesce(txt(customer_name), txt(customer_address), txt(city), txt(state),
                       txt(zip_code), txt(customer_id), txt(po_number), txt(invoice_number),
                       txt(invoice_date), txt(order_type), txt(sku), txt(description),
                       txt(category_code), txt(quantity), txt(unit), txt(unit_price),
                       txt(list_price), txt(extended_amount), txt(tax), txt(freight)) IS NOT NULL
        """  # noqa: S608
    )


def _insert(where: str, column: str, code: str, message: str, value: str = "NULL") -> str:
    """One check: a problem for every line of ``typed`` matching ``where``."""
    return (
        f"INSERT INTO problems SELECT line, {_q(column)}, {_q(code)}, '', {message}, "  # noqa: S608
        f"left(CAST({value} AS VARCHAR), 100) FROM typed WHERE {where}"
    )


def _checks(shown: Mapping[str, str], ctx: Context) -> list[str]:
    checks = [
        _insert(
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
        checks.append(_insert(f"{column} IS NULL", shown[name], "missing_value", message))
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
            _insert(
                f"{raw} IS NOT NULL AND {parsed} IS NULL", shown[name], "not_a_number", message, raw
            )
        )
        unit = "a cent" if most == 2 else "a hundredth of a cent"
        message = (
            f"format('{DISPLAY[name]} {{}} has more than {most} decimal places; state it to "
            f"{unit} (in Excel, =ROUND(value, {most}))', {raw})"
        )
        checks.append(
            _insert(
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
        _insert(
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
        _insert(
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
        _insert(
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
        _insert(
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
        _insert(
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
        _insert(
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
        _insert(
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
        checks.append(_insert(f"length({name}) > {most}", shown[name], "too_long", message, name))
    message = (
        "format('''{}'' is not a ZIP code, so it was not used to find the customer; write 5 "
        "digits or ZIP+4', zip_raw)"
    )
    checks.append(
        _insert(
            "zip_raw IS NOT NULL AND zip5 IS NULL", shown["zip_code"], "bad_zip", message, "zip_raw"
        )
    )
    same = (
        "customer_name, state, invoice_number, invoice_date, order_type, sku_key, quantity_n, "
        "unit_price_n, extended_n"
    )
    checks.append(
        f"""INSERT INTO problems SELECT line, {_q(shown["invoice_number"])}, 'duplicate_line', '',
            format('the same line as line {{}} (customer, invoice, date, item, quantity, price and
            amount all alike); remove the repeat, or if both are real, say how they differ in
            the description', first), invoice_number
            FROM (SELECT line, invoice_number,
                         min(line) OVER (PARTITION BY {same}) AS first FROM typed
                  WHERE invoice_number IS NOT NULL AND sku_key IS NOT NULL)
            WHERE line <> first"""  # noqa: S608
    )
    return checks


def _price_integrity(
    con: duckdb.DuckDBPyConnection, shown: Mapping[str, str], ctx: Context
) -> None:
    """Each line's contract price in effect on its invoice date and its exception, if any."""
    con.register("price_rows", ctx.prices)
    con.execute("CREATE TABLE prices AS SELECT * FROM price_rows")
    con.unregister("price_rows")
    con.execute(
        """
        CREATE TABLE priced AS
        SELECT t.line,
               f.effective_from IS NOT NULL AS file_in_effect,
               p.contract_e4
        FROM typed t
        LEFT JOIN (SELECT DISTINCT effective_from, effective_to FROM prices) f
          ON t.invoice_date BETWEEN f.effective_from AND coalesce(f.effective_to, DATE '9999-12-31')
        LEFT JOIN prices p
          ON p.sku_key = t.sku_key AND p.effective_from = f.effective_from
        WHERE t.invoice_date IS NOT NULL AND t.sku_key IS NOT NULL
        """
    )
    con.execute(
        """
        ALTER TABLE typed ADD COLUMN contract_e4 BIGINT;
        ALTER TABLE typed ADD COLUMN exception VARCHAR;
        UPDATE typed SET contract_e4 = priced.contract_e4,
            exception = CASE
                WHEN NOT priced.file_in_effect THEN 'no_price_file'
                WHEN priced.contract_e4 IS NULL THEN 'unknown_sku'
                WHEN typed.order_type = 'sale'
                     AND round(typed.unit_price_n * 10000) > priced.contract_e4
                     THEN 'price_above_contract'
            END
        FROM priced WHERE priced.line = typed.line;
        """
    )
    sku, price = _q(shown["sku"]), _q(shown["unit_price"])
    con.execute(
        f"""
        INSERT INTO problems
        SELECT line, {sku}, 'no_price_file', '',
               format('no price file of the contract is in effect on {{}}; the price cannot be
               checked (the program office will follow up)', strftime(invoice_date, '%Y-%m-%d')),
               sku
        FROM typed WHERE exception = 'no_price_file'
        UNION ALL
        SELECT line, {sku}, 'unknown_sku', '',
               format('item {{}} is not on the contract''s price file in effect on {{}}; check the
               item number, or ask the lead agency to add the item', sku,
               strftime(invoice_date, '%Y-%m-%d')), sku
        FROM typed WHERE exception = 'unknown_sku'
        UNION ALL
        SELECT line, {price}, 'price_above_contract', '',
               format('unit price {{}} is above the contract price {{}} in effect on {{}}; the
               program office will review it (refund the difference if it was charged in error)',
               unit_price_raw, usd_e4(contract_e4),
               strftime(invoice_date, '%Y-%m-%d')), unit_price_raw
        FROM typed WHERE exception = 'price_above_contract'
        """  # noqa: S608
    )


def problem_rows(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple]:
    """The problems in line order, at most ``limit``: (line, column, code, severity, message,
    value), messages on one line."""
    return con.execute(
        "SELECT line, col, code, severity, regexp_replace(message, '\\s+', ' ', 'g'), "
        "coalesce(value, '') FROM problems ORDER BY line, code LIMIT ?",
        [limit],
    ).fetchall()
