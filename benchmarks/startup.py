"""Start-up time: from process start to the main window shown and painted.

The register holds 10,000 certificates (a demo register made once and kept in the home
folder given, ``greencert-startup-home`` in the temporary folder by default). Each run starts the program as a
new process with ``GREENCERT_STARTUP_PROBE=1``: ``app.run_gui`` then prints a marker when the
main window's first paint is done, and a second one when the home page's figures have been
painted too; then it quits. The first paint comes before the register is opened: menus,
navigation, the home page's frame (its figures still "—") and a status bar with operator and
database saying the register is being opened. The register is opened right after that paint
(SQLAlchemy's ORM, the models, the queries), then the figures are computed in the background.

The time is taken from just before the process is started to the moment the first marker is
read; the program's own figure (from ``run_gui`` starting, i.e. without Python's start-up and
the imports) and the CPU time the process used up to the marker are shown beside it: on a
busy machine the wall time stretches, the CPU time hardly does. The time to the home page's
figures is shown under it. One warm-up run is not counted (it also writes the ``.pyc`` files:
``PYTHONDONTWRITEBYTECODE`` is not passed on, since an installed program has them); the
median of the others is reported.

    .venv/bin/python benchmarks/startup.py                 # from source, 7 runs
    .venv/bin/python benchmarks/startup.py --frozen dist/GreenCert/greencert-cli

Qt runs on the ``offscreen`` platform unless ``--platform`` names another (``xcb`` under
Xvfb). The target is at most 1.0 s from source on the CI machine; a busy machine (see the
load average printed) is slower. Nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "GREENCERT_STARTUP_PROBE window-painted"
FIGURES_MARKER = "GREENCERT_STARTUP_PROBE home-figures"
TARGET_S = 1.0


def prepare_home(home: Path, certs: int) -> None:
    ready = home / f".startup-benchmark-{certs}"
    if ready.exists():
        return
    print(f"creating a demo register with {certs:,} certificates in {home} …", flush=True)
    subprocess.run([sys.executable, "-m", "greencert_desktop", "--home", str(home),
                    "demo-data", "--certs", str(certs), "--seed", "7", "--if-empty"],
                   check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
    ready.touch()


def one_run(command: list[str], env: dict[str, str],
            timeout: float) -> tuple[float, float, float, float | None]:
    """(seconds from process start to the marker, the program's own figure from run_gui,
    CPU seconds the process used up to the marker, seconds from process start to the home
    page's figures or None when the window did not open on the home page)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env, cwd=ROOT, text=True, encoding="utf-8")
    assert proc.stdout is not None
    try:
        painted: tuple[float, float, float] | None = None
        figures: float | None = None
        for line in proc.stdout:
            if painted is None and line.startswith(MARKER):
                elapsed = time.perf_counter() - started
                fields = line[len(MARKER):].split()
                painted = elapsed, float(fields[0]), float(fields[2])
            elif painted is not None and line.startswith(FIGURES_MARKER):
                figures = time.perf_counter() - started
        code = proc.wait(timeout=timeout)
        if painted is None:
            raise RuntimeError(f"the program ended (exit code {code}) without the marker")
        return (*painted, figures)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def measure(label: str, command: list[str], runs: int, platform: str) -> float:
    env = dict(os.environ, GREENCERT_STARTUP_PROBE="1", QT_QPA_PLATFORM=platform)
    env.pop("GREENCERT_HOME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let the warm-up write the .pyc files
    one_run(command, env, timeout=120)  # warm-up: file cache, .pyc files, font cache
    totals, inners, cpus, figures = [], [], [], []
    for _ in range(runs):
        total, inner, cpu, shown = one_run(command, env, timeout=120)
        totals.append(total)
        inners.append(inner)
        cpus.append(cpu)
        if shown is not None:
            figures.append(shown)
    median = statistics.median(totals)
    print(f"{label}: median {median:.3f} s (min {min(totals):.3f}, max {max(totals):.3f}; "
          f"in run_gui {statistics.median(inners):.3f} s; CPU time "
          f"{statistics.median(cpus):.3f} s) over {runs} runs; "
          f"target ≤ {TARGET_S:.1f} s {'met' if median <= TARGET_S else 'NOT met'}")
    print("  runs: " + ", ".join(f"{t:.3f}" for t in totals))
    if figures:
        print(f"  home page figures painted: median {statistics.median(figures):.3f} s "
              f"from process start ({len(figures)} of {runs} runs)")
    return median


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--certs", type=int, default=10_000)
    p.add_argument("--home", type=Path,
                   default=Path(tempfile.gettempdir()) / "greencert-startup-home")
    p.add_argument("--frozen", type=Path, metavar="EXE",
                   help="also measure this frozen executable (e.g. dist/GreenCert/greencert-cli)")
    p.add_argument("--no-source", action="store_true", help="measure the frozen build only")
    p.add_argument("--platform", default=os.environ.get("BENCH_QT_PLATFORM", "offscreen"))
    args = p.parse_args(argv)

    prepare_home(args.home, args.certs)
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average: {load} on {os.cpu_count()} CPUs; Qt platform {args.platform}")
    home = ["--home", str(args.home)]
    if not args.no_source:
        measure("from source", [sys.executable, "-m", "greencert_desktop", *home],
                args.runs, args.platform)
    if args.frozen:
        measure(f"frozen ({args.frozen})", [str(args.frozen), *home], args.runs, args.platform)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
