"""What a file is before it is read: a file of the wrong kind, an empty file or Excel's
lock file is refused with what it is and what to do, never read as garbage; text files
are UTF-8 (with or without a BOM), UTF-16 (with its BOM) or Windows-1258, the code page
of many Vietnamese office computers."""

from __future__ import annotations

from pathlib import Path

from mrv._errors import InputError, Problem

ZIP = b"PK\x03\x04"  # an XLSX workbook is a ZIP archive
OLE = b"\xd0\xcf\x11\xe0"  # an Excel 97-2003 .xls workbook
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: encoding → how Python's codecs open it (the BOM of UTF-8 is skipped)
PYTHON_CODECS = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "cp1258": "cp1258"}


def _refuse(path: Path, value: str, expected: str, fix: str) -> InputError:
    return InputError([Problem(str(path), None, "", value, expected, fix)])


def check_file(path: str | Path, kind: str) -> str:
    """Check that `path` can be read as `kind` ("csv" or "xlsx") and return the text
    encoding to try first for a CSV file ("utf-8" or "utf-16"; "" for a workbook).
    Raises `InputError` saying what the file is instead, in Vietnamese, then English."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(4096)
    name = "CSV" if kind == "csv" else "Excel (.xlsx)"
    if path.name.startswith("~$"):
        raise _refuse(path, path.name, "tệp dữ liệu, không phải tệp khoá Excel tạo ra khi sổ tính đang mở / a data file, "
                      "not the lock file Excel keeps while a workbook is open",
                      f"đóng sổ tính trong Excel rồi nhập chính tệp {path.name[2:]} / close the workbook in Excel and "
                      f"import {path.name[2:]} itself")
    if not head:
        raise _refuse(path, "(tệp rỗng / empty file)", f"một tệp {name} có dòng tiêu đề và dữ liệu / a {name} file with a "
                      "header row and data", "kiểm tra đã chọn đúng tệp, hoặc lưu lại tệp / check that the right file "
                      "was chosen, or save it again")
    if kind == "xlsx":
        if head.startswith(ZIP):
            return ""
        if head.startswith(OLE):
            raise _refuse(path, "Excel 97-2003 (.xls)", "một sổ tính Excel (.xlsx) / an Excel workbook (.xlsx)",
                          "mở trong Excel hoặc LibreOffice rồi lưu thành .xlsx / open it in Excel or LibreOffice and "
                          "save it as .xlsx")
        if head.startswith(UTF16_BOMS) or b"\x00" not in head:
            raise _refuse(path, "(tệp văn bản / a text file)", "một sổ tính Excel (.xlsx) / an Excel workbook (.xlsx)",
                          f"đây là tệp văn bản (CSV): đổi tên thành {path.stem}.csv / it is a text (CSV) file: rename it "
                          f"to {path.stem}.csv")
        raise _refuse(path, "(không phải sổ tính / not a workbook)", "một sổ tính Excel (.xlsx) / an Excel workbook "
                      "(.xlsx)", "xuất dữ liệu thành .xlsx hoặc CSV UTF-8 / export the data as .xlsx or CSV UTF-8")
    if head.startswith(ZIP) or head.startswith(OLE):
        raise _refuse(path, "(sổ tính Excel / an Excel workbook)", "một tệp văn bản CSV / a CSV text file",
                      f"đây là sổ tính: đổi tên thành {path.stem}.xlsx (hoặc lưu thành CSV UTF-8) / it is a workbook: "
                      f"rename it to {path.stem}.xlsx (or save it as CSV UTF-8)")
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    if b"\x00" in head:
        raise _refuse(path, "(dữ liệu nhị phân / binary data)", "một tệp văn bản CSV / a CSV text file",
                      "xuất dữ liệu thành CSV UTF-8 hoặc .xlsx / export the data as CSV UTF-8 or .xlsx")
    return "utf-8"
