"""Accounts of the server: Argon2id passwords, hashed tokens, throttled logins, browser
sessions that are rotated at login and need their CSRF token, and revocation."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

from mrv import models, web
from mrv.cli import app
from mrv.models._tables import AccessToken, User
from mrv.web._auth import LoginThrottle

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AN, CHI = ("Nguyễn Văn An", "mật khẩu của An 2026"), ("Lê Văn Chi", "mật khẩu của Chi 2026")
RECORD = {"records": [{"record_id": "csrf-1", "plot_id": "CP-01", "year": 2025, "activity": "fertiliser",
                       "product": "urea", "quantity": 3, "unit": "bao", "n_content": ""}]}


@pytest.fixture
def people(engine):
    """A commune officer of 24133 and a province officer, with passwords; the example plots."""
    models.add_user(engine, AN[0], "recorder", "24133", AN[1], by=models.LOCAL)
    models.add_user(engine, CHI[0], "province_officer", None, CHI[1], by=models.LOCAL)
    models.import_file(engine, EXAMPLES / "plots.csv")
    return engine


def login(client: TestClient, person: tuple[str, str], path: str = "/api/v1/token"):
    return client.post(path, data={"username": person[0], "password": person[1]})


def test_passwords_and_tokens_are_stored_only_as_hashes(people, database):
    with Session(people) as session:
        stored = session.execute(select(User.password_hash).where(User.name == AN[0])).scalar_one()
    assert stored.startswith("$argon2id$") and AN[1] not in stored
    token = login(TestClient(web.create_app(people)), AN).json()["access_token"]
    with Session(people) as session:
        hashes = set(session.execute(select(AccessToken.token_hash)).scalars())
    assert hashes == {hashlib.sha256(token.encode()).hexdigest()}
    if database.startswith("sqlite"):
        people.dispose()
        raw = Path(database.removeprefix("sqlite:///")).read_bytes()
        for wal in Path(database.removeprefix("sqlite:///")).parent.glob("*-wal"):
            raw += wal.read_bytes()
        assert AN[1].encode() not in raw and token.encode() not in raw


def test_weak_passwords_are_refused(engine):
    with pytest.raises(models.UserError, match="at least 10 characters"):
        models.add_user(engine, "Y Bhin Niê", "admin", password="ngắn", by=models.LOCAL)
    with pytest.raises(models.UserError, match="not be the user's name"):
        models.add_user(engine, "Y Bhin Nie Kdam", "admin", password="y bhin niê kdam", by=models.LOCAL)
    assert models.list_users(engine, scope=models.LOCAL) == []


def test_a_password_comes_from_standard_input_and_is_never_printed(database):
    runner = CliRunner()
    secret = "mật khẩu rất dài 2026"
    added = runner.invoke(app, ["user", "add", "Y Bhin Niê", "--role", "admin", "--password-stdin", "--db", database],
                          input=secret + "\n")
    assert added.exit_code == 0, added.output
    assert secret not in added.output
    engine = models.connect(database)
    assert models.authenticate(engine, "y bhin niê", secret).name == "Y Bhin Niê"
    changed = runner.invoke(app, ["user", "password", "Y Bhin Niê", "--db", database], input="mật khẩu mới 2027\n")
    assert changed.exit_code == 0 and "mật khẩu mới" not in changed.output
    assert models.authenticate(engine, "Y Bhin Niê", secret) is None
    empty = runner.invoke(app, ["user", "password", "Y Bhin Niê", "--db", database], input="")
    assert empty.exit_code == 2 and "Không có mật khẩu" in empty.output


def test_a_wrong_password_and_an_unknown_name_are_refused_alike(people, caplog):
    client = TestClient(web.create_app(people))
    caplog.set_level(logging.DEBUG)
    wrong = login(client, (AN[0], "không phải mật khẩu"))
    unknown = login(client, ("Không Có Ai", AN[1]))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "the name or the password is wrong"
    assert wrong.headers["content-type"] == "application/problem+json"
    assert login(client, AN).status_code == 200
    assert AN[1] not in caplog.text and "không phải mật khẩu" not in caplog.text


def test_repeated_failures_are_throttled_per_user_and_address(people):
    client = TestClient(web.create_app(people, throttle=LoginThrottle(per_user=3, per_address=5, window=1.5)))
    for _ in range(3):
        assert login(client, (AN[0], "sai mật khẩu rồi")).status_code == 401
    blocked = login(client, AN)  # the right password, too soon
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert blocked.json()["type"] == "urn:mrv:problem:throttled"
    assert login(client, CHI).status_code == 200  # another name from the address: 3 failures < 5
    for _ in range(2):
        assert login(client, (CHI[0], "sai mật khẩu rồi")).status_code == 401
    assert login(client, CHI).status_code == 429  # 5 failures from the address
    time.sleep(1.6)
    assert login(client, AN).status_code == 200  # the window has passed


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_session_cookie_is_httponly_samesite_and_secure_over_https(people, scheme):
    client = TestClient(web.create_app(people), base_url=f"{scheme}://testserver")
    answer = login(client, AN, "/api/v1/session")
    assert answer.status_code == 200 and answer.json()["user"] == AN[0] and answer.json()["csrf_token"]
    cookie = answer.headers["set-cookie"]
    assert "mrv_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert ("Secure" in cookie) == (scheme == "https")


def test_a_login_replaces_a_planted_session(people):
    """Session fixation: a session id set in the victim's browser before they log in is
    ended at login; the victim gets a new one that the planter does not know."""
    planter = TestClient(web.create_app(people))
    planted = login(planter, AN, "/api/v1/session").cookies["mrv_session"]
    victim = TestClient(web.create_app(people))
    victim.cookies.set("mrv_session", planted)
    answer = login(victim, CHI, "/api/v1/session")
    fresh = answer.cookies["mrv_session"]
    assert fresh and fresh != planted
    victim.cookies.clear()
    assert victim.get("/api/v1/me", cookies={"mrv_session": planted}).status_code == 401
    assert victim.get("/api/v1/me", cookies={"mrv_session": fresh}).json()["user"] == CHI[0]


def test_a_session_changes_data_only_with_its_csrf_token(people):
    client = TestClient(web.create_app(people))
    csrf = login(client, AN, "/api/v1/session").json()["csrf_token"]
    assert client.get("/api/v1/me").json()["user"] == AN[0]  # reading needs no token
    missing = client.post("/api/v1/records", json=RECORD)
    assert missing.status_code == 403 and "X-CSRF-Token" in missing.json()["detail"]
    assert client.post("/api/v1/records", json=RECORD, headers={"X-CSRF-Token": csrf + "x"}).status_code == 403
    assert models.read_records(people, models.LOCAL) == []
    stored = client.post("/api/v1/records", json=RECORD, headers={"X-CSRF-Token": csrf})
    assert stored.status_code == 200 and stored.json()["records_added"] == 1
    upload = {"file": ("ghi-chep.csv", b"record_id,plot_id,year,activity,product,quantity,unit,n_content\n"
                                      b"csrf-2,CP-01,2025,fertiliser,urea,1,kg,\n", "text/csv")}
    assert client.post("/api/v1/imports", files=upload).status_code == 403
    form = client.post("/api/v1/imports", files=upload, data={"csrf_token": csrf})  # a page's form field
    assert form.status_code == 200 and form.json()["records_added"] == 1
    bearer = TestClient(web.create_app(people))  # a bearer token is sent by the client, never by a browser
    token = login(bearer, AN).json()["access_token"]
    again = bearer.post("/api/v1/records", json=RECORD, headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 200 and again.json()["records_unchanged"] == 1


def test_logout_revocation_and_a_new_password_end_sessions_and_tokens(people):
    client = TestClient(web.create_app(people))
    csrf = login(client, AN, "/api/v1/session").json()["csrf_token"]
    cookie = client.cookies["mrv_session"]
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/me", cookies={"mrv_session": cookie}).status_code == 401
    token = {"Authorization": f"Bearer {login(client, AN).json()['access_token']}"}
    assert client.delete("/api/v1/token", headers=token).status_code == 204
    assert client.get("/api/v1/me", headers=token).status_code == 401
    tokens = [{"Authorization": f"Bearer {login(client, AN).json()['access_token']}"} for _ in range(2)]
    assert models.revoke_user(people, AN[0], by=models.LOCAL) == 2
    assert all(client.get("/api/v1/me", headers=t).status_code == 401 for t in tokens)
    token = {"Authorization": f"Bearer {login(client, AN).json()['access_token']}"}
    models.set_password(people, AN[0], "một mật khẩu mới 2027", by=models.LOCAL)
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert login(client, AN).status_code == 401


def test_a_user_changes_their_own_password_knowing_the_current_one(people):
    client = TestClient(web.create_app(people))
    token = {"Authorization": f"Bearer {login(client, AN).json()['access_token']}"}
    wrong = client.put("/api/v1/me/password", json={"current": "đoán thử mật khẩu", "new": "mật khẩu mới 2027"},
                       headers=token)
    assert wrong.status_code == 422 and wrong.json()["detail"] == "the current password is wrong"
    short = client.put("/api/v1/me/password", json={"current": AN[1], "new": "ngắn"}, headers=token)
    assert short.status_code == 422 and "at least 10 characters" in short.json()["detail"]
    assert client.put("/api/v1/me/password", json={"current": AN[1], "new": "mật khẩu mới 2027"},
                      headers=token).status_code == 204
    assert client.get("/api/v1/me", headers=token).status_code == 401  # every session of An ended
    assert login(client, AN).status_code == 401 and login(client, (AN[0], "mật khẩu mới 2027")).status_code == 200


def test_an_expired_token_is_refused(people):
    client = TestClient(web.create_app(people))
    token = login(client, AN).json()["access_token"]
    with Session(people) as session:
        row = session.execute(select(AccessToken)).scalars().one()
        row.expires_at = row.created_at
        session.commit()
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and 'error="invalid_token"' in answer.headers["www-authenticate"]


def test_an_oversized_request_is_refused_before_it_is_read(people):
    client = TestClient(web.create_app(people))
    token = {"Authorization": f"Bearer {login(client, AN).json()['access_token']}"}
    huge = client.post("/api/v1/records", content=b" " * (21 * 1024 * 1024),
                       headers={**token, "Content-Type": "application/json"})
    assert huge.status_code == 413 and huge.json()["type"] == "urn:mrv:problem:too-large"


def test_every_operation_but_logging_in_needs_a_login(engine):
    """No route can forget authentication: without a token or session, each answers 401."""
    app_ = web.create_app(engine)
    client = TestClient(app_)
    document = app_.openapi()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "POST /api/v1/token"}
    open_ = []
    for path, operations in document["paths"].items():
        url = (path.replace("{code}", "24133").replace("{year}", "2025").replace("{run_id}", str(uuid.uuid4()))
               .replace("{profile}", "ipcc2019").replace("{plot_id}", "CP-01").replace("{record_id}", "R1")
               .replace("{name}", "An"))
        for method, operation in operations.items():
            if not operation["security"]:
                open_.append(f"{method.upper()} {path}")
                continue
            answer = client.request(method.upper(), url)
            assert answer.status_code == 401, f"{method.upper()} {path}: {answer.status_code}"
    assert open_ == ["POST /api/v1/token", "POST /api/v1/session"]
