"""Median latency of name searches on the demo database.

Run against a seeded national demo: `DEBUG=1 PYTHONPATH=. .venv/bin/python
benchmarks/search_before_after.py`. To compare with the LIKE fallback, migrate `registry` back to
0003 and check out the code before `core/search.py`; docs/performance.md records one such
comparison made in one session.
"""

import os
import statistics
import time

URLS = [
    "/agencies/?q=water&state=TX",
    "/agencies/?q=lake",
    "/api/v1/agencies?q=lake",
    "/agencies/?q=pine+valley+school",
    "/api/v1/agencies?q=fire+protection+district",
]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test import Client

    client = Client()
    for url in URLS:
        client.get(url)  # warm
        times = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{url:45s} {statistics.median(times):7.1f} ms  status {response.status_code}")


if __name__ == "__main__":
    main()
