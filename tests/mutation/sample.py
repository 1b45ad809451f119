"""Keep a random sample of a mutation check's pending mutants; mark the rest skipped.

    python tests/mutation/sample.py out/mutation/sources.sqlite 120 [--seed 1]

A whole check of `mrv/sources/` takes many hours on 2 cores; a random sample of a
hundred or so gives its kill rate within a few points (binomial), and the same seed
draws the same sample again. `cr-report` then counts the others as skipped.
"""

from __future__ import annotations

import argparse
import random

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="the session database made by `cosmic-ray init`")
    parser.add_argument("size", type=int, help="how many mutants to keep")
    parser.add_argument("--seed", type=int, default=1, help="the draw (default 1)")
    args = parser.parse_args()
    with use_db(args.database, WorkDB.Mode.open) as work_db:
        pending = sorted(item.job_id for item in work_db.pending_work_items)
        kept = set(random.Random(args.seed).sample(pending, min(args.size, len(pending))))
        skipped = [job for job in pending if job not in kept]
        work_db.set_multiple_results(skipped, WorkResult(output=f"not in the sample (seed {args.seed})",
                                                         worker_outcome=WorkerOutcome.SKIPPED))
    print(f"{len(kept)} of {len(pending)} mutants kept (seed {args.seed})")


if __name__ == "__main__":
    main()
