"""The five-year summary of plan task VIII.1 (`mrv report --period 2026-2030`): every year
of the period recalculated on one method (the factors and GWP of the period's latest
official run), so that the years compare, set against the plan's targets that officers
enter as target rows of plan_indicators."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session

from mrv import InputError, Problem, Report, letterhead, msg, report_number
from mrv import report_label as label
from mrv.models._import import INDICATORS, TARGETS
from mrv.models._province import recalculated_year
from mrv.models._report import KG_PER_T, inventory_and_removals, profile_name
from mrv.models._runs import OFFICIAL_PROFILE, official_run
from mrv.models._scope import Scope
from mrv.models._tables import PlanIndicator


def _year_row(engine: Engine, year: int, factors: str, gwp: str) -> dict:
    """One year of the series: the plots' emissions (none without results) and removals, the
    provincial estimate, its reduction and low-emission area, the communes with a pilot
    model; only the year where a year has neither results nor an estimate."""
    province = recalculated_year(engine, year, factors, gwp)
    if province is None:
        return {"year": year}
    results = province.results
    inventory, removals = inventory_and_removals(results)
    estimate = province.estimate(province.reductions())
    if results.empty and estimate["emissions_t"].isna().all():
        return {"year": year}
    return {"year": year, "total_t": inventory["co2e_kg"].sum(min_count=1) / KG_PER_T, "removals_t": removals or None,
            "estimate_t": estimate["emissions_t"].sum(min_count=1), "reduction_t": estimate["reduction_t"].sum(min_count=1),
            "low_emission_ha": estimate["low_emission_ha"].sum(min_count=1),
            "communes_with_pilot_n": province.pilots["commune_code"].nunique()}


def _method(engine: Engine, first: int, last: int) -> tuple[str, str]:
    """The factor profile and GWP of the period's latest official run (the official ones
    when the period has none)."""
    for year in range(last, first - 1, -1):
        run = official_run(engine, year)
        if run is not None:
            return run.factor_profile, run.gwp
    return OFFICIAL_PROFILE, "AR5"


def period_report(engine: Engine, first: int, last: int, lang: str = "vi", *, scope: Scope,
                  letterhead_file: str | Path | None = None, on_year=None) -> Report:
    """The summary of the years `first`–`last` (each recalculated on one method) against the
    plan's targets, under the letterhead of `letterhead_file` (`mrv.letterhead`);
    `on_year(year)` is called as each year is done (a progress bar)."""
    scope.require_role("results")
    if last < first or last - first > 20:
        raise InputError([Problem("--period", None, "", f"{first}-{last}", msg("a period of 1 to 21 years"),
                                  msg("write the first and the last year, e.g. 2026-2030"))])
    heading = letterhead(letterhead_file)  # a broken file is refused before the years are recalculated
    factors, gwp = _method(engine, first, last)
    rows = []
    for year in range(first, last + 1):
        rows.append(_year_row(engine, year, factors, gwp))
        if on_year:
            on_year(year)
    series = pd.DataFrame(rows).reindex(columns=["year", "total_t", "removals_t", "estimate_t", "reduction_t",
                                                 "low_emission_ha", "communes_with_pilot_n"])
    with Session(engine) as session:
        entered = pd.DataFrame([row.model_dump() for row in session.execute(select(PlanIndicator)).scalars()],
                               columns=["year", "kind", *INDICATORS, *TARGETS])
    actual = entered[entered["kind"] == "actual"].set_index("year")
    for name in INDICATORS:
        series[name] = series["year"].map(actual[name]).astype("Int64")
    targets = entered[entered["kind"] == "target"].sort_values("year")
    with_data = series.dropna(subset=["total_t", "estimate_t"], how="all")
    latest = with_data.iloc[-1] if len(with_data) else None
    target_rows = []
    for name in (*TARGETS, *INDICATORS):  # the series has a column of each
        done = (series[name].sum(min_count=1) if name in INDICATORS else
                (latest[name] if latest is not None else None))
        row = {"item": label(f"target_{name}" if name in TARGETS else name, lang), "actual": done}
        for target in targets.itertuples():
            goal = getattr(target, name)
            row[f"{label('target', lang)} {target.year}"] = goal
            row[f"{label('reached_pct', lang)} {target.year}"] = (done / goal * 100 if goal and pd.notna(done)
                                                                    and pd.notna(goal) else None)
        target_rows.append(row)
    goals = pd.DataFrame(target_rows)
    span = f"{first}-{last}"
    lead = [label("period_lead", lang).format(first=first, last=last, profile=profile_name(factors, lang), gwp=gwp,
                                              years=len(with_data), count=last - first + 1)]
    if latest is not None and pd.notna(latest["reduction_t"]):
        lead.append(label("period_latest", lang).format(
            year=int(latest["year"]), reduction=_n(latest["reduction_t"], lang), area=_n(latest["low_emission_ha"], lang)))
    charts = {"chart_period_reduction": with_data.set_index("year")["reduction_t"].dropna(),
              "chart_period_total": with_data.set_index("year")["total_t"].dropna()}
    meta = {label("factors", lang): profile_name(factors, lang), label("gwp", lang): gwp,
            label("period", lang).capitalize(): span.replace("-", "–")}
    return Report(last, lang, meta, {"period_series": series, "period_targets": goals},
                  {key: s.rename(index=str) for key, s in charts.items() if len(s)}, title="period_title",
                  stem="bao-cao-giai-doan", lead=lead, period=span, subject=label("province_subject", lang),
                  heading=heading)


def _n(value, lang: str) -> str:
    return report_number(value, lang, "value")
