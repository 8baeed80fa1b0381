"""Import the clerks' own register spreadsheets (台账), with a dry run and nothing lost.

One engine serves the 导入 wizard and ``greencert import``:

1. :func:`inspect_ledger` opens the file, finds each sheet's header row among the first rows and
   maps its columns to fields through the names clerks use (:data:`FIELDS`).
2. :func:`analyse` reads every row and decides its outcome against the register, writing
   nothing: ``new``, ``update``, ``unchanged``, ``duplicate`` (an exact copy of an earlier row
   of the file) or ``error`` (sheet, row, column and a Chinese reason). Values it cannot
   recognise (certification types, statuses) are listed so the user can map them to catalogue
   entries; certification bodies it does not know are created, or mapped to a known one.
3. :func:`run_import` does the same and then, if no row is in error (or ``skip_errors``), backs
   the database up and writes everything in ONE transaction with an audit row per record.
   Cancelling or any failure rolls the transaction back: the register is as it was.

Matching: organisations by credit code, certificates by certification body and number
(listings, which have no body, by type and number). A value left empty in the file never
erases what the register holds. Re-importing the same file finds every row unchanged.

The user's value mappings are kept in the register setting ``import_mappings`` (JSON) and
saved in the import's own transaction, so a cancelled import leaves no trace.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from greencert_desktop.domain import credit_code
from greencert_desktop.domain.approval import normalize_approval_number, validate_approval_number
from greencert_desktop.domain.errors import UserError, ValidationError
from greencert_desktop.domain.records import CertificateData, OrganisationData
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.domain.text import compact, normalize_text
from greencert_desktop.domain.validation import (
    default_expiry,
    validate_certificate,
    validate_organisation,
)
from greencert_desktop.excel.ledger_reader import (
    HEADER_SCAN_ROWS,
    Ledger,
    column_letter,
    is_blank,
    is_total_row,
    open_ledger,
)
from greencert_desktop.reference import CertTypeRef, normalize_match_text
from greencert_desktop.services import audit
from greencert_desktop.services.register import Register
from greencert_desktop.settings import setting
from greencert_desktop.storage import backup
from greencert_desktop.storage.models import (
    AuditEntry,
    CertBody,
    Certificate,
    Organisation,
    Setting,
    Unit,
)

MAPPINGS_KEY = "import_mappings"
CHUNK = 2000

# outcomes
NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR = "new", "update", "unchanged", "duplicate", "error"
OUTCOMES = (NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR)
OUTCOME_LABELS = {NEW: "新增", UPDATE: "更新", UNCHANGED: "无变化", DUPLICATE: "重复行",
                  ERROR: "错误"}


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    synonyms: tuple[str, ...]


FIELDS: tuple[FieldDef, ...] = (
    FieldDef("org_name", "企业名称", ("企业名称", "单位名称", "组织名称", "获证组织", "获证组织名称",
                                   "获证企业", "获证企业名称", "获证单位", "企业单位名称",
                                   "企业名", "公司名称", "申请人", "认证委托人", "持证人", "名称")),
    FieldDef("credit_code", "统一社会信用代码", ("统一社会信用代码", "社会信用代码", "信用代码",
                                            "统一信用代码", "统一代码", "组织机构代码",
                                            "社会统一信用代码", "统一社会代码")),
    FieldDef("unit", "所属区划", ("所属区划", "区划", "所属县区", "县区", "区县", "县区名称",
                               "所属地区", "辖区", "所属区域", "区域", "地区", "行政区划")),
    FieldDef("address", "地址", ("地址", "企业地址", "单位地址", "注册地址", "经营地址",
                               "住所", "通讯地址", "生产地址")),
    FieldDef("contact", "联系人", ("联系人", "企业联系人", "联系人姓名")),
    FieldDef("phone", "联系电话", ("联系电话", "电话", "联系方式", "手机", "手机号码",
                                "联系人电话", "电话号码")),
    FieldDef("cert_type", "认证类型", ("认证类型", "认证类别", "认证项目", "证书类型", "证书类别",
                                   "认证种类", "类别", "类型", "认证名称", "认证领域",
                                   "名单类别")),
    FieldDef("number", "证书编号", ("证书编号", "证书号", "证书号码", "证书编码", "编号",
                                 "证书/名单编号")),
    FieldDef("body", "认证机构", ("认证机构", "发证机构", "发证机关", "认证机构名称",
                               "发证单位", "颁证机构", "认证单位", "发证部门")),
    FieldDef("approval", "机构批准号", ("机构批准号", "认证机构批准号", "批准号",
                                   "机构批准文号")),
    FieldDef("issue_date", "发证日期", ("发证日期", "颁证日期", "获证日期", "发证时间", "颁证时间",
                                   "获证时间", "证书发放日期", "认证日期", "有效期起",
                                   "有效期开始", "起始日期", "颁发日期")),
    FieldDef("expiry_date", "有效期至", ("有效期至", "到期日期", "证书到期日期", "到期时间",
                                    "有效期截止", "有效期截止日期", "截止日期", "有效期止",
                                    "证书有效期至", "有效截止日期", "失效日期", "到期日")),
    FieldDef("validity", "有效期（起止）", ("有效期", "证书有效期", "有效期限", "有效期间",
                                       "有效起止日期")),
    FieldDef("status", "证书状态", ("证书状态", "状态", "认证状态", "有效状态")),
    FieldDef("first_issue_date", "初次发证日期", ("初次发证日期", "首次发证日期", "初次获证日期",
                                          "首次获证日期", "初次颁证日期")),
    FieldDef("scope", "认证范围", ("认证范围", "覆盖范围", "范围", "认证覆盖范围", "产品",
                               "认证产品", "获证产品")),
    FieldDef("basis", "认证依据", ("认证依据", "依据标准", "认证标准", "认证依据标准")),
    FieldDef("batch_year", "批次年份", ("批次年份", "批次", "认定年份", "认定批次", "年度")),
    FieldDef("notes", "备注", ("备注", "说明")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
IGNORED_HEADERS = ("序号", "编号序", "行号", "no", "no.")
CERT_FIELDS = ("cert_type", "number", "body", "approval", "issue_date", "expiry_date",
               "validity", "status", "first_issue_date", "scope", "basis", "batch_year")
"""Fields that describe a certificate; a sheet without ``number`` holds organisations only."""
REQUIRED_COLUMNS = ("org_name", "credit_code")

_BRACKETED = re.compile(r"[（(【\[].*?[）)】\]]")
_HEADER_NOISE = re.compile(r"[\s*＊:：・·.、_\-—/]+")


def header_key(text: Any) -> str:
    """A header cell as compared with the synonyms: no brackets' content, spaces, marks."""
    if text is None or isinstance(text, bool):
        return ""
    raw = normalize_text(str(text)).casefold()
    without = _BRACKETED.sub("", raw)
    return _HEADER_NOISE.sub("", without or raw)


