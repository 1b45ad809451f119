"""Phones that lose the connection: a batch sent again with its Idempotency-Key, or with
the records' own ids, is stored once; over a real socket on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from mrv import models, web
from mrv.models._tables import ActivityRecord, IdempotentRequest
from tests.helpers import count, serving

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AN = ("Nguyễn Văn An", "mật khẩu của An 2026")


def batch(*ids: str, quantity: int = 3) -> dict:
    return {"records": [{"record_id": record_id, "plot_id": "CP-01", "year": 2025, "activity": "fertiliser",
                         "product": "urea", "quantity": quantity, "unit": "bao", "n_content": ""}
                        for record_id in ids]}


@pytest.fixture
def officer(engine):
    """The example plots, a commune officer of 24133 and their bearer header."""
    models.import_file(engine, EXAMPLES / "plots.csv")
    user = models.add_user(engine, AN[0], "recorder", "24133", AN[1], by=models.LOCAL)
    token, _, _ = models.issue_token(engine, user, "bearer")
    return engine, {"Authorization": f"Bearer {token}"}


def _send_and_hang_up(base: str, path: str, headers: dict, body: bytes) -> None:
    """Send a whole request and close the connection without reading the answer, as a
    phone does when it loses the network just after sending."""
    host, port = base.removeprefix("http://").split(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Host": host, "Content-Type": "application/json",
                                                "Content-Length": str(len(body)), "Connection": "close"}.items())
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(f"POST {path} HTTP/1.1\r\n{head}\r\n".encode() + body)
        connection.shutdown(socket.SHUT_RDWR)


def _answered(engine, key: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with Session(engine) as session:
            status = session.execute(select(IdempotentRequest.status_code).where(IdempotentRequest.key == key)).scalar()
        if status is not None:
            return
        time.sleep(0.05)
    raise AssertionError(f"the request with key {key} was not answered")


def test_a_batch_resent_after_a_dropped_connection_is_stored_once(officer):
    engine, headers = officer
    key, ids = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(3)]
    body = json.dumps(batch(*ids)).encode()
    with serving(web.create_app(engine)) as base:
        _send_and_hang_up(base, "/api/v1/records", {**headers, "Idempotency-Key": key}, body)
        _answered(engine, key)
        again = httpx.post(f"{base}/api/v1/records", content=body,
                           headers={**headers, "Idempotency-Key": key, "Content-Type": "application/json"})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["records_added"] == 3  # the answer the phone never received
    assert count(engine, ActivityRecord) == 3
    assert count(engine, ActivityRecord, ActivityRecord.record_key.in_(ids), ActivityRecord.version == 1) == 3


def test_records_sent_again_without_a_key_are_recognised_by_their_ids(officer):
    engine, headers = officer
    client = TestClient(web.create_app(engine))
    ids = [str(uuid.uuid4()) for _ in range(2)]
    assert client.post("/api/v1/records", json=batch(*ids), headers=headers).json()["records_added"] == 2
    again = client.post("/api/v1/records", json=batch(*ids), headers=headers).json()
    assert (again["records_added"], again["records_unchanged"]) == (0, 2)
    assert count(engine, ActivityRecord) == 2


def test_a_key_belongs_to_one_request(officer):
    engine, headers = officer
    client = TestClient(web.create_app(engine))
    key = {**headers, "Idempotency-Key": "lo-1"}
    assert client.post("/api/v1/records", json=batch("a"), headers=key).status_code == 200
    reused = client.post("/api/v1/records", json=batch("b"), headers=key)
    assert reused.status_code == 422 and reused.json()["type"] == "urn:mrv:problem:idempotency-reused"
    assert count(engine, ActivityRecord) == 1


def test_a_refused_batch_is_answered_the_same_when_sent_again(officer):
    engine, headers = officer
    client = TestClient(web.create_app(engine))
    bad = batch("x1")
    bad["records"][0]["plot_id"] = "KHONG-CO"
    key = {**headers, "Idempotency-Key": "lo-2"}
    first = client.post("/api/v1/records", json=bad, headers=key)
    assert first.status_code == 422
    assert [(p["row"], p["column"], p["value"]) for p in first.json()["problems"]] == [(1, "plot_id", "KHONG-CO")]
    second = client.post("/api/v1/records", json=bad, headers=key)
    assert second.status_code == 422 and second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json() and count(engine, ActivityRecord) == 0


def test_the_same_key_arriving_twice_at_once_is_applied_once(officer):
    engine, _ = officer
    user_id = models.authenticate(engine, *AN).id
    assert models.claim(engine, user_id, "k", "hash") is None
    with pytest.raises(models.IdempotencyConflict, match="being applied") as caught:
        models.claim(engine, user_id, "k", "hash")
    assert caught.value.kind == "in_progress"
    models.release(engine, user_id, "k")  # a server error frees the key to be sent again
    assert models.claim(engine, user_id, "k", "hash") is None
    models.remember(engine, user_id, "k", 200, {"records_added": 1})
    assert models.claim(engine, user_id, "k", "hash") == (200, {"records_added": 1})
