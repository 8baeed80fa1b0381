"""Verify a submission workbook: ours, a known version, untouched, and every row valid.

``verify_file`` never raises for a bad file: a file that is not an xlsx, is damaged, is
someone else's workbook, was edited after export or breaks a data-entry rule comes back as
a :class:`Verification` whose ``problems`` name sheet, row and column in Chinese. It needs
only the reference data (units, catalogue, industry sections), not a register.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from itertools import count, islice
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from greencert_desktop.domain.approval import validate_approval_number
from greencert_desktop.domain.errors import Issue, ValidationError
from greencert_desktop.domain.periods import Period
from greencert_desktop.domain.records import (
    CaseData,
    CertificateData,
    OrganisationData,
    SubsidyData,
)
from greencert_desktop.domain.status import CertStatus, effective_status
from greencert_desktop.domain.validation import (
    validate_case,
    validate_certificate,
    validate_organisation,
    validate_subsidy,
)
from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.excel.submission_reader import (
    UnreadableWorkbook,
    WorkbookReader,
    read_meta,
)
from greencert_desktop.reference import ReferenceData
from greencert_desktop.services import verification_fast as fast

ERROR, WARNING = "error", "warning"
MAX_PROBLEMS = 1000
"""Problems listed per file; beyond that only a count is kept."""


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    """Column letter and header, e.g. ``C（组织名称）``; empty for a whole row or sheet."""
    message: str
    severity: str = ERROR

    def describe(self) -> str:
        where = self.sheet or "文件"
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f" {self.column}列"
        prefix = "" if self.severity == ERROR else "提示："
        return f"{where}：{prefix}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message, "severity": self.severity}


@dataclass
class Verification:
    path: Path
    problems: list[Problem] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    omitted: int = 0
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    """Data rows by table id, padded to the table's columns (kept when asked for)."""
    readable: bool = False

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems) and not self.omitted

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def unit_code(self) -> str:
        return self.meta.get("unit_code", "")

    @property
    def unit_name(self) -> str:
        return self.meta.get("unit_name", "")

    @property
    def period(self) -> str:
        return self.meta.get("period", "")

    @property
    def scope(self) -> str:
        return self.meta.get("scope", "unit")

    @property
    def generated_at(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.meta.get("generated_at", ""))
        except ValueError:
            return None

    @property
    def content_sha256(self) -> str:
        return self.meta.get("content_sha256", "")

    def summary(self) -> str:
        if self.ok:
            return "通过：文件完整，数据符合填报规则"
        first = self.errors[0].describe() if self.errors else ""
        return f"未通过（{len(self.errors) + self.omitted} 个问题）：{first}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "ok": self.ok, "unit_code": self.unit_code,
                "unit_name": self.unit_name, "period": self.period,
                "generated_at": self.meta.get("generated_at", ""),
                "template_version": self.meta.get("template_version", ""),
                "content_sha256": self.content_sha256, "counts": self.counts,
                "problems": [p.as_dict() for p in self.problems],
                "problems_omitted": self.omitted}


def _col(table: fmt.Table, key: str) -> str:
    i = table.index(key)
    return f"{get_column_letter(i + 1)}（{table.columns[i].header}）"


class _Checker:
    """Collects problems. While :attr:`deferring`, they are held back and :meth:`release`
    lists them later: rows are checked as each sheet arrives, but their problems follow the
    file-level ones (a changed hash is found only once every sheet is read)."""

    def __init__(self, result: Verification) -> None:
        self.result = result
        self.deferring = False
        self._held: list[Problem] = []
        self._held_over = 0

    def add(self, sheet: str, row: int | None, column: str, message: str,
            severity: str = ERROR) -> None:
        if self.deferring:
            if len(self._held) >= MAX_PROBLEMS:
                self._held_over += 1
            else:
                self._held.append(Problem(sheet, row, column, message, severity))
            return
        if len(self.result.problems) >= MAX_PROBLEMS:
            self.result.omitted += 1
            return
        self.result.problems.append(Problem(sheet, row, column, message, severity))

    def release(self) -> None:
        self.deferring = False
        held, self._held = self._held, []
        for p in held:
            self.add(p.sheet, p.row, p.column, p.message, p.severity)
        self.result.omitted += self._held_over
        self._held_over = 0


def _as_text(value: Any) -> str:
    if value.__class__ is str:
        return value
    if value is None:
        return ""
    return fmt.canonical(value)