_SYNONYMS: dict[str, str] = {}
for _f in FIELDS:
    for _s in _f.synonyms:
        _SYNONYMS.setdefault(header_key(_s), _f.key)
_BY_LENGTH = sorted(_SYNONYMS.items(), key=lambda kv: -len(kv[0]))


def field_for_header(text: Any) -> str | None:
    """The field a header names: an exact synonym, else the longest synonym (3 characters or
    more) inside it. ``None`` for unknown headers and 序号."""
    key = header_key(text)
    if not key or key in IGNORED_HEADERS:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    for synonym, field_key in _BY_LENGTH:
        if len(synonym) >= 3 and synonym in key:
            return field_key
    return None


def map_columns(header: Sequence[Any]) -> dict[str, int]:
    """field → column index for a header row; the first column naming a field wins."""
    out: dict[str, int] = {}
    for index, text in enumerate(header):
        key = field_for_header(text)
        if key is not None and key not in out:
            out[key] = index
    if "validity" in out and "issue_date" in out and "expiry_date" in out:
        del out["validity"]
    return out


def detect_header(rows: Sequence[Sequence[Any]]) -> int | None:
    """0-based index of the header among ``rows`` (the first rows of a sheet): the row naming
    the most fields, at least two of them one of name / code / number / type."""
    best, best_score = None, 1
    keys = {"org_name", "credit_code", "number", "cert_type"}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapped = map_columns(row)
        if len(keys & mapped.keys()) < 1:
            continue
        score = len(mapped)
        if score > best_score:
            best, best_score = index, score
    return best


# --------------------------------------------------------------------------- values


_DATE_TEXT = re.compile(
    r"(\d{4})\s*(?:[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))(?!\d)")
EXCEL_EPOCH = date(1899, 12, 30)
FIRST_SERIAL, LAST_SERIAL = 1, 2958465


class ValueProblem(Exception):
    """A cell whose value cannot be used; the message is Chinese."""


@lru_cache(maxsize=1 << 16)
def _text(value: str) -> str:
    return normalize_text(value)


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as yyyy-mm-dd."""
    if value is None or value == "":
        return ""
    if type(value) is str:
        return _text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return normalize_text(str(value))


def _valid_date(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem(f"日期“{raw}”不存在（{year}年{month}月{day}日）") from None


def parse_date(value: Any) -> date | None:
    """A date as clerks type it: a date cell, an Excel serial number, 2023.05.12, 2023/5/12,
    2023-05-12, 2023年5月12日, 20230512. Empty → None; anything else → ValueProblem."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(f"“{cell_text(value)}”不是日期")
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            text = str(int(number))
            return _valid_date(int(text[:4]), int(text[4:6]), int(text[6:]), text)
        if FIRST_SERIAL <= number <= LAST_SERIAL:
            return EXCEL_EPOCH + timedelta(days=int(number))
        raise ValueProblem(f"“{cell_text(value)}”不是日期")
    text = normalize_text(str(value))
    if not text:
        return None
    found = _DATE_TEXT.fullmatch(text.rstrip("日").strip()) or _DATE_TEXT.fullmatch(text) \
        or _DATE_TEXT.match(text)
    if found is None or (found.end() < len(text) and not _TIME_TAIL.fullmatch(text[found.end():])):
        if re.fullmatch(r"\d+(\.0+)?", text):
            return parse_date(float(text))
        raise ValueProblem(f"日期“{text}”无法识别，请写成 2023-05-12 这样的格式")
    return _date_of(found, text)


_TIME_TAIL = re.compile(r"\s*(日)?\s*(\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*")


def _date_of(found: re.Match[str], raw: str) -> date:
    year = int(found.group(1))
    if found.group(2):
        month, day = int(found.group(2)), int(found.group(3))
    else:
        month, day = int(found.group(4)), int(found.group(5))
    return _valid_date(year, month, day, raw)


def parse_date_range(value: Any) -> tuple[date | None, date | None]:
    """A validity cell such as "2023.05.12-2026.05.11" or "2023年5月12日至2026年5月11日":
    (issue, expiry); a single date is the expiry date."""
    if value is None or value == "":
        return None, None
    if not isinstance(value, str):
        return None, parse_date(value)
    text = normalize_text(value)
    found = list(_DATE_TEXT.finditer(text))
    if len(found) == 1:
        return None, _date_of(found[0], text)
    if len(found) == 2:
        return _date_of(found[0], text), _date_of(found[1], text)
    raise ValueProblem(f"有效期“{text}”无法识别，请写成“2023-05-12至2026-05-11”或分成两列")


def code_text(value: Any) -> str:
    """A credit-code cell as text; a number cell keeps its (lossy) number form, so the
    lost-digits check recognises it."""
    if isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, int | float):
        return f"{float(value):.6G}"
    return cell_text(value)


def match_key(text: str) -> str:
    return normalize_match_text(text)


# --------------------------------------------------------------------------- set-up


@dataclass
class SheetSetup:
    """How one sheet is read: its header row (1-based, as in Excel) and field → column."""

    name: str
    header_row: int | None
    columns: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    selected: bool = True
    visible: bool = True
    preview: list[list[Any]] = field(default_factory=list)
    """The first rows of the sheet (for choosing the header row)."""

    def set_header_row(self, row: int | None) -> None:
        """Choose another header row; the columns are mapped again from it."""
        self.header_row = row
        if row is None or row < 1 or row > len(self.preview):
            self.headers, self.columns = [], {}
            return
        cells = self.preview[row - 1]
        self.headers = [cell_text(v) for v in cells]
        self.columns = map_columns(cells)

    def header_of(self, column: int) -> str:
        return self.headers[column] if 0 <= column < len(self.headers) else ""

    def missing(self) -> list[str]:
        """Labels of required columns that are not mapped."""
        need = list(REQUIRED_COLUMNS)
        if "number" in self.columns or "cert_type" in self.columns:
            need += ["cert_type", "number"]
        return [FIELD_BY_KEY[k].label for k in need if k not in self.columns]


