"""Carbon-credit readiness: reductions and removals less the uncertainty deduction, leakage
and the non-permanence buffer, with parameters from a crediting file (VM0042's structure)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

import mrv
from mrv import models
from mrv.cli import app
from mrv.factors import FactorFileError, load_crediting


def _parameters(leakage: float | None = 5.0, risk: float | None = 20.0, applies=("reductions", "removals")) -> dict:
    return {"uncertainty": {"applies_to": list(applies)}, "leakage": {"share_pct": leakage},
            "buffer": {"non_permanence_risk_pct": risk}}


YEARS = pd.DataFrame({"year": [2025, 2026], "baseline_t": [100.0, 100.0], "project_t": [60.0, 70.0],
                      "removals_t": [20.0, 10.0], "u_reductions": [0.1, 0.1], "u_removals": [0.5, 0.5]})


def test_the_balance_takes_each_deduction_in_turn():
    balance = mrv.credit_balance(YEARS, _parameters()).set_index("year")
    first = balance.loc["2025"]
    # ER = 100 − 60 = 40; CR = 20; UNC = 0.1 × 40 + 0.5 × 20 = 14; LK = 5 % × (40 + 20 − 14) = 2.3;
    # BUF = 20 % × (20 − 10) × (1 − 5 %) = 1.9; credits = 60 − 14 − 2.3 − 1.9 = 41.8
    assert (first["reductions_t"], first["removals_t"], first["uncertainty_t"]) == (40.0, 20.0, 14.0)
    assert first["leakage_t"] == pytest.approx(2.3) and first["buffer_t"] == pytest.approx(1.9)
    assert first["credits_t"] == pytest.approx(41.8)
    # 2026: ER 30, CR 10, UNC 3 + 5 = 8, LK 5 % × 32 = 1.6, BUF 20 % × 5 × 0.95 = 0.95: 40 − 8 − 1.6 − 0.95 = 29.45
    assert balance.loc["2026", "credits_t"] == pytest.approx(29.45)
    assert balance.loc["total", "credits_t"] == pytest.approx(41.8 + 29.45)
    # the deduction on the removals alone: 10 of 2025's 14
    assert mrv.credit_balance(YEARS, _parameters(applies=("removals",)))["uncertainty_t"].iat[0] == 10.0


def test_a_parameter_the_project_has_not_set_leaves_the_credits_unknown_never_zero():
    balance = mrv.credit_balance(YEARS, _parameters(leakage=None))
    assert balance["uncertainty_t"].iat[0] == 14.0
    assert balance[["leakage_t", "buffer_t", "credits_t"]].isna().all().all()
    assert np.isnan(mrv.credit_balance(YEARS, _parameters(risk=None))["credits_t"].iat[-1])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.floats(0, 1e4), st.floats(0, 1), st.floats(0, 1e4), st.floats(0, 1),
                               st.floats(0, 1)), min_size=1, max_size=4),
       leakage=st.floats(0, 100), risk=st.floats(0, 100), scale=st.floats(0.1, 10))
def test_credits_lie_between_zero_and_the_gross_and_scale_with_it(rows, leakage, risk, scale):
    """With reductions and removals ≥ 0: every deduction ≥ 0, 0 ≤ credits ≤ ER + CR, the
    period's total is the sum of its years, and the balance is linear in the tonnes."""
    years = pd.DataFrame([{"year": 2025 + i, "baseline_t": er + project, "project_t": project, "removals_t": cr,
                           "u_reductions": u1, "u_removals": u2}
                          for i, (er, u1, cr, u2, project) in enumerate(rows)])
    balance = mrv.credit_balance(years, _parameters(leakage, risk))
    years_only, total = balance.iloc[:-1], balance.iloc[-1]
    for column in ("uncertainty_t", "leakage_t", "buffer_t"):
        assert (years_only[column] >= -1e-9).all()
    gross = years_only["reductions_t"] + years_only["removals_t"]
    assert (years_only["credits_t"] >= -1e-6).all() and (years_only["credits_t"] <= gross + 1e-6).all()
    for column in mrv.BALANCE_COLUMNS[1:]:
        assert total[column] == pytest.approx(years_only[column].sum(), rel=1e-9, abs=1e-9)
    scaled = mrv.credit_balance(years.assign(baseline_t=years["baseline_t"] * scale,
                                             project_t=years["project_t"] * scale,
                                             removals_t=years["removals_t"] * scale), _parameters(leakage, risk))
    assert scaled["credits_t"].iat[-1] == pytest.approx(total["credits_t"] * scale, rel=1e-9, abs=1e-6)


