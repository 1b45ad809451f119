"""Direct N2O from managed soils, IPCC Vol. 4 Eq. 11.1 (Tier 1).

    N2O_Direct-N = F_SN × EF1(F_SN) + F_ON × EF1(F_ON) + …;  N2O = N2O-N × 44/28

EF1 is looked up per N input, climate and crop: the 2019 Refinement splits it by wet/dry
climate and synthetic/other N (Table 11.1); QĐ 2626/QĐ-BTNMT gives crop-specific values
for the N applied in fertilisers. F_SN is the N of urea, ammonium and nitrate forms; F_ON
the organic N.
"""

from __future__ import annotations

from mrv.schema import N_FORM_COLUMNS, SYNTHETIC_FORMS
from mrv.sources._common import Block, Inputs
from mrv.units import N2O_PER_N2O_N, magnitude, quantity

SOURCE = "n2o_direct"

#: N input type → amount columns of the activity frame.
N_INPUTS = {
    "F_SN": tuple(N_FORM_COLUMNS[form] for form in SYNTHETIC_FORMS),
    "F_ON": (N_FORM_COLUMNS["organic"],),
}


def emissions(inputs: Inputs) -> list[Block]:
    blocks = []
    for input_type, columns in N_INPUTS.items():
        plot_year, n_kg = inputs.active(*columns)
        ef1 = inputs.factors.lookup("EF1", len(plot_year), input=input_type, **inputs.keys(plot_year, "climate", "crop"))
        n2o_n = quantity(n_kg, "kg") * ef1.quantity()
        blocks.append(Block(
            plot_year, SOURCE, "N2O", input_type,
            mass_kg=magnitude(n2o_n * N2O_PER_N2O_N, "kg"),
            activity_amount=n_kg, activity_unit="kg N",
            factor_value=ef1.value, factor_unit="kg N2O-N/kg N",
            factor=ef1, factor_ids=ef1.ids,
        ))
    return blocks
