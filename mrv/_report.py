"""Writers of the reports in the official form of Nghị định 30/2020/NĐ-CP (Phụ lục I): the
letterhead, the title, a first page a leader reads (the lead paragraphs and the summary
table), the sections, the signature and recipients, then an annex with the run's details
and the factor list. XLSX (one formatted sheet per section, native charts, a sheet about
the report), a self-contained HTML page, a PDF made from it (DejaVu Serif embedded for the
Vietnamese letters, pages numbered) and a DOCX an office can edit. Pure writers: the
sections come in as frames whose column names are label keys."""

from __future__ import annotations

import base64
import csv
import functools
import html
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from mrv._cells import cell_value
from mrv._formats import REPORT_FORMATS as FORMATS
from mrv._letterhead import Letterhead, date_line, letterhead, province_today

LABELS = Path(__file__).with_name("report_labels.csv")


@functools.lru_cache(maxsize=None)
def _labels() -> dict[str, dict[str, str]]:
    with LABELS.open(encoding="utf-8") as handle:
        return {row["key"]: row for row in csv.DictReader(handle)}


def label(key: str, lang: str) -> str:
    """The report's text for `key` in Vietnamese or English (`report_labels.csv`)."""
    return _labels()[key][lang]


def _header(key: str, lang: str) -> str:
    return label(key, lang) if key in _labels() else str(key)


def _decimals(key: str) -> str:
    """How a column's numbers are rounded for display: a count of decimals, or 's4' for
    four significant digits (factors); '' when the column does not say."""
    return _labels()[key]["decimals"] if key in _labels() else ""


@dataclass
class Report:
    """What the writers need: the year (or period), the language, the lead paragraphs of
    page 1, the sections in order (each a frame whose column names are label keys; the
    first is page 1's summary table), a note under any section, the charts, and the
    annex (the run's details in `meta`, then its own sections)."""

    year: int
    lang: str
    meta: dict[str, str]
    sections: dict[str, pd.DataFrame]
    charts: dict[str, pd.Series] = field(default_factory=dict)
    title: str = "title"  # the label key of its title
    kind: str = "doc_kind"  # the label key of the kind of document over the title (BÁO CÁO)
    stem: str = "bao-cao"  # its files are named <stem>-<year or period>-<lang>
    lead: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    annex: dict[str, pd.DataFrame] = field(default_factory=dict)
    period: str = ""  # "2026-2030" for a period report
    subject: str = ""  # whose report, when not the province's (a commune's name)
    heading: Letterhead = field(default_factory=letterhead)
    issued: date = field(default_factory=province_today)
    qr: str = ""  # a text to print as a QR code under the title (a certificate's code and hash)
    drawn: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)  # charts as PNG, drawn once

    @property
    def name(self) -> str:
        return f"{self.stem}-{self.period or self.year}-{self.lang}"

    @property
    def heading_title(self) -> str:
        """The title line: what, whose, and the year or the period."""
        when = (f"{label('period', self.lang)} {self.period.replace('-', '–')}" if self.period
                else f"{label('year', self.lang).lower()} {self.year}")
        return " ".join(filter(None, (label(self.title, self.lang), self.subject, when)))

    def chart(self, key: str) -> bytes:
        """The chart `key` as PNG (drawn at its first use, for the HTML, PDF and DOCX alike)."""
        if key not in self.drawn:
            self.drawn[key] = _chart_png(self.charts[key], label(key, self.lang))
        return self.drawn[key]

    def qr_png(self) -> bytes:
        """The `qr` text as a QR code (ISO/IEC 18004, error correction M), PNG."""
        import segno
        buffer = io.BytesIO()
        segno.make(self.qr, error="m").save(buffer, kind="png", scale=4, border=2)
        return buffer.getvalue()

    def details(self) -> pd.DataFrame:
        """The annex's first table: the run's details and the letterhead's issue date."""
        rows = [*self.meta.items(), (label("issued", self.lang), _date(self.issued, self.lang))]
        return pd.DataFrame(rows, columns=["item", "value"])


def _date(day: date, lang: str) -> str:
    return day.strftime("%d/%m/%Y" if lang == "vi" else "%Y-%m-%d")


