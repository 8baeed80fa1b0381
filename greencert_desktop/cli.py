"""The ``greencert`` command line: everything that is not interactive, over the services.

User errors print one Chinese line to stderr and exit 1; they never show a traceback.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from greencert_desktop import __version__
from greencert_desktop.domain.errors import UserError, ValidationError
from greencert_desktop.home import Home, resolve_home

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="greencert", description="绿色认证信息管理与报送系统（GreenCert Desktop）")
    p.add_argument("--home", help="数据文件夹（数据库、备份、日志、设置都放在这里）")
    p.add_argument("--version", action="version", version=f"GreenCert {__version__}")
    p.add_argument("--self-test", action="store_true",
                   help="运行自检（同 self-test 命令；供没有控制台的 GreenCert.exe 使用）")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    sub.add_parser("gui", help="启动图形界面（不带命令时的默认行为）")

    sft = sub.add_parser("self-test", help="在临时数据文件夹中自检本程序（退出码 0 表示全部通过）")
    sft.add_argument("--report", type=Path, metavar="FILE",
                     help="自检报告文件（默认：临时文件夹下 greencert-selftest.log）")
    sft.add_argument("--keep", action="store_true", help="保留临时数据文件夹")

    demo = sub.add_parser("demo-data", help="生成演示数据")
    demo.add_argument("--orgs", type=int, help="组织数量（默认约为证书数的三分之一）")
    demo.add_argument("--certs", type=int, default=2000, help="证书数量（默认 2000）")
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    demo.add_argument("--unit", default=None,
                      help="区划代码，或 all 表示全市所有单位（默认：本单位，未设置时为 all）")
    demo.add_argument("--if-empty", action="store_true",
                      help="登记簿已有数据时跳过（不带此项则报错；演示数据只写入空登记簿）")

    st = sub.add_parser("stats", help="按单位、类别、状态统计，及2025年指标进度")
    st.add_argument("--unit", help="区划代码（默认：整个登记簿）")
    st.add_argument("--period", help="报告期，如 2026Q3、202610、2026")
    st.add_argument("--json", action="store_true", help="以 JSON 输出")

    ck = sub.add_parser("check", help="检查数据库完整性与外键引用")
    ck.add_argument("--json", action="store_true", help="以 JSON 输出")

    bk = sub.add_parser("backup", help="备份数据库")
    bk.add_argument("--to", type=Path, help="备份文件路径（默认：数据文件夹下 backups/）")

    rs = sub.add_parser("restore", help="从备份恢复数据库（先自动备份当前数据库）")
    rs.add_argument("file", type=Path, help="备份文件")

    ex = sub.add_parser("export", help="导出报送表（标准文件名，导出前按填报规则检查）")
    ex.add_argument("--period", help="报告期，如 2026Q3（默认：上一个完整的报送周期）")
    ex.add_argument("--unit", help="区划代码（默认：本单位；市局为全市汇总表）")
    ex.add_argument("--out", required=True, help="保存到的文件夹（使用标准文件名）或 .xlsx 文件")
    ex.add_argument("--json", action="store_true", help="以 JSON 输出")

    vf = sub.add_parser("verify", help="校验报送表：格式、版本、是否被修改、逐行填报规则")
    vf.add_argument("files", nargs="+", type=Path, metavar="FILE", help="报送表文件")
    vf.add_argument("--json", action="store_true", help="以 JSON 输出")

    cs = sub.add_parser("consolidate", help="市局：校验并汇总各单位的报送表")
    cs.add_argument("--period", required=True, help="报告期，如 2026Q3")
    cs.add_argument("files", nargs="+", type=Path, metavar="FILE", help="报送表文件或文件夹")
    cs.add_argument("--out", help="同时导出全市汇总表到该文件夹或 .xlsx 文件")
    cs.add_argument("--keep-older", action="store_true",
                    help="同一单位同一报告期有多个文件时采用较早生成的（默认采用较新的）")
    cs.add_argument("--json", action="store_true", help="以 JSON 输出")

    br = sub.add_parser("brief", help="生成一页工作简报（PDF：指标完成表和三张统计图）")
    br.add_argument("--period", required=True, help="报告期，如 2026Q3、202610、2026")
    br.add_argument("--unit", help="区划代码（默认：本单位；市局为全市）")
    br.add_argument("--out", required=True, type=Path, help="保存到的 .pdf 文件")

    im = sub.add_parser("import", help="导入已有的台账（.xlsx/.xls/.ods），先检查后写入")
    im.add_argument("file", type=Path, metavar="FILE", help="台账文件")
    im.add_argument("--sheet", action="append", default=[], metavar="NAME",
                    help="只导入该工作表（可重复；默认：找到表头的所有可见工作表）")
    im.add_argument("--dry-run", action="store_true", help="只检查并报告每行的结果，不写入")
    im.add_argument("--report", type=Path, metavar="OUT.xlsx", help="把错误清单保存为 xlsx")
    im.add_argument("--json", action="store_true", help="以 JSON 输出")
    im.add_argument("--skip-errors", action="store_true", help="有错误行时仍写入其余正确的行")

    cf = sub.add_parser("config", help="查看或修改设置")
    cf.add_argument("key", nargs="?", help="设置名")
    cf.add_argument("value", nargs="?", help="新值（省略则显示当前值）")
    return p


class _NotRaised(Exception):
    pass


def _sqlalchemy_operational_error() -> type[Exception]:
    """SQLAlchemy's OperationalError, or a class nothing raises while SQLAlchemy is not loaded
    (it is imported only once the register opens: after the window's first paint)."""
    module = sys.modules.get("sqlalchemy.exc")
    return module.OperationalError if module is not None else _NotRaised  # type: ignore[no-any-return]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    home = resolve_home(args.home)
    command = "self-test" if args.self_test else (args.command or "gui")
    try:
        return COMMANDS[command](home, args)
    except UserError as exc:
        _fail(exc.message if not isinstance(exc, ValidationError) else "；".join(
            i.message for i in exc.issues))
    except _sqlalchemy_operational_error() as exc:
        if "locked" in str(exc.orig):
            _fail("数据库正被其他程序占用（已锁定），请关闭其他 GreenCert 窗口后重试")
        _fail(f"数据库操作失败：{exc.orig}")
    except sqlite3.DatabaseError as exc:
        _fail(f"数据库文件无法读取：{exc}")
    except OSError as exc:
        where = f"（{exc.filename}）" if exc.filename else ""
        _fail(f"文件操作失败{where}：{exc.strerror or exc}")
    except KeyboardInterrupt:
        _fail("已取消")
    return EXIT_ERROR


def _fail(message: str) -> None:
    print(f"错误：{message}", file=sys.stderr)
    raise SystemExit(EXIT_ERROR)


def _open(home: Home) -> Any:
    from greencert_desktop.services.register import Register

    return Register.open(home)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_self_test(_home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.selftest import run_self_test

    return run_self_test(report_path=getattr(args, "report", None),
                         keep=getattr(args, "keep", False))


def cmd_gui(home: Home, _args: argparse.Namespace) -> int:
    from greencert_desktop.app import run_gui

    return run_gui(home)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty() or total:
        print(f"\r生成中 {done:,}/{total:,}（{done * 100 // max(total, 1)}%）", end="",
              file=sys.stderr, flush=True)


def cmd_demo_data(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.services import demo, stats

    if args.certs < 0 or (args.orgs is not None and args.orgs < 1):
        raise UserError("证书数量不能为负数，组织数量至少为 1")
    with _open(home) as reg:
        if args.if_empty and stats.record_counts(reg)["organisations"]:
            print("登记簿中已有数据，未生成演示数据")
            return EXIT_OK
        configured = reg.unit_code
        unit = args.unit or (configured if configured and not reg.is_city else "all")
        units = None if unit == "all" else [unit]
        summary = demo.generate_demo(reg, orgs=args.orgs, certs=args.certs, seed=args.seed,
                                     units=units, progress=_progress)
        print(file=sys.stderr)
        if not configured:
            code = reg.reference.city.code if units is None else unit
            reg.set("unit_code", code)
            ref_unit = reg.reference.unit(code)
            reg.set("office_name", (ref_unit.name if ref_unit else reg.reference.city.name)
                    + "市场监督管理局")
        print(f"已生成演示数据：组织 {summary.organisations:,} 家，证书/名单 "
              f"{summary.certificates:,} 张，奖补 {summary.subsidies:,} 条，监督检查 "
              f"{summary.cases:,} 条，用时 {summary.seconds:.1f} 秒")
    return EXIT_OK


def cmd_stats(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.domain.periods import Period
    from greencert_desktop.services.stats import statistics

    period = Period.parse(args.period) if args.period else None
    with _open(home) as reg:
        data = statistics(reg, unit=args.unit, period=period)
    if args.json:
        _print_json(data)
        return EXIT_OK
    head = f"{data['unit']['name']}（{data['unit']['code']}）"
    if data["period"]:
        head += f" {data['period']['words']}"
    t = data["totals"]
    print(f"{head}，截至 {data['as_of']}")
    print(f"组织 {t['organisations']} 家（持有效证书 {t['certified_organisations']} 家），"
          f"证书/名单 {t['certificates']} 张，有效 {t['valid']} 张")
    print("按状态：" + "，".join(f"{v['label']} {v['count']}" for v in data["by_status"].values()))
    print("按类别：")
    for row in data["by_type"]:
        if row["total"]:
            print(f"  {row['name']}：共 {row['total']}，有效 {row['valid']}")
    if data["by_unit"]:
        print("按单位：")
        for row in data["by_unit"]:
            print(f"  {row['name']}：组织 {row['organisations']}，证书 {row['certificates']}，"
                  f"有效 {row['valid']}")
    print("2025年指标：")
    for ind in data["indicators"]:
        target = "—" if ind["target"] is None else f"{ind['target']:g}"
        count = "—" if ind["count"] is None else f"{ind['count']:g}"
        ratio = "" if ind["ratio"] is None else f"（完成 {ind['ratio']:.0%}）"
        print(f"  {ind['name']}：{count} / 目标 {target}{ind['measure']}{ratio}")
    return EXIT_OK


def cmd_check(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.services.maintenance import check_register

    with _open(home) as reg:
        report = check_register(reg)
        where = str(reg.db.path or reg.db.url)
    if args.json:
        _print_json({"ok": report.ok, "database": where, "checked": report.checked,
                     "problems": report.problems})
    else:
        for item in report.checked:
            print(f"已检查：{item}")
        for problem in report.problems:
            print(f"问题：{problem}")
        print(f"结论：{'数据库完好' if report.ok else f'发现 {len(report.problems)} 个问题'}（{where}）")
    return EXIT_OK if report.ok else EXIT_ERROR


def cmd_backup(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.services.maintenance import backup_register

    with _open(home) as reg:
        dest = backup_register(reg, args.to)
    print(f"已备份到 {dest}")
    return EXIT_OK


def cmd_restore(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.services.maintenance import restore_register

    safety = restore_register(home, args.file)
    if safety:
        print(f"恢复前的数据库已备份到 {safety}")
    with _open(home):
        pass  # migrates a restored older file and checks it opens
    print(f"已从 {args.file} 恢复数据库")
    return EXIT_OK


def cmd_brief(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.domain.periods import Period
    from greencert_desktop.services.dashboard import brief_data

    period = Period.parse(args.period)
    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        raise UserError(f"工作简报应保存为 .pdf 文件：{out}")
    if not out.parent.is_dir():
        raise UserError(f"文件夹不存在：{out.parent}")
    with _open(home) as reg:
        data = brief_data(reg, period, unit=args.unit or reg.unit_code or None)
    from greencert_desktop.charts.brief import write_brief

    path = write_brief(data, out)
    print(f"已生成工作简报 {path}（{data['unit']['name']}，{data['period']['words']}，"
          f"统计截至 {data['as_of']}）")
    return EXIT_OK


def cmd_config(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.settings import SETTINGS, setting

    with _open(home) as reg:
        if args.key is None:
            for d in SETTINGS.values():
                print(f"{d.key} = {reg.get(d.key)!r}    # {d.label}")
            return EXIT_OK
        setting(args.key)
        if args.value is not None:
            reg.set(args.key, args.value)
        print(f"{args.key} = {reg.get(args.key)!r}")
    return EXIT_OK


def cmd_export(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.services import submission

    with _open(home) as reg:
        period = submission.parse_period(reg, args.period)
        try:
            result = submission.export_submission(reg, args.out, period=period, unit=args.unit,
                                                  progress=_stage_progress("导出"))
        except submission.ExportBlocked as exc:
            _end_progress()
            if args.json:
                _print_json({"ok": False, "problems": [p.__dict__ for p in exc.problems]})
            else:
                for p in exc.problems[:50]:
                    print(f"问题：{p.describe()}")
                if len(exc.problems) > 50:
                    print(f"……另有 {len(exc.problems) - 50} 个问题")
            _fail(exc.message)
        _end_progress()
    if args.json:
        _print_json({"ok": True, "file": str(result.path), "unit_code": result.unit_code,
                     "unit_name": result.unit_name, "period": result.period,
                     "generated_at": result.generated_at,
                     "content_sha256": result.content_sha256, "counts": result.counts})
    else:
        c = result.counts
        print(f"已导出 {result.path}")
        print(f"{result.unit_name}（{result.unit_code}）{result.period}：组织 {c['organisations']}，"
              f"证书/名单 {c['certificates']}，本期变动 {c['changes']}，奖补 {c['subsidies']}，"
              f"监督检查 {c['cases']}；内容校验值 {result.content_sha256}")
    return EXIT_OK


def _stage_progress(label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{label}中 {done:,}/{total:,}（{done * 100 // max(total, 1)}%）", end="",
                  file=sys.stderr, flush=True)
    return report


def _end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def _reference(home: Home) -> Any:
    from greencert_desktop.reference import load_reference

    return load_reference(override_dir=home.reference_dir)


def cmd_verify(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.services.verification import verify_file

    reference = _reference(home)
    results = [verify_file(path, reference) for path in args.files]
    if args.json:
        _print_json({"ok": all(r.ok for r in results), "files": [r.as_dict() for r in results]})
    else:
        for r in results:
            head = f"{r.path.name}："
            if r.meta.get("unit_code"):
                head += f"{r.unit_name}（{r.unit_code}）{r.period}，"
            print(head + r.summary())
            for p in r.problems[:100]:
                print(f"  {p.describe()}")
            if len(r.problems) > 100 or r.omitted:
                print(f"  ……另有 {len(r.problems) - 100 + r.omitted} 个问题")
        bad = sum(not r.ok for r in results)
        print(f"共 {len(results)} 个文件，通过 {len(results) - bad} 个，未通过 {bad} 个")
    return EXIT_OK if all(r.ok for r in results) else EXIT_ERROR


def cmd_consolidate(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.domain.periods import Period
    from greencert_desktop.services import consolidation

    period = Period.parse(args.period)
    with _open(home) as reg:
        plan = consolidation.plan_consolidation(
            reg, args.files, period, prefer="older" if args.keep_older else "newer",
            progress=_stage_progress("校验"))
        _end_progress()
        stored = None
        city_file = None
        if plan.can_store:
            stored = consolidation.consolidate(reg, plan, progress=_stage_progress("汇总"))
            _end_progress()
            if args.out:
                city_file = consolidation.export_city_workbook(reg, args.out, period=period)
    refused = [f for f in plan.files if f.state == consolidation.REFUSED]
    ok = stored is not None and not refused
    if args.json:
        _print_json({"ok": ok, "stored": stored is not None, **plan.as_dict(),
                     "result": stored.units if stored else None,
                     "backup": stored.backup if stored else None,
                     "city_file": str(city_file.path) if city_file else None})
    else:
        for f in plan.files:
            line = f"{f.path.name}：{consolidation.STATE_LABELS[f.state]}"
            print(line + (f"——{f.reason}" if f.reason else ""))
        for c in plan.conflicts:
            print(f"冲突：{c.message}")
        labels = {"received": "本次接收", "consolidated": "已汇总", "refused": "拒收",
                  "missing": "未报送"}
        print(f"{period.words}报送情况：{plan.reported}/{len(plan.completeness)} 个单位已报送")
        for u in plan.completeness:
            when = f"（生成于 {u.generated_at}）" if u.generated_at else ""
            print(f"  {u.name}（{u.code}）：{labels[u.state]}{when}")
        if stored is not None:
            for u in stored.units:
                print(f"已汇总 {u['unit_name']}：组织 {u['old']['organisations']} → "
                      f"{u['new']['organisations']}，证书/名单 {u['old']['certificates']} → "
                      f"{u['new']['certificates']}")
            if stored.backup:
                print(f"汇总前的数据库已备份到 {stored.backup}")
        elif plan.conflicts:
            print("存在冲突，未汇总任何数据")
        else:
            print("没有可汇总的文件，未汇总任何数据")
        if city_file is not None:
            print(f"已导出全市汇总表 {city_file.path}")
    return EXIT_OK if ok else EXIT_ERROR


def cmd_import(home: Home, args: argparse.Namespace) -> int:
    from greencert_desktop.services import importer

    with _open(home) as reg:
        setup = importer.inspect_ledger(args.file)
        if args.sheet:
            importer.choose_sheets(setup, args.sheet)

        def progress(stage: str, done: int, total: int) -> None:
            if sys.stderr.isatty():
                label = "检查" if stage == "check" else "写入"
                print(f"\r{label}中 {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

        if args.dry_run:
            report = importer.analyse(reg, setup, progress=progress)
        else:
            report = importer.run_import(reg, setup, skip_errors=args.skip_errors,
                                         progress=progress)
        _end_progress()
        if args.report:
            importer.write_error_report(reg, report, args.report)
    if args.json:
        _print_json(report.as_dict())
    else:
        for note in report.notes:
            print(note)
        for error in report.errors[:100]:
            print(f"错误：{error.describe()}")
        if len(report.errors) > 100:
            print(f"……另有 {len(report.errors) - 100} 个错误")
        print(report.summary())
        if report.written:
            print("已写入登记簿" + (f"（导入前的数据库已备份到 {report.backup}）"
                                 if report.backup else ""))
        elif args.dry_run:
            print("试运行：未写入任何数据")
        else:
            print("有错误行，未写入任何数据（改正后重新导入，或加 --skip-errors 只写入正确的行）")
        if args.report:
            print(f"错误清单已保存到 {args.report}")
    return EXIT_OK if report.ok else EXIT_ERROR


COMMANDS: dict[str, Callable[[Home, argparse.Namespace], int]] = {
    "gui": cmd_gui,
    "demo-data": cmd_demo_data,
    "stats": cmd_stats,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "config": cmd_config,
    "export": cmd_export,
    "verify": cmd_verify,
    "consolidate": cmd_consolidate,
    "import": cmd_import,
    "brief": cmd_brief,
    "self-test": cmd_self_test,
}
