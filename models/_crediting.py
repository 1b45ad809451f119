"""Carbon-credit readiness of a cooperative or zone over a monitoring period (plan task
VI.4): its pilot plots' reductions and removals on each year's official run, put through
`mrv.credit_balance` with the parameters of a crediting file, and the checks a validation
body would start from.

The group's plots are the pilot plots of its member farms (verified or not: the checks say
which are not). Their baseline is the pilot model's (`mrv.pilot_reductions`: its control
plots, the plots' own years before the model, or the conventional practice); their
removals are the soil and biomass carbon their records give, less the control plots' per
hectare. The uncertainty is the Monte Carlo of the group's pilot models (`mrv.uncertainty`
on the province-year cut down to them), as the relative half-width of the 95 % interval.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session

import mrv
from mrv.factors import load_crediting
from mrv.factors._loader import CREDITING_VALUES
from mrv.models._claims import stored_claims
from mrv.models._label import ELIGIBLE, group_members
from mrv.models._locks import review_statuses
from mrv.models._province import province_year
from mrv.models._scope import Scope
from mrv.models._tables import Cooperative
from mrv.models._versions import in_year, plot_versions

KG_PER_T = 1000.0
#: The checks of `readiness`, in order.
CHECKS = ("verified", "baseline", "coordinates", "yield", "soil_carbon", "claimed", "parameters")


def _cut(province: mrv.ProvinceYear, models: set[str]) -> mrv.ProvinceYear:
    """The province-year cut down to the pilot models `models` (their pilot and control
    plots), without the provincial estimate."""
    pilots = province.pilots[province.pilots["pilot_model_id"].isin(models)]
    plots = set(pilots["plot_id"].astype(str))

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["plot_id"].astype(str).isin(plots).to_numpy()]
    return replace(province, results=own(province.results), activity=own(province.activity), pilots=pilots,
                   areas=province.areas.iloc[0:0], adoption=province.adoption.iloc[0:0],
                   age_classes=province.age_classes.iloc[0:0], soil_results=province.soil_results.iloc[0:0],
                   _memo={})


def _removals(results: pd.DataFrame, pilots: pd.DataFrame, plots: set[str], year: int) -> float:
    """t CO2e removed by `plots` in the year (AFOLU rows of negative mass), less their
    pilot model's control plots' removals per hectare times their area."""
    chosen = results[(results["year"].to_numpy() == year) & (results["mass_kg"].to_numpy() < 0)
                     & (results["boundary"].astype(str) == "afolu").to_numpy()]
    removed = (-chosen.groupby(chosen["plot_id"].astype(str))["co2e_kg"].sum() / KG_PER_T)
    pilots = pilots.assign(plot_id=pilots["plot_id"].astype(str))
    pilots = pilots.assign(removed=pilots["plot_id"].map(removed).fillna(0.0))
    control = pilots[pilots["role"] == "control"].groupby("pilot_model_id")[["removed", "area_ha"]].sum()
    per_ha = (control["removed"] / control["area_ha"].where(control["area_ha"] > 0)).fillna(0.0)
    mine = pilots[pilots["plot_id"].isin(plots) & (pilots["role"] == "pilot")]
    return float((mine["removed"] - mine["pilot_model_id"].map(per_ha).fillna(0.0) * mine["area_ha"]).sum())


def _half_width(spread: mrv.Uncertainty, item: str) -> float:
    """The relative half-width of an item's 95 % interval (0 when the item has none)."""
    row = spread.table[spread.table["item"] == item]
    if row.empty or not row["central_t"].iat[0]:
        return 0.0
    return float((row["upper_t"].iat[0] - row["lower_t"].iat[0]) / 2 / abs(row["central_t"].iat[0]))


