"""Benchmark: issue #4's ingest target, a 1,000,000-line sales report end to end.

Run from the repository root, against a database holding the national demo (``manage.py
migrate`` and ``manage.py seed_demo --scale national --seed 2026``)::

    INTERLOCAL_VAR_DIR=/path/to/var .venv/bin/python benchmarks/ingest_sales.py   # SQLite
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/ingest_sales.py       # PostgreSQL
    .venv/bin/python benchmarks/ingest_sales.py --prepare [--postgres]            # builds one

It generates (seeded, not timed) a CSV report for the office-supplies agreement: real SKUs at
their contract prices, ~50,000 distinct customers drawn from the registry with Zipf-like line
counts and the name variants billing systems write. Each run takes a fresh copy of the database
(SQLite: the file copied to a temporary ``INTERLOCAL_VAR_DIR``; PostgreSQL: a database cloned
with ``CREATE DATABASE ... TEMPLATE`` and dropped after), so the source is never written. A run
times ``manage.py ingest_sales FILE --json`` as a cold subprocess (wall time, peak RSS, the stage
seconds of its summary), then the same filing in a worker process with the load stages timed,
then the baseline: DuckDB's bare ``read_csv`` of the same file. Results go to the
``ingest_sales`` section of ``docs/performance.md``, one subsection per engine. It measures; its
one assertion is that the report was processed (accepted or in review, every line loaded): a
report with errors loads nothing, and its time would mean nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MANAGE = str(ROOT / "manage.py")
DOC = ROOT / "docs" / "performance.md"
SECTION = "ingest_sales"
SEED = 2026
PG_PREPARED = "bench_ingest"  # the throwaway database of --prepare --postgres
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
TARGET_S = 10.0
TARGET_RSS = 2 * 1024**3
STAGES = ("read", "validate", "registry", "match")  # the seconds of the --json summary
WRITES = (
    (
        "stage_lines",
        "load: sales lines staged in a TEMP table before the write transaction (SQLite only)",
    ),
    ("write_problems", "load: problems"),
    ("write_customers", "load: customers, their ids joined back to the lines"),
    ("write_lines", "load: sales lines"),
    ("accept", "automatic acceptance (`accept_report`)"),
    ("write_rest", "rest of the write transaction (status, audit, commit)"),
)
LINE_COUNT = "SELECT count(*) FROM reporting_salesline WHERE report_id = {}"
CUSTOMER_COUNT = "SELECT count(*) FROM reporting_reportcustomer WHERE report_id = {}"


def setup_django() -> None:
    """In a worker: the project's settings, on the database its environment names."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    django.setup()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- databases --------------------------------------------------------------------------------


