"""Writers of the annual report: XLSX (one sheet per section, real numbers in cells), a
self-contained HTML page (charts embedded) and a PDF made from that page with a font that
has every Vietnamese letter. Pure writers: the sections come in as frames."""

from __future__ import annotations

import base64
import csv
import functools
import html
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mrv._cells import cell_value
from mrv._formats import REPORT_FORMATS as FORMATS

LABELS = Path(__file__).with_name("report_labels.csv")


@functools.lru_cache(maxsize=None)
def _labels() -> dict[str, dict[str, str]]:
    with LABELS.open(encoding="utf-8") as handle:
        return {row["key"]: {"vi": row["vi"], "en": row["en"]} for row in csv.DictReader(handle)}


def label(key: str, lang: str) -> str:
    """The report's text for `key` in Vietnamese or English (`report_labels.csv`)."""
    return _labels()[key][lang]


@dataclass
class Report:
    """What the writers need: the year, the language, the run's description and the
    sections in order (each a frame whose column names are label keys)."""

    year: int
    lang: str
    meta: dict[str, str]
    sections: dict[str, pd.DataFrame]
    charts: dict[str, pd.Series] = field(default_factory=dict)
    title: str = "title"  # the label key of its title
    stem: str = "bao-cao"  # its files are named <stem>-<year>-<lang>
    drawn: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)  # charts as PNG, drawn once

    def chart(self, key: str) -> bytes:
        """The chart `key` as PNG (drawn at its first use, for the HTML and the PDF alike)."""
        if key not in self.drawn:
            self.drawn[key] = _chart_png(self.charts[key], label(key, self.lang))
        return self.drawn[key]


def _number(value, lang: str) -> str:
    """A value for display (rounded here only): Vietnamese 1.234,56 or English 1,234.56."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        text = f"{value:,}"
        return text.replace(",", ".") if lang == "vi" else text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 < abs(value) < 1:  # factors and small quantities keep four significant digits
            text = f"{value:.4g}"
            return text.replace(".", ",") if lang == "vi" else text
        text = f"{value:,.2f}" if abs(value) < 1e6 else f"{value:,.0f}"
        return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text
    return str(value)


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


def write_xlsx(report: Report, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    book = Workbook()
    book.remove(book.active)
    for key, frame in report.sections.items():
        sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", label(key, report.lang))[:31])
        sheet.append([cell_value(label(c, report.lang) if c in _labels() else str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([cell_value(v) for v in row])
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, len(str(column[0].value)) + 2))
    book.save(path)
    return path


def to_html(report: Report, font_path: str | None = None) -> str:
    """The report as one self-contained HTML page (charts as embedded PNG)."""
    lang = report.lang
    font = (f'@font-face {{ font-family: ReportFont; src: url("{font_path}"); }}' if font_path else "")
    parts = [f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{html.escape(label(report.title, lang))} {report.year}</title>
<style>{font} body {{ font-family: ReportFont, "DejaVu Sans", Arial, sans-serif; font-size: 10pt; margin: 1.5em; }}
h1 {{ font-size: 16pt; color: #1d4d2b; }} h2 {{ font-size: 12pt; color: #1d4d2b; margin-top: 1.2em; }}
table {{ border-collapse: collapse; margin: 0.4em 0; }} th, td {{ border: 1px solid #bbb; padding: 2px 5px; font-size: 8pt; }}
th {{ background: #e8f0e8; }} td.n {{ text-align: right; }} .meta {{ color: #444; }}</style></head><body>
<h1>{html.escape(label(report.title, lang))} — {label('year', lang)} {report.year}</h1>"""]
    parts.append('<p class="meta">' + "<br>".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in report.meta.items())
                 + "</p>")
    for key, frame in report.sections.items():
        parts.append(f"<h2>{html.escape(label(key, lang))}</h2><table><tr>"
                     + "".join(f"<th>{html.escape(label(c, lang) if c in _labels() else c)}</th>" for c in frame.columns)
                     + "</tr>")
        for row in frame.itertuples(index=False):
            cells = []
            for value in row:
                numeric = isinstance(value, (int, float, np.integer)) and not isinstance(value, bool)
                cells.append(f'<td class="n">{_number(value, lang)}</td>' if numeric
                             else f"<td>{html.escape(_number(value, lang))}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    if report.charts:
        parts.append(f"<h2>{html.escape(label('charts', lang))}</h2>")
        for key in report.charts:
            data = base64.b64encode(report.chart(key)).decode()
            parts.append(f'<p><img alt="{html.escape(label(key, lang))}" width="560" src="data:image/png;base64,{data}"></p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_pdf(report: Report, path: Path) -> Path:
    """The HTML page printed to PDF by xhtml2pdf (no system library needed), with DejaVu
    Sans (shipped with matplotlib) embedded for the Vietnamese letters."""
    from matplotlib import font_manager
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy
    logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)  # it reports CSS it ignores, e.g. border-collapse
    font = font_manager.findfont("DejaVu Sans")
    policy = ResourceAccessPolicy(extra_roots=[str(Path(font).parent)], allow_remote=False)
    with path.open("wb") as handle:
        status = pisa.CreatePDF(to_html(report, font), dest=handle, resource_policy=policy)
    if status.err:
        raise RuntimeError(f"the PDF could not be written: {status.err} error(s)")
    return path


def write_report(report: Report, folder: str | Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the report in the given formats to `folder`; return the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{report.stem}-{report.year}-{report.lang}"
    written = []
    for kind in formats:
        path = folder / f"{stem}.{kind}"
        if kind == "xlsx":
            written.append(write_xlsx(report, path))
        elif kind == "html":
            path.write_text(to_html(report), encoding="utf-8")
            written.append(path)
        elif kind == "pdf":
            written.append(write_pdf(report, path))
        else:
            raise ValueError(f"unknown report format {kind!r}; choose among {', '.join(FORMATS)}")
    return written
