"""The submission workbook (报送表), template version 1: sheets, columns and the canonical form.

This module is the single definition both sides use: the county's writer, the verifier and
the city's consolidation. The documented format is ``docs/submission-format.md``.

Canonical serialisation (what ``content_sha256`` hashes)
--------------------------------------------------------
For each data table in :data:`TABLES` order (表1 indicators, 表1 types, 表2 … 表6), the
UTF-8 bytes of::

    "\\x1d" + table id + "\\x1e"                                   (table marker)
    then for every data row: "\\x1f".join(cell texts) + "\\x1e"    (one record per row)

Cell texts, for every column of the table's header (trailing empty cells included):

* empty cell → ``""``;
* text → the text itself (line breaks as ``\\n``; characters XML cannot hold are removed
  before writing, so the hash covers what the file holds);
* number → an integral value as a plain integer (``3``, never ``3.0``), any other value as
  Python's shortest round-trip ``repr`` of the float (``1234.56``);
* date → ``YYYY-MM-DD`` (a date-time at midnight counts as its date);
* ``True``/``False`` (a boolean cell, never written by us) → ``TRUE``/``FALSE``.

``\\x1d``, ``\\x1e`` and ``\\x1f`` are control characters an xlsx cannot contain, so the
form is unambiguous. The header rows, the cover and ``_meta`` are not hashed: sheet names,
headers and row counts are checked separately. The hash detects edits made after export;
it is not a signature (anyone with the product can recompute it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any, Literal

FORMAT_KEY = "greencert-submission"
TEMPLATE_VERSION = 1
KNOWN_VERSIONS = (1,)

TITLE = "连云港市绿色认证工作情况报送表"
AUTHORITY = "连云港市市场监督管理局"
FORM_NUMBER = "连市监绿认报1表"
MEASURE_NOTE = "计量单位：张、家、条、元"
FILE_PREFIX = "绿色认证报送"
CITY_FILE_PREFIX = "绿色认证汇总"

COVER_SHEET = "封面"
META_SHEET = "_meta"
CITY_SUMMARY_SHEET = "各单位汇总"
UNIT_COLUMN = "所属区划"

Kind = Literal["seq", "text", "code", "date", "int", "number", "percent", "bool"]
"""``code`` is text that looks like a number or an identifier (never stored as a number);
``bool`` is written as 是/否; ``percent`` is a ratio shown as 0.0%."""

YES, NO = "是", "否"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"
    width: int = 14
    required: bool = False
    fmt: str = ""
    """Number format of a number cell (dates are always yyyy-mm-dd)."""

    @property
    def is_text(self) -> bool:
        return self.kind in ("text", "code", "bool")


@dataclass(frozen=True)
class Table:
    """One data table: its own sheet, except the two tables that share 表1."""

    id: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    meta_rows_key: str = field(default="")

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def rows_key(self) -> str:
        return self.meta_rows_key or f"rows.{self.id}"

    @cached_property
    def positions(self) -> dict[str, int]:
        return {c.key: i for i, c in enumerate(self.columns)}

    def index(self, key: str) -> int:
        return self.positions[key]


def _c(key: str, header: str, kind: Kind = "text", width: int = 14,
       required: bool = False, fmt: str = "") -> Column:
    if kind == "percent":
        fmt = fmt or PERCENT_FORMAT
    return Column(key, header, kind, width, required, fmt)


SHEET_1 = "表1 指标汇总"
SHEET_2 = "表2 获证组织"
SHEET_3 = "表3 认证证书"
SHEET_4 = "表4 本期变动"
SHEET_5 = "表5 奖补与引领"
SHEET_6 = "表6 监督检查"

INDICATORS = Table("indicators", SHEET_1, "2025年指标完成情况", (
    _c("name", "指标", "text", 28, True),
    _c("measure", "计量单位", "text", 9),
    _c("new", "本期新增", "int", 10),
    _c("count", "期末有效数", "number", 11),
    _c("target", "2025年目标", "number", 11),
    _c("quota", "本单位分解目标", "number", 14),
    _c("ratio", "完成率", "percent", 9),
))

TYPES = Table("types", SHEET_1, "按认证类别统计", (
    _c("name", "类别", "text", 28, True),
    _c("new", "本期新增", "int", 10),
    _c("valid", "期末有效", "int", 10),
    _c("suspended", "暂停", "int", 8),
    _c("revoked", "撤销", "int", 8),
    _c("cancelled", "注销", "int", 8),
    _c("expired", "过期失效", "int", 10),
))

ORGANISATIONS = Table("organisations", SHEET_2, "获证组织", (
    _c("seq", "序号", "seq", 7),
    _c("credit_code", "统一社会信用代码", "code", 21, True),
    _c("name", "组织名称", "text", 32, True),
    _c("unit", UNIT_COLUMN, "text", 12, True),
    _c("industry_section", "行业门类", "code", 9),
    _c("industry_code", "行业代码", "code", 9),
    _c("size", "规模", "text", 7),
    _c("credit_standing", "信用状况", "text", 12),
    _c("leader_type", "领跑者类别", "text", 11),
    _c("contact", "联系人", "text", 10),
    _c("phone", "联系电话", "code", 16),
    _c("address", "地址", "text", 36),
    _c("notes", "备注", "text", 20),
    _c("specialised", "专精特新", "bool", 9),
    _c("high_tech", "高新技术企业", "bool", 12),
    _c("code_override_note", "信用代码例外说明", "text", 20),
))

CERTIFICATES = Table("certificates", SHEET_3, "认证证书与名单", (
    _c("seq", "序号", "seq", 7),
    _c("number", "证书编号", "code", 22, True),
    _c("credit_code", "统一社会信用代码", "code", 21, True),
    _c("org_name", "组织名称", "text", 30),
    _c("type_code", "类别代码", "code", 14, True),
    _c("type_name", "认证类别", "text", 24),
    _c("body_name", "认证机构", "text", 26),
    _c("approval_number", "机构批准号", "code", 17),
    _c("basis", "认证依据", "text", 24),
    _c("scope", "认证范围", "text", 36),
    _c("first_issue_date", "初次发证日期", "date", 12),
    _c("issue_date", "发证日期", "date", 12),
    _c("expiry_date", "有效期至", "date", 12),
    _c("status", "证书状态", "text", 9, True),
    _c("status_date", "状态变更日期", "date", 12),
    _c("last_surveillance_date", "最近监督日期", "date", 12),
    _c("notes", "备注", "text", 20),
    _c("batch_year", "批次年份", "int", 9),
    _c("issuer", "发证机关", "text", 20),
    _c("products", "认证产品", "text", 24),
    _c("surveillance_count", "监督次数", "int", 9),
    _c("recert_count", "再认证次数", "int", 10),
    _c("status_reason", "状态变更原因", "text", 20),
    _c("recorded_status", "登记状态", "text", 9, True),
))
"""表3: 证书状态 is the *effective* status on the export date (a 有效 certificate past its
有效期至 reads 过期失效); 登记状态 is the status as recorded in the register, from which every
other day's effective status (e.g. at the period's end, for 表1) follows."""

CHANGES = Table("changes", SHEET_4, "本期变动", (
    _c("kind", "变动类型", "text", 9, True),
    _c("entity", "对象", "text", 10, True),
    _c("key", "标识", "code", 22),
    _c("name", "名称", "text", 30),
    _c("date", "变动日期", "date", 12, True),
    _c("content", "变动内容", "text", 60),
))

SUBSIDIES = Table("subsidies", SHEET_5, "奖补与引领", (
    _c("year", "年度", "int", 7, True),
    _c("credit_code", "统一社会信用代码", "code", 21, True),
    _c("org_name", "组织名称", "text", 30),
    _c("category", "类别", "text", 10, True),
    _c("amount", "金额（元）", "number", 14, True, MONEY_FORMAT),
    _c("doc_number", "文号", "code", 22),
    _c("granted_on", "日期", "date", 12),
    _c("notes", "备注", "text", 20),
))

CASES = Table("cases", SHEET_6, "监督检查", (
    _c("inspected_on", "日期", "date", 12, True),
    _c("credit_code", "统一社会信用代码", "code", 21, True),
    _c("org_name", "组织名称", "text", 30),
    _c("certificate_number", "证书编号", "code", 22),
    _c("kind", "检查类型", "text", 11, True),
    _c("finding", "发现问题", "text", 30),
    _c("action", "处理结果", "text", 30),
    _c("blacklisted", "是否列入严重失信名单", "bool", 12),
    _c("notes", "备注", "text", 20),
))

TABLES: tuple[Table, ...] = (INDICATORS, TYPES, ORGANISATIONS, CERTIFICATES, CHANGES,
                             SUBSIDIES, CASES)
TABLES_BY_ID = {t.id: t for t in TABLES}
DATA_SHEETS = (SHEET_1, SHEET_2, SHEET_3, SHEET_4, SHEET_5, SHEET_6)
SHEETS = (COVER_SHEET, *DATA_SHEETS, META_SHEET)
CITY_SHEETS = (COVER_SHEET, *DATA_SHEETS, CITY_SUMMARY_SHEET, META_SHEET)

CHANGE_KINDS = ("新增", "修改", "暂停", "撤销", "注销", "过期", "删除")
CHANGE_ENTITIES = ("组织", "证书", "奖补", "监督检查")

CITY_SUMMARY = Table("units", CITY_SUMMARY_SHEET, "各单位报送汇总", (
    _c("unit_code", "区划代码", "code", 10, True),
    _c("unit_name", "单位名称", "text", 24, True),
    _c("state", "报送状态", "text", 10),
    _c("generated_at", "生成时间", "text", 26),
    _c("organisations", "获证组织数", "int", 11),
    _c("certificates", "证书/名单数", "int", 11),
    _c("valid", "期末有效", "int", 10),
    _c("changes", "本期变动", "int", 10),
    _c("subsidies", "奖补记录", "int", 10),
    _c("cases", "监督检查", "int", 10),
    _c("content_sha256", "报送文件校验值", "code", 20),
))

META_KEYS = ("format", "template_version", "scope", "unit_code", "unit_name", "period",
             "period_words", "generated_at", "app_version",
             *(t.rows_key for t in TABLES), "content_sha256")
"""``_meta`` keys in the order they are written; a city workbook adds ``rows.units``
and ``units`` (the unit codes it consolidates)."""


def city_table(table: Table) -> Table:
    """The city workbook's form of a table: 表3–表6 gain a 所属区划 column (表2 has one)."""
    if table.id not in ("certificates", "changes", "subsidies", "cases"):
        return table
    cols = list(table.columns)
    at = 1 if cols[0].kind == "seq" else 0
    cols.insert(at, Column("unit", UNIT_COLUMN, "text", 12, True))
    return replace(table, columns=tuple(cols))


