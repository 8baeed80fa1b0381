"""``greencert brief``: the one-page work brief from the command line."""

from __future__ import annotations

import re

import pytest

from greencert_desktop.charts import fonts
from greencert_desktop.cli import main


def run(capsys, *args):
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_home(tmp_path, capsys):
    home = str(tmp_path / "home")
    code, out, _ = run(capsys, "--home", home, "demo-data", "--certs", "300", "--seed", "3")
    assert code == 0, out
    return home


def test_brief_writes_a_one_page_pdf_with_the_font_embedded(demo_home, tmp_path, capsys):
    out = tmp_path / "简报.pdf"
    code, stdout, err = run(capsys, "--home", demo_home, "brief", "--period", "2025Q4",
                            "--unit", "320706", "--out", str(out))
    assert code == 0, err
    assert "已生成工作简报" in stdout and "海州区" in stdout and "2025年第四季度" in stdout
    pdf = out.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    assert b"/FontFile2" in pdf
    assert fonts.cjk_font().replace(" ", "").encode()[:12].lower() in pdf.lower()


def test_brief_for_the_whole_register(demo_home, tmp_path, capsys):
    out = tmp_path / "city.pdf"
    code, stdout, _ = run(capsys, "--home", demo_home, "brief", "--period", "2025",
                          "--out", str(out))
    assert code == 0
    assert "连云港市" in stdout
    assert out.exists()


@pytest.mark.parametrize("args, message", [
    (["--period", "2025Q9", "--out", "x.pdf"], "季度应为1～4"),
    (["--period", "2999Q1", "--out", "x.pdf"], "尚未开始"),
    (["--period", "2025Q4", "--out", "x.xlsx"], ".pdf"),
    (["--period", "2025Q4", "--unit", "999999", "--out", "x.pdf"], "不在区划列表中"),
])
def test_brief_errors_are_one_chinese_line(demo_home, tmp_path, capsys, monkeypatch, args,
                                           message):
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(capsys, "--home", demo_home, "brief", *args)
    assert code == 1
    assert err.startswith("错误：") and message in err
    assert "Traceback" not in err


def test_brief_needs_period_and_out(demo_home, capsys):
    code, _out, err = run(capsys, "--home", demo_home, "brief", "--period", "2025Q4")
    assert code == 2
    assert "--out" in err
