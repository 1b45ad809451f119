"""Units as people type them ("tạ", "sào nam", "bao", "lít"), resolved once per distinct
text into a factor to the column's canonical unit, with pint checking the dimension."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pint

from mrv._i18n import msg
from mrv._frames import factorize_rows
from mrv._text import text_key
from mrv.units import Q_, ureg

#: Regional variants of sào and mẫu (units_vi.txt).
SAO_VARIANTS = {"bac": "bắc (360 m²)", "trung": "trung (500 m²)", "nam": "nam (1 000 m²)"}

#: Examples of accepted units per dimension, for error messages.
EXAMPLES = {
    "mass": msg("a unit of mass (kg, tạ, tấn, yến or bao)"),
    "area": msg("a unit of area (ha, m², sào bắc, sào trung, sào nam, công or mẫu nam)"),
    "volume": msg("a unit of volume (L, lít)"),
    "energy": msg("a unit of energy (kWh, số điện)"),
    "count": msg("a count (cây, gốc or bụi: trees counted)"),
}

BAG = "bag"


class UnitError(ValueError):
    """A unit text that cannot be used; `expected` and `fix` say why and what to write."""

    def __init__(self, text: str, expected: str, fix: str):
        self.text, self.expected, self.fix = text, expected, fix
        super().__init__(f"{text!r}: expected {expected}. Fix: {fix}")


@functools.lru_cache(maxsize=None)
def _alias_rows() -> tuple[tuple[str, str], ...]:
    """(spelling, pint expression) of each row of unit_aliases.csv, in its order."""
    with Path(__file__).with_name("unit_aliases.csv").open(encoding="utf-8") as handle:
        return tuple((row["alias"], row["unit"]) for row in csv.DictReader(handle))


@functools.lru_cache(maxsize=None)
def _aliases() -> dict[str, str]:
    return {text_key(alias): unit for alias, unit in _alias_rows()}


#: The units sizes are given in (the template's units table): pint's name → as written.
_SIZE_UNITS = {"kg": "kg", "m ** 2": "m²", "L": "L", "kWh": "kWh", "tree": "cây"}


def unit_table(lang: str = "vi") -> list[tuple[str, str]]:
    """Every unit a file may be written in, as (its spellings, what one of it is, with the
    decimal mark of `lang`), in the order of `unit_aliases.csv`: ("tạ, ta", "100 kg"),
    ("sào nam, sào nam bộ", "1 000 m²"), ("bao", the product's bag, a message). The
    template's units table."""
    groups: dict[str, list[str]] = {}
    for alias, unit in _alias_rows():
        groups.setdefault(unit, []).append(alias)
    table = []
    for expression, spellings in groups.items():
        if expression == BAG:
            size = msg("the mass of one bag of the product (its bag_kg in the product catalogue)")
        elif "{variant}" in expression:
            size = msg("needs the region: add bắc, trung or nam (sào nam), or set the column sao_variant")
        else:
            one = Q_(1.0, expression)
            unit = next(unit for unit in _SIZE_UNITS if one.is_compatible_with(unit))
            size = f"{one.to(unit).magnitude:,.10g}".replace(",", " ").replace(".", "," if lang == "vi" else ".")
            size += f" {_SIZE_UNITS[unit]}"
        table.append((", ".join(spellings), size))
    return table


def sao_variant(text: str | None) -> str | None:
    """The sào variant id ('bac', 'trung', 'nam') a text names, or None if it names none."""
    if text is None:
        return None
    key = text_key(text).removeprefix("sao_")
    return key if key in SAO_VARIANTS else None


def resolve_unit(text: str, variant: str | None) -> str:
    """The pint expression (or BAG) that a typed unit means."""
    expression = _aliases().get(text_key(text))
    if expression is None:
        try:
            ureg.parse_units(text)
        except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError):
            raise UnitError(text, msg("a known unit"),
                            msg("write one of: kg, tạ, tấn, bao, ha, sào nam, công, L, kWh")) from None
        expression = text
    if "{variant}" in expression:
        if variant is None:
            choices = ", ".join(f"sào {name}" for name in SAO_VARIANTS.values())
            raise UnitError(
                text,
                msg("a sào of a declared region: {choices}", choices=choices),
                msg("write the variant (e.g. 'sào nam'), or declare the default: column sao_variant of the "
                "plot, or the import option --sao bac|trung|nam"),
            )
        expression = expression.format(variant=variant)
    return expression


def unit_factor(text: str, canonical: str, dimension: str, variant: str | None, bag_kg: float, product: str | None) -> float:
    """How many `canonical` units one typed `text` unit is."""
    expression = resolve_unit(text, variant)
    if expression == BAG:
        if dimension != "mass":
            raise UnitError(text, EXAMPLES[dimension], msg("bags are for fertiliser and lime"))
        if not isinstance(product, str):  # no product known: the product column's own problem says so
            return float("nan")
        if not bag_kg > 0:
            raise UnitError(
                text,
                msg("a unit of mass: product {product} has no declared bag mass", product=repr(product)),
                msg("record the quantity in kg, or declare bag_kg for the product in factors/catalogue/products.csv"),
            )
        return float(Q_(bag_kg, "kg").to(canonical).magnitude)
    try:
        return float(Q_(1.0, expression).to(canonical).magnitude)
    except pint.DimensionalityError:
        raise UnitError(
            text,
            EXAMPLES[dimension],
            msg("this activity is recorded in {unit}; write the total for the plot in one of those units",
                unit=EXAMPLES[dimension]),
        ) from None


def unit_factors(
    units: pd.Series, measure: pd.Categorical, measures: dict[str, tuple[str, str]],
    variant: pd.Categorical, product: pd.Categorical, bag_kg: dict[str, float],
) -> tuple[np.ndarray, dict[int, UnitError]]:
    """`unit_factor` for a whole column, computed once per distinct combination of unit
    text, measure (what is measured: its canonical unit and dimension in `measures`),
    sào variant and product (whose bag mass is in `bag_kg`). Rows whose measure is unknown
    (an activity already reported as bad) are skipped."""
    factors = np.full(len(units), np.nan)
    errors: dict[int, UnitError] = {}
    positions = np.flatnonzero(units.notna().to_numpy() & (np.asarray(measure.codes) >= 0))
    if not len(positions):
        return factors, errors
    columns = [units.iloc[positions], measure.take(positions), variant.take(positions), product.take(positions)]
    inverse, first = factorize_rows(columns)
    outcomes = []
    for row in positions[first]:
        text, what, var, prod = units.iloc[row], measure[row], variant[row], product[row]
        canonical, dimension = measures[what]
        bag = bag_kg.get(prod, np.nan) if isinstance(prod, str) else np.nan
        try:
            outcomes.append(unit_factor(text, canonical, dimension, var if isinstance(var, str) else None, bag, prod))
        except UnitError as error:
            outcomes.append(error)
    values = np.array([np.nan if isinstance(o, UnitError) else o for o in outcomes])
    factors[positions] = values[inverse]
    bad = np.array([isinstance(o, UnitError) for o in outcomes])[inverse]
    for position, code in zip(positions[bad], inverse[bad]):
        errors[int(position)] = outcomes[code]
    return factors, errors