def verify_file(path: str | Path, reference: ReferenceData, *, keep_rows: bool = False,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> Verification:
    """Check one file. Never raises for a bad file (only ``Cancelled``)."""
    result = Verification(Path(path))
    check = _Checker(result)
    try:
        reader = WorkbookReader(path)
    except UnreadableWorkbook as exc:
        check.add("", None, "", exc.message)
        return result
    collecting = gc.isenabled()
    gc.disable()  # millions of acyclic cells: the collector would scan them again and again
    try:
        with reader:
            try:
                _verify(reader, reference, result, check, keep_rows, progress, cancel)
            except UnreadableWorkbook as exc:
                check.add("", None, "", exc.message)
    finally:
        if collecting:
            gc.enable()
    if not keep_rows:
        result.rows = {}
    return result


def _verify(reader: WorkbookReader, reference: ReferenceData, result: Verification,
            check: _Checker, keep_rows: bool, progress: Callable[[int, int], None] | None,
            cancel: Callable[[], bool] | None) -> None:
    names = reader.sheet_names
    if fmt.META_SHEET not in names:
        check.add("", None, "", "不是本系统导出的报送表（缺少 _meta 工作表），或 _meta 工作表被改名")
        return
    meta = read_meta(reader, fmt.META_SHEET)
    result.meta = meta
    if meta.get("format") != fmt.FORMAT_KEY:
        check.add(fmt.META_SHEET, None, "", "不是本系统导出的报送表（格式标识不符）")
        return
    version = meta.get("template_version", "")
    if not version.isdigit() or int(version) not in fmt.KNOWN_VERSIONS:
        known = "、".join(str(v) for v in fmt.KNOWN_VERSIONS)
        check.add(fmt.META_SHEET, None, "", f"模板版本“{version}”不受支持（本程序支持版本 {known}），"
                  "请升级程序或请对方用相同版本重新导出")
        return
    result.readable = True
    scope = meta.get("scope", "unit")
    if scope not in ("unit", "city"):
        check.add(fmt.META_SHEET, None, "", f"报送范围“{scope}”无法识别")
        return
    period: Period | None = None
    try:
        period = Period.parse(meta.get("period", ""))
    except ValidationError as exc:
        check.add(fmt.META_SHEET, None, "", f"报告期有误：{exc.message}")
    generated = result.generated_at
    if generated is None or generated.tzinfo is None:
        check.add(fmt.META_SHEET, None, "", "生成时间缺失或格式不对（应为带时区的 ISO 8601 时间）")
    for key in ("unit_code", "unit_name", "content_sha256"):
        if not meta.get(key):
            check.add(fmt.META_SHEET, None, "", f"_meta 缺少“{key}”")
    state = next(s.state for s in reader.sheets if s.name == fmt.META_SHEET)
    if state != "veryHidden":
        check.add(fmt.META_SHEET, None, "", "_meta 工作表已被取消隐藏（数据未必被改动）", WARNING)

    expected = fmt.sheets_for(scope)
    missing = [n for n in expected if n not in names]
    extra = [n for n in names if n not in expected]
    for n in missing:
        check.add(n, None, "", f"缺少工作表“{n}”（工作表被删除或改名）")
    for n in extra:
        check.add(n, None, "", f"多出工作表“{n}”（不属于报送表模板，可能是改名或新增的）")
    present = [n for n in names if n in expected]
    if not missing and present != [n for n in expected if n in present]:
        check.add("", None, "", "工作表顺序与模板不一致：应为 " + "、".join(expected))

    tables = fmt.tables_for(scope)
    today = generated.date() if generated is not None else date.today()
    ctx = _Context(reference, scope, meta.get("unit_code", ""), period, today, check)
    digest = fmt.ContentHash()
    total = sum(int(meta.get(t.rows_key, "0") or 0) if meta.get(t.rows_key, "").isdigit() else 0
                for t in tables)
    done = 0
    by_sheet: dict[str, list[fmt.Table]] = {}
    for t in tables:
        by_sheet.setdefault(t.sheet, []).append(t)
    parsed: dict[str, _Block] = {}
    sheets = reader.load([sheet for sheet in by_sheet if sheet in names])
    try:
        for sheet, group in by_sheet.items():
            raw = next(sheets)[1] if sheet in names else None
            blocks = (_split(raw, group, check) if raw is not None
                      else {t.id: _Block(0, []) for t in group})
            for t in group:
                block = parsed[t.id] = blocks[t.id]
                rows = block.values
                digest.table(t.id)
                cells = fast.Cells(rows, len(t.columns))
                _hash_cells(digest, t, cells)
                result.counts[t.id] = len(rows)
                stated = meta.get(t.rows_key)
                if stated is None:
                    check.add(fmt.META_SHEET, None, "", f"_meta 缺少“{t.rows_key}”")
                elif stated != str(len(rows)):
                    check.add(t.sheet, None, "", f"{t.title}应有 {stated} 行数据，实有 {len(rows)} 行"
                              "（导出后增删了行）")
                if raw is not None:
                    _validate(ctx, t, block, cells)
                done += 2 * len(rows)
                if cancel is not None and cancel():
                    from greencert_desktop.excel.submission_writer import Cancelled

                    raise Cancelled()
                if progress is not None:
                    progress(done, max(total * 2, done))
    finally:
        sheets.close()
    if result.content_sha256 and digest.hexdigest() != result.content_sha256:
        check.add("", None, "", "内容校验值不符：数据表在导出后被修改过（改动了单元格、增删了行或"
                  "改了工作表），请向报送单位索取原始文件")
    check.release()
    _cross_check_types(ctx, tables, parsed)
    if keep_rows:
        result.rows = {t.id: parsed[t.id].values for t in tables}


def _validate(ctx: _Context, t: fmt.Table, block: _Block, cells: fast.Cells) -> None:
    """Every row of a table against the data-entry rules, as soon as its sheet is read (the
    next sheet is parsed meanwhile): a table proved clean column by column is done, any
    other is checked row by row, which names each problem. Problems are held back until
    the file-level checks are done (see :class:`_Checker`)."""
    validator = _VALIDATORS.get(t.id)
    if validator is None:
        return
    proof = fast.FAST_CHECKS.get(t.id)
    ctx.check.deferring = True
    try:
        if proof is None or not proof(ctx, t, cells):
            validator(ctx, t, block.numbered())
    finally:
        ctx.check.deferring = False


def _column_texts(col: list[Any]) -> list[str]:
    """The canonical text of each cell of a non-text column. Each distinct value is converted
    once and equal cells share its text (100,000 dates hold a few thousand; a fresh string
    per cell costs more than the lookup); a column of distinct whole floats (序号) goes
    through ``int`` in C."""
    kinds = set(map(type, col))
    if bool in kinds:  # True == 1 == 1.0 would share an entry of the table
        return [fmt.canonical(v) for v in col]
    distinct = set(col)
    if kinds == {float} and len(distinct) * 4 > len(col) and all(map(float.is_integer, col)):
        return list(map(str, map(int, col)))
    if kinds <= {date, str}:  # a date column: what fmt.canonical gives, without its type tests
        texts = {v: v if v.__class__ is str else v.isoformat() for v in distinct}
    elif kinds <= {float, str}:
        texts = {v: v if v.__class__ is str else str(int(v)) if v.is_integer() else repr(v)
                 for v in distinct}
    else:
        texts = {v: fmt.canonical(v) for v in distinct}
    return list(map(texts.__getitem__, col))


def _hash_cells(digest: fmt.ContentHash, table: fmt.Table, cells: fast.Cells) -> None:
    """Feed a table's rows to ``digest`` in the canonical form (the same bytes as
    ``ContentHash.row`` for each row).

    Text columns are used as they are; the other columns go through a table of their
    distinct values (a column of 100,000 dates holds a few thousand). The rows are joined in
    chunks, in the order the cells lie in memory. A cell that is not text in a text column
    (an edited file) makes the join fail: then every cell is converted on its own.
    """
    if not cells.count:
        return
    width, flat = cells.width, cells.flat
    texts = flat.copy()
    for i, column in enumerate(table.columns):
        if column.is_text:
            continue
        texts[i::width] = _column_texts(flat[i::width])
    try:
        chunks = _joined_rows(texts, width)
    except TypeError:
        chunks = _joined_rows([v if v.__class__ is str else fmt.canonical(v) for v in flat],
                              width)
    for chunk in chunks:
        digest.records([chunk])


def _joined_rows(texts: list[Any], width: int) -> list[str]:
    rows = zip(*[iter(texts)] * width, strict=True)
    join = "\x1f".join
    chunks = []
    while chunk := list(map(join, islice(rows, 8192))):
        chunk.append("")
        chunks.append("\x1e".join(chunk))
    return chunks


@dataclass
class _Block:
    """A table's data rows: cell values padded to the table's width, from Excel row ``first``."""

    first: int
    values: list[list[Any]]

    def numbered(self) -> list[tuple[int, list[Any]]]:
        return list(zip(count(self.first), self.values))


def _split(raw: list[list[Any]], group: list[fmt.Table], check: _Checker) -> dict[str, _Block]:
    """The data rows of each table on one sheet (tables after the first follow an empty row)."""
    out: dict[str, _Block] = {t.id: _Block(0, []) for t in group}
    i = 0
    n = len(raw)
    for index, t in enumerate(group):
        width = len(t.columns)
        if index:
            while i < n and not any(v != "" for v in raw[i]):
                i += 1
        if i >= n:
            check.add(t.sheet, None, "", f"缺少“{t.title}”的表头")
            return out
        header = [_as_text(v).strip() for v in raw[i]]
        header += [""] * (width - len(header))
        for c, (want, got) in enumerate(zip(t.headers, header, strict=False)):
            if want != got:
                check.add(t.sheet, i + 1, f"{get_column_letter(c + 1)}",
                          f"表头应为“{want}”，实为“{got}”（列被改名、插入或删除）")
        if any(h for h in header[width:]):
            check.add(t.sheet, i + 1, get_column_letter(width + 1), "表头右侧多出了列")
        i += 1
        rows = out[t.id] = _Block(i + 1, [])
        last = index == len(group) - 1
        if last and set(map(len, raw[i:])) <= {width}:  # the usual case: nothing to pad or cut
            rows.values = raw[i:]
            return out
        while i < n:
            values = raw[i]
            if not last and not any(v != "" for v in values):
                break
            if len(values) < width:
                values = values + [""] * (width - len(values))
            elif len(values) > width:
                if any(v != "" for v in values[width:]):
                    check.add(t.sheet, i + 1, get_column_letter(width + 1),
                              "数据右侧多出了单元格内容")
                values = values[:width]
            rows.values.append(values)
            i += 1
    return out


class _Context:
    def __init__(self, reference: ReferenceData, scope: str, unit_code: str,
                 period: Period | None, today: date, check: _Checker) -> None:
        self.reference = reference
        self.scope = scope
        self.unit_code = unit_code
        self.period = period
        self.today = today
        self.check = check
        self.unit_codes = {u.code for u in reference.units}
        self.unit_by_name = {u.name: u.code for u in reference.units}
        self.sections = reference.section_ranges()
        self.types = {t.code: t for t in reference.catalogue}
        self.orgs: dict[str, tuple[str, str]] = {}
        """credit code → (name, unit code) from 表2."""
        self.certificates: list[Sequence[Any]] = [[] for _ in range(8)]
        """表3 by column: credit code, number, type code, status code, issue date, expiry date,
        batch year, status date (a missing date is ``None`` or ``""``)."""

    def add_certificates(self, *columns: Sequence[Any]) -> None:
        """Add 表3 rows, given column by column in the order of ``certificates``."""
        for mine, more in zip(self.certificates, columns, strict=True):
            mine.extend(more)  # type: ignore[attr-defined]

    @cached_property
    def certificate_keys(self) -> set[tuple[str, str]]:
        """(credit code, certificate number) of every 表3 row."""
        return set(zip(self.certificates[0], self.certificates[1], strict=True))

    def unit_of(self, text: Any) -> str | None:
        value = _as_text(text).strip()
        if value in self.unit_by_name:
            return self.unit_by_name[value]
        if value.upper() in self.unit_codes:
            return value.upper()
        return None


def _text(value: Any) -> str:
    return value if value.__class__ is str else _as_text(value)


def _require_text(ctx: _Context, t: fmt.Table, row: int, values: list[Any],
                  keys: Sequence[str]) -> None:
    for key in keys:
        v = values[t.positions[key]]
        if v.__class__ is not str:
            ctx.check.add(t.sheet, row, _col(t, key), f"“{fmt.canonical(v)}”被存为数字，应为文本"
                          "（数字会丢失前导零或末尾几位）")


def _date(ctx: _Context, t: fmt.Table, row: int, values: list[Any], key: str) -> date | None:
    v = values[t.positions[key]]
    if v.__class__ is date:
        return v  # type: ignore[no-any-return]
    if v == "" or v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    ctx.check.add(t.sheet, row, _col(t, key), f"“{_as_text(v)}”不是日期单元格，应为 yyyy-mm-dd 格式的日期")
    return None


def _int(ctx: _Context, t: fmt.Table, row: int, values: list[Any], key: str) -> int | None:
    v = values[t.positions[key]]
    if v == "" or v is None:
        return None
    if v.__class__ is float and v.is_integer():
        return int(v)
    if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
        return int(v)
    ctx.check.add(t.sheet, row, _col(t, key), f"“{_as_text(v)}”应为整数")
    return None


def _bool(ctx: _Context, t: fmt.Table, row: int, values: list[Any], key: str) -> bool:
    v = values[t.positions[key]]
    if v == "" or v == fmt.NO:
        return False
    if v == fmt.YES:
        return True
    v = _text(v).strip()
    if v in ("", fmt.NO):
        return False
    if v == fmt.YES:
        return True
    ctx.check.add(t.sheet, row, _col(t, key), f"应填“是”或“否”，当前为“{v}”")
    return False


def _issues(ctx: _Context, t: fmt.Table, row: int, issues: list[Issue],
            fields: dict[str, str]) -> None:
    for issue in issues:
        key = fields.get(issue.field, issue.field)
        try:
            column = _col(t, key)
        except KeyError:
            column = ""
        ctx.check.add(t.sheet, row, column, issue.message)


def _seq(ctx: _Context, t: fmt.Table, rows: list[tuple[int, list[Any]]]) -> None:
    for n, (row, values) in enumerate(rows, start=1):
        if values[0] != n:
            ctx.check.add(t.sheet, row, _col(t, "seq"), f"序号应为 {n}，实为“{_as_text(values[0])}”"
                          "（此处前后有行被删除、插入或调换）")
            return


def _check_unit(ctx: _Context, t: fmt.Table, row: int, values: list[Any]) -> str | None:
    unit = ctx.unit_of(values[t.index("unit")])
    if unit is None:
        ctx.check.add(t.sheet, row, _col(t, "unit"),
                      f"所属区划“{_as_text(values[t.index('unit')])}”不在区划列表中")
    elif ctx.scope == "unit" and unit != ctx.unit_code:
        ctx.check.add(t.sheet, row, _col(t, "unit"),
                      f"所属区划“{_as_text(values[t.index('unit')])}”不是本报送单位")
    return unit


_ORG_FIELDS = {"unit_code": "unit"}


def _validate_organisations(ctx: _Context, t: fmt.Table, rows: list[tuple[int, list[Any]]]
                            ) -> None:
    _seq(ctx, t, rows)
    idx = {c.key: i for i, c in enumerate(t.columns)}
    text_cols = ("credit_code", "phone", "industry_code")
    text_idx = [idx[k] for k in text_cols]
    unit_col = idx["unit"]
    fields = ("credit_code", "name", "address", "industry_section", "industry_code", "size",
              "contact", "phone", "credit_standing", "leader_type", "code_override_note",
              "notes")
    (i_code, i_name, i_address, i_section, i_industry, i_size, i_contact, i_phone,
     i_standing, i_leader, i_note, i_notes) = (idx[k] for k in fields)
    i_specialised, i_high_tech = idx["specialised"], idx["high_tech"]
    yes, no = fmt.YES, fmt.NO
    units: dict[Any, str | None] = {}
    orgs, unit_codes, sections = ctx.orgs, ctx.unit_codes, ctx.sections
    for row, v in rows:
        for i in text_idx:
            if v[i].__class__ is not str:
                _require_text(ctx, t, row, v, text_cols)
                break
        raw_unit = v[unit_col]
        if raw_unit in units and (ctx.scope == "city" or units[raw_unit] == ctx.unit_code):
            unit = units[raw_unit]
        else:
            unit = units[raw_unit] = _check_unit(ctx, t, row, v)
        flag = v[i_specialised]
        specialised = (False if flag == no or flag == "" else True if flag == yes
                       else _bool(ctx, t, row, v, "specialised"))
        flag = v[i_high_tech]
        high_tech = (False if flag == no or flag == "" else True if flag == yes
                     else _bool(ctx, t, row, v, "high_tech"))
        name = _text(v[i_name])
        data = OrganisationData(
            credit_code=_text(v[i_code]), name=name, unit_code=unit or "",
            address=_text(v[i_address]), industry_section=_text(v[i_section]),
            industry_code=_text(v[i_industry]), size=_text(v[i_size]),
            contact=_text(v[i_contact]), phone=_text(v[i_phone]),
            credit_standing=_text(v[i_standing]), leader_type=_text(v[i_leader]),
            specialised=specialised, high_tech=high_tech,
            code_override_note=_text(v[i_note]), notes=_text(v[i_notes]))
        issues = validate_organisation(data, unit_codes=unit_codes, sections=sections)
        if issues:
            if unit is None:
                issues = [i for i in issues if i.field != "unit_code"]
            _issues(ctx, t, row, issues, _ORG_FIELDS)
        code = data.credit_code
        if code in orgs:
            ctx.check.add(t.sheet, row, _col(t, "credit_code"), f"统一社会信用代码 {code} 重复出现")
        else:
            orgs[code] = (name.strip(), unit or "")


_CERT_FIELDS = {"org_id": "credit_code", "body_id": "body_name", "number": "number"}


def _validate_certificates(ctx: _Context, t: fmt.Table, rows: list[tuple[int, list[Any]]]
                           ) -> None:
    _seq(ctx, t, rows)
    idx = {c.key: i for i, c in enumerate(t.columns)}
    seen: dict[tuple[str, str, str], int] = {}
    approvals: dict[str, list[Issue]] = {}
    statuses = {s.label: s for s in CertStatus}
    text_cols = ("number", "credit_code", "type_code", "approval_number")
    text_idx = [idx[k] for k in text_cols]
    i_credit, i_org_name, i_type, i_type_name = (
        idx["credit_code"], idx["org_name"], idx["type_code"], idx["type_name"])
    i_status, i_recorded, i_body, i_approval, i_number = (
        idx["status"], idx["recorded_status"], idx["body_name"], idx["approval_number"],
        idx["number"])
    date_keys = ("issue_date", "expiry_date", "first_issue_date", "status_date",
                 "last_surveillance_date")
    date_cols = [(k, idx[k]) for k in date_keys]
    int_cols = [(k, idx[k]) for k in ("surveillance_count", "recert_count", "batch_year")]
    has_unit = "unit" in idx
    orgs, types, today, check = ctx.orgs, ctx.types, ctx.today, ctx.check
    kept: list[list[Any]] = [[] for _ in range(8)]
    for row, v in rows:
        for i in text_idx:
            if v[i].__class__ is not str:
                _require_text(ctx, t, row, v, text_cols)
                break
        credit = _text(v[i_credit]).strip()
        org = orgs.get(credit)
        if org is None:
            check.add(t.sheet, row, _col(t, "credit_code"),
                      f"统一社会信用代码 {credit} 不在表2（获证组织）中")
        elif _text(v[i_org_name]).strip() != org[0]:
            check.add(t.sheet, row, _col(t, "org_name"), "组织名称与表2中该信用代码的组织名称不一致")
        if has_unit:
            unit = _check_unit(ctx, t, row, v)
            if org is not None and unit is not None and unit != org[1]:
                check.add(t.sheet, row, _col(t, "unit"), "所属区划与表2中该组织的所属区划不一致")
        type_code = _text(v[i_type]).strip()
        ctype = types.get(type_code)
        if ctype is not None and _text(v[i_type_name]).strip() != ctype.name:
            check.add(t.sheet, row, _col(t, "type_name"),
                      f"认证类别应为“{ctype.name}”（与类别代码 {type_code} 对应）")
        status_text = _text(v[i_status]).strip()
        shown = statuses.get(status_text)
        if shown is None:
            choices = "、".join(s.label for s in CertStatus)
            check.add(t.sheet, row, _col(t, "status"), f"证书状态应为 {choices} 之一，当前为“{status_text}”")
        recorded_text = _text(v[i_recorded]).strip()
        status = statuses.get(recorded_text)
        if status is None:
            choices = "、".join(s.label for s in CertStatus)
            check.add(t.sheet, row, _col(t, "recorded_status"),
                      f"登记状态应为 {choices} 之一，当前为“{recorded_text}”")
        body_name = _text(v[i_body]).strip()
        approval = _text(v[i_approval]).strip()
        if approval:
            problems = approvals.get(approval)
            if problems is None:
                problems = approvals[approval] = validate_approval_number(approval)[1]
            if problems:
                _issues(ctx, t, row, problems, {"approval_number": "approval_number"})
        dates: list[date | None] = []
        for key, i in date_cols:
            d = v[i]
            if d.__class__ is not date:
                d = None if d == "" else _date(ctx, t, row, v, key)
            dates.append(d)
        ints: list[int | None] = []
        for key, i in int_cols:
            n = v[i]
            if n.__class__ is float and n.is_integer():
                n = int(n)
            elif n.__class__ is not int:
                n = None if n == "" else _int(ctx, t, row, v, key)
            ints.append(n)
        issue_date, expiry_date, first_issue_date, status_date, watched = dates
        data = CertificateData(
            number=_text(v[i_number]), org_id=1 if org is not None else None,
            type_code=type_code, body_id=1 if body_name else None,
            status=status.value if status else "01",
            issue_date=issue_date, expiry_date=expiry_date, first_issue_date=first_issue_date,
            status_date=status_date, last_surveillance_date=watched,
            surveillance_count=ints[0] or 0, recert_count=ints[1] or 0, batch_year=ints[2])
        if status is not None and shown is not None:
            effective = effective_status(status, expiry_date, today, status_date)
            if shown is not effective:
                check.add(t.sheet, row, _col(t, "status"),
                          f"证书状态应为“{effective.label}”（登记状态为“{status.label}”，"
                          f"按有效期至计算到生成日期 {today.isoformat()} 的状态），"
                          f"当前为“{shown.label}”")
        issues = validate_certificate(data, type_kind=ctype.kind if ctype else None,
                                      today=today)
        if issues:
            if org is None:
                issues = [i for i in issues if i.field != "org_id"]
            _issues(ctx, t, row, issues, _CERT_FIELDS)
        number = data.number
        key = (approval or body_name, type_code if not body_name else "", number)
        if key in seen:
            check.add(t.sheet, row, _col(t, "number"),
                      f"证书编号 {number} 与第{seen[key]}行重复（同一认证机构或同一类别名单下）")
        else:
            seen[key] = row
        for column, value in zip(kept, (credit, number, type_code,
                                        status.value if status else "", issue_date,
                                        expiry_date, ints[2], status_date), strict=True):
            column.append(value)
    ctx.add_certificates(*kept)


def _validate_changes(ctx: _Context, t: fmt.Table, rows: list[tuple[int, list[Any]]]) -> None:
    idx = {c.key: i for i, c in enumerate(t.columns)}
    end = min(ctx.period.end, ctx.today) if ctx.period else None
    for row, v in rows:
        if "unit" in idx:
            _check_unit(ctx, t, row, v)
        kind = _text(v[idx["kind"]]).strip()
        if kind not in fmt.CHANGE_KINDS:
            ctx.check.add(t.sheet, row, _col(t, "kind"),
                          f"变动类型应为 {'、'.join(fmt.CHANGE_KINDS)} 之一，当前为“{kind}”")
        entity = _text(v[idx["entity"]]).strip()
        if entity not in fmt.CHANGE_ENTITIES:
            ctx.check.add(t.sheet, row, _col(t, "entity"),
                          f"对象应为 {'、'.join(fmt.CHANGE_ENTITIES)} 之一，当前为“{entity}”")
        day = _date(ctx, t, row, v, "date")
        if day is None:
            if v[idx["date"]] in ("", None):
                ctx.check.add(t.sheet, row, _col(t, "date"), "变动日期不能为空")
        elif ctx.period is not None and end is not None and not (
                ctx.period.start <= day <= end):
            ctx.check.add(t.sheet, row, _col(t, "date"),
                          f"变动日期 {day.isoformat()} 不在报告期 {ctx.period.code} 内")


_SUBSIDY_FIELDS = {"org_id": "credit_code", "amount": "amount", "granted_on": "granted_on"}


def _validate_subsidies(ctx: _Context, t: fmt.Table, rows: list[tuple[int, list[Any]]]) -> None:
    idx = {c.key: i for i, c in enumerate(t.columns)}
    for row, v in rows:
        _require_text(ctx, t, row, v, ("credit_code",))
        if "unit" in idx:
            _check_unit(ctx, t, row, v)
        credit = _text(v[idx["credit_code"]]).strip()
        known = credit in ctx.orgs
        if not known:
            ctx.check.add(t.sheet, row, _col(t, "credit_code"),
                          f"统一社会信用代码 {credit} 不在表2（获证组织）中")
        raw = v[idx["amount"]]
        amount: Any = None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            try:
                amount = Decimal(fmt.canonical(raw))
            except InvalidOperation:
                amount = None
        elif raw not in ("", None):
            ctx.check.add(t.sheet, row, _col(t, "amount"), f"金额“{_as_text(raw)}”应为数字")
            amount = Decimal(1)
        year = _int(ctx, t, row, v, "year")
        data = SubsidyData(year=year or 0, org_id=1 if known else None,
                           category=_text(v[idx["category"]]), amount=amount,
                           doc_number=_text(v[idx["doc_number"]]),
                           granted_on=_date(ctx, t, row, v, "granted_on"))
        issues = validate_subsidy(data, today=ctx.today)
        if not known:
            issues = [i for i in issues if i.field != "org_id"]
        _issues(ctx, t, row, issues, _SUBSIDY_FIELDS)


_CASE_FIELDS = {"org_id": "credit_code", "inspected_on": "inspected_on", "kind": "kind"}


def _validate_cases(ctx: _Context, t: fmt.Table, rows: list[tuple[int, list[Any]]]) -> None:
    idx = {c.key: i for i, c in enumerate(t.columns)}
    for row, v in rows:
        _require_text(ctx, t, row, v, ("credit_code", "certificate_number"))
        if "unit" in idx:
            _check_unit(ctx, t, row, v)
        credit = _text(v[idx["credit_code"]]).strip()
        known = credit in ctx.orgs
        if not known:
            ctx.check.add(t.sheet, row, _col(t, "credit_code"),
                          f"统一社会信用代码 {credit} 不在表2（获证组织）中")
        number = _text(v[idx["certificate_number"]]).strip()
        if number and (credit, number) not in ctx.certificate_keys:
            ctx.check.add(t.sheet, row, _col(t, "certificate_number"),
                          f"证书编号 {number} 不在表3中该组织的证书里")
        data = CaseData(inspected_on=_date(ctx, t, row, v, "inspected_on"),
                        org_id=1 if known else None, kind=_text(v[idx["kind"]]),
                        blacklisted=_bool(ctx, t, row, v, "blacklisted"))
        issues = validate_case(data, today=ctx.today)
        if not known:
            issues = [i for i in issues if i.field != "org_id"]
        _issues(ctx, t, row, issues, _CASE_FIELDS)


def _validate_numbers(ctx: _Context, t: fmt.Table, rows: list[tuple[int, list[Any]]]) -> None:
    for row, v in rows:
        name = _text(v[0]).strip()
        if not name:
            ctx.check.add(t.sheet, row, _col(t, "name"), "名称不能为空")
        for i, c in enumerate(t.columns[1:], start=1):
            if c.kind in ("int", "number", "percent"):
                value = v[i]
                if value in ("", None):
                    continue
                if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                    ctx.check.add(t.sheet, row, f"{get_column_letter(i + 1)}（{c.header}）",
                                  f"“{_as_text(value)}”应为不小于0的数字")
    if t.id == "indicators":
        known = {i.name for i in ctx.reference.indicators}
        for row, v in rows:
            if _text(v[0]).strip() and _text(v[0]).strip() not in known:
                ctx.check.add(t.sheet, row, _col(t, "name"),
                              f"指标“{_text(v[0])}”不在本程序的指标目录中（参考数据版本可能不同）",
                              WARNING)
    elif t.id == "types":
        known = {c.name for c in ctx.reference.catalogue}
        for row, v in rows:
            if _text(v[0]).strip() and _text(v[0]).strip() not in known:
                ctx.check.add(t.sheet, row, _col(t, "name"),
                              f"类别“{_text(v[0])}”不在本程序的认证类别目录中（参考数据版本可能不同）",
                              WARNING)


def _cross_check_types(ctx: _Context, tables: Sequence[fmt.Table],
                       parsed: dict[str, _Block]) -> None:
    """表1 counts by type must agree with 表3 as of the period's end (勾稽关系)."""
    types_table = next((t for t in tables if t.id == "types"), None)
    certs_present = any(t.id == "certificates" for t in tables)
    if types_table is None or ctx.period is None or not certs_present:
        return
    if any(p.sheet == fmt.SHEET_3 and p.severity == ERROR for p in ctx.check.result.problems):
        return  # 表3 itself is wrong; its rows cannot be trusted for counting
    as_of = min(ctx.period.end, ctx.today)
    by_name = {t.name: t.code for t in ctx.reference.catalogue}
    counted: dict[str, Counter[str]] = {}
    new: Counter[str] = Counter()
    start, year = ctx.period.start, as_of.year
    # Rows are counted by what decides their status on ``as_of`` (expired by then? status
    # set only later?); each distinct combination is then asked of the domain rule once.
    decided: Counter[tuple[str, str, bool, bool]] = Counter()
    _, _, types, statuses, issues, expiries, batch_years, status_dates = ctx.certificates
    for type_code, status, issue, expiry, batch_year, status_date in zip(
            types, statuses, issues, expiries, batch_years, status_dates, strict=True):
        if not status or not (issue <= as_of if issue else (
                batch_year is not None and batch_year <= year)):
            continue
        decided[type_code, status, bool(expiry) and expiry < as_of,
                bool(status_date) and status_date > as_of] += 1
        if issue and start <= issue:
            new[type_code] += 1
    before, after = date.fromordinal(as_of.toordinal() - 1), date.fromordinal(
        as_of.toordinal() + 1)
    for (type_code, status, expired, later), n in decided.items():
        eff = effective_status(status, before if expired else None, as_of,
                               after if later else None).value
        by_status = counted.get(type_code)
        if by_status is None:
            by_status = counted[type_code] = Counter()
        by_status[eff] += n
    keys = (("new", None), ("valid", "01"), ("suspended", "02"), ("revoked", "03"),
            ("cancelled", "04"), ("expired", "05"))
    types_block = parsed.get("types")
    for row, v in types_block.numbered() if types_block is not None else []:
        code = by_name.get(_text(v[0]).strip())
        if code is None:
            continue
        for key, status in keys:
            i = types_table.index(key)
            stated = v[i]
            actual = new[code] if status is None else counted.get(code, Counter())[status]
            if isinstance(stated, int | float) and int(stated) != actual:
                ctx.check.add(types_table.sheet, row, _col(types_table, key),
                              f"与表3不符：表3中该类别{types_table.columns[i].header}为 {actual}，"
                              f"此处为 {fmt.canonical(stated)}")


_VALIDATORS: dict[str, Callable[[_Context, fmt.Table, list[tuple[int, list[Any]]]], None]] = {
    "indicators": _validate_numbers,
    "types": _validate_numbers,
    "organisations": _validate_organisations,
    "certificates": _validate_certificates,
    "changes": _validate_changes,
    "subsidies": _validate_subsidies,
    "cases": _validate_cases,
}


def verify_files(paths: Sequence[str | Path], reference: ReferenceData, *,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> list[Verification]:
    results = []
    for n, p in enumerate(paths):
        results.append(verify_file(p, reference, cancel=cancel))
        if progress is not None:
            progress(n + 1, len(paths))
    return results
