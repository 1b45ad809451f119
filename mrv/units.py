"""The one pint registry of the project, with Vietnamese units, and the element-to-gas ratios.

Chemical species never appear in unit strings (pint reads "N" as the newton): a column's
name says which species its mass is of (`n_kg`, `n2o_kg`), its canonical unit is declared
in `mrv.schema`, and equations are dimension-checked on whole arrays (DESIGN.md §5).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pint

ureg = pint.UnitRegistry()
ureg.load_definitions(str(Path(__file__).with_name("units_vi.txt")))
Q_ = ureg.Quantity

#: kg N2O per kg N2O-N: molar masses 44/28 (IPCC Vol. 4 Eq. 11.1 note).
N2O_PER_N2O_N = 44 / 28
#: kg CO2 per kg CO2-C: molar masses 44/12 (IPCC Vol. 4 Eq. 11.12 and 11.13 notes).
CO2_PER_C = 44 / 12
#: kg CH4 per kg CH4-C: molar masses 16/12.
CH4_PER_C = 16 / 12


def quantity(values, unit: str) -> pint.Quantity:
    """Wrap a whole array (never one row) as a pint Quantity in `unit`."""
    return Q_(np.asarray(values, dtype="float64"), unit)


def magnitude(value: pint.Quantity, unit: str) -> np.ndarray:
    """Convert to `unit` (raising pint.DimensionalityError if the dimensions differ)."""
    return np.asarray(value.to(unit).magnitude, dtype="float64")
