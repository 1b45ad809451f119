"""Uncertainty of a province-year's totals and reductions (IPCC 2006 Vol. 1 Ch. 3, kept in
the 2019 Refinement): Approach 2, Monte Carlo, and Approach 1, error propagation, side by side.

Every result row is its activity × a product of the factors it names (`factor_ids`), so a
draw of the factors multiplies each row by the product of its factors' draw / value; a
token relating factors (`mrv._factors.RELATIONS`: a difference, one plus a factor, a
divisor) moves the row as that relation does; a factor that worked out the row's activity
(crop residue N from a harvest) does not move it: that activity's error is its records'.
Rice CH4 rows, where SF_o is a power of its amendments, are scaled by each factor's ratio:
an approximation. One draw per factor and iteration is shared by every plot, commune,
baseline and project that uses the factor. A factor's distribution is read from its row
(`distribution`, and `lower, upper` as the 95 % range), truncated to ≥ 0 and, for the
kg/kg fractions and factors, to ≤ 1:

- normal: mean = value, sd = (upper − lower) / (2 × 1.96);
- lognormal: median = value, lower and upper the 2.5th and 97.5th percentiles (a
  two-piece lognormal when the range is not symmetric in log space);
- triangular: lower, mode = value, upper.

A row without a range is held at its value and listed in `held`.

Activity data: each record's relative 95 % half-width comes from its evidence
(`factors/catalogue/evidence.csv`; text not in the file counts as `unspecified`), errors
independent between records. A result row takes the error of the records of its
plot-year and activity (the source's `activity` in sources.csv), amounts as weights. Rows
are summed into cells (boundary × source × factor ids) before drawing: a cell is its
factors' draw × (its CO2e + the sum of its rows' independent activity errors, one normal).

Reductions: `ProvinceYear.reductions` and `.estimate` are linear in the results' CO2e, so
each total is the sum, over groups of rows with the same factor ids, of the total
computed on that group alone; a draw scales each group by its factors' draw. Baseline
and project thus move together (`shared=False` draws them independently, for
comparison). The pilot reduction's activity error is that of the project plot-years'
records, and the baseline's relative error is that of the control and pre-model
plot-years. The provincial reduction adds the sampling error of each crop's mean
per-hectare reduction over its pilot models (Student's t, n − 1 degrees of freedom).
Commune areas and adoption shares are taken as given; the soil lost where a profile was
left is in the estimate's emissions with its factors (`ProvinceYear.soil_results`).

Approach 1 (Eq. 3.1 and 3.2): each factor's relative half-width (the larger side of an
asymmetric range) times the CO2e of every row using it (times the row's elasticity to it:
1 for a factor that multiplies the row), added in quadrature with the
activity and sampling errors: a factor shared by many rows counts once, fully correlated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from mrv import _catalogues as catalogues
from mrv._estimate import ProvinceYear
from mrv._factors import factor_profile, factor_tokens, parse_token, used_factor_ids

KG_PER_T = 1000.0
Z95 = stats.norm.ppf(0.975)
INVENTORY = ("afolu", "energy")
#: Columns of `Uncertainty.table`: t CO2e, and the interval in % of the central value.
UNCERTAINTY_COLUMNS = ["item", "central_t", "mean_t", "median_t", "lower_t", "upper_t",
                       "lower_pct", "upper_pct", "approach1_pct"]


#: Per relation of a factor-id token (`mrv._factors.RELATIONS`): the row's ratio to its
#: central value given the factors' values v and draw ratios r, and the row's elasticity
#: to each factor (its relative change per relative change of the factor).
_MOVES = {
    "factor": (lambda v, r: r[0], lambda v: [1.0]),
    "difference": (lambda v, r: (v[0] * r[0] - v[1] * r[1]) / (v[0] - v[1]),
                   lambda v: [v[0] / (v[0] - v[1]), -v[1] / (v[0] - v[1])]),
    "one_plus": (lambda v, r: (1 + v[0] * r[0]) / (1 + v[0]), lambda v: [v[0] / (1 + v[0])]),
    "inverse": (lambda v, r: 1 / r[0], lambda v: [-1.0]),
    "activity": (lambda v, r: np.ones_like(r[0]), lambda v: [0.0]),
}


@dataclass(frozen=True)
class FactorDraws:
    """Draws of every factor, as ratios draw / value: one row per factor id."""

    ids: pd.Index
    ratios: np.ndarray
    held: tuple[str, ...]
    half_width: pd.Series  # relative 95 % half-width (the larger side), 0 when held
    values: pd.Series  # each factor's value

    def _ratio(self, factor: str) -> np.ndarray:
        return self.ratios[self.ids.get_loc(factor)]

    def token_ratio(self, token: str) -> np.ndarray:
        """How a row's mass moves with the draws of one token of its factor ids (`_MOVES`)."""
        relation, ids = parse_token(token)
        return _MOVES[relation][0]([self.values[i] for i in ids], [self._ratio(i) for i in ids])

    def elasticities(self, joined) -> dict[str, float]:
        """Per factor of a row's ids, the relative change of the row per relative change of
        the factor (1 for a factor that multiplies the row), for error propagation."""
        out: dict[str, float] = {}
        for token in factor_tokens(joined):
            relation, ids = parse_token(token)
            for factor, elasticity in zip(ids, _MOVES[relation][1]([self.values[i] for i in ids])):
                out[factor] = out.get(factor, 0.0) + elasticity
        return out

    def ratio(self, factor_ids) -> np.ndarray:
        """For each row's factor ids, the product of its tokens' ratios: (rows, draws)."""
        out = np.ones((len(factor_ids), self.ratios.shape[1]))
        for row, joined in enumerate(factor_ids):
            for token in factor_tokens(joined):
                out[row] *= self.token_ratio(token)
        return out


