"""Cells for spreadsheets and CSV files: blanks as empty cells, numbers as numbers, and
text that a spreadsheet would run as a formula written as text (DESIGN.md §9).

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula
to Excel, LibreOffice and Google Sheets, even in a CSV file ("CSV injection"). Such text
gets a leading apostrophe, as OWASP advises, so a plot called `=HYPERLINK(…)` stays a
name. Numbers are never touched: −5.2 is a number, not text."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The first characters that make a cell a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """`text`, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_value(value):
    """A value as a spreadsheet cell takes it: None for a blank (None, NaN, NA), plain
    Python numbers and booleans, text made safe."""
    if value is None or (not isinstance(value, (str, bytes, list, dict, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text column made safe (each distinct text once), for
    `DataFrame.to_csv` and `to_excel`; number columns are left as they are."""
    safe = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = column.cat.categories
            if categories.dtype == object or pd.api.types.is_string_dtype(categories.dtype):
                renamed = pd.Index([safe_text(c) if isinstance(c, str) else c for c in categories])
                safe[name] = (column.cat.rename_categories(renamed) if renamed.is_unique
                              else column.astype(object).map(cell_value))
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            mapped = np.array([safe_text(u) if isinstance(u, str) else u for u in uniques] + [None], dtype=object)
            safe[name] = pd.Series(mapped[codes], index=column.index, dtype=object)
    return frame.assign(**safe) if safe else frame
