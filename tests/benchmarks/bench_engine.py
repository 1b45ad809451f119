"""Benchmark: one million plot-years from raw records through every source.

Run with `make bench` (or `python tests/benchmarks/bench_engine.py --plot-years N`).
Reports the time to normalise the raw text, to calculate from the canonical frame, and
the speed-up over a plain per-plot Python loop (timed on a sample, checked to give the
same totals). Nothing is asserted about wall-clock time: machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import mrv
from mrv.units import CO2_PER_C, N2O_PER_N2O_N

FERTILISERS = [("urea", "kg", 0.46), ("npk-16-16-8", "bao", 0.16), ("sa", "tạ", 0.21), ("dap", "kg", 0.18)]
UNIT_KG = {"kg": 1.0, "bao": 50.0, "tạ": 100.0}


def synthetic(plot_years: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw text frames: one plot per plot-year (year 2025) and about 2.5 records each,
    covering every source: fertiliser (synthetic and organic), lime, diesel for pumps
    and machinery, grid electricity, residue burning on sugarcane, harvest, soil practice
    changes, and durian tree inventories of 2023 and 2025."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("P", np.arange(plot_years).astype(str)).astype(object)
    crops = rng.choice(["coffee", "sugarcane", "durian", "pepper"], plot_years)
    plots = pd.DataFrame({
        "plot_id": ids, "commune_code": rng.choice([f"24{n:03d}" for n in range(102)], plot_years),
        "crop": crops, "area": np.round(rng.uniform(0.2, 3, plot_years), 2).astype(str),
        "area_unit": "ha", "climate": rng.choice(["wet", "dry"], plot_years, p=[0.9, 0.1]),
        "irrigation": rng.choice(["none", "drip", "basin", "sprinkler"], plot_years),
    })
    parts = []

    def records(mask, activity, product, quantity, unit, n_content="", use="", year="2025", **more):
        count = int(mask.sum())
        parts.append(pd.DataFrame({
            "plot_id": ids[mask], "year": year, "activity": activity, "product": product,
            "quantity": quantity[:count] if isinstance(quantity, np.ndarray) else quantity,
            "unit": unit, "n_content": n_content, "use": use, **more,
        }))

    everyone = np.ones(plot_years, dtype=bool)
    choice = rng.integers(0, len(FERTILISERS), plot_years)
    for i, (product, unit, _) in enumerate(FERTILISERS):
        mask = choice == i
        amounts = rng.integers(1, 400, plot_years) if unit == "kg" else rng.integers(1, 20, plot_years)
        records(mask, "fertiliser", product, amounts.astype(str), unit)
    organic = rng.random(plot_years) < 0.3
    records(organic, "fertiliser", "compost", np.char.replace(np.round(rng.uniform(0.5, 5, plot_years), 1).astype(str), ".", ","), "tấn", "1,5")
    records(rng.random(plot_years) < 0.2, "lime", rng.choice(["đá vôi", "dolomite"]), rng.integers(1, 20, plot_years).astype(str), "tạ")
    records(rng.random(plot_years) < 0.2, "diesel", "", rng.integers(10, 300, plot_years).astype(str), "L", use="pump")
    records(rng.random(plot_years) < 0.1, "diesel", "", rng.integers(10, 300, plot_years).astype(str), "L", use="machinery")
    records(rng.random(plot_years) < 0.1, "electricity", "", rng.integers(100, 3000, plot_years).astype(str), "kWh")
    records((crops == "sugarcane") & (rng.random(plot_years) < 0.3), "residue_burning", "",
            np.round(rng.uniform(0.1, 0.2, plot_years), 2).astype(str), "ha")
    records(everyone & (crops == "coffee"), "harvest", "cà phê nhân", rng.integers(1, 50, plot_years).astype(str), "tạ")
    records(rng.random(plot_years) < 0.05, "soil_management", "input-high-manure", "1", "sào nam",
            previous_practice="input-medium")
    measured = (crops == "durian") & (rng.random(plot_years) < 0.1)
    for year, diameter in (("2023", "10"), ("2025", "14")):
        records(measured, "tree_inventory", "durian-tree", "120", "cây", year=year, diameter_cm=diameter, height_m="6",
                wood_density="0,55")
    return plots, pd.concat(parts, ignore_index=True).fillna("")


def per_plot_reference(plots: pd.DataFrame, records: pd.DataFrame, profile: mrv.FactorProfile) -> dict[str, float]:
    """A plain per-plot loop over raw text (the naive way) for direct N2O, urea CO2 and
    liming CO2 under ipcc2019: the yardstick the vectorised engine is compared with."""
    value = dict(zip(profile.rows["id"], profile.rows["value"]))
    by_plot = {plot_id: group for plot_id, group in records.groupby("plot_id", sort=False)}
    totals = {"n2o_direct": 0.0, "urea_co2": 0.0, "liming_co2": 0.0}
    n_share = {product: share for product, _, share in FERTILISERS}
    for plot in plots.itertuples():
        for record in by_plot.get(plot.plot_id, pd.DataFrame()).itertuples():
            amount = float(record.quantity.replace(",", ".")) * {**UNIT_KG, "tấn": 1000.0}.get(record.unit, 1.0)
            if record.activity == "fertiliser" and record.product in n_share:
                ef1 = value["ipcc2019.EF1.wet.F_SN"] if plot.climate == "wet" else value["ipcc2019.EF1.dry"]
                totals["n2o_direct"] += amount * n_share[record.product] * ef1 * N2O_PER_N2O_N
                if record.product == "urea":
                    totals["urea_co2"] += amount * value["ipcc2006.EF_urea"] * CO2_PER_C
            elif record.activity == "fertiliser":
                ef1 = value["ipcc2019.EF1.wet.F_ON"] if plot.climate == "wet" else value["ipcc2019.EF1.dry"]
                totals["n2o_direct"] += amount * float(record.n_content.replace(",", ".")) / 100 * ef1 * N2O_PER_N2O_N
            elif record.activity == "lime":
                material = "limestone" if record.product == "đá vôi" else "dolomite"
                totals["liming_co2"] += amount * value[f"ipcc2006.EF_lime.{material}"] * CO2_PER_C
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot-years", type=int, default=1_000_000)
    parser.add_argument("--reference-sample", type=int, default=20_000)
    args = parser.parse_args()

    plots, records = synthetic(args.plot_years)
    print(f"{args.plot_years:,} plot-years, {len(records):,} raw records")
    mrv.calculate(*synthetic(1000))  # load factor files and catalogues once

    with tempfile.TemporaryDirectory() as folder:
        plots.to_csv(Path(folder) / "plots.csv", index=False)
        records.to_csv(Path(folder) / "records.csv", index=False)
        start = time.perf_counter()
        plots, records = mrv.read_table(Path(folder) / "plots.csv"), mrv.read_table(Path(folder) / "records.csv")
        read = time.perf_counter()
    activity = mrv.normalize(plots, records)
    normalised = time.perf_counter()
    results = mrv.calculate_activity(activity)
    done = time.perf_counter()
    print(f"read the CSV files:     {read - start:6.2f} s")
    print(f"normalise raw records:  {normalised - read:6.2f} s")
    print(f"calculate (canonical):  {done - normalised:6.2f} s  -> {len(results):,} result rows")
    print(f"raw records to results: {done - read:6.2f} s  (files to results: {done - start:.2f} s)")

    sample_plots, sample_records = synthetic(args.reference_sample, seed=11)
    profile = mrv.factor_profile("ipcc2019")
    t0 = time.perf_counter()
    reference = per_plot_reference(sample_plots, sample_records, profile)
    loop_seconds = time.perf_counter() - t0
    engine = mrv.calculate(sample_plots, sample_records)
    for source, expected in reference.items():
        got = engine.loc[engine["source"] == source, "mass_kg"].sum()
        assert abs(got - expected) <= 1e-9 * abs(expected), (source, got, expected)
    per_plot_year = loop_seconds / args.reference_sample
    print(f"per-plot loop (3 sources only, {args.reference_sample:,} plot-years): {per_plot_year * 1e6:.1f} µs per plot-year"
          f" -> {per_plot_year * args.plot_years:.0f} s for {args.plot_years:,}")
    print(f"speed-up of the engine (all sources, from raw text) over the loop: {per_plot_year * args.plot_years / (done - read):.0f}×")


if __name__ == "__main__":
    main()