def figure(value, decimals: int, lang: str) -> str:
    """A number with `decimals` decimals as the language writes it: Vietnamese 1.234,5 or
    English 1,234.5; a blank as '—'."""
    if value is None or pd.isna(value):
        return "—"
    return _marks(f"{value:,.{decimals}f}", lang)


def _marks(text: str, lang: str) -> str:
    """English digits grouped with ',' and a '.' decimal mark, as `lang` writes them."""
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def number(value, lang: str, key: str = "") -> str:
    """A value for display, rounded as its column says (`decimals` in report_labels.csv):
    Vietnamese 1.234,5 or English 1,234.5; a blank as '—'."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    decimals = _decimals(key)
    if isinstance(value, (int, np.integer)):
        text = f"{value:,}"
    elif decimals == "s4" or (decimals == "" and 0 < abs(value) < 1):
        text = f"{value:,.4g}"
    else:
        text = f"{value:,.{int(decimals or 2)}f}"
    return _marks(text, lang)


def _excel_format(key: str) -> str:
    decimals = _decimals(key)
    if decimals in ("", "s4"):
        return "General"
    return "#,##0" + ("." + "0" * int(decimals) if int(decimals) else "")


def _chart_png(series: pd.Series, title: str) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    figure, axes = plt.subplots(figsize=(7.5, max(2.5, 0.32 * len(series) + 1)), dpi=110)
    axes.barh([str(i) for i in series.index][::-1], series.to_numpy()[::-1], color="#3a7d44")
    axes.set_title(title, fontsize=11)
    axes.tick_params(labelsize=8)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _sheet_title(key: str, lang: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", label(key, lang))[:31]


def _write_table(sheet, frame: pd.DataFrame, lang: str, top: int = 1, freeze: bool = True) -> None:
    """`frame` on `sheet` from row `top`: a bold, shaded header (frozen unless `freeze` is
    false) with a filter, the numbers as numbers in their column's format, and columns as
    wide as their content."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    headers = [_header(c, lang) for c in frame.columns]
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(top, column, cell_value(text))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F0E8")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(frame.itertuples(index=False), start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(top + offset, column, cell_value(value))
    for column, key in enumerate(frame.columns, start=1):
        letter = get_column_letter(column)
        style = _excel_format(key)
        for cells in sheet.iter_rows(min_row=top + 1, max_row=top + len(frame), min_col=column, max_col=column):
            cells[0].number_format = style
        longest = max([len(number(v, lang, key)) for v in frame.iloc[:, column - 1]] + [min(len(headers[column - 1]), 24)])
        sheet.column_dimensions[letter].width = min(50, max(9, longest + 2))
    if freeze:
        sheet.freeze_panes = sheet.cell(top + 1, 1)
    if len(frame):
        sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(frame.columns))}{top + len(frame)}"


def write_xlsx(report: Report, path: Path) -> Path:
    """One sheet per section and annex table (formatted as `_write_table`), a sheet of
    native Excel bar charts over their data, and a sheet about the report (letterhead,
    title, lead paragraphs, run details)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    lang = report.lang
    book = Workbook()
    book.remove(book.active)
    for key, frame in {**report.sections, **report.annex}.items():
        sheet = book.create_sheet(_sheet_title(key, lang))
        _write_table(sheet, frame, lang)
        if key in report.notes:
            sheet.cell(len(frame) + 3, 1, cell_value(report.notes[key])).font = Font(italic=True)
    if report.charts:
        sheet = book.create_sheet(_sheet_title("charts", lang))
        column = 1
        for key, series in report.charts.items():
            sheet.cell(1, column, cell_value(label(key, lang))).font = Font(bold=True)
            for row, (name, value) in enumerate(series.items(), start=2):
                sheet.cell(row, column, cell_value(str(name)))
                sheet.cell(row, column + 1, cell_value(value)).number_format = "#,##0.0"
            chart = BarChart()
            chart.type, chart.title, chart.legend = "bar", label(key, lang), None
            chart.add_data(Reference(sheet, min_col=column + 1, min_row=2, max_row=len(series) + 1))
            chart.set_categories(Reference(sheet, min_col=column, min_row=2, max_row=len(series) + 1))
            chart.height, chart.width = max(7.5, 0.6 * len(series) + 2), 16
            sheet.add_chart(chart, f"{get_column_letter(column + 3)}2")
            sheet.column_dimensions[get_column_letter(column)].width = 28
            column += 14
    sheet = book.create_sheet(_sheet_title("report_info", lang))
    head = report.heading
    lines = [head.parent, head.agency, "", label(report.kind, lang), report.heading_title,
             date_line(head.place, report.issued, lang), "", *report.lead, ""]
    for row, text in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, cell_value(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=row in (2, 4, 5))
    sheet.column_dimensions["A"].width = 110
    _write_table(sheet, report.details(), lang, top=len(lines) + 1, freeze=False)
    book.save(path)
    return path


def _html_table(frame: pd.DataFrame, lang: str) -> str:
    rows = ["<table class=\"data\"><thead><tr>"
            + "".join(f"<th>{html.escape(_header(c, lang))}</th>" for c in frame.columns) + "</tr></thead><tbody>"]
    for row in frame.itertuples(index=False):
        cells = []
        for key, value in zip(frame.columns, row):
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            cells.append(f'<td class="n">{number(value, lang, key)}</td>' if numeric
                         else f"<td>{html.escape(number(value, lang, key))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(rows) + "</tbody></table>"


def _html_heading(report: Report) -> str:
    lang, head = report.lang, report.heading
    esc = html.escape
    return f"""<table class="heading"><tr>
