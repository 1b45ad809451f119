"""Server time of each page on the demo database (`make demo` first):

    .venv/bin/python tests/benchmarks/pages.py [--repeat 20]

Each page is asked for in-process (no network), as its usual reader: the commune page as
the demo commune officer, the others as the province officer or the inventory compiler.
`first` is the first answer after a write (the commune page recalculates its commune-year
then); `median` and `max` are of the answers after it."""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from mrv import models, web

PAGES = [("demo-xa", "/communes/24133?year=2025"), ("demo-tinh", "/communes/24133?year=2025"),
         ("demo-tinh", "/province?year=2025"), ("demo-tinh", "/audit?year=2025"),
         ("demo-kiemke", "/inventory?year=2025"), ("demo-xa", "/account"), (None, "/login")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    passwords = {row["name"]: row["password"]
                 for row in csv.DictReader(Path("out/demo/demo-accounts.csv").open(encoding="utf-8"))}
    app = web.create_app(models.connect())
    clients: dict = {}
    print(f"{'page':<40} {'as':<12} {'first':>8} {'median':>8} {'max':>8}  (ms)")
    for account, path in PAGES:
        if account not in clients:
            clients[account] = TestClient(app)
            if account:
                clients[account].post("/login", data={"username": account, "password": passwords[account]},
                                      follow_redirects=False)
        client = clients[account]
        times = []
        for _ in range(args.repeat + 1):
            start = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200, (path, answer.status_code)
        rest = times[1:]
        print(f"{path:<40} {account or '-':<12} {times[0]:8.0f} {statistics.median(rest):8.0f} {max(rest):8.0f}")


if __name__ == "__main__":
    main()
