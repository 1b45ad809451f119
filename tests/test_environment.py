"""No traceback ever reaches a user: files in the encodings Vietnamese offices use are read,
files of the wrong kind are refused saying what they are (exit 2), database and file
system faults are one line with the cause and the fix (exit 4), a fault of the program is
one line and a log file (exit 70); nothing is stored when anything is refused. A fuzz test
feeds the import random bytes, cells and header orders."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app
from mrv.cli._app import _fault
from tests.helpers import snapshot

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RECORDS = "plot_id,year,activity,product,quantity,unit,n_content\nCP-01,2025,bón phân,phân urê,3,bao,\n"
runner = CliRunner()


def invoke(*arguments) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in arguments], env={"COLUMNS": "250"})
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'mrv.sqlite'}"
    assert invoke("import", EXAMPLES / "plots.csv", "--db", url)[0] == 0
    return url


@pytest.mark.parametrize("encoding, shown", [("cp1258", "Windows-1258"), ("utf-16", "UTF-16"), ("utf-8-sig", "")])
def test_vietnamese_office_encodings_are_read(db, tmp_path, encoding, shown):
    path = tmp_path / "nhat-ky.csv"
    path.write_bytes(RECORDS.encode(encoding))
    code, output = invoke("import", path, "--db", db)
    assert code == 0 and "bản ghi mới: 1" in output and (shown in output if shown else "bảng mã" not in output)
    with models.connect(db).connect() as connection:  # 3 bags of urea: 150 kg, the Vietnamese names understood
        assert connection.exec_driver_sql("SELECT product_id, quantity_text FROM activityrecord").all() == [("urea", "3")]


def test_files_of_the_wrong_kind_are_refused_saying_what_they_are(db, tmp_path):
    book = Workbook()
    book.active.append(["plot_id"])
    cases = {"records.xlsx": (RECORDS.encode(), "đây là tệp văn bản (CSV): đổi tên thành records.csv"),
             "records.csv": (None, "đây là sổ tính: đổi tên thành records.xlsx"),
             "~$so-lieu.xlsx": (b"\x0bNguyen Van An" + b"\x00" * 40, "nhập chính tệp so-lieu.xlsx"),
             "empty.csv": (b"", "'(tệp rỗng)'"), "binary.csv": (bytes(range(256)), "'(dữ liệu nhị phân)'"),
             "old.xlsx": (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "rồi lưu thành .xlsx"),
             "broken.xlsx": (b"PK\x03\x04garbage", "rồi lưu lại thành .xlsx"),
             "latin.csv": ("plot_id,year\nCP-01,2025\n".encode() + bytes([0x81, 0x8d, 0x90]) + b"\n", "CSV UTF-8")}
    before = snapshot(models.connect(db))
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content is None:
            book.save(path)
        else:
            path.write_bytes(content)
        code, output = invoke("import", path, "--db", db)
        assert (code, message in output) == (2, True), (name, output)
    assert snapshot(models.connect(db)) == before


def test_database_faults_are_one_line_with_the_fix(db, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database", encoding="utf-8")
    cases = {f"sqlite:///{tmp_path}": "là một thư mục", f"sqlite:///{tmp_path}/missing/mrv.sqlite": "không tồn tại",
             f"sqlite:///{text_file}": "không phải tệp cơ sở dữ liệu", "mysql+nothing://x": "không phải địa chỉ",
             "postgresql://nobody@127.0.0.1:1/mrv": "Không kết nối được"}
    for url, message in cases.items():
        code, output = invoke("audit", "--year", "2025", "--db", url)
        assert (code, message in output) == (4, True), (url, output)
    code, output = invoke("import", EXAMPLES / "records.csv", "--db", f"sqlite:///{tmp_path}", "--lang", "en")
    assert code == 4 and "is a folder, not a database file" in output


def test_a_read_only_newer_or_damaged_database_stores_nothing(db, tmp_path):
    path = Path(db.removeprefix("sqlite:///"))
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    code, output = invoke("import", EXAMPLES / "records.csv", "--db", read_only)
    assert code == 4 and "chỉ cho phép đọc" in output
    assert snapshot(models.connect(db))["activityrecord"][0] == 0
    with sqlite3.connect(path) as connection:  # everything into the main file, to copy it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    newer = tmp_path / "newer.sqlite"
    shutil.copy(path, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    code, output = invoke("import", EXAMPLES / "records.csv", "--db", f"sqlite:///{newer}", "--lang", "en")
    assert code == 4 and "newer version of mrv" in output and "0099" in output
    damaged = tmp_path / "damaged.sqlite"
    content = bytearray(path.read_bytes())
    content[4096 * 2:4096 * 6] = bytes(range(256)) * 64  # pages of tables overwritten
    damaged.write_bytes(content)
    code, output = invoke("import", EXAMPLES / "records.csv", "--db", f"sqlite:///{damaged}")
    assert code == 4 and "bị hỏng" in output


def test_an_unwritable_output_and_a_full_disk_are_environment_faults(db, tmp_path):
    calc = ["calc", "--plots", EXAMPLES / "plots.csv", "--records", EXAMPLES / "records.csv"]
    code, output = invoke(*calc, "--out", EXAMPLES / "plots.csv" / "results.csv")
    assert code == 4 and "Không ghi được" in output
    assert _fault(OSError(errno.ENOSPC, "No space left on device"))[0] == "disk_full"


def test_a_fault_of_the_program_is_one_line_and_a_log(db, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")
    monkeypatch.setattr(models, "audit_trail", broken)
    code, output = invoke("audit", "--year", "2025", "--db", db)
    assert code == 70 and "ZeroDivisionError: division by zero" in output
    log = output.split("chi tiết ghi ở ")[1].split(".log")[0] + ".log"
    assert "Traceback" in Path(log).read_text(encoding="utf-8")
    os.remove(log)


def test_two_imports_at_once_both_store_everything(database, tmp_path):
    engine = models.connect(database)
    models.seed(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    engine.dispose()
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.csv"
        pd.DataFrame({"record_id": [f"{name}{i}" for i in range(3000)], "plot_id": "CP-01", "year": "2025",
                      "activity": "fertiliser", "product": "urea", "quantity": "1", "unit": "kg",
                      "n_content": ""}).to_csv(path, index=False)
        files.append(path)
    processes = [subprocess.Popen([sys.executable, "-m", "mrv.cli", "import", str(path), "--db", database],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for path in files]
    outputs = [p.communicate(timeout=300)[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert snapshot(models.connect(database))["activityrecord"][0] == 6000


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """One database for every fuzz example: a refused import leaves it as it was."""
    folder = tmp_path_factory.mktemp("fuzz")
    engine = models.connect(f"sqlite:///{folder / 'mrv.sqlite'}")
    models.seed(engine)
    models.import_file(engine, EXAMPLES / "plots.csv")
    yield folder, engine
    engine.dispose()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_the_import_gives_a_clean_refusal_or_success(fuzzed, data):
    folder, engine = fuzzed
    kind = data.draw(st.sampled_from(["bytes", "cells"]))
    suffix = data.draw(st.sampled_from([".csv", ".xlsx"]))
    path = folder / f"input{suffix}"
    if kind == "bytes":
        path.write_bytes(data.draw(st.binary(max_size=600)))
    else:
        headers = data.draw(st.permutations(["plot_id", "year", "activity", "product", "quantity", "unit", "n_content",
                                             "record_id", "evidence", "date"]))
        headers = headers[:data.draw(st.integers(3, len(headers)))]
        cell = st.one_of(st.text(max_size=12), st.sampled_from(["CP-01", "2025", "urea", "fertiliser", "kg", "3,5",
                                                                 "1e400", "-0", "=1+1", "2025-13-45"]))
        rows = data.draw(st.lists(st.lists(cell, min_size=len(headers), max_size=len(headers)), max_size=5))
        if suffix == ".csv":
            pd.DataFrame(rows, columns=headers).to_csv(path, index=False)
        else:
            book = Workbook()
            for row in [headers, *rows]:
                book.active.append([c if c.isprintable() else "" for c in row])
            book.save(path)
    before = snapshot(engine)
    try:
        models.import_file(engine, path)
    except mrv.InputError as error:
        assert error.problems and all(p.expected and p.fix for p in error.problems)
        assert snapshot(engine) == before
