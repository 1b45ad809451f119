"""Carbon in the woody biomass of perennial crops, IPCC 2006 Vol. 4 §2.3.1 with the Tier 1
defaults of Table 5.1 (gain-loss method, Eq. 2.7, 2.9 and 2.11).

A perennial crop's above-ground woody biomass grows at G (t C/ha/yr) from its planting
year until it holds the maturity stock S; a `clearing` record (area cleared, for
replanting) releases what the cleared area held:

    stock(age) = min(age × G, S),   age = year − planting year (0 in the planting year)
    ΔC_G = [stock(age + 1) − stock(age)] × (area − area cleared)      growth: a removal
    ΔC_L = stock(age) × area cleared                                  loss: an emission
    CO2 = ∓ ΔC × 44/12

Only plots of a perennial crop (crops.csv `lifecycle`) with a planting year get rows. A
removal has a negative `mass_kg` and a negative `factor_value` (kg C per ha). When cleared
wood is burnt, its CO2 is in this loss only (residue burning counts CH4 and N2O). After a
clearing the plot's planting year is the replanting year. The year a plot reaches maturity
names both G and S; its uncertainty is drawn as their product (an approximation for that
one year).
"""

from __future__ import annotations

import numpy as np

from mrv import _catalogues as catalogues
from mrv._factors import join_ids
from mrv.sources._common import Block, Inputs
from mrv.units import CO2_PER_C, magnitude, quantity

SOURCE = "biomass_carbon"
KG_PER_T = 1000.0


def emissions(inputs: Inputs) -> list[Block]:
    plots = inputs.plot_years
    perennial = plots["crop"].astype(str).map(catalogues.table("crops")["lifecycle"]).to_numpy() == "perennial"
    age = plots["year"].to_numpy() - plots["planting_year"].to_numpy(dtype="float64")
    plot_year = np.flatnonzero(perennial & (age >= 0))
    if not len(plot_year):
        return []
    age = age[plot_year]
    keys = inputs.keys(plot_year, "climate", "crop")
    growth = inputs.factors.lookup("biomass_growth", len(plot_year), **keys)
    maturity = inputs.factors.lookup("maturity_stock", len(plot_year), **keys)
    rate, most = magnitude(growth.quantity(), "t/ha"), magnitude(maturity.quantity(), "t/ha")
    stock = np.minimum(age * rate, most)
    gained = np.minimum((age + 1) * rate, most) - stock  # t C/ha in the year
    area = plots["plot_area_ha"].to_numpy()[plot_year]
    cleared = np.minimum(inputs.total("cleared_area_ha")[plot_year], area)
    capped = (age + 1) * rate > most
    blocks = []
    for input_type, per_ha, hectares, uses_rate, uses_most in (
        ("growth", -gained, area - cleared, ~capped | (age * rate < most), capped),
        ("clearing", stock, cleared, age * rate <= most, age * rate >= most),
    ):
        active = (per_ha != 0) & (hectares > 0)
        c_kg = quantity(hectares[active] * per_ha[active] * KG_PER_T, "kg")
        blocks.append(Block(
            plot_year[active], SOURCE, "CO2", input_type,
            mass_kg=magnitude(c_kg * CO2_PER_C, "kg"),
            activity_amount=hectares[active], activity_unit="ha of perennial crop",
            factor_value=per_ha[active] * KG_PER_T, factor_unit="kg C/ha",
            factor=growth.take(active),
            factor_ids=join_ids([(growth.take(active), uses_rate[active]), (maturity.take(active), uses_most[active])]),
        ))
    return blocks

