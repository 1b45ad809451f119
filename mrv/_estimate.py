"""The provincial estimate (DESIGN.md §1): province-wide activity data by commune × factors,
and the reduction scaled up from the pilots with the sampling spread that brings.

Emissions of a crop in a commune = area × Σ over practice profiles (share × emissions per
hectare of the profile). The reduction = area under low-emission practice × the per-hectare
reduction measured in that crop's pilot models; the pilot models are a sample, so the
estimate carries a 95 % interval from their spread (Student's t on the model means). A
commune without activity data for the year is reported as missing, never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from mrv import _catalogues as catalogues
from mrv._calculate import calculate, calculate_activity
from mrv._normalize import normalize
from mrv._reductions import pilot_baselines_by, pilot_reductions, production_by_plot
from mrv.schema import RESULT_COLUMNS

KG_PER_T = 1000.0
#: Columns of a province-year's perennial age classes: a commune's area of a crop by planting year.
AGE_CLASS_COLUMNS = ["commune_code", "crop", "planting_year", "area_ha"]
#: Columns of `provincial_estimate`.
ESTIMATE_COLUMNS = ["commune_code", "crop", "area_ha", "low_emission_ha", "emissions_t", "reduction_t",
                    "reduction_lower_t", "reduction_upper_t", "status"]


def _profile_activity(profiles: pd.DataFrame, year: int) -> pd.DataFrame:
    """The canonical activity frame (`mrv.normalize`) of each practice profile's inputs per
    hectare as the records of a 1 ha plot of its crop (wet climate, no irrigation) in
    `year`; `plot_id` is the profile id."""
    plots = profiles.drop_duplicates("profile_id")[["profile_id", "crop"]].rename(columns={"profile_id": "plot_id"})
    plots = plots.assign(commune_code="", area="1", area_unit="ha", climate="wet", irrigation="none")
    plots.attrs["source"] = "practice profiles"
    records = profiles.rename(columns={"profile_id": "plot_id"}).assign(year=str(year))
    records.attrs["source"] = "practice profiles"
    return normalize(plots, records)


def _changes_soil(activity: pd.DataFrame) -> np.ndarray:
    """Which rows of a profile activity frame are soil practice changes (`soil_management`)."""
    return activity["managed_area_ha"].to_numpy(dtype="float64") > 0


def profile_results(profiles: pd.DataFrame, year: int, factors: str = "ipcc2019", gwp: str = "AR5") -> pd.DataFrame:
    """Results of each practice profile's inputs per hectare applied to a 1 ha plot of its
    crop (wet climate, no irrigation) in `year`; `plot_id` is the profile id. `profiles`
    has one row per input: `profile_id, crop, activity, product, quantity, unit, n_content, use`.
    A profile's soil practice change (`soil_management`) is left out here: it moves the
    soil carbon of the hectares that take the profile up or leave it, not of every hectare
    every year (`soil_change_results`)."""
    activity = _profile_activity(profiles, year)
    return calculate_activity(activity[~_changes_soil(activity)].reset_index(drop=True), factors, gwp)


def per_hectare(results: pd.DataFrame, profile_ids, boundaries: tuple[str, ...] = ("afolu",),
                by: str | None = None) -> pd.Series | pd.DataFrame:
    """t CO2e per hectare of each profile from its `profile_results` (0 for a profile
    without emissions on these boundaries). With `by`, one column per value of that column
    of the results: each profile's per-hectare CO2e from those rows alone."""
    results = results[results["boundary"].isin(boundaries)]
    profiles = pd.Index(profile_ids, dtype=str)
    if by is None:
        per_ha = results.groupby(results["plot_id"].astype(str))["co2e_kg"].sum() / KG_PER_T
        return per_ha.reindex(profiles, fill_value=0.0).rename("t_co2e_per_ha")
    wide = results.groupby([results["plot_id"].astype(str), results[by].astype(str)])["co2e_kg"].sum()
    return (wide.unstack(fill_value=0.0) / KG_PER_T).reindex(profiles, fill_value=0.0).rename_axis(columns=None)