def pg_admin(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Run one statement on the server of ``url``, connected to its ``postgres`` database."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def pg_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def pg_with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class Source:
    """The national database the runs copy: a SQLite file or a PostgreSQL database."""

    def __init__(self, engine: str, env: dict[str, str]) -> None:
        self.engine, self.env = engine, env
        self.var_dir = Path(env.get("INTERLOCAL_VAR_DIR", ROOT / "var"))
        self.url = env.get("DATABASE_URL", "")

    def describe(self) -> str:
        if self.engine == "postgresql":
            return f"PostgreSQL database `{pg_name(self.url)}`"
        return f"`{self.var_dir / 'interlocal.sqlite3'}`"


class Copy:
    """One run's throwaway copy of the source database, with the env that points at it."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.var_dir = Path(tempfile.mkdtemp(prefix="interlocal-ingest-"))
        self.env = {k: v for k, v in source.env.items() if k != "DJANGO_SETTINGS_MODULE"}
        self.env["INTERLOCAL_VAR_DIR"] = str(self.var_dir)
        if source.engine == "postgresql":
            self.name = f"{pg_name(source.url)}_run"[:63]
            pg_admin(source.url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            pg_admin(source.url, f'CREATE DATABASE "{self.name}" TEMPLATE "{pg_name(source.url)}"')
            self.env["DATABASE_URL"] = pg_with_name(source.url, self.name)
        else:
            for suffix in ("", "-wal"):
                src = source.var_dir / f"interlocal.sqlite3{suffix}"
                if src.exists():
                    shutil.copyfile(src, self.var_dir / src.name)

    def scalar(self, sql: str) -> int:
        if self.source.engine == "postgresql":
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                row = conn.execute(sql).fetchone()
        else:
            with sqlite3.connect(self.var_dir / "interlocal.sqlite3") as conn:
                row = conn.execute(sql).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        if self.source.engine == "postgresql":
            pg_admin(self.source.url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.var_dir, ignore_errors=True)


def run(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a subprocess to its end: wall seconds, peak RSS in bytes (``wait4``), its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode:
        tail = (stderr or stdout).strip().splitlines()[-20:]
        raise SystemExit(f"{shlex.join(cmd[1:4])} ... failed:\n" + "\n".join(tail))
    return elapsed, usage.ru_maxrss * 1024, stdout


def worker(kind: str, env: dict[str, str], *args: str) -> tuple[float, int, dict[str, Any]]:
    seconds, rss, stdout = run([sys.executable, __file__, f"--{kind}-worker", *args], env)
    return seconds, rss, json.loads(stdout.strip().splitlines()[-1])


def prepare(engine: str) -> tuple[Source, dict[str, float]]:
    """A fresh national database: ``migrate`` then ``seed_demo --scale national``, timed."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["INTERLOCAL_VAR_DIR"] = tempfile.mkdtemp(prefix="interlocal-ingest-source-")
    if engine == "postgresql":
        env["DATABASE_URL"] = url = pg_with_name(PG_SERVER, PG_PREPARED)
        pg_admin(url, f"DROP DATABASE IF EXISTS {PG_PREPARED} WITH (FORCE)")
        pg_admin(url, f"CREATE DATABASE {PG_PREPARED}")
    times = {}
    steps = {
        "migrate": ["migrate", "--noinput", "-v0"],
        "seed": ["seed_demo", "--scale", "national", "--seed", str(SEED)],
    }
    source = Source(engine, env)
    try:
        for name, args in steps.items():
            log(f"--prepare: manage.py {' '.join(args)}")
            times[name] = run([sys.executable, MANAGE, *args], env)[0]
    except BaseException:
        drop_prepared(source)
        raise
    return source, times


def drop_prepared(source: Source) -> None:
    if source.engine == "postgresql":
        pg_admin(source.url, f"DROP DATABASE IF EXISTS {PG_PREPARED} WITH (FORCE)")
    shutil.rmtree(source.var_dir, ignore_errors=True)


# -- the report (generate worker: reads the source database, writes the CSV) -----------------

COUNTY_FORMS = ("{} Co", "{} Cnty", "County of {}", "{} Co.", "{} COUNTY")
SHORT_FORMS = (
    ("Independent School District", "ISD"), ("Unified School District", "USD"),
    ("School District", "Sch Dist"), (" and ", " & "), ("Township", "Twp"), ("District", "Dist"),
)  # fmt: skip
DEPARTMENTS = {
    "county": ("Sheriff's Office", "Public Works", "Health Department", "Clerk's Office",
               "Parks and Recreation", "Facilities"),
    "municipality": ("Police Department", "Fire Department", "Public Works",
                     "Parks & Recreation", "Public Library", "Water Department"),
    "township": ("Road Department", "Police Department", "Public Works"),
    "school_district": ("Transportation", "Facilities", "Purchasing Department"),
}  # fmt: skip
OTHER_DEPARTMENTS = ("Purchasing", "Finance Department", "Facilities")
NOT_PUBLIC = (
    "Dental Group", "Montessori Academy", "Baptist Church", "Property Management LLC",
    "Medical Associates", "Country Club", "Veterinary Clinic", "Law Offices", "Realty Inc",
    "Auto Body", "Family Practice", "Homeowners Association", "Title Company", "Builders Inc",
)  # fmt: skip
STEMS = (
    "Lakeside", "Summit", "Pioneer", "Heritage", "Golden Oak", "Silver Creek", "Maplewood",
    "Cedar Hill", "Riverbend", "Northgate", "Bluebird", "Ironwood", "Sunrise", "Stonebridge",
    "Harbor View", "Prairie Wind", "Copper Canyon", "Whispering Pines", "Eagle Ridge", "Bayside",
)  # fmt: skip
# Share of the registry's customers written each way; the rest as registered.
RECIPES = {"upper case": 0.12, "reworded": 0.12, "typo": 0.07, "department": 0.08, "state": 0.03}
NOT_IN_REGISTRY = 0.03  # share of the distinct customers that are no agency of the registry
SECOND_NAME = 0.06  # share of the agencies also billed under a department's name
ZIPF_S = 0.9
NEW_INVOICE, INVOICE_MAX = 0.28, 40  # a line starts a new invoice with this chance; lines at most
CREDIT, RETURN = 0.012, 0.005  # shares of the invoices that are credit memos and returns


def _typo(rng: random.Random, name: str) -> str:
    """One slip in one long word: two letters swapped, one dropped or one doubled."""
    words = name.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return name.upper()
    i = rng.choice(long)
    w, at = words[i], rng.randrange(1, len(words[i]) - 2)
    words[i] = rng.choice(
        (w[:at] + w[at + 1] + w[at] + w[at + 2 :], w[:at] + w[at + 1 :], w[: at + 1] + w[at:])
    )
    return " ".join(words)


def _reworded(rng: random.Random, name: str, kind: str) -> str:
    if kind == "county" and name.endswith(" County"):
        return rng.choice(COUNTY_FORMS).format(name.removesuffix(" County"))
    for designation in ("City", "Town", "Village"):
        if name.startswith(f"{designation} of "):  # "City of X" -> "X City"
            return f"{name.removeprefix(f'{designation} of ')} {designation}"
    for long, short in SHORT_FORMS:
        if long in name:
            return name.replace(long, short, 1)
    return name.upper()


def spelling(rng: random.Random, name: str, kind: str, state: str, recipe: str) -> str:
    if recipe == "upper case":
        return name.upper()
    if recipe == "reworded":
        return _reworded(rng, name, kind)
    if recipe == "typo":
        return _typo(rng, name)
    if recipe == "department":
        department = rng.choice(DEPARTMENTS.get(kind, OTHER_DEPARTMENTS))
        return f"{name} - {department}" if rng.random() < 0.3 else f"{name} {department}"
    if recipe == "state":
        return f"{name}, {state}"
    return name


def pick_report(agreement: str, period: str) -> tuple[Any, Any, int | None]:
    """The office-supplies agreement and quarter, and the version accepted for it if any: the
    latest ended quarter without an accepted report unless given; when every recent quarter is
    accepted, the latest (the benchmark's report is then a correction)."""
    from django.utils import timezone

    from interlocal.agreements.models import Agreement
    from interlocal.core.periods import Quarter
    from interlocal.reporting.models import ReportObligation
    from interlocal.reporting.services.obligations import holds_quarter

    agreements = Agreement.objects.order_by("-effective_on")
    agreements = agreements.filter(
        **({"number": agreement} if agreement else {"title__istartswith": "office supplies"})
    )
    quarters = [Quarter.parse(period)] if period else []
    quarter = Quarter.containing(timezone.localdate())
    while not period and len(quarters) < 8:
        quarter = quarter.previous()
        quarters.append(quarter)
    fallback = None
    for quarter in quarters:
        held = [a for a in agreements if holds_quarter(a, quarter)]
        if held:
            accepted = ReportObligation.objects.filter(
                agreement=held[0], period=str(quarter), accepted__isnull=False
            ).values_list("accepted__version", flat=True)
            choice = (held[0], quarter, next(iter(accepted), None))
            if choice[2] is None:
                return choice
            fallback = fallback or choice
    if fallback is None:
        raise SystemExit(f"no office-supplies agreement in force in {quarters[-1]}-{quarters[0]}")
    return fallback


def _customers(rng: random.Random, agencies: list[tuple], count: int) -> list[tuple]:
    """(name, street, city, state, zip, size, recipe) of ``count`` distinct customers:
    participating agencies first (others if too few), a second, department name for some,
    and a few that are no agency at all."""

    def place(name: str, kind: str = "municipality") -> str:
        """A municipality's place name ("City of Edvale" -> "Edvale"); "" for others."""
        return (
            re.sub(r"^(City|Town|Village|Borough) of ", "", name) if kind == "municipality" else ""
        )

    town: dict[int, str] = {}  # a municipality of each county, as the bill-to city
    for _pk, name, kind, _state, county, *_rest in agencies:
        if kind == "municipality" and county and county not in town:
            town[county] = place(name)

    def row(
        name: str, state: str, county: int | None, size: float, recipe: str, city: str = ""
    ) -> tuple:
        # a municipality is billed in itself, anyone else in a town of its county
        zip5 = f"{10_000 + ((county or 0) * 7919) % 89_000 + rng.randrange(100):05d}"
        zip_code = f"{zip5}-{rng.randrange(10_000):04d}" if rng.random() < 0.15 else zip5
        street = f"{rng.randrange(1, 9999)} {rng.choice(STEMS)} {rng.choice(('St', 'Ave', 'Rd'))}"
        return (name, street, city or town.get(county or 0, ""), state, zip_code, size, recipe)

    unknown = round(count * NOT_IN_REGISTRY)
    agency_count = round((count - unknown) / (1 + SECOND_NAME))
    participants = [a for a in agencies if a[7] is not None]
    chosen = rng.sample(participants, min(agency_count, len(participants)))
    others = [a for a in agencies if a[7] is None]
    chosen += rng.sample(others, agency_count - len(chosen))
    recipes, shares = [*RECIPES, "as registered"], [*RECIPES.values(), 1 - sum(RECIPES.values())]
    out = []
    for _pk, name, kind, state, county, population, enrollment, _since in chosen:
        recipe = rng.choices(recipes, shares)[0]
        named = spelling(rng, name, kind, state, recipe)
        size, city = float(population or enrollment or 300), place(name, kind)
        out.append(row(named, state, county, size, recipe, city))
    for _pk, name, kind, state, county, population, enrollment, _since in rng.sample(
        chosen, count - unknown - len(chosen)
    ):
        named = spelling(rng, name, kind, state, "department")
        size, city = float(population or enrollment or 300) / 5, place(name, kind)
        out.append(row(named, state, county, size, "second", city))
    seen = {(c[0], c[3]) for c in out}
    while len(out) < count:
        _pk, _n, _k, state, county, *_rest = rng.choice(chosen)
        name = f"{rng.choice(STEMS)} {rng.choice(NOT_PUBLIC)}"
        if (name, state) not in seen:
            seen.add((name, state))
            out.append(row(name, state, county, 300.0, "not in registry"))
    return out


def generate_worker(out: str, lines: int, count: int, agreement: str, period: str) -> None:
    """Runs in a subprocess on the source database: write the CSV, print what it holds."""
    setup_django()
    import duckdb
    import numpy as np
    import pyarrow as pa

    from interlocal.agreements.models import PriceFile, PriceItem
    from interlocal.registry.models import Agency
    from interlocal.reporting.models import SalesLine

    started = time.perf_counter()
    chosen, quarter, accepted = pick_report(agreement, period)
    files = list(
        PriceFile.objects.filter(agreement=chosen, effective_from__lte=quarter.last_day)
        .exclude(effective_to__lt=quarter.first_day)
        .order_by("effective_from", "pk")
        .values_list("pk", "effective_from", "effective_to")
    )
    # Working days of the quarter, each with the price file in effect (the latest to start).
    days, day_file = [], []
    for offset in range((quarter.last_day - quarter.first_day).days + 1):
        day = quarter.first_day + datetime.timedelta(days=offset)
        live = [i for i, (_pk, f, t) in enumerate(files) if f <= day and (t is None or t >= day)]
        if live and day.weekday() < 5:
            days.append(day)
            day_file.append(live[-1])
    if not days:
        raise SystemExit(f"{chosen.number} has no price file in effect in {quarter}")
    columns = ("sku", "description", "unit", "contract_price_cents", "list_price_cents")
    items = [
        list(PriceItem.objects.filter(price_file_id=pk).order_by("pk").values_list(*columns))
        for pk, _f, _t in files
    ]
    agencies = list(
        Agency.objects.order_by("pk").values_list(
            "pk", "name", "agency_type", "state__postal", "county_id", "population",
            "enrollment", "participating_since",
        )
    )  # fmt: skip
    rng, gen = random.Random(SEED), np.random.default_rng(SEED)
    customers = _customers(rng, agencies, count)

    # Lines per customer: Zipf over the customers ranked by size times log-normal noise.
    noisy = np.array([c[5] for c in customers]) * gen.lognormal(0, 1, count)
    weight = np.empty(count)
    weight[np.argsort(-noisy, kind="stable")] = 1 / np.arange(1, count + 1) ** ZIPF_S
    share = weight / weight.sum() * (lines - count)
    per_customer = 1 + np.floor(share).astype(np.int64)
    rest = lines - int(per_customer.sum())
    per_customer[np.argsort(-(share - np.floor(share)), kind="stable")[:rest]] += 1
    cust = np.repeat(np.arange(count), per_customer)
    # Invoices: runs of one customer's lines, at most INVOICE_MAX lines each.
    first = np.repeat(np.cumsum(per_customer) - per_customer, per_customer)
    index = np.arange(lines)
    start = (index == first) | (gen.random(lines) < NEW_INVOICE)
    invoice = np.cumsum(start) - 1
    start |= (index - np.flatnonzero(start)[invoice]) % INVOICE_MAX == 0
    invoice = np.cumsum(start) - 1
    position = index - np.flatnonzero(start)[invoice]
    invoices = int(invoice[-1]) + 1
    day = gen.integers(0, len(days), invoices)
    kind = np.select([gen.random(invoices) < CREDIT, gen.random(invoices) < RETURN], [1, 2], 0)
    po = np.where(gen.random(invoices) < 0.8, gen.integers(1, 999_999, invoices), -1)
    numbered = np.empty(invoices, dtype=np.int64)  # invoice numbers in date order
    numbered[np.lexsort((gen.random(invoices), day))] = np.arange(1, invoices + 1)
    # Items: consecutive items of the file in effect from a popular one, so an invoice never
    # repeats an item (a repeated line is an error) and 80% of lines fall on ~20% of items.
    sizes = np.array([len(i) for i in items])
    file_of = np.array(day_file)[day]
    base = np.floor(gen.random(invoices) ** 3 * sizes[file_of]).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    line_file = file_of[invoice]
    item = offsets[line_file] + (base[invoice] + position) % sizes[line_file]
    quantity = np.minimum(gen.geometric(0.35, lines), 200)
    quantity = np.where(kind[invoice] > 0, -np.minimum(gen.geometric(0.6, lines), 5), quantity)
    order = np.lexsort((position, numbered[invoice]))

    def table_of(names: str, rows: Sequence[Sequence[Any]]) -> pa.Table:
        return pa.table(dict(zip(names.split(), map(list, zip(*rows, strict=True)), strict=True)))

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    at = day[invoice][order]
    tables = {
        "c": table_of("name street city state zip", [c[:5] for c in customers]),
        "i": table_of("sku description unit contract list", [r for f in items for r in f]),
        "l": pa.table(
            {
                "cust": cust[order],
                "item": item[order],
                "invoice": numbered[invoice][order],
                "kind": kind[invoice][order],
                "day": np.array(days, dtype="datetime64[D]")[at],
                "po": po[invoice][order],
                "qty": quantity[order],
            }
        ),
    }
    for name, table in tables.items():
        con.register(f"{name}_arrow", table)
        con.execute(
            f"CREATE TABLE {name} AS SELECT row_number() OVER () - 1 AS id, * FROM {name}_arrow"
        )
    con.execute(
        "CREATE MACRO money(c) AS CASE WHEN c < 0 THEN '-' ELSE '' END "
        "|| (abs(c) // 100)::VARCHAR || '.' || lpad((abs(c) % 100)::VARCHAR, 2, '0')"
    )
    con.execute(
        """COPY (SELECT c.name AS "Bill To Name", c.street AS "Bill To Address",
               nullif(c.city, '') AS "City", c.state AS "ST", c.zip AS "Zip",
               CASE WHEN l.po > 0 THEN 'PO' || lpad(l.po::VARCHAR, 6, '0') END AS "PO Number",
               ['INV', 'CM', 'RMA'][l.kind + 1] || lpad(l.invoice::VARCHAR, 7, '0')
                   AS "Invoice No",
               strftime(l.day, '%m/%d/%Y') AS "Inv Date",
               ['Invoice', 'Credit', 'Return'][l.kind + 1] AS "Type", i.sku AS "Item Number",
               i.description AS "Description", i.unit AS "UOM", l.qty AS "Qty",
               money(i.contract) AS "Unit Price", money(i.list) AS "List Price",
               money(l.qty * i.contract) AS "Ext Price"
        FROM l JOIN c ON c.id = l.cust JOIN i ON i.id = l.item ORDER BY l.id)
        TO ? (HEADER, DELIMITER ',')""".replace("?", "'" + out.replace("'", "''") + "'")
    )
    recipes: dict[str, int] = {}
    for c in customers:
        recipes[c[6]] = recipes.get(c[6], 0) + 1
    unknown_lines = sum(int(n) for c, n in zip(customers, per_customer, strict=True)
                        if c[6] == "not in registry")  # fmt: skip
    print(json.dumps({
        "agreement": chosen.number, "title": chosen.title, "period": str(quarter),
        "accepted_version": accepted, "price_files": len(files), "items": int(sizes.sum()),
        "agencies": len(agencies), "participants": sum(a[7] is not None for a in agencies),
        "history_lines": SalesLine.objects.count(),
        "customers": count, "recipes": recipes, "lines": lines, "invoices": invoices,
        "credit_lines": int((kind[invoice] > 0).sum()), "unknown_lines": unknown_lines,
        "top_customer_lines": int(per_customer.max()), "bytes": Path(out).stat().st_size,
        "seconds": time.perf_counter() - started,
    }))  # fmt: skip


# -- the in-process filing and the DuckDB baseline (workers) --------------------------------


def _high_water() -> int:
    found = re.search(r"^VmHWM:\s*(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    return int(found.group(1)) * 1024 if found else 0


def process_worker(path: str, agreement: str, period: str) -> None:
    """File and process the report in this process, each stage timed by wrapping the function
    that does it (module attributes: nothing of the pipeline is changed)."""
    started = time.perf_counter()
    setup_django()
    from django.core.files import File

    from interlocal.reporting import services
    from interlocal.reporting.ingest import load, pipeline
    from interlocal.reporting.management.commands.ingest_sales import report_summary
    from interlocal.reporting.models import SalesLine
    from interlocal.reporting.services import processing

    seconds: dict[str, float] = {"setup": time.perf_counter() - started}
    peak: dict[str, int] = {"setup": _high_water()}

    def timed(module: Any, attribute: str, key: str) -> None:
        original: Callable[..., Any] = getattr(module, attribute)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - began
                peak[key] = _high_water()

        setattr(module, attribute, wrapper)

    for attribute, key in (("read_file", "read"), ("validate", "validate"),
                           ("match_customers", "match")):  # fmt: skip
        timed(pipeline, attribute, f"{key}_call")
    for attribute in ("stage_lines", "write_problems", "write_customers", "write_lines"):
        timed(load, attribute, attribute)
    timed(processing, "accept_report", "accept")
    timed(processing, "_write", "write")
    timed(processing, "run", "pipeline")
    began = time.perf_counter()
    obligation = services.obligation_for(agreement, period, actor=None)
    with open(path, "rb") as handle:
        report = services.submit_report(
            obligation, actor=None, file=File(handle, name=Path(path).name)
        )
    seconds["submit"], peak["submit"] = time.perf_counter() - began, _high_water()
    began = time.perf_counter()
    report = services.process_report(report)
    seconds["process"] = time.perf_counter() - began
    seconds["total"] = time.perf_counter() - started
    inner = sum(seconds.get(k, 0.0) for k in ("write_problems", "write_customers", "write_lines"))
    seconds["write_rest"] = seconds["write"] - inner - seconds.get("accept", 0.0)
    summary = report_summary(report)
    summary["loaded"] = SalesLine.objects.filter(report=report).count()
    summary["customers"] = report.customers.count()
    print(json.dumps({"seconds": seconds, "peak": peak, "summary": summary}))


def duckdb_worker(path: str) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    began = time.perf_counter()
    (rows,) = con.execute("SELECT count(*) FROM read_csv(?)", [path]).fetchall()[0]
    count_s = time.perf_counter() - began
    began = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, all_varchar = true)", [path])
    table_s = time.perf_counter() - began
    print(json.dumps({"rows": rows, "count": count_s, "table": table_s}))


# -- the runs ---------------------------------------------------------------------------------


def checked(summary: dict[str, Any], loaded: int, lines: int) -> dict[str, Any]:
    """The benchmark is only meaningful for a processed report with every line loaded."""
    if summary["status"] not in ("accepted", "in_review") or loaded != lines:
        raise SystemExit(
            f"the report was not processed: status {summary['status']}, {loaded:,} of "
            f"{lines:,} lines loaded, errors {summary['errors_by_code']}"
        )
    return summary


def bench(source: Source, path: Path, meta: dict[str, Any], runs: int) -> dict[str, Any]:
    cli: dict[str, list[Any]] = {"wall": [], "rss": [], "summary": []}
    inproc: dict[str, list[Any]] = {"wall": [], "rss": [], "data": []}
    duck: dict[str, list[Any]] = {"count": [], "table": [], "rss": []}
    target = ["--agreement", meta["agreement"], "--period", meta["period"]]
    for i in range(runs):
        copy = Copy(source)
        try:
            wall, rss, out = run(
                [sys.executable, MANAGE, "ingest_sales", str(path), *target, "--json"], copy.env
            )
            summary = json.loads(out.strip().splitlines()[-1])
            checked(summary, copy.scalar(LINE_COUNT.format(int(summary["id"]))), meta["lines"])
            summary["customers"] = copy.scalar(CUSTOMER_COUNT.format(int(summary["id"])))
        finally:
            copy.close()
        cli["wall"].append(wall)
        cli["rss"].append(rss)
        cli["summary"].append(summary)
        copy = Copy(source)
        try:
            wall, rss, data = worker("process", copy.env, str(path), *target[1::2])
            checked(data["summary"], data["summary"]["loaded"], meta["lines"])
        finally:
            copy.close()
        inproc["wall"].append(wall)
        inproc["rss"].append(rss)
        inproc["data"].append(data)
        _wall, rss, data = worker("duckdb", os.environ.copy(), str(path))
        duck["count"].append(data["count"])
        duck["table"].append(data["table"])
        duck["rss"].append(rss)
        log(
            f"run {i + 1}/{runs}: ingest_sales {cli['wall'][-1]:.1f} s "
            f"({cli['rss'][-1] / 2**20:,.0f} MiB), in-process {inproc['wall'][-1]:.1f} s, "
            f"DuckDB count {data['count']:.2f} s / table {data['table']:.2f} s"
        )
    return {"cli": cli, "inproc": inproc, "duckdb": duck}


# -- machine and report -----------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _stdout(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout
    except OSError:
        return ""


def machine(source: Source) -> dict[str, str]:
    import django
    import duckdb

    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    commit = _stdout(["git", "rev-parse", "--short", "HEAD"]).strip()
    dirty = " + uncommitted changes" if _stdout(["git", "status", "--porcelain"]).strip() else ""
    info = {
        "nproc": _stdout(["nproc"]).strip() or str(os.cpu_count()),
        "CPU": cpu.group(1).strip() if cpu else "unknown",
        "memory": f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "unknown",
        "Python": sys.version.split()[0],
        "Django": django.get_version(),
        "DuckDB": duckdb.__version__,
        "SQLite (library)": sqlite3.sqlite_version,
        "git": f"{commit}{dirty}" if commit else "unknown",
    }
    if source.engine == "postgresql":
        info["PostgreSQL"] = pg_admin(source.url, "SHOW server_version")[0][0]
    return info


def command_line() -> str:
    python = sys.executable
    if Path(python).is_relative_to(ROOT):
        python = str(Path(python).relative_to(ROOT))
    script = os.path.relpath(Path(__file__).resolve(), ROOT)
    return shlex.join([python, script, *sys.argv[1:]])


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


def span(values: Sequence[float], digits: int = 2) -> str:
    return f"{min(values):.{digits}f} - {max(values):.{digits}f}"


def mib(value: float) -> str:
    return f"{value / 2**20:,.0f}"


def table(header: str, rows: Sequence[Sequence[object]], align: str = "") -> list[str]:
    """A Markdown table; ``header`` is pipe-separated; first column left, the rest right."""
    names = header.split("|")
    align = align or "l" + "r" * (len(names) - 1)
    lines = ["| " + " | ".join(names) + " |"]
    lines.append("| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |")
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def render(info: dict[str, str], r: dict[str, Any]) -> str:
    meta, cli, inproc, duck = r["meta"], r["cli"], r["inproc"], r["duckdb"]
    lines_n, engine = meta["lines"], r["engine"]
    wall = med(cli["wall"])
    prepared = r.get("prepared")
    database = (
        f"built by `--prepare`: migrate {prepared['migrate']:.0f} s + national seed "
        f"{prepared['seed']:.0f} s"
        if prepared
        else "given by the environment"
    )
    machine_rows = [*info.items(), ("date (UTC)", r["date"]), ("command", f"`{command_line()}`"),
                    ("database", f"{database}; {meta['agencies']:,} agencies, "
                     f"{meta['participants']:,} participating, "
                     f"{meta.get('history_lines', 0):,} sales lines already loaded"),
                    ("load average (1 min) at start / end", " / ".join(r["load"])),
                    ("benchmark wall time", f"{r['elapsed'] / 60:.1f} min")]  # fmt: skip
    out = [f"#### {'PostgreSQL' if engine == 'postgresql' else 'SQLite'}", ""]
    out += table("item|value", machine_rows, "ll")

    last = cli["summary"][-1]
    filing = (
        f"a correction: version {last['version']}, superseding accepted version "
        f"{meta['accepted_version']}" if meta["accepted_version"] else
        f"version {last['version']}, the quarter's first filing"
    )  # fmt: skip
    recipes = meta["recipes"]
    report_rows = [
        ("agreement, quarter", f"`{meta['agreement']}` ({meta['title']}), {meta['period']}: "
         f"{filing}"),
        ("file", f"{lines_n:,} lines, {meta['bytes'] / 1e6:,.1f} MB, {meta['invoices']:,} "
         f"invoices, {meta['credit_lines']:,} credit and return lines; generated in "
         f"{meta['seconds']:.1f} s (not timed)"),
        ("items", f"{meta['items']:,} items of {meta['price_files']} price file(s) in effect, "
         "each line at its contract price, extended = quantity x unit price exactly"),
        ("customers", f"{meta['customers']:,} generated ({_counts(recipes)}); the pipeline "
         f"counts {last['customers']:,} distinct (name, state, ZIP)"),
        ("lines per customer", f"Zipf s = {ZIPF_S}: the top customer has "
         f"{meta['top_customer_lines']:,} lines; {meta['unknown_lines']:,} lines are customers "
         "not in the registry"),
    ]  # fmt: skip
    out += ["", "**The report** (seeded, the same on every run)", ""]
    out += table("item|value", report_rows, "ll")

    outcome_rows = [
        ("status", f"**{last['status']}**"
         + ("" if len({str(s["matches_by_method"]) for s in cli["summary"]}) == 1
            else " (matches differed between runs)")),
        ("lines loaded", f"{last['lines']:,} (counted in `reporting_salesline`)"),
        ("errors / warnings", f"{last['errors']:,} / {last['warnings']:,} "
         f"{_counts(last['warnings_by_code'])}".strip()),
        ("lines by match method", _counts(last["matches_by_method"])),
        ("customers to review", f"{last['review_items']:,}"),
        ("quality score", f"{last['quality_score']}%"),
        ("total sales", f"${int(last['total_sales_cents']) / 100:,.2f}"),
    ]  # fmt: skip
    out += ["", "**How the report came out**", ""]
    out += table("item|value", outcome_rows, "ll")

    base = med(duck["count"])
    rows = [
        ["`manage.py ingest_sales FILE --json`, cold subprocess", cli["wall"],
         max(cli["rss"])],
        ["the same filing in a worker (`django.setup` → processed)", inproc["wall"],
         max(inproc["rss"])],
        ["baseline: DuckDB `SELECT count(*) FROM read_csv(path)`", duck["count"], None],
        ["baseline: DuckDB `CREATE TABLE t AS SELECT * FROM read_csv(path, all_varchar = true)`",
         duck["table"], max(duck["rss"])],
    ]  # fmt: skip
    out += [
        "",
        f"**End to end** ({len(cli['wall'])} runs, each on a fresh copy of the database)",
        "",
    ]
    out += table(
        "measure|median s|min - max s|lines/s|peak RSS MiB (max)|÷ bare `read_csv` median",
        [[label, f"{med(v):.2f}", span(v), f"{lines_n / med(v):,.0f}",
          mib(rss) if rss else "", f"{med(v) / base:,.1f}x"] for label, v, rss in rows],
    )  # fmt: skip

    stage = {
        k: [d["seconds"].get(k, 0.0) for d in inproc["data"]] for k in inproc["data"][0]["seconds"]
    }
    peak = inproc["data"][-1]["peak"]
    json_stage = {k: [s["seconds"].get(k, 0.0) for s in cli["summary"]] for k in STAGES}
    in_json = {k: [d["summary"]["seconds"].get(k, 0.0) for d in inproc["data"]] for k in STAGES}
    outside = [w - sum(s["seconds"].get(k, 0.0) for k in STAGES)
               for w, s in zip(cli["wall"], cli["summary"], strict=True)]  # fmt: skip
    staging = stage.get("stage_lines", [0.0] * len(stage["process"]))
    other = [p - q - w - s for p, q, w, s in zip(stage["process"], stage["pipeline"],
                                                 stage["write"], staging, strict=True)]  # fmt: skip
    peak_of = {"read": "read_call", "validate": "validate_call", "match": "match_call"}
    stage_rows = [["interpreter start-up and `django.setup()`", "", f"{med(stage['setup']):.2f}",
                   mib(peak["setup"])],
                  ["`obligation_for` + `submit_report` (hash, file copied into media)", "",
                   f"{med(stage['submit']):.2f}", mib(peak["submit"])]]  # fmt: skip
    for key in STAGES:
        stage_rows.append([f"`{key}` (summary's `seconds`)", f"{med(json_stage[key]):.2f}",
                           f"{med(in_json[key]):.2f}",
                           mib(peak[peak_of[key]]) if key in peak_of else ""])  # fmt: skip
    for key, label in WRITES:
        if key in stage:
            stage_rows.append([label, "", f"{med(stage[key]):.2f}",
                               mib(peak[key]) if key in peak else ""])  # fmt: skip
    stage_rows += [
        ["other `process_report` work (start transaction, progress updates)", "",
         f"{med(other):.2f}", ""],
        ["everything outside the summary's stages (start-up, submit, load, commit)",
         f"{med(outside):.2f}", "", ""],
        ["**total**", f"{wall:.2f}", f"{med(stage['total']):.2f}", mib(max(inproc["rss"]))],
    ]  # fmt: skip
    out += ["", "**By stage** (medians; the in-process column times the functions that do each "
            "stage, wrapped from outside)", ""]  # fmt: skip
    out += table("stage|`ingest_sales --json` s|in-process s|high-water RSS after, MiB",
                 stage_rows)  # fmt: skip
    timed = {label: med(stage[key]) for key, label in WRITES if key in stage}
    timed |= {f"`{k}`": med(in_json[k]) for k in STAGES}
    heaviest = max(timed, key=lambda k: timed[k])
    rss = max(cli["rss"])
    out += [
        "",
        f"Target: ≤ {TARGET_S:.0f} s and ≤ 2 GB on this machine. Median "
        f"**{wall:.1f} s** = {wall / TARGET_S:.0%} of the time budget "
        f"({'met' if wall <= TARGET_S else 'missed'}); peak RSS **{rss / 2**30:.2f} GiB** "
        f"({'met' if rss <= TARGET_RSS else 'missed'}). {lines_n / wall:,.0f} lines/s end to "
        f"end, {wall / base:.1f}x DuckDB's bare `read_csv` of the same file. The heaviest "
        f"stage: {heaviest} ({timed[heaviest]:.1f} s, {timed[heaviest] / med(stage['total']):.0%}"
        " of the in-process total).",
        "",
        "Each run copies the database first (SQLite: the file into a temporary "
        "`INTERLOCAL_VAR_DIR`; PostgreSQL: `CREATE DATABASE ... TEMPLATE`), not timed, and throws "
        "the copy away after. Peak RSS is the process's own (`wait4` `ru_maxrss`); DuckDB runs "
        "in it, so its memory counts. The per-stage high water is `VmHWM` when the stage "
        "returned. The machine may be shared with other work: compare the ratios, and rerun "
        "before quoting absolute times.",
        "",
        LOAD_PATH[engine],
    ]
    return "\n".join(out)


LOAD_PATH = {
    "sqlite": (
        "How the lines are loaded on SQLite (`interlocal/reporting/ingest/load.py`): DuckDB hands "
        "them over in Arrow batches, turned into the Python values `executemany` binds (texts "
        "shared per distinct value, integers through NumPy) and put in a TEMP table of the "
        "connection before the write transaction begins; inside it, one `INSERT ... SELECT` "
        "copies them with their customers' ids. The database is locked for writing only while "
        "that copy runs. SQLite checks each line's four foreign keys as it is copied."
    ),
    "postgresql": (
        "How the lines are loaded on PostgreSQL (`interlocal/reporting/ingest/load.py`): DuckDB "
        "writes them as CSV and `COPY ... FROM STDIN (FORMAT csv)` reads it, no Python object "
        "made per line. Django's foreign keys are `DEFERRABLE INITIALLY DEFERRED`, so "
        "PostgreSQL checks each line's four of them at commit, one trigger call per key and "
        "line: that is most of the *rest of the write transaction* row."
    ),
}


def write_section(path: Path, engine: str, body: str) -> None:
    """(Over)write this engine's part of the ``ingest_sales`` section; keep everything else."""
    start, end = f"<!-- bench:{SECTION}:start -->", f"<!-- bench:{SECTION}:end -->"
    text = path.read_text() if path.exists() else ""
    parts: dict[str, str] = {}
    before, after, inner = text, "", ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        inner, after = rest.split(end, 1)
    for name in ("sqlite", "postgresql"):
        found = re.search(
            rf"<!-- bench:{SECTION}:{name}:start -->\n(.*?)\n<!-- bench:{SECTION}:{name}:end -->",
            inner,
            re.S,
        )
        if found:
            parts[name] = found.group(1)
    parts[engine] = body
    section = [
        start,
        "### Issue #4: a 1,000,000-line sales report end to end (`benchmarks/ingest_sales.py`)",
        "",
        "_Written by the script — rerun it rather than editing these tables by hand._",
    ]
    for name in ("sqlite", "postgresql"):
        if name in parts:
            section += [
                "",
                f"<!-- bench:{SECTION}:{name}:start -->",
                parts[name],
                f"<!-- bench:{SECTION}:{name}:end -->",
            ]
    section.append(end)
    if before and not before.endswith("\n\n") and start not in text:
        before = before.rstrip("\n") + "\n\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(before + "\n".join(section) + (after if after else "\n"))


def write_named_section(path: Path, section: str, title: str, body: str) -> None:
    """(Over)write one benchmark's whole section of ``docs/performance.md``; keep the rest."""
    start, end = f"<!-- bench:{section}:start -->", f"<!-- bench:{section}:end -->"
    text = path.read_text() if path.exists() else ""
    block = "\n".join(
        [
            start,
            title,
            "",
            "_Written by the script — rerun it rather than editing these tables by hand._",
            "",
            body,
            end,
        ]
    )
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


# -- main -------------------------------------------------------------------------------------


def generator_hash() -> str:
    """A fingerprint of the code that generates the report: a report generated before it
    changed is not reused."""
    import hashlib
    import inspect

    parts = (_typo, _reworded, spelling, _customers, pick_report, generate_worker)
    code = "".join(inspect.getsource(part) for part in parts)
    return hashlib.sha256(f"{code}{RECIPES}{SEED}".encode()).hexdigest()[:16]


def reused(path: Path, request: dict[str, Any]) -> dict[str, Any] | None:
    """What the report at ``path`` holds, if an earlier run generated it for the same request
    (lines, customers, agreement, quarter, source database and generator code) and it is
    unchanged since."""
    sidecar = path.with_name(path.name + ".json")
    try:
        meta: dict[str, Any] = json.loads(sidecar.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("request") != request or meta.get("bytes") != path.stat().st_size:
        return None
    log(f"reusing {path} (generated for the same request; delete it to generate it again)")
    return meta


def generated(source: Source, path: Path, gen: list[str], request: dict[str, Any]) -> Any:
    log(f"generating {int(gen[1]):,} lines, {int(gen[2]):,} customers: {path}")
    meta = worker("generate", source.env, *gen)[2]
    meta["request"] = request
    path.with_name(path.name + ".json").write_text(json.dumps(meta))
    return meta


def load_average() -> str:
    return _read("/proc/loadavg").split(" ", 1)[0] or "?"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (3)")
    parser.add_argument("--prepare", action="store_true", help="build a fresh national database")
    parser.add_argument("--postgres", action="store_true", help=f"with --prepare: {PG_PREPARED}")
    parser.add_argument("--keep", action="store_true", help="keep the --prepare database")
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of the report")
    parser.add_argument("--customers", type=int, default=50_000, help="distinct customers")
    parser.add_argument("--agreement", default="", help="agreement number (office supplies)")
    parser.add_argument("--period", default="", help="quarter (latest not yet accepted)")
    parser.add_argument(
        "--csv",
        type=Path,
        help="keep the generated report at this path (with PATH.json saying what it holds), and "
        "reuse it on the next run if it was generated for the same request",
    )
    parser.add_argument("--output", type=Path, default=DOC, help="Markdown file to update")
    for kind in ("generate", "process", "duckdb"):
        parser.add_argument(f"--{kind}-worker", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate_worker is not None:
        out, lines, customers, agreement, period = args.generate_worker
        generate_worker(out, int(lines), int(customers), agreement, period)
        return
    if args.process_worker is not None:
        process_worker(*args.process_worker)
        return
    if args.duckdb_worker is not None:
        duckdb_worker(*args.duckdb_worker)
        return
    if args.runs < 1 or args.customers < 100 or args.lines < args.customers:
        parser.error("--runs must be at least 1, and --lines at least --customers (>= 100)")
    if args.postgres and not args.prepare:
        parser.error("--postgres builds a database with --prepare; else set DATABASE_URL")
    started, load_start = time.perf_counter(), load_average()
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[str, Any] = {"date": date}
    if args.prepare:
        source, results["prepared"] = prepare("postgresql" if args.postgres else "sqlite")
    else:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        source = Source("postgresql" if env.get("DATABASE_URL") else "sqlite", env)
    results["engine"] = source.engine
    workdir = Path(tempfile.mkdtemp(prefix="interlocal-ingest-csv-"))
    path = args.csv or workdir / "sales-report-1m.csv"
    try:
        info = machine(source)
        log(f"{source.describe()}; {info['nproc']} CPUs ({info['CPU']}); load {load_start}")
        gen = [str(path), str(args.lines), str(args.customers), args.agreement, args.period]
        request = {"generated": gen[1:], "source": source.describe(), "by": generator_hash()}
        results["meta"] = meta = reused(path, request) or generated(source, path, gen, request)
        accepted = meta["accepted_version"]
        log(
            f"{meta['agencies']:,} agencies ({meta['participants']:,} participating); "
            f"{meta['agreement']} {meta['period']} "
            + (f"(a correction of accepted version {accepted})" if accepted else "(not accepted)")
            + f"; {meta['bytes'] / 1e6:,.0f} MB in {meta['seconds']:.1f} s"
        )
        if meta["agencies"] < 150_000:
            log("note: the registry has fewer than the 150,000 agencies issue #4 asks for")
        results |= bench(source, path, meta, args.runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if args.prepare and not args.keep:
            drop_prepared(source)
    results["load"] = [load_start, load_average()]
    results["elapsed"] = time.perf_counter() - started
    body = render(info, results)
    write_section(args.output, source.engine, body)
    print(body)
    log(f"wrote {args.output} in {results['elapsed'] / 60:.1f} min")


if __name__ == "__main__":
    main()
