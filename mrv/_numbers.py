"""Numbers as people type them: "2,5" and "2.5", "1.200.000", "1 200", "1.234,5".

A single separator followed by exactly three digits ("1.200", "1,200") means 1 200 to a
Vietnamese reader and 1.2 to an English one: without a declared locale it is rejected,
never guessed. With `locale="vi"` the comma is the decimal mark and "." or a space groups
thousands; with `locale="en"` it is the other way round.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mrv._i18n import msg

LOCALES = ("vi", "en")
#: The largest number a quantity, area or production cell may hold: a thousand million (of
#: kg, L, kWh, m² …), far above any plot's or commune's year, below a decimal mark lost in
#: a long number.
MAX_TYPED = 1e9

_SIGN = r"[+-]?"
_PLAIN_INT = re.compile(rf"^{_SIGN}\d+$")


class NumberError(ValueError):
    """A text that is not a number, or not an unambiguous one; `expected` and `fix` say why."""

    def __init__(self, text: str, expected: str, fix: str):
        self.text, self.expected, self.fix = text, expected, fix
        super().__init__(f"{text!r}: expected {expected}. Fix: {fix}")


def _separators(body: str, locale: str | None) -> tuple[str, str]:
    """The (decimal mark, grouping characters) that `body` uses under `locale`."""
    if locale == "vi":
        return ",", ". "
    if locale == "en":
        return ".", ", "
    marks = [ch for ch in body if ch in ".,"]
    if not marks:
        return ".", " "
    if len(set(marks)) == 2:
        decimal = marks[-1]
        return decimal, ("," if decimal == "." else ".") + " "
    mark = marks[0]
    if len(marks) > 1:  # "1.200.000": a repeated mark can only group thousands
        return ("," if mark == "." else "."), mark + " "
    whole, fraction = body.split(mark)
    if whole.isdigit() and fraction.isdigit() and len(fraction) == 3 and whole.lstrip("0") and len(whole) <= 3:
        reading_group = int(whole + fraction)
        reading_decimal = f"{float(whole + '.' + fraction):g}"
        raise NumberError(
            body,
            msg("an unambiguous number ({body} reads as {grouped} with '{mark}' grouping thousands, as {decimal} "
                "with '{mark}' as the decimal mark)", body=repr(body), grouped=reading_group, mark=mark,
                decimal=reading_decimal),
            msg("write {grouped} or {decimal}, or declare the file's number format (locale vi or en)",
                grouped=reading_group, decimal=reading_decimal.replace(".", ",")),
        )
    return mark, " "


def parse_number(text: str, locale: str | None = None) -> float:
    """Parse one number as typed by a person; raise NumberError if it is not one."""
    if locale not in (None, *LOCALES):
        raise ValueError(f"locale must be one of {LOCALES} or None, not {locale!r}")
    body = str(text).strip().replace("\u00a0", " ")
    sign = ""
    if body and body[0] in "+-":
        sign, body = body[0], body[1:].strip()
    decimal, group = _separators(body, locale)
    g = "[" + re.escape(group) + "]"
    pattern = rf"^(\d{{1,3}}({g}\d{{3}})+|\d+)({re.escape(decimal)}\d+)?$"
    if not body or not re.match(pattern, body):
        raise NumberError(
            str(text),
            msg("a number such as 12, 2,5 or 1 200") if locale != "en" else msg("a number such as 12, 2.5 or 1,200"),
            msg("write digits only, with one decimal mark and no unit in this cell"),
        )
    whole, _, fraction = body.partition(decimal)
    digits = re.sub(g, "", whole) + ("." + fraction if fraction else "")
    return float(sign + digits)


def _fast_path(text: pa.Array, locale: str | None) -> np.ndarray:
    """Which texts are in a plain form ("12", "2.5", "2,5") that means the same number under
    every reading allowed by `locale`: those are parsed in one vectorised pass."""
    fast = pc.match_substring_regex(text, r"^[+-]?\d+$")
    ambiguous = pc.match_substring_regex(text, r"^[+-]?0*[1-9]\d{0,2}[.,]\d{3}$")
    for mark, allowed in ((r"\.", (None, "en")), (",", (None, "vi"))):
        if locale in allowed:
            decimal = pc.match_substring_regex(text, rf"^[+-]?\d+{mark}\d+$")
            if locale is None:
                decimal = pc.and_(decimal, pc.invert(ambiguous))
            fast = pc.or_(fast, decimal)
    return pc.fill_null(fast, False).to_numpy(zero_copy_only=False)


def parse_numbers(values: pd.Series, locale: str | None = None) -> tuple[np.ndarray, dict[int, NumberError]]:
    """Parse a whole column, each distinct text once: plain forms in one vectorised pass,
    the rest through `parse_number`. Returns float64 values (NaN where blank or bad) and
    the errors by position."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype="float64", na_value=np.nan), {}
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pc.utf8_trim_whitespace(pa.array(np.asarray(uniques, dtype=object), type=pa.string()))
    parsed = np.full(len(uniques) + 1, np.nan)  # the last slot is for blanks (code -1)
    fast = _fast_path(text, locale)
    if fast.any():
        parsed[:-1][fast] = pc.cast(pc.replace_substring(pc.filter(text, fast), ",", "."), pa.float64()).to_numpy()
    failures: dict[int, NumberError] = {}
    for code in np.flatnonzero(~fast):
        try:
            parsed[code] = parse_number(uniques[code], locale)
        except NumberError as error:
            failures[int(code)] = error
    for code in np.flatnonzero(np.isinf(parsed[:-1])):  # more digits than a float holds: never stored as inf
        parsed[code] = np.nan
        failures[int(code)] = NumberError(str(uniques[code])[:40] + "…", msg("a number of at most 15 digits"),
                                          msg("check the cell: no measurement has that many digits"))
    errors = {}
    if failures:
        for position in np.flatnonzero(np.isin(codes, list(failures))):
            errors[int(position)] = failures[int(codes[position])]
    return parsed[codes], errors
