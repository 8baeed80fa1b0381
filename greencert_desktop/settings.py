"""Every setting, declared once with its type, default and where it is kept.

``home`` settings belong to the installation and user (a JSON file in the home folder:
the database URL cannot live inside the database). ``register`` settings belong to the
register itself and travel with the database (the ``settings`` table).
"""

from __future__ import annotations

import getpass
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from greencert_desktop.domain.errors import UserError

Scope = Literal["home", "register"]


@dataclass(frozen=True)
class SettingDef:
    key: str
    type: type
    default: Any
    scope: Scope
    label: str
    choices: tuple[Any, ...] = ()
    editable: bool = True
    """False for values the program keeps for itself (not shown on the 设置 page)."""

    def coerce(self, value: Any) -> Any:
        if value is None:
            return self.default
        try:
            if self.type is bool:
                result: Any = value if isinstance(value, bool) else str(value).lower() in (
                    "1", "true", "yes", "是")
            else:
                result = self.type(value)
        except (TypeError, ValueError) as exc:
            raise UserError(f"设置“{self.label}”的值“{value}”类型不正确") from exc
        if self.choices and result not in self.choices:
            allowed = "、".join(str(c) for c in self.choices)
            raise UserError(f"设置“{self.label}”只能是：{allowed}")
        return result


_DEFS = (
    SettingDef("database_url", str, "", "home",
               "数据库地址（留空则使用数据文件夹中的 greencert.db；可填 PostgreSQL URL）"),
    SettingDef("operator", str, "", "home", "操作人员"),
    SettingDef("language", str, "zh_CN", "home", "界面语言", ("zh_CN", "en")),
    SettingDef("backup_keep", int, 30, "home", "保留的自动备份数量"),
    SettingDef("unit_code", str, "", "register", "本单位区划代码（市局为 320700）"),
    SettingDef("office_name", str, "", "register", "单位名称"),
    SettingDef("period_type", str, "quarter", "register", "报送周期", ("quarter", "month", "year")),
    SettingDef("doc_number", str, "", "register", "文号"),
    SettingDef("submission_filler", str, "", "home", "报送表填表人"),
    SettingDef("submission_phone", str, "", "home", "报送表联系电话"),
    SettingDef("submission_reviewer", str, "", "home", "报送表审核人"),
    SettingDef("submission_head", str, "", "home", "报送表单位负责人"),
    SettingDef("submission_folder", str, "", "home", "报送表保存文件夹"),
    SettingDef("import_mappings", str, "{}", "register",
               "导入台账时记住的取值对应（JSON，由导入向导维护）", editable=False),
)

SETTINGS: dict[str, SettingDef] = {d.key: d for d in _DEFS}
EDITABLE_SETTINGS: dict[str, SettingDef] = {d.key: d for d in _DEFS if d.editable}


def setting(key: str) -> SettingDef:
    try:
        return SETTINGS[key]
    except KeyError:
        raise UserError(f"没有名为“{key}”的设置") from None


def default_operator() -> str:
    """Who the audit log names when no operator is configured: the system login."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "未知"


class HomeSettings:
    """The ``home`` settings, kept as JSON in the home folder and written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        if path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise UserError(f"设置文件 {path} 无法读取或已损坏：{exc}") from exc
            if isinstance(loaded, dict):
                self._values = loaded

    def get(self, key: str) -> Any:
        d = setting(key)
        if d.scope != "home":
            raise UserError(f"设置“{d.label}”保存在数据库中")
        return d.coerce(self._values.get(key))

    def set(self, key: str, value: Any) -> None:
        d = setting(key)
        if d.scope != "home":
            raise UserError(f"设置“{d.label}”保存在数据库中")
        self._values[key] = d.coerce(value)
        self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self._values, fh, ensure_ascii=False, indent=2)
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise UserError(f"无法保存设置文件 {self.path}：{exc.strerror or exc}") from exc
