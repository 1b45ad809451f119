"""`mrv template`: an XLSX workbook with one sheet per importable table, the headers in
Vietnamese or English, drop-down lists (crop, product, unit, commune, activity), and a
record id on every row of the records sheet (unique to the workbook), so that a row
corrected later replaces its record instead of adding a second one."""

from __future__ import annotations

import uuid
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

import mrv
from mrv.factors import load_catalogue
from mrv.models._files import LISTS, SPECS, vietnamese_headers
from mrv.models._seed import official_communes

#: Rows of each sheet with drop-down lists, and in the records sheet with a record id.
ROWS = 4999
#: Column → drop-down list it takes its values from.
DROP_DOWNS = {"crop": "crop", "intercrop": "crop", "product": "product", "unit": "unit", "area_unit": "area_unit",
              "commune_code": "commune", "activity": "activity", "climate": "climate", "irrigation": "irrigation",
              "use": "use", "role": "role", "level": "level"}


def input_lists(lang: str = "vi") -> dict[str, list[str]]:
    """The values each drop-down list offers (the template's lists, the pages' choices):
    names in Vietnamese, or ids in English."""
    name = "name_vi" if lang == "vi" else "id"
    return {
        "crop": list(load_catalogue("crops")[name]),
        "product": list(load_catalogue("products")[name]),
        "unit": ["kg", "tạ", "tấn", "yến", "bao", "L", "kWh", "ha", "sào nam", "sào trung", "sào bắc", "công"],
        "area_unit": ["ha", "m²", "sào nam", "sào trung", "sào bắc", "công", "mẫu nam"],
        "commune": [f"{c['code']} – {c['name']}" for c in official_communes()],  # 24133 – Xã Ea Kao
        "activity": list(load_catalogue("activities")[name]),
        "climate": list(load_catalogue("climates")[name]),
        "irrigation": list(load_catalogue("irrigation")[name]),
        "use": list(load_catalogue("energy_uses")[name]),
        "role": ["thí điểm", "đối chứng"] if lang == "vi" else ["pilot", "control"],
        "level": ["tỉnh", "xã"] if lang == "vi" else ["province", "commune"],
    }


def write_template(path: str | Path, lang: str = "vi") -> Path:
    """Write the import template; every sheet it writes is read back by `mrv import`."""
    if lang not in ("vi", "en"):
        raise ValueError("lang must be vi or en")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    lists = input_lists(lang)
    hidden = book.create_sheet(LISTS)
    ranges = {}
    for column, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(column)
        hidden.cell(1, column, name)
        for row, value in enumerate(values, start=2):
            hidden.cell(row, column, mrv.cell_value(value))
        ranges[name] = f"{LISTS}!${letter}$2:${letter}${len(values) + 1}"
    hidden.sheet_state = "hidden"
    headers = vietnamese_headers()
    for table, spec in SPECS.items():
        sheet = book.create_sheet(headers[table]["*"] if lang == "vi" else table, index=len(book.sheetnames) - 1)
        for column, name in enumerate((*spec.required, *spec.optional), start=1):
            cell = sheet.cell(1, column, headers[table].get(name, name) if lang == "vi" else name)
            cell.font = Font(bold=True)
            if name in spec.required:
                cell.fill = PatternFill("solid", fgColor="FFF2CC")
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = max(12, len(str(cell.value)) + 2)
            if name in DROP_DOWNS:
                validation = DataValidation(type="list", formula1=f"={ranges[DROP_DOWNS[name]]}", allow_blank=True)
                validation.add(f"{letter}2:{letter}{ROWS + 1}")
                sheet.add_data_validation(validation)
            if table == "records" and name == "record_id":  # every row its own id, unique to this workbook
                prefix = uuid.uuid4().hex[:6].upper()
                for row in range(2, ROWS + 2):
                    sheet.cell(row, column, f"{prefix}-{row - 1:04d}")
        sheet.freeze_panes = "A2"
    book.save(path)
    return path
