"""CH4 and N2O from burning crop residues in the field, IPCC Vol. 4 Eq. 2.27 (Tier 1).

    L_fire = A × M_B × C_f × G_ef × 10⁻³   (t of gas; here in kg)

A is the area burnt (record quantity). Table 2.4 gives the fuel actually burnt (M_B × C_f)
per crop, so C_f = 1 with it (`fuel_burnt`); G_ef is per gas (Table 2.5). CO2 from residue
burning is not counted: the carbon regrows within the year.
"""

from __future__ import annotations

from mrv._factors import join_ids
from mrv.sources._common import Block, Inputs
from mrv.units import magnitude, quantity

SOURCE = "residue_burning"
GASES = ("CH4", "N2O")


def emissions(inputs: Inputs) -> list[Block]:
    plot_year, area_ha = inputs.active("burnt_area_ha")
    keys = inputs.keys(plot_year, "climate", "crop")
    fuel = inputs.factors.lookup("fuel_burnt", len(plot_year), **keys)
    blocks = []
    for gas in GASES:
        g_ef = inputs.factors.lookup("G_ef", len(plot_year), gas=gas, **keys)
        per_ha = fuel.quantity() * g_ef.quantity()
        blocks.append(Block(
            plot_year, SOURCE, gas, "crop residue",
            mass_kg=magnitude(quantity(area_ha, "ha") * per_ha, "kg"),
            activity_amount=area_ha, activity_unit="ha burnt",
            factor_value=magnitude(per_ha, "kg/ha"), factor_unit=f"kg {gas}/ha burnt",
            factor=g_ef, factor_ids=join_ids([(fuel, None), (g_ef, None)]),
        ))
    return blocks
