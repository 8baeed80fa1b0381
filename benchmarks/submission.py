"""Speed of the submission workbook: export and verification against bare library loops.

    .venv/bin/python benchmarks/submission.py [--sizes 5000 100000] [--repeat 1]

For each size a demo register (one unit) is generated in a temporary home, then:

* export   — ``services.submission.export_submission`` end to end (pre-export checks,
             queries, statistics, writing, hashing, history row);
* bare write — an openpyxl write-only loop writing the same cells (the values read back
             from the exported file, sheet by sheet, no styles) and saving;
* verify   — ``services.verification.verify_file`` (read, hash, row counts, every row
             against the data-entry rules, cross-checks);
* bare read — python-calamine opening the same file and reading every sheet.

Targets (issue 4): export ≤ 1.25 × bare write, verify ≤ 1.25 × bare read.

Each measurement is repeated ``--repeat`` times, export/bare write and verify/bare read
interleaved so that a burst of load from other programs hits both sides; the medians are
compared (minimums shown too) and the load average is printed: run it on a quiet machine.
openpyxl writes through lxml when it is installed (a runtime dependency); the script says
which serialiser it used.

Export writes the data sheets' rows as text with the markup openpyxl would write
(``excel/sheet_stream.py``), so it costs well under one bare openpyxl loop.

Verification reads sheets in worker threads (python-calamine releases the GIL while it
parses), and parses the biggest sheet (表3, ~80 % of the parse) as two halves at once, so on
a machine with two or more cores part of its work is hidden behind the parse, and the bare
read, which reads sheet after sheet in one thread, is not. The CPU time of every measurement
(this process, all threads) is printed too, with its own ratios: for verification it shows
what the checks and the far-cell scan cost on top of reading, whatever the number of cores;
for both it is less disturbed than wall time by other programs (this 2-CPU container also
changes speed by up to 2× from one second to the next, so use ``--repeat 5`` or more and
compare medians).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook
from openpyxl.xml import LXML
from python_calamine import CalamineWorkbook

from greencert_desktop.domain.periods import Period
from greencert_desktop.home import Home
from greencert_desktop.services import demo, submission
from greencert_desktop.services.register import Register
from greencert_desktop.services.verification import verify_file

TARGET = 1.25


def bare_read(path: Path) -> list[tuple[str, list[list[object]]]]:
    wb = CalamineWorkbook.from_path(str(path))
    out = [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
           for name in wb.sheet_names]
    wb.close()
    return out


def bare_write(sheets: list[tuple[str, list[list[object]]]], path: Path) -> None:
    wb = Workbook(write_only=True)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    wb.save(path)


def timed(fn, cpu: list[float] | None = None) -> float:
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    if cpu is not None:
        cpu.append(time.process_time() - start_cpu)
    return time.perf_counter() - start


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # Windows
        return "n/a"


def run(size: int, repeat: int, workdir: Path) -> dict[str, float]:
    home = Home(workdir / f"home-{size}")
    reg = Register.open(home)
    try:
        reg.set("unit_code", "320706")
        t0 = time.perf_counter()
        demo.generate_demo(reg, certs=size, seed=1, units=["320706"])
        print(f"\n{size:,} 张证书：演示数据生成 {time.perf_counter() - t0:.1f} s", flush=True)
        period = Period.parse("2026Q3")
        out = workdir / f"out-{size}"
        out.mkdir(exist_ok=True)
        result: list[submission.ExportResult] = []
        path = submission.export_submission(reg, out, period=period).path
        sheets = bare_read(path)
        checks: list[bool] = []
        times: dict[str, list[float]] = {"export": [], "write": [], "verify": [], "read": []}
        cpu: dict[str, list[float]] = {"export": [], "write": [], "verify": [], "read": []}
        print(f"  负载（开始）{load()}", flush=True)
        for _ in range(repeat):
            times["export"].append(timed(lambda: result.append(
                submission.export_submission(reg, out, period=period)), cpu["export"]))
            times["write"].append(timed(lambda: bare_write(sheets, workdir / f"bare-{size}.xlsx"),
                                        cpu["write"]))
        for _ in range(repeat):
            times["verify"].append(timed(lambda: checks.append(
                verify_file(path, reg.reference).ok), cpu["verify"]))
            times["read"].append(timed(lambda: bare_read(path), cpu["read"]))
        print(f"  负载（结束）{load()}", flush=True)
    finally:
        reg.close()
    cells = sum(len(r) for _, rows in sheets for r in rows)
    size_mb = path.stat().st_size / 1e6
    med = {k: statistics.median(v) for k, v in times.items()}
    low = {k: min(v) for k, v in times.items()}
    print(f"文件 {path.name}：{size_mb:.1f} MB，{cells:,} 个单元格，校验{'通过' if all(checks) else '未通过'}"
          f"；openpyxl 序列化：{'lxml' if LXML else 'xml.etree'}；{repeat} 次取中位数（最小值）")
    for a, b, la, lb in (("export", "write", "导出", "裸写"), ("verify", "read", "校验", "裸读")):
        print(f"  {la} {med[a]:7.2f} s（{low[a]:.2f}）  {lb} {med[b]:7.2f} s（{low[b]:.2f}）  "
              f"比值 {med[a] / med[b]:.2f}（最小值之比 {low[a] / low[b]:.2f}；目标 ≤ {TARGET}）")
    mid = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"  CPU 时间（本进程各线程合计，中位数）：导出 {mid['export']:.2f} s  裸写 {mid['write']:.2f} s  "
          f"比值 {mid['export'] / mid['write']:.2f}；校验 {mid['verify']:.2f} s  "
          f"裸读 {mid['read']:.2f} s  比值 {mid['verify'] / mid['read']:.2f}")
    return med


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="greencert-bench-") as tmp:
        for size in args.sizes:
            run(size, args.repeat, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
