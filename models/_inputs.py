"""What a province-year's provincial estimate is made of, read from the database: the
pilot models' plots, the practice profiles and their per-hectare results, the commune
crop areas and adoption shares (and the soil carbon their changes over the years move),
the communes. A province-scope run freezes them
(`CalculationRun.estimate_inputs`) so that its report and export never change later."""

from __future__ import annotations


import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

import mrv
from mrv.models._tables import (
    AdoptionShare, Commune, CommuneCropArea, PerennialAgeClass, PilotModel, Plot, PlotVersion, PracticeProfile,
)
from mrv.models._versions import in_year, plot_versions

#: The frames of `estimate_inputs`, in order (a run frozen before age classes or soil changes
#: were kept has none: `thaw` gives them empty).
FRAMES = ("pilots", "profiles", "profile_results", "areas", "adoption", "communes", "age_classes", "age_class_results",
          "soil_results")


def _frame(session: Session, query, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(map(tuple, session.execute(query).all())), columns=columns)


def pilot_plots(session: Session, year: int) -> pd.DataFrame:
    """Every plot of a pilot model in `year` (its plot version of that year): model code,
    plot code, role, area, start year, crop, level, commune."""
    members = session.execute(select(Plot.code).join(PlotVersion, PlotVersion.plot_id == Plot.id)
                              .where(PlotVersion.pilot_model_id.is_not(None)).distinct()).scalars().all()
    plots = in_year(plot_versions(session, codes=members), "plot_id", year).dropna(subset=["pilot_model_id"])
    models = _frame(session, select(PilotModel.code, PilotModel.start_year, PilotModel.crop_id, PilotModel.level,
                                    Commune.code).join(Commune, Commune.id == PilotModel.commune_id),
                    ["pilot_model_id", "start_year", "crop", "level", "commune_code"])
    return (plots[["pilot_model_id", "plot_id", "role", "area"]].rename(columns={"area": "area_ha"})
            .merge(models, on="pilot_model_id").reset_index(drop=True))


def _profiles(session: Session) -> pd.DataFrame:
    """The practice profiles' inputs per ha, one row per input."""
    profiles = session.execute(select(PracticeProfile)).scalars().all()
    inputs = pd.DataFrame([{"profile_id": p.code, "crop": p.crop_id, "low_emission": p.low_emission, **row}
                           for p in profiles for row in p.inputs_per_ha])
    return inputs.fillna("") if len(inputs) else inputs


def _area_series(session: Session, year: int, since: int | None = None) -> pd.DataFrame:
    """The crop areas of every commune in each year from `since` (default: the first) to `year`."""
    query = (select(Commune.code, CommuneCropArea.year, CommuneCropArea.crop_id, CommuneCropArea.area_ha)
             .join(Commune, Commune.id == CommuneCropArea.commune_id).where(CommuneCropArea.year <= year))
    if since is not None:
        query = query.where(CommuneCropArea.year >= since)
    return _frame(session, query, ["commune_code", "year", "crop", "area_ha"])


def _adoption_series(session: Session, year: int, since: int | None = None) -> pd.DataFrame:
    """The adoption shares of the practice profiles in every commune in each year from
    `since` (default: the first) to `year`."""
    query = (select(Commune.code, AdoptionShare.year, PracticeProfile.code, AdoptionShare.share)
             .join(Commune, Commune.id == AdoptionShare.commune_id)
             .join(PracticeProfile, PracticeProfile.id == AdoptionShare.profile_id).where(AdoptionShare.year <= year))
    if since is not None:
        query = query.where(AdoptionShare.year >= since)
    return _frame(session, query, ["commune_code", "year", "profile_id", "share"])


def _of_year(series: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of a yearly series in `year`, without the year."""
    return series[series["year"].to_numpy() == year].drop(columns="year").reset_index(drop=True)


def _areas(session: Session, year: int) -> pd.DataFrame:
    """The crop areas of every commune in `year`."""
    return _of_year(_area_series(session, year, since=year), year)


def _adoption(session: Session, year: int) -> pd.DataFrame:
    """The adoption shares of the practice profiles in every commune in `year`."""
    return _of_year(_adoption_series(session, year, since=year), year)


def _age_classes(session: Session, year: int) -> pd.DataFrame:
    """The perennial crops' area by planting year in every commune in `year`."""
    return _frame(session, select(Commune.code, PerennialAgeClass.crop_id, PerennialAgeClass.planting_year,
                                  PerennialAgeClass.area_ha)
                  .join(Commune, Commune.id == PerennialAgeClass.commune_id).where(PerennialAgeClass.year == year),
                  list(mrv.AGE_CLASS_COLUMNS))


def estimate_status(session: Session, year: int) -> pd.DataFrame:
    """`mrv.estimate_status` of the year's commune crop areas and age classes as they stand
    in the database."""
    return mrv.estimate_status(_areas(session, year), _adoption(session, year), _profiles(session),
                               _age_classes(session, year))


def estimate_inputs(session: Session, year: int, factors: str, gwp: str) -> dict[str, pd.DataFrame]:
    """The estimate's inputs for `year` as they stand in the database, the profiles'
    per-hectare results calculated with `factors` and `gwp`."""
    profiles, classes = _profiles(session), _age_classes(session, year)
    areas, adoption = _area_series(session, year), _adoption_series(session, year)  # the soil line reads every year
    none = pd.DataFrame(columns=list(mrv.schema.RESULT_COLUMNS))
    return {
        "pilots": pilot_plots(session, year),
        "profiles": profiles,
        "profile_results": mrv.profile_results(profiles, year, factors, gwp) if len(profiles) else none,
        "areas": _of_year(areas, year),
        "adoption": _of_year(adoption, year),
        "communes": _frame(session, select(Commune.code).order_by(Commune.code), ["commune_code"]),
        "age_classes": classes,
        "age_class_results": mrv.age_class_results(classes, year, factors, gwp) if len(classes) else none,
        "soil_results": mrv.soil_change_results(profiles, areas, adoption, year, factors, gwp),
    }


def freeze(inputs: dict[str, pd.DataFrame]) -> dict:
    """The inputs as JSON-ready columns and rows (for `CalculationRun.estimate_inputs`)."""
    frozen = {}
    for name in FRAMES:
        frame = inputs[name]
        frozen[name] = {"columns": [str(c) for c in frame.columns],
                        "rows": frame.astype(object).where(frame.notna(), None).to_numpy().tolist()}
    return frozen


def thaw(frozen: dict) -> dict[str, pd.DataFrame]:
    """The frames back from `freeze`."""
    empty = {"age_classes": list(mrv.AGE_CLASS_COLUMNS), "age_class_results": list(mrv.schema.RESULT_COLUMNS),
             "soil_results": list(mrv.schema.RESULT_COLUMNS)}
    return {name: pd.DataFrame(frozen[name]["rows"], columns=frozen[name]["columns"]) if name in frozen
            else pd.DataFrame(columns=empty[name]) for name in FRAMES}
