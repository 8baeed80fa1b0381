"""``greencert import``: the JSON shape, the exit codes and what gets written."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from greencert_desktop.cli import main
from tests.services.test_importer import CODE_A, HEADER, quirky_rows, write_ledger


def run(capsys, *args):
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path, capsys):
    path = str(tmp_path / "home")
    assert run(capsys, "--home", path, "config", "unit_code", "320706")[0] == 0
    return path


@pytest.fixture
def good(tmp_path):
    return write_ledger(tmp_path / "good.xlsx", {"台账": quirky_rows()[:5]},
                        merges={"台账": ["B5:B6", "C5:C6"]})


@pytest.fixture
def bad(tmp_path):
    return write_ledger(tmp_path / "bad.xlsx", {"台账": quirky_rows()},
                        merges={"台账": ["B5:B6", "C5:C6"]})


def counts(capsys, home):
    code, out, _ = run(capsys, "--home", home, "stats", "--json")
    assert code == 0
    totals = json.loads(out)["totals"]
    return totals["organisations"], totals["certificates"]


def test_json_shape_and_idempotent_reimport(home, good, capsys):
    code, out, _ = run(capsys, "--home", home, "import", good, "--json")
    assert code == 0
    data = json.loads(out)
    assert data == {"created": 3, "updated": 0, "unchanged": 0, "duplicates": 1, "skipped": 0,
                    "errors": []}
    assert counts(capsys, home) == (2, 3)
    code, out, _ = run(capsys, "--home", home, "import", good, "--json")
    assert code == 0
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 3, "duplicates": 1,
                               "skipped": 0, "errors": []}


def test_dry_run_writes_nothing(home, good, capsys):
    code, out, _ = run(capsys, "--home", home, "import", good, "--dry-run")
    assert code == 0
    assert "新增 3" in out and "试运行" in out
    assert counts(capsys, home) == (0, 0)


def test_errors_exit_1_and_write_nothing_unless_skipped(home, bad, tmp_path, capsys):
    report = tmp_path / "errors.xlsx"
    code, out, _ = run(capsys, "--home", home, "import", bad, "--json", "--report", report)
    assert code == 1
    data = json.loads(out)
    assert data["skipped"] == 6 and data["created"] == 4
    first = data["errors"][0]
    assert set(first) == {"sheet", "row", "column", "message"}
    assert (first["sheet"], first["row"], first["column"]) == ("台账", 11, "C")
    assert "校验码" in first["message"]
    assert counts(capsys, home) == (0, 0)
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert len(rows) == 1 + len(data["errors"])
    code, out, _ = run(capsys, "--home", home, "import", bad, "--skip-errors")
    assert code == 1
    assert "已写入登记簿" in out
    assert counts(capsys, home) == (2, 4)


def test_sheet_option(home, tmp_path, capsys):
    path = write_ledger(tmp_path / "two.xlsx", {
        "一": [HEADER, [1, "甲公司", CODE_A, "14001", "E-1", "中国质量认证中心", "2024-01-01",
                       "2027-01-01", "", ""]],
        "二": quirky_rows()})
    code, out, _ = run(capsys, "--home", home, "import", path, "--sheet", "一", "--json")
    assert code == 0 and json.loads(out)["created"] == 1
    code, _, err = run(capsys, "--home", home, "import", path, "--sheet", "三")
    assert code == 1 and "没有工作表“三”" in err


def test_unreadable_file_is_one_chinese_line(home, tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a spreadsheet at all")
    code, out, err = run(capsys, "--home", home, "import", path)
    assert code == 1
    assert err.startswith("错误：") and "Traceback" not in err
