"""Messages in the reader's language: the Vietnamese catalogue covers every message of the
code, its compiled form is current, and the command line's errors, findings and audit
lines read in Vietnamese by default, in English with --lang en."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "mrv" / "locale" / "vi" / "LC_MESSAGES"
runner = CliRunner()


def _code_messages() -> set[str]:
    """Every msg("…") template of the code, as Babel (and `make messages`) extracts it."""
    found = set()
    for folder in ("mrv", "models", "cli", "web"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, keywords={"msg": None, "help_text": None}, comment_tags=()):
            found.add(message)
    return found


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)", text))


def _catalogue():
    with open(CATALOGUE / "mrv.po", "rb") as handle:
        return read_po(handle)


def test_the_vietnamese_catalogue_translates_every_message_of_the_code_and_nothing_else():
    catalogue = _catalogue()
    translated = {m.id: m for m in catalogue if m.id}
    code = _code_messages()
    assert len(code) > 350  # the importer, checks, review, roles, files and command line
    assert sorted(code - set(translated)) == [], "run `make messages` and translate the new entries"
    assert sorted(set(translated) - code) == [], "messages no longer in the code: run `make messages`"
    for message in translated.values():
        assert message.string and not message.fuzzy, message.id
        assert _fields(message.string) == _fields(message.id), message.id  # every value shown, none invented


def test_the_compiled_catalogue_is_the_current_one():
    with open(CATALOGUE / "mrv.mo", "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == {m.id: m.string for m in _catalogue() if m.id}, "run `make messages`"


def test_a_message_is_english_text_said_in_vietnamese_with_its_values():
    text = mrv.msg("{what}, above 0", what=mrv.msg("an area"))
    assert text == "an area, above 0" and isinstance(text, str)  # errors and logs read it as before
    assert mrv.say(text, "vi") == "diện tích, lớn hơn 0"  # the value (a message too) said in Vietnamese
    assert mrv.say(text, "en") == "an area, above 0"
    count = mrv.msg("{count} problem(s) in the input: nothing was calculated or written.", count=3)
    assert mrv.say(count, "vi") == "3 lỗi trong dữ liệu đầu vào: chưa tính và chưa ghi gì."
    assert mrv.say("kg N/ha", "vi") == "kg N/ha" and mrv.say(None, "vi") == ""  # plain text is left as it is
    assert pickle.loads(pickle.dumps(text)).values == text.values  # crosses process boundaries whole
    assert mrv.said(models.ReviewError(mrv.msg("submit")), "vi") == "gửi số liệu"
    assert mrv.said(ValueError("plain"), "vi") == "plain"


def test_a_problem_reads_in_either_language():
    problem = mrv.Problem("nhat-ky.csv", 3, "quantity", "2,5,1", mrv.msg("a number such as 12, 2,5 or 1 200"),
                          mrv.msg("write digits only, with one decimal mark and no unit in this cell"))
    assert problem.text("vi") == ("nhat-ky.csv, dòng 3, cột 'quantity': '2,5,1': cần một số như 12, 2,5 hoặc 1 200. "
                                  "Sửa: chỉ ghi chữ số, một dấu thập phân và không ghi đơn vị trong ô này")
    assert str(problem) == ("nhat-ky.csv, row 3, column 'quantity': '2,5,1': expected a number such as 12, 2,5 or "
                            "1 200. Fix: write digits only, with one decimal mark and no unit in this cell")
    said = problem.said("vi")
    assert (said.expected, said.row, said.value) == ("một số như 12, 2,5 hoặc 1 200", 3, "2,5,1")


def test_province_time_is_utc_plus_seven_written_day_first():
    stored = datetime(2026, 3, 15, 20, 5, 9, tzinfo=timezone.utc)  # 03:05:09 the next morning in Đắk Lắk
    assert mrv.province_time(stored, "vi") == "16/03/2026 03:05:09"
    assert mrv.province_time(stored.replace(tzinfo=None), "en") == "2026-03-16 03:05:09"  # naive = UTC as stored


def _english_fragments() -> set[str]:
    """The fixed English words of every message (between its fields) long enough to be
    recognised, where the Vietnamese says something else."""
    fragments = set()
    for message in _catalogue():
        if not message.id:
            continue
        for part in re.split(r"\{\w+\}", message.id):
            part = part.strip(" .,:;()'")
            if len(part) >= 12 and " " in part and part not in message.string:
                fragments.add(part)
    return fragments


def _invoke(*args, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args], input=stdin, env={"COLUMNS": "400"}, prog_name="mrv")
    return result.exit_code, result.output


def test_a_vietnamese_user_meets_no_english_message_on_the_command_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'mrv.sqlite'}"
    records = tmp_path / "nhat-ky.csv"
    records.write_text("plot_id,year,date,activity,product,quantity,unit,n_content\n"
                       "CP-01,2025,31/02/2025,bón phân,urê,\"2,5,1\",cân,\n"
                       ",2025,,đốt phụ phẩm,,1,sào,\n", encoding="utf-8")
    workbook_named_csv = tmp_path / "so-lieu.xlsx"
    workbook_named_csv.write_text("plot_id,year\n", encoding="utf-8")
    runs = {
        "bad records": (2, ("import", records, "--db", db)),
        "a file of the wrong kind": (2, ("import", workbook_named_csv, "--db", db)),
        "calc without files": (2, ("calc",)),
        "a bad format": (2, ("report", "--year", "2025", "--format", "odt", "--db", db)),
        "no official run": (2, ("report", "--year", "2025", "--db", db)),
        "an unknown commune": (2, ("communes", "Hà Nội", "--db", db)),
        "an unknown user": (2, ("review", "submit", "--commune", "24133", "--year", "2025", "--by", "Ai Đó", "--db", db)),
        "a bad role": (2, ("user", "add", "Nguyễn Văn An", "--role", "verifier", "--db", db)),
        "no --series": (2, ("recalc", "--db", db)),
        "no year to export": (2, ("export", "inventory", "--out", tmp_path / "x.xlsx", "--db", db)),
        "a database URL of no kind": (4, ("audit", "--year", "2025", "--db", "mysql+nothing://x")),
        "a bad locale": (2, ("import", records, "--locale", "fr", "--db", db)),
        # what Typer itself refuses (its own words are English): said by the command
        "a missing option": (2, ("check", "--db", db)),
        "an unknown option": (2, ("check", "--yeer", "2025", "--db", db)),
        "a value outside the choices": (2, ("calc", "--factors", "ipcc2050")),
        "no such file": (2, ("import", tmp_path / "khong-co.csv", "--db", db)),
        "not a number": (2, ("report", "--year", "hai nghìn")),
        "below the least": (2, ("uncertainty", "--year", "2025", "--draws", "5", "--db", db)),
        "words too many": (2, ("communes", "Ea", "Kao", "--db", db)),
    }
    fragments = _english_fragments()
    for case, (expected_code, args) in runs.items():
        code, output = _invoke(*args)
        assert code == expected_code, (case, output)
        english = sorted(f for f in fragments if f in output)
        assert english == [], (case, english, output)
    _, output = _invoke("import", records, "--db", db)
    assert "nhat-ky.csv, dòng 2, cột 'date': '31/02/2025': cần ngày dạng 15/03/2025" in output  # no 31 February
    assert "cột 'quantity': '2,5,1': cần một số như 12, 2,5 hoặc 1 200" in output
    assert _invoke("check", "--db", db)[1] == ("thiếu '--year': lệnh này cần tuỳ chọn đó\n"
                                               "Xem hướng dẫn: mrv check --help\n")
    assert "'--factors' chỉ nhận một trong: ipcc2019, ipcc2006, vn2022" in _invoke("calc", "--factors", "x")[1]
    assert _invoke("check", "--db", db, "--lang", "en")[1].startswith("'--year' is missing: this command needs it")
    _, output = _invoke("import", records, "--db", db, "--lang", "en")
    assert "nhat-ky.csv, row 2, column 'date': '31/02/2025': expected a date such as 15/03/2025" in output


def test_check_and_audit_speak_vietnamese_with_province_time(tmp_path):
    db = f"sqlite:///{tmp_path / 'mrv.sqlite'}"
    examples = ROOT / "examples"
    for name in ("plots.csv", "records.csv"):
        assert _invoke("import", examples / name, "--db", db)[0] == 0
    code, output = _invoke("check", "--year", "2025", "--db", db)
    assert code in (0, 1) and "Mức độ" in output and re.search(r"\d+ lỗi, \d+ cảnh báo", output)
    assert [f for f in _english_fragments() if f in output] == []
    _invoke("user", "add", "Lê Thị Hoa", "--role", "admin", "--db", db)
    code, output = _invoke("audit", "--year", "2025", "--db", db)
    assert code == 0 and "Nhật ký thay đổi năm 2025" in output and "thêm bản ghi" in output
    with models.connect(db).connect() as connection:
        at = connection.exec_driver_sql("SELECT at FROM auditentry WHERE action = 'records added'").scalar()
    shown = mrv.province_time(datetime.fromisoformat(str(at)), "vi")
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", shown) and f"{shown} +07" in output
    code, output = _invoke("audit", "--year", "2025", "--db", db, "--lang", "en")
    assert "Audit trail 2025" in output and "records added" in output



def test_the_help_of_commands_and_options_is_in_the_language_asked_for():
    code, output = _invoke("import", "--help")  # Vietnamese unless the command line says --lang en
    assert code == 0 and "Tệp CSV (một bảng) hoặc XLSX (mỗi trang tính một bảng)." in " ".join(output.split())
    english = subprocess.run([sys.executable, "-m", "mrv.cli", "import", "--help", "--lang", "en"],
                             capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert "CSV (one table) or XLSX (one sheet per table) file." in english.stdout
    commands = subprocess.run([sys.executable, "-m", "mrv.cli", "--help"], capture_output=True, text=True,
                              env={**os.environ, "COLUMNS": "200"})
    assert "Kiểm tra QA/QC số liệu của một năm" in commands.stdout  # each command's line in the list


def test_a_decimal_in_a_vietnamese_message_is_written_with_a_decimal_comma():
    """5.012 in a Vietnamese sentence reads as five thousand and twelve: a float value is
    written as the language writes it (5,012), a whole number and an id as they are."""
    message = mrv.msg("at most {free:.3f} t of {plot} {year}", free=5.0115, plot="A.1", year=2025)
    assert mrv.say(message, "vi") == "at most 5,011 t of A.1 2025"  # no catalogue entry: the template itself
    assert mrv.say(message, "en") == "at most 5.011 t of A.1 2025"