<td class="agency">{esc(head.parent)}<br><b><u>{esc(head.agency)}</u></b><br><br>{esc(label('number', lang))}: &nbsp; &nbsp; &nbsp; /{esc(head.symbol)}</td>
<td class="nation"><b>{esc(label('nation', lang))}</b><br><b><u>{esc(label('motto', lang))}</u></b><br><br><i>{esc(date_line(head.place, report.issued, lang))}</i></td>
</tr></table>
<p class="kind">{esc(label(report.kind, lang))}</p><p class="title">{esc(report.heading_title)}</p>"""


def _html_signature(report: Report) -> str:
    lang, head = report.lang, report.heading
    esc = html.escape
    recipients = "<br>".join(f"- {esc(r)}{'.' if i == len(head.recipients) - 1 else ';'}"
                             for i, r in enumerate(head.recipients))
    signer = "<br>".join(esc(t) for t in (head.authority, head.signer_title) if t)
    return f"""<table class="signature"><tr>
<td class="recipients"><b><i>{esc(label('recipients', lang))}:</i></b><br>{recipients}</td>
<td class="signer"><b>{signer}</b><br><br><br><br><br><b>{esc(head.signer)}</b></td></tr></table>"""


STYLE = """{fonts}
@page {{ size: a4 portrait; margin: 2cm 1.5cm 2cm 3cm; }}
@page numbered {{ size: a4 portrait; margin: 2cm 1.5cm 2cm 3cm;
  @frame number {{ -pdf-frame-content: page-number; top: 0.9cm; height: 0.8cm; left: 3cm; right: 1.5cm; }} }}
