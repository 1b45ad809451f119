"""Benchmark: the annual report of the demo province-year. Run with
`python tests/benchmarks/bench_report.py [--formats xlsx,html,pdf,docx] [--repeat N]`.

Builds the demo database (102 communes, pilot models, one year, its official run), then
times `models.build_report` (reading the official run, the provincial estimate, QA/QC,
uncertainty, charts) and the writing of each format, the best of N runs each, and prints
where the build's time goes (the functions of mrv with the most cumulative time, from
cProfile). Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

import mrv
from mrv import models
from bench_uncertainty import demo_database  # beside this file: run it as a script


def best(action, repeat: int) -> tuple[float, object]:
    """The shortest of `repeat` runs of `action`, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default=",".join(mrv.REPORT_FORMATS))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    formats = tuple(args.formats.split(","))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        engine = demo_database(folder)

        def build():
            return models.build_report(engine, 2025, "vi", scope=models.LOCAL)

        build()  # the first build also loads the factor profile and the fonts, once per process
        seconds, report = best(build, args.repeat)
        print(f"build the report (official run of 2025, 102 communes): {seconds:.2f} s")
        written = {}
        for fmt in formats:
            written[fmt], _ = best(lambda: mrv.write_report(report, folder / "out", (fmt,)), args.repeat)
            print(f"write {fmt}: {written[fmt]:.2f} s")
        print(f"build and write {', '.join(formats)}: {seconds + sum(written.values()):.2f} s")
        profile = cProfile.Profile()
        profile.runcall(build)
        engine.dispose()
    stats = pstats.Stats(profile)
    rows = [(stats.stats[key][3], f"{Path(key[0]).name}:{key[2]}") for key in stats.stats
            if ("/mrv/" in key[0] or "/models/" in key[0]) and key[2] != "build_report"]
    print("where the build's time goes (cumulative, under cProfile):")
    for cumulative, name in sorted(rows, reverse=True)[:8]:
        print(f"  {cumulative:6.2f} s  {name}")


if __name__ == "__main__":
    main()
