"""Speed of importing a clerk's ledger (台账).

    .venv/bin/python benchmarks/import_ledger.py [--rows 100000]

Generates a ledger with openpyxl in write-only mode (title row, header, one certificate per
row, about three certificates per organisation, dates in mixed formats, a total row), then in
a fresh temporary register:

* inspect — open the file and find the header and columns;
* dry run — ``services.importer.analyse`` (read every row, check it, decide its outcome);
* commit  — ``services.importer.run_import`` (check again, back up, write everything and the
            audit rows in one transaction);
* again   — re-importing the same file (every row unchanged, nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from greencert_desktop.domain.credit_code import ALPHABET, make_code
from greencert_desktop.home import Home
from greencert_desktop.services import importer
from greencert_desktop.services.register import Register

TYPES = ["ISO14001", "有机", "50001", "22000", "HACCP", "环境管理体系认证", "GAP", "低碳产品"]
BODIES = ["中国质量认证中心", "方圆标志认证集团", "中环联合（北京）认证中心有限公司",
          "中绿华夏有机食品认证中心", "北京新世纪检验认证有限公司"]


def generate(path: Path, rows: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["连云港市绿色认证企业台账"])
    ws.append([])
    ws.append(["序号", "企业名称", "统一社会信用代码", "认证类别", "证书编号", "发证机构",
               "发证日期", "有效期至", "证书状态", "联系人", "联系电话", "地址"])
    org = None
    for i in range(rows):
        if i % 3 == 0:
            body8 = "".join(rnd.choice(ALPHABET) for _ in range(8))
            org = (f"连云港测试企业{i // 3:06d}有限公司", make_code("9", "1", "320706", body8),
                   f"联系人{i % 97}", f"1391234{i % 10000:04d}", f"海州区测试路{i % 500}号")
        assert org is not None
        issue = dt.date(2021, 1, 1) + dt.timedelta(days=rnd.randrange(1500))
        expiry = issue + dt.timedelta(days=3 * 365)
        shown_issue = [issue, issue.strftime("%Y.%m.%d"), f"{issue.year}年{issue.month}月"
                       f"{issue.day}日", issue.strftime("%Y%m%d")][i % 4]
        ws.append([i + 1, org[0], org[1], TYPES[i % len(TYPES)], f"BM{i:07d}",
                   BODIES[i % len(BODIES)], shown_issue, expiry, "" if i % 5 else "有效",
                   org[2], org[3], org[4]])
    ws.append(["合计", rows])
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        t = time.perf_counter()
        generate(path, args.rows)
        print(f"generate {args.rows:,} rows: {time.perf_counter() - t:6.1f} s "
              f"({path.stat().st_size / 1024 / 1024:.1f} MB)")
        reg = Register.open(Home(Path(folder) / "home"))
        reg.set("unit_code", "320706")
        try:
            t = time.perf_counter()
            setup = importer.inspect_ledger(path)
            print(f"inspect:  {time.perf_counter() - t:6.1f} s")
            t = time.perf_counter()
            report = importer.analyse(reg, setup)
            print(f"dry run:  {time.perf_counter() - t:6.1f} s  {report.summary()}")
            t = time.perf_counter()
            report = importer.run_import(reg, setup)
            print(f"commit:   {time.perf_counter() - t:6.1f} s  written={report.written} "
                  f"{report.created_records}")
            t = time.perf_counter()
            report = importer.analyse(reg, importer.inspect_ledger(path))
            print(f"again:    {time.perf_counter() - t:6.1f} s  {report.summary()}")
        finally:
            reg.close()


if __name__ == "__main__":
    main()