def readiness(engine: Engine, group: str, years: list[int], parameters: str | Path | None = None, *,
              scope: Scope) -> dict:
    """The group's balance (`mrv.credit_balance`), the checks (`CHECKS`: each ok or not,
    with what it found: the commune-years not verified, the baseline methods, the plots
    without coordinates, the plot-years whose yield fell, the t CO2e already claimed, the
    parameters not confirmed), the parameters, and the group's name and kind. Raises
    LookupError for an unknown group or a year without an official run."""
    scope.require_role("results")
    crediting = load_crediting(parameters)
    with Session(engine) as session:
        found = session.execute(select(Cooperative.name, Cooperative.kind).where(Cooperative.code == group)).first()
        if found is None:
            raise LookupError(mrv.msg("no cooperative or zone {group}: import it first (a cooperatives sheet)",
                                      group=group))
        claims = stored_claims(session, years)
        statuses = review_statuses(session, years)
    rows, facts = [], {"waiting": [], "methods": set(), "fell": [], "soil": False, "claimed": 0.0, "plots": set()}
    for year in years:
        _, province = province_year(engine, year)
        pilots = province.pilots.assign(plot_id=province.pilots["plot_id"].astype(str))
        with Session(engine) as session:
            members = group_members(session, year, set(pilots["plot_id"]))
            mine = members[(members["group_id"] == group) & members["level"].isin(["cooperative", "zone"])]
            plots = set(mine["plot_id"]) & set(pilots.loc[pilots["role"] == "pilot", "plot_id"])
            versions = in_year(plot_versions(session, codes=sorted(plots)), "plot_id", year)
        cut = _cut(province, set(pilots.loc[pilots["plot_id"].isin(plots), "pilot_model_id"]))
        reductions = cut.reductions()
        reductions = reductions[reductions["plot_id"].astype(str).isin(plots) & (reductions["year"] == year)]
        spread = mrv.uncertainty(cut) if plots else None
        rows.append({"year": year, "baseline_t": reductions["baseline_t"].sum(),
                     "project_t": reductions["project_t"].sum(),
                     "removals_t": _removals(cut.results, cut.pilots, plots, year),
                     "u_reductions": _half_width(spread, "pilot_reduction") if spread else 0.0,
                     "u_removals": _half_width(spread, "removals") if spread else 0.0})
        communes = mine[mine["plot_id"].isin(plots)]["commune_code"]
        facts["waiting"] += sorted({f"{c} {year}" for c in communes if statuses.get((c, year)) not in ELIGIBLE})
        facts["methods"] |= set(reductions["baseline_method"].dropna())
        facts["fell"] += [f"{p} {year}" for p, holds in zip(reductions["plot_id"], reductions["per_tonne_holds"])
                          if holds is False]
        facts["soil"] |= bool(((cut.results["source"].astype(str) == "soil_carbon")
                               & cut.results["plot_id"].astype(str).isin(plots)).any())
        facts["claimed"] += float(claims.loc[claims["plot_id"].isin(plots) & (claims["year"] == year), "tonnes"].sum())
        located = versions[versions["plot_id"].isin(plots)]
        facts["plots"] |= set(located.loc[located["latitude"].isna() | located["longitude"].isna(), "plot_id"])
    balance = mrv.credit_balance(pd.DataFrame(rows, columns=mrv.BALANCE_INPUTS), crediting)
    unset = [section for section in ("uncertainty", "leakage", "buffer") if crediting[section]["status"] != "confirmed"]
    checks = {
        "verified": (not facts["waiting"], facts["waiting"]),
        "baseline": ("conventional practice" not in facts["methods"] and bool(facts["methods"]),
                     sorted(facts["methods"])),
        "coordinates": (not facts["plots"], sorted(facts["plots"])),
        "yield": (not facts["fell"], facts["fell"]),
        "soil_carbon": (facts["soil"], []),
        "claimed": (facts["claimed"] == 0, facts["claimed"]),
        "parameters": (not unset, unset),
    }
    return {"balance": balance, "checks": checks, "parameters": crediting, "name": found[0], "kind": found[1]}


def readiness_report(engine: Engine, group: str, years: list[int], lang: str = "vi",
                     parameters: str | Path | None = None, *, scope: Scope) -> mrv.Report:
    """`readiness` in the official form: the balance per year and for the period, the
    checks, and the parameters with their sources and status."""
    found = readiness(engine, group, years, parameters, scope=scope)
    label = mrv.report_label
    balance, crediting = found["balance"], found["parameters"]
    total = balance.iloc[-1]
    period = f"{years[0]}-{years[-1]}" if len(years) > 1 else ""
    word = {True: label("readiness_ok", lang), False: label("readiness_not_ok", lang)}

    def status(section: str) -> str:
        return label(f"readiness_status_{crediting[section]['status'].replace(' ', '_')}", lang)

    def said(key: str, detail) -> str:
        if key == "claimed":
            return mrv.report_number(detail, lang, "value")
        if key == "baseline":
            return ", ".join(label(method, lang) for method in detail)
        if key == "parameters":
            return ", ".join(f"{label(f'readiness_{section}', lang)} ({status(section)})" for section in detail)
        return ", ".join(detail)
    checks = pd.DataFrame([{"readiness_check": label(f"readiness_check_{key}", lang), "label_result": word[bool(ok)],
                            "readiness_found": said(key, detail)} for key, (ok, detail) in found["checks"].items()])
    parameters_table = pd.DataFrame([{"readiness_parameter": label(f"readiness_{section}", lang),
                                      "value": crediting[section][name], "unit": "%",
                                      "source": crediting[section]["source"], "status": status(section)}
                                     for section, name in CREDITING_VALUES.items()])
    lead = [label("readiness_lead", lang).format(
        group=group, name=found["name"], years=period.replace("-", "–") or years[0],
        reductions=mrv.report_number(total["reductions_t"], lang, "readiness_reductions_t"),
        removals=mrv.report_number(total["removals_t"], lang, "readiness_removals_t"),
        methodology=crediting["methodology"])]
    lead.append(label("readiness_credits" if not np.isnan(total["credits_t"]) else "readiness_no_credits", lang).format(
        credits=mrv.report_number(total["credits_t"], lang, "readiness_credits_t")))
    lead.append(label("readiness_not_verification", lang))
    shown = balance.assign(year=balance["year"].replace({"total": label("readiness_period", lang)}))
    return mrv.Report(
        year=years[0], period=period, lang=lang, title="readiness_title", stem=f"san-sang-tin-chi-{group}",
        subject=f"{group} {found['name']}", lead=lead,
        meta={label("readiness_methodology", lang): crediting["methodology"],
              label("readiness_parameters", lang): crediting["file"]},
        sections={"readiness_balance": shown.rename(columns={c: f"readiness_{c}" for c in mrv.BALANCE_COLUMNS
                                                             if c != "year"}),
                  "readiness_checks": checks, "readiness_parameters": parameters_table},
        notes={"readiness_parameters": crediting["note"]})
