"""Benchmark: import 100,000 activity records into SQLite, then calculate and store the
province-year. Run with `python tests/benchmarks/bench_database.py [--records N]`.

Reports records per second for the import (target: at least 10,000/s) and the time to
calculate and store the run. Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from mrv import models
from bench_engine import synthetic  # beside this file: run it as a script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--db", help="URL of an empty database (default: a new SQLite file), e.g. PostgreSQL's")
    args = parser.parse_args()
    plot_years = int(args.records / 2.2)
    plots, records = synthetic(plot_years)
    communes = [c["code"] for c in models.official_communes()]
    plots["commune_code"] = np.random.default_rng(3).choice(communes, len(plots))
    records = records.iloc[: args.records]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        plots.to_csv(folder / "plots.csv", index=False)
        records.to_csv(folder / "records.csv", index=False)
        engine = models.connect(args.db or f"sqlite:///{folder / 'bench.sqlite'}")
        models.seed(engine)
        start = time.perf_counter()
        models.import_file(engine, folder / "plots.csv")
        plotted = time.perf_counter()
        summary = models.import_file(engine, folder / "records.csv")
        imported = time.perf_counter()
        run = models.calculate_year(engine, 2025, official=True)
        stored = time.perf_counter()
        engine.dispose()
    seconds = imported - plotted
    print(f"import {len(plots):,} plots: {plotted - start:.2f} s")
    print(f"import {summary.records_added:,} records: {seconds:.2f} s -> {summary.records_added / seconds:,.0f} records/s")
    print(f"calculate and store the province-year: {stored - imported:.2f} s -> {run.result_rows:,} result rows")


if __name__ == "__main__":
    main()
