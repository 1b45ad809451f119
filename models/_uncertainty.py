"""The uncertainty of a year's official figures (`mrv.uncertainty` on the province-year),
with the items named in the report's language."""

from __future__ import annotations

from sqlalchemy import Engine

import mrv
from mrv import catalogue
from mrv import report_label as label
from mrv.models._province import province_year
from mrv.models._scope import Scope
from mrv.models._tables import CalculationRun

ITEMS = {"total": "pilot_total", "afolu": "afolu", "energy": "energy", "scope2": "scope2",
         "pilot_reduction": "pilot_reduction", "estimate_total": "estimate_total", "reduction_total": "reduction_total",
         "removals": "removals"}


def item_labels(lang: str) -> dict[str, str]:
    """The names of `mrv.uncertainty`'s items in the report's language."""
    return {**{key: label(value, lang) for key, value in ITEMS.items()}, **catalogue("sources")[f"name_{lang}"]}


def year_uncertainty(engine: Engine, year: int, *, draws: int = 10_000, seed: int = 1,
                     lang: str = "vi", scope: Scope) -> tuple[CalculationRun, mrv.Uncertainty]:
    """Monte Carlo and Approach 1 uncertainty of the year's official run and provincial
    estimate, for a scope that may read official results. Raises LookupError when the
    year has no official run."""
    scope.require_role("results")
    run, province = province_year(engine, year)
    return run, mrv.uncertainty(province, draws=draws, seed=seed, labels=item_labels(lang))
