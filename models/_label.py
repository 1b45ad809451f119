"""The low-emission label evaluation of a year (plan task VI.1, `mrv.evaluate_label`) from
the database: the official run's results and the records it read, each plot with its farm
and the farm's cooperative or production zone, and only the plots of commune-years
verified or locked (`ELIGIBLE`); the others are listed as not eligible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session

import mrv
from mrv.factors import load_criteria
from mrv.models._locks import review_statuses
from mrv.models._province import province_year
from mrv.models._scope import Scope
from mrv.models._tables import Cooperative, Farm
from mrv.models._versions import in_year, plot_versions

#: Review states whose plots a label may be given on.
ELIGIBLE = ("verified", "locked")
#: Levels of the evaluation, in order, with the cooperative table's kinds.
LEVELS = ("plot", "farm", "cooperative", "zone")


def group_members(session: Session, year: int, plots: set[str]) -> pd.DataFrame:
    """Each plot of `plots` in `year` with its groups: itself, its farm, the farm's
    cooperative or zone (`plot_id, level, group_id, commune_code`)."""
    versions = in_year(plot_versions(session, codes=sorted(plots)), "plot_id", year)[["plot_id", "commune_code", "farm_id"]]
    groups = pd.DataFrame(list(map(tuple, session.execute(
        select(Farm.code, Cooperative.code, Cooperative.kind).join(Cooperative, Cooperative.id == Farm.cooperative_id)
    ).all())), columns=["farm_id", "cooperative", "kind"]).set_index("farm_id")
    versions = versions.assign(cooperative=versions["farm_id"].map(groups["cooperative"]),
                               kind=versions["farm_id"].map(groups["kind"]))
    frames = [versions.assign(level="plot", group_id=versions["plot_id"]),
              versions.assign(level="farm", group_id=versions["farm_id"])]
    frames += [versions[versions["kind"] == kind].assign(level=kind, group_id=versions["cooperative"])
               for kind in ("cooperative", "zone")]
    members = pd.concat(frames, ignore_index=True).dropna(subset=["group_id"])
    return members[["plot_id", "level", "group_id", "commune_code"]]


def label_evaluation(engine: Engine, year: int, criteria: str | Path | None = None, *, scope: Scope) -> pd.DataFrame:
    """`mrv.evaluate_label` of the year's official run under `criteria` (a criteria file;
    default the example set) for every plot, farm, cooperative and zone, on the plots of
    verified or locked commune-years; a plot of another commune-year is a row 'not
    eligible', and a group of such plots alone too; `not_eligible_plots` counts the plots a
    group leaves out as not eligible. Raises LookupError without an official run,
    `ScopeError` for a scope that may not read official results."""
    scope.require_role("results")
    table = load_criteria(criteria)
    run, province = province_year(engine, year)
    results, activity = province.results, province.activity  # with the records of other years a run carries
    measures = mrv.plot_measures(results[results["year"].to_numpy() == year],
                                 activity[activity["year"].to_numpy() == year].reset_index(drop=True))
    with Session(engine) as session:
        members = group_members(session, year, set(measures["plot_id"]))
        statuses = review_statuses(session, [year])
    eligible = np.array([statuses.get((commune, year)) in ELIGIBLE for commune in members["commune_code"]], dtype=bool)
    evaluated = mrv.evaluate_label(measures, table, members[eligible])
    waiting = members.assign(waiting=~eligible).groupby(["level", "group_id"], sort=False).agg(
        waiting=("waiting", "sum"), plots=("plot_id", "nunique")).reset_index()
    left_out = waiting[waiting["waiting"] == waiting["plots"]].assign(criterion="all", result="not eligible")
    evaluation = pd.concat([evaluated, left_out.drop(columns="plots")], ignore_index=True).drop(columns="waiting")
    evaluation = evaluation.reindex(columns=mrv.LABEL_COLUMNS).merge(
        waiting[["level", "group_id", "waiting"]].rename(columns={"waiting": "not_eligible_plots"}),
        how="left", on=["level", "group_id"])
    order = {level: position for position, level in enumerate(LEVELS)}
    evaluation = evaluation.sort_values("level", key=lambda levels: levels.map(order), kind="stable").reset_index(drop=True)
    evaluation.attrs.update(table.attrs, run=str(run.id), factor_profile=run.factor_profile)
    return evaluation


def label_report(engine: Engine, year: int, lang: str = "vi", criteria: str | Path | None = None, *,
                 scope: Scope) -> mrv.Report:
    """The label evaluation (`label_evaluation`) as a report: how many plots, farms,
    cooperatives and zones pass (on every crop they grow), each group's verdict per crop, every criterion's value
    with the records behind it, and the criteria with their sources and status."""
    evaluation = label_evaluation(engine, year, criteria, scope=scope)
    table = load_criteria(criteria)
    label = mrv.report_label
    names = table.drop_duplicates("criterion").set_index("criterion")[f"name_{lang}"]
    crops = mrv.catalogue("crops")[f"name_{lang}"]
    word = {value: label(f"label_{value.replace(' ', '_')}", lang)
            for value in ("pass", "fail", "no data", "not eligible", *LEVELS)}
    shown = evaluation.assign(level=evaluation["level"].map(word), result=evaluation["result"].map(word),
                              crop=evaluation["crop"].map(crops), name=evaluation["criterion"].map(names),
                              direction=evaluation["direction"].map({"at_most": "≤", "at_least": "≥"}))
    verdicts = shown[evaluation["criterion"] == "all"]
    whole = evaluation[evaluation["criterion"] == "all"].groupby(["level", "group_id"], sort=False)["result"].agg(
        lambda results: results.iat[0] if len(set(results)) == 1 else "fail")  # a group passes on each of its crops
    summary = (whole.rename("result").reset_index().assign(count=1)
               .pivot_table(index="level", columns="result", values="count", aggfunc="sum", fill_value=0, sort=False)
               .reindex(columns=["pass", "fail", "not eligible"], fill_value=0).reset_index())
    summary = summary.assign(level=summary["level"].map(word))
    summary.columns = ["level", "label_pass", "label_fail", "label_not_eligible"]
    details = shown[evaluation["criterion"] != "all"]
    attrs = evaluation.attrs
    lead = [label("label_lead", lang).format(title=attrs[f"title_{lang}"], year=year)]
    if attrs["status"] != "issued":
        lead.append(label("label_not_issued", lang))
    return mrv.Report(
        year=year, lang=lang, title="label_title", stem="danh-gia-nhan", lead=lead,
        meta={label("label_criteria_set", lang): f"{attrs[f'title_{lang}']} ({attrs['status']})",
              label("run", lang): attrs["run"], label("factors", lang): attrs["factor_profile"]},
        sections={
            "label_summary": summary,
            "label_verdicts": verdicts.rename(columns={
                "group_id": "label_group", "result": "label_result", "plots": "label_plots",
                "not_eligible_plots": "label_plots_waiting"})[
                ["level", "label_group", "crop", "label_result", "label_plots", "label_plots_waiting"]],
            "label_details": details.rename(columns={
                "level": "level", "group_id": "label_group", "name": "label_criterion", "value": "label_value",
                "direction": "label_direction", "limit": "label_limit", "unit": "unit",
                "result": "label_result", "plots": "label_plots", "records": "label_records"})[
                ["level", "label_group", "crop", "label_criterion", "label_value", "label_direction",
                 "label_limit", "unit", "label_result", "label_plots", "label_records"]],
            "label_criteria": table.assign(crop=table["crop"].map(crops), name=table[f"name_{lang}"],
                                           direction=table["direction"].map({"at_most": "≤", "at_least": "≥"}))[
                ["criterion", "name", "crop", "measure", "direction", "limit", "source", "status"]].rename(columns={
                    "criterion": "label_criterion_id", "name": "label_criterion", "measure": "label_measure",
                    "direction": "label_direction", "limit": "label_limit", "source": "source",
                    "status": "status"}),
        })
