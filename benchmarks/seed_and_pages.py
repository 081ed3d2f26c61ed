"""Benchmark: fresh-database set-up, demo seeding, `make demo` time to serve, page latency.

Run from the repository root::

    .venv/bin/python benchmarks/seed_and_pages.py [--runs N] [--national-runs M] [--postgres]
        [--keep DIR]

Every timed step is a cold ``manage.py`` subprocess against a fresh database (a temporary
``INTERLOCAL_VAR_DIR`` for SQLite; a throwaway ``interlocal_bench`` database created and dropped
with ``psql`` on 127.0.0.1 for ``--postgres``). Results go to the ``seed_and_pages`` section of
``docs/performance.md`` (one subsection per database engine), with medians and ratios against
baselines measured in the same run. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANAGE = str(ROOT / "manage.py")
DOC = ROOT / "docs" / "performance.md"
SECTION = "seed_and_pages"
SEED = 2026
PG_DB = "interlocal_bench"
PG_ARGS = ["-h", "127.0.0.1", "-U", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1"]
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
SERVE_TARGET_S = 180  # the target: server up within 3 minutes of a fresh clone
REQUESTS = 30
ENDPOINTS = [
    "/",
    "/agencies/",
    "/agencies/?q=water&state=TX",
    "/agencies/?state=IL&agency_type=township&page=5",
    "/agencies/{id}/",
    "/api/v1/agencies?q=lake",
    "/api/v1/agencies?state=CA&page=20",
    "/agreements/",
    "/agreements/?q=chair&status=",
    "/agreements/{agreement}/",
    "/agreements/{agreement}/packet/",
    "/solicitations/",
    "/api/v1/agreements?q=paper",
    "/api/v1/agreements/{agreement}/eligibility?agency={id}",
]
DIRECTORY = "/agencies/"
COUNT_SQL = "SELECT COUNT(*) FROM registry_agency"
COUNT_QUERIES = {
    "agencies": COUNT_SQL,
    "participants": f"{COUNT_SQL} WHERE participating_since IS NOT NULL",
    "domains": "SELECT COUNT(*) FROM registry_agencydomain",
    "exempt_orgs": "SELECT COUNT(*) FROM registry_exemptorganization",
    "sales_lines": "SELECT COUNT(*) FROM reporting_salesline",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- fresh databases --------------------------------------------------------------------------


class Target:
    """One fresh, empty database and the environment that points manage.py at it."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        self.var_dir = Path(tempfile.mkdtemp(prefix="interlocal-bench-"))
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["INTERLOCAL_VAR_DIR"] = str(self.var_dir)
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        if engine == "postgresql":
            psql("postgres", f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            psql("postgres", f"CREATE DATABASE {PG_DB}")
            self.env["DATABASE_URL"] = PG_URL

    def counts(self) -> dict[str, int]:
        if self.engine == "postgresql":
            return {k: int(psql(PG_DB, sql)) for k, sql in COUNT_QUERIES.items()}
        with sqlite3.connect(self.var_dir / "interlocal.sqlite3") as conn:
            return {k: conn.execute(sql).fetchone()[0] for k, sql in COUNT_QUERIES.items()}

    def close(self) -> None:
        if self.engine == "postgresql":
            psql("postgres", f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        shutil.rmtree(self.var_dir, ignore_errors=True)


def psql(database: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", *PG_ARGS, "-d", database, "-Atc", sql], capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"psql failed ({sql}): {result.stderr.strip()}")
    return result.stdout.strip()


def manage(target: Target, *args: str) -> float:
    """Run one cold ``manage.py`` subprocess; return its wall time in seconds."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, MANAGE, *args], env=target.env, cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if result.returncode:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n" + "\n".join(tail))
    return elapsed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_until_ok(target: Target, timeout: float = 300.0) -> float:
    """Start ``runserver --noreload`` as `make demo` does; seconds until ``GET /`` is 200."""
    port = free_port()
    env = target.env | {"DEBUG": "1"}
    log_path = target.var_dir / "runserver.log"
    started = time.perf_counter()
    with log_path.open("wb") as server_log:
        server = subprocess.Popen(
            [sys.executable, MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            while time.perf_counter() - started < timeout:
                if server.poll() is not None:
                    raise SystemExit(f"runserver exited early:\n{log_path.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
                        if r.status == 200:
                            return time.perf_counter() - started
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                time.sleep(0.05)
            raise SystemExit(f"runserver did not answer 200 within {timeout:.0f} s")
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# -- measurements -----------------------------------------------------------------------------


def bench_setup(engine: str, runs: int) -> dict[str, Any]:
    """N fresh databases: time ``migrate``, then ``seed_demo --scale small`` on top of it."""
    migrate, seed, counts = [], [], {}
    for i in range(runs):
        target = Target(engine)
        try:
            migrate.append(manage(target, "migrate", "--noinput", "-v0"))
            seed.append(manage(target, "seed_demo", "--scale", "small", "--seed", str(SEED)))
            counts = target.counts()
        finally:
            target.close()
        log(f"setup run {i + 1}/{runs}: migrate {migrate[-1]:.1f} s, small seed {seed[-1]:.1f} s")
    return {"migrate": migrate, "seed_small": seed, "small_counts": counts}


def bench_national(engine: str, runs: int) -> tuple[dict[str, Any], Target]:
    """M fresh databases, each going through `make demo`'s steps until ``GET /`` answers 200;
    then the sales history `make demo` writes beside the server, timed on its own.

    The national seed median comes from these same runs (a second set of national seeds would
    double the run time and measure the same thing). Returns the last database, kept for pages.
    """
    phases: dict[str, list[float]] = {
        "migrate": [],
        "seed": [],
        "logins": [],
        "serve": [],
        "history": [],
    }
    totals, counts = [], {}
    target: Target | None = None
    for i in range(runs):
        if target is not None:
            target.close()
        target = Target(engine)
        try:
            started = time.perf_counter()
            phases["migrate"].append(manage(target, "migrate", "--noinput", "-v0"))
            phases["seed"].append(
                manage(
                    target,
                    *("seed_demo", "--scale", "national", "--seed", str(SEED)),
                    *("--history", "later"),
                )
            )
            phases["logins"].append(manage(target, "demo_logins"))
            phases["serve"].append(serve_until_ok(target))
            totals.append(time.perf_counter() - started)
            phases["history"].append(manage(target, "seed_demo", "--history", "only"))
            counts = target.counts()
        except BaseException:
            target.close()
            raise
        log(
            f"national run {i + 1}/{runs}: seed {phases['seed'][-1]:.1f} s, "
            f"fresh DB -> first 200 {totals[-1]:.1f} s, history {phases['history'][-1]:.1f} s"
        )
    assert target is not None
    return {"phases": phases, "total": totals, "national_counts": counts}, target


def universe_rows(universe: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Twelve columns per agency, roughly what the ORM writes to ``registry_agency``."""
    return [
        (
            a.name,
            a.name.lower(),
            a.agency_type,
            a.special_district_function,
            a.state_postal,
            a.county_index,
            a.census_id or None,
            a.ein,
            a.population,
            a.enrollment,
            f"https://www.{a.email_domain}/",
            a.key,
        )
        for a in universe
    ]


BARE_COLUMNS = (
    "name TEXT, search_name TEXT, agency_type TEXT, function TEXT, state TEXT, county INTEGER, "
    "census_id TEXT, ein TEXT, population INTEGER, enrollment INTEGER, website TEXT, key TEXT"
)
INSERT_BARE = f"INSERT INTO bare VALUES (DEFAULT, {', '.join(['%s'] * 12)})"


def raw_sqlite_insert(rows: list[tuple[Any, ...]]) -> float:
    """The floor for any ORM: one executemany into a bare table, same pragmas as settings."""
    with tempfile.TemporaryDirectory(prefix="interlocal-bench-raw-") as tmp:
        conn = sqlite3.connect(Path(tmp) / "raw.sqlite3", isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"CREATE TABLE bare (id INTEGER PRIMARY KEY, {BARE_COLUMNS})")
            started = time.perf_counter()
            conn.execute("BEGIN")
            conn.executemany(f"INSERT INTO bare VALUES (NULL, {', '.join('?' * 12)})", rows)
            conn.execute("COMMIT")
            return time.perf_counter() - started
        finally:
            conn.close()


def raw_postgres_insert(rows: list[tuple[Any, ...]]) -> float:
    """The same floor on PostgreSQL: psycopg ``executemany`` into a bare table."""
    import psycopg

    columns = BARE_COLUMNS.replace("INTEGER", "integer")
    with psycopg.connect(PG_URL) as conn:
        conn.execute("DROP TABLE IF EXISTS bare")
        conn.execute(f"CREATE TABLE bare (id bigserial PRIMARY KEY, {columns})")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(INSERT_BARE, rows)
        conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bare")
        conn.commit()
    return elapsed


def bench_baselines(runs: int, engine: str) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from interlocal.registry.demo.universe import generate_universe

    generation, universe = [], []
    for _ in range(runs):
        started = time.perf_counter()
        universe = list(generate_universe(1.0, SEED))
        generation.append(time.perf_counter() - started)
    log(f"generate_universe(1.0) median {statistics.median(generation):.2f} s")
    rows = universe_rows(universe)
    raw = [raw_sqlite_insert(rows) for _ in range(runs)]
    log(f"raw sqlite3 executemany of {len(rows):,} rows median {statistics.median(raw):.2f} s")
    result: dict[str, Any] = {"generation": generation, "raw_sqlite": raw, "raw_rows": len(rows)}
    if engine == "postgresql":
        result["raw_postgres"] = [raw_postgres_insert(rows) for _ in range(runs)]
        log(f"raw psycopg executemany median {statistics.median(result['raw_postgres']):.2f} s")
    return result


def bench_pages(target: Target) -> dict[str, Any]:
    """Page latency in a worker subprocess (Django test Client) on the national database."""
    result = subprocess.run(
        [sys.executable, __file__, "--pages-worker"],
        env=target.env | {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"page worker failed:\n{result.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def pages_worker() -> None:
    """Runs inside the subprocess: time each endpoint with the test Client, print JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from interlocal.registry.models import Agency

    assert settings.DEBUG, "the page worker reads Django's per-request query log (DEBUG on)"
    pks = Agency.objects.order_by("pk").values_list("pk", flat=True)
    agency_id = pks[pks.count() // 2]
    from interlocal.agreements.models import Agreement

    # The agreement with the largest price file: the heaviest agreement page.
    agreement_id = Agreement.objects.order_by("-price_files__item_count", "pk").values_list(
        "pk", flat=True
    )[0]
    client = Client()
    out: dict[str, Any] = {"agency_id": agency_id, "pages": {}}
    for endpoint in ENDPOINTS:
        url = endpoint.format(id=agency_id, agreement=agreement_id)
        started = time.perf_counter()
        response = client.get(url)
        first = time.perf_counter() - started
        times, sql_ms, statuses, slowest = [], [], {response.status_code}, (0.0, "")
        for _ in range(REQUESTS):
            started = time.perf_counter()
            statuses.add(client.get(url).status_code)
            times.append(time.perf_counter() - started)
            # DEBUG keeps this request's queries (Django clears the log when a request starts).
            queries = [(float(q["time"]) * 1000, q["sql"]) for q in connection.queries]
            sql_ms.append(sum(ms for ms, _ in queries))
            slowest = max([slowest, *queries])
        out["pages"][endpoint] = {
            "url": url,
            "status": ", ".join(map(str, sorted(statuses))),
            "bytes": len(response.content),
            "first": first,
            "times": times,
            "queries": len(connection.queries),
            "sql_ms": sql_ms,
            "slowest": slowest,
        }
    times = []
    with connection.cursor() as cursor:
        for _ in range(REQUESTS + 1):
            started = time.perf_counter()
            cursor.execute(COUNT_SQL)
            cursor.fetchone()
            times.append(time.perf_counter() - started)
    out["count"] = {"first": times[0], "times": times[1:]}
    print(json.dumps(out))


# -- machine and report -----------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _run(cmd: list[str], env: dict[str, str] | None = None) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env).stdout
    except OSError:
        return ""


def machine(engine: str) -> dict[str, str]:
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    versions = _run(
        [
            sys.executable,
            "-c",
            "import sys, sqlite3, django; print(sys.version.split()[0], "
            "django.get_version(), sqlite3.sqlite_version)",
        ]
    ).split()
    commit = _run(["git", "rev-parse", "--short", "HEAD"]).strip()
    dirty = " + uncommitted changes" if _run(["git", "status", "--porcelain"]).strip() else ""
    info = {
        "nproc": _run(["nproc"]).strip() or str(os.cpu_count()),
        "CPU": cpu.group(1).strip() if cpu else "unknown",
        "memory": f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "unknown",
        "Python": versions[0] if versions else sys.version.split()[0],
        "Django": versions[1] if len(versions) > 1 else "unknown",
        "SQLite (library)": versions[2] if len(versions) > 2 else sqlite3.sqlite_version,
        "git": f"{commit}{dirty}" if commit else "unknown",
    }
    if engine == "postgresql":
        info["PostgreSQL"] = psql("postgres", "SHOW server_version")
    return info


def command_line() -> str:
    python = sys.executable
    if Path(python).is_relative_to(ROOT):
        python = str(Path(python).relative_to(ROOT))
    script = os.path.relpath(Path(__file__).resolve(), ROOT)
    return shlex.join([python, script, *sys.argv[1:]])


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def stats(values: Sequence[float], digits: int = 2) -> list[str]:
    """Median and min - max columns."""
    return [f"{med(values):.{digits}f}", f"{min(values):.{digits}f} - {max(values):.{digits}f}"]


def ratio(value: float) -> str:
    return f"{value:,.0f}x" if value >= 100 else f"{value:.1f}x"


def table(header: str, rows: Sequence[Sequence[object]], align: str = "") -> list[str]:
    """A Markdown table; ``header`` is pipe-separated; first column left, the rest right."""
    names = header.split("|")
    align = align or "l" + "r" * (len(names) - 1)
    lines = ["| " + " | ".join(names) + " |"]
    lines.append("| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |")
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _seed_row(label: str, times: list[float], counts: dict[str, int]) -> list[object]:
    seconds = med(times)
    written = counts["agencies"] + counts["domains"] + counts["exempt_orgs"]
    return [label, len(times), *stats(times), f"{counts['agencies']:,}",
            f"{counts['participants']:,}", f"{written:,}",
            f"{counts['agencies'] / seconds:,.0f}", f"{written / seconds:,.0f}"]  # fmt: skip


def render(engine: str, info: dict[str, str], r: dict[str, Any]) -> str:
    phases, setup, nat = r["national"]["phases"], r["setup"], r["national_counts"]
    seed_nat = med(phases["seed"])
    machine_rows = [*info.items(), ("date (UTC)", r["date"]), ("command", f"`{command_line()}`"),
                    ("load average (1 min) at start / end", " / ".join(r["load"])),
                    ("benchmark wall time", f"{r['elapsed'] / 60:.1f} min")]  # fmt: skip
    lines = [f"#### {'PostgreSQL' if engine == 'postgresql' else 'SQLite'}", ""]
    lines += table("item|value", machine_rows, "ll")
    lines += ["", "**Fresh database and seeding** (each a cold `manage.py` subprocess)", ""]
    lines += table(
        "step|runs|median s|min - max s|agencies|participants|rows written¹|agencies/s|rows/s",
        [["`migrate` (empty database)", len(setup["migrate"]), *stats(setup["migrate"]),
          *[""] * 5],
         _seed_row("`seed_demo --scale small`", setup["seed_small"], setup["small_counts"]),
         _seed_row("`seed_demo --scale national --history later`²", phases["seed"], nat),
         ["`seed_demo --history only`: the sales history², beside the server in `make demo`",
          len(phases["history"]), *stats(phases["history"]), "", "",
          f"{nat['sales_lines']:,} lines", "",
          f"{nat['sales_lines'] / med(phases['history']):,.0f}"]],
    )  # fmt: skip

    base = r["baselines"]
    floors = [
        (f"`generate_universe(1.0, {SEED})` alone (pure Python, in-process)", "generation"),
        (f"raw `sqlite3` `executemany`: {base['raw_rows']:,} rows x 12 columns into a bare "
         "table, one transaction", "raw_sqlite"),
        (f"raw `psycopg` `executemany`: same rows into a bare table in `{PG_DB}`", "raw_postgres"),
    ]  # fmt: skip
    lines += ["", "**Baselines measured in the same run**", ""]
    lines += table(
        "baseline|runs|median s|min - max s|national seed median ÷ baseline median",
        [[label, len(base[key]), *stats(base[key], 3), ratio(seed_nat / med(base[key]))]
         for label, key in floors if key in base],
    )  # fmt: skip

    total = med(r["national"]["total"])
    lines += ["", "**`make demo` time to serve**: fresh database → `GET /` answers 200 "
              f"(runs: {len(r['national']['total'])})", ""]  # fmt: skip
    lines += table(
        "phase|median s|min - max s",
        [["`migrate --noinput`", *stats(phases["migrate"])],
         ["`seed_demo --scale national --history later`", *stats(phases["seed"])],
         ["`demo_logins`", *stats(phases["logins"])],
         ["`runserver --noreload` → first 200 on `/`", *stats(phases["serve"])],
         ["**total**", *stats(r["national"]["total"], 1)]],
    )  # fmt: skip
    verdict = "within" if total <= SERVE_TARGET_S else "over"
    lines += ["", f"Target: server up within {SERVE_TARGET_S} s of a fresh clone once dependencies "
              f"are installed. Median {total:.0f} s = {total / SERVE_TARGET_S:.0%} of the budget "
              f"({verdict} the target in this run)."]  # fmt: skip

    pages, count = r["pages"]["pages"], r["pages"]["count"]
    count_med = med(count["times"])
    rows: list[list[object]] = []
    for endpoint in ENDPOINTS:
        page, ms = pages[endpoint], [t * 1000 for t in pages[endpoint]["times"]]
        rows.append([f"`GET {page['url']}`", page["status"], f"{med(ms):.1f}", f"{p95(ms):.1f}",
                     f"{page['first'] * 1000:.1f}", page["queries"], f"{med(page['sql_ms']):.0f}",
                     f"{page['bytes']:,}", ratio(med(ms) / 1000 / count_med)])  # fmt: skip
    ms = [t * 1000 for t in count["times"]]
    rows.append([f"baseline: `{COUNT_SQL}`, same process", "", f"{med(ms):.3f}", f"{p95(ms):.3f}",
                 f"{count['first'] * 1000:.3f}", 1, "", "", "1x"])  # fmt: skip
    directory = med(pages[DIRECTORY]["times"])
    slow_ms, slow_sql = pages[DIRECTORY]["slowest"]
    slow_sql = re.sub(r"^SELECT .*? FROM ", "SELECT ... FROM ", slow_sql)
    lines += ["", f"**Page and API latency** on the national database ({nat['agencies']:,} "
              f"agencies): Django test Client, anonymous, one cold request then {REQUESTS} timed "
              "ones", ""]  # fmt: skip
    lines += table("request|status|median ms|p95 ms|first ms|SQL queries|SQL ms³|bytes|"
                   "÷ COUNT(*) median", rows)  # fmt: skip
    lines += [
        "",
        f"Directory page (`GET {DIRECTORY}`) median ÷ `COUNT(*)` median: "
        f"**{ratio(directory / count_med)}**; the bare count is {count_med / directory:.2%} "
        "of the page's time. Its slowest statement "
        f"({slow_ms:.0f} ms at worst): `{slow_sql[:300]}`",
        "",
        "¹ agencies + agency domains + exempt-organization rows (suppliers, personas and board "
        "rows add a few hundred). The small scale is dominated by fixed costs (interpreter and "
        "Django start-up, argon2 hashing of the persona passwords): its rows/s is not a "
        "throughput.  ",
        "² The national seed times come from the same runs as the time-to-serve table. `make "
        "demo` serves the program as soon as it is seeded and writes the sales history beside "
        "the server, a quarter per transaction; the benchmark times that step after the server "
        "answered, alone, and measures the pages once it is complete.  ",
        "³ Median over the timed requests of the SQL time Django records per request "
        "(millisecond resolution per statement).",
        "",
        "Every `manage.py` step is a new interpreter on a new database, so its time includes "
        "Python and Django start-up; `make`'s own dependency check is not included. Pages use "
        "the development settings `make demo` uses (DEBUG on). p95 is the inclusive 95th "
        "percentile. The machine may be shared with other work: compare the ratios, and rerun "
        "before quoting absolute times.",
    ]
    return "\n".join(lines)


def write_section(path: Path, engine: str, body: str) -> None:
    """(Over)write this engine's part of the ``seed_and_pages`` section; keep everything else."""
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
        "### Seed, time to serve and page latency (`benchmarks/seed_and_pages.py`)",
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


# -- main -------------------------------------------------------------------------------------


def load() -> str:
    return _read("/proc/loadavg").split(" ", 1)[0] or "?"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="migrate / small-seed runs (5)")
    parser.add_argument(
        "--national-runs", type=int, default=3, help="national seed / time-to-serve runs (3)"
    )
    parser.add_argument("--postgres", action="store_true", help=f"use PostgreSQL ({PG_DB})")
    parser.add_argument("--output", type=Path, default=DOC, help="Markdown file to update")
    parser.add_argument(
        "--keep",
        type=Path,
        help="SQLite: move the last national database's var directory here (for ingest_sales.py)",
    )
    parser.add_argument("--pages-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pages_worker:
        pages_worker()
        return
    if args.runs < 1 or args.national_runs < 1:
        parser.error("--runs and --national-runs must be at least 1")
    engine = "postgresql" if args.postgres else "sqlite"
    if engine == "postgresql" and not shutil.which("psql"):
        parser.error("--postgres needs psql on PATH and PostgreSQL on 127.0.0.1")
    started, load_start = time.perf_counter(), load()
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    info = machine(engine)
    log(f"engine {engine}; {info['nproc']} CPUs ({info['CPU']}); load {load_start}")
    results: dict[str, Any] = {"date": date}
    log(f"{args.runs} x migrate + small seed")
    results["setup"] = bench_setup(engine, args.runs)
    log(f"{args.national_runs} x migrate + national seed + demo_logins + runserver")
    results["national"], target = bench_national(engine, args.national_runs)
    try:
        results["national_counts"] = results["national"]["national_counts"]
        log("baselines")
        results["baselines"] = bench_baselines(args.national_runs, engine)
        log(f"page latency ({len(ENDPOINTS)} requests x {REQUESTS + 2}, COUNT(*) baseline)")
        results["pages"] = bench_pages(target)
    finally:
        if args.keep and engine == "sqlite":
            shutil.move(target.var_dir, args.keep)
            log(f"kept the national database: INTERLOCAL_VAR_DIR={args.keep}")
        target.close()
    results["load"] = [load_start, load()]
    results["elapsed"] = time.perf_counter() - started
    body = render(engine, info, results)
    write_section(args.output, engine, body)
    print(body)
    log(f"wrote {args.output} in {results['elapsed'] / 60:.1f} min")


if __name__ == "__main__":
    main()
