"""Direct N2O from managed soils, IPCC Vol. 4 Eq. 11.1 (Tier 1).

    N2O_Direct-N = F_SN × EF1(F_SN) + F_ON × EF1(F_ON) + F_CR × EF1(F_CR) + (F_SN + F_ON + F_CR)_FR × EF1FR
    N2O = N2O-N × 44/28

EF1 is looked up per N input, climate and crop: the 2019 Refinement splits it by wet/dry
climate and synthetic/other N (Table 11.1); QĐ 2626/QĐ-BTNMT gives crop-specific values
for the N applied in fertilisers. F_SN is the N of urea, ammonium and nitrate forms; F_ON
the organic N; F_CR the N of crop residues returned to the soil (`residue_n`: a `residue`
record's N content, or rice straw's, at IPCC 2006 Table 11.2's N_AG where its record gives
none): burnt residue is in residue burning, never here. F_SOM is the N mineralised with a soil carbon loss after a practice
change (Eq. 11.8, `mrv.sources.soil_carbon`), with EF1. The N applied in a flooded rice season (every water regime but upland)
takes EF1FR instead, per water regime (IPCC 2019 Table 11.1) or per region and season
(QĐ 2626); its rows carry the season.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv._factors import FactorValues, join_ids
from mrv.schema import N_FORM_COLUMNS, SYNTHETIC_FORMS
from mrv.sources import soil_carbon
from mrv.sources._common import Block, Inputs
from mrv.units import N2O_PER_N2O_N, magnitude, quantity

SOURCE = "n2o_direct"

#: N input type → amount columns of the activity frame (F_CR: `residue_n`).
N_INPUTS = {
    "F_SN": tuple(N_FORM_COLUMNS[form] for form in SYNTHETIC_FORMS),
    "F_ON": (N_FORM_COLUMNS["organic"],),
    "F_CR": ("n_residue_kg",),
}


def residue_n(inputs: Inputs) -> tuple[np.ndarray, np.ndarray, FactorValues | None]:
    """kg N of crop residues returned per record (F_CR): as the record's N content gives it;
    for straw returned without one, its dry matter × N_AG of the crop (IPCC 2006 Table 11.2,
    the above-ground term of Eq. 11.6), not zero. Also the records at that default and
    their N_AG (None when there are none)."""
    def compute(inputs: Inputs):
        activity = inputs.activity
        n_kg = activity["n_residue_kg"].to_numpy()
        dry_straw_kg = activity["straw_kg"].to_numpy() * activity["dry_matter"].to_numpy() / 100
        default = (activity["straw_kg"].to_numpy() > 0) & np.isnan(activity["n_content"].to_numpy())
        if not default.any():
            return n_kg, default, None
        n_ag = inputs.factors.lookup("N_AG", int(default.sum()), crop=activity["crop"].array[default])
        n_kg = n_kg.copy()
        n_kg[default] = magnitude(quantity(dry_straw_kg[default], "kg") * n_ag.quantity(), "kg")
        return n_kg, default, n_ag
    return inputs.once("residue_n", compute)


def n_amounts(inputs: Inputs, input_type: str) -> tuple:
    """The amounts of an N input for `Inputs.active`: its columns, or for F_CR `residue_n`."""
    return (residue_n(inputs)[0],) if input_type == "F_CR" else N_INPUTS[input_type]


def residue_default_ids(inputs: Inputs, input_type: str,
                        plot_year: np.ndarray) -> list[tuple[pd.Categorical, np.ndarray]]:
    """For an F_CR row, the N_AG it used (a `join_ids` part: the id, and where it applies)."""
    _, default, n_ag = residue_n(inputs)
    if input_type != "F_CR" or n_ag is None:
        return []
    code_of_plot_year = np.full(inputs.size, -1, dtype="int64")
    code_of_plot_year[inputs.codes[default]] = n_ag.ids.codes
    codes = code_of_plot_year[plot_year]
    return [(pd.Categorical.from_codes(np.maximum(codes, 0), categories=n_ag.ids.categories), codes >= 0)]


def _block(inputs: Inputs, input_type: str, plot_year: np.ndarray, n_kg: np.ndarray, parameter: str,
           **case: str) -> Block:
    """Rows of an N input's kg N per plot-year, with `parameter` looked up for `case`
    (input, region, season: scalars) and each plot-year's climate and crop."""
    ef = inputs.factors.lookup(parameter, len(plot_year), **{"input": input_type, **case},
                               **inputs.keys(plot_year, "climate", "crop"))
    n2o_n = quantity(n_kg, "kg") * ef.quantity()
    return Block(
        plot_year, SOURCE, "N2O", input_type,
        mass_kg=magnitude(n2o_n * N2O_PER_N2O_N, "kg"),
        activity_amount=n_kg, activity_unit="kg N",
        factor_value=ef.value, factor_unit="kg N2O-N/kg N",
        factor=ef, factor_ids=join_ids([(ef, None), *residue_default_ids(inputs, input_type, plot_year)]),
        season=case.get("season"),
    )


def emissions(inputs: Inputs) -> list[Block]:
    activity = inputs.activity
    regime = activity["water_regime"].astype(object).to_numpy()
    season = activity["rice_season"].astype(object).to_numpy()
    flooded = activity["water_regime"].notna().to_numpy() & (regime != "upland")
    region = activity["rice_region"].astype(object).to_numpy()
    blocks = []
    for input_type in N_INPUTS:
        columns = n_amounts(inputs, input_type)
        blocks.append(_block(inputs, input_type, *inputs.active(*columns, where=~flooded), "EF1"))
        for case in sorted({(s, r, g) for s, r, g in zip(season[flooded], regime[flooded], region[flooded])}):
            where = flooded & (season == case[0]) & (regime == case[1]) & (region == case[2])
            blocks.append(_block(inputs, input_type, *inputs.active(*columns, where=where), "EF1FR", season=case[0],
                                 input=case[1], region=case[2]))
    blocks.append(_block(inputs, "F_SOM", *soil_carbon.mineralised_n(inputs), "EF1"))
    return blocks