def _truncated(uniform: np.ndarray, cdf, inverse, low: float, high: float) -> np.ndarray:
    """Inverse-CDF draws restricted to [low, high]."""
    start, stop = cdf(low), cdf(high)
    return inverse(start + uniform * (stop - start))


def draw_factors(profile: str, ids, draws: int, rng: np.random.Generator) -> FactorDraws:
    """`draws` values of each factor of `ids` (profile rows), with its row's distribution."""
    rows = factor_profile(profile).rows.set_index("id").loc[list(ids)]
    ratios = np.ones((len(rows), draws))
    uniform = rng.random((len(rows), draws))
    held, half_width = [], {}
    for position, (factor, row) in enumerate(rows.iterrows()):
        value, lower, upper, shape = row["value"], row["lower"], row["upper"], row["distribution"]
        if pd.isna(shape) or value == 0:
            held.append(factor)
            half_width[factor] = 0.0
            continue
        half_width[factor] = max(upper - value, value - lower) / value
        high = 1.0 if row["canonical_unit"] == "kg/kg" else np.inf
        if shape == "normal":
            sd = (upper - lower) / (2 * Z95)
            cdf, inverse = (lambda x: stats.norm.cdf((x - value) / sd)), (lambda p: value + sd * stats.norm.ppf(p))
        elif shape == "lognormal":
            below, above = np.log(value / lower) / Z95, np.log(upper / value) / Z95

            def cdf(x, below=below, above=above, value=value):
                z = np.log(x / value) if x > 0 else -np.inf
                return stats.norm.cdf(z / (below if z < 0 else above))

            def inverse(p, below=below, above=above, value=value):
                z = stats.norm.ppf(p)
                return value * np.exp(z * np.where(z < 0, below, above))
        else:
            triangle = stats.triang((value - lower) / (upper - lower), loc=lower, scale=upper - lower)
            cdf, inverse = triangle.cdf, triangle.ppf
        ratios[position] = _truncated(uniform[position], cdf, inverse, 0.0, high) / value
    return FactorDraws(pd.Index(rows.index), ratios, tuple(held), pd.Series(half_width), rows["value"])