@dataclass
class LedgerSetup:
    path: Path
    kind: str
    sheets: list[SheetSetup]

    @property
    def selected(self) -> list[SheetSetup]:
        return [s for s in self.sheets if s.selected]

    def sheet(self, name: str) -> SheetSetup:
        for s in self.sheets:
            if s.name == name:
                return s
        raise UserError(f"文件中没有名为“{name}”的工作表")


def inspect_ledger(path: str | Path) -> LedgerSetup:
    """Open the file and guess each sheet's header row and columns. Sheets whose header is not
    found, and hidden sheets, start unselected."""
    file = Path(path)
    with open_ledger(file) as ledger:
        sheets = []
        for info in ledger.sheets:
            preview = ledger.head(info.name, HEADER_SCAN_ROWS)
            header = detect_header(preview)
            setup = SheetSetup(info.name, None, visible=info.visible, preview=preview)
            setup.set_header_row(header + 1 if header is not None else None)
            setup.selected = header is not None and info.visible
            sheets.append(setup)
        return LedgerSetup(file, ledger.kind, sheets)


def choose_sheets(setup: LedgerSetup, names: Sequence[str]) -> None:
    """Select exactly ``names`` (``--sheet``); unknown names are refused."""
    wanted = list(dict.fromkeys(names))
    known = {s.name for s in setup.sheets}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        listed = "、".join(f"“{s.name}”" for s in setup.sheets)
        raise UserError(f"文件中没有工作表“{unknown[0]}”；现有工作表：{listed}")
    for s in setup.sheets:
        s.selected = s.name in wanted


# --------------------------------------------------------------------------- mappings


@dataclass
class ValueMappings:
    """What the user said unrecognised values mean. Keys are :func:`match_key` of the text.

    ``types``: → catalogue code; ``statuses``: → status code "01"…"05"; ``bodies``: → id of a
    known certification body.
    """

    types: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    bodies: dict[str, int] = field(default_factory=dict)

    KINDS = ("types", "statuses", "bodies")

    def as_json(self) -> str:
        return json.dumps({k: dict(sorted(getattr(self, k).items())) for k in self.KINDS},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> ValueMappings:
        try:
            raw = json.loads(text or "{}")
        except ValueError:
            return cls()
        if not isinstance(raw, dict):
            return cls()
        out = cls()
        for kind in cls.KINDS:
            values = raw.get(kind)
            if isinstance(values, dict):
                for k, v in values.items():
                    if kind == "bodies":
                        if isinstance(v, int) and not isinstance(v, bool):
                            out.bodies[str(k)] = v
                    elif isinstance(v, str):
                        getattr(out, kind)[str(k)] = v
        return out

    def set(self, kind: str, text: str, target: str | int | None) -> None:
        table = getattr(self, kind)
        key = match_key(text)
        if target is None or target == "":
            table.pop(key, None)
        else:
            table[key] = target

    def merged(self, other: ValueMappings) -> ValueMappings:
        return ValueMappings({**self.types, **other.types}, {**self.statuses, **other.statuses},
                             {**self.bodies, **other.bodies})


def load_mappings(reg: Register) -> ValueMappings:
    return ValueMappings.from_json(str(reg.get(MAPPINGS_KEY)))


def _save_mappings(reg: Register, s: Session, mappings: ValueMappings) -> None:
    """Store the mappings in the import's transaction (audited like any setting change)."""
    definition = setting(MAPPINGS_KEY)
    value = mappings.as_json()
    row = s.get(Setting, MAPPINGS_KEY)
    old = json.loads(row.value_json) if row is not None else definition.default
    if old == value:
        return
    if row is None:
        s.add(Setting(key=MAPPINGS_KEY, value_json=json.dumps(value, ensure_ascii=False)))
    else:
        row.value_json = json.dumps(value, ensure_ascii=False)
    audit.record(s, reg.operator, action="update", entity="setting", entity_id=None,
                 key=MAPPINGS_KEY, name=definition.label, changes={MAPPINGS_KEY: [old, value]})


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    """Excel column letter ("" when the problem is not one cell's)."""
    header: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message}

    def describe(self) -> str:
        where = f"工作表“{self.sheet}”第{self.row}行"
        if self.column:
            where += f" {self.column}列" + (f"（{self.header}）" if self.header else "")
        return f"{where}：{self.message}"


@dataclass
class RowResult:
    sheet: str
    row: int
    outcome: str
    org_name: str = ""
    credit_code: str = ""
    cert_type: str = ""
    number: str = ""
    detail: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class ImportReport:
    path: Path
    rows: list[RowResult] = field(default_factory=list)
    unknown_types: dict[str, int] = field(default_factory=dict)
    unknown_statuses: dict[str, int] = field(default_factory=dict)
    new_bodies: dict[str, int] = field(default_factory=dict)
    """Body names the file uses that the register does not know (created on commit)."""
    notes: list[str] = field(default_factory=list)
    written: bool = False
    backup: str | None = None
    created_records: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def error_rows(self) -> int:
        return self.count(ERROR)

    @property
    def ok(self) -> bool:
        return self.error_rows == 0

    def totals(self) -> dict[str, int]:
        return {o: self.count(o) for o in OUTCOMES}

    def as_dict(self) -> dict[str, Any]:
        """The shape ``greencert import --json`` prints."""
        return {"created": self.count(NEW), "updated": self.count(UPDATE),
                "unchanged": self.count(UNCHANGED), "duplicates": self.count(DUPLICATE),
                "skipped": self.count(ERROR), "errors": [e.as_dict() for e in self.errors]}

    def summary(self) -> str:
        t = self.totals()
        return (f"共 {len(self.rows)} 行：新增 {t[NEW]}，更新 {t[UPDATE]}，无变化 {t[UNCHANGED]}，"
                f"重复行 {t[DUPLICATE]}，错误 {t[ERROR]}")


