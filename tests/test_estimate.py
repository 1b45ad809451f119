"""The provincial estimate: commune areas × practice profiles × adoption, and pilot
reductions scaled up with their sampling interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mrv
from tests.test_reductions import E

PROFILES = pd.DataFrame([
    {"profile_id": "conv", "crop": "coffee", "low_emission": False, "activity": "fertiliser", "product": "urea",
     "quantity": "300", "unit": "kg", "n_content": "", "use": ""},
    {"profile_id": "low", "crop": "coffee", "low_emission": True, "activity": "fertiliser", "product": "urea",
     "quantity": "100", "unit": "kg", "n_content": "", "use": ""},
])


def test_profile_emissions_per_ha():
    per_ha = mrv.profile_emissions(PROFILES, 2025)
    # 300 kg urea on 1 ha, wet, no irrigation: 300 E kg CO2e = 0.3 E t
    assert per_ha["conv"] == pytest.approx(0.3 * E, rel=1e-9) and per_ha["low"] == pytest.approx(0.1 * E, rel=1e-9)


def test_provincial_estimate_by_commune_with_missing_and_unbalanced_communes():
    per_ha = mrv.profile_emissions(PROFILES, 2025)
    reductions = pd.DataFrame({"pilot_model_id": ["M1", "M1", "M2"], "reduction_t_per_ha": [0.08, 0.12, 0.20]})
    pilot = mrv.pilot_reduction_per_ha(reductions, pd.Series({"M1": "coffee", "M2": "coffee"}))
    # model means 0.10 and 0.20: mean 0.15, sd 0.0707, SE 0.05, t(0.975, 1 df) = 12.706
    half = stats.t.ppf(0.975, 1) * np.std([0.10, 0.20], ddof=1) / np.sqrt(2)
    assert pilot.loc["coffee", "reduction_t_per_ha"] == pytest.approx(0.15)
    assert pilot.loc["coffee", "upper"] - 0.15 == pytest.approx(half)
    areas = pd.DataFrame({"commune_code": ["A", "C"], "crop": ["coffee", "coffee"], "area_ha": [100.0, 50.0]})
    adoption = pd.DataFrame({"commune_code": ["A", "A", "C", "C"], "profile_id": ["conv", "low", "conv", "low"],
                             "share": [0.8, 0.2, 0.6, 0.3]})
    table = mrv.provincial_estimate(["A", "B", "C"], areas, adoption, PROFILES, per_ha, pilot).set_index("commune_code")
    # A: 100 ha × (0.8 × 0.3 E + 0.2 × 0.1 E) = 26 E t; 20 ha low-emission × 0.15 t/ha = 3 t
    assert table.loc["A", "emissions_t"] == pytest.approx(26 * E, rel=1e-9)
    assert table.loc["A", "reduction_t"] == pytest.approx(3.0)
    assert table.loc["A", "reduction_upper_t"] == pytest.approx(20 * (0.15 + half))
    assert table.loc["B", "status"] == "missing" and np.isnan(table.loc["B", "emissions_t"])
    assert table.loc["C", "status"] == "shares do not add up to 100 %" and np.isnan(table.loc["C", "emissions_t"])
