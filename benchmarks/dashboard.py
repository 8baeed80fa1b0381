"""Speed of the home page figures and of each chart's data over a large register.

    .venv/bin/python benchmarks/dashboard.py [--certs 100000] [--certs 1000000]
    .venv/bin/python benchmarks/dashboard.py --home /path/to/home

Without --home a demo register is generated (services.demo) into a temporary home for each
--certs given (deleted afterwards unless --keep). Then, median of --repeat runs of:

* version   — ``data_version`` (what a page checks on show to decide whether to recompute);
* overview  — every figure, indicator and to-do item of the home page;
* each chart's data (whole register, one unit, and split by unit);
* figure    — building and rendering the chart figure from the data (matplotlib, Agg);
* brief     — the whole one-page brief PDF.

These run on the pages' background thread in the application, so they never freeze the
window; the numbers say how long a clerk waits for the figures to appear.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from greencert_desktop.domain.periods import Period
from greencert_desktop.home import Home
from greencert_desktop.services import dashboard
from greencert_desktop.services.demo import generate_demo
from greencert_desktop.services.register import Register


def _median_ms(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(reg: Register, repeat: int, unit: str) -> list[tuple[str, float]]:
    from greencert_desktop.charts import brief, figures

    today = date.today()
    rows: list[tuple[str, float]] = []

    def add(name: str, run: Callable[[], object]) -> None:
        rows.append((name, _median_ms(repeat, run)))
        print(f"  {name:<34} {rows[-1][1]:>9.0f} ms", flush=True)

    add("data_version", lambda: dashboard.data_version(reg))
    add("overview (home, whole register)", lambda: dashboard.overview(reg, today=today))
    add(f"overview (home, unit {unit})", lambda: dashboard.overview(reg, unit=unit,
                                                                     today=today))
    for key in dashboard.CHART_KEYS:
        add(f"{key}", lambda key=key: dashboard.chart(reg, key, today=today))
        add(f"{key} (unit {unit})", lambda key=key: dashboard.chart(
            reg, key, dashboard.ChartFilter(unit=unit), today=today))
        add(f"{key} (by unit)", lambda key=key: dashboard.chart(
            reg, key, dashboard.ChartFilter(by_unit=True), today=today))
    data = dashboard.chart(reg, "valid_by_type", dashboard.ChartFilter(by_unit=True),
                           today=today)

    def render() -> None:
        figures.figure(data).savefig(io.BytesIO(), format="png")

    add("figure (valid_by_type by unit)", render)
    period = Period.last_complete(today, reg.get("period_type"))
    with tempfile.TemporaryDirectory() as tmp:
        add("brief PDF (data + render)", lambda: brief.write_brief(
            dashboard.brief_data(reg, period, today=today), Path(tmp) / "b.pdf"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certs", type=int, action="append")
    parser.add_argument("--home", type=Path, help="use this home (with data) instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--unit", default="320706")
    parser.add_argument("--keep", action="store_true", help="keep the generated homes")
    args = parser.parse_args(argv)
    if args.home:
        with Register.open(Home(args.home)) as reg:
            print(f"{args.home}:")
            measure(reg, args.repeat, args.unit)
        return 0
    for certs in args.certs or [100_000]:
        root = Path(tempfile.mkdtemp(prefix=f"greencert-dash-{certs}-"))
        try:
            with Register.open(Home(root / "home")) as reg:
                start = time.perf_counter()
                generate_demo(reg, certs=certs, seed=1)
                print(f"{certs:,} certificates generated in "
                      f"{time.perf_counter() - start:.0f} s ({root / 'home'})", flush=True)
                measure(reg, args.repeat, args.unit)
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