class ImportCancelled(UserError):
    def __init__(self) -> None:
        super().__init__("已取消导入，登记簿未作任何改动")


Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total); stage is "check" or "write"."""
CancelCheck = Callable[[], bool]


# --------------------------------------------------------------------------- the planner


@dataclass
class _OrgPlan:
    code: str
    values: dict[str, Any]
    row: str
    org_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class _CertPlan:
    values: dict[str, Any]
    org_code: str
    body_key: int | str | None
    row: str
    cert_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)


ORG_TEXT_FIELDS = ("name", "address", "contact", "phone")
CERT_COMPARED = ("type_code", "status", "issue_date", "expiry_date", "first_issue_date", "scope",
                 "basis", "batch_year", "issuer", "notes")


class _Planner:
    """Reads rows, decides outcomes and collects what a commit would write."""

    def __init__(self, reg: Register, s: Session, mappings: ValueMappings,
                 today: date) -> None:
        self.reg = reg
        self.ref = reg.reference
        self.mappings = mappings
        self.today = today
        self.sections = self.ref.section_ranges()
        self.unit_codes = set(s.scalars(select(Unit.code).where(Unit.kind != "city",
                                                                Unit.active)))
        self.unit_names = {u.name: u.code for u in self.ref.units if u.active}
        self.unit_names.update({f.name: f.merged_into for f in self.ref.former_units})
        self.register_unit = str(reg.get("unit_code") or "")
        self.is_city = self.register_unit == self.ref.city.code or not self.register_unit
        self.type_kind = {t.code: t for t in self.ref.catalogue}
        self._type_cache: dict[str, CertTypeRef | None] = {}
        # the register as it is
        self.orgs: dict[str, dict[str, Any]] = {}
        self.org_code_by_id: dict[int, str] = {}
        for row in s.execute(select(Organisation.id, Organisation.credit_code, Organisation.name,
                                    Organisation.unit_code, Organisation.address,
                                    Organisation.contact, Organisation.phone,
                                    Organisation.code_override_note)).mappings():
            self.orgs[row["credit_code"]] = dict(row)
            self.org_code_by_id[row["id"]] = row["credit_code"]
        self.bodies_by_name: dict[str, int] = {}
        self.bodies_by_key: dict[str, int] = {}
        self.bodies_by_approval: dict[str, int] = {}
        self.body_names: dict[int, str] = {}
        for body_id, name, approval in s.execute(select(CertBody.id, CertBody.name,
                                                        CertBody.approval_number)):
            self.bodies_by_name[name] = body_id
            self.bodies_by_key.setdefault(match_key(name), body_id)
            self.body_names[body_id] = name
            if approval:
                self.bodies_by_approval[approval] = body_id
        self.certs: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in s.execute(select(
                Certificate.id, Certificate.number, Certificate.org_id, Certificate.body_id,
                Certificate.type_code, Certificate.status, Certificate.issue_date,
                Certificate.expiry_date, Certificate.first_issue_date, Certificate.scope,
                Certificate.basis, Certificate.batch_year, Certificate.issuer,
                Certificate.notes)).mappings():
            self.certs[self._cert_key(row["body_id"], row["type_code"], row["number"])] = dict(row)
        # what the file asks for
        self.new_bodies: dict[str, dict[str, Any]] = {}
        self.org_plans: dict[str, _OrgPlan] = {}
        self.cert_plans: dict[tuple[Any, ...], _CertPlan] = {}
        self.seen_rows: dict[tuple[Any, ...], str] = {}
        self.seen_orgs: dict[str, tuple[str, str]] = {}
        self.seen_certs: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
        self.report_unknown_types: dict[str, int] = {}
        self.report_unknown_statuses: dict[str, int] = {}
        self.report_new_bodies: dict[str, int] = {}

    @staticmethod
    def _cert_key(body: Any, type_code: str, number: str) -> tuple[Any, ...]:
        return ("body", body, number) if body is not None else ("type", type_code, number)

    # ----- values
    def cert_type(self, text: str) -> CertTypeRef | None:
        key = match_key(text)
        if key in self._type_cache:
            return self._type_cache[key]
        mapped = self.mappings.types.get(key)
        found = self.ref.cert_type(mapped) if mapped else None
        if found is None:
            found = self.ref.find_cert_type(text)
        self._type_cache[key] = found
        return found

    def status(self, text: str) -> CertStatus | None:
        mapped = self.mappings.statuses.get(match_key(text))
        if mapped:
            try:
                return CertStatus(mapped)
            except ValueError:
                pass
        try:
            return CertStatus.parse(text)
        except ValidationError:
            return None

    def body(self, name: str, approval: str) -> int | str | None:
        """A known body's id, the key of a body to create, or None when neither is given."""
        number = normalize_approval_number(approval) if approval else ""
        if number and number in self.bodies_by_approval:
            return self.bodies_by_approval[number]
        if name:
            mapped = self.mappings.bodies.get(match_key(name))
            if mapped is not None and mapped in self.body_names:
                return mapped
            if name in self.bodies_by_name:
                return self.bodies_by_name[name]
            known = self.bodies_by_key.get(match_key(name))
            if known is not None:
                return known
        if not name and not number:
            return None
        key = "new:" + (match_key(name) if name else number)
        if key not in self.new_bodies:
            valid = number and not validate_approval_number(number)[1]
            self.new_bodies[key] = {"name": name or number,
                                    "approval_number": number if valid else None}
        self.report_new_bodies[name or number] = self.report_new_bodies.get(name or number, 0) + 1
        return key

    def unit_for(self, raw: str, code: str) -> tuple[str, str]:
        """(unit code, problem)."""
        text = normalize_text(raw)
        if text:
            key = text.replace(" ", "")
            if key in self.unit_codes:
                return key, ""
            for name, unit_code in self.unit_names.items():
                if key == name or (len(key) >= 2 and name.startswith(key)):
                    return unit_code, ""
            return "", f"所属区划“{text}”不在区划列表中"
        if not self.is_city and self.register_unit:
            return self.register_unit, ""
        found = self.ref.unit_for_division(code[2:8]) if len(code) == 18 else None
        if found is not None and found.active:
            return found.code, ""
        return "", ("无法确定所属区划：信用代码中的区划不属于本市，请在台账中增加“所属区划”列"
                    if len(code) == 18 else "无法确定所属区划")


