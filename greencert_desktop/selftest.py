"""``greencert self-test`` (also ``GreenCert.exe --self-test``): prove an installation works.

In a fresh temporary home it runs what a clerk's day needs, one step after another, and
prints each step with ✓ or ✗ and its time:

1. migrate a fresh database to the newest schema;
2. load the shipped reference data and open the register on it;
3. create records through the services, check that a wrong one is refused, check the file;
4. import a small generated ledger (xlsx), then find every row unchanged on a second look;
5. export the submission workbook and verify it;
6. render a chart offscreen (matplotlib, Agg, with a Chinese font) and save it as PNG, SVG
   and PDF, the formats the chart page offers;
7. open the main window offscreen, show every page, close it;
8. portable mode: a ``portable.txt`` beside the executable keeps data beside it.

The exit code is 0 only if every step passed. The report also goes to a log file
(``greencert-selftest.log`` in the temporary folder unless ``--report`` names another):
the windowed ``GreenCert.exe`` has no console, so the file and the exit code are all it
gives. The temporary home is deleted after a pass and kept (its path is in the report) after
a failure.

It runs in the frozen bundle as well as from source, so it also finds files and modules
missing from a PyInstaller build. Qt runs on the ``offscreen`` platform: the self-test sets
``QT_QPA_PLATFORM`` before anything imports Qt, and shows nothing on screen.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from greencert_desktop import __version__

REPORT_NAME = "greencert-selftest.log"
JOBS_TIMEOUT_S = 60.0
OK_MARK, FAIL_MARK = "✓", "✗"


class StepFailed(Exception):
    """A check inside a step did not hold; the message says what (Chinese)."""


class NotRun(StepFailed):
    """A step that needs the outcome of an earlier one that failed."""


def require(condition: object, message: str) -> None:
    if not condition:
        raise StepFailed(message)


@dataclass
class StepResult:
    name: str
    ok: bool
    seconds: float
    detail: str = ""


@dataclass
class Context:
    """What the steps hand on to each other."""

    home_root: Path
    work: Path
    register: Any = None
    unit_code: str = ""
    records: dict[str, int] = field(default_factory=dict)

    def need_register(self) -> Any:
        if self.register is None:
            raise NotRun("未运行：登记簿未能打开（见前面的步骤）")
        return self.register


class Report:
    """Writes each line to the log file at once (a crash still leaves the lines before it)
    and to the console when there is one (the windowed executable has none)."""

    def __init__(self, path: Path, echo: bool) -> None:
        self.path = path
        self.echo = echo
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO = path.open("w", encoding="utf-8", newline="\n")

    def line(self, text: str = "") -> None:
        self._file.write(text + "\n")
        self._file.flush()
        stream = sys.stdout
        if not self.echo or stream is None:
            return
        try:
            stream.write(text + "\n")
        except UnicodeEncodeError:  # a console code page without ✓ or Chinese
            encoding = getattr(stream, "encoding", None) or "ascii"
            stream.write(text.encode(encoding, "replace").decode(encoding) + "\n")
        stream.flush()

    def close(self) -> None:
        self._file.close()


class _LogCapture(logging.Handler):
    """Warnings the program logs during a step are shown under it (e.g. a missing file)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


# --------------------------------------------------------------------------- the steps


def step_migrate(ctx: Context) -> str:
    from greencert_desktop.home import Home
    from greencert_desktop.storage import migrate
    from greencert_desktop.storage.engine import Database, sqlite_url

    home = Home(ctx.home_root).ensure()
    db = Database(sqlite_url(home.db_path))
    try:
        require(migrate.upgrade(db.engine, home.backups_dir) is None,
                "新数据库不应产生迁移前备份")
        head = migrate.head_revision()
        scripts = migrate.alembic_head()
        require(scripts == head, f"迁移脚本的最新版本为 {scripts}，程序要求 {head}"
                                 f"（{migrate.MIGRATIONS_DIR}）")
        current = migrate.current_revision(db.engine)
        require(current == head, f"迁移后数据结构版本为 {current}，应为 {head}")
    finally:
        db.dispose()
    return f"数据结构版本 {head}"


