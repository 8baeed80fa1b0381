"""export / verify / consolidate on the command line, end to end."""

import json
import shutil
from datetime import date

import openpyxl
import pytest

from greencert_desktop.cli import main
from greencert_desktop.domain.periods import Period

PERIOD = Period.last_complete(date.today(), "quarter").code


def run(capsys, *args):
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def county_file(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    home = root / "county"
    assert main(["--home", str(home), "demo-data", "--certs", "120", "--seed", "4",
                 "--unit", "320723"]) == 0
    out = root / "out"
    out.mkdir()
    assert main(["--home", str(home), "export", "--period", PERIOD, "--out", str(out)]) == 0
    return next(out.iterdir())


def test_export_json(tmp_path, capsys):
    home = tmp_path / "home"
    run(capsys, "--home", home, "demo-data", "--certs", "50", "--unit", "320724")
    code, out, _ = run(capsys, "--home", home, "export", "--out", tmp_path, "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["unit_code"] == "320724"
    assert data["file"].endswith(f"绿色认证报送_320724_灌南县_{PERIOD}.xlsx")
    assert data["counts"]["certificates"] == 50 and len(data["content_sha256"]) == 64


def test_verify_clean_and_tampered(county_file, tmp_path, capsys):
    code, out, _ = run(capsys, "verify", county_file)
    assert code == 0 and "通过" in out
    tampered = tmp_path / "t.xlsx"
    shutil.copyfile(county_file, tampered)
    wb = openpyxl.load_workbook(tampered)
    wb["表3 认证证书"]["J2"] = "改了"
    wb.save(tampered)
    code, out, err = run(capsys, "verify", county_file, tampered, "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and "Traceback" not in err
    assert [f["ok"] for f in data["files"]] == [True, False]
    assert any("内容校验值不符" in p["message"] for p in data["files"][1]["problems"])


def test_verify_garbage_is_a_problem_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\x00" * 10)
    code, out, err = run(capsys, "verify", bad, tmp_path / "missing.xlsx")
    assert code == 1 and "Traceback" not in out + err
    assert "不是 xlsx" in out and "不存在" in out


def test_consolidate_end_to_end(county_file, tmp_path, capsys):
    city = tmp_path / "city"
    run(capsys, "--home", city, "config", "unit_code", "320700")
    code, out, _ = run(capsys, "--home", city, "consolidate", "--period", PERIOD, county_file,
                       "--out", tmp_path, "--json")
    data = json.loads(out)
    assert code == 0 and data["stored"] and data["reported"] == 1
    assert data["result"][0]["new"]["certificates"] == 120
    city_file = data["city_file"]
    code, out, _ = run(capsys, "verify", city_file)
    assert code == 0
    code, out, _ = run(capsys, "--home", city, "consolidate", "--period", PERIOD, county_file,
                       county_file.parent, "--keep-older")
    assert code == 0 and "已汇总" in out and "未报送" in out


def test_consolidate_refused_file_exits_1(county_file, tmp_path, capsys):
    city = tmp_path / "city"
    run(capsys, "--home", city, "config", "unit_code", "320700")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("x")
    code, out, err = run(capsys, "--home", city, "consolidate", "--period", PERIOD, bad)
    assert code == 1 and "拒收" in out and "没有可汇总的文件" in out


@pytest.mark.parametrize(("args", "message"), [
    (["export", "--out", "."], "尚未设置本单位区划代码"),
    (["export", "--period", "2026Q9", "--out", "."], "季度"),
    (["consolidate", "--period", "2026Q3", "x.xlsx"], "市局"),
])
def test_errors_are_one_chinese_line(tmp_path, capsys, args, message):
    code, _, err = run(capsys, "--home", tmp_path / "h", *args)
    assert code == 1 and err.startswith("错误：") and message in err
    assert len(err.strip().splitlines()) == 1