@dataclass
class _Cells:
    """One data row, read through the sheet's column mapping."""

    sheet: SheetSetup
    number: int
    values: list[Any]
    _texts: dict[str, str] = field(default_factory=dict)

    def raw(self, key: str) -> Any:
        col = self.sheet.columns.get(key)
        if col is None or col >= len(self.values):
            return ""
        return self.values[col]

    def text(self, key: str) -> str:
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = cell_text(self.raw(key))
        return found

    def where(self, key: str | None) -> tuple[str, str]:
        if key is None or key not in self.sheet.columns:
            return "", ""
        col = self.sheet.columns[key]
        return column_letter(col), self.sheet.header_of(col)

    def signature(self) -> tuple[Any, ...]:
        """The mapped cells' values: two rows with the same are exact duplicates."""
        return tuple(self.raw(k) for k in sorted(self.sheet.columns))


_FOOTER = re.compile(r"^(填表人|填报人|审核人|制表人|负责人|单位负责人|填报日期|制表日期|联系电话|说明|注)\s*[:：]")

_ORG_FIELD_KEYS = {"credit_code": "credit_code", "name": "org_name", "unit_code": "unit",
                   "phone": "phone", "address": "address", "contact": "contact"}
_CERT_FIELD_KEYS = {"number": "number", "type_code": "cert_type", "status": "status",
                    "body_id": "body", "issue_date": "issue_date", "expiry_date": "expiry_date",
                    "first_issue_date": "first_issue_date", "batch_year": "batch_year",
                    "last_surveillance_date": None, "status_date": None}


def _skip_row(values: list[Any]) -> bool:
    if is_blank(values) or is_total_row(values):
        return True
    filled = [v for v in values if v != ""]
    if len(filled) > 3:
        return False
    return any(_FOOTER.match(cell_text(v)) for v in filled)


