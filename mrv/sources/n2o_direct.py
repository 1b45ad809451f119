"""Direct N2O from managed soils, IPCC Vol. 4 Eq. 11.1 (Tier 1).

    N2O_Direct-N = F_SN × EF1(F_SN) + F_ON × EF1(F_ON) + F_CR × EF1(F_CR) + (F_SN + F_ON + F_CR)_FR × EF1FR
    N2O = N2O-N × 44/28

EF1 is looked up per N input, climate and crop: the 2019 Refinement splits it by wet/dry
climate and synthetic/other N (Table 11.1); QĐ 2626/QĐ-BTNMT gives crop-specific values
for the N applied in fertilisers. F_SN is the N of urea, ammonium and nitrate forms; F_ON
the organic N; F_CR the N of crop residues returned to the soil, from residue and straw
records and from harvests (Eq. 11.6, `mrv.sources._residues`): burnt residue is in residue
burning, never here. F_SOM is the N mineralised with a soil carbon loss after a practice
change (Eq. 11.8, `mrv.sources.soil_carbon`), with EF1. The N applied in a flooded rice
season (every water regime but upland) takes EF1FR instead, per water regime (IPCC 2019
Table 11.1) or per region and season (QĐ 2626); its rows carry the season.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mrv._factors import join_ids
from mrv.schema import N_FORM_COLUMNS, SYNTHETIC_FORMS
from mrv.sources import soil_carbon
from mrv.sources._common import Block, Inputs
from mrv.sources._residues import residue_ids, residue_n
from mrv.units import N2O_PER_N2O_N, magnitude, quantity

SOURCE = "n2o_direct"

#: The N inputs of Eq. 11.1 that records give (F_SOM comes from the soil carbon change).
N_INPUTS = ("F_SN", "F_ON", "F_CR")
#: Amount columns of the activity frame of the N inputs taken as recorded.
_N_COLUMNS = {
    "F_SN": tuple(N_FORM_COLUMNS[form] for form in SYNTHETIC_FORMS),
    "F_ON": (N_FORM_COLUMNS["organic"],),
}


def n_amounts(inputs: Inputs, input_type: str) -> tuple:
    """The amounts of an N input for `Inputs.active`: its columns, or for F_CR the residue N
    worked out per record (`residue_n`)."""
    return (residue_n(inputs)[0],) if input_type == "F_CR" else _N_COLUMNS[input_type]


def input_ids(inputs: Inputs, input_type: str, plot_year: np.ndarray) -> list[tuple[pd.Categorical, np.ndarray]]:
    """`join_ids` parts for the rows of an N input: for F_CR, the factors its N was worked
    out with (`residue_ids`)."""
    return residue_ids(inputs, plot_year) if input_type == "F_CR" else []


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
        factor=ef, factor_ids=join_ids([(ef, None), *input_ids(inputs, input_type, plot_year)]),
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