def profile_emissions(profiles: pd.DataFrame, year: int, factors: str = "ipcc2019", gwp: str = "AR5",
                      boundaries: tuple[str, ...] = ("afolu",)) -> pd.Series:
    """t CO2e per hectare of each practice profile in `year` (`profile_results`, then
    `per_hectare`)."""
    return per_hectare(profile_results(profiles, year, factors, gwp), profiles["profile_id"].unique(), boundaries)


def conventional_per_ha(profiles: pd.DataFrame, per_ha: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame | None:
    """t CO2e per ha of each crop's conventional (not low-emission) practice: the mean of
    its conventional profiles (of each column of a `per_hectare` by a column); None
    without profiles."""
    if not len(per_ha):
        return None
    profiles = profiles.drop_duplicates("profile_id").set_index("profile_id")
    usual = profiles.index[~profiles["low_emission"].astype(bool)]
    return per_ha.loc[usual].groupby(profiles.loc[usual, "crop"].to_numpy()).mean()


def _model_means(reductions: pd.DataFrame, columns: list[str], pilot_crops: pd.Series) -> pd.DataFrame:
    """Each pilot model's mean of `columns` over its plot-years that have them (so that a
    model weighs once, whatever its number of plots), with the model's `crop`."""
    by_model = reductions.dropna(subset=columns).groupby("pilot_model_id")[columns].mean()
    return by_model.assign(crop=by_model.index.map(pilot_crops))


def pilot_reduction_per_ha(reductions: pd.DataFrame, pilot_crops: pd.Series, confidence: float = 0.95) -> pd.DataFrame:
    """Per crop: the mean per-hectare reduction of its pilot models (each model weighted
    once: the mean over its pilot plots), the interval of that mean and its standard error."""
    frame = _model_means(reductions, ["reduction_t_per_ha"], pilot_crops).rename(columns={"reduction_t_per_ha": "per_ha"})
    rows = []
    for crop, group in frame.groupby("crop"):
        n = len(group)
        mean = float(group["per_ha"].mean())
        half = (float(stats.t.ppf(0.5 + confidence / 2, n - 1) * group["per_ha"].std(ddof=1) / np.sqrt(n))
                if n > 1 else np.nan)
        rows.append({"crop": crop, "models": n, "reduction_t_per_ha": mean, "lower": mean - half, "upper": mean + half,
                     "standard_error": float(group["per_ha"].std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan})
    return pd.DataFrame(rows, columns=["crop", "models", "reduction_t_per_ha", "lower", "upper", "standard_error"]
                        ).set_index("crop")


def _mix(commune_crops: pd.DataFrame, adoption: pd.DataFrame, profiles: pd.DataFrame,
         per_ha: pd.Series) -> pd.DataFrame:
    """Each commune crop's area with its adoption shares summed (`share`, and weighted by
    low emission and by `per_ha`), and `status`: 'estimated', 'no practice data' (no share
    of a profile of the crop) or 'shares do not add up to 100 %'."""
    profiles = profiles.drop_duplicates("profile_id").set_index("profile_id")
    shares = adoption.assign(crop=adoption["profile_id"].map(profiles["crop"]).astype(object),
                             low=adoption["profile_id"].map(profiles["low_emission"]).fillna(False).astype(bool),
                             per_ha=adoption["profile_id"].map(per_ha).astype("float64"),
                             share=adoption["share"].astype("float64"))
    mix = shares.assign(weighted=shares["share"] * shares["per_ha"], low_share=shares["share"] * shares["low"])
    mix = mix.groupby(["commune_code", "crop"])[["weighted", "low_share", "share"]].sum()
    data = commune_crops.merge(mix, how="left", left_on=["commune_code", "crop"], right_index=True)
    no_mix = data["share"].isna().to_numpy()
    unbalanced = ~no_mix & (np.abs(data["share"].to_numpy(dtype="float64") - 1.0) > 1e-6)
    return data.assign(status=np.select([no_mix, unbalanced], ["no practice data", "shares do not add up to 100 %"],
                                        "estimated"))


def estimate_status(commune_crops: pd.DataFrame, adoption: pd.DataFrame, profiles: pd.DataFrame,
                    age_classes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per commune and crop of `commune_crops` (`commune_code, crop, area_ha`): whether the
    provincial estimate covers it (`status` as in `provincial_estimate`), before any
    calculation; `profiles` may be empty (then nothing is covered). With `age_classes`
    (`AGE_CLASS_COLUMNS`), `age_class_ha` is the area its classes give (a crop with classes
    and no area has a row of its own, `area_ha` NaN)."""
    if profiles.empty:
        profiles = pd.DataFrame(columns=["profile_id", "crop", "low_emission"])
    status = _mix(commune_crops, adoption, profiles, pd.Series(dtype="float64"))[
        ["commune_code", "crop", "area_ha", "status"]]
    if age_classes is not None:
        planted = age_classes.groupby(["commune_code", "crop"], as_index=False)["area_ha"].sum().rename(
            columns={"area_ha": "age_class_ha"})
        status = status.merge(planted, how="outer", on=["commune_code", "crop"])
    return status.reset_index(drop=True)


def provincial_estimate(communes: list[str], commune_crops: pd.DataFrame, adoption: pd.DataFrame,
                        profiles: pd.DataFrame, per_ha: pd.Series, pilot_reduction: pd.DataFrame) -> pd.DataFrame:
    """Emissions and reduction by commune and crop for one year.

    `commune_crops`: `commune_code, crop, area_ha`; `adoption`: `commune_code, profile_id,
    share`; `profiles`: `profile_id, crop, low_emission` (one row per profile); `per_ha`:
    t CO2e per ha by profile (`profile_emissions`); `pilot_reduction`: by crop
    (`pilot_reduction_per_ha`). Shares are fractions that must add up to 1 per commune and
    crop. Every commune of `communes` has a row; one without area data has `status`
    'missing', one without usable shares says so, and their figures are NaN, never 0.
    """
    data = _mix(commune_crops, adoption, profiles, per_ha)
    data = data.merge(pilot_reduction, how="left", left_on="crop", right_index=True)
    usable = (data["status"] == "estimated").to_numpy()
    data = data.assign(
        emissions_t=np.where(usable, data["area_ha"] * data["weighted"], np.nan),
        low_emission_ha=np.where(usable, data["area_ha"] * data["low_share"], np.nan),
    )
    data = data.assign(
        reduction_t=data["low_emission_ha"] * data["reduction_t_per_ha"],
        reduction_lower_t=data["low_emission_ha"] * data["lower"],
        reduction_upper_t=data["low_emission_ha"] * data["upper"],
    )
    return pd.concat([data[ESTIMATE_COLUMNS], missing_communes(sorted(set(communes) - set(commune_crops["commune_code"])))],
                     ignore_index=True)


def estimate_coverage(estimate: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """What the provincial estimate covers, per crop with area: its hectares (`area_ha`),
    those estimated (`estimated_ha`: communes whose adoption shares of the crop's practice
    profiles add up to 100 %), the sources its estimate has (`sources`, source ids in the
    catalogue's order: from its practice profiles, and biomass carbon from its age classes;
    a source neither gives is not estimated) and whether its
    reduction is estimated (`reduction_estimated`: a pilot model of the crop measured one).
    `estimate` is `provincial_estimate`, `rows` its `ProvinceYear.estimate_rows`."""
    with_area = estimate[estimate["area_ha"].fillna(0).to_numpy() > 0]
    covered = (with_area["status"] == "estimated").to_numpy()
    table = with_area.assign(estimated_ha=np.where(covered, with_area["area_ha"], 0.0),
                             reduced=with_area["reduction_t"].notna()).groupby("crop").agg(
        area_ha=("area_ha", "sum"), estimated_ha=("estimated_ha", "sum"), reduction_estimated=("reduced", "any"))
    order = {source: position for position, source in enumerate(catalogues.table("sources").index)}
    emitted = rows[rows["co2e_kg"].to_numpy() != 0]
    sources = emitted.groupby(emitted["crop"].astype(str))["source"].agg(
        lambda found: sorted(set(map(str, found)), key=order.__getitem__))
    return table.assign(sources=[sources.get(crop, []) for crop in table.index]).reset_index()[
        ["crop", "area_ha", "estimated_ha", "sources", "reduction_estimated"]]


def age_class_ids(classes: pd.DataFrame) -> pd.Series:
    """The name of each age class: its crop and planting year ('coffee 2018')."""
    return classes["crop"].astype(str) + " " + classes["planting_year"].astype("int64").astype(str)


def age_class_results(classes: pd.DataFrame, year: int, factors: str = "ipcc2019", gwp: str = "AR5") -> pd.DataFrame:
    """Results of 1 ha of each perennial crop and planting year of `classes` (columns crop,
    planting_year) in `year`: wet climate, no irrigation, as the practice profiles; the
    biomass carbon of Tier 1 (IPCC 2006 Vol. 4 Eq. 2.9 with Table 5.1, `mrv.sources.biomass_carbon`):
    growth in each year of the crop's harvest or maturity cycle. Each class is a plot with a record
    that none of it was cleared in the year; `plot_id` is `age_class_ids`."""
    kinds = classes[["crop", "planting_year"]].drop_duplicates().reset_index(drop=True)
    names = age_class_ids(kinds)
    plots = pd.DataFrame({"plot_id": names, "commune_code": "", "crop": kinds["crop"].astype(str), "area": "1",
                          "area_unit": "ha", "climate": "wet", "irrigation": "none",
                          "planting_year": kinds["planting_year"].astype("int64").astype(str)})
    records = pd.DataFrame({"plot_id": names, "year": str(year), "activity": "clearing", "product": "", "quantity": "0",
                            "unit": "ha", "n_content": ""})
    plots.attrs["source"] = records.attrs["source"] = "perennial age classes"
    return calculate(plots, records, factors, gwp)


def _changed_hectares(profiles: pd.DataFrame, areas: pd.DataFrame, adoption: pd.DataFrame, year: int,
                      changing: np.ndarray) -> pd.DataFrame:
    """Hectares of each commune crop that took up a profile of `changing` (or left it) in
    each year up to `year`: area_b × (share_b − share_a) between two consecutive years a < b
    whose shares of the commune crop add up to 100 % (the first such year is the baseline).
    Columns commune_code, crop, profile_id, year (b), left (the share fell), hectares (> 0)."""
    years = sorted(set(adoption["year"].astype("int64")) & set(areas["year"].astype("int64")))
    usable = []
    for each in (y for y in years if y <= year):
        mix = _mix(areas[areas["year"].astype("int64") == each], adoption[adoption["year"].astype("int64") == each],
                   profiles, pd.Series(dtype="float64"))
        usable.append(mix.loc[mix["status"] == "estimated", ["commune_code", "crop", "area_ha"]].assign(year=each))
    if not usable:
        return pd.DataFrame(columns=["commune_code", "crop", "profile_id", "year", "left", "hectares"])
    crops = profiles.drop_duplicates("profile_id").set_index("profile_id")["crop"]
    grid = pd.concat(usable, ignore_index=True).merge(
        pd.DataFrame({"profile_id": changing, "crop": crops[changing].to_numpy()}), on="crop")
    shares = adoption.assign(year=adoption["year"].astype("int64"), share=adoption["share"].astype("float64"))
    grid = grid.merge(shares[["commune_code", "year", "profile_id", "share"]], how="left",
                      on=["commune_code", "year", "profile_id"]).fillna({"share": 0.0})
    grid = grid.sort_values(["commune_code", "profile_id", "year"], kind="stable")
    change = (grid.groupby(["commune_code", "profile_id"])["share"].diff() * grid["area_ha"]).fillna(0.0).to_numpy()
    grid = grid.assign(left=change < 0, hectares=np.abs(change))
    return grid[change != 0][["commune_code", "crop", "profile_id", "year", "left", "hectares"]].reset_index(drop=True)


def _change_ids(changes: pd.DataFrame) -> pd.Series:
    """The name of each soil practice change of the estimate: the profile and the year its
    area was taken up ('coffee-low 2024'), with 'left' where the area left it."""
    return (changes["profile_id"].astype(str) + " " + changes["year"].astype(str)
            + np.where(changes["left"].to_numpy(dtype=bool), " left", ""))


def soil_change_results(profiles: pd.DataFrame, areas: pd.DataFrame, adoption: pd.DataFrame, year: int,
                        factors: str = "ipcc2019", gwp: str = "AR5") -> pd.DataFrame:
    """The estimate's soil carbon in `year` (IPCC 2006 Vol. 4 Eq. 2.25, Tier 1, with the
    engine's `mrv.sources.soil_carbon`), as result rows of real hectares.

    A practice profile with a `soil_management` row (its soil practice and the practice it
    replaced, as a record) changes the soil of the hectares that take it up: between two
    consecutive years a < b with usable shares of a commune crop, area_b × (share_b −
    share_a) hectares change from the former practice to the profile's in year b, or back
    where the share fell. Each change counts in each of the D years from b on (default 20),
    as a pilot plot's record does, with the N its losses mineralise (F_SOM); changes before
    the first year with usable shares are not known and not counted. `areas`
    (`commune_code, year, crop, area_ha`) and `adoption` (`commune_code, year, profile_id,
    share`) are the series up to `year`; `plot_id` names the change (`_change_ids`)."""
    empty = pd.DataFrame(columns=list(RESULT_COLUMNS))
    if profiles.empty or adoption.empty:
        return empty
    activity = _profile_activity(profiles, year)
    soil = _changes_soil(activity)
    changing = activity["plot_id"].astype(str).to_numpy()[soil]
    hectares = _changed_hectares(profiles, areas, adoption, year, np.unique(changing))
    if hectares.empty:
        return empty
    kinds = hectares[["profile_id", "crop", "year", "left"]].drop_duplicates()
    kinds = kinds.assign(plot_id=_change_ids(kinds))
    plots = pd.DataFrame({"plot_id": kinds["plot_id"], "commune_code": "", "crop": kinds["crop"], "area": "1",
                          "area_unit": "ha", "climate": "wet", "irrigation": "none"})
    records = kinds.drop(columns="crop").merge(profiles[soil].drop(columns=["crop", "year"], errors="ignore"),
                                               on="profile_id")
    left = records["left"].to_numpy(dtype=bool)
    records = records.assign(year=records["year"].astype(str),
                             product=np.where(left, records["previous_practice"], records["product"]),
                             previous_practice=np.where(left, records["product"], records["previous_practice"]))
    plots.attrs["source"] = records.attrs["source"] = "practice profiles"
    per_ha = calculate(plots, records.drop(columns=["profile_id", "left"]), factors, gwp, through=year)
    per_ha = per_ha[per_ha["year"].to_numpy() == year]
    rows = _scaled(per_ha, hectares.assign(plot_id=_change_ids(hectares)))
    rows.attrs.update(per_ha.attrs)
    return rows


def _scaled(per_ha: pd.DataFrame, hectares: pd.DataFrame) -> pd.DataFrame:
    """Per-hectare result rows (`plot_id` naming a profile, an age class or a soil change) ×
    the hectares of each commune and crop with it."""
    rows = hectares[["commune_code", "crop", "plot_id", "hectares"]].astype({"plot_id": str}).merge(
        per_ha.drop(columns=["commune_code", "crop"]).assign(plot_id=per_ha["plot_id"].astype(str)), on="plot_id")
    scale = rows["hectares"].to_numpy(dtype="float64")
    rows = rows.assign(**{column: rows[column].to_numpy(dtype="float64") * scale
                          for column in ("mass_kg", "co2e_kg", "activity_amount")})
    return rows[list(RESULT_COLUMNS)]


def missing_communes(communes: list[str]) -> pd.DataFrame:
    """Estimate rows for communes without activity data: status 'missing', figures NaN."""
    return pd.DataFrame({"commune_code": communes, "status": "missing"}).reindex(columns=ESTIMATE_COLUMNS)


@dataclass(frozen=True)
class ProvinceYear:
    """Everything a province-year's figures are made of, as engine frames (the models
    layer reads them from the database): the pilot plots' `results` and `activity`,
    `pilots` (`pilot_reductions`), the practice `profiles` (one row per input, with
    `low_emission`) and their `profile_results`, commune crop `areas` and `adoption`
    shares (`provincial_estimate`), the province's commune codes, and the perennial crops'
    `age_classes` (`AGE_CLASS_COLUMNS`) with their `age_class_results`, and the soil carbon
    of the area that took up or left a profile's soil practice (`soil_change_results`)."""

    year: int
    results: pd.DataFrame
    activity: pd.DataFrame
    pilots: pd.DataFrame
    profiles: pd.DataFrame
    profile_results: pd.DataFrame
    areas: pd.DataFrame
    adoption: pd.DataFrame
    communes: list[str]
    age_classes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AGE_CLASS_COLUMNS))
    age_class_results: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(RESULT_COLUMNS)))
    soil_results: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(RESULT_COLUMNS)))
    #: What is worked out from the activity once, with the activity it came from, shared by
    #: copies made with `dataclasses.replace` (a commune's cut, with its own activity, works
    #: it out again).
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def per_ha(self) -> pd.Series:
        """t CO2e (AFOLU) per ha of each practice profile."""
        if self.profiles.empty:
            return pd.Series(dtype="float64")
        return per_hectare(self.profile_results, self.profiles["profile_id"].unique())

    def _production(self) -> pd.DataFrame:
        """`production_by_plot` of the activity, worked out once per activity."""
        activity, production = self._memo.get("production", (None, None))
        if activity is not self.activity:  # worked out again for another activity (a commune's cut)
            production = production_by_plot(self.activity)
            self._memo["production"] = (self.activity, production)
        return production

    def _pilot_crops(self) -> pd.Series:
        return self.pilots.drop_duplicates("pilot_model_id").set_index("pilot_model_id")["crop"]

    def reductions(self) -> pd.DataFrame:
        """`pilot_reductions` of every pilot plot-year, with the conventional profiles as the
        last-resort baseline."""
        return pilot_reductions(self.results, self.activity, self.pilots,
                                conventional_per_ha=conventional_per_ha(self.profiles, self.per_ha()),
                                production=self._production())

    def pilot_per_ha(self, reductions: pd.DataFrame) -> pd.DataFrame:
        """`pilot_reduction_per_ha` by crop."""
        return pilot_reduction_per_ha(reductions, self._pilot_crops())

    def estimate(self, reductions: pd.DataFrame) -> pd.DataFrame:
        """`provincial_estimate` by commune and crop (every commune missing without area or
        profile data), its emissions with the soil carbon lost where a practice was left
        (and the N2O of the N that loss mineralised)."""
        if self.profiles.empty or self.areas.empty:
            return missing_communes(self.communes)
        estimate = provincial_estimate(self.communes, self.areas, self.adoption, self.profiles, self.per_ha(),
                                       self.pilot_per_ha(reductions))
        soil = self._soil_rows(estimate)
        lost = soil[(soil["mass_kg"].to_numpy(dtype="float64") > 0) & (soil["boundary"] == "afolu").to_numpy()]
        lost = lost.groupby(["commune_code", "crop"])["co2e_kg"].sum() / KG_PER_T
        keys = pd.MultiIndex.from_frame(estimate[["commune_code", "crop"]])
        return estimate.assign(emissions_t=estimate["emissions_t"] + keys.map(lost).fillna(0.0).to_numpy(dtype="float64"))

    def totals_by(self, by: str, estimate: pd.DataFrame) -> pd.DataFrame:
        """Per value of the column `by` of the result rows (the pilots', the profiles' and
        the soil's): the pilots' `baseline` and `project` (the sums of `reductions`) and
        the `emissions` and `reduction` of `estimate` (this year's `estimate`), each worked
        out from that value's rows alone, in t CO2e. Every one is linear in the rows' CO2e
        with the same plots, models, areas and shares, so each column adds up to its total."""
        frames = (self.results, self.profile_results, self.soil_results)
        values = sorted(set().union(*(set(frame[by].astype(str)) for frame in frames)))
        totals = pd.DataFrame(0.0, index=pd.Index(values, dtype=object),
                              columns=["baseline", "project", "emissions", "reduction"])
        per_ha = (per_hectare(self.profile_results, self.profiles["profile_id"].unique(), by=by)
                  if not self.profiles.empty else pd.DataFrame())
        keys, baseline, project = pilot_baselines_by(self.results, self.pilots, self._production(), by,
                                                     conventional_per_ha(self.profiles, per_ha))
        totals["baseline"] = baseline.sum().reindex(totals.index, fill_value=0.0)
        totals["project"] = project.sum().reindex(totals.index, fill_value=0.0)
        if "estimated" not in set(estimate["status"]):
            return totals
        hectares = self._profile_hectares(estimate).groupby("plot_id")["hectares"].sum()
        soil = self._soil_rows(estimate)
        lost = soil[(soil["mass_kg"].to_numpy(dtype="float64") > 0) & (soil["boundary"] == "afolu").to_numpy()]
        totals["emissions"] = (per_ha.reindex(hectares.index).mul(hectares, axis=0).sum().reindex(totals.index,
                                                                                                   fill_value=0.0)
                               + lost.groupby(lost[by].astype(str))["co2e_kg"].sum().reindex(totals.index,
                                                                                           fill_value=0.0) / KG_PER_T)
        per_plot = (baseline - project).div(keys["area_ha"].to_numpy(dtype="float64"), axis=0)
        columns = list(per_plot.columns)
        per_crop = _model_means(per_plot.assign(pilot_model_id=keys["pilot_model_id"].to_numpy()), columns,
                                self._pilot_crops()).groupby("crop")[columns].mean()
        low_ha = estimate.dropna(subset=["reduction_t"]).groupby("crop")["low_emission_ha"].sum()
        totals["reduction"] = per_crop.reindex(low_ha.index).mul(low_ha, axis=0).sum().reindex(totals.index,
                                                                                              fill_value=0.0)
        return totals

    def estimate_rows(self, estimate: pd.DataFrame) -> pd.DataFrame:
        """The provincial estimate as result rows (`mrv.schema.RESULT_COLUMNS`, every
        boundary): each estimated commune × crop × practice profile's per-hectare rows
        (`profile_results`) × its hectares (area × share), `plot_id` naming the profile;
        then each commune's perennial age classes × their per-hectare biomass rows
        (`age_class_results`), `plot_id` naming the class; then the soil carbon changes
        (`soil_results`) of the estimated commune crops. The AFOLU CO2e of the rows that
        are not removals adds up to `estimate`'s emissions (the profiles' and the soil's
        losses); removals are reported apart, never netted."""
        frames = [_scaled(self.profile_results, self._profile_hectares(estimate)),
                  _scaled(self.age_class_results, self.age_classes.assign(
                      plot_id=age_class_ids(self.age_classes), hectares=self.age_classes["area_ha"])),
                  self._soil_rows(estimate)]
        rows = pd.concat([frame for frame in frames if len(frame)] or [frames[0]], ignore_index=True)
        rows.attrs.update(self.profile_results.attrs)
        return rows

    def _soil_rows(self, estimate: pd.DataFrame) -> pd.DataFrame:
        """The `soil_results` of the commune crops `estimate` estimates."""
        usable = estimate.loc[estimate["status"] == "estimated", ["commune_code", "crop"]].astype(str)
        rows = self.soil_results.reindex(columns=list(RESULT_COLUMNS))
        keys = pd.MultiIndex.from_frame(rows[["commune_code", "crop"]].astype(str))
        return rows[keys.isin(pd.MultiIndex.from_frame(usable))].reset_index(drop=True)

    def _profile_hectares(self, estimate: pd.DataFrame) -> pd.DataFrame:
        """Hectares of each estimated commune and crop farmed with each profile."""
        if self.profiles.empty or "estimated" not in set(estimate["status"]):
            return pd.DataFrame(columns=["commune_code", "crop", "plot_id", "hectares"])
        usable = estimate.loc[estimate["status"] == "estimated", ["commune_code", "crop", "area_ha"]]
        crops = self.profiles.drop_duplicates("profile_id").set_index("profile_id")["crop"]
        shares = self.adoption.assign(crop=self.adoption["profile_id"].map(crops)).merge(usable, on=["commune_code", "crop"])
        return shares.assign(hectares=shares["area_ha"] * shares["share"], plot_id=shares["profile_id"].astype(str))
