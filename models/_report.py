"""The annual report's content, read from the year's official run and the database:
summary, communes, crops and sources, pilot models, plan indicators, completeness and
factors. The pilots' sum and the provincial estimate are shown apart (DESIGN.md §1), and
removals (negative masses) apart from emissions: no total nets them in."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlmodel import Session

import mrv
from mrv import Report, catalogue, letterhead
from mrv import report_label as label
from mrv.models._claims import stored_claims
from mrv.models._places import resolve_commune
from mrv.models._province import province_year
from mrv.models._review import claimed_by_run
from mrv.models._scope import Scope
from mrv.models._uncertainty import item_labels
from mrv.models._tables import (
    ActivityRecord, CalculationRun, Commune, CommuneCropArea, Cooperative, Farm, PilotModel, PlanIndicator, Plot, Result,
)
from mrv.models._import import INDICATORS

INVENTORY = ("afolu", "energy")
KG_PER_T = 1000.0


def _intensity(results: pd.DataFrame, activity: pd.DataFrame, pilots: pd.DataFrame, estimate: pd.DataFrame,
               production: pd.Series, lang: str) -> pd.DataFrame:
    """t CO2e (AFOLU) per t of each crop's intensity product: pilot plots, control plots
    (an intercrop under its own crop, with its share of the plot's emissions), and the
    provincial estimate over the statistics office's production."""
    plots = mrv.crop_intensities(results, activity)  # an intercrop's own row, with its share of the emissions
    plots = plots.merge(pilots[["plot_id", "role", "start_year"]].drop_duplicates("plot_id"), on="plot_id")
    plots = plots[(plots["role"] == "control") | (plots["year"] >= plots["start_year"])]
    sums = plots.groupby(["crop", "role"])[["emissions_t", "production_t"]].sum(min_count=1)
    ratio = (sums["emissions_t"] / sums["production_t"].where(sums["production_t"] > 0)).unstack("role")
    province = estimate.groupby("crop")["emissions_t"].sum(min_count=1) / production.where(production > 0)
    crops = catalogue("crops")
    names = sorted(set(ratio.index) | set(province.dropna().index))
    return pd.DataFrame({
        "crop": [crops.loc[c, f"name_{lang}"] for c in names],
        "product": [catalogue("products").loc[crops.loc[c, "intensity_product"], f"name_{lang}"]
                    if crops.loc[c, "intensity_product"] else None for c in names],
        "intensity_pilot": [ratio.get("pilot", pd.Series(dtype=float)).get(c) for c in names],
        "intensity_control": [ratio.get("control", pd.Series(dtype=float)).get(c) for c in names],
        "intensity_province": [province.get(c) for c in names],
    })


def _trend(engine: Engine, lang: str) -> pd.DataFrame:
    """Each year's official run in force: plot emissions (removals left out) and the
    change from the first year, with the factor profile and its version so that a mixed
    series shows."""
    with Session(engine) as session:
        rows = session.execute(
            select(CalculationRun.year, CalculationRun.factor_profile, CalculationRun.factor_set_version,
                   func.sum(Result.co2e_kg))
            .join(Result, Result.run_id == CalculationRun.id)
            .where(CalculationRun.official.is_(True), CalculationRun.superseded_by.is_(None),
                   Result.boundary.in_(INVENTORY), Result.mass_kg >= 0)
            .group_by(CalculationRun.year, CalculationRun.factor_profile, CalculationRun.factor_set_version)
            .order_by(CalculationRun.year)).all()
    trend = pd.DataFrame(list(map(tuple, rows)), columns=["year", "profile", "version", "total_t"])
    trend["total_t"] = trend["total_t"] / KG_PER_T
    trend["change_pct"] = (trend["total_t"] / trend["total_t"].iloc[0] - 1) * 100 if len(trend) else []
    trend["factor_version"] = [f"{profile_name(p, lang)} ({v})" for p, v in zip(trend["profile"], trend["version"])]
    return trend[["year", "total_t", "change_pct", "factor_version"]]


def profile_name(profile: str, lang: str) -> str:
    """A factor profile's name for a reader (IPCC 2019 Refinement, national factors…)."""
    return label(f"profile_{profile}", lang)


def _pilot_models(engine: Engine, pilots: pd.DataFrame, reductions: pd.DataFrame, communes: pd.DataFrame,
                  lang: str) -> pd.DataFrame:
    """Per pilot model: its name, crop, commune and level, its plots, the year's baseline
    and project emissions of its pilot plots, the reduction in t and as a % of the
    baseline, where the baseline comes from, and the reduction per ha and per tonne."""
    with Session(engine) as session:
        names = dict(session.execute(select(PilotModel.code, PilotModel.name)).all())
    models = pilots.groupby("pilot_model_id").agg(
        crop=("crop", "first"), commune_code=("commune_code", "first"), level=("level", "first"),
        pilot_plots=("role", lambda r: int((r == "pilot").sum())),
        control_plots=("role", lambda r: int((r == "control").sum())))
    sums = reductions.groupby("pilot_model_id").agg(
        baseline_t=("baseline_t", lambda v: v.sum(min_count=1)), project_t=("project_t", lambda v: v.sum(min_count=1)),
        baseline_method=("baseline_method", lambda m: ", ".join(sorted({label(v, lang) for v in m.dropna()})) or None),
        reduction_per_ha=("reduction_t_per_ha", "mean"), reduction_per_t=("reduction_t_per_t", "mean"),
        per_tonne_holds=("per_tonne_holds", lambda h: label("yes", lang) if h.dropna().all() and h.notna().any()
                         else label("no", lang)))
    sums["reduction_t"] = sums["baseline_t"] - sums["project_t"]
    sums["reduction_pct"] = sums["reduction_t"] / sums["baseline_t"].where(sums["baseline_t"] > 0) * 100
    table = models.join(sums).reset_index()
    commune_names = communes.set_index("commune_code")["commune"]
    return table.assign(model=table["pilot_model_id"].map(names).fillna(table["pilot_model_id"]),
                        crop=table["crop"].map(catalogue("crops")[f"name_{lang}"]),
                        commune=table["commune_code"].map(commune_names),
                        level=table["level"].map(lambda v: label(f"level_{v}", lang)))[
        ["model", "crop", "commune", "level", "pilot_plots", "control_plots", "baseline_t", "project_t", "reduction_t",
         "reduction_pct", "baseline_method", "reduction_per_ha", "reduction_per_t", "per_tonne_holds"]]


def factor_table(rows: pd.DataFrame, profile: str, lang: str) -> pd.DataFrame:
    """Every factor the result rows used: id, value in its canonical unit, tier, status, source."""
    used = mrv.used_factor_ids(rows["factor_ids"].astype(str).unique())
    factor_rows = mrv.factor_profile(profile).rows.set_index("id").loc[used]
    return pd.DataFrame({"factor_id": used, "factor_value": factor_rows["value"].to_numpy(),
                         "unit": factor_rows["canonical_unit"].to_numpy(), "tier": factor_rows["tier"].to_numpy(),
                         "factor_status": [label(status, lang) for status in factor_rows["status"]],
                         "factor_source": factor_rows["source"].to_numpy()})


def qa_table(province: mrv.ProvinceYear, run: CalculationRun, lang: str,
             claimable: pd.DataFrame | None = None) -> pd.DataFrame:
    """The year's QA/QC findings (`mrv.run_checks`, the estimate's gaps and the claims the
    run does not back included) counted by severity and rule."""
    findings = mrv.run_checks(province.activity, province.results, province.pilots, province.year, run.factor_profile,
                              mrv.estimate_status(province.areas, province.adoption, province.profiles,
                                                  province.age_classes), claimable)
    qa = findings.groupby(["severity", "rule"]).size().rename("findings").reset_index()
    qa["severity"] = qa["severity"].map(lambda v: label(v, lang))
    qa["rule"] = qa["rule"].map(lambda v: label(f"rule_{v}", lang))
    return qa


def _for_commune(province: mrv.ProvinceYear, code: str) -> mrv.ProvinceYear:
    """The province-year cut down to one commune: its plots, records, pilot models, crop
    areas, age classes and adoption shares (its estimate is then the commune's own)."""
    def own(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["commune_code"].astype(str) == code] if "commune_code" in frame else frame
    return replace(province, results=own(province.results), activity=own(province.activity),
                   pilots=own(province.pilots), areas=own(province.areas), adoption=own(province.adoption),
                   age_classes=own(province.age_classes), communes=[code])


def _lead(year: int, inventory: pd.DataFrame, by_boundary: pd.Series, removals: float, estimate: pd.DataFrame,
          pilots: pd.DataFrame, run: CalculationRun, whole: str, lang: str) -> list[str]:
    """Page 1's paragraphs: the plots' emissions (said to be the plots', never the
    province's or the commune's: `whole`), their removals, the estimate and reduction,
    the memo item and the factors used."""
    def n(value) -> str:
        return mrv.report_number(value, lang, "value")
    lead = [label("lead_pilots", lang).format(
        year=year, plots=n(inventory["plot_id"].nunique()), models=n(pilots["pilot_model_id"].nunique()),
        communes=n(inventory["commune_code"].nunique()), total=n(inventory["co2e_kg"].sum() / KG_PER_T),
        afolu=n(float(by_boundary.get("afolu", 0.0))), energy=n(float(by_boundary.get("energy", 0.0))), whole=whole)]
    if removals:
        lead.append(label("lead_removals", lang).format(removals=n(-removals)))
    total = estimate["emissions_t"].sum(min_count=1)
    lower, upper = (estimate[f"reduction_{bound}_t"].sum(min_count=1) for bound in ("lower", "upper"))
    interval = "" if pd.isna(lower) or pd.isna(upper) else label("lead_interval", lang).format(lower=n(lower),
                                                                                              upper=n(upper))
    lead.append(label("lead_no_estimate", lang).format(whole=whole) if pd.isna(total) else
                label("lead_estimate", lang).format(whole=whole, estimate=n(total), interval=interval,
                                                    reduction=n(estimate["reduction_t"].sum(min_count=1))))
    if by_boundary.get("scope2"):
        lead.append(label("lead_memo", lang).format(scope2=n(float(by_boundary["scope2"]))))
    lead.append(label("lead_factors", lang).format(profile=profile_name(run.factor_profile, lang), gwp=run.gwp))
    return lead


def sources_left_out(coverage: pd.DataFrame) -> list[str]:
    """The sources of the catalogue that the estimate has for no crop (`mrv.estimate_coverage`)."""
    estimated = {source for found in coverage["sources"] for source in found}
    return [source for source in catalogue("sources").index if source not in estimated]


def coverage_section(coverage: pd.DataFrame, crop_names: pd.Series, source_names: pd.Series,
                     lang: str) -> tuple[pd.DataFrame, str]:
    """What the provincial estimate covers by crop (`mrv.estimate_coverage`) as a report
    section, and its note: the sources the estimate has for no crop (NE), and why an area is
    not estimated."""
    table = pd.DataFrame({
        "crop": coverage["crop"].map(crop_names), "area_ha": coverage["area_ha"],
        "estimated_ha": coverage["estimated_ha"], "not_estimated_ha": coverage["area_ha"] - coverage["estimated_ha"],
        "estimated_sources": coverage["sources"].map(lambda found: "; ".join(source_names[s] for s in found) or "—"),
        "reduction": coverage["reduction_estimated"].map({True: label("reduction_from_pilots", lang),
                                                          False: label("no_pilot_model", lang)}),
    })
    left_out = [source_names[source] for source in sources_left_out(coverage)]
    notes = ([label("sources_not_estimated", lang).format(sources="; ".join(left_out))] if left_out else []) + \
        ([label("area_not_estimated", lang)] if (table["not_estimated_ha"] > 0).any() else [])
    return table, " ".join(notes) if len(coverage) else ""


def inventory_and_removals(results: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The plots' inventory emissions (result rows of AFOLU and energy) and their removals
    in t CO2e, each on its own: removals are never netted from the emissions."""
    emitted = results[(results["mass_kg"] >= 0) & results["boundary"].isin(INVENTORY)]
    return emitted, results.loc[results["mass_kg"] < 0, "co2e_kg"].sum() / KG_PER_T


def claims_section(engine: Engine, year: int, reductions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The pilot plots' reductions of the year (above zero) against the claims register: the
    tonnes claimed by each kind of claim, and what is left unclaimed."""
    pilot_plots = set(reductions["plot_id"].astype(str))
    with Session(engine) as session:
        claims = stored_claims(session, [year])
    claims = claims[claims["plot_id"].isin(pilot_plots)]
    kept = reductions[reductions["year"].to_numpy() == year]["reduction_t"].clip(lower=0).sum()
    claimed = claims.groupby("kind")["tonnes"].sum()
    return pd.DataFrame([
        {"item": label("claims_reduction", lang), "value": float(kept), "unit": "t CO2e"},
        *({"item": label(f"claims_{kind}", lang), "value": float(claimed.get(kind, 0.0)), "unit": "t CO2e"}
          for kind in ("label", "carbon_credit", "result_payment")),
        {"item": label("claims_unclaimed", lang), "value": float(kept - claimed.sum()), "unit": "t CO2e"},
    ])


def build_report(engine: Engine, year: int, lang: str = "vi", *, scope: Scope, commune: str | None = None,
                 letterhead_file: str | Path | None = None) -> Report:
    """The sections of the annual report for `year` (from its official run), for a scope
    that may read official results: the province's, or with `commune` (a code or a name)
    that commune's own, under its people's committee's letterhead (`letterhead_file`, else
    MRV_LETTERHEAD's file, else the province's default: `mrv.letterhead`)."""
    scope.require_role("results")
    run, province = province_year(engine, year)
    with Session(engine) as session:
        communes = pd.DataFrame(list(map(tuple, session.execute(select(Commune.code, Commune.name, Commune.kind)
                                                              .order_by(Commune.code)).all())),
                                columns=["commune_code", "commune", "kind"])
        counts = select(Commune.code, func.count(func.distinct(Plot.id)), func.count(ActivityRecord.id)).join(
            Plot, Plot.commune_id == Commune.id).join(ActivityRecord, ActivityRecord.plot_id == Plot.id).where(
            ActivityRecord.year == year, ActivityRecord.is_current.is_(True)).group_by(Commune.code)
        productions = select(CommuneCropArea.crop_id, func.sum(CommuneCropArea.production_t)).where(
            CommuneCropArea.year == year).group_by(CommuneCropArea.crop_id)
        if commune is not None:
            commune = resolve_commune(session, commune)
            counts = counts.where(Commune.code == commune)
            productions = productions.join(Commune, Commune.id == CommuneCropArea.commune_id).where(Commune.code == commune)
        counts = pd.DataFrame(list(map(tuple, session.execute(counts).all())), columns=["commune_code", "plots", "records"])
        crop_areas = pd.DataFrame(list(map(tuple, session.execute(productions).all())),
                                  columns=["crop", "production_t"]).set_index("crop")["production_t"]
    reductions = province.reductions()
    estimate = province.estimate(reductions)  # the province's: a commune's share of it is its row, not a re-estimate
    if commune is not None:
        province = _for_commune(province, commune)
        communes = communes[communes["commune_code"] == commune]
        reductions = reductions[reductions["plot_id"].isin(province.pilots["plot_id"].astype(str))]
        estimate = estimate[estimate["commune_code"] == commune]
    results, activity, pilots = province.results, province.activity, province.pilots
    estimate_rows = province.estimate_rows(estimate)
    removed = estimate_rows["mass_kg"].to_numpy(dtype="float64") < 0  # removals apart, never netted
    by_gas = estimate_rows.assign(boundary=np.where(removed, "removals", estimate_rows["boundary"].astype(str))).groupby(
        ["boundary", "gas"], observed=True)[["mass_kg", "co2e_kg"]].sum().reset_index()
    by_gas = by_gas.assign(boundary=by_gas["boundary"].map(lambda b: label(b, lang)),
                           mass_t=by_gas["mass_kg"] / KG_PER_T, co2e_t=by_gas["co2e_kg"] / KG_PER_T)[
        ["boundary", "gas", "mass_t", "co2e_t"]]
    crop_names = catalogue("crops")[f"name_{lang}"]
    source_names = catalogue("sources")[f"name_{lang}"]
    coverage, not_estimated = coverage_section(mrv.estimate_coverage(estimate, estimate_rows), crop_names,
                                               source_names, lang)
    whole = "total" if commune is None else "commune"  # whose estimate: the province's or the commune's
    by_boundary = results[results["mass_kg"] >= 0].groupby("boundary", observed=True)["co2e_kg"].sum() / KG_PER_T
    inventory, removals = inventory_and_removals(results)
    reduction_total = estimate["reduction_t"].sum(min_count=1)
    summary = pd.DataFrame([
        {"item": label("pilot_total", lang), "value": inventory["co2e_kg"].sum() / KG_PER_T, "unit": "t CO2e"},
        *({"item": label(b, lang), "value": float(by_boundary.get(b, 0.0)), "unit": "t CO2e"}
          for b in ("afolu", "energy", "scope2")),
        {"item": label("removals", lang), "value": float(removals) if removals else None,
         "unit": label("removals_note", lang) if not removals else "t CO2e"},
        {"item": label(f"estimate_{whole}", lang), "value": estimate["emissions_t"].sum(min_count=1), "unit": "t CO2e"},
        {"item": label(f"reduction_{whole}", lang), "value": reduction_total, "unit": "t CO2e"},
        {"item": label(f"estimate_removals_{whole}", lang),
         "value": estimate_rows.loc[removed, "co2e_kg"].sum() / KG_PER_T if removed.any() else None,
         "unit": "t CO2e" if removed.any() else label("estimate_removals_note", lang)},
        *({"item": f"{label('reduction_interval', lang)} ({label(f'reduction_{whole}', lang).lower()}, {label(bound, lang)})",
           "value": estimate[f"reduction_{bound}_t"].sum(min_count=1), "unit": "t CO2e"} for bound in ("lower", "upper")),
    ])
    plot_emissions = inventory.groupby("commune_code", observed=True)["co2e_kg"].sum() / KG_PER_T
    by_estimate = estimate.groupby("commune_code")[["emissions_t", "reduction_t"]].sum(min_count=1)
    status = estimate.groupby("commune_code")["status"].agg(lambda s: ", ".join(sorted({label(v, lang) for v in s})))
    by_commune = communes.merge(counts, how="left", on="commune_code").assign(
        pilot_emissions_t=lambda f: f["commune_code"].map(plot_emissions),
        estimate_t=lambda f: f["commune_code"].map(by_estimate["emissions_t"]),
        reduction_t=lambda f: f["commune_code"].map(by_estimate["reduction_t"]),
        status=lambda f: f["commune_code"].map(status).fillna(label("no_data", lang)),
    ).astype({"plots": "Int64", "records": "Int64"})
    has_data = by_commune["plots"].notna() | by_commune["estimate_t"].notna()
    without = by_commune[~has_data]
    by_commune = by_commune[has_data].sort_values("plots", na_position="last", key=lambda p: p.isna(), kind="stable")
    notes = {"by_commune": label("communes_without_data", lang).format(
        n=len(without), names=", ".join(without["commune"]))} if len(without) else {}
    if not_estimated:
        notes["estimate_coverage"] = not_estimated
    notes["claims"] = label("claims_note", lang)
    by_crop = mrv.rollup(results, by=("crop", "source", "gas")).assign(co2e_t=lambda f: f["co2e_kg"] / KG_PER_T)
    by_crop = by_crop.assign(crop=by_crop["crop"].astype(str).map(crop_names),
                             source=by_crop["source"].astype(str).map(source_names),
                             boundary=by_crop["boundary"].astype(str).map(lambda b: label(b, lang)))
    by_crop = by_crop[["crop", "source", "gas", "boundary", "mass_kg", "co2e_t"]]
    pilots_section = _pilot_models(engine, pilots, reductions, communes, lang)
    provincial = ", ".join(sorted(f"{m} ({crop_names[c]})" for m, c in
                                  pilots.loc[pilots["level"] == "province", ["pilot_model_id", "crop"]]
                                  .drop_duplicates().itertuples(index=False)))
    harvested = set(activity.loc[activity["activity"] == "harvest", "plot_id"].astype(str))
    with Session(engine) as session:
        membership = pd.DataFrame(list(map(tuple, session.execute(
            select(Plot.code, Cooperative.code, Cooperative.name, Cooperative.kind)
            .join(Farm, Farm.id == Plot.farm_id).join(Cooperative, Cooperative.id == Farm.cooperative_id)).all())),
            columns=["plot_id", "cooperative_id", "cooperative", "kind"])
        entered = session.execute(select(PlanIndicator).where(PlanIndicator.year == year, PlanIndicator.kind == "actual")
                                  ).scalars().first()
    plot_totals = inventory.groupby(inventory["plot_id"].astype(str), observed=True)["co2e_kg"].sum() / KG_PER_T
    membership = membership[membership["plot_id"].isin(plot_totals.index)] if commune is not None else membership
    by_cooperative = membership.assign(co2e_t=membership["plot_id"].map(plot_totals)).groupby(
        ["cooperative_id", "cooperative", "kind"]).agg(plots=("plot_id", "count"), co2e_t=("co2e_t", "sum")).reset_index()
    by_cooperative = by_cooperative.drop(columns="cooperative_id")
    indicators = pd.DataFrame([
        {"item": label("communes_with_pilot", lang), "value": pilots["commune_code"].nunique(), "unit": "/ 102"},
        {"item": label("provincial_pilots", lang), "value": provincial or "—", "unit": ""},
        {"item": label("low_emission_area", lang), "value": estimate["low_emission_ha"].sum(min_count=1), "unit": "ha"},
        *({"item": label(name, lang), "value": getattr(entered, name) if entered else None,
           "unit": "" if entered else label("not_entered", lang)} for name in INDICATORS),
    ]) if commune is None else None
    completeness = pd.DataFrame([
        {"item": label("harvest_share", lang), "value": float(pilots["plot_id"].isin(harvested).mean() * 100)
         if len(pilots) else None, "unit": "%"},
        {"item": label("by_commune", lang) + f" ({label('plots', lang).lower()} > 0)",
         "value": int(by_commune["plots"].notna().sum()), "unit": f"/ {len(communes)}"},
    ])
    intensity = _intensity(results, activity, pilots, estimate, crop_areas, lang)
    spread = mrv.uncertainty(province, labels=item_labels(lang)) if commune is None else None  # the province's analysis
    qa = qa_table(province, run, lang, claimed_by_run(engine, year, commune))
    trend = _trend(engine, lang) if commune is None else pd.DataFrame()
    charts = {
        "chart_source": (inventory.groupby("source", observed=True)["co2e_kg"].sum() / KG_PER_T)
        .rename(index=lambda s: source_names[s]).sort_values(ascending=False),
        "chart_crop": (inventory.groupby("crop", observed=True)["co2e_kg"].sum() / KG_PER_T)
        .rename(index=lambda c: crop_names[c]).sort_values(ascending=False),
        "chart_reduction": by_commune.set_index("commune")["reduction_t"].dropna().nlargest(20)
        if commune is None else pd.Series(dtype=float),
    }
    meta = {label("run", lang): str(run.id),
            label("factors", lang): f"{profile_name(run.factor_profile, lang)} ({run.factor_set_version})",
            label("gwp", lang): run.gwp}
    if spread is not None:
        meta |= {label("uncertainty_draws", lang): f"{spread.draws} ({spread.seed})",
                 label("uncertainty_held", lang): ", ".join(spread.held) or "—"}
    name = communes["commune"].iloc[0] if commune is not None else ""
    sections = {
        "summary": summary, "estimate_by_gas": by_gas, "estimate_coverage": coverage, "intensity": intensity, "by_commune": by_commune,
        "by_crop": by_crop, "by_cooperative": by_cooperative, "pilots": pilots_section, "indicators": indicators,
        "claims": claims_section(engine, year, reductions, lang),
        "completeness": completeness, "qa": qa, "uncertainty": spread.table.drop(columns="mean_t") if spread else None,
        "trend": trend if len(trend) > 1 else None,
    }
    return Report(year, lang, meta, {key: frame for key, frame in sections.items() if frame is not None and len(frame)},
                  {key: series for key, series in charts.items() if len(series)},
                  lead=_lead(year, inventory, by_boundary, removals, estimate, pilots, run,
                             label("whole_province" if commune is None else "whole_commune", lang), lang), notes=notes,
                  annex={"factor_table": factor_table(results, run.factor_profile, lang)},
                  subject=name or label("province_subject", lang), stem="bao-cao" if commune is None else f"bao-cao-xa-{commune}",
                  heading=letterhead(letterhead_file, commune=name or None))