def tables_for(scope: str) -> tuple[Table, ...]:
    if scope == "city":
        return (*(city_table(t) for t in TABLES), CITY_SUMMARY)
    return TABLES


def sheets_for(scope: str) -> tuple[str, ...]:
    return CITY_SHEETS if scope == "city" else SHEETS


def file_name(unit_code: str, unit_name: str, period: str, *, city: bool = False) -> str:
    prefix = CITY_FILE_PREFIX if city else FILE_PREFIX
    return f"{prefix}_{safe_file_part(unit_code)}_{safe_file_part(unit_name)}_{period}.xlsx"


_UNSAFE_FILE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_part(text: str) -> str:
    return _UNSAFE_FILE.sub("_", text).strip(" .") or "_"


# ---------------------------------------------------------------- cell values and hashing

# XML 1.0 cannot hold these (openpyxl refuses them); U+FFFE/U+FFFF neither.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """The text as it is written: CR/LF folded to LF, characters XML cannot hold removed."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if ILLEGAL_XML.search(value):
        value = ILLEGAL_XML.sub("", value)
    return value


def canonical(value: Any) -> str:
    """One cell's text in the canonical serialisation (see the module doc)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class ContentHash:
    """Incremental ``content_sha256``: call :meth:`table` then :meth:`row` for each row."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def table(self, table_id: str) -> None:
        self._h.update(f"\x1d{table_id}\x1e".encode())

    def row(self, cells: Iterable[Any]) -> None:
        self._h.update(("\x1f".join([canonical(v) for v in cells]) + "\x1e").encode())

    def row_texts(self, texts: Sequence[str]) -> None:
        self._h.update(("\x1f".join(texts) + "\x1e").encode())

    def records(self, records: Iterable[str]) -> None:
        """Add rows already serialised as ``"\x1f".join(cell texts) + "\x1e"`` each."""
        self._h.update("".join(records).encode())

    def hexdigest(self) -> str:
        return self._h.hexdigest()
