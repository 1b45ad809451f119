"""`mrv template`: an XLSX workbook with an instructions sheet (how to fill it in, each
sheet's content, every unit a file may use), then one sheet per importable table: the
headers in Vietnamese or English, each with a note (what the column holds, its unit and
allowed values, an example), one example row under them (never imported), drop-down
lists (crop, product, unit, commune, activity), and a record id on every row of the
records sheet (unique to the workbook), so that a row corrected later replaces its
record instead of adding a second one."""

from __future__ import annotations

import uuid
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

import mrv
from mrv import msg, say
from mrv.factors import load_catalogue
from mrv.models._files import INSTRUCTIONS, LISTS, SPECS, example_row, template_notes, vietnamese_headers
from mrv.models._seed import official_communes

#: Rows of each sheet with drop-down lists (the example row and the rows under it), and in
#: the records sheet with a record id.
ROWS = 4999
#: A drop-down list of at most this many values is also spelled out in its column's note.
SHORT_LIST = 12
REQUIRED = PatternFill("solid", fgColor="FFF2CC")
EXAMPLE = Font(italic=True, color="808080")
BOLD = Font(bold=True)

#: The instructions, in order (said in the template's language).
STEPS = (
    msg("Each sheet is one table; fill in only the sheets you need. Plots come before the records on them."),
    msg("Row 1 holds the column names: keep them. Yellow columns are required; the others may stay blank."),
    msg("Row 2 (grey) is an example and is never imported: write your data from row 3, or over the example."),
    msg("Point at a column name to read what it holds, its unit, its allowed values and an example. Where a "
        "column has a list, choose in the drop-down."),
    msg("Numbers: digits only, 2,5 or 2.5; thousands may be spaced (12 500). Dates: day/month/year, 15/03/2026 or "
        "5/3/2026, or 2026-03-15."),
    msg("Communes: the code or the name, with or without diacritics (24301, Cư M'gar, Xã Cư M'gar)."),
    msg("Units: any spelling of the table below. A quantity may carry its unit (3 bao) when the unit cell is blank."),
    msg("Import the file with mrv import FILE.xlsx, or on the commune page of the server. Every row is checked "
        "first: a file with a bad row stores nothing, and each problem is listed with its sheet, row, column and "
        "how to fix it."),
    msg("Keep the record ids of the records sheet: a row corrected and imported again replaces its record instead "
        "of adding a second one."),
)
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
        "unit": ["kg", "tạ", "tấn", "yến", "bao", "lít", "kWh", "số điện", "cây", "gốc", "bụi", "ha", "m²", "sào nam",
                 "sào trung", "sào bắc", "công", "mẫu nam"],
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
    """Write the import template; every sheet it writes is read back by `mrv import`, and
    its example rows are skipped there."""
    if lang not in ("vi", "en"):
        raise ValueError("lang must be vi or en")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    lists = input_lists(lang)
    ranges = _lists_sheet(book, lists)
    headers = vietnamese_headers()
    _instructions(book.create_sheet(INSTRUCTIONS[0] if lang == "vi" else INSTRUCTIONS[1], 0), lang, headers)
    for table, spec in SPECS.items():
        sheet = book.create_sheet(headers[table]["*"] if lang == "vi" else table, index=len(book.sheetnames) - 1)
        for column, (name, example) in enumerate(zip((*spec.required, *spec.optional), example_row(table)), start=1):
            cell = sheet.cell(1, column, headers[table].get(name, name) if lang == "vi" else name)
            cell.font = BOLD
            if name in spec.required:
                cell.fill = REQUIRED
            cell.comment = _note(table, name, name in spec.required, lists.get(DROP_DOWNS.get(name, "")), lang)
            sheet.cell(2, column, mrv.cell_value(example) if example else None).font = EXAMPLE
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = max(12, len(str(cell.value)) + 2, len(example) + 2)
            if name in DROP_DOWNS:
                validation = DataValidation(type="list", formula1=f"={ranges[DROP_DOWNS[name]]}", allow_blank=True)
                validation.add(f"{letter}2:{letter}{ROWS + 1}")
                sheet.add_data_validation(validation)
            if table == "records" and name == "record_id":  # every row its own id, unique to this workbook
                prefix = uuid.uuid4().hex[:6].upper()
                for row in range(3, ROWS + 2):
                    sheet.cell(row, column, f"{prefix}-{row - 2:04d}")
        sheet.freeze_panes = "A2"
    book.save(path)
    return path


def _lists_sheet(book: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """The hidden sheet of the drop-down lists; list name → its cell range."""
    hidden = book.create_sheet(LISTS)
    ranges = {}
    for column, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(column)
        hidden.cell(1, column, name)
        for row, value in enumerate(values, start=2):
            hidden.cell(row, column, mrv.cell_value(value))
        ranges[name] = f"{LISTS}!${letter}$2:${letter}${len(values) + 1}"
    hidden.sheet_state = "hidden"
    return ranges


def _note(table: str, column: str, required: bool, choices: list[str] | None, lang: str) -> Comment:
    """A header's note: what the column holds (its unit, allowed values), whether it is
    required, its list, and the example."""
    note = template_notes()[table][column]
    lines = [note[f"note_{lang}"], say(msg("Required.") if required else msg("Optional: may stay blank."), lang)]
    if choices:
        lines.append(say(msg("Allowed values: {values}.", values=", ".join(choices)) if len(choices) <= SHORT_LIST
                         else msg("Choose in the drop-down list."), lang))
    if note["example"]:
        lines.append(say(msg("Example: {example}", example=note["example"]), lang))
    comment = Comment("\n".join(lines), "mrv")
    comment.width, comment.height = 320, 40 + 18 * sum(1 + len(line) // 45 for line in lines)
    return comment


def _instructions(sheet, lang: str, headers: dict) -> None:
    """The instructions sheet: the steps, what each sheet holds, and the units table."""
    def text(message) -> str:
        return say(message, lang)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 34, 100
    sheet.append([text(msg("Import template of the crop emissions MRV of Đắk Lắk"))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for number, step in enumerate(STEPS, start=1):
        sheet.append([f"{number}.", text(step)])
        sheet.cell(sheet.max_row, 2).alignment = wrap
    sheet.append([])
    sheet.append([text(msg("Sheet")), text(msg("What it holds"))])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = BOLD, REQUIRED
    for table in SPECS:
        sheet.append([headers[table]["*"] if lang == "vi" else table,
                      mrv.cell_value(template_notes()[table]["*"][f"note_{lang}"])])  # text of a data file
        sheet.cell(sheet.max_row, 2).alignment = wrap
    sheet.append([])
    sheet.append([text(msg("Unit (any of these spellings)")), text(msg("One of it is"))])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = BOLD, REQUIRED
    for spellings, size in mrv.unit_table(lang):
        sheet.append([mrv.cell_value(spellings), text(size)])
        sheet.cell(sheet.max_row, 1).alignment = wrap
