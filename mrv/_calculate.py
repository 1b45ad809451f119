"""From the activity frame to the long results frame: every source, one GWP (DESIGN.md §6)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._errors import InputError, Problem
from mrv._i18n import msg
from mrv._factors import FactorLookupError, factor_profile
from mrv._normalize import normalize
from mrv.sources import SOURCES, STOCK_CHANGES
from mrv.sources._common import Block, Inputs


def _missing_factor(error: FactorLookupError, inputs: Inputs) -> InputError:
    problems = []
    for case in error.cases:
        plots = inputs.plot_years
        mask = np.ones(len(plots), dtype=bool)
        for key in ("crop", "climate"):
            if case.get(key) is not None:
                mask &= (plots[key] == case[key]).to_numpy()
        affected = ", ".join(sorted(map(str, plots.loc[mask, "plot_id"].unique()[:10])))
        parameter = catalogues.table("parameters").loc[error.parameter]
        problems.append(Problem(
            msg("factor profile {profile}", profile=error.profile), None, error.parameter,
            ", ".join(f"{k}={v}" for k, v in case.items()),
            msg("a cited factor row for {parameter} ({equation})", parameter=parameter["description"],
                equation=parameter["equation"]),
            msg("add a cited row to a factor set of the profile, or correct the records of plots {plots}",
                plots=affected),
        ))
    return InputError(problems)


def _concat_categoricals(parts: list[pd.Categorical]) -> pd.Categorical:
    """Concatenate Categoricals into one Categorical of the categories in use, by remapping
    codes (no per-row strings)."""
    labels: dict[str, int] = {}
    codes = []
    for part in parts:
        mapping = np.array([labels.setdefault(str(c), len(labels)) for c in part.categories] + [-1], dtype="int32")
        codes.append(mapping[part.codes])
    codes = np.concatenate(codes) if codes else np.array([], dtype="int32")
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(labels)))
    renumber = np.full(len(labels) + 1, -1, dtype="int32")
    renumber[used] = np.arange(len(used))
    categories = pd.Index(np.array(list(labels), dtype=object)[used], dtype=object)
    return pd.Categorical.from_codes(renumber[codes], categories=categories, validate=False)


def _assemble(blocks: list[Block], inputs: Inputs, gwp: str) -> pd.DataFrame:
    sources = catalogues.table("sources")
    blocks = [b for b in blocks if len(b.plot_year)]

    def stack(get, dtype=None):
        parts = [np.broadcast_to(np.asarray(get(b), dtype=dtype), len(b.plot_year)) for b in blocks]
        return np.concatenate(parts) if parts else np.array([], dtype=dtype)

    block_of_row = np.repeat(np.arange(len(blocks), dtype="int16"), [len(b.plot_year) for b in blocks])

    def constant(get) -> pd.Categorical:
        """A column that has one value per block."""
        codes, labels = pd.factorize(pd.Series([str(get(b)) for b in blocks], dtype=object))
        return pd.Categorical.from_codes(codes.astype("int16")[block_of_row], categories=labels, validate=False)

    plot_year = stack(lambda b: b.plot_year, "int64")
    plots = inputs.plot_years
    mass = stack(lambda b: b.mass_kg, "float64")
    gas, source = constant(lambda b: b.gas), constant(lambda b: b.source)
    frame = pd.DataFrame({
        "plot_id": plots["plot_id"].array.take(plot_year),
        "year": plots["year"].to_numpy()[plot_year],
        "crop": plots["crop"].array.take(plot_year),
        "commune_code": plots["commune_code"].array.take(plot_year),
        "source": source,
        "gas": gas,
        "mass_kg": mass,
        "co2e_kg": mass * catalogues.gwp(gwp, gas, source),
        "ipcc_category": constant(lambda b: b.ipcc_category or sources.loc[b.source, "ipcc_category"]),
        "input_type": _concat_categoricals([
            pd.Categorical.from_codes(np.zeros(len(b.plot_year), dtype="int8"), categories=[b.input_type])
            if isinstance(b.input_type, str) else pd.Categorical(b.input_type) for b in blocks]),
        "season": constant(lambda b: b.season or ""),
        "activity_amount": stack(lambda b: b.activity_amount, "float64"),
        "activity_unit": constant(lambda b: b.activity_unit),
        "factor_value": stack(lambda b: b.factor_value, "float64"),
        "factor_unit": constant(lambda b: b.factor_unit),
        "tier": stack(lambda b: b.factor.tier, "int64"),
        "factor_origin": _concat_categoricals([b.factor.origin for b in blocks]),
        "boundary": constant(lambda b: sources.loc[b.source, "boundary"]),
        "factor_ids": _concat_categoricals([b.factor_ids for b in blocks]),
    }, copy=False)
    return frame


def calculate_activity(activity: pd.DataFrame, factors: str = "ipcc2019", gwp: str = "AR5", *,
                       through: int | None = None) -> pd.DataFrame:
    """Emissions of a canonical activity frame (from `normalize`): a long frame with one row
    per plot × year × source × gas × input type (columns: `mrv.schema.RESULT_COLUMNS`).
    Stock changes give a row in every year of their series up to `through` (default: the
    latest year of the records). `attrs` records the factor profile, the factor-set version
    and the GWP set."""
    profile = factor_profile(factors)
    catalogues.gwp(gwp, [], [])  # an unknown set fails before any work
    series = None
    if len(activity):
        last = int(activity["year"].max()) if through is None else through
        series = pd.concat([source.series(activity, profile, last) for source in STOCK_CHANGES], ignore_index=True)
    inputs = Inputs(activity, profile, series)
    blocks: list[Block] = []
    try:
        for source in SOURCES:
            blocks.extend(source.emissions(inputs))
    except FactorLookupError as error:
        raise _missing_factor(error, inputs) from None
    results = _assemble(blocks, inputs, gwp)
    results.attrs.update({"factor_profile": factors, "factor_set_version": profile.version, "gwp": gwp})
    return results


def calculate(
    plots: pd.DataFrame,
    records: pd.DataFrame,
    factors: str = "ipcc2019",
    gwp: str = "AR5",
    *,
    sao: str | None = None,
    locale: str | None = None,
    through: int | None = None,
) -> pd.DataFrame:
    """Emissions by plot, year, source and gas from raw plots and records (text as typed).

    `factors` is a profile (ipcc2019, ipcc2006, vn2022), `gwp` a GWP100 set (AR4, AR5,
    AR6, AR6-origin: `mrv.gwp_sets`); `sao` and `locale` are the import options of `normalize`; `through` the last year
    a stock change's series runs to (`calculate_activity`). Raises `InputError` listing
    every bad value; then nothing is computed.
    """
    return calculate_activity(normalize(plots, records, sao=sao, locale=locale), factors, gwp, through=through)


def with_gwp(results: pd.DataFrame, gwp: str) -> pd.DataFrame:
    """The same results with `co2e_kg` under another GWP set: masses are stored, CO2e is
    derived, so changing the GWP never needs a recalculation."""
    out = results.copy()
    out["co2e_kg"] = out["mass_kg"].to_numpy() * catalogues.gwp(gwp, out["gas"], out["source"])
    out.attrs["gwp"] = gwp
    return out
