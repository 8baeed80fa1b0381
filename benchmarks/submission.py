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
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook
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


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


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
        t_export = best(lambda: result.append(submission.export_submission(
            reg, out, period=period)), repeat)
        path = result[-1].path
        sheets = bare_read(path)
        t_write = best(lambda: bare_write(sheets, workdir / f"bare-{size}.xlsx"), repeat)
        checks: list[bool] = []
        t_verify = best(lambda: checks.append(verify_file(path, reg.reference).ok), repeat)
        t_read = best(lambda: bare_read(path), repeat)
    finally:
        reg.close()
    cells = sum(len(r) for _, rows in sheets for r in rows)
    size_mb = path.stat().st_size / 1e6
    print(f"文件 {path.name}：{size_mb:.1f} MB，{cells:,} 个单元格，校验{'通过' if all(checks) else '未通过'}")
    print(f"  导出 {t_export:7.2f} s   裸写 {t_write:7.2f} s   比值 {t_export / t_write:.2f}"
          f"（目标 ≤ {TARGET}）")
    print(f"  校验 {t_verify:7.2f} s   裸读 {t_read:7.2f} s   比值 {t_verify / t_read:.2f}"
          f"（目标 ≤ {TARGET}）")
    return {"export": t_export, "write": t_write, "verify": t_verify, "read": t_read}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 100000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="greencert-bench-") as tmp:
        for size in args.sizes:
            run(size, args.repeat, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
