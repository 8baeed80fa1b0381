"""Integrity checks, backups and restores of the register."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, text

from greencert_desktop.domain import credit_code
from greencert_desktop.domain.errors import UserError
from greencert_desktop.home import Home
from greencert_desktop.services.register import Register
from greencert_desktop.settings import HomeSettings
from greencert_desktop.storage import backup, migrate
from greencert_desktop.storage.engine import sqlite_path, sqlite_url
from greencert_desktop.storage.models import Organisation


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_register(reg: Register, *, max_listed: int = 50) -> CheckReport:
    """Storage integrity, foreign keys, schema version and credit codes without override."""
    report = CheckReport()
    with reg.db.reading() as s:
        if reg.db.path is not None:
            rows = [r[0] for r in s.execute(text("PRAGMA integrity_check"))]
            report.checked.append("SQLite 完整性检查")
            if rows != ["ok"]:
                report.problems += [f"数据库文件损坏：{r}" for r in rows[:max_listed]]
            fk = s.execute(text("PRAGMA foreign_key_check")).all()
            report.checked.append("外键引用检查")
            for table, rowid, parent, _ in fk[:max_listed]:
                report.problems.append(f"表 {table} 第 {rowid} 行引用了 {parent} 中不存在的记录")
        revision = migrate.current_revision(reg.db.engine)
        report.checked.append("数据结构版本")
        if revision != migrate.head_revision():
            report.problems.append(f"数据结构版本为 {revision}，应为 {migrate.head_revision()}")
        report.checked.append("统一社会信用代码校验")
        bad = 0
        for org_id, code, note in s.execute(select(
                Organisation.id, Organisation.credit_code,
                Organisation.code_override_note)).yield_per(5000):
            result = credit_code.check(code)
            if not result.ok and not (result.overridable and note):
                bad += 1
                if bad <= max_listed:
                    report.problems.append(f"组织编号 {org_id} 的信用代码 {code}：{result.message}")
        if bad > max_listed:
            report.problems.append(f"……另有 {bad - max_listed} 个信用代码未通过校验")
    return report


def _db_file(reg: Register) -> Path:
    path = reg.db.path
    if path is None:
        raise UserError("当前数据库不是 SQLite 文件，请使用数据库自身的备份工具（如 pg_dump）")
    return path


def backup_register(reg: Register, to: Path | None = None) -> Path:
    db_file = _db_file(reg)
    if to is not None:
        return backup.backup_to(db_file, to)
    return backup.backup_database(db_file, reg.home.backups_dir, reason="manual",
                                  keep=int(reg.settings.get("backup_keep")))


def restore_register(home: Home, source: Path) -> Path | None:
    """Replace the register with ``source``; the current file is backed up first.

    Returns that safety backup (None when there was no database yet). The restored file is
    migrated the next time the register is opened.
    """
    settings = HomeSettings(home.settings_file)
    target = sqlite_path(settings.get("database_url") or sqlite_url(home.db_path))
    if target is None:
        raise UserError("当前数据库不是 SQLite 文件，无法用本命令恢复")
    source = source.resolve()
    if source == target.resolve():
        raise UserError("不能用数据库文件自身来恢复")
    migrate.refuse_unknown(backup.check_sqlite_file(source), str(source))
    home.ensure()
    safety = None
    if target.exists():
        safety = backup.backup_database(target, home.backups_dir, reason="before-restore")
    backup.restore_into(source, target)
    return safety
