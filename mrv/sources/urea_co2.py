"""CO2 from urea application, IPCC Vol. 4 Eq. 11.13 (Tier 1).

    CO2-C = M × EF;  CO2 = CO2-C × 44/12

M is the mass of urea: the product mass × the catalogue's urea mass fraction (1.0 for
straight urea, as inventories count product tonnes; the urea part of a blend otherwise).
"""

from __future__ import annotations

from mrv.sources._common import Block, Inputs
from mrv.units import CO2_PER_C, magnitude, quantity

SOURCE = "urea_co2"


def emissions(inputs: Inputs) -> list[Block]:
    plot_year, urea_kg = inputs.active("urea_kg")
    ef = inputs.factors.lookup("EF_urea", len(plot_year), **inputs.keys(plot_year, "climate", "crop"))
    co2_c = quantity(urea_kg, "kg") * ef.quantity()
    return [Block(
        plot_year, SOURCE, "CO2", "urea",
        mass_kg=magnitude(co2_c * CO2_PER_C, "kg"),
        activity_amount=urea_kg, activity_unit="kg urea",
        factor_value=magnitude(ef.quantity(), "kg/kg"), factor_unit="kg C/kg urea",
        factor=ef, factor_ids=ef.ids,
    )]
