"""N of crop residues returned to the soil, per record (F_CR of IPCC Vol. 4 Eq. 11.1), by
IPCC 2006 Vol. 4 Eq. 11.6 (Tier 1) with Table 11.2's factors:

    F_CR = Crop × (Area − Area burnt × C_f) × Frac_Renew
           × [R_AG × N_AG × (1 − Frac_Remove) + R_BG × N_BG]

where Table 11.2 gives the above-ground residue as a line in the yield,
AG_DM (t dm/ha) = Crop (t dm/ha) × slope + intercept, and the below-ground residue as
R_BG-BIO × (AG_DM + Crop). Summed over a harvest of C t of crop dry matter on A ha:

    above-ground residue  AG = slope × C + intercept × A          (t dm)
    below-ground residue  BG = (C + AG) × R_BG-BIO                (t dm)
    F_CR                     = AG × N_AG + BG × N_BG              (t N)

Each record gives F_CR as follows:

- a `residue` or `straw` record with an N content: the N it gives;
- straw returned without one: its dry matter × N_AG of the crop, never zero;
- a harvest of a crop that the profile has Table 11.2 factors for (rice, maize: annual
  crops, Frac_Renew 1): C is the harvest × DRY (the record's own `dry_matter` where given),
  A the season's area for a rice season's harvest, else the crop's share of the plot's area,
  and the intercept counts once per plot, year, season and crop. Both terms take the share
  of the area not burnt (the fire is in residue burning). The above-ground term is left out
  where the plot's straw or residue records of that season say what was returned (they
  count it instead); otherwise it is all returned: Frac_Remove is 0, as Eq. 11.6 has it
  where no removal is known. The below-ground term counts where the profile has N_BG for
  the crop (Table 11.2 gives none for rice).

The factors behind an amount are named on the F_CR rows as `~id` (`mrv._factors.RELATIONS`):
they worked out the activity, they do not multiply the row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv import _catalogues as catalogues
from mrv._factors import FactorValues, related_ids
from mrv._frames import factorize_rows
from mrv.sources._common import Inputs
from mrv.units import magnitude, quantity

#: A factor that worked out some records' residue N, and the records (a boolean mask).
Used = tuple[FactorValues, np.ndarray]


def residue_n(inputs: Inputs) -> tuple[np.ndarray, list[Used]]:
    """kg N of crop residues returned per record, and the factors used (see the module)."""
    def compute(inputs: Inputs):
        activity = inputs.activity
        n_kg = activity["n_residue_kg"].to_numpy().copy()
        used: list[Used] = []
        straw = (activity["straw_kg"].to_numpy() > 0) & np.isnan(activity["n_content"].to_numpy())
        if straw.any():
            n_ag = inputs.factors.lookup("N_AG", int(straw.sum()), crop=activity["crop"].array[straw])
            dry_kg = activity["straw_kg"].to_numpy()[straw] * activity["dry_matter"].to_numpy()[straw] / 100
            n_kg[straw] = magnitude(quantity(dry_kg, "kg") * n_ag.quantity(), "kg")
            used.append((n_ag, straw))
        rows, harvest_n, harvest_used = _harvest_residue_n(inputs)
        n_kg[rows] += harvest_n
        return n_kg, used + harvest_used
    return inputs.once("residue_n", compute)


def residue_ids(inputs: Inputs, plot_year: np.ndarray) -> list[tuple[pd.Categorical, np.ndarray]]:
    """`join_ids` parts for F_CR rows of the given plot-years: each factor that worked out
    their residue N, as `~id`, where it did."""
    parts = []
    for factor, records in residue_n(inputs)[1]:
        code_of_plot_year = np.full(inputs.size, -1, dtype="int64")
        code_of_plot_year[inputs.codes[records]] = factor.ids.codes
        codes = code_of_plot_year[plot_year]
        ids = pd.Categorical.from_codes(np.maximum(codes, 0), categories=factor.ids.categories)
        parts.append((related_ids("activity", ids), codes >= 0))
    return parts


def _harvest_residue_n(inputs: Inputs) -> tuple[np.ndarray, np.ndarray, list[Used]]:
    """The harvest records whose crop has Table 11.2 factors, the kg N of their residues
    (AG × N_AG where nothing else records the residue, + BG × N_BG where known), and the
    factors used."""
    activity, factors = inputs.activity, inputs.factors
    harvest_kg = activity["harvest_kg"].to_numpy()
    crop = catalogues.take("products", "crop", activity["product"].cat.codes.to_numpy())
    rows = np.flatnonzero(harvest_kg > 0)
    rows = rows[factors.covers("AG_SLOPE", len(rows), crop=crop[rows])]
    if not len(rows):
        return rows, np.zeros(0), []
    n, crop = len(rows), crop[rows]

    def at(selected: np.ndarray) -> np.ndarray:
        """The records of the selected harvest rows, as a mask of the activity frame."""
        records = np.zeros(len(activity), dtype=bool)
        records[rows[selected]] = True
        return records

    everywhere = np.ones(n, dtype=bool)
    given = activity["dry_matter"].to_numpy()[rows]
    by_table = np.isnan(given)
    dry = factors.lookup("DRY", n, crop=crop)
    dry_fraction = np.where(by_table, magnitude(dry.quantity(), "kg/kg"), given / 100)
    crop_dm = quantity(harvest_kg[rows] * dry_fraction, "kg")
    slope, intercept, n_ag = (factors.lookup(p, n, crop=crop) for p in ("AG_SLOPE", "AG_INTERCEPT", "N_AG"))
    area, first = _harvested_area(inputs, rows, crop)
    above = crop_dm * slope.quantity() + quantity(np.where(first, area, 0.0), "ha") * intercept.quantity()
    unburnt, replaced = _unburnt_share(inputs, rows, area), _residue_recorded(inputs, rows)
    returned = ~replaced & (unburnt > 0)
    n_kg = np.where(replaced, 0.0, unburnt * magnitude(above * n_ag.quantity(), "kg"))
    used = [(dry.take(by_table), at(by_table)), (slope, at(everywhere)), (intercept, at(everywhere)),
            (n_ag.take(returned), at(returned))]
    known = factors.covers("N_BG", n, crop=crop)
    if known.any():
        r_bg, n_bg = (factors.lookup(p, int(known.sum()), crop=crop[known]) for p in ("R_BG", "N_BG"))
        below = (crop_dm[known] + above[known]) * r_bg.quantity()
        n_kg[known] += unburnt[known] * magnitude(below * n_bg.quantity(), "kg")
        used += [(r_bg, at(known)), (n_bg, at(known))]
    return rows, n_kg, [(factor, records) for factor, records in used if records.any()]


def _harvested_area(inputs: Inputs, rows: np.ndarray, crop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each harvest record, the area (ha) its crop grew on, and whether it is the first
    record of its plot, year, season and crop (the one that takes the intercept): the
    season's area for a rice season's harvest, else the crop's share of the plot."""
    activity = inputs.activity
    season = activity["rice_season"].cat.codes.to_numpy()
    season_area = pd.Series(activity["rice_area_ha"].to_numpy()).groupby([inputs.codes, season]).sum()
    in_season = season[rows] >= 0
    area = season_area.reindex(pd.MultiIndex.from_arrays([inputs.codes[rows], season[rows]]), fill_value=0.0).to_numpy()
    intercrop = activity["intercrop"].astype(object).to_numpy()[rows]
    intercrop_share = activity["intercrop_share"].to_numpy()[rows]
    share = np.where(intercrop == crop, intercrop_share, 1.0 - intercrop_share)
    area = np.where(in_season, area, activity["plot_area_ha"].to_numpy()[rows] * share)
    _, first = factorize_rows([inputs.codes[rows], season[rows], pd.Categorical(crop).codes])
    is_first = np.zeros(len(rows), dtype=bool)
    is_first[first] = True
    return area, is_first


def _residue_recorded(inputs: Inputs, rows: np.ndarray) -> np.ndarray:
    """For each harvest record, whether straw or residue records of its plot-year (in its
    season, or with none) say what of its above-ground residue was returned."""
    activity = inputs.activity
    season = activity["rice_season"].cat.codes.to_numpy()
    returned = activity["activity"].isin(["straw", "residue"]).to_numpy()
    recorded = pd.MultiIndex.from_arrays([inputs.codes[returned], season[returned]])
    whole_year = inputs.codes[returned][season[returned] < 0]
    return (pd.MultiIndex.from_arrays([inputs.codes[rows], season[rows]]).isin(recorded)
            | np.isin(inputs.codes[rows], whole_year))


def _unburnt_share(inputs: Inputs, rows: np.ndarray, area: np.ndarray) -> np.ndarray:
    """For each harvest record, the share of its area not burnt, 1 − Area burnt / Area (Eq.
    11.6 with C_f 1: the fuel values of Table 2.4 are what a fire consumes)."""
    burnt = inputs.total("burnt_area_ha")[inputs.codes[rows]]
    return np.clip(1.0 - np.divide(burnt, area, out=np.zeros_like(area), where=area > 0), 0.0, 1.0)