def _plan_row(p: _Planner, cells: _Cells, report: ImportReport) -> RowResult:
    sheet = cells.sheet
    where = f"{sheet.name}!{cells.number}"
    result = RowResult(sheet.name, cells.number, UNCHANGED)
    errors: list[RowError] = []

    def fail(key: str | None, message: str) -> None:
        column, header = cells.where(key)
        errors.append(RowError(sheet.name, cells.number, column, header, message))

    # ---- exact duplicate of an earlier row
    signature = cells.signature()
    earlier = p.seen_rows.get(signature)
    if earlier is not None:
        result.outcome = DUPLICATE
        result.detail = f"与{earlier}完全相同，只导入一次"
        result.org_name = cells.text("org_name")
        result.credit_code = compact(cells.text("credit_code"))
        result.number = cells.text("number")
        result.cert_type = cells.text("cert_type")
        return result
    p.seen_rows[signature] = f"工作表“{sheet.name}”第{cells.number}行"

    # ---- organisation
    raw_code = cells.raw("credit_code")
    checked = credit_code.check(code_text(raw_code))
    code = checked.code
    result.credit_code = code
    name = cells.text("org_name")
    result.org_name = name
    existing = p.orgs.get(code)
    if not checked.ok and not (existing is not None and checked.overridable
                               and existing["code_override_note"]):
        message = checked.message
        if checked.kind == "empty":
            message = "统一社会信用代码为空（必填）"
        fail("credit_code", message)
    planned_org = p.org_plans.get(code)
    if not name:
        if existing is not None:
            name = existing["name"]
        elif planned_org is not None:
            name = planned_org.values["name"]
        else:
            fail("org_name", "企业名称为空（必填）")
    seen = p.seen_orgs.get(code)
    if seen is not None and cells.text("org_name") and seen[1] and \
            normalize_text(cells.text("org_name")) != seen[1]:
        fail("org_name", f"同一信用代码在{seen[0]}的企业名称为“{seen[1]}”，与本行“{name}”不一致")
    unit, unit_problem = ("", "")
    if "unit" in sheet.columns or existing is None:
        unit, unit_problem = p.unit_for(cells.text("unit"), code)
        if unit_problem and existing is not None:
            unit, unit_problem = existing["unit_code"], ""
        if unit_problem:
            fail("unit" if cells.text("unit") else None, unit_problem)
    phone = re.sub(r"\s*[/、,，;；]\s*", " ", cells.text("phone"))
    org_values = {"credit_code": code, "name": name, "address": cells.text("address"),
                  "contact": cells.text("contact"), "phone": phone}
    if unit:
        org_values["unit_code"] = unit
    if checked.ok or existing is not None:
        data = OrganisationData(credit_code=code, name=name or "-",
                                unit_code=unit or (existing or {}).get("unit_code", ""),
                                address=org_values["address"], contact=org_values["contact"],
                                phone=phone)
        for issue in validate_organisation(data, unit_codes=p.unit_codes, sections=p.sections):
            if issue.field in ("credit_code", "unit_code") or (issue.field == "name" and not name):
                continue
            fail(_ORG_FIELD_KEYS.get(issue.field), issue.message)

    # ---- certificate
    has_cert = bool(cells.text("number") or cells.text("cert_type")) and (
        "number" in sheet.columns or "cert_type" in sheet.columns)
    cert_values: dict[str, Any] = {}
    body_key: int | str | None = None
    ctype: CertTypeRef | None = None
    if has_cert:
        type_text = cells.text("cert_type")
        result.cert_type = type_text
        if not type_text:
            fail("cert_type", "认证类型为空（必填）")
        else:
            ctype = p.cert_type(type_text)
            if ctype is None:
                p.report_unknown_types[type_text] = p.report_unknown_types.get(type_text, 0) + 1
                fail("cert_type", f"认证类型“{type_text}”无法识别，且尚未指定它对应的认证类别")
            else:
                result.cert_type = ctype.name
        number = cells.text("number")
        result.number = number
        if not number:
            fail("number", "证书编号为空（必填）")
        issue_date = expiry = first_issue = None
        for key in ("issue_date", "expiry_date", "first_issue_date"):
            try:
                parsed = parse_date(cells.raw(key))
            except ValueProblem as problem:
                fail(key, str(problem))
                parsed = None
            if key == "issue_date":
                issue_date = parsed
            elif key == "expiry_date":
                expiry = parsed
            else:
                first_issue = parsed
        if "validity" in sheet.columns:
            try:
                start, end = parse_date_range(cells.raw("validity"))
            except ValueProblem as problem:
                fail("validity", str(problem))
            else:
                issue_date = issue_date or start
                expiry = expiry or end
        is_listing = ctype is not None and ctype.is_listing
        body_name = cells.text("body")
        approval = cells.text("approval")
        if ctype is not None and not is_listing:
            if issue_date is None:
                fail("issue_date" if "issue_date" in sheet.columns else "validity",
                     "发证日期为空（必填）")
            if expiry is None and issue_date is not None:
                expiry = default_expiry(issue_date, ctype.validity_years)
                if expiry is None:
                    fail("expiry_date" if "expiry_date" in sheet.columns else "validity",
                         "有效期至为空（必填；该认证类别没有固定有效期，无法推算）")
            if issue_date and expiry and expiry < issue_date:
                fail("expiry_date" if "expiry_date" in sheet.columns else "validity",
                     f"有效期至（{expiry.isoformat()}）早于发证日期（{issue_date.isoformat()}）")
            if not body_name and not approval:
                fail("body", "认证机构为空（必填）")
            else:
                body_key = p.body(body_name, approval)
        status_text = cells.text("status")
        status: CertStatus | None
        if status_text:
            status = p.status(status_text)
            if status is None:
                p.report_unknown_statuses[status_text] = \
                    p.report_unknown_statuses.get(status_text, 0) + 1
                fail("status", f"证书状态“{status_text}”无法识别，应为 有效、暂停、撤销、注销、过期"
                               "之一，或在导入向导中指定它对应的状态")
        else:
            status = None
        batch_year: int | None = None
        raw_batch = cells.text("batch_year")
        if raw_batch:
            found_year = re.search(r"(19|20)\d{2}", raw_batch)
            if found_year is None:
                fail("batch_year", f"批次年份“{raw_batch}”无法识别")
            else:
                batch_year = int(found_year.group(0))
        if is_listing and batch_year is None:
            batch_year = issue_date.year if issue_date else None
            if batch_year is None:
                fail("batch_year" if "batch_year" in sheet.columns else "issue_date",
                     "名单类记录需要批次年份或发证（认定）日期")
        cert_values = {
            "number": number, "type_code": ctype.code if ctype else "",
            "status": status.value if status else "",
            "issue_date": issue_date, "expiry_date": expiry, "first_issue_date": first_issue,
            "scope": cells.text("scope"), "basis": cells.text("basis"),
            "batch_year": batch_year, "issuer": body_name if is_listing else "",
            "notes": cells.text("notes"),
        }
        if ctype is not None and number and not errors:
            data = CertificateData(
                number=number, org_id=-1, type_code=ctype.code,
                body_id=-1 if body_key is not None else None,
                status=(status or CertStatus.VALID).value, issue_date=issue_date,
                expiry_date=expiry, first_issue_date=first_issue, batch_year=batch_year)
            for issue in validate_certificate(data, type_kind=ctype.kind, today=p.today):
                if issue.field == "expiry_date" and "早于" in issue.message:
                    continue
                fail(_CERT_FIELD_KEYS.get(issue.field), issue.message)
            cert_values["number"] = data.number
    elif cells.text("notes"):
        org_values["notes"] = cells.text("notes")

    if errors:
        result.outcome = ERROR
        result.errors = errors
        return result

    # ---- decide against the register and the earlier rows
    outcomes: list[str] = []
    if seen is None:
        p.seen_orgs[code] = (f"工作表“{sheet.name}”第{cells.number}行", normalize_text(name))
    if existing is None:
        if planned_org is None:
            p.org_plans[code] = _OrgPlan(code, org_values, where)
            outcomes.append(NEW)
        else:
            for k in ("address", "contact", "phone"):
                if not planned_org.values.get(k) and org_values.get(k):
                    planned_org.values[k] = org_values[k]
    else:
        changes = {k: org_values[k] for k in (*ORG_TEXT_FIELDS, "unit_code")
                   if org_values.get(k) and org_values[k] != existing.get(k)}
        if changes:
            plan = p.org_plans.get(code)
            if plan is None:
                p.org_plans[code] = _OrgPlan(code, org_values, where, existing["id"], changes)
                outcomes.append(UPDATE)
            else:
                for k, v in changes.items():
                    plan.changes.setdefault(k, v)
    if has_cert:
        assert ctype is not None
        key = p._cert_key(body_key if body_key is not None else None, ctype.code,
                          cert_values["number"])
        earlier_cert = p.seen_certs.get(key)
        if earlier_cert is not None:
            result.outcome = ERROR
            result.errors = [RowError(sheet.name, cells.number, *cells.where("number"),
                                      f"证书编号“{cert_values['number']}”在{earlier_cert[0]}"
                                      "已出现（同一认证机构），但两行内容不同；请核对后只保留一行")]
            return result
        p.seen_certs[key] = (f"工作表“{sheet.name}”第{cells.number}行", signature)
        stored = p.certs.get(key) if isinstance(body_key, int) or body_key is None else None
        if stored is None:
            if not cert_values["status"]:
                expired = cert_values["expiry_date"] and cert_values["expiry_date"] < p.today
                cert_values["status"] = (CertStatus.EXPIRED if expired else CertStatus.VALID).value
            p.cert_plans[key] = _CertPlan(cert_values, code, body_key, where)
            outcomes.append(NEW)
        else:
            owner = p.org_code_by_id.get(stored["org_id"])
            if owner != code:
                owner_name = p.orgs.get(owner or "", {}).get("name", "")
                result.outcome = ERROR
                result.errors = [RowError(sheet.name, cells.number, *cells.where("number"),
                                          f"证书编号“{cert_values['number']}”已登记在“{owner_name}”"
                                          f"（{owner}）名下，与本行的组织不符")]
                return result
            changes = {k: cert_values[k] for k in CERT_COMPARED
                       if cert_values.get(k) not in (None, "") and cert_values[k] != stored[k]}
            if changes:
                p.cert_plans[key] = _CertPlan(cert_values, code, body_key, where, stored["id"],
                                              changes)
                outcomes.append(UPDATE)
    result.outcome = NEW if NEW in outcomes else UPDATE if UPDATE in outcomes else UNCHANGED
    if result.outcome == UPDATE:
        changed = []
        plan = p.org_plans.get(code)
        if plan is not None and plan.row == where:
            changed += [_label(k) for k in plan.changes]
        if has_cert:
            cplan = p.cert_plans.get(key)
            if cplan is not None and cplan.row == where:
                changed += [_label(k) for k in cplan.changes]
        result.detail = "更新：" + "、".join(dict.fromkeys(changed))
    elif result.outcome == NEW:
        result.detail = "新增证书" if has_cert and NEW in outcomes[-1:] else "新增组织"
        if has_cert and len(outcomes) == 2:
            result.detail = "新增组织和证书"
    return result


