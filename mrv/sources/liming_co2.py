"""CO2 from liming, IPCC Vol. 4 Eq. 11.12 (Tier 1).

    CO2-C = M_limestone × EF_limestone + M_dolomite × EF_dolomite;  CO2 = CO2-C × 44/12

Limestone and dolomite are kept apart (inventory category 3.C.2 reports them so).
Quicklime (CaO) and slaked lime (Ca(OH)2) emitted their CO2 at the kiln: no row here.
"""

from __future__ import annotations

from mrv.sources._common import Block, Inputs
from mrv.units import CO2_PER_C, magnitude, quantity

SOURCE = "liming_co2"
MATERIALS = ("limestone", "dolomite")


def emissions(inputs: Inputs) -> list[Block]:
    blocks = []
    for material in MATERIALS:
        plot_year, mass_kg = inputs.active(f"{material}_kg")
        ef = inputs.factors.lookup("EF_lime", len(plot_year), input=material, **inputs.keys(plot_year, "climate", "crop"))
        co2_c = quantity(mass_kg, "kg") * ef.quantity()
        blocks.append(Block(
            plot_year, SOURCE, "CO2", material,
            mass_kg=magnitude(co2_c * CO2_PER_C, "kg"),
            activity_amount=mass_kg, activity_unit=f"kg {material}",
            factor_value=magnitude(ef.quantity(), "kg/kg"), factor_unit=f"kg C/kg {material}",
            factor=ef, factor_ids=ef.ids,
        ))
    return blocks
