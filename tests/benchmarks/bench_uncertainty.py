"""Benchmark: Monte Carlo uncertainty of the demo province-year. Run with
`python tests/benchmarks/bench_uncertainty.py [--draws N]`.

Builds the demo database (102 communes, pilot models, one year), then times
`mrv.uncertainty` at N draws (default 10,000) against a simple reference: for each draw,
every result row recomputed on its own (its CO2e × its factors' draws, in a Python loop),
timed on a few draws and scaled to N. Reports both times and their ratio; nothing is
asserted about time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import mrv
from mrv import models

REFERENCE_DRAWS = 5


def reference(results, factors: mrv.FactorDraws, draws: int) -> np.ndarray:
    """Total CO2e per draw, row by row: the straightforward per-plot computation."""
    co2e = results["co2e_kg"].to_numpy()
    tokens = sorted({t for joined in results["factor_ids"].astype(str).unique() for t in joined.split("|") if t})
    position = {token: i for i, token in enumerate(tokens)}
    token_draws = np.array([factors.token_ratio(token) for token in tokens])  # how each token moves a row
    rows = [[position[t] for t in str(joined).split("|") if t] for joined in results["factor_ids"]]
    totals = np.zeros(draws)
    for draw in range(draws):
        for value, row_tokens in zip(co2e, rows):
            scale = 1.0
            for token in row_tokens:
                scale *= token_draws[token, draw]
            totals[draw] += value * scale
    return totals


def demo_database(folder: Path):
    """The demo database in `folder` (102 communes, pilot models, 2025) with its official run."""
    engine = models.connect(f"sqlite:///{folder / 'demo.sqlite'}")
    models.seed(engine)
    importer = models.demo_users(engine)[0][0]
    for path in models.write_demo(folder / "files", seed=2025, year=2025):
        models.import_file(engine, path, imported_by=importer)
    models.calculate_year(engine, 2025, official=True)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = demo_database(Path(folder))
        _, province = models.province_year(engine, 2025)
        engine.dispose()
    start = time.perf_counter()
    spread = mrv.uncertainty(province, draws=args.draws)
    seconds = time.perf_counter() - start
    results = province.results
    ids = mrv.used_factor_ids(results["factor_ids"].astype(str).unique())
    factors = mrv.draw_factors(results.attrs["factor_profile"], ids, REFERENCE_DRAWS, np.random.default_rng(1))
    start = time.perf_counter()
    reference(results, factors, REFERENCE_DRAWS)
    per_draw = (time.perf_counter() - start) / REFERENCE_DRAWS
    print(f"demo province-year: {len(results):,} result rows, {len(province.activity):,} records")
    print(f"mrv.uncertainty, {args.draws:,} draws (totals, sources, reductions, estimate): {seconds:.2f} s")
    print(f"row-by-row reference, total only: {per_draw * 1000:.0f} ms a draw -> "
          f"{per_draw * args.draws:.0f} s for {args.draws:,} draws (ratio {per_draw * args.draws / seconds:,.0f}x)")
    print(spread.table[["item", "central_t", "lower_t", "upper_t"]].round(1).to_string(index=False))


if __name__ == "__main__":
    main()