def step_reference(ctx: Context) -> str:
    from greencert_desktop.home import Home
    from greencert_desktop.reference import REFERENCE_FILES, load_reference, resources_dir
    from greencert_desktop.services.register import Register

    home = Home(ctx.home_root)
    reference = load_reference(override_dir=home.reference_dir)
    missing = [name for name in REFERENCE_FILES if name not in reference.versions]
    require(not missing, f"参考数据文件缺失：{'、'.join(missing)}（{resources_dir()}）")
    require(reference.units, "参考数据中没有区划")
    require(reference.catalogue, "参考数据中没有认证类别")
    ctx.register = Register.open(home)
    ctx.register.set("operator", "自检")
    active = [u for u in ctx.register.reference.units if u.active]
    require(active, "参考数据中没有在用的区划")
    ctx.unit_code = active[0].code
    ctx.register.set("unit_code", ctx.unit_code)
    return (f"区划 {len(reference.units)} 个，认证类别 {len(reference.catalogue)} 种，"
            f"指标 {len(reference.indicators)} 项")


def _certificate_type(reg: Any) -> Any:
    """A catalogue type issued by a certification body with a fixed validity."""
    for ref in reg.reference.catalogue:
        if ref.kind == "certificate" and ref.validity_years and not ref.validity_unconfirmed:
            return ref
    raise StepFailed("认证类别目录中没有有固定有效期的认证证书类别")


def step_records(ctx: Context) -> str:
    from greencert_desktop.domain.credit_code import make_code
    from greencert_desktop.domain.errors import ValidationError
    from greencert_desktop.domain.records import CertificateData, OrganisationData
    from greencert_desktop.domain.validation import default_expiry
    from greencert_desktop.services import certificates, organisations
    from greencert_desktop.services.maintenance import check_register
    from greencert_desktop.services.submission import check_before_export

    reg = ctx.need_register()
    code = make_code("9", "1", ctx.unit_code, "88000001")
    org = organisations.create_organisation(reg, OrganisationData(
        credit_code=code, name="自检绿色科技有限公司", unit_code=ctx.unit_code,
        address="自检路1号", contact="张自检", phone="0518-85820000"))
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    try:
        organisations.create_organisation(reg, OrganisationData(
            credit_code=wrong, name="校验位错误公司", unit_code=ctx.unit_code))
    except ValidationError:
        pass
    else:
        raise StepFailed(f"校验位错误的统一社会信用代码 {wrong} 未被拒绝")
    body = certificates.create_body(reg, "中国质量认证中心", "CNCA-R-2002-001")
    kind = _certificate_type(reg)
    issued = date.today() - timedelta(days=30)
    cert = certificates.create_certificate(reg, CertificateData(
        number="SELFTEST-0001", org_id=org, type_code=kind.code, body_id=body,
        issue_date=issued, expiry_date=default_expiry(issued, kind.validity_years)))
    try:
        certificates.create_certificate(reg, CertificateData(
            number="SELFTEST-0002", org_id=org, type_code=kind.code, body_id=body,
            issue_date=issued, expiry_date=issued - timedelta(days=1)))
    except ValidationError:
        pass
    else:
        raise StepFailed("有效期早于发证日期的证书未被拒绝")
    stored = certificates.get_certificate(reg, cert)
    require(stored.number == "SELFTEST-0001", "读回的证书编号不一致")
    problems = check_before_export(reg, ctx.unit_code)
    require(not problems, "填报规则检查发现问题：" + "；".join(p.describe() for p in problems[:3]))
    report = check_register(reg)
    require(report.ok, "数据库检查发现问题：" + "；".join(report.problems[:3]))
    ctx.records.update(organisations=1, certificates=1)
    return f"组织 1 家、证书 1 张（{kind.name}），错误记录被拒绝，数据库检查通过"


