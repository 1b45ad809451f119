"""What a file is before it is read: a file of the wrong kind, an empty file or Excel's
lock file is refused with what it is and what to do, never read as garbage; text files
are UTF-8 (with or without a BOM), UTF-16 (with its BOM) or Windows-1258, the code page
of many Vietnamese office computers."""

from __future__ import annotations

from pathlib import Path

from mrv._errors import InputError, Problem
from mrv._i18n import msg

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
    Raises `InputError` saying what the file is instead."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(4096)
    name = "CSV" if kind == "csv" else "Excel (.xlsx)"
    if path.name.startswith("~$"):
        raise _refuse(path, path.name, msg("a data file, not the lock file Excel keeps while a workbook is open"),
                      msg("close the workbook in Excel and import {name} itself", name=path.name[2:]))
    if not head:
        raise _refuse(path, msg("(empty file)"), msg("a {kind} file with a header row and data", kind=name),
                      msg("check that the right file was chosen, or save it again"))
    if kind == "xlsx":
        if head.startswith(ZIP):
            return ""
        if head.startswith(OLE):
            raise _refuse(path, "Excel 97-2003 (.xls)", msg("an Excel workbook (.xlsx)"),
                          msg("open it in Excel or LibreOffice and save it as .xlsx"))
        if head.startswith(UTF16_BOMS) or b"\x00" not in head:
            raise _refuse(path, msg("(a text file)"), msg("an Excel workbook (.xlsx)"),
                          msg("it is a text (CSV) file: rename it to {name}.csv", name=path.stem))
        raise _refuse(path, msg("(not a workbook)"), msg("an Excel workbook (.xlsx)"),
                      msg("export the data as .xlsx or CSV UTF-8"))
    if head.startswith(ZIP) or head.startswith(OLE):
        raise _refuse(path, msg("(an Excel workbook)"), msg("a CSV text file"),
                      msg("it is a workbook: rename it to {name}.xlsx (or save it as CSV UTF-8)", name=path.stem))
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    if b"\x00" in head:
        raise _refuse(path, msg("(binary data)"), msg("a CSV text file"),
                      msg("export the data as CSV UTF-8 or .xlsx"))
    return "utf-8"
