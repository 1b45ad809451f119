"""A province-year read from the database into the engine's frames: the official run's
results, the pilot plots' activity, the practice profiles and the commune statistics
(`mrv.ProvinceYear`); the report, the uncertainty analysis and the inventory export all
start from it."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import Session

import mrv
from mrv.models._runs import official_run, pilot_plots, records_frames, run_results
from mrv.models._tables import AdoptionShare, CalculationRun, Commune, CommuneCropArea, PracticeProfile


def _profiles(session: Session) -> pd.DataFrame:
    """The practice profiles' inputs per ha, one row per input."""
    profiles = session.execute(select(PracticeProfile)).scalars().all()
    inputs = pd.DataFrame([{"profile_id": p.code, "crop": p.crop_id, "low_emission": p.low_emission, **row}
                           for p in profiles for row in p.inputs_per_ha])
    return inputs.fillna("") if len(inputs) else inputs


def _frame(session: Session, query, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(map(tuple, session.execute(query).all())), columns=columns)


def province_year(engine: Engine, year: int) -> tuple[CalculationRun, mrv.ProvinceYear]:
    """The year's official run in force and its province-year. Raises LookupError when
    the year has no official run."""
    run = official_run(engine, year)
    if run is None:
        raise LookupError(f"no official run for {year}: run `mrv calc --year {year} --official` first")
    results = run_results(engine, run.id)
    with Session(engine) as session:
        plots, records = records_frames(session, year)
        profiles = _profiles(session)
        communes = list(session.execute(select(Commune.code).order_by(Commune.code)).scalars())
        areas = _frame(session, select(Commune.code, CommuneCropArea.crop_id, CommuneCropArea.area_ha)
                       .join(Commune, Commune.id == CommuneCropArea.commune_id).where(CommuneCropArea.year == year),
                       ["commune_code", "crop", "area_ha"])
        adoption = _frame(session, select(Commune.code, PracticeProfile.code, AdoptionShare.share)
                          .join(Commune, Commune.id == AdoptionShare.commune_id)
                          .join(PracticeProfile, PracticeProfile.id == AdoptionShare.profile_id)
                          .where(AdoptionShare.year == year), ["commune_code", "profile_id", "share"])
        pilots = pilot_plots(session)
    profile_results = (mrv.profile_results(profiles, year, run.factor_profile, run.gwp) if len(profiles)
                       else results.iloc[:0])
    return run, mrv.ProvinceYear(year, results, mrv.normalize(plots, records), pilots, profiles, profile_results,
                                 areas, adoption, communes)
