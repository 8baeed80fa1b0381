"""Reference data (units, industry sections, catalogue, indicators) read from JSON files.

The facts live in ``resources/reference/*.json``; this module only reads and checks them.
It is pure: no database, no Qt. A newer copy of a file in an override directory (the
city drops it into ``<home>/reference/``) replaces the shipped one; a broken override
is ignored with a warning, a broken shipped file raises :class:`UserError`.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, NoReturn, get_args

from greencert_desktop.domain.errors import UserError

UNITS_FILE = "units.json"
SECTIONS_FILE = "industry_sections.json"
CATALOGUE_FILE = "catalogue.json"
INDICATORS_FILE = "indicators.json"
REFERENCE_FILES: tuple[str, ...] = (UNITS_FILE, SECTIONS_FILE, CATALOGUE_FILE, INDICATORS_FILE)

RESOURCES_ENV = "GREENCERT_RESOURCES"

UnitKind = Literal["district", "county", "zone"]
CertKind = Literal["certificate", "listing"]
Comparison = Literal[">", ">=", "="]
IndicatorSource = Literal["certificates", "organisations", "subsidies", "share"]
FilterValue = str | int | float | bool


# --------------------------------------------------------------------------- records


class CityRef(NamedTuple):
    code: str
    name: str


@dataclass(frozen=True)
class UnitRef:
    code: str
    name: str
    kind: UnitKind
    official: bool
    active: bool
    sort: int
    note: str


@dataclass(frozen=True)
class FormerUnitRef:
    code: str
    name: str
    merged_into: str


@dataclass(frozen=True)
class SectionRef:
    code: str
    name: str
    first_division: int
    last_division: int

    def contains(self, division: int) -> bool:
        return self.first_division <= division <= self.last_division


@dataclass(frozen=True)
class CertTypeRef:
    code: str
    name: str
    short_names: tuple[str, ...]
    standard_keys: tuple[str, ...]
    section: str
    group: str
    basis: str
    validity_years: int | None
    validity_unconfirmed: bool
    kind: CertKind
    indicator: str | None
    sort: int

    @property
    def is_listing(self) -> bool:
        return self.kind == "listing"


@dataclass(frozen=True)
class IndicatorRef:
    code: str
    name: str
    measure: str
    target: float | None
    target_max: float | None
    comparison: Comparison
    source: IndicatorSource
    filter: Mapping[str, FilterValue] = field(hash=False)
    section: str
    sort: int
    note: str


@dataclass(frozen=True)
class QuotaRef:
    indicator: str
    unit: str
    target: float


@dataclass(frozen=True, eq=False)
class ReferenceData:
    """Everything read from the four files, with look-up helpers.

    Collections are tuples ordered by ``sort`` (sections in file order).
    ``versions`` and ``sources`` map each file name to the version and path actually used.
    """

    city: CityRef
    units: tuple[UnitRef, ...]
    former_units: tuple[FormerUnitRef, ...]
    sections: tuple[SectionRef, ...]
    catalogue: tuple[CertTypeRef, ...]
    indicators: tuple[IndicatorRef, ...]
    quotas: tuple[QuotaRef, ...]
    target_year: int
    versions: dict[str, int]
    sources: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _match_exact: dict[str, CertTypeRef] = field(init=False, repr=False)
    _match_names: tuple[tuple[str, CertTypeRef], ...] = field(init=False, repr=False)
    _match_keys: tuple[tuple[str, CertTypeRef], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        exact, names, keys = _match_tables(self.catalogue)
        object.__setattr__(self, "_match_exact", exact)
        object.__setattr__(self, "_match_names", names)
        object.__setattr__(self, "_match_keys", keys)

    # -- units
    def unit(self, code: str) -> UnitRef | None:
        wanted = code.strip().upper()
        return next((u for u in self.units if u.code == wanted), None)

    def unit_for_division(self, code: str) -> UnitRef | None:
        """The current unit for a division code, following abolished codes (320705 → 海州区)."""
        found = self.unit(code)
        if found is not None:
            return found
        wanted = code.strip().upper()
        former = next((f for f in self.former_units if f.code == wanted), None)
        return self.unit(former.merged_into) if former is not None else None

    # -- industry sections
    def section_ranges(self) -> dict[str, tuple[int, int]]:
        return {s.code: (s.first_division, s.last_division) for s in self.sections}

    def section_for_division(self, division: int) -> SectionRef | None:
        return next((s for s in self.sections if s.contains(division)), None)

    # -- catalogue
    def cert_type(self, code: str) -> CertTypeRef | None:
        wanted = code.strip().upper()
        return next((t for t in self.catalogue if t.code == wanted), None)

    def types_for_indicator(self, code: str) -> tuple[CertTypeRef, ...]:
        return tuple(t for t in self.catalogue if t.indicator == code)

    def find_cert_type(self, text: str) -> CertTypeRef | None:
        """The catalogue type a clerk meant by ``text``, or ``None`` when unknown or ambiguous.

        Tried in order: exact code / name / short name / standard key; then a standard key
        inside the text (``ISO 14001:2015``, ``GB/T 24001-2016``); then the longest name or
        short name (4 characters or more) inside the text. Case, full-width forms, spaces and
        brackets are ignored.
        """
        key = normalize_match_text(text)
        if not key:
            return None
        exact = self._match_exact.get(key)
        if exact is not None:
            return exact
        by_key = {t.code: t for k, t in self._match_keys if _contains_token(key, k)}
        if by_key:
            return next(iter(by_key.values())) if len(by_key) == 1 else None
        best_len = 0
        best: dict[str, CertTypeRef] = {}
        for name, t in self._match_names:
            if len(name) < 4 or name not in key:
                continue
            if len(name) > best_len:
                best_len, best = len(name), {t.code: t}
            elif len(name) == best_len:
                best[t.code] = t
        return next(iter(best.values())) if len(best) == 1 else None

    # -- indicators
    def indicator(self, code: str) -> IndicatorRef | None:
        return next((i for i in self.indicators if i.code == code), None)

    def quota(self, indicator: str, unit: str) -> QuotaRef | None:
        return next((q for q in self.quotas if q.indicator == indicator and q.unit == unit), None)


# --------------------------------------------------------------------------- matching

_IGNORED_IN_MATCH = re.compile(r"[\s()\[\]{}<>（）【】〔〕〈〉《》「」『』\"'“”‘’]+")


def normalize_match_text(text: str) -> str:
    """NFKC, case-folded, without whitespace, brackets or quotes."""
    return _IGNORED_IN_MATCH.sub("", unicodedata.normalize("NFKC", text).casefold())


def _contains_token(text: str, token: str) -> bool:
    """``token`` occurs in ``text`` not glued to a neighbouring digit (or ASCII letter)."""
    start = text.find(token)
    while start >= 0:
        end = start + len(token)
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < len(text) else ""
        if not _glued(before, token[0]) and not _glued(after, token[-1]):
            return True
        start = text.find(token, start + 1)
    return False


def _glued(neighbour: str, edge: str) -> bool:
    if not neighbour or not neighbour.isascii() or not edge.isascii():
        return False
    if edge.isdigit():
        return neighbour.isdigit()
    if edge.isalpha():
        return neighbour.isalpha()
    return False


def _match_keys_of(t: CertTypeRef) -> list[str]:
    return [t.code, t.name, *t.short_names, *t.standard_keys]


_Pairs = tuple[tuple[str, CertTypeRef], ...]


def _match_tables(
    catalogue: Iterable[CertTypeRef],
) -> tuple[dict[str, CertTypeRef], _Pairs, _Pairs]:
    exact: dict[str, CertTypeRef] = {}
    names: list[tuple[str, CertTypeRef]] = []
    keys: list[tuple[str, CertTypeRef]] = []
    for t in catalogue:
        for raw in _match_keys_of(t):
            exact.setdefault(normalize_match_text(raw), t)
        names.extend((normalize_match_text(n), t) for n in (t.name, *t.short_names))
        keys.extend((normalize_match_text(k), t) for k in t.standard_keys)
    return exact, tuple(names), tuple(keys)


# --------------------------------------------------------------------------- locations


def resources_dir() -> Path:
    """The shipped ``resources/`` folder (``GREENCERT_RESOURCES`` overrides)."""
    env = os.environ.get(RESOURCES_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and meipass:
        return Path(meipass) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


# --------------------------------------------------------------------------- checking


class _Checker:
    """Raises ``UserError`` with messages like ``参考数据文件 units.json 第3项缺少 "name"``."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name

    def fail(self, detail: str) -> NoReturn:
        raise UserError(f"参考数据文件 {self.file_name} {detail}")

    @staticmethod
    def where(index: int | None, code: object = None) -> str:
        if index is None:
            return ""
        label = f"第{index}项"
        if isinstance(code, str) and code:
            label += f"（{code}）"
        return label

    def get(self, obj: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in obj:
            self.fail(f'{where}缺少 "{key}"')
        return obj[key]

    def text(self, obj: Mapping[str, Any], key: str, where: str, *, empty: bool = False) -> str:
        value = self.get(obj, key, where)
        if not isinstance(value, str):
            self.fail(f'{where}的 "{key}" 应为文本')
        if not empty and not value.strip():
            self.fail(f'{where}的 "{key}" 不能为空')
        return value if empty else value.strip()

    def optional_text(self, obj: Mapping[str, Any], key: str, where: str) -> str | None:
        value = self.get(obj, key, where)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f'{where}的 "{key}" 应为非空文本或 null')
        return value.strip()

    def flag(self, obj: Mapping[str, Any], key: str, where: str) -> bool:
        value = self.get(obj, key, where)
        if not isinstance(value, bool):
            self.fail(f'{where}的 "{key}" 应为 true 或 false')
        return value

    def integer(
        self, obj: Mapping[str, Any], key: str, where: str, *, minimum: int | None = None
    ) -> int:
        value = self.get(obj, key, where)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(f'{where}的 "{key}" 应为整数')
        if minimum is not None and value < minimum:
            self.fail(f'{where}的 "{key}" 不能小于 {minimum}')
        return value

    def optional_integer(
        self, obj: Mapping[str, Any], key: str, where: str, *, minimum: int
    ) -> int | None:
        if self.get(obj, key, where) is None:
            return None
        return self.integer(obj, key, where, minimum=minimum)

    def number(
        self, obj: Mapping[str, Any], key: str, where: str, *, nullable: bool
    ) -> float | None:
        value = self.get(obj, key, where)
        if value is None and nullable:
            return None
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value < 0:
            self.fail(f'{where}的 "{key}" 应为非负数字' + ("或 null" if nullable else ""))
        return value

    def required_number(self, obj: Mapping[str, Any], key: str, where: str) -> float:
        value = self.number(obj, key, where, nullable=False)
        assert value is not None
        return value

    def text_list(self, obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = self.get(obj, key, where)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f'{where}的 "{key}" 应为非空文本的列表')
        return tuple(dict.fromkeys(v.strip() for v in value))

    def choice(self, obj: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> Any:
        value = self.get(obj, key, where)
        if value not in allowed:
            options = "、".join(f'"{a}"' for a in allowed)
            self.fail(f'{where}的 "{key}" 应为 {options} 之一')
        return value

    def mapping(self, value: Any, where: str, key: str | None = None) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(f'{where}的 "{key}" 应为对象' if key else f"{where}应为对象")
        return value

    def items(self, doc: Mapping[str, Any], key: str) -> list[tuple[str, Mapping[str, Any]]]:
        value = self.get(doc, key, "")
        if not isinstance(value, list):
            self.fail(f'"{key}" 应为列表')
        out: list[tuple[str, Mapping[str, Any]]] = []
        for index, raw in enumerate(value, start=1):
            code = raw.get("code") if isinstance(raw, dict) else None
            where = self.where(index, code)
            if key != "items":
                where = f'"{key}" {where}'
            out.append((where, self.mapping(raw, where)))
        return out

    def unique(self, seen: dict[str, str], value: str, where: str, key: str = "code") -> None:
        if value in seen:
            self.fail(f'{where}的 "{key}" 与{seen[value]}重复：{value}')
        seen[value] = where


def _read_json(file_name: str, path: Path) -> dict[str, Any]:
    check = _Checker(file_name)

    def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                check.fail(f'含有重复的键 "{key}"')
            out[key] = value
        return out

    if not path.is_file():
        check.fail(f"不存在：{path}")
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        check.fail("不是 UTF-8 编码的文本")
    except OSError as exc:
        check.fail(f"无法读取：{exc.strerror or exc}")
    try:
        doc = json.loads(raw, object_pairs_hook=no_duplicate_keys)
    except json.JSONDecodeError as exc:
        check.fail(f"不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）")
    if not isinstance(doc, dict):
        check.fail("的顶层应为对象")
    return doc


def _header(file_name: str, doc: Mapping[str, Any]) -> int:
    check = _Checker(file_name)
    check.text(doc, "name", "")
    return check.integer(doc, "version", "", minimum=1)


# --------------------------------------------------------------------------- per-file parsing


@dataclass(frozen=True)
class _UnitsFile:
    city: CityRef
    units: tuple[UnitRef, ...]
    former: tuple[FormerUnitRef, ...]


@dataclass(frozen=True)
class _IndicatorsFile:
    target_year: int
    indicators: tuple[IndicatorRef, ...]
    quotas: tuple[QuotaRef, ...]


def _nonempty_items(check: _Checker, doc: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    items = check.items(doc, "items")
    if not items:
        check.fail('的 "items" 不能为空')
    return items


def _parse_units(doc: Mapping[str, Any]) -> _UnitsFile:
    check = _Checker(UNITS_FILE)
    city_raw = check.mapping(check.get(doc, "city", ""), "", "city")
    city = CityRef(check.text(city_raw, "code", '"city" '), check.text(city_raw, "name", '"city" '))
    units: list[UnitRef] = []
    seen: dict[str, str] = {}
    for where, item in _nonempty_items(check, doc):
        unit = UnitRef(
            code=check.text(item, "code", where).upper(),
            name=check.text(item, "name", where),
            kind=check.choice(item, "kind", where, get_args(UnitKind)),
            official=check.flag(item, "official", where),
            active=check.flag(item, "active", where),
            sort=check.integer(item, "sort", where),
            note=check.text(item, "note", where, empty=True),
        )
        check.unique(seen, unit.code, where)
        units.append(unit)
    former: list[FormerUnitRef] = []
    for where, item in check.items(doc, "former"):
        old = FormerUnitRef(
            code=check.text(item, "code", where).upper(),
            name=check.text(item, "name", where),
            merged_into=check.text(item, "merged_into", where).upper(),
        )
        check.unique(seen, old.code, where)
        if not any(u.code == old.merged_into for u in units):
            check.fail(f'{where}的 "merged_into" 指向不存在的单位：{old.merged_into}')
        former.append(old)
    units.sort(key=lambda u: u.sort)
    return _UnitsFile(city, tuple(units), tuple(former))


def _parse_sections(doc: Mapping[str, Any]) -> tuple[SectionRef, ...]:
    check = _Checker(SECTIONS_FILE)
    sections: list[SectionRef] = []
    seen: dict[str, str] = {}
    for where, item in _nonempty_items(check, doc):
        section = SectionRef(
            code=check.text(item, "code", where).upper(),
            name=check.text(item, "name", where),
            first_division=check.integer(item, "first_division", where, minimum=1),
            last_division=check.integer(item, "last_division", where, minimum=1),
        )
        check.unique(seen, section.code, where)
        if section.last_division < section.first_division or section.last_division > 99:
            check.fail(f'{where}的 "first_division"–"last_division" 范围无效')
        for other in sections:
            if (
                section.first_division <= other.last_division
                and other.first_division <= section.last_division
            ):
                check.fail(f"{where}的大类范围与门类 {other.code} 重叠")
        sections.append(section)
    return tuple(sections)


def _parse_catalogue(doc: Mapping[str, Any]) -> tuple[CertTypeRef, ...]:
    check = _Checker(CATALOGUE_FILE)
    types: list[CertTypeRef] = []
    seen: dict[str, str] = {}
    match_seen: dict[str, str] = {}
    for where, item in _nonempty_items(check, doc):
        cert = CertTypeRef(
            code=check.text(item, "code", where).upper(),
            name=check.text(item, "name", where),
            short_names=check.text_list(item, "short_names", where),
            standard_keys=check.text_list(item, "standard_keys", where),
            section=check.text(item, "section", where),
            group=check.text(item, "group", where),
            basis=check.text(item, "basis", where, empty=True),
            validity_years=check.optional_integer(item, "validity_years", where, minimum=1),
            validity_unconfirmed=check.flag(item, "validity_unconfirmed", where),
            kind=check.choice(item, "kind", where, get_args(CertKind)),
            indicator=check.optional_text(item, "indicator", where),
            sort=check.integer(item, "sort", where),
        )
        check.unique(seen, cert.code, where)
        for raw in dict.fromkeys(normalize_match_text(k) for k in _match_keys_of(cert)):
            if not raw:
                check.fail(f"{where}含有空的名称或简称")
            if raw in match_seen and match_seen[raw] != where:
                check.fail(f"{where}的名称、简称或标准号“{raw}”与{match_seen[raw]}重复")
            match_seen[raw] = where
        types.append(cert)
    types.sort(key=lambda t: t.sort)
    return tuple(types)


def _parse_filter(check: _Checker, raw: Any, where: str) -> Mapping[str, FilterValue]:
    obj = check.mapping(raw, where, "filter")
    for key, value in obj.items():
        ok = isinstance(value, str | int | float | bool)
        if not ok or (isinstance(value, float) and not math.isfinite(value)):
            check.fail(f'{where}的 "filter" 中 "{key}" 应为文本、数字或 true/false')
    return MappingProxyType(dict(obj))


def _parse_indicators(doc: Mapping[str, Any]) -> _IndicatorsFile:
    check = _Checker(INDICATORS_FILE)
    target_year = check.integer(doc, "target_year", "", minimum=2000)
    indicators: list[IndicatorRef] = []
    seen: dict[str, str] = {}
    for where, item in _nonempty_items(check, doc):
        indicator = IndicatorRef(
            code=check.text(item, "code", where),
            name=check.text(item, "name", where),
            measure=check.text(item, "measure", where),
            target=check.number(item, "target", where, nullable=True),
            target_max=check.number(item, "target_max", where, nullable=True),
            comparison=check.choice(item, "comparison", where, get_args(Comparison)),
            source=check.choice(item, "source", where, get_args(IndicatorSource)),
            filter=_parse_filter(check, check.get(item, "filter", where), where),
            section=check.text(item, "section", where),
            sort=check.integer(item, "sort", where),
            note=check.text(item, "note", where, empty=True),
        )
        check.unique(seen, indicator.code, where)
        if indicator.target_max is not None and (
            indicator.target is None or indicator.target_max < indicator.target
        ):
            check.fail(f'{where}的 "target_max" 应不小于 "target"')
        indicators.append(indicator)
    quotas: list[QuotaRef] = []
    pairs: dict[str, str] = {}
    for where, item in check.items(doc, "quotas"):
        quota = QuotaRef(
            indicator=check.text(item, "indicator", where),
            unit=check.text(item, "unit", where).upper(),
            target=check.required_number(item, "target", where),
        )
        if quota.indicator not in seen:
            check.fail(f'{where}的 "indicator" 指向不存在的指标：{quota.indicator}')
        pair = f"{quota.indicator} / {quota.unit}"
        if pair in pairs:
            check.fail(f"{where}与{pairs[pair]}是同一指标、同一单位的重复配额：{pair}")
        pairs[pair] = where
        quotas.append(quota)
    indicators.sort(key=lambda i: i.sort)
    return _IndicatorsFile(target_year, tuple(indicators), tuple(quotas))


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class _Loaded:
    version: int
    path: Path
    value: Any
    overridden: bool


def _load_one(file_name: str, path: Path, parse: Callable[[Mapping[str, Any]], Any]) -> _Loaded:
    doc = _read_json(file_name, path)
    version = _header(file_name, doc)
    return _Loaded(version, path, parse(doc), overridden=False)


def _parsers() -> dict[str, Callable[[Mapping[str, Any]], Any]]:
    return {
        UNITS_FILE: _parse_units,
        SECTIONS_FILE: _parse_sections,
        CATALOGUE_FILE: _parse_catalogue,
        INDICATORS_FILE: _parse_indicators,
    }


def _choose(
    file_name: str,
    shipped: _Loaded,
    override_dir: Path | None,
    parse: Callable[[Mapping[str, Any]], Any],
    warnings: list[str],
) -> _Loaded:
    if override_dir is None:
        return shipped
    path = override_dir / file_name
    if not path.is_file():
        return shipped
    try:
        doc = _read_json(file_name, path)
        version = _header(file_name, doc)
        if version <= shipped.version:
            return shipped
        return _Loaded(version, path, parse(doc), overridden=True)
    except UserError as exc:
        warnings.append(_fallback_warning(path, shipped, exc.message))
        return shipped


def _fallback_warning(path: Path, shipped: _Loaded, reason: str) -> str:
    return f"更新的参考数据文件 {path} 无法使用，已改用程序自带的第 {shipped.version} 版：{reason}"


def _cross_check(chosen: Mapping[str, _Loaded]) -> tuple[str, tuple[str, ...]] | None:
    """The first inconsistency between files: (message, files involved, culprit first)."""
    units: _UnitsFile = chosen[UNITS_FILE].value
    catalogue: tuple[CertTypeRef, ...] = chosen[CATALOGUE_FILE].value
    indicators: _IndicatorsFile = chosen[INDICATORS_FILE].value
    indicator_codes = {i.code for i in indicators.indicators}
    unit_codes = {u.code for u in units.units}
    for index, cert in enumerate(catalogue, start=1):
        if cert.indicator is not None and cert.indicator not in indicator_codes:
            message = (
                f"参考数据文件 {CATALOGUE_FILE} {_Checker.where(index, cert.code)}"
                f'的 "indicator" 指向 {INDICATORS_FILE} 中不存在的指标：{cert.indicator}'
            )
            return message, (CATALOGUE_FILE, INDICATORS_FILE)
    for index, quota in enumerate(indicators.quotas, start=1):
        if quota.unit not in unit_codes:
            message = (
                f'参考数据文件 {INDICATORS_FILE} "quotas" 第{index}项'
                f'的 "unit" 指向 {UNITS_FILE} 中不存在的单位：{quota.unit}'
            )
            return message, (INDICATORS_FILE, UNITS_FILE)
    return None


def load_reference(
    shipped_dir: Path | None = None, override_dir: Path | None = None
) -> ReferenceData:
    """Read the four reference files.

    ``shipped_dir`` holds the shipped files (default ``resources_dir() / "reference"``);
    ``override_dir`` (e.g. ``<home>/reference``) may hold newer copies, used when their
    ``version`` is greater. Raises :class:`UserError` when a shipped file is broken.
    """
    base = shipped_dir if shipped_dir is not None else resources_dir() / "reference"
    warnings: list[str] = []
    parsers = _parsers()
    shipped = {name: _load_one(name, base / name, parse) for name, parse in parsers.items()}
    chosen = {
        name: _choose(name, shipped[name], override_dir, parsers[name], warnings)
        for name in REFERENCE_FILES
    }
    while (problem := _cross_check(chosen)) is not None:
        message, files = problem
        overridden = [name for name in files if chosen[name].overridden]
        if not overridden:
            raise UserError(message)
        for name in overridden:
            warnings.append(_fallback_warning(chosen[name].path, shipped[name], message))
            chosen[name] = shipped[name]

    units: _UnitsFile = chosen[UNITS_FILE].value
    indicators: _IndicatorsFile = chosen[INDICATORS_FILE].value
    return ReferenceData(
        city=units.city,
        units=units.units,
        former_units=units.former,
        sections=chosen[SECTIONS_FILE].value,
        catalogue=chosen[CATALOGUE_FILE].value,
        indicators=indicators.indicators,
        quotas=indicators.quotas,
        target_year=indicators.target_year,
        versions={name: chosen[name].version for name in REFERENCE_FILES},
        sources={name: chosen[name].path for name in REFERENCE_FILES},
        warnings=warnings,
    )
