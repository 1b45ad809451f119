"""What every source module shares: the inputs it reads and the block of rows it returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mrv._factors import FactorProfile, FactorValues
from mrv._frames import factorize_rows


@dataclass
class Block:
    """Result rows of one source and gas: one per plot-year (and sub-input) with activity.

    `mass_kg = activity_amount × factor_value × (element-to-gas ratio, or a rice season's
    days)`; `factor` is the emission factor that gives the row its tier and origin;
    `factor_ids` lists every factor used on the row.
    """

    plot_year: np.ndarray
    source: str
    gas: str
    input_type: str | np.ndarray
    mass_kg: np.ndarray
    activity_amount: np.ndarray
    activity_unit: str
    factor_value: np.ndarray
    factor_unit: str
    factor: FactorValues
    factor_ids: pd.Categorical
    ipcc_category: str | None = None
    season: str | None = None  # the rice season of every row of the block


#: Columns of a source's `series`: the years a plot's stock change runs over (inclusive).
SERIES_COLUMNS = ["plot_id", "first", "last"]


class Inputs:
    """The activity frame grouped by plot-year, and the factor profile, as the sources see them.

    A plot-year exists where the plot has records that year, and in every year of a stock
    change's `series` (a source's plot, first and last year: the years between two tree
    inventories, the years a soil practice change runs over), recorded or not; such a
    plot-year takes the plot's attributes of its latest recorded year, has no records, and
    `recorded` False."""

    def __init__(self, activity: pd.DataFrame, factors: FactorProfile, series: pd.DataFrame | None = None):
        self.factors = factors
        self.activity = activity
        codes, first = factorize_rows([activity["plot_id"].cat.codes.to_numpy(), activity["year"].to_numpy()])
        self.codes = codes
        columns = ["plot_id", "year", "crop", "commune_code", "climate", "irrigation", "soil", "plot_area_ha",
                   "planting_year"]
        plot_years = activity[columns].iloc[first].reset_index(drop=True).assign(recorded=True)
        if series is not None and len(series):
            plot_years = pd.concat([plot_years, _unrecorded(plot_years, series)], ignore_index=True)
        for column in ("plot_id", "crop", "commune_code", "climate", "irrigation", "soil"):
            plot_years[column] = pd.Categorical(plot_years[column])
        self.plot_years = plot_years
        self.size = len(plot_years)
        self._derived: dict[str, object] = {}

    def total(self, *columns: str | np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        """Per plot-year sum of the given amounts (of the records in `where`): columns of the
        activity frame by name, or amounts per record worked out by a source."""
        values = sum(self.activity[c].to_numpy() if isinstance(c, str) else c for c in columns)
        if where is not None:
            values = np.where(where, values, 0.0)
        return np.bincount(self.codes, weights=values, minlength=self.size)

    def active(self, *columns: str | np.ndarray, where: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The plot-years with a non-zero total of the given amount columns, and the totals."""
        total = self.total(*columns, where=where)
        plot_year = total.nonzero()[0]
        return plot_year, total[plot_year]

    def once(self, name: str, compute):
        """`compute(self)`, worked out once per `Inputs`: an intermediate result that more
        than one source uses (the soil carbon change, and the N it mineralises)."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]

    def text_at(self, column: str, rows: np.ndarray) -> np.ndarray:
        """A text column of the activity frame at the given records, as an object array
        (only those records are converted)."""
        return np.asarray(self.activity[column].array.take(rows), dtype=object)

    def plot_years_of(self, plot_ids) -> pd.DataFrame:
        """The plot-years of the given plots: `plot_id` (text), `year`, `plot_year` (row)."""
        plot_year = np.flatnonzero(self.plot_years["plot_id"].isin(list(plot_ids)).to_numpy())
        return pd.DataFrame({"plot_id": np.asarray(self.plot_years["plot_id"].array.take(plot_year), dtype=object),
                             "year": self.plot_years["year"].to_numpy()[plot_year], "plot_year": plot_year})

    def keys(self, plot_year: np.ndarray, *names: str) -> dict:
        """Plot-year attributes (climate, crop, year, ...) at the given rows, for look-ups."""
        return {name: self.plot_years[name].to_numpy()[plot_year] if name == "year"
                else self.plot_years[name].array.take(plot_year) for name in names}


def _unrecorded(plot_years: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The plot-years of `series` (`SERIES_COLUMNS`) that have no records, each with its
    plot's attributes of the plot's latest recorded year, in the order of `series`. Plots
    and years are compared as integer keys (plot code × years spanned + year offset)."""
    spans = series[(series["last"] >= series["first"]).to_numpy()]
    plots = plot_years["plot_id"].cat.categories.get_indexer(spans["plot_id"].astype(str))
    first, last = spans["first"].to_numpy(dtype="int64"), spans["last"].to_numpy(dtype="int64")
    recorded_plot = plot_years["plot_id"].cat.codes.to_numpy(dtype="int64")
    recorded_year = plot_years["year"].to_numpy(dtype="int64")
    lengths = last - first + 1
    plot = np.repeat(plots, lengths)
    year = np.repeat(first, lengths) + np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    if not len(year) or not len(recorded_year):
        return plot_years.iloc[:0]
    earliest = min(year.min(), recorded_year.min())
    years = max(year.max(), recorded_year.max()) - earliest + 1
    key = plot * years + (year - earliest)
    _, once = np.unique(key, return_index=True)
    once.sort()  # each plot-year once, where it first appears
    once = once[(plot[once] >= 0) & ~np.isin(key[once], recorded_plot * years + (recorded_year - earliest))]
    order = np.lexsort((recorded_year, recorded_plot))  # by plot, then year: a plot's last row is its latest year
    last_of_plot = np.append(recorded_plot[order][1:] != recorded_plot[order][:-1], True)
    latest = np.full(len(plot_years["plot_id"].cat.categories), -1)
    latest[recorded_plot[order][last_of_plot]] = order[last_of_plot]
    rows = plot_years.iloc[latest[plot[once]]].reset_index(drop=True)
    return rows.assign(year=year[once].astype(plot_years["year"].dtype), recorded=False)
