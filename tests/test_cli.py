"""The command line end to end, as a clerk or a script would use it."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from greencert_desktop.cli import main


def run(capsys, *args):
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path):
    return str(tmp_path / "home")


@pytest.fixture
def demo_home(home, capsys):
    code, out, _ = run(capsys, "--home", home, "demo-data", "--certs", "300", "--seed", "7",
                       "--unit", "320706")
    assert code == 0, out
    return home


def test_demo_data_then_stats_json(demo_home, capsys):
    code, out, _ = run(capsys, "--home", demo_home, "stats", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["unit"]["code"] == "320700"
    assert data["totals"]["certificates"] == 300
    assert sum(v["count"] for v in data["by_status"].values()) == 300
    assert {u["code"] for u in data["by_unit"] if u["organisations"]} == {"320706"}
    assert {i["code"] for i in data["indicators"]} >= {"organic", "ems", "enms", "service"}


def test_demo_data_configures_an_empty_home_and_if_empty_skips(demo_home, capsys):
    code, out, _ = run(capsys, "--home", demo_home, "config", "unit_code")
    assert (code, out.strip()) == (0, "unit_code = '320706'")
    code, out, _ = run(capsys, "--home", demo_home, "demo-data", "--if-empty")
    assert code == 0 and "已有数据" in out
    code, out, _ = run(capsys, "--home", demo_home, "stats", "--json", "--unit", "320706")
    assert json.loads(out)["totals"]["certificates"] == 300


def test_stats_for_a_period_in_words(demo_home, capsys):
    code, out, _ = run(capsys, "--home", demo_home, "stats", "--period", "2026Q3",
                       "--unit", "320706")
    assert code == 0
    assert "海州区（320706） 2026年第三季度" in out
    assert "环境管理体系认证证书" in out


def test_check_reports_a_clean_register(demo_home, capsys):
    code, out, _ = run(capsys, "--home", demo_home, "check", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["problems"] == []


def test_check_finds_a_broken_reference(demo_home, capsys):
    conn = sqlite3.connect(os.path.join(demo_home, "greencert.db"))
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE certificates SET org_id = 999999 WHERE id = 1")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--home", demo_home, "check")
    assert code == 1
    assert "certificates" in out and "发现 1 个问题" in out


def test_backup_and_restore(demo_home, tmp_path, capsys):
    target = tmp_path / "saved.db"
    code, out, _ = run(capsys, "--home", demo_home, "backup", "--to", str(target))
    assert code == 0 and target.exists()
    conn = sqlite3.connect(os.path.join(demo_home, "greencert.db"))
    conn.execute("DELETE FROM supervision_cases")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--home", demo_home, "restore", str(target))
    assert code == 0 and "恢复前的数据库已备份到" in out
    conn = sqlite3.connect(os.path.join(demo_home, "greencert.db"))
    assert conn.execute("SELECT count(*) FROM supervision_cases").fetchone()[0] > 0
    conn.close()
    code, out, _ = run(capsys, "--home", demo_home, "backup")
    assert code == 0 and "backups" in out


@pytest.mark.parametrize(("args", "message"), [
    (["stats", "--period", "2026Q5"], "季度"),
    (["stats", "--unit", "999999"], "不在区划列表"),
    (["demo-data", "--unit", "999999", "--certs", "5"], "999999"),
    (["restore", "no-such-file.db"], "找不到"),
    (["config", "no_such_setting"], "没有名为"),
])
def test_user_errors_are_one_chinese_line_without_traceback(home, capsys, args, message):
    code, out, err = run(capsys, "--home", home, *args)
    assert code == 1
    assert err.startswith("错误：") and message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_home_from_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GREENCERT_HOME", str(tmp_path / "envhome"))
    code, _, _ = run(capsys, "config", "office_name", "灌南县市场监督管理局")
    assert code == 0
    assert (tmp_path / "envhome" / "greencert.db").exists()


def test_no_command_starts_the_gui(home, capsys, monkeypatch):
    import greencert_desktop.app as app

    started = []
    monkeypatch.setattr(app, "run_gui", lambda h, argv=None: started.append(h.root) or 0)
    code, _, _ = run(capsys, "--home", home)
    assert code == 0 and [str(p) for p in started] == [home]


def test_console_entry_point_runs_as_a_process(home):
    result = subprocess.run([sys.executable, "-m", "greencert_desktop", "--home", home,
                             "stats", "--json"], capture_output=True, text=True,
                            encoding="utf-8", timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["certificates"] == 0


def test_a_locked_database_is_one_chinese_line(home, capsys, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from greencert_desktop import cli

    def locked(_home, _args):
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setitem(cli.COMMANDS, "stats", locked)
    code, _out, err = run(capsys, "--home", home, "stats")
    assert code == 1 and err.startswith("错误：") and "锁定" in err
