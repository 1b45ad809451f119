"""The inventory export of one or several years: each year's official run's provincial
estimate in the national inventory's categories (`mrv.inventory_table`), its IPCC
worksheets (`mrv.ipcc_worksheets`), and the metadata a compiler needs: province and code,
methods, factor profiles and versions, official runs, GWP set, the estimate's coverage
(crops and areas estimated and not), notation keys, units and the uncertainty method."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session

import mrv
from mrv import msg
from mrv.models._province import province_year
from mrv.models._recent import Recent
from mrv.models._report import coverage_section, factor_table, qa_table, sources_left_out
from mrv.models._runs import official_run
from mrv.models._scope import Scope
from mrv.models._tables import CalculationRun, Province

#: The years made last (`_Year`), by engine, official run and GWP set: a run's figures never
#: change (its records are read as they were when it was made, its estimate inputs frozen).
_years: Recent[_Year] = Recent(16)


def _coverage_text(coverage: pd.DataFrame, estimated: bool) -> str:
    """The crops and hectares the estimate covers (or leaves out) in `mrv.estimate_coverage`."""
    hectares = coverage["estimated_ha"] if estimated else coverage["area_ha"] - coverage["estimated_ha"]
    return "; ".join(f"{crop} {ha:.2f} ha" for crop, ha in zip(coverage["crop"], hectares) if ha > 0) or "none"


@dataclass(frozen=True)
class _Year:
    """What a year's official run gives the exports: its province-year and estimate rows,
    its inventory table and worksheets, the estimate's coverage by crop, and how many
    communes have no data."""

    run: CalculationRun
    province: mrv.ProvinceYear
    rows: pd.DataFrame
    table: pd.DataFrame
    worksheets: dict[str, pd.DataFrame]
    coverage: pd.DataFrame
    missing: int


def _year(engine: Engine, year: int, gwp: str) -> _Year:
    """The year's `_Year` (made once per official run and GWP set). Raises LookupError when
    the year has no official run."""
    def make():
        run, province = province_year(engine, year)
        estimate = province.estimate(province.reductions())
        rows = province.estimate_rows(estimate)
        table = mrv.inventory_table(rows, mrv.occurrence(province.activity), gwp, profile=run.factor_profile)
        return _Year(run, province, rows, table, mrv.ipcc_worksheets(rows, run.factor_profile),
                     mrv.estimate_coverage(estimate, rows),
                     int((estimate["status"] == "missing").sum()))

    run = official_run(engine, year)
    if run is None:
        return make()
    return _years.get((id(engine), run.id, gwp), make)


def inventory_export(engine: Engine, years: int | list[int], gwp: str = "AR5", *, scope: Scope) -> mrv.InventoryExport:
    """The inventory export of `years` (a year or a list): the table of every year with the
    province code and year on each row, each year's IPCC worksheets, and the metadata. The
    figures are the provincial estimate (commune areas × practice profiles), not the
    pilots' sum. Raises LookupError naming the years without an official run;
    `ScopeError` for a scope that may not export."""
    scope.require_role("export")
    years = [years] if isinstance(years, int) else list(years)
    made, lacking = {}, []
    for year in years:
        try:
            made[year] = _year(engine, year, gwp)
        except LookupError:
            lacking.append(year)
    if lacking:
        raise LookupError(msg("no official run for {years}: run `mrv calc --year YEAR --official` for each first",
                              years=", ".join(map(str, lacking))))
    with Session(engine) as session:
        province = session.execute(select(Province)).scalars().first()
    code, name = (province.code, province.name) if province else ("", "")
    table = pd.concat([m.table.assign(province_code=code, year=y) for y, m in made.items()], ignore_index=True)
    table = table[["province_code", "year", *mrv.INVENTORY_COLUMNS]]
    metadata = {
        "province": name, "province_code": code, "institution": mrv.letterhead().institution,
        "years": ", ".join(map(str, years)),
        "figures": "provincial estimate: commune crop areas × practice profiles (not the pilot plots' sum)",
        "categories": "CRT rows (decision 5/CMA.3) with the IPCC 2006 category beside each; LULUCF (4.B.1) and "
                      "energy (1.A.4.c) apart from the agriculture total (3); grid electricity a memo item",
        "units": "emissions and CO2e in kt a year (removals negative); activity and implied factors in the units "
                 "of each row",
        "factor_profile": ", ".join(f"{y}: {m.run.factor_profile}" for y, m in made.items()),
        "factor_set_version": ", ".join(f"{y}: {m.run.factor_set_version}" for y, m in made.items()),
        "gwp": gwp,
        "official_run": ", ".join(f"{y}: {m.run.id}" for y, m in made.items()),
        "official_run_at": ", ".join(f"{y}: {m.run.created_at.isoformat() if m.run.created_at else ''}"
                                     for y, m in made.items()),
        "coverage": " | ".join(f"{y}: {_coverage_text(m.coverage, True)}" for y, m in made.items()),
        "not_covered": " | ".join(f"{y}: {_coverage_text(m.coverage, False)}; communes without activity data: "
                                  f"{m.missing}; sources neither a practice profile nor an age class gives (NE): "
                                  f"{', '.join(sources_left_out(m.coverage)) or 'none'}" for y, m in made.items()),
        "uncertainty": "factor uncertainty of each line: Approach 1 (error propagation) and the 95 % interval of a "
                       "Monte Carlo of 10 000 draws (one draw per factor shared by every line), in % of the value; "
                       "commune areas and adoption shares taken as given",
        "notation_keys": "NO not occurring (records of 0), NE not estimated, NA not applicable, IE included "
                         "elsewhere; each row gives its reason",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "software": f"mrv {version('mrv')}",
    }
    return mrv.InventoryExport(table, metadata, {y: m.worksheets for y, m in made.items()})


def contribution_report(engine: Engine, year: int, lang: str = "vi", *, scope: Scope) -> mrv.Report:
    """The province's contribution to the national inventory for `year`, with the content
    of a sector report under Decree 06/2022/NĐ-CP (amended by Decree 119/2025/NĐ-CP):
    results by CRT row, methods (tier, equation, factor origin), activity data, the
    factors used, uncertainty, QA/QC, coverage and notation keys with their reasons."""
    scope.require_role("export")
    made = _year(engine, year, "AR5")
    run, province, table, covered = made.run, made.province, made.table, made.coverage
    lines = table[table["line"] != "total"]
    valued = lines[lines["notation"].isna()]
    name = "name_vi" if lang == "vi" else "crt_name"
    label = mrv.report_label
    results = table[table["emissions"].notna()].assign(
        category_name=lambda f: f[name], emissions_kt=table["emissions"], co2e_kt=table["co2e"])[
        ["crt", "category_name", "gas", "emissions_kt", "co2e_kt"]]
    sources = mrv.catalogue("sources")
    lines_file = mrv.catalogue("inventory_lines").set_index("id")
    methods = valued.assign(category_name=valued[name],
                            equation=valued["line"].map(lines_file["source"]).map(sources["equation"]))[
        ["crt", "category_name", "gas", "tier", "equation", "factor_origin"]]
    activity = valued.drop_duplicates(["crt", "activity", "activity_amount"]).assign(
        category_name=lambda f: f[name], amount=lambda f: f["activity_amount"], unit=lambda f: f["activity_unit"])[
        ["crt", "category_name", "activity", "amount", "unit"]]
    implied = valued.assign(category_name=valued[name])[["crt", "category_name", "gas", "ief", "ief_unit"]]
    factors = factor_table(made.rows, run.factor_profile, lang)
    spread = table[table["approach1_pct"].notna()].assign(category_name=lambda f: f[name])[
        ["crt", "category_name", "gas", "approach1_pct", "mc_lower_pct", "mc_upper_pct"]]
    qa = qa_table(province, run, lang)
    keys = lines[lines["notation"].notna()].assign(category_name=lambda f: f[name], reason=lambda f: f["notation_reason"])[
        ["crt", "category_name", "gas", "notation", "reason"]]
    coverage, not_estimated = coverage_section(covered, mrv.catalogue("crops")[f"name_{lang}"],
                                               mrv.catalogue("sources")[f"name_{lang}"], lang)
    without_area = label("communes_without_area", lang).format(n=made.missing, total=len(province.communes))
    meta = {label("run", lang): str(run.id), label("factors", lang): f"{run.factor_profile} ({run.factor_set_version})",
            label("gwp", lang): run.gwp, label("institution", lang): mrv.letterhead().institution}
    return mrv.Report(year, lang, meta, {
        "contribution_results": results, "contribution_methods": methods, "contribution_activity": activity,
        "contribution_ief": implied, "factor_table": factors, "uncertainty": spread, "qa": qa,
        "contribution_coverage": coverage, "contribution_notation": keys,
    }, title="contribution_title", stem="bao-cao-kiem-ke", subject=label("province_subject", lang),
        notes={"contribution_coverage": f"{not_estimated} {without_area}".strip()})
