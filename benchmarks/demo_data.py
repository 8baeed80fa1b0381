"""How fast the demo register generator fills an empty register.

    .venv/bin/python benchmarks/demo_data.py --certs 1000000

Runs into a temporary home folder (deleted afterwards unless --keep), with the normal
SQLite settings (WAL, synchronous FULL), and prints rows per second and seconds. CPU seconds
are printed too: on a busy machine they say more than the wall-clock time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from greencert_desktop.home import Home
from greencert_desktop.services.demo import generate_demo
from greencert_desktop.services.register import Register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certs", type=int, default=100_000, help="certificates (default 100000)")
    parser.add_argument("--orgs", type=int, default=None, help="organisations (default certs/3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="reference date YYYY-MM-DD (default today)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home folder")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="greencert-demo-bench-"))
    started = time.perf_counter()
    reg = Register.open(Home(root / "home"))
    opened = time.perf_counter() - started
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 5 or done == total:
            last[0] = now
            print(f"  {done:>10,} / {total:,} rows", file=sys.stderr, flush=True)

    cpu = time.process_time()
    try:
        summary = generate_demo(reg, certs=args.certs, orgs=args.orgs, seed=args.seed,
                                today=args.today, progress=progress)
    finally:
        reg.close()
    cpu = time.process_time() - cpu
    rows = (summary.organisations + summary.bodies + summary.certificates + summary.subsidies
            + summary.cases)
    db = root / "home" / "greencert.db"
    print(f"certificates:   {summary.certificates:,}")
    print(f"organisations:  {summary.organisations:,}")
    print(f"bodies / subsidies / cases: {summary.bodies} / {summary.subsidies} / {summary.cases:,}")
    print(f"rows:           {rows:,}")
    print(f"register open:  {opened:.2f} s")
    print(f"generation:     {summary.seconds:.2f} s")
    print(f"CPU time:       {cpu:.2f} s (user + system)")
    print(f"rows/s:         {rows / summary.seconds:,.0f}")
    print(f"certificates/s: {summary.certificates / summary.seconds:,.0f}")
    print(f"database size:  {db.stat().st_size / 1e6:,.1f} MB")
    if args.keep:
        print(f"kept:           {root}")
    else:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