def activity_half_width(results: pd.DataFrame, activity: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """Relative 95 % half-width of each result row's activity data, and the number of
    records by evidence kind."""
    evidence = catalogues.table("evidence")
    codes, _ = catalogues.aliases("evidence").resolve(activity["evidence"].astype(object))
    kinds = np.where(codes >= 0, evidence.index.to_numpy()[codes], "unspecified")
    half = evidence["half_width_pct"].reindex(kinds).to_numpy() / 100
    amount = activity[["product_kg", "diesel_l", "electricity_kwh", "burnt_area_ha"]].to_numpy().sum(axis=1)
    keys = pd.DataFrame({"plot_id": activity["plot_id"].astype(str).to_numpy(), "year": activity["year"].to_numpy(),
                         "activity": activity["activity"].astype(str).to_numpy(),
                         "amount": amount, "error": (half * amount) ** 2})
    grouped = keys.groupby(["plot_id", "year", "activity"]).sum()
    relative = np.sqrt(grouped["error"]) / grouped["amount"].where(grouped["amount"] > 0)
    rows = pd.MultiIndex.from_arrays([results["plot_id"].astype(str).to_numpy(), results["year"].to_numpy(),
                                      results["source"].astype(str).map(catalogues.table("sources")["activity"])])
    found = relative.reindex(rows).to_numpy(dtype="float64")
    return np.nan_to_num(found), pd.Series(kinds).value_counts()


@dataclass(frozen=True)
class Uncertainty:
    """The uncertainty of a province-year: `table` (`UNCERTAINTY_COLUMNS`), the factors
    held at their value, the records by evidence kind, the number of draws and the seed."""

    table: pd.DataFrame
    held: tuple[str, ...]
    evidence: pd.Series
    draws: int
    seed: int


def _row(item: str, central: float, samples: np.ndarray, approach1: float) -> dict:
    lower, median, upper = np.quantile(samples, (0.025, 0.5, 0.975))
    scale = 100 / abs(central) if central else np.nan  # a removal's interval keeps lower below, upper above
    return {"item": item, "central_t": central, "mean_t": float(samples.mean()), "median_t": median,
            "lower_t": lower, "upper_t": upper, "lower_pct": (lower - central) * scale,
            "upper_pct": (upper - central) * scale, "approach1_pct": approach1 * scale}


def _approach1(coefficients: pd.Series, factors: FactorDraws, *other: float) -> float:
    """95 % half-width (t) of Σ coefficients over factor-id groups, each factor counted once
    (with its elasticity on each group: 1 where it multiplies the group)."""
    by_factor: dict[str, float] = {}
    for joined, value in coefficients.items():
        for factor, elasticity in factors.elasticities(joined).items():
            by_factor[factor] = by_factor.get(factor, 0.0) + value * elasticity
    squares = [(factors.half_width.get(f, 0.0) * v) ** 2 for f, v in by_factor.items()]
    return float(np.sqrt(sum(squares) + sum(x ** 2 for x in other)))


def _joined_ids(province: ProvinceYear) -> set[str]:
    """Every `factor_ids` of the rows a province-year's totals are made of: the pilots', the
    profiles' per hectare and the estimate's soil changes."""
    frames = (province.results, province.profile_results, province.soil_results)
    return set().union(*(set(frame["factor_ids"].astype(str)) for frame in frames))


def _groups(province: ProvinceYear, estimate: pd.DataFrame) -> pd.DataFrame:
    """Per group of rows with the same factor ids: the pilot baseline and project, the
    provincial emissions and reduction, each computed on that group's rows alone (t CO2e)."""
    return province.totals_by("factor_ids", estimate).rename(
        columns={"emissions": "estimate", "reduction": "estimate_reduction"})


def _emission_rows(results: pd.DataFrame, sd: np.ndarray, factors: FactorDraws, rng: np.random.Generator,
                   name: dict) -> list[dict]:
    """The pilot plots' totals: inventory (AFOLU + energy), each boundary, each source's
    emissions, and the removals apart (never netted into a total)."""
    draws = factors.ratios.shape[1]
    cells = results.assign(co2e_t=results["co2e_kg"] / KG_PER_T, variance=sd ** 2,
                           removal=results["mass_kg"].to_numpy() < 0).groupby(
        ["boundary", "source", "removal", "factor_ids"], observed=True)[["co2e_t", "variance"]].sum().reset_index()
    cell_sd = np.sqrt(cells["variance"].to_numpy())
    noise = rng.standard_normal((len(cells), draws)) * cell_sd[:, None]
    cell_draws = factors.ratio(cells["factor_ids"]) * (cells["co2e_t"].to_numpy()[:, None] + noise)
    boundary, source = cells["boundary"].astype(str).to_numpy(), cells["source"].astype(str).to_numpy()
    removal = cells["removal"].to_numpy(dtype=bool)
    items = {"total": np.isin(boundary, INVENTORY) & ~removal,
             **{b: (boundary == b) & ~removal for b in ("afolu", "energy", "scope2") if (boundary == b).any()},
             **{s: (source == s) & ~removal for s in dict.fromkeys(source[~removal])},
             **({"removals": removal} if removal.any() else {})}
    rows = []
    for item, chosen in items.items():
        part = cells[chosen]
        coefficients = part.groupby(part["factor_ids"].astype(str))["co2e_t"].sum()
        activity = Z95 * float(np.sqrt((cell_sd[chosen] ** 2).sum()))
        rows.append(_row(name[item], float(part["co2e_t"].sum()), cell_draws[chosen].sum(axis=0),
                         _approach1(coefficients, factors, activity)))
    return rows


def _pilot_activity_sd(province: ProvinceYear, reductions: pd.DataFrame, sd: np.ndarray, baseline: float) -> float:
    """Activity-data sd (t) of the pilots' reduction: the project plot-years' records, and
    the baseline at the relative error of the control and pre-model plot-years."""
    results = province.results
    plot_year = pd.MultiIndex.from_arrays([results["plot_id"].astype(str).to_numpy(), results["year"].to_numpy()])
    in_project = plot_year.isin(pd.MultiIndex.from_arrays([reductions["plot_id"].astype(str), reductions["year"]]))
    in_pilots = (results["plot_id"].astype(str).isin(set(province.pilots["plot_id"].astype(str)))
                 & (results["boundary"] == "afolu") & (results["mass_kg"] >= 0)).to_numpy()
    before = in_pilots & ~in_project
    before_t = results.loc[before, "co2e_kg"].sum() / KG_PER_T
    relative = np.sqrt((sd[before] ** 2).sum()) / before_t if before_t else 0.0
    return float(np.hypot(np.sqrt((sd[in_pilots & in_project] ** 2).sum()), baseline * relative))


def _reduction_rows(province: ProvinceYear, sd: np.ndarray, factors: FactorDraws, independent: FactorDraws,
                    rng: np.random.Generator, name: dict) -> list[dict]:
    """The pilots' reduction, the provincial estimate's emissions and its reduction."""
    draws = factors.ratios.shape[1]
    reductions = province.reductions()
    estimate = province.estimate(reductions)
    groups = _groups(province, estimate)
    ratio, other = factors.ratio(groups.index), independent.ratio(groups.index)

    def drawn(column: str, ratios: np.ndarray = ratio) -> np.ndarray:
        return (groups[column].to_numpy()[:, None] * ratios).sum(axis=0)

    rows = []
    if len(reductions):
        baseline = groups["baseline"].sum()
        activity_sd = _pilot_activity_sd(province, reductions, sd, baseline)
        rows.append(_row(name["pilot_reduction"], float(baseline - groups["project"].sum()),
                         drawn("baseline") - drawn("project", other) + rng.standard_normal(draws) * activity_sd,
                         _approach1(groups["baseline"] - groups["project"], factors, Z95 * activity_sd)))
    if estimate["emissions_t"].notna().any():
        rows.append(_row(name["estimate_total"], float(estimate["emissions_t"].sum()), drawn("estimate"),
                         _approach1(groups["estimate"], factors)))
    if estimate["reduction_t"].notna().any():
        per_crop = province.pilot_per_ha(reductions)
        low_ha = estimate.dropna(subset=["reduction_t"]).groupby("crop")["low_emission_ha"].sum()
        sampling, sampling_half = np.zeros(draws), []
        for crop, hectares in low_ha.items():
            models, error = per_crop.loc[crop, "models"], per_crop.loc[crop, "standard_error"]
            if models > 1:
                sampling += hectares * error * rng.standard_t(models - 1, draws)
                sampling_half.append(hectares * error * stats.t.ppf(0.975, models - 1))
        rows.append(_row(name["reduction_total"], float(estimate["reduction_t"].sum()),
                         drawn("estimate_reduction") + sampling,
                         _approach1(groups["estimate_reduction"], factors, *sampling_half)))
    return rows


def uncertainty(province: ProvinceYear, *, draws: int = 10_000, seed: int = 1, shared: bool = True,
                labels: dict[str, str] | None = None) -> Uncertainty:
    """Monte Carlo (Approach 2) and error propagation (Approach 1) for the province-year's
    pilot totals (inventory, by boundary and source; removals apart), the pilots' reduction
    and the provincial estimate's emissions and reduction. `labels` names the items (keys:
    total, afolu, energy, scope2, removals, pilot_reduction, estimate_total, reduction_total,
    and each source id; English source names by default). `shared=False` draws the project's
    factors apart from the baseline's, to show what sharing them saves."""
    items = ("total", "afolu", "energy", "scope2", "removals", "pilot_reduction", "estimate_total", "reduction_total")
    name = {**{key: key for key in items}, **catalogues.table("sources")["name_en"], **(labels or {})}
    results = province.results
    rng = np.random.default_rng(seed)
    ids = used_factor_ids(_joined_ids(province))
    profile = results.attrs["factor_profile"]
    factors = draw_factors(profile, ids, draws, rng)
    independent = factors if shared else draw_factors(profile, ids, draws, rng)
    half, evidence = activity_half_width(results, province.activity)
    sd = results["co2e_kg"].to_numpy() * half / Z95 / KG_PER_T
    rows = _emission_rows(results, sd, factors, rng, name) + _reduction_rows(province, sd, factors, independent, rng, name)
    return Uncertainty(pd.DataFrame(rows, columns=UNCERTAINTY_COLUMNS), factors.held, evidence, draws, seed)


#: Columns of `line_uncertainty`: Approach 1 and the Monte Carlo 95 % interval, in % of the central value.
LINE_UNCERTAINTY_COLUMNS = ["central_kg", "approach1_pct", "mc_lower_pct", "mc_upper_pct"]


def line_uncertainty(rows: pd.DataFrame, groups: dict[str, np.ndarray], profile: str, *, draws: int = 10_000,
                     seed: int = 1) -> pd.DataFrame:
    """The factor uncertainty of each group of result rows (an inventory line or total; a
    boolean mask over `rows`), by Approach 1 and by Monte Carlo with one draw per factor
    shared by every group, as for the province-year's totals (`uncertainty`). The rows'
    activity (the estimate's commune areas and adoption shares) is taken as given. One row
    per group with a mass (`LINE_UNCERTAINTY_COLUMNS`, indexed by the group's name)."""
    joined = rows["factor_ids"].astype(str).to_numpy()
    factors = draw_factors(profile, used_factor_ids(set(joined)), draws, np.random.default_rng(seed))
    out = {}
    for name, mask in groups.items():
        cells = pd.Series(rows["mass_kg"].to_numpy(dtype="float64")[mask]).groupby(joined[mask]).sum()
        central = float(cells.sum())
        if not len(cells) or central == 0:
            continue
        samples = (factors.ratio(cells.index) * cells.to_numpy()[:, None]).sum(axis=0)
        row = _row(name, central, samples, _approach1(cells, factors))
        out[name] = {"central_kg": central, "approach1_pct": row["approach1_pct"], "mc_lower_pct": row["lower_pct"],
                     "mc_upper_pct": row["upper_pct"]}
    return pd.DataFrame.from_dict(out, orient="index", columns=LINE_UNCERTAINTY_COLUMNS)