def write_ledger(path: Path, reg: Any, unit_code: str) -> int:
    """A small ledger as clerks keep it: a title row, a header, three rows. Returns rows."""
    from openpyxl import Workbook

    from greencert_desktop.domain.credit_code import make_code
    from greencert_desktop.domain.validation import default_expiry

    kind = _certificate_type(reg)
    unit = reg.reference.unit(unit_code)
    issued = date.today() - timedelta(days=100)
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["绿色认证获证企业台账（自检）"])
    ws.append(["序号", "企业名称", "统一社会信用代码", "所属区划", "认证类型", "证书编号",
               "认证机构", "发证日期", "有效期至", "证书状态"])
    rows = [
        (f"自检导入{n}号有限公司", make_code("9", "1", unit_code, f"8810000{n}"),
         f"SELFTEST-IMP-{n}")
        for n in (1, 2, 3)
    ]
    expiry = default_expiry(issued, kind.validity_years)
    for n, (name, code, number) in enumerate(rows, start=1):
        ws.append([n, name, code, unit.name if unit else unit_code, kind.name, number,
                   "中国质量认证中心", issued, expiry, "有效"])
    wb.save(path)
    return len(rows)


def step_import(ctx: Context) -> str:
    from greencert_desktop.services import importer

    reg = ctx.need_register()
    ledger = ctx.work / "自检台账.xlsx"
    rows = write_ledger(ledger, reg, ctx.unit_code)
    setup = importer.inspect_ledger(ledger)
    selected = setup.selected
    require(len(selected) == 1, f"应找到 1 个带表头的工作表，找到 {len(selected)} 个")
    missing = selected[0].missing()
    require(not missing, f"未识别的必需列：{'、'.join(missing)}")
    report = importer.run_import(reg, setup)
    errors = "；".join(e.describe() for e in report.errors[:3])
    require(report.ok, f"导入报错：{errors}")
    require(report.written, "导入未写入登记簿")
    require(report.count(importer.NEW) == rows, f"应新增 {rows} 行：{report.summary()}")
    again = importer.analyse(reg, importer.inspect_ledger(ledger))
    require(again.count(importer.UNCHANGED) == rows,
            f"再次检查同一文件应全部无变化：{again.summary()}")
    ctx.records["organisations"] = ctx.records.get("organisations", 0) + rows
    ctx.records["certificates"] = ctx.records.get("certificates", 0) + rows
    return f"{report.summary()}；再次检查全部无变化"


def step_export(ctx: Context) -> str:
    from greencert_desktop.services import submission
    from greencert_desktop.services.verification import verify_file

    reg = ctx.need_register()
    out = ctx.work / "out"
    out.mkdir(exist_ok=True)
    result = submission.export_submission(reg, out, unit=ctx.unit_code)
    require(result.path.is_file(), f"未生成报送表 {result.path}")
    for key in ("organisations", "certificates"):
        expected = ctx.records.get(key, 0)
        require(result.counts.get(key) == expected,
                f"报送表中{key}为 {result.counts.get(key)}，应为 {expected}")
    verification = verify_file(result.path, reg.reference)
    problems = "；".join(p.describe() for p in verification.problems[:3])
    require(verification.ok, f"报送表校验未通过：{problems}")
    from openpyxl.xml import LXML

    require(LXML, "openpyxl 未使用 lxml（缺少 lxml，写入大表会很慢）")
    return f"{result.path.name}：{verification.summary()}"


def step_chart(ctx: Context) -> str:
    import io

    from greencert_desktop.charts import fonts
    from greencert_desktop.charts.figures import figure
    from greencert_desktop.services.dashboard import chart

    reg = ctx.need_register()
    data = chart(reg, "valid_by_type")
    fig = figure(data)
    # every format the chart page saves: each needs its own matplotlib backend in the bundle
    sizes = []
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        data_bytes = buffer.getvalue()
        require(data_bytes.startswith(magic) and len(data_bytes) > 1000,
                f"图表未能保存为 {fmt.upper()}")
        sizes.append(f"{fmt.upper()} {len(data_bytes) // 1024} KB")
    font = fonts.cjk_font()
    return f"{'、'.join(sizes)}，中文字体：{font or '未找到（中文将显示为方框）'}"


def step_window(ctx: Context) -> str:
    reg = ctx.need_register()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before app (Qt) is imported
    from greencert_desktop.app import smoke_test_main_window
    from greencert_desktop.domain.errors import UserError

    try:
        return smoke_test_main_window(reg, timeout_s=JOBS_TIMEOUT_S)
    except UserError as exc:
        raise StepFailed(exc.message) from exc


