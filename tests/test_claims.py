"""The claims register: each tonne of a pilot plot-year's reduction is claimed once (by a
label, a carbon credit or a result-based payment), and the annual report shows what is
claimed and what is not."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook
from fastapi.testclient import TestClient
from sqlmodel import Session

import mrv
from mrv import models, web
from tests.helpers import snapshot
from tests.test_server import bearer
from tests.test_reductions import E


@pytest.fixture
def copy(demo, tmp_path):
    """A copy of the demo database (its year verified for 22015, its claims registered)."""
    folder, _ = demo
    shutil.copy(folder / "mrv.sqlite", tmp_path / "mrv.sqlite")
    engine = models.connect(f"sqlite:///{tmp_path / 'mrv.sqlite'}")
    yield engine
    engine.dispose()


def _claims(path, rows) -> None:
    pd.DataFrame(rows, columns=["mã tuyên bố", "loại tuyên bố", "bên tuyên bố", "mã lô đất", "năm",
                                "lượng giảm (t CO2e)"]).to_csv(path, index=False)


def test_the_demo_registers_claims_and_its_report_shows_claimed_and_unclaimed(demo):
    folder, db = demo
    engine = models.connect(db)
    free = models.claimable(engine, 2025).set_index("plot_id")
    with Session(engine) as session:
        claims = models.stored_claims(session, [2025])
    taken = claims.groupby("claim_id")["tonnes"].sum()
    # TB-001, a carbon credit with its tonnes blank, took all of TINH-CAPHE-1, -2 and -3's reductions
    reduced = free.loc[["TINH-CAPHE-1", "TINH-CAPHE-2", "TINH-CAPHE-3"], "reduction_t"]
    assert taken["TB-001"] == pytest.approx(reduced.sum()) and (reduced > 0).all()
    assert (free.loc[reduced.index, "free_t"] == 0).all()
    # TB-002, a label on 1 t of TINH-CAPHE-4: the rest of its reduction is free
    assert taken["TB-002"] == 1.0
    assert free.at["TINH-CAPHE-4", "free_t"] == pytest.approx(free.at["TINH-CAPHE-4", "reduction_t"] - 1.0)
    rows = {row[0]: row[1] for row in load_workbook(folder / "report" / "bao-cao-2025-vi.xlsx")[
        "Giảm phát thải đã tuyên bố và c"].iter_rows(min_row=2, values_only=True) if row[0]}
    reductions = free["reduction_t"].clip(lower=0).sum()
    assert rows["Giảm phát thải của các lô thí điểm (phần dương)"] == pytest.approx(reductions)
    assert rows["Đã tuyên bố: tín chỉ carbon"] == pytest.approx(taken["TB-001"])
    assert rows["Đã tuyên bố: nhãn nông sản phát thải thấp"] == 1.0
    assert rows["Đã tuyên bố: thanh toán theo kết quả"] == 0.0
    # the parts add up: unclaimed = reductions − carbon credit − label
    assert rows["Chưa tuyên bố"] == pytest.approx(reductions - taken["TB-001"] - 1.0)


def test_a_second_claim_on_the_same_tonnes_is_refused_and_stores_nothing(copy, tmp_path):
    free = models.claimable(copy, 2025).set_index("plot_id")["free_t"]
    left = free["TINH-CAPHE-5"]
    _claims(tmp_path / "claims.csv", [
        ("TB-003", "tín chỉ carbon", "Công ty X", "TINH-CAPHE-1", "2025", "0,5"),  # TB-001 took all of it
        ("TB-004", "thanh toán theo kết quả", "Quỹ BVMT", "TINH-CAPHE-4", "2025", "2"),  # 1 of its t is TB-002's
        ("TB-005", "nhãn", "HTX-001", "TINH-CAPHE-5", "2025", "3"),
        ("TB-006", "nhãn", "HTX-001", "TINH-CAPHE-5", "2025", "1"),  # with the row above, more than it reduced
        ("TB-007", "nhãn", "HTX-001", "COF-0001", "2025", "1"),  # not a pilot plot
        ("TB-008", "nhãn", "HTX-001", "MH-24133-1", "2025", "0,1"),  # a pilot of 24133, whose year is open
    ])
    assert free["TINH-CAPHE-4"] < 2 and 3 < left < 4
    before = snapshot(copy)
    with pytest.raises(mrv.InputError) as error:
        models.import_file(copy, tmp_path / "claims.csv")
    found = {(p.row, p.column): mrv.say(p.expected, "vi") for p in error.value.problems}
    assert sorted(found) == [(2, "tonnes"), (3, "tonnes"), (5, "tonnes"), (6, "plot_id"), (7, "plot_id")]
    assert found[(2, "tonnes")].startswith("tối đa 0,000 t CO2e của lô TINH-CAPHE-1 năm 2025 chưa được tuyên bố")
    assert found[(7, "plot_id")] == "một lô của xã có năm đã thẩm định hoặc khoá sổ (24133 năm 2025 chưa)"
    assert snapshot(copy) == before
    # what is left of TINH-CAPHE-5, claimed by two rows of one file, fits
    _claims(tmp_path / "claims.csv", [("TB-005", "nhãn", "HTX-001", "TINH-CAPHE-5", "2025", "3"),
                                      ("TB-006", "nhãn", "HTX-001", "TINH-CAPHE-5", "2025", "")])
    models.import_file(copy, tmp_path / "claims.csv")
    with Session(copy) as session:
        taken = models.stored_claims(session, [2025]).groupby("claim_id")["tonnes"].sum()
    assert taken["TB-005"] == 3.0 and taken["TB-006"] == pytest.approx(left - 3.0)


def test_a_claim_is_registered_once_and_never_changed(copy, demo, tmp_path):
    folder, _ = demo
    before = snapshot(copy)
    models.import_file(copy, folder / "files" / "claims.csv")  # as it was: nothing new
    after = snapshot(copy)
    assert {table for table in before if before[table] != after[table]} == {"importbatch"}
    _claims(tmp_path / "claims.csv", [("TB-002", "nhãn", "HTX-001", "TINH-CAPHE-4", "2025", "1,5")])
    with pytest.raises(mrv.InputError) as error:
        models.import_file(copy, tmp_path / "claims.csv")
    assert [(p.row, p.column) for p in error.value.problems] == [(2, "claim_id")]
    assert "registered already" in error.value.problems[0].expected


def test_only_the_province_registers_claims(copy, tmp_path):
    _claims(tmp_path / "claims.csv", [("TB-010", "nhãn", "HTX-001", "TINH-CAPHE-6", "2025", "1")])
    with pytest.raises(models.OutOfScope) as error:
        models.import_file(copy, tmp_path / "claims.csv", imported_by="demo-xa")
    assert [p.value for p in error.value.problems] == ["claims"]
    models.import_file(copy, tmp_path / "claims.csv", imported_by="demo-tinh")


def test_a_claim_a_later_official_run_no_longer_backs_is_an_error_of_the_check_and_the_report(copy, tmp_path):
    assert "claims_beyond_reduction" not in set(models.check_year(copy, 2025, scope=models.LOCAL)["rule"])
    before = models.claimable(copy, 2025).set_index("plot_id")
    # TB-001 took all of TINH-CAPHE-1's reduction; the year is reopened and 300 kg of urea found missing
    models.review(copy, "22015", 2025, "reopen", by="demo-tinh", reason="sót một lần bón urê")
    path = tmp_path / "records.csv"
    path.write_text("plot_id,year,date,activity,product,quantity,unit,n_content\n"
                    "TINH-CAPHE-1,2025,2025-06-01,fertiliser,urea,300,kg,\n", encoding="utf-8")
    models.import_file(copy, path, imported_by="demo-tinh")
    models.calculate_year(copy, 2025, official=True, by="demo-tinh")
    after = models.claimable(copy, 2025).set_index("plot_id")
    # the project's emissions grow by 300 kg × E (wet climate: urea's N2O, direct and indirect, and its CO2),
    # its baseline (the control plots) stays: the reduction falls by 0.3 E t, all of it claimed already
    assert before.at["TINH-CAPHE-1", "reduction_t"] - after.at["TINH-CAPHE-1", "reduction_t"] == pytest.approx(
        0.3 * E, rel=1e-9)
    assert after.at["TINH-CAPHE-1", "reduction_t"] > 0 and after.at["TINH-CAPHE-1", "free_t"] < 0
    findings = models.check_year(copy, 2025, scope=models.LOCAL)
    [found] = findings[findings["rule"] == "claims_beyond_reduction"].itertuples()
    assert (found.severity, found.commune_code, found.plot_id) == ("error", "22015", "TINH-CAPHE-1")
    assert found.value == pytest.approx(0.3 * E, rel=1e-9)
    assert "lần tính chính thức nay cho" in mrv.say(found.message, "vi")
    assert models.check_year(copy, 2025, "24133", scope=models.LOCAL)["rule"].ne("claims_beyond_reduction").all()
    qa = models.build_report(copy, 2025, scope=models.LOCAL).sections["qa"]
    row = qa[qa["rule"] == "Tuyên bố vượt mức giảm phát thải của lần tính chính thức"]
    assert row["findings"].tolist() == [1]
    # the register as the server gives it: what is free to claim is now below zero by the excess
    for name in ("demo-tinh", "demo-xa"):
        models.set_password(copy, name, "mật khẩu thử 2026", by=models.LOCAL)
    client = TestClient(web.create_app(copy))
    answer = client.get("/api/v1/claims/2025", headers=bearer(client, "demo-tinh", "mật khẩu thử 2026"))
    register = {row["plot_id"]: row for row in answer.json()}
    assert register["TINH-CAPHE-1"]["free_t"] == pytest.approx(-0.3 * E, rel=1e-9)
    assert register["TINH-CAPHE-1"]["claimed_t"] == pytest.approx(before.at["TINH-CAPHE-1", "claimed_t"])
    assert client.get("/api/v1/claims/2025", headers=bearer(client, "demo-xa", "mật khẩu thử 2026")).status_code == 403
    assert client.get("/api/v1/claims/2031", headers=bearer(client, "demo-tinh", "mật khẩu thử 2026")).status_code == 404
