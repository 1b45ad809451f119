"""The database layer on SQLite and, where MRV_TEST_POSTGRES_URL is set (CI), PostgreSQL:
the same tests on both."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from sqlalchemy import select, text
from sqlmodel import Session

import mrv
from mrv import models
from mrv.models._tables import (
    ActivityRecord, AuditEntry, CalculationRun, Commune, CommuneSetting, PilotPlot, Plot, PlotCrop,
)
from tests.helpers import commune_records, count, register, snapshot, two_years_of_examples

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
def test_communes_are_seeded_once(engine):
    models.seed(engine)
    assert count(engine, Commune) == 102
    assert count(engine, Commune, Commune.kind == "xã") == 88 and count(engine, Commune, Commune.kind == "phường") == 14
    with Session(engine) as session:
        names = session.execute(select(Commune.name)).scalars().all()
    assert all("  " not in name for name in names) and "Phường Buôn Ma Thuột" in names


def test_a_good_file_imported_twice_is_stored_once(engine):
    models.import_file(engine, EXAMPLES / "plots.csv")
    first = models.import_file(engine, EXAMPLES / "records.csv")
    second = models.import_file(engine, EXAMPLES / "records.csv")
    assert (first.records_added, second.records_added, second.records_unchanged) == (26, 0, 26)
    assert count(engine, ActivityRecord) == 26


def test_a_changed_row_becomes_a_new_version(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv")
    changed = tmp_path / "records.csv"
    text_ = (EXAMPLES / "records.csv").read_text(encoding="utf-8").replace("R1,CP-01,2025,2025-05-10,fertiliser,urea,500,",
                                                                          "R1,CP-01,2025,2025-05-10,fertiliser,urea,450,")
    changed.write_text(text_, encoding="utf-8")
    summary = models.import_file(engine, changed)
    assert (summary.records_changed, summary.records_unchanged, summary.changed_keys) == (1, 25, ["R1"])
    with Session(engine) as session:
        versions = session.execute(select(ActivityRecord.version, ActivityRecord.is_current, ActivityRecord.quantity)
                                   .where(ActivityRecord.record_key == "R1").order_by(ActivityRecord.version)).all()
    assert [tuple(v) for v in versions] == [(1, False, 500.0), (2, True, 450.0)]


def test_a_file_with_one_bad_row_stores_nothing_and_names_the_row(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    before = snapshot(engine)
    bad = tmp_path / "records.csv"
    lines = (EXAMPLES / "records.csv").read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7].replace("NPK 16-16-8", "vôi")  # R7, spreadsheet row 8
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, bad)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(8, "product", "vôi")]
    assert snapshot(engine) == before


def test_a_record_the_official_run_could_not_calculate_is_refused_at_import(engine, tmp_path):
    # IPCC 2006 Table 2.4 gives no fuel burnt for coffee residues: a burnt coffee plot would
    # make the province's official run fail, so its import stores nothing and says why
    models.import_file(engine, EXAMPLES / "plots.csv")
    before = snapshot(engine)
    burnt = tmp_path / "records.csv"
    burnt.write_text("plot_id,year,activity,product,quantity,unit,n_content\n"
                     "CP-01,2025,đốt phụ phẩm,,0.5,ha,\nCP-01,2025,bón phân,urê,100,kg,\n", encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, burnt)
    [problem] = caught.value.problems
    assert (problem.column, problem.value) == ("fuel_burnt", "crop=coffee") and "CP-01" in problem.fix
    assert snapshot(engine) == before
    models.calculate_year(engine, 2025, official=True)  # the province's run is not broken


def test_xlsx_with_vietnamese_headers_and_pilot_models(engine, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Mô hình"
    sheet.append(["Mã mô hình", "Tên mô hình", "Cấp", "Cây trồng", "Mã xã", "Năm bắt đầu"])
    sheet.append(["MH-1", "Cà phê phát thải thấp", "xã", "cà phê", "24133", 2025])
    plots = book.create_sheet("Lô đất")
    plots.append(["Mã lô", "Mã xã", "Cây trồng", "Diện tích", "Đơn vị diện tích", "Mã mô hình", "Vai trò", "Cây xen",
                  "Tỷ lệ cây xen"])
    plots.append(["L1", "24133", "cà phê", 1.5, "ha", "MH-1", "thí điểm", "sầu riêng", 20])
    plots.append(["L2", "24133", "cà phê", 5, "sào nam", "MH-1", "đối chứng", None, None])
    records = book.create_sheet("Nhật ký")
    records.append(["Mã lô", "Năm", "Hoạt động", "Sản phẩm", "Số lượng", "Đơn vị", "Hàm lượng N (%)"])
    records.append(["L1", 2025, "bón phân", "phân urê", 3, "bao", None])
    records.append(["L2", 2025, "bón phân", "phân urê", 1.234, "tạ", None])
    path = tmp_path / "nhap.xlsx"
    book.save(path)
    summary = models.import_file(engine, path)
    assert summary.rows == {"pilot_models": 1, "plots": 2, "records": 2}
    with Session(engine) as session:
        roles = dict(session.execute(select(Plot.code, PilotPlot.role).join(PilotPlot)).all())
        shares = sorted(session.execute(select(PlotCrop.crop_id, PlotCrop.share)).all())
        l2 = session.execute(select(Plot.area_ha).where(Plot.code == "L2")).scalar_one()
        quantities = sorted(session.execute(select(ActivityRecord.quantity)).scalars())
    assert roles == {"L1": "pilot", "L2": "control"}
    assert [(c, pytest.approx(s)) for c, s in shares] == [("coffee", 0.8), ("coffee", 1.0), ("durian", 0.2)]
    assert l2 == pytest.approx(0.5) and quantities == [pytest.approx(1.234), 3.0]


def test_runs_are_stored_kept_and_superseded(engine):
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, EXAMPLES / "records.csv")
    first = models.calculate_year(engine, 2025, official=True)
    commune = models.calculate_year(engine, 2025, commune="24133")
    second = models.calculate_year(engine, 2025, official=True)
    assert models.official_run(engine, 2025).id == second.id
    with Session(engine) as session:
        superseded = session.get(CalculationRun, first.id).superseded_by
    assert superseded == second.id and count(engine, CalculationRun) == 3
    stored = models.run_results(engine, second.id)
    direct = mrv.calculate(mrv.read_table(EXAMPLES / "plots.csv"), mrv.read_table(EXAMPLES / "records.csv"))
    direct = direct[direct["year"] == 2025]  # the files also give ST-01's Tier 2 row of 2024
    assert stored["co2e_kg"].sum() == pytest.approx(direct["co2e_kg"].sum(), rel=1e-9)
    assert len(stored) == len(direct) == second.result_rows
    assert set(models.run_results(engine, commune.id)["commune_code"]) == {"24133"}
    assert first.input_hash == second.input_hash and first.factor_set_version == second.factor_set_version


def test_an_import_killed_half_way_leaves_the_database_as_before(database, tmp_path):
    engine = models.connect(database)
    models.seed(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    before = snapshot(engine)
    rows = 200_000
    pd.DataFrame({"plot_id": "CP-01", "year": "2025", "activity": "fertiliser", "product": "urea",
                  "quantity": [str(1 + i % 500) for i in range(rows)], "unit": "kg", "n_content": "",
                  "record_id": [f"K{i}" for i in range(rows)]}).to_csv(tmp_path / "big.csv", index=False)
    process = subprocess.Popen([sys.executable, "-m", "mrv.cli", "import", str(tmp_path / "big.csv"), "--db", database],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    still_running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert still_running, "the import finished before it could be killed; make the file larger"
    assert snapshot(engine) == before
    engine.dispose()


def test_the_template_filled_in_imports(engine, tmp_path):
    from openpyxl import load_workbook
    path = models.write_template(tmp_path / "mau.xlsx", "vi")
    book = load_workbook(path)
    assert {"Lô đất", "Nhật ký", "Mô hình", "HTX", "Diện tích xã", "Quy trình", "Tỷ lệ áp dụng"} <= set(book.sheetnames)
    assert book["Nhật ký"].data_validations.dataValidation  # drop-down lists
    book["Lô đất"].append(["L9", "24133", "Cà phê", 2, "ha"])
    book["Nhật ký"].append(["L9", 2025, "bón phân", "phân urê", 4, "bao", None])
    book.save(path)
    summary = models.import_file(engine, path)
    assert summary.rows == {"plots": 1, "records": 1} and summary.records_added == 1


def test_a_bare_sao_takes_the_communes_default(engine, tmp_path):
    with Session(engine) as session:
        session.execute(text("UPDATE commune SET sao_variant = 'trung' WHERE code = '24133'"))
        session.commit()
    path = tmp_path / "plots.csv"
    path.write_text("plot_id,commune_code,crop,area,area_unit\nS1,24133,coffee,5,sào\nS2,24175,coffee,5,sào\n",
                    encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:  # 24175 has no default: the bare sào is refused there only
        models.import_file(engine, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "area_unit")]
    path.write_text("plot_id,commune_code,crop,area,area_unit\nS1,24133,coffee,5,sào\n", encoding="utf-8")
    models.import_file(engine, path)
    with Session(engine) as session:
        assert session.execute(select(Plot.area_ha).where(Plot.code == "S1")).scalar_one() == pytest.approx(0.25)


def test_a_unit_written_after_the_number_is_kept_for_recalculation(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    path = tmp_path / "records.csv"
    path.write_text("plot_id,year,activity,product,quantity,unit,n_content\nCP-01,2025,fertiliser,urea,\"2,5 tạ\",,\n",
                    encoding="utf-8")
    models.import_file(engine, path)
    with Session(engine) as session:
        stored = session.execute(select(ActivityRecord.quantity_text, ActivityRecord.unit_text, ActivityRecord.quantity,
                                        ActivityRecord.unit)).one()
    assert tuple(stored) == ("2,5 tạ", None, 2.5, "tạ")
    results = models.run_results(engine, models.calculate_year(engine, 2025).id)
    # 250 kg urea × 0.20 × 44/12
    assert results.loc[results["source"] == "urea_co2", "mass_kg"].sum() == pytest.approx(250 * 0.2 * 44 / 12)


def test_review_steps_locking_reopening_and_the_audit_trail(engine, tmp_path):
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    own = commune_records(tmp_path)
    models.import_file(engine, own, imported_by="an")
    with pytest.raises(models.ReviewError, match="needs it to be submitted"):
        models.review(engine, "24133", 2025, "verify", by="binh")
    assert models.review(engine, "24133", 2025, "submit", by="an") == "submitted"
    with pytest.raises(models.ScopeError, match="that is for verifier"):
        models.review(engine, "24133", 2025, "verify", by="an")
    models.review(engine, "24133", 2025, "verify", by="binh")
    assert models.review(engine, "24133", 2025, "lock", by="chi") == "locked"
    before = snapshot(engine)
    changed = tmp_path / "records.csv"
    changed.write_text(own.read_text(encoding="utf-8").replace(",urea,500,", ",urea,450,"),
                       encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, changed, imported_by="an")
    # only R1 (row 2) would change the locked commune-year; its unchanged neighbours store nothing new anyway
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "year", "2025")
    assert "24133 2025" in problem.expected and "reopen" in problem.fix
    assert snapshot(engine) == before
    with pytest.raises(models.ReviewError, match="reason"):
        models.review(engine, "24133", 2025, "reopen", by="chi")
    models.review(engine, "24133", 2025, "reopen", by="chi", reason="hoá đơn R1 ghi sai số lượng")
    summary = models.import_file(engine, changed, imported_by="an")
    assert summary.changed_keys == ["R1"]
    trail = models.audit_trail(engine, 2025, scope=models.LOCAL)
    actions = [(e.action, e.actor) for e in trail]
    assert ("records added", "an") in actions
    assert [a for a, _ in actions if a in ("submit", "verify", "lock", "reopen")] == ["submit", "verify", "lock", "reopen"]
    reopen = next(e for e in trail if e.action == "reopen")
    assert reopen.reason == "hoá đơn R1 ghi sai số lượng" and reopen.before == {"status": "locked"}
    change = next(e for e in trail if e.action == "record changed")
    assert (change.record_key, change.before["quantity_text"], change.after["quantity_text"]) == ("R1", "500", "450")
    assert change.commune_code == "24133" and change.actor == "an"


def test_recalculating_the_series_makes_new_official_runs_and_keeps_the_old(engine, tmp_path):
    two_years_of_examples(engine, tmp_path)
    first = models.calculate_year(engine, 2025, official=True)
    runs = models.recalculate_series(engine, factors="vn2022")
    # 2023 has records too: the first tree inventory of ST-01
    assert [r.year for r in runs] == [2023, 2024, 2025] and all(r.factor_profile == "vn2022" for r in runs)
    assert models.official_run(engine, 2025).id == runs[-1].id
    assert len(models.run_results(engine, first.id)) == first.result_rows  # the old run stays readable


def test_commune_settings_are_imported_and_audited(engine, tmp_path):
    register(engine)
    path = tmp_path / "settings.csv"
    path.write_text("commune_code,climate,sao_variant,rice_region\n24133,khô,sào trung,miền trung\n", encoding="utf-8")
    models.import_file(engine, path, imported_by="chi")
    with Session(engine) as session:
        commune = session.execute(select(Commune).where(Commune.code == "24133")).scalars().one()
        assert (commune.climate, commune.sao_variant, commune.rice_region) == ("dry", "trung", "centre")
    with Session(engine) as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "commune settings changed")).scalars().one()
    # only what changed: the rice region was already the Centre
    assert entry.before == {"climate": "wet", "sao_variant": None} and entry.after == {
        "climate": "dry", "sao_variant": "trung"} and entry.actor == "chi"
    assert count(engine, CommuneSetting, CommuneSetting.version == 2) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("commune_code,climate,sao_variant\n99999,wet,\n24133,wet,sào giữa\n", encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, bad)
    assert [(p.file, p.row, p.column, p.value) for p in caught.value.problems] == [
        (str(bad), 2, "commune_code", "99999"), (str(bad), 3, "sao_variant", "sào giữa")]
    assert all(p.fix for p in caught.value.problems)
    with Session(engine) as session:  # nothing stored: 24133 keeps its dry climate
        assert session.execute(select(Commune.climate).where(Commune.code == "24133")).scalar_one() == "dry"


def test_plan_indicators_refuse_a_count_that_is_not_whole(engine, tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_text("year,farmers_trained,communication_events\n2025,\"640,5\",12\n", encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, path)
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value, problem.expected) == (2, "farmers_trained", "640,5", "a whole number")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM planindicator")).scalar_one() == 0


def test_a_soil_practice_change_of_an_earlier_year_counts_in_the_years_after_it(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    path = tmp_path / "records.csv"
    path.write_text("plot_id,năm,activity,product,canh tác trước đó,quantity,unit,n_content\n"
                    "CP-01,2024,thay đổi canh tác đất,đầu vào cao có phân chuồng,đầu vào trung bình,1,ha,\n"
                    "CP-01,2025,fertiliser,urea,,100,kg,\n", encoding="utf-8")
    models.import_file(engine, path)
    with Session(engine) as session:
        assert session.execute(select(ActivityRecord.previous_practice).where(
            ActivityRecord.year == 2024)).scalar_one() == "đầu vào trung bình"
    results = models.run_results(engine, models.calculate_year(engine, 2025).id)
    assert set(results["year"]) == {2025}
    soil = results[results["source"] == "soil_carbon"]
    # the 2024 change still moves the soil in 2025: 38 × 1.10 × (1.44 − 1.00) / 20 t C/ha × 1 ha × 44/12
    assert soil["mass_kg"].sum() == pytest.approx(-38 * 1.10 * 0.44 / 20 * 1000 * 44 / 12, rel=1e-9)


def test_a_year_between_two_tree_inventories_takes_their_stock_difference(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    path = tmp_path / "records.csv"
    path.write_text("plot_id,year,activity,product,quantity,unit,n_content,đường kính thân (cm),chiều cao cây (m),"
                    "tỷ trọng gỗ\n"
                    "CP-01,2023,kiểm kê cây,cây che bóng,120,cây,,20,12,\"0,55\"\n"
                    "CP-01,2024,fertiliser,urea,100,kg,,,,\n"
                    "CP-01,2025,kiểm kê cây,cây che bóng,120,cây,,24,\"13,5\",\"0,55\"\n", encoding="utf-8")
    models.import_file(engine, path)
    results = models.run_results(engine, models.calculate_year(engine, 2024).id)
    biomass = results[results["source"] == "biomass_carbon"]
    # (stock 2025 − stock 2023) / 2, as in the engine's worked example: −10 973.1 kg CO2 in 2024, Tier 2 alone
    stock = [120 * 0.0673 * (0.55 * d ** 2 * h) ** 0.976 * 1.20 * 0.47 for d, h in ((20, 12), (24, 13.5))]
    assert list(biomass["input_type"]) == ["inventory"] and set(results["year"]) == {2024}
    assert biomass["mass_kg"].sum() == pytest.approx(-(stock[1] - stock[0]) / 2 * 44 / 12, rel=1e-9)


def test_a_bad_practice_change_or_tree_inventory_stores_nothing(engine, tmp_path):
    models.import_file(engine, EXAMPLES / "plots.csv")
    before = snapshot(engine)
    bad = tmp_path / "records.csv"
    lines = (EXAMPLES / "records.csv").read_text(encoding="utf-8").splitlines()
    lines[24] = lines[24].replace("đầu vào trung bình", "")  # R24, spreadsheet row 25: no former practice
    lines[26] = lines[26].replace(",13,6,", ",,6,")  # R26, row 27: no diameter
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(mrv.InputError) as caught:
        models.import_file(engine, bad)
    problems = [(p.file, p.row, p.column, p.value) for p in caught.value.problems]
    assert problems == [(str(bad), 25, "previous_practice", ""), (str(bad), 27, "diameter_cm", "")]
    assert all(p.fix for p in caught.value.problems)
    assert snapshot(engine) == before


def test_a_database_from_before_versions_upgrades_with_every_plot_and_setting_as_version_1(engine):
    from alembic import command
    from alembic.config import Config
    from mrv.models._db import MIGRATIONS
    models.import_file(engine, EXAMPLES / "plots.csv")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with Session(engine) as session:
        frames = models.records_frames(session, 2025)  # no records: empty, but readable
        versions = mrv.models._versions.plot_versions(session)
        settings = mrv.models._versions.commune_settings(session)
    assert len(frames[0]) == 0
    assert sorted(versions["plot_id"]) == ["CP-01", "CP-02", "HT-01", "LUA-01", "MIA-01", "ST-01"]
    assert set(versions["version"]) == {1} and versions.set_index("plot_id").at["CP-02", "area"] == pytest.approx(0.5)
    assert len(settings) == 102 and set(settings["rice_region"]) == {"centre"}


def test_only_a_verified_year_can_be_locked(engine, tmp_path):
    register(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    models.import_file(engine, commune_records(tmp_path), imported_by="an")
    with pytest.raises(models.ReviewError, match="24133 2025 is open: 'lock' needs it to be verified"):
        models.review(engine, "24133", 2025, "lock", by="chi")
    models.review(engine, "24133", 2025, "submit", by="an")
    with pytest.raises(models.ReviewError, match="24133 2025 is submitted: 'lock' needs it to be verified"):
        models.review(engine, "24133", 2025, "lock", by="chi")
    models.review(engine, "24133", 2025, "verify", by="binh")
    assert models.review(engine, "24133", 2025, "lock", by="chi") == "locked"


def test_two_identical_rows_without_an_id_are_two_records(engine, tmp_path):
    """Two bags of urea on one day, typed as two equal rows: two records, and the same
    file again changes nothing."""
    models.import_file(engine, EXAMPLES / "plots.csv")
    path = tmp_path / "records.csv"
    path.write_text("plot_id,year,date,activity,product,quantity,unit,n_content\n"
                    + "CP-01,2025,15/03/2025,fertiliser,urea,1,bao,\n" * 2, encoding="utf-8")
    first = models.import_file(engine, path)
    assert (first.records_added, first.records_unchanged) == (2, 0)
    again = models.import_file(engine, path)
    assert (again.records_added, again.records_unchanged) == (0, 2)
    assert count(engine, ActivityRecord, ActivityRecord.is_current.is_(True)) == 2
    # 2 bags × 50 kg of urea in the run
    with Session(engine) as session:
        plots, records = models.records_frames(session, 2025)
    assert len(records) == 2 and mrv.normalize(plots, records)["urea_kg"].sum() == pytest.approx(100)


def test_a_database_of_the_first_schema_upgrades_to_the_latest_keeping_every_row(engine, tmp_path):
    """Data of every table the first schema (0001) has is stored, the database is taken
    back to 0001, then upgraded to the latest schema: every row of those tables is there,
    with the same values in the first schema's columns."""
    from alembic import command
    from sqlalchemy import MetaData
    from mrv.models._db import run_migrations
    two_years_of_examples(engine, tmp_path)
    register(engine)
    models.review(engine, "24133", 2025, "submit", by="an")
    models.calculate_year(engine, 2025, official=True)

    def to(revision: str, step) -> None:
        run_migrations(engine, step, revision)

    def rows(metadata: MetaData, names: dict[str, list[str]]) -> dict[str, list]:
        """Each table's rows (its `names` columns), sorted, as text."""
        with engine.connect() as connection:
            return {name: sorted(repr(tuple(row)) for row in connection.execute(
                metadata.tables[name].select().with_only_columns(*(metadata.tables[name].c[c] for c in columns))))
                for name, columns in names.items()}

    to("0001", command.downgrade)
    first = MetaData()
    first.reflect(engine)
    columns = {table.name: [c.name for c in table.columns] for table in first.sorted_tables
               if table.name != "alembic_version"}
    before = rows(first, columns)
    assert len(before["activityrecord"]) == 27 and len(before["result"]) > 40 and len(before["commune"]) == 102
    assert len(before["user"]) == 3 and len(before["reviewstatus"]) == 1
    to("head", command.upgrade)
    latest = MetaData()
    latest.reflect(engine)
    after = rows(latest, columns)
    assert {name: len(values) for name, values in after.items()} == {name: len(values) for name, values in before.items()}
    assert all(after[name] == before[name] for name in after)
