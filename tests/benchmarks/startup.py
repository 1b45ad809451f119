"""Start-up time of the command line and of the engine's package:

    .venv/bin/python tests/benchmarks/startup.py [--repeat 10]

Times, each in a new interpreter: `mrv --help`, `import mrv`, `import mrv.cli`, and the
first real use (`import mrv; mrv.calculate`, which loads pandas, pint and the factor
code), against the bare interpreter (`python -c pass`), the floor no start-up can go under.
Reports the median of `--repeat` runs."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

MRV = str(Path(sys.executable).with_name("mrv"))
COMMANDS = {
    "python -c pass (the floor)": [sys.executable, "-c", "pass"],
    "mrv --help": [MRV, "--help"],
    "import mrv": [sys.executable, "-c", "import mrv"],
    "import mrv.cli": [sys.executable, "-c", "import mrv.cli"],
    "first use: mrv.calculate": [sys.executable, "-c", "import mrv; mrv.calculate"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    floor = None
    print(f"{'command':32} {'median':>9} {'× floor':>8}")
    for name, command in COMMANDS.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        floor = floor or median
        print(f"{name:32} {median * 1000:7.0f} ms {median / floor:7.1f}×")


if __name__ == "__main__":
    main()
