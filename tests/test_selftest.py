"""``greencert self-test``: passes from source in a temporary home; a failing step fails it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from greencert_desktop import selftest

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The command line in a new process; its temporary folder is under ``tmp_path``."""
    temp = tmp_path / "temp"
    temp.mkdir(exist_ok=True)
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("GREENCERT_HOME", "GREENCERT_RESOURCES", "QT_QPA_PLATFORM")}
    environment.update(TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp), PYTHONUTF8="1", **env)
    return subprocess.run([sys.executable, "-m", "greencert_desktop", *args],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                          env=environment, timeout=300)


@pytest.mark.slow
def test_the_self_test_passes_from_source_in_a_temporary_home(tmp_path: Path) -> None:
    report = tmp_path / "report.log"
    result = _run(tmp_path, "self-test", "--report", str(report))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    names = [name for name, _step in selftest.STEPS]
    for name in names:
        assert any(line.startswith(f"✓ {name}（") for line in lines), (name, result.stdout)
    assert not any(line.startswith("✗") for line in lines)
    assert f"自检通过：{len(names)} 项全部通过" in result.stdout
    assert report.read_text(encoding="utf-8") == result.stdout  # the same report, to the file
    # The temporary home is gone after a pass; nothing was written to a real data folder.
    assert not list((tmp_path / "temp").glob("greencert-selftest-*"))


def test_a_failing_step_gives_exit_code_1_and_keeps_the_home(tmp_path: Path) -> None:
    """Shipped reference data missing (as in a broken bundle): the GUI flag says so."""
    empty = tmp_path / "no-resources"
    empty.mkdir()
    result = _run(tmp_path, "--self-test", GREENCERT_RESOURCES=str(empty))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "✓ 迁移新数据库" in result.stdout
    assert "✗ 加载参考数据" in result.stdout
    assert "✗ 打开并关闭主窗口" in result.stdout  # needs the register: reported, not run
    assert "自检未通过" in result.stdout
    report = tmp_path / "temp" / selftest.REPORT_NAME
    assert "✗ 加载参考数据" in report.read_text(encoding="utf-8")
    kept = list((tmp_path / "temp").glob("greencert-selftest-*"))
    assert len(kept) == 1 and (kept[0] / "home" / "greencert.db").exists()


def test_steps_report_marks_time_and_every_failure(tmp_path: Path) -> None:
    def passes(ctx: selftest.Context) -> str:
        return "好"

    def fails(ctx: selftest.Context) -> str:
        selftest.require(False, "不对")
        return ""

    def crashes(ctx: selftest.Context) -> str:
        raise RuntimeError("boom")

    def needs_register(ctx: selftest.Context) -> str:
        ctx.need_register()
        return ""

    report = selftest.Report(tmp_path / "r.log", echo=False)
    ctx = selftest.Context(home_root=tmp_path / "home", work=tmp_path)
    results = selftest.run_steps(ctx, report, (("甲", passes), ("乙", fails), ("丙", crashes),
                                               ("丁", needs_register)))
    report.close()
    assert [r.ok for r in results] == [True, False, False, False]
    text = (tmp_path / "r.log").read_text(encoding="utf-8")
    assert text.startswith("✓ 甲（")
    assert "秒）：好" in text
    assert "✗ 乙（" in text and "：不对" in text
    assert "RuntimeError: boom" in text and "Traceback" in text
    assert "✗ 丁（" in text and "未运行" in text


def test_the_report_survives_a_console_without_chinese(tmp_path: Path, monkeypatch) -> None:
    import io

    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", console)
    report = selftest.Report(tmp_path / "r.log", echo=True)
    report.line("✓ 迁移新数据库")
    report.close()
    console.flush()
    assert raw.getvalue().decode("ascii").strip() == "? ??????"
    assert (tmp_path / "r.log").read_text(encoding="utf-8") == "✓ 迁移新数据库\n"


def test_no_console_at_all_is_fine(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)  # the windowed GreenCert.exe
    report = selftest.Report(tmp_path / "r.log", echo=True)
    report.line("✓ 便携模式")
    report.close()
    assert (tmp_path / "r.log").read_text(encoding="utf-8") == "✓ 便携模式\n"