def test_a_crediting_file_that_breaks_its_form_is_refused_naming_the_field(tmp_path):
    shipped = (mrv.factors.DATA_DIR / "crediting" / "vm0042.toml").read_text(encoding="utf-8")
    path = tmp_path / "x.toml"
    path.write_text(shipped.replace('status = "not set"', 'status = "confirmed"', 1), encoding="utf-8")
    with pytest.raises(FactorFileError) as error:  # confirmed, yet no value
        load_crediting(path)
    assert error.value.column == "leakage.share_pct"
    path.write_text(shipped.replace('[leakage]', '[leakage]\nshare_pct = 120', 1).replace(
        'status = "not set"', 'status = "confirmed"', 1), encoding="utf-8")
    with pytest.raises(FactorFileError) as error:
        load_crediting(path)
    assert error.value.column == "leakage.share_pct" and "0 to 100" in error.value.expected
    shipped_values = load_crediting()
    assert shipped_values["leakage"]["share_pct"] is None and shipped_values["uncertainty"]["status"] == "unverified"


def test_the_demo_reports_the_readiness_of_the_pilots_cooperative(demo, tmp_path):
    folder, db = demo
    engine = models.connect(db)
    assert (folder / "files" / "san-sang-tin-chi-HTX-001-2025-vi.pdf").read_bytes()[:5] == b"%PDF-"
    found = models.readiness(engine, "HTX-001", [2025], scope=models.LOCAL)
    balance = found["balance"].set_index("year")
    # HTX-001's pilot plots are the provincial coffee model's six: their reductions as the annual report has them
    free = models.claimable(engine, 2025).set_index("plot_id")
    pilots = [f"TINH-CAPHE-{k}" for k in range(1, 7)]
    assert balance.loc["2025", "reductions_t"] == pytest.approx(free.loc[pilots, "reduction_t"].sum())
    with Session(engine) as session:
        claimed = models.stored_claims(session, [2025])
    ok, tonnes = found["checks"]["claimed"]
    assert not ok and tonnes == pytest.approx(claimed.loc[claimed["plot_id"].isin(pilots), "tonnes"].sum())
    assert found["checks"]["verified"] == (True, []) and found["checks"]["baseline"] == (True, ["control"])
    # the shipped parameters leave leakage and the buffer to the project: no credits are shown
    assert np.isnan(balance.loc["total", "credits_t"])
    # a project that has set them: the credits follow the module's equations on the same inputs
    path = tmp_path / "du-an.toml"
    path.write_text((mrv.factors.DATA_DIR / "crediting" / "vm0042.toml").read_text(encoding="utf-8")
                    .replace("[leakage]", "[leakage]\nshare_pct = 10").replace(
                        "[buffer]", "[buffer]\nnon_permanence_risk_pct = 15").replace('"not set"', '"confirmed"'),
                    encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "san-sang.xlsx"
    result = runner.invoke(app, ["credit", "readiness", "--group", "HTX-001", "--years", "2025", "--parameters",
                                 str(path), "--out", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out)["Cân đối giảm phát thải và hấp t"].iter_rows(min_row=2, values_only=True))
    total = dict(zip(["year", *mrv.BALANCE_COLUMNS[1:]], rows[-1]))
    gross = total["reductions_t"] + total["removals_t"]
    assert total["leakage_t"] == pytest.approx(0.10 * (gross - total["uncertainty_t"]))
    assert total["credits_t"] == pytest.approx(gross - total["uncertainty_t"] - total["leakage_t"]
                                               - total["buffer_t"])
    wrong = runner.invoke(app, ["credit", "readiness", "--group", "HTX-001", "--years", "2025-20x", "--db", db])
    assert wrong.exit_code == 2 and "--years 2025-20x" in wrong.output
    unknown = runner.invoke(app, ["credit", "readiness", "--group", "HTX-999", "--years", "2025", "--db", db])
    assert unknown.exit_code == 2 and "HTX-999" in unknown.output
