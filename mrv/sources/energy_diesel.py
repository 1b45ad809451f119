"""Diesel burnt on the farm, IPCC 2006 Vol. 2 Eq. 2.1 (stationary: irrigation pumps,
1.A.4.c.i) and Eq. 3.3.1 (off-road machinery, 1.A.4.c.ii), Tier 1, boundary `energy`.

    Emission_gas = Fuel (TJ) × EF_gas (kg/TJ);  Fuel (TJ) = volume × density × NCV

CO2 depends only on the fuel; CH4 and N2O on the technology (use).
"""

from __future__ import annotations

from mrv import _catalogues as catalogues
from mrv._factors import join_ids
from mrv.sources._common import Block, Inputs
from mrv.units import magnitude, quantity

SOURCE = "energy_diesel"
GASES = ("CO2", "CH4", "N2O")


def emissions(inputs: Inputs) -> list[Block]:
    uses = catalogues.table("energy_uses")
    blocks = []
    for use in uses.index:
        plot_year, litres = inputs.active("diesel_l", where=(inputs.activity["use"] == use).to_numpy())
        keys = inputs.keys(plot_year, "climate", "crop")
        density = inputs.factors.lookup("diesel_density", len(plot_year), **keys)
        ncv = inputs.factors.lookup("diesel_ncv", len(plot_year), **keys)
        energy = quantity(litres, "L") * density.quantity() * ncv.quantity()
        for gas in GASES:
            ef = inputs.factors.lookup("diesel_ef", len(plot_year), gas=gas, input=use, **keys)
            mass = energy * ef.quantity()
            blocks.append(Block(
                plot_year, SOURCE, gas, use,
                mass_kg=magnitude(mass, "kg"),
                activity_amount=litres, activity_unit="L diesel",
                factor_value=magnitude(density.quantity() * ncv.quantity() * ef.quantity(), "kg/L"),
                factor_unit=f"kg {gas}/L",
                factor=ef, factor_ids=join_ids([(density, None), (ncv, None), (ef, None)]),
                ipcc_category=uses.loc[use, "ipcc_category"],
            ))
    return blocks
