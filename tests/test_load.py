"""A short, bounded load on 127.0.0.1 (the full one, with figures, is
tests/benchmarks/load_server.py): concurrent commune officers reading and posting
records get no error, and every record the server said it added is stored, once."""

from __future__ import annotations

from mrv import models, web
from tests.benchmarks.load_server import load, prepare, stored
from tests.helpers import serving


def test_concurrent_clients_lose_nothing(engine):
    accounts = prepare(engine, communes=4)
    with serving(web.create_app(engine)) as base:
        outcome = load(base, accounts, clients=8, seconds=4, max_requests=400)
    assert {kind: errors for kind, errors in outcome.errors.items() if errors} == {}
    assert sum(len(times) for times in outcome.latencies.values()) > 8
    assert outcome.added and stored(engine, outcome.added) == len(outcome.added)
    assert len(models.read_records(engine, models.LOCAL, limit=models.MAX_PAGE)) == len(outcome.added)
