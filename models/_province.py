"""A province-year read from the database into the engine's frames (`mrv.ProvinceYear`):
the official run's results, the records it read, and the estimate inputs frozen with it.
The report, the uncertainty analysis, the inventory export, the label, its certificates
and the carbon-credit readiness all start from it.

A run never changes once made, so the last few province-years read are kept by run id
(a run made before runs froze their estimate inputs reads the current ones: never kept)."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

import mrv
from mrv import msg
from mrv.models._inputs import estimate_inputs, thaw
from mrv.models._runs import official_run, records_frames, run_results
from mrv.models._tables import CalculationRun


#: How many province-years are kept (a report, a label and a certificate of one year read
#: the same one; a series or an export reads a few years).
KEPT = 4
_READ: OrderedDict[uuid.UUID, mrv.ProvinceYear] = OrderedDict()
_READ_LOCK = threading.Lock()


def province_year(engine: Engine, year: int) -> tuple[CalculationRun, mrv.ProvinceYear]:
    """The year's official run in force and its province-year, as the run saw it: the
    records current when it was made and the estimate inputs frozen with it (a run made
    before runs froze them reads the current ones). Raises LookupError when the year has
    no official run."""
    run = official_run(engine, year)
    if run is None:
        raise LookupError(msg("no official run for {year}: run `mrv calc --year {year} --official` first", year=year))
    with _READ_LOCK:
        kept = _READ.get(run.id)
        if kept is not None:
            _READ.move_to_end(run.id)
            return run, kept
    results = run_results(engine, run.id)
    with Session(engine) as session:
        plots, records = records_frames(session, year, as_of=run.created_at)
        inputs = (thaw(run.estimate_inputs) if run.estimate_inputs is not None
                  else estimate_inputs(session, year, run.factor_profile, run.gwp))
    province = _assemble(year, results, plots, records, inputs)
    if run.estimate_inputs is not None:
        with _READ_LOCK:
            _READ[run.id] = province
            while len(_READ) > KEPT:
                _READ.popitem(last=False)
    return run, province


def recalculated_year(engine: Engine, year: int, factors: str, gwp: str) -> mrv.ProvinceYear | None:
    """The year's current records and estimate inputs calculated with `factors` and `gwp`
    (nothing stored): a year of a series recalculated on one method (IPCC 2006 Vol. 1
    Ch. 5, time-series consistency). None for a year without records of its own (a stock
    change of an earlier year carried into it is not data of the year)."""
    with Session(engine) as session:
        plots, records = records_frames(session, year)
        if not (records["year"].to_numpy() == year).any():
            return None
        inputs = estimate_inputs(session, year, factors, gwp)
    results = mrv.calculate(plots, records, factors, gwp, through=year)
    results = results[results["year"].to_numpy() == year].reset_index(drop=True)
    return _assemble(year, results, plots, records, inputs)


def _assemble(year: int, results, plots, records, inputs: dict) -> mrv.ProvinceYear:
    def as_results(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.reindex(columns=list(mrv.schema.RESULT_COLUMNS))
        frame.attrs.update(results.attrs)
        return frame

    return mrv.ProvinceYear(year, results, mrv.normalize(plots, records), inputs["pilots"], inputs["profiles"],
                            as_results(inputs["profile_results"]), inputs["areas"], inputs["adoption"],
                            list(inputs["communes"]["commune_code"]), inputs["age_classes"],
                            as_results(inputs["age_class_results"]), as_results(inputs["soil_results"]))