body {{ font-family: ReportFont, "DejaVu Serif", "Times New Roman", serif; font-size: 11pt; }}
table.heading, table.signature {{ width: 100%; border: none; }}
table.heading td, table.signature td {{ border: none; text-align: center; vertical-align: top; font-size: 10.5pt; }}
td.agency {{ width: 44%; font-size: 10pt; }} td.nation {{ width: 56%; }}
td.recipients {{ text-align: left; font-size: 9pt; width: 50%; }} td.signer {{ width: 50%; }}
p.kind {{ text-align: center; font-weight: bold; font-size: 13pt; margin: 1.2em 0 0 0; }}
p.title {{ text-align: center; font-weight: bold; font-size: 12pt; margin: 0.2em 0 1em 0; }}
p.lead {{ text-align: justify; text-indent: 1cm; margin: 0.3em 0; }}
h2 {{ font-size: 11.5pt; margin-top: 1em; }} h2.annex {{ text-align: center; page-break-before: always; }}
table.data {{ border-collapse: collapse; margin: 0.3em 0; width: 100%; }}
table.data th, table.data td {{ border: 1px solid #999; padding: 2px 4px; font-size: 8pt; }}
table.data th {{ background: #e8f0e8; }} td.n {{ text-align: right; }} p.note {{ font-style: italic; font-size: 9pt; }}
#page-number {{ text-align: center; font-size: 10pt; }}
p.qr {{ text-align: center; font-size: 7pt; font-family: "DejaVu Sans Mono", monospace; }}"""


def to_html(report: Report, fonts: dict[str, str] | None = None) -> str:
    """The report as one self-contained HTML page in the official form (charts as embedded
    PNG). With `fonts` (weight-style → TTF path) it is the page printed to PDF: fonts
    embedded and every page after the first numbered at its top."""
    lang, esc = report.lang, html.escape
    faces = "".join(
        f'@font-face {{ font-family: ReportFont; src: url("{path}"); font-weight: {"bold" if "bold" in kind else "normal"}; '
        f'font-style: {"italic" if "italic" in kind else "normal"}; }}' for kind, path in (fonts or {}).items())
    parts = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{esc(report.heading_title)}</title>'
             f"<style>{STYLE.format(fonts=faces)}</style></head><body>"]
    if fonts:
        parts.append('<pdf:nexttemplate name="numbered" /><div id="page-number"><pdf:pagenumber /></div>')
    parts.append(_html_heading(report))
    if report.qr:
        data = base64.b64encode(report.qr_png()).decode()
        parts.append(f'<p class="qr"><img alt="QR" width="120" height="120" src="data:image/png;base64,{data}"><br>'
                     f"{esc(report.qr)}</p>")
    parts.extend(f'<p class="lead">{esc(text)}</p>' for text in report.lead)
    for key, frame in report.sections.items():
        parts.append(f"<h2>{esc(label(key, lang))}</h2>{_html_table(frame, lang)}")
        if key in report.notes:
            parts.append(f'<p class="note">{esc(report.notes[key])}</p>')
    if report.charts:
        parts.append(f"<h2>{esc(label('charts', lang))}</h2>")
        for key in report.charts:
            data = base64.b64encode(report.chart(key)).decode()
            parts.append(f'<p><img alt="{esc(label(key, lang))}" width="560" src="data:image/png;base64,{data}"></p>')
    parts.append(_html_signature(report))
    parts.append(f'<h2 class="annex">{esc(label("annex", lang).upper())}</h2>'
                 f"<h2>{esc(label('run_details', lang))}</h2>{_html_table(report.details(), lang)}")
    for key, frame in report.annex.items():
        parts.append(f"<h2>{esc(label(key, lang))}</h2>{_html_table(frame, lang)}")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(report: Report, path: Path) -> Path:
    path.write_text(to_html(report), encoding="utf-8")
    return path


def _fonts() -> dict[str, str]:
    """DejaVu Serif (shipped with matplotlib): every Vietnamese letter, in four faces."""
    from matplotlib import font_manager
    folder = Path(font_manager.findfont("DejaVu Serif")).parent
    return {"normal": str(folder / "DejaVuSerif.ttf"), "bold": str(folder / "DejaVuSerif-Bold.ttf"),
            "italic": str(folder / "DejaVuSerif-Italic.ttf"), "bold-italic": str(folder / "DejaVuSerif-BoldItalic.ttf")}


def write_pdf(report: Report, path: Path) -> Path:
    """The HTML page printed to PDF by xhtml2pdf (no system library needed)."""
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy
    logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)  # it reports CSS it ignores, e.g. border-collapse
    fonts = _fonts()
    policy = ResourceAccessPolicy(extra_roots=[str(Path(fonts["normal"]).parent)], allow_remote=False)
    with path.open("wb") as handle:
        status = pisa.CreatePDF(to_html(report, fonts), dest=handle, resource_policy=policy)
    if status.err:
        raise RuntimeError(f"the PDF could not be written: {status.err} error(s)")
    return path


def _docx_cell(cell, text: str, *, bold: bool = False, italic: bool = False, size: float = 10.5,
               align: str = "center", underline: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    paragraph = cell.add_paragraph() if cell.text or len(cell.paragraphs) != 1 else cell.paragraphs[0]
    paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(size)


def _docx_table(document, frame: pd.DataFrame, lang: str) -> None:
    table = document.add_table(rows=1, cols=len(frame.columns), style="Table Grid")
    for cell, key in zip(table.rows[0].cells, frame.columns):
        _docx_cell(cell, _header(key, lang), bold=True, size=8)
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, key, value in zip(cells, frame.columns, row):
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            _docx_cell(cell, number(value, lang, key), size=8, align="right" if numeric else "left")


def write_docx(report: Report, path: Path) -> Path:
    """The report as a Word document an office edits and signs: A4, margins and fonts of
    NĐ 30/2020 (Times New Roman 13), the letterhead, page numbers at the top from page 2."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt
    lang, head = report.lang, report.heading
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    section.different_first_page_header_footer = True
    number_field = OxmlElement("w:fldSimple")
    number_field.set(qn("w:instr"), "PAGE")
    header = section.header.paragraphs[0]
    header.alignment = 1  # centred
    header._p.append(number_field)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    top = document.add_table(rows=1, cols=2)
    agency, nation = top.rows[0].cells
    agency.width, nation.width = Cm(6.5), Cm(10)
    _docx_cell(agency, head.parent, size=12)
    _docx_cell(agency, head.agency, bold=True, size=12, underline=True)
    _docx_cell(agency, f"{label('number', lang)}:       /{head.symbol}", size=12)
    _docx_cell(nation, label("nation", lang), bold=True, size=12)
    _docx_cell(nation, label("motto", lang), bold=True, size=13, underline=True)
    _docx_cell(nation, date_line(head.place, report.issued, lang), italic=True, size=13)
    for text, size in ((label(report.kind, lang), 14), (report.heading_title, 13)):
        paragraph = document.add_paragraph()
        paragraph.alignment = 1
        paragraph.add_run(text).bold = True
        paragraph.runs[0].font.size = Pt(size)
    if report.qr:
        document.add_picture(io.BytesIO(report.qr_png()), width=Cm(3))
        document.paragraphs[-1].alignment = 1
        caption = document.add_paragraph()
        caption.alignment = 1
        caption.add_run(report.qr).font.size = Pt(7)
    for text in report.lead:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.alignment = 3  # justified
    for key, frame in report.sections.items():
        document.add_heading(label(key, lang), level=2)
        _docx_table(document, frame, lang)
        if key in report.notes:
            document.add_paragraph().add_run(report.notes[key]).italic = True
    if report.charts:
        document.add_heading(label("charts", lang), level=2)
        for key in report.charts:
            document.add_picture(io.BytesIO(report.chart(key)), width=Cm(15))
    signature = document.add_table(rows=1, cols=2)
    left, right = signature.rows[0].cells
    _docx_cell(left, f"{label('recipients', lang)}:", bold=True, italic=True, size=12, align="left")
    for i, recipient in enumerate(head.recipients):
        _docx_cell(left, f"- {recipient}{'.' if i == len(head.recipients) - 1 else ';'}", size=11, align="left")
    for text in (head.authority, head.signer_title):
        if text:
            _docx_cell(right, text, bold=True, size=13)
    for _ in range(4):
        _docx_cell(right, "")
    _docx_cell(right, head.signer, bold=True, size=13)
    document.add_section(WD_SECTION.NEW_PAGE)
    annex = document.add_paragraph()
    annex.alignment = 1
    annex.add_run(label("annex", lang).upper()).bold = True
    document.add_heading(label("run_details", lang), level=2)
    _docx_table(document, report.details(), lang)
    for key, frame in report.annex.items():
        document.add_heading(label(key, lang), level=2)
        _docx_table(document, frame, lang)
    document.save(path)
    return path


def _writer(kind: str):
    """The writer of a report format; ValueError for another."""
    writers = {"xlsx": write_xlsx, "html": write_html, "pdf": write_pdf, "docx": write_docx}
    if kind not in writers:
        raise ValueError(f"unknown report format {kind!r}; choose among {', '.join(FORMATS)}")
    return writers[kind]


def write_report(report: Report, folder: str | Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the report in the given formats to `folder`; return the files written."""
    folder = Path(folder)
    chosen = [_writer(kind) for kind in formats]
    folder.mkdir(parents=True, exist_ok=True)
    return [write(report, folder / f"{report.name}.{kind}") for write, kind in zip(chosen, formats)]


def write_report_file(report: Report, path: str | Path) -> Path:
    """Write the report to `path` in the format its suffix names (xlsx, html, pdf, docx)."""
    path = Path(path)
    write = _writer(path.suffix.lstrip(".").lower())
    path.parent.mkdir(parents=True, exist_ok=True)
    return write(report, path)
