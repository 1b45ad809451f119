"""The server's authorisation: every endpoint called by every role, on the caller's own
commune and on another, against the matrix documented in the README."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mrv import models, web
from tests.conftest import BACKENDS, empty_database
from tests.helpers import two_years_of_examples

OWN, OTHER = "24133", "24169"
#: A plot of each commune in examples/plots.csv, as it is stored there.
PLOT_ROWS = {
    OWN: {"plot_id": "CP-01", "commune_code": OWN, "crop": "cà phê", "area": "1", "area_unit": "ha", "climate": "wet",
          "irrigation": "basin", "planting_year": "2021"},
    OTHER: {"plot_id": "HT-01", "commune_code": OTHER, "crop": "hồ tiêu", "area": "0,5", "area_unit": "ha",
            "climate": "dry", "irrigation": "drip", "planting_year": "2012"},
}
#: One person of each role: a commune officer of OWN, a verifier assigned OWN.
PEOPLE = {"recorder": ("Nguyễn Văn An", OWN), "verifier": ("Trần Thị Bình", OWN),
          "province_officer": ("Lê Văn Chi", None), "inventory": ("Phạm Thị Dung", None),
          "admin": ("Hoàng Văn Em", None)}
ROLES = tuple(PEOPLE)


def password(role: str) -> str:
    return f"mật khẩu của {role} 2026"


@dataclass
class World:
    engine: object
    client: TestClient
    headers: dict
    run_id: str


def bearer(client: TestClient, name: str, secret: str) -> dict:
    answer = client.post("/api/v1/token", data={"username": name, "password": secret})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    """The example plots and records (2025, and one 2024 record), one user of each role with
    a password and a bearer token, and the 2025 official run."""
    folder = tmp_path_factory.mktemp("server")
    engine = models.connect(empty_database(request.param, folder))
    models.seed(engine)
    two_years_of_examples(engine, folder)
    for role, (name, commune) in PEOPLE.items():
        models.add_user(engine, name, role, commune, password(role), by=models.LOCAL)
    models.add_user(engine, "Người Thử Thu Hồi", "inventory", by=models.LOCAL)
    run = models.calculate_year(engine, 2025, official=True)
    client = TestClient(web.create_app(engine))
    headers = {role: bearer(client, name, password(role)) for role, (name, _) in PEOPLE.items()}
    yield World(engine, client, headers, str(run.id))
    engine.dispose()


def _record(commune: str, record_id: str) -> dict:
    return {"record_id": record_id, "plot_id": PLOT_ROWS[commune]["plot_id"], "year": 2025, "activity": "fertiliser",
            "product": "urea", "quantity": 10, "unit": "kg", "n_content": ""}


def _review(step: str):
    return lambda c, w: ("POST", f"/api/v1/communes/{c}/years/2024/review", {"json": {"step": step, "reason": "số liệu sai"}})


#: endpoint → (request of commune c, who may call it: role → "own" (their communes) or "all")
COMMUNE_CASES = {
    "GET /communes/{code}": (lambda c, w: ("GET", f"/api/v1/communes/{c}?year=2025", {}), "read"),
    "GET /plots": (lambda c, w: ("GET", f"/api/v1/plots?commune={c}", {}), "read"),
    "GET /records": (lambda c, w: ("GET", f"/api/v1/records?commune={c}&year=2025", {}), "read"),
    "GET /checks": (lambda c, w: ("GET", f"/api/v1/checks?year=2025&commune={c}", {}), "read"),
    "GET /audit": (lambda c, w: ("GET", f"/api/v1/audit?year=2025&commune={c}", {}), "read"),
    "POST /records": (lambda c, w: ("POST", "/api/v1/records", {"json": {"records": [_record(c, f"matrix-{c}")]}}),
                      "write"),
    "PUT /records/{id}": (lambda c, w: ("PUT", f"/api/v1/records/matrix-put-{c}", {"json": {
        k: v for k, v in _record(c, "").items() if k != "record_id"}}), "write"),
    "POST /plots": (lambda c, w: ("POST", "/api/v1/plots", {"json": {"plots": [
        {**PLOT_ROWS[c], "plot_id": f"MX-{c}"}]}}), "write"),
    "PUT /plots/{id}": (lambda c, w: ("PUT", f"/api/v1/plots/{PLOT_ROWS[c]['plot_id']}", {"json": {
        k: v for k, v in PLOT_ROWS[c].items() if k != "plot_id"}}), "write"),
    "POST /imports": (lambda c, w: ("POST", "/api/v1/imports", {"files": {"file": (
        "ghi-chep.csv", f"record_id,plot_id,year,activity,product,quantity,unit,n_content\n"
                        f"matrix-file-{c},{PLOT_ROWS[c]['plot_id']},2025,fertiliser,urea,5,kg,\n".encode(),
        "text/csv")}}), "write"),
    "POST review submit": (_review("submit"), "submit"),
    "POST review verify": (_review("verify"), "verify"),
    "POST review lock": (_review("lock"), "lock"),
    "POST review reopen": (_review("reopen"), "reopen"),
}
#: The authorisation matrix of the README, written out: action → role → "own" or "all".
MATRIX = {
    "read": {"recorder": "own", "verifier": "own", "province_officer": "all"},
    "write": {"recorder": "own", "province_officer": "all"},
    "submit": {"recorder": "own", "province_officer": "all"},
    "verify": {"verifier": "own"},
    "lock": {"province_officer": "all"},
    "reopen": {"province_officer": "all"},
    "factors": {role: "all" for role in ROLES},
    "results": {"province_officer": "all", "inventory": "all"},
    "calculate": {"province_officer": "all"},
    "users": {"admin": "all"},
}
GLOBAL_CASES = {
    "GET /me": (lambda w: ("GET", "/api/v1/me", {}), "factors"),
    "GET /factors": (lambda w: ("GET", "/api/v1/factors", {}), "factors"),
    "GET /factors/{profile}": (lambda w: ("GET", "/api/v1/factors/vn2022", {}), "factors"),
    "GET /communes": (lambda w: ("GET", "/api/v1/communes?year=2025", {}), "read"),
    "GET /runs": (lambda w: ("GET", "/api/v1/runs?year=2025", {}), "results"),
    "GET /runs/{id}": (lambda w: ("GET", f"/api/v1/runs/{w.run_id}", {}), "results"),
    "GET /runs/{id}/totals": (lambda w: ("GET", f"/api/v1/runs/{w.run_id}/totals?by=commune_code&by=gas", {}),
                              "results"),
    "GET /reports/{year}": (lambda w: ("GET", "/api/v1/reports/2025?format=xlsx", {}), "results"),
    "GET /inventory/{year}": (lambda w: ("GET", "/api/v1/inventory/2025?format=csv", {}), "results"),
    "GET /uncertainty/{year}": (lambda w: ("GET", "/api/v1/uncertainty/2025?draws=200", {}), "results"),
    "GET /claims/{year}": (lambda w: ("GET", "/api/v1/claims/2025", {}), "results"),
    "GET /template": (lambda w: ("GET", "/api/v1/template?lang=en", {}), "factors"),
    "POST /runs": (lambda w: ("POST", "/api/v1/runs", {"json": {"year": 2025, "commune": OWN}}), "calculate"),
    "POST /runs/series": (lambda w: ("POST", "/api/v1/runs/series", {"json": {"factors": "vn2022"}}), "calculate"),
    "GET /users": (lambda w: ("GET", "/api/v1/users", {}), "users"),
    "POST /users": (lambda w: ("POST", "/api/v1/users", {"json": {
        "name": f"Người Mới {uuid.uuid4().hex[:6]}", "role": "inventory"}}), "users"),
    "POST /users/{name}/revoke": (lambda w: ("POST", "/api/v1/users/Người Thử Thu Hồi/revoke", {}), "users"),
    "PUT /users/{name}/password": (lambda w: ("PUT", "/api/v1/users/Người Thử Thu Hồi/password", {"json": {
        "password": "một mật khẩu mới 2026"}}), "users"),
}
#: What an allowed call answers: reads and writes succeed; a review step may find the
#: commune-year in a status it cannot start from (409), which is past authorisation.
SUCCESS = {"submit": {200, 409}, "verify": {200, 409}, "lock": {200, 409}, "reopen": {200, 409}}


def _allowed(action: str, role: str, whose: str) -> bool:
    grant = MATRIX[action].get(role)
    return grant == "all" or (grant == "own" and whose == "own")


def _call(world: World, role: str, request: tuple):
    method, url, kwargs = request
    return world.client.request(method, url, headers=world.headers[role], **kwargs)


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("endpoint", list(COMMUNE_CASES))
@pytest.mark.parametrize("role", ROLES)
def test_commune_endpoints_follow_the_matrix(world, role, endpoint, whose):
    build, action = COMMUNE_CASES[endpoint]
    answer = _call(world, role, build(OWN if whose == "own" else OTHER, world))
    if _allowed(action, role, whose):
        assert answer.status_code in SUCCESS.get(action, {200, 201}), answer.text
    else:
        assert answer.status_code == 403, answer.text
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("endpoint", list(GLOBAL_CASES))
@pytest.mark.parametrize("role", ROLES)
def test_province_endpoints_follow_the_matrix(world, role, endpoint):
    build, action = GLOBAL_CASES[endpoint]
    answer = _call(world, role, build(world))
    if _allowed(action, role, "own"):
        assert answer.status_code in (200, 201, 204), answer.text
    else:
        assert answer.status_code == 403, answer.text


def test_lists_hold_only_the_callers_communes(world):
    def communes(role: str, path: str) -> set[str]:
        answer = world.client.get(path, headers=world.headers[role])
        assert answer.status_code == 200, answer.text
        return {row.get("commune_code", row.get("code")) for row in answer.json()}

    # examples/plots.csv has plots in 24133, 24169, 24280 and 24373
    for path in ("/api/v1/plots", "/api/v1/records?year=2025", "/api/v1/communes?year=2025"):
        assert communes("recorder", path) == {OWN}
        assert communes("verifier", path) == {OWN}
    assert communes("province_officer", "/api/v1/plots") >= {"24133", "24169", "24280", "24373"}
    assert len(communes("province_officer", "/api/v1/communes?year=2025")) == 102
    audit = world.client.get("/api/v1/audit?year=2025", headers=world.headers["recorder"]).json()
    assert audit and {entry["commune_code"] for entry in audit} == {OWN}


def test_a_write_that_touches_another_commune_stores_nothing(world):
    before = world.client.get("/api/v1/records?year=2025&limit=1000", headers=world.headers["province_officer"]).json()
    batch = {"records": [_record(OWN, "mixed-1"), _record(OTHER, "mixed-2")]}
    answer = world.client.post("/api/v1/records", json=batch, headers=world.headers["recorder"])
    assert answer.status_code == 403
    problem = answer.json()
    assert problem["type"] == "urn:mrv:problem:out-of-scope" and problem["status"] == 403
    assert [(p["row"], p["column"], p["value"]) for p in problem["problems"]] == [(2, "plot_id", "HT-01")]
    after = world.client.get("/api/v1/records?year=2025&limit=1000", headers=world.headers["province_officer"]).json()
    assert after == before


def test_moving_a_record_of_another_commune_to_ones_own_is_refused(world):
    """A record id of another commune's record, sent on one's own plot, would move it:
    the old place is checked as well as the new."""
    world.client.post("/api/v1/records", json={"records": [_record(OTHER, "belongs-to-other")]},
                      headers=world.headers["province_officer"])
    answer = world.client.post("/api/v1/records", json={"records": [_record(OWN, "belongs-to-other")]},
                               headers=world.headers["recorder"])
    assert answer.status_code == 403
    assert [(p["column"], p["value"]) for p in answer.json()["problems"]] == [("record_id", "belongs-to-other")]


def test_a_plot_cannot_join_another_communes_pilot_model(world):
    """A pilot model's pilot and control plots make its commune's reductions."""
    other_model = {"pilot_models": [{"pilot_model_id": "MH-OTHER", "name": "Mô hình hồ tiêu", "level": "xã",
                                     "crop": "hồ tiêu", "commune_code": OTHER, "start_year": 2025}]}
    csv = ("pilot_model_id,name,level,crop,commune_code,start_year\n"
           + ",".join(str(v) for v in other_model["pilot_models"][0].values()) + "\n")
    stored = world.client.post("/api/v1/imports", files={"file": ("mo-hinh.csv", csv.encode(), "text/csv")},
                               headers=world.headers["province_officer"])
    assert stored.status_code == 200, stored.text
    plot = {**PLOT_ROWS[OWN], "plot_id": "JOINS-OTHER", "pilot_model_id": "MH-OTHER", "role": "pilot"}
    answer = world.client.post("/api/v1/plots", json={"plots": [plot]}, headers=world.headers["recorder"])
    assert answer.status_code == 403
    assert [(p["column"], p["value"]) for p in answer.json()["problems"]] == [("pilot_model_id", "MH-OTHER")]


def test_the_readmes_matrix_is_the_tested_one():
    """The authorisation table of the README says what `MATRIX` (tested above) says."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    header = "| action (endpoints) | recorder | verifier | province officer | inventory | admin |"
    lines = readme[readme.index(header):].splitlines()[2:]
    grants = {"own commune": "own", "assigned communes": "own", "all": "all", "—": None}
    documented = {}
    for line in lines[:lines.index("")]:
        action, *cells = [cell.strip() for cell in line.strip("|").split("|")]
        for name in ("lock", "reopen") if action == "lock, reopen" else (action.split(":")[0].split(",")[0],):
            documented[name] = {role: grants[cell] for role, cell in zip(ROLES, cells) if grants[cell]}
    assert documented == MATRIX