_LABELS = {"name": "企业名称", "address": "地址", "contact": "联系人", "phone": "联系电话",
           "unit_code": "所属区划", "type_code": "认证类型", "status": "证书状态",
           "issue_date": "发证日期", "expiry_date": "有效期至", "first_issue_date": "初次发证日期",
           "scope": "认证范围", "basis": "认证依据", "batch_year": "批次年份",
           "issuer": "发证机关", "notes": "备注"}


def _label(key: str) -> str:
    return _LABELS.get(key, key)


# --------------------------------------------------------------------------- running


def _repeats_header(sheet: SheetSetup, values: list[Any]) -> bool:
    """A copy of the header row (sheets pasted together, printed pages)."""
    for key in REQUIRED_COLUMNS:
        col = sheet.columns.get(key)
        if col is None or col >= len(values) or cell_text(values[col]) != sheet.header_of(col):
            return False
    return True


def _rows_total(ledger: Ledger, sheets: Iterable[SheetSetup]) -> int:
    names = {s.name for s in sheets}
    return sum(max(info.rows, 0) for info in ledger.sheets if info.name in names)


def _plan(reg: Register, s: Session, setup: LedgerSetup, mappings: ValueMappings, *,
          progress: Progress | None, cancel: CancelCheck | None,
          today: date) -> tuple[_Planner, ImportReport]:
    sheets = setup.selected
    if not sheets:
        raise UserError("没有选择要导入的工作表（或所有工作表都找不到表头）")
    for sheet in sheets:
        if sheet.header_row is None:
            raise UserError(f"工作表“{sheet.name}”找不到表头行，请指定表头所在的行")
        missing = sheet.missing()
        if missing:
            raise UserError(f"工作表“{sheet.name}”缺少必需的列：{'、'.join(missing)}；"
                            "请在导入向导中指定这些列")
    if cancel is not None and cancel():
        raise ImportCancelled()
    planner = _Planner(reg, s, mappings, today)
    report = ImportReport(setup.path)
    with open_ledger(setup.path) as ledger:
        total = _rows_total(ledger, sheets)
        done = 0
        if progress is not None:
            progress("check", 0, total)
        for sheet in sheets:
            skipped = 0
            for number, values in ledger.iter_rows(sheet.name):
                done += 1
                if done % CHUNK == 0:
                    if cancel is not None and cancel():
                        raise ImportCancelled()
                    if progress is not None:
                        progress("check", done, total)
                if number <= (sheet.header_row or 0):
                    continue
                if _skip_row(values) or _repeats_header(sheet, values):
                    skipped += 1
                    continue
                report.rows.append(_plan_row(planner, _Cells(sheet, number, values), report))
            if skipped:
                report.notes.append(f"工作表“{sheet.name}”：跳过 {skipped} 行空行、合计行、"
                                    "重复的表头或落款")
        if progress is not None:
            progress("check", total, total)
    if cancel is not None and cancel():
        raise ImportCancelled()
    report.unknown_types = planner.report_unknown_types
    report.unknown_statuses = planner.report_unknown_statuses
    report.new_bodies = planner.report_new_bodies
    return planner, report


def analyse(reg: Register, setup: LedgerSetup, mappings: ValueMappings | None = None, *,
            progress: Progress | None = None, cancel: CancelCheck | None = None,
            today: date | None = None) -> ImportReport:
    """The dry run: every row's outcome; nothing is written."""
    mappings = load_mappings(reg).merged(mappings) if mappings else load_mappings(reg)
    with reg.db.reading() as s:
        return _plan(reg, s, setup, mappings, progress=progress, cancel=cancel,
                     today=today or date.today())[1]


def run_import(reg: Register, setup: LedgerSetup, mappings: ValueMappings | None = None, *,
               skip_errors: bool = False, progress: Progress | None = None,
               cancel: CancelCheck | None = None, today: date | None = None) -> ImportReport:
    """Check every row; unless a row is in error (and ``skip_errors`` is off), back up the
    database and write everything in one transaction. ``report.written`` says whether it did.
    """
    mappings = load_mappings(reg).merged(mappings) if mappings else load_mappings(reg)
    today = today or date.today()
    with reg.db.transaction() as s:
        planner, report = _plan(reg, s, setup, mappings, progress=progress, cancel=cancel,
                                today=today)
        if report.error_rows and not skip_errors:
            return report
        if reg.db.path is not None and reg.db.path.exists():
            report.backup = str(backup.backup_database(
                reg.db.path, reg.home.backups_dir, reason="before-import",
                keep=int(reg.settings.get("backup_keep"))))
        _apply(reg, s, planner, setup, report, progress=progress, cancel=cancel)
        _save_mappings(reg, s, mappings)
        if cancel is not None and cancel():
            raise ImportCancelled()
    report.written = True
    return report


