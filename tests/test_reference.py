"""Reference data files and their loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, TypeVar

import pytest

from greencert_desktop import reference
from greencert_desktop.domain.errors import UserError
from greencert_desktop.reference import (
    CATALOGUE_FILE,
    INDICATORS_FILE,
    REFERENCE_FILES,
    SECTIONS_FILE,
    UNITS_FILE,
    ReferenceData,
    load_reference,
    resources_dir,
)

T = TypeVar("T")

SHIPPED = Path(__file__).resolve().parent.parent / "resources" / "reference"

CATALOGUE_CODES = {
    "ORGANIC", "GAP", "ISO22000", "HACCP", "GREEN_FOOD", "GI", "EMS", "ENMS",
    "ENERGY_SAVING", "WATER_SAVING", "LOW_CARBON", "ECO_LABEL", "GREEN_PRODUCT",
    "GREEN_BUILDING_MATERIAL", "SERVICE", "REMANUFACTURED", "CARBON_FOOTPRINT",
    "QMS_TRANSPORT", "GREEN_CONSTRUCTION", "GREEN_PACKAGING", "GREEN_FACTORY",
    "GREEN_SUPPLY_CHAIN", "GREEN_DESIGN", "JIANGSU_BOUTIQUE",
}  # fmt: skip


@pytest.fixture(scope="module")
def ref() -> ReferenceData:
    return load_reference(SHIPPED)


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "shipped"
    shutil.copytree(SHIPPED, target)
    return target


def must(value: T | None) -> T:
    assert value is not None
    return value


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def override_with(tmp_path: Path, file_name: str, doc: dict[str, Any]) -> Path:
    folder = tmp_path / "home" / "reference"
    write(folder / file_name, doc)
    return folder


# ---------------------------------------------------------------- shipped files


def test_shipped_files_are_pretty_utf8_json_with_header() -> None:
    for name in REFERENCE_FILES:
        text = (SHIPPED / name).read_text(encoding="utf-8")
        doc = json.loads(text)
        assert isinstance(doc["name"], str) and doc["name"]
        assert doc["version"] == 1
        assert isinstance(doc["items"], list) and doc["items"]
        assert "\\u" not in text, name  # ensure_ascii=False
        assert text.startswith("{\n  "), name


def test_default_location_loads_the_shipped_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(reference.RESOURCES_ENV, raising=False)
    assert resources_dir() / "reference" == SHIPPED
    data = load_reference()
    assert data.warnings == []
    assert data.versions == {name: 1 for name in REFERENCE_FILES}
    assert data.sources == {name: SHIPPED / name for name in REFERENCE_FILES}


def test_resources_dir_env_and_frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(reference.RESOURCES_ENV, str(tmp_path))
    assert resources_dir() == tmp_path
    monkeypatch.delenv(reference.RESOURCES_ENV)
    monkeypatch.setattr(reference.sys, "frozen", True, raising=False)
    monkeypatch.setattr(reference.sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"


def test_units(ref: ReferenceData) -> None:
    assert ref.city == ("320700", "连云港市")
    assert ref.city.name == "连云港市"
    assert len(ref.units) == 10
    assert [u.code for u in ref.units] == [
        "320703", "320706", "320707", "320722", "320723", "320724",
        "320771", "320772", "3207XW", "3207YT",
    ]  # fmt: skip
    assert {u.kind for u in ref.units[:3]} == {"district"}
    assert {u.kind for u in ref.units[3:6]} == {"county"}
    assert {u.kind for u in ref.units[6:]} == {"zone"}
    assert all(u.official for u in ref.units[:6])
    assert not any(u.official for u in ref.units[6:])
    assert must(ref.unit("3207xw")).name == "徐圩新区"
    assert must(ref.unit("3207YT")).name == "云台山风景名胜区"
    assert "停用" in must(ref.unit("320772")).note
    assert ref.unit("320705") is None
    assert {(f.code, f.merged_into) for f in ref.former_units} == {
        ("320705", "320706"),
        ("320721", "320707"),
    }
    assert must(ref.unit_for_division("320705")).name == "海州区"
    assert must(ref.unit_for_division("320721")).code == "320707"
    assert ref.unit_for_division("110101") is None


def test_sections_cover_divisions_1_to_97(ref: ReferenceData) -> None:
    ranges = ref.section_ranges()
    assert list(ranges) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    expected_next = 1
    for first, last in ranges.values():
        assert first == expected_next and last >= first
        expected_next = last + 1
    assert expected_next == 98
    assert ranges["A"] == (1, 5) and ranges["C"] == (13, 43) and ranges["T"] == (97, 97)
    assert ref.sections[0].name == "农、林、牧、渔业"
    assert must(ref.section_for_division(36)).code == "C"
    assert must(ref.section_for_division(70)).name == "房地产业"
    assert ref.section_for_division(98) is None


def test_catalogue(ref: ReferenceData) -> None:
    assert {t.code for t in ref.catalogue} == CATALOGUE_CODES
    assert len(ref.catalogue) == 24
    organic = ref.cert_type("ORGANIC")
    assert organic is not None
    assert organic.name == "有机产品认证"
    assert organic.section == "五" and organic.group == "绿色农业"
    assert organic.validity_years == 1 and not organic.validity_unconfirmed
    listings = {t.code for t in ref.catalogue if t.is_listing}
    assert listings == {
        "GREEN_FOOD", "GI", "REMANUFACTURED", "GREEN_FACTORY", "GREEN_SUPPLY_CHAIN",
        "GREEN_DESIGN",
    }  # fmt: skip
    gap = ref.cert_type("GAP")
    assert gap is not None and gap.validity_years == 1 and gap.validity_unconfirmed
    footprint = ref.cert_type("CARBON_FOOTPRINT")
    assert footprint is not None
    assert footprint.validity_years is None and footprint.validity_unconfirmed
    ems = ref.cert_type("EMS")
    assert ems is not None and ems.validity_years == 3 and not ems.validity_unconfirmed
    assert ref.cert_type("NOPE") is None
    sorts = [t.sort for t in ref.catalogue]
    assert sorts == sorted(sorts)


def test_indicator_links(ref: ReferenceData) -> None:
    indicator_codes = {i.code for i in ref.indicators}
    for t in ref.catalogue:
        assert t.indicator is None or t.indicator in indicator_codes, t.code
    links = {t.code: t.indicator for t in ref.catalogue if t.indicator}
    assert links == {
        "ORGANIC": "organic",
        "GREEN_FOOD": "green_agri_share",
        "GI": "green_agri_share",
        "EMS": "ems",
        "ENMS": "enms",
        "ENERGY_SAVING": "eco_products",
        "WATER_SAVING": "eco_products",
        "LOW_CARBON": "eco_products",
        "SERVICE": "service",
    }
    assert {t.code for t in ref.types_for_indicator("eco_products")} == {
        "ENERGY_SAVING",
        "WATER_SAVING",
        "LOW_CARBON",
    }
    assert ref.types_for_indicator("leaders_leading") == ()


def test_2025_targets(ref: ReferenceData) -> None:
    assert ref.target_year == 2025
    got = {
        i.code: (i.measure, i.target, i.target_max, i.comparison, i.source) for i in ref.indicators
    }
    assert got == {
        "organic": ("张", 40, None, ">", "certificates"),
        "green_agri_share": ("%", 75, None, ">=", "share"),
        "service": ("张", 150, None, ">=", "certificates"),
        "ems": ("张", 1000, None, ">=", "certificates"),
        "eco_products": ("张", 100, None, ">=", "certificates"),
        "enms": ("张", 50, None, ">=", "certificates"),
        "leaders_leading": ("家", 3, 5, ">=", "organisations"),
        "leaders_growth": ("家", 20, None, ">=", "organisations"),
        "leading_units": ("个", 3, 5, ">=", "subsidies"),
    }
    assert dict(must(ref.indicator("leaders_leading")).filter) == {"leader_type": "龙头"}
    assert dict(must(ref.indicator("leaders_growth")).filter) == {"leader_type": "高成长"}
    assert dict(must(ref.indicator("leading_units")).filter) == {"category": "引领单位"}
    assert "分母" in must(ref.indicator("green_agri_share")).note
    assert ref.quotas == ()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("14001", "EMS"),
        ("ISO 14001", "EMS"),
        ("ISO14001:2015", "EMS"),
        ("GB/T 24001-2016", "EMS"),
        ("GB/T 24001-2016/ISO 14001:2015", "EMS"),
        ("环境管理体系", "EMS"),
        ("环境管理体系认证证书", "EMS"),
        ("ems", "EMS"),
        ("有机", "ORGANIC"),
        ("有机产品认证", "ORGANIC"),
        ("GB/T 19630-2019", "ORGANIC"),
        ("HACCP", "HACCP"),
        ("haccp 体系", "HACCP"),
        ("绿色食品", "GREEN_FOOD"),
        ("绿色食品认证", "GREEN_FOOD"),
        ("ＩＳＯ　５０００１", "ENMS"),
        ("GB/T 23331-2020", "ENMS"),
        ("良好农业规范(GAP)认证", "GAP"),
        ("ChinaGAP", "GAP"),
        ("GB/T 19001-2016", "QMS_TRANSPORT"),
        ("质量管理体系认证（交通建设工程）", "QMS_TRANSPORT"),
        ("ISO 22000", "ISO22000"),
        ("ISO 14067", "CARBON_FOOTPRINT"),
        ("green_factory", "GREEN_FACTORY"),
        ("【江苏精品】", "JIANGSU_BOUTIQUE"),
    ],
)
def test_find_cert_type(ref: ReferenceData, text: str, code: str) -> None:
    found = ref.find_cert_type(text)
    assert found is not None, text
    assert found.code == code


@pytest.mark.parametrize(
    "text",
    ["", "   ", "未知认证", "ISO 9001", "140010", "GB/T 24001 与 GB/T 19001", "SINGAPORE"],
)
def test_find_cert_type_unknown_or_ambiguous(ref: ReferenceData, text: str) -> None:
    assert ref.find_cert_type(text) is None


# ---------------------------------------------------------------- overrides


def test_newer_override_wins(shipped_copy: Path, tmp_path: Path) -> None:
    doc = read(shipped_copy / INDICATORS_FILE)
    doc["version"] = 2
    doc["target_year"] = 2027
    doc["items"][0]["target"] = 60
    doc["quotas"] = [{"indicator": "organic", "unit": "320722", "target": 12}]
    folder = override_with(tmp_path, INDICATORS_FILE, doc)
    data = load_reference(shipped_copy, folder)
    assert data.warnings == []
    assert data.target_year == 2027
    assert must(data.indicator("organic")).target == 60
    assert must(data.quota("organic", "320722")).target == 12
    assert data.versions[INDICATORS_FILE] == 2
    assert data.versions[UNITS_FILE] == 1
    assert data.sources[INDICATORS_FILE] == folder / INDICATORS_FILE


def test_older_or_equal_override_is_ignored(shipped_copy: Path, tmp_path: Path) -> None:
    shipped = read(shipped_copy / UNITS_FILE)
    shipped["version"] = 3
    write(shipped_copy / UNITS_FILE, shipped)
    for version in (2, 3):
        doc = read(shipped_copy / UNITS_FILE)
        doc["version"] = version
        doc["items"][0]["name"] = "旧名称"
        folder = override_with(tmp_path, UNITS_FILE, doc)
        data = load_reference(shipped_copy, folder)
        assert must(data.unit("320703")).name == "连云区"
        assert data.versions[UNITS_FILE] == 3
        assert data.warnings == []


def test_missing_override_dir_is_fine(shipped_copy: Path, tmp_path: Path) -> None:
    data = load_reference(shipped_copy, tmp_path / "does-not-exist")
    assert data.warnings == []
    assert len(data.units) == 10


@pytest.mark.parametrize(
    "breakage",
    ["not json", "missing name", "duplicate code", "bad version"],
)
def test_broken_override_falls_back_with_warning(
    shipped_copy: Path, tmp_path: Path, breakage: str
) -> None:
    folder = tmp_path / "home" / "reference"
    doc = read(shipped_copy / CATALOGUE_FILE)
    doc["version"] = 5
    if breakage == "not json":
        folder.mkdir(parents=True)
        (folder / CATALOGUE_FILE).write_text('{"version": 5, ', encoding="utf-8")
    else:
        if breakage == "missing name":
            del doc["items"][2]["name"]
        elif breakage == "duplicate code":
            doc["items"][1]["code"] = "ORGANIC"
        else:
            doc["version"] = "五"
        write(folder / CATALOGUE_FILE, doc)
    data = load_reference(shipped_copy, folder)
    assert data.versions[CATALOGUE_FILE] == 1
    assert data.sources[CATALOGUE_FILE] == shipped_copy / CATALOGUE_FILE
    assert len(data.catalogue) == 24
    assert len(data.warnings) == 1
    assert CATALOGUE_FILE in data.warnings[0]
    if breakage == "missing name":
        assert '第3项（ISO22000）缺少 "name"' in data.warnings[0]


def test_override_inconsistent_with_other_files_falls_back(
    shipped_copy: Path, tmp_path: Path
) -> None:
    doc = read(shipped_copy / CATALOGUE_FILE)
    doc["version"] = 2
    doc["items"][0]["indicator"] = "no_such_indicator"
    folder = override_with(tmp_path, CATALOGUE_FILE, doc)
    units = read(shipped_copy / UNITS_FILE)
    units["version"] = 2
    units["items"][0]["name"] = "连云区（新）"
    write(folder / UNITS_FILE, units)
    data = load_reference(shipped_copy, folder)
    assert must(data.cert_type("ORGANIC")).indicator == "organic"
    assert must(data.unit("320703")).name == "连云区（新）"
    assert data.versions == {UNITS_FILE: 2, SECTIONS_FILE: 1, CATALOGUE_FILE: 1, INDICATORS_FILE: 1}
    assert len(data.warnings) == 1 and "no_such_indicator" in data.warnings[0]


# ---------------------------------------------------------------- broken shipped files


def break_item(doc: dict[str, Any]) -> None:
    del doc["items"][2]["name"]


@pytest.mark.parametrize(
    ("file_name", "mutate", "expected"),
    [
        (CATALOGUE_FILE, break_item, '参考数据文件 catalogue.json 第3项（ISO22000）缺少 "name"'),
        (UNITS_FILE, break_item, "参考数据文件 units.json 第3项（320707）缺少"),
        (SECTIONS_FILE, break_item, "参考数据文件 industry_sections.json 第3项（C）缺少"),
        (INDICATORS_FILE, break_item, "参考数据文件 indicators.json 第3项（service）缺少"),
        (UNITS_FILE, lambda d: d["items"][1].update(official="否"), "true 或 false"),
        (UNITS_FILE, lambda d: d["items"][1].update(code="320703"), "重复"),
        (UNITS_FILE, lambda d: d["items"][1].update(kind="city"), '"kind"'),
        (UNITS_FILE, lambda d: d["former"][0].update(merged_into="999999"), "999999"),
        (SECTIONS_FILE, lambda d: d["items"][1].update(first_division=5), "重叠"),
        (SECTIONS_FILE, lambda d: d["items"][1].update(last_division="12"), "应为整数"),
        (CATALOGUE_FILE, lambda d: d["items"][1].update(short_names=["有机"]), "重复"),
        (CATALOGUE_FILE, lambda d: d["items"][0].update(validity_years=True), "应为整数"),
        (CATALOGUE_FILE, lambda d: d["items"][0].update(kind="证书"), '"kind"'),
        (CATALOGUE_FILE, lambda d: d["items"][0].update(indicator="x"), "不存在的指标：x"),
        (CATALOGUE_FILE, lambda d: d.update(items=[]), "不能为空"),
        (INDICATORS_FILE, lambda d: d["items"][0].update(comparison="<"), '"comparison"'),
        (INDICATORS_FILE, lambda d: d["items"][0].update(target="四十"), '"target"'),
        (INDICATORS_FILE, lambda d: d["items"][0].update(target_max=1), '"target_max"'),
        (INDICATORS_FILE, lambda d: d.pop("target_year"), '缺少 "target_year"'),
        (
            INDICATORS_FILE,
            lambda d: d.update(quotas=[{"indicator": "organic", "unit": "999999", "target": 1}]),
            "不存在的单位：999999",
        ),
        (
            INDICATORS_FILE,
            lambda d: d.update(quotas=[{"indicator": "nope", "unit": "320703", "target": 1}]),
            "不存在的指标：nope",
        ),
        (UNITS_FILE, lambda d: d.pop("version"), '缺少 "version"'),
    ],
)
def test_broken_shipped_file_raises(
    shipped_copy: Path, file_name: str, mutate: Any, expected: str
) -> None:
    doc = read(shipped_copy / file_name)
    mutate(doc)
    write(shipped_copy / file_name, doc)
    with pytest.raises(UserError) as info:
        load_reference(shipped_copy)
    assert file_name in info.value.message
    assert expected in info.value.message


def test_shipped_file_not_json_or_missing(shipped_copy: Path) -> None:
    (shipped_copy / SECTIONS_FILE).write_text("[1, 2", encoding="utf-8")
    with pytest.raises(UserError, match="industry_sections.json 不是有效的 JSON"):
        load_reference(shipped_copy)
    (shipped_copy / SECTIONS_FILE).unlink()
    with pytest.raises(UserError, match="industry_sections.json 不存在"):
        load_reference(shipped_copy)


def test_shipped_file_with_bom_and_duplicate_keys(shipped_copy: Path) -> None:
    path = shipped_copy / UNITS_FILE
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8-sig")
    assert len(load_reference(shipped_copy).units) == 10
    path.write_text('{"name": "a", "name": "b", "version": 1, "items": []}', encoding="utf-8")
    with pytest.raises(UserError, match='重复的键 "name"'):
        load_reference(shipped_copy)


def test_broken_shipped_file_raises_even_with_good_override(
    shipped_copy: Path, tmp_path: Path
) -> None:
    good = read(shipped_copy / UNITS_FILE)
    good["version"] = 2
    folder = override_with(tmp_path, UNITS_FILE, good)
    (shipped_copy / UNITS_FILE).write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="units.json"):
        load_reference(shipped_copy, folder)
