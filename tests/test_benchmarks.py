"""Every benchmark script runs, at a small size, as the README writes its command: the
scripts never rot. Their figures are printed, never asserted (machines are shared)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent / "benchmarks"


@pytest.mark.parametrize("script, arguments", [
    ("startup.py", ["--repeat", "1"]),
    ("bench_engine.py", ["--plot-years", "2000", "--reference-sample", "200"]),
    ("bench_database.py", ["--records", "2000"]),
    ("bench_uncertainty.py", ["--draws", "50"]),
    ("bench_report.py", ["--repeat", "1", "--formats", "html"]),
])
def test_a_benchmark_runs_at_a_small_size(script, arguments, tmp_path):
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *arguments], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()