def step_portable(ctx: Context) -> str:
    from greencert_desktop.home import PORTABLE_MARKER, portable_root, resolve_home

    bundle = ctx.work / "GreenCert"
    bundle.mkdir()
    exe = bundle / ("GreenCert.exe" if sys.platform == "win32" else "GreenCert")
    exe.write_bytes(b"")
    require(portable_root(exe, frozen=True) is None, "没有 portable.txt 时不应为便携模式")
    (bundle / PORTABLE_MARKER).write_text("", encoding="utf-8")
    found = portable_root(exe, frozen=True)
    require(found == bundle.resolve() / "data", f"便携模式数据文件夹应在程序旁：{found}")
    require(portable_root(exe, frozen=False) is None, "从源代码运行时不应为便携模式")
    actual = resolve_home()
    mode = "便携模式" if portable_root() is not None else "常规模式"
    return f"portable.txt 判断正确；本程序为{mode}，数据文件夹 {actual.root}"


STEPS: tuple[tuple[str, Callable[[Context], str]], ...] = (
    ("迁移新数据库", step_migrate),
    ("加载参考数据", step_reference),
    ("创建并校验记录", step_records),
    ("导入台账", step_import),
    ("导出并校验报送表", step_export),
    ("离屏绘制图表", step_chart),
    ("打开并关闭主窗口", step_window),
    ("便携模式", step_portable),
)


# --------------------------------------------------------------------------- running


def default_report_path() -> Path:
    return Path(tempfile.gettempdir()) / REPORT_NAME


def run_steps(ctx: Context, report: Report,
              steps: tuple[tuple[str, Callable[[Context], str]], ...] = STEPS,
              ) -> list[StepResult]:
    results: list[StepResult] = []
    capture = _LogCapture()
    logger = logging.getLogger()
    logger.addHandler(capture)
    try:
        for name, step in steps:
            capture.messages.clear()
            started = time.perf_counter()
            try:
                detail = step(ctx)
                ok = True
            except NotRun as exc:
                detail, ok = str(exc), False
            except StepFailed as exc:
                detail, ok = str(exc), False
            except Exception as exc:  # every failure is reported, never raised
                message = getattr(exc, "message", None) or str(exc)
                detail = f"{type(exc).__name__}: {message}\n" + traceback.format_exc().strip()
                ok = False
            seconds = time.perf_counter() - started
            results.append(StepResult(name, ok, seconds, detail))
            mark = OK_MARK if ok else FAIL_MARK
            first, *rest = (detail or "").splitlines() or [""]
            report.line(f"{mark} {name}（{seconds:.2f} 秒）" + (f"：{first}" if first else ""))
            for extra in rest:
                report.line(f"    {extra}")
            for message in capture.messages:
                report.line(f"    ! {message}")
    finally:
        logger.removeHandler(capture)
    return results


def run_self_test(*, report_path: Path | None = None, keep: bool = False,
                  echo: bool = True) -> int:
    """Run every step in a new temporary home; 0 if all passed, else 1."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
    report = Report(report_path or default_report_path(), echo)
    root = Path(tempfile.mkdtemp(prefix="greencert-selftest-"))
    ctx = Context(home_root=root / "home", work=root / "work")
    ctx.work.mkdir()
    frozen = "打包版" if getattr(sys, "frozen", False) else "源代码"
    started = time.perf_counter()
    passed = False
    try:
        report.line(f"GreenCert {__version__} 自检（{frozen}，Python {sys.version.split()[0]}，"
                    f"{sys.platform}）")
        report.line(f"临时数据文件夹：{root}")
        try:
            results = run_steps(ctx, report)
        finally:
            if ctx.register is not None:
                ctx.register.close()
        passed = all(r.ok for r in results)
        failed = [r.name for r in results if not r.ok]
        total = time.perf_counter() - started
        if passed:
            report.line(f"自检通过：{len(results)} 项全部通过，共 {total:.1f} 秒")
        else:
            report.line(f"自检未通过：{len(failed)}/{len(results)} 项失败（{'、'.join(failed)}），"
                        f"共 {total:.1f} 秒；临时数据文件夹已保留：{root}")
        report.line(f"报告文件：{report.path}")
    finally:
        report.close()
        if passed and not keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if passed else 1
