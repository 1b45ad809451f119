"""Load test of the server, bounded in clients, time and requests, on 127.0.0.1 only. Run
with `python tests/benchmarks/load_server.py [--db URL] [--clients 50] [--seconds 30]`.

Ten commune officers (each of their own commune, one plot each) are shared by the
clients; each client logs in once, then loops over: its commune (GET /communes/{code}),
its records (GET /records), its plots (GET /plots), and one new record (POST /records).
At the end, every record the server said it added must be in the database, once: nothing
lost, nothing doubled. Reports each request kind's count, errors and p50/p95 latency;
nothing is asserted about time. The server runs as `mrv serve` in its own process.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import Session

from mrv import models
from mrv.models._tables import ActivityRecord

KINDS = ("GET /communes/{code}", "GET /records", "GET /plots", "POST /records")
YEAR = 2025


@dataclass
class Account:
    name: str
    password: str
    commune: str
    plot: str


@dataclass
class Outcome:
    """What the clients saw: latencies (s) and errors per request kind, records added."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(list))
    added: list = field(default_factory=list)
    seconds: float = 0.0

    def table(self) -> list[tuple[str, int, int, float, float]]:
        """(kind, requests, errors, p50 ms, p95 ms) per kind."""
        rows = []
        for kind in KINDS:
            times = sorted(self.latencies[kind])
            if times:
                p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
                rows.append((kind, len(times), len(self.errors[kind]), 1000 * statistics.median(times), 1000 * p95))
        return rows


def prepare(engine, communes: int = 10) -> list[Account]:
    """A commune officer with a password and one plot in each of the first `communes` communes."""
    codes = [row["code"] for row in models.read_communes(engine, models.LOCAL, YEAR)[:communes]]
    folder = Path(tempfile.mkdtemp(prefix="mrv-load-"))
    plots = folder / "plots.csv"
    plots.write_text("plot_id,commune_code,crop,area,area_unit\n"
                     + "".join(f"LOAD-{code},{code},coffee,1,ha\n" for code in codes), encoding="utf-8")
    models.import_file(engine, plots)
    accounts = []
    for code in codes:
        account = Account(f"Cán bộ tải {code}", secrets.token_urlsafe(12), code, f"LOAD-{code}")
        models.add_user(engine, account.name, "recorder", code, account.password, by=models.LOCAL)
        accounts.append(account)
    return accounts


def _client(base: str, account: Account, deadline: float, budget: threading.Semaphore, outcome: Outcome,
            lock: threading.Lock) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        answer = client.post("/api/v1/token", data={"username": account.name, "password": account.password})
        answer.raise_for_status()
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        turn = 0
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            kind = KINDS[turn % len(KINDS)]
            turn += 1
            record_id = str(uuid.uuid4())
            started = time.perf_counter()
            try:
                if kind == "POST /records":
                    answer = client.post("/api/v1/records", json={"records": [{
                        "record_id": record_id, "plot_id": account.plot, "year": YEAR, "activity": "fertiliser",
                        "product": "urea", "quantity": "2", "unit": "bao", "n_content": ""}]})
                else:
                    path = {"GET /communes/{code}": f"/api/v1/communes/{account.commune}?year={YEAR}",
                            "GET /records": f"/api/v1/records?commune={account.commune}&limit=50",
                            "GET /plots": f"/api/v1/plots?commune={account.commune}"}[kind]
                    answer = client.get(path)
                failed = None if answer.status_code == 200 else f"{answer.status_code} {answer.text[:200]}"
            except httpx.HTTPError as error:
                failed = repr(error)
            elapsed = time.perf_counter() - started
            with lock:
                outcome.latencies[kind].append(elapsed)
                if failed:
                    outcome.errors[kind].append(failed)
                elif kind == "POST /records" and answer.json()["records_added"] == 1:
                    outcome.added.append(record_id)


def load(base: str, accounts: list[Account], clients: int, seconds: float, max_requests: int) -> Outcome:
    """`clients` threads sharing `accounts`, until `seconds` pass or `max_requests` are sent."""
    outcome, lock = Outcome(), threading.Lock()
    budget = threading.Semaphore(max_requests)
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=_client, args=(base, accounts[i % len(accounts)], deadline, budget, outcome,
                                                      lock)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    outcome.seconds = time.monotonic() - started
    return outcome


def stored(engine, record_ids: list[str]) -> int:
    """How many current records of these ids the database holds."""
    with Session(engine) as session:
        return sum(session.execute(select(func.count()).select_from(ActivityRecord).where(
            ActivityRecord.record_key.in_(part), ActivityRecord.is_current.is_(True))).scalar_one()
            for part in (record_ids[i:i + 5000] for i in range(0, len(record_ids), 5000)))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1, help="server processes (mrv serve --workers)")
    options = parser.parse_args()
    url = options.db or f"sqlite:///{tempfile.mkdtemp(prefix='mrv-load-')}/mrv.sqlite"
    engine = models.connect(url)
    models.seed(engine)
    accounts = prepare(engine)
    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix="mrv-load-")) / "server.log"
    server = subprocess.Popen([sys.executable, "-m", "mrv.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(options.workers), "--db", url], stdout=subprocess.DEVNULL, stderr=log.open("w"),
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        outcome = load(base, accounts, options.clients, options.seconds, options.max_requests)
    finally:
        server.terminate()
        server.wait(timeout=30)
    found = stored(engine, outcome.added)
    print(f"{engine.dialect.name}, {options.workers} worker(s): {options.clients} clients, {outcome.seconds:.1f} s, "
          f"{sum(len(v) for v in outcome.latencies.values())} requests")
    print(f"{'request':<22}{'count':>8}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}")
    for kind, requests, errors, p50, p95 in outcome.table():
        print(f"{kind:<22}{requests:>8}{errors:>8}{p50:>10.1f}{p95:>10.1f}")
    print(f"records added: {len(outcome.added)}, stored: {found}")
    for kind, errors in outcome.errors.items():
        for error in errors[:3]:
            print(f"error {kind}: {error}")
    if any(outcome.errors.values()):
        print(f"the server's log: {log}")
    sys.exit(0 if found == len(outcome.added) and not any(outcome.errors.values()) else 1)


if __name__ == "__main__":
    main()