def _apply(reg: Register, s: Session, p: _Planner, setup: LedgerSetup, report: ImportReport, *,
           progress: Progress | None, cancel: CancelCheck | None) -> None:
    operator = reg.operator
    now = audit.utcnow()
    note_base = f"导入台账 {setup.path.name}"
    audits: list[dict[str, Any]] = []
    total = len(p.new_bodies) + len(p.org_plans) + len(p.cert_plans)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if done % CHUNK < n or done == total:
            if cancel is not None and cancel():
                raise ImportCancelled()
            if progress is not None:
                progress("write", done, total)

    def checkpoint() -> None:
        if cancel is not None and cancel():
            raise ImportCancelled()

    def audit_row(action: str, entity: str, entity_id: int, key: str, name: str,
                  changes: dict[str, list[Any]], row: str) -> None:
        sheet, _, number = row.rpartition("!")
        audits.append({"at": now, "operator": operator, "action": action, "entity": entity,
                       "entity_id": entity_id, "entity_key": key[:100],
                       "entity_name": name[:200],
                       "changes_json": json.dumps(changes, ensure_ascii=False),
                       "note": f"{note_base} 工作表“{sheet}”第{number}行"})

    if progress is not None:
        progress("write", 0, total)
    # bodies
    body_ids: dict[str, int] = {}
    used = {plan.body_key for plan in p.cert_plans.values() if isinstance(plan.body_key, str)}
    for key, values in p.new_bodies.items():
        if key not in used:
            continue  # only rows in error (left out) named it
        row = CertBody(name=values["name"], approval_number=values["approval_number"],
                       notes="导入台账时登记")
        s.add(row)
        s.flush()
        body_ids[key] = row.id
        audit_row("create", "body", row.id, values["approval_number"] or "", values["name"],
                  {k: [None, v] for k, v in values.items() if v}, "!")
        tick()
    checkpoint()
    # organisations
    new_orgs = [plan for plan in p.org_plans.values() if plan.org_id is None]
    org_table = Organisation.__table__
    for start in range(0, len(new_orgs), CHUNK):
        chunk = new_orgs[start:start + CHUNK]
        rows = [{**_org_defaults(), **plan.values, "created_at": now, "updated_at": now}
                for plan in chunk]
        s.execute(insert(org_table), rows)
        tick(len(chunk))
    ids = {}
    if new_orgs:
        wanted = {plan.code for plan in new_orgs}
        for org_id, code in s.execute(select(Organisation.id, Organisation.credit_code)):
            if code in wanted:
                ids[code] = org_id
    for plan in new_orgs:
        plan.org_id = ids[plan.code]
        p.orgs[plan.code] = {"id": plan.org_id, **plan.values}
        audit_row("create", "organisation", plan.org_id, plan.code, plan.values["name"],
                  {k: [None, audit.jsonable(v)] for k, v in plan.values.items() if v},
                  plan.row)
    updates = [plan for plan in p.org_plans.values() if plan.changes and plan.org_id is not None
               and plan not in new_orgs]
    for plan in updates:
        existing = p.orgs[plan.code]
        s.execute(update(org_table).where(org_table.c.id == plan.org_id)
                  .values(**plan.changes, updated_at=now))
        audit_row("update", "organisation", plan.org_id or 0, plan.code,
                  plan.changes.get("name", existing["name"]),
                  {k: [existing.get(k), v] for k, v in plan.changes.items()}, plan.row)
        tick()
    checkpoint()
    # certificates
    cert_table = Certificate.__table__
    new_certs = [plan for plan in p.cert_plans.values() if plan.cert_id is None]
    for start in range(0, len(new_certs), CHUNK):
        chunk = new_certs[start:start + CHUNK]
        rows = []
        for plan in chunk:
            body_id = body_ids[plan.body_key] if isinstance(plan.body_key, str) else plan.body_key
            rows.append({**_cert_defaults(), **plan.values, "org_id": p.orgs[plan.org_code]["id"],
                         "body_id": body_id, "created_at": now, "updated_at": now})
        s.execute(insert(cert_table), rows)
        tick(len(chunk))
    if new_certs:
        cert_ids = {}
        for cert_id, body_id, type_code, number in s.execute(
                select(Certificate.id, Certificate.body_id, Certificate.type_code,
                       Certificate.number)):
            cert_ids[p._cert_key(body_id, type_code, number)] = cert_id
        for plan in new_certs:
            body_id = body_ids[plan.body_key] if isinstance(plan.body_key, str) else plan.body_key
            cert_id = cert_ids[p._cert_key(body_id, plan.values["type_code"],
                                           plan.values["number"])]
            changes = {k: [None, audit.jsonable(v)] for k, v in plan.values.items()
                       if v not in (None, "")}
            if body_id is not None:
                changes["body_id"] = [None, body_id]
            audit_row("create", "certificate", cert_id, plan.values["number"],
                      p.orgs[plan.org_code]["name"], changes, plan.row)
    for plan in p.cert_plans.values():
        if plan.cert_id is None:
            continue
        stored = p.certs.get(p._cert_key(plan.body_key, plan.values["type_code"],
                                         plan.values["number"]))
        s.execute(update(cert_table).where(cert_table.c.id == plan.cert_id)
                  .values(**plan.changes, updated_at=now))
        before = stored or {}
        audit_row("update", "certificate", plan.cert_id, plan.values["number"],
                  p.orgs[plan.org_code]["name"],
                  {k: [audit.jsonable(before.get(k)), audit.jsonable(v)]
                   for k, v in plan.changes.items()}, plan.row)
        tick()
    checkpoint()
    for start in range(0, len(audits), CHUNK * 5):
        s.execute(insert(AuditEntry.__table__), audits[start:start + CHUNK * 5])
    report.created_records = {"bodies": len(body_ids), "organisations": len(new_orgs),
                              "organisations_updated": len(updates),
                              "certificates": len(new_certs),
                              "certificates_updated": len(p.cert_plans) - len(new_certs)}
    s.flush()


def _org_defaults() -> dict[str, Any]:
    return {"address": "", "industry_section": None, "industry_code": "", "size": "",
            "contact": "", "phone": "", "credit_standing": "正常", "leader_type": "",
            "specialised": False, "high_tech": False, "code_override_note": "", "notes": ""}


def _cert_defaults() -> dict[str, Any]:
    return {"status_date": None, "status_reason": "", "last_surveillance_date": None,
            "surveillance_count": 0, "recert_count": 0, "products": ""}


# --------------------------------------------------------------------------- error report


def write_error_report(reg: Register, report: ImportReport, path: str | Path) -> Path:
    """The rows in error as an xlsx (sheet, row, column, header, reason)."""
    from greencert_desktop.excel.list_export import ExportColumn, export_list
    from greencert_desktop.services.lists import ListQuery

    rows = [{"sheet": e.sheet, "row": e.row, "column": e.column, "header": e.header,
             "message": e.message} for e in report.errors]
    columns = [ExportColumn("sheet", "工作表"), ExportColumn("row", "行号", "int"),
               ExportColumn("column", "列"), ExportColumn("header", "列标题"),
               ExportColumn("message", "错误原因")]

    class _Rows:
        def count(self, _reg: Any, _query: Any, _today: Any = None) -> int:
            return len(rows)

        def fetch(self, _reg: Any, _query: Any, offset: int, limit: int,
                  _today: Any = None) -> list[dict[str, Any]]:
            return rows[offset:offset + limit]

    target = Path(path)
    export_list(target, reg, _Rows(), ListQuery(), columns,  # type: ignore[arg-type]
                sheet_title="导入错误")
    return target
