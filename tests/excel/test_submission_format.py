from datetime import date, datetime

import pytest

from greencert_desktop.excel import submission_format as fmt


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), ("", ""), ("00216Q10097R1S", "00216Q10097R1S"), (3, "3"), (3.0, "3"),
    (1234.56, "1234.56"), (0.1 + 0.2, "0.30000000000000004"), (date(2026, 7, 1), "2026-07-01"),
    (datetime(2026, 7, 1), "2026-07-01"), (datetime(2026, 7, 1, 8, 30), "2026-07-01T08:30:00"),
    (True, "TRUE"),
])
def test_canonical_cell_texts(value, text):
    assert fmt.canonical(value) == text


def test_clean_text_folds_line_breaks_and_drops_what_xml_cannot_hold():
    assert fmt.clean_text("a\r\nb\rc\x01d\x0be") == "a\nb\ncde"


def test_hash_separates_cells_rows_and_tables():
    def digest(tables):
        h = fmt.ContentHash()
        for table_id, rows in tables:
            h.table(table_id)
            for row in rows:
                h.row(row)
        return h.hexdigest()

    assert digest([("t", [["ab", "c"]])]) != digest([("t", [["a", "bc"]])])
    assert digest([("t", [["a"], ["b"]])]) != digest([("t", [["a", "b"]])])
    assert digest([("t", [["a"]]), ("u", [])]) != digest([("t", []), ("u", [["a"]])])
    assert digest([("t", [[3, date(2026, 1, 2)]])]) == digest([("t", [[3.0, datetime(2026, 1, 2)]])])


def test_standard_file_name_and_unsafe_characters():
    assert fmt.file_name("320706", "海州区", "2026Q3") == "绿色认证报送_320706_海州区_2026Q3.xlsx"
    assert fmt.file_name("320700", "连云港市", "2026", city=True) == "绿色认证汇总_320700_连云港市_2026.xlsx"
    assert fmt.file_name("3207XW", "徐圩/新区", "202610") == "绿色认证报送_3207XW_徐圩_新区_202610.xlsx"


def test_sheets_and_tables_follow_the_contract():
    assert fmt.SHEETS == ("封面", "表1 指标汇总", "表2 获证组织", "表3 认证证书", "表4 本期变动",
                          "表5 奖补与引领", "表6 监督检查", "_meta")
    assert fmt.CERTIFICATES.headers[:17] == [
        "序号", "证书编号", "统一社会信用代码", "组织名称", "类别代码", "认证类别", "认证机构",
        "机构批准号", "认证依据", "认证范围", "初次发证日期", "发证日期", "有效期至", "证书状态",
        "状态变更日期", "最近监督日期", "备注"]
    assert fmt.CERTIFICATES.headers[17:] == [
        "批次年份", "发证机关", "认证产品", "监督次数", "再认证次数", "状态变更原因", "登记状态"]
    assert fmt.ORGANISATIONS.headers[:13] == [
        "序号", "统一社会信用代码", "组织名称", "所属区划", "行业门类", "行业代码", "规模",
        "信用状况", "领跑者类别", "联系人", "联系电话", "地址", "备注"]
    assert fmt.CHANGES.headers == ["变动类型", "对象", "标识", "名称", "变动日期", "变动内容"]


def test_city_tables_gain_the_unit_column():
    assert fmt.city_table(fmt.CERTIFICATES).headers[:3] == ["序号", "所属区划", "证书编号"]
    assert fmt.city_table(fmt.SUBSIDIES).headers[0] == "所属区划"
    assert fmt.city_table(fmt.ORGANISATIONS) is fmt.ORGANISATIONS
    assert [t.id for t in fmt.tables_for("city")][-1] == "units"
