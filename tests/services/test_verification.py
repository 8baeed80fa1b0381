"""Verification: a clean export passes; every kind of tampering and every bad file is refused
with sheet, row and column — never a traceback."""

import shutil
import zipfile
from datetime import date

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from greencert_desktop.domain.periods import Period
from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.services import demo, submission
from greencert_desktop.services.verification import verify_file

PERIOD = Period.last_complete(date.today(), "quarter")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from greencert_desktop.home import Home
    from greencert_desktop.services.register import Register

    root = tmp_path_factory.mktemp("verify")
    reg = Register.open(Home(root / "home"))
    reg.set("unit_code", "320722")
    demo.generate_demo(reg, certs=150, seed=3, units=["320722"])
    path = submission.export_submission(reg, root, period=PERIOD).path
    yield path, reg.reference
    reg.close()


@pytest.fixture
def copy(exported, tmp_path):
    path, _ = exported
    target = tmp_path / path.name
    shutil.copyfile(path, target)
    return target


@pytest.fixture
def reference(exported):
    return exported[1]


def edit(path, change):
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def messages(result):
    return [p.describe() for p in result.problems]


def test_clean_export_verifies(exported):
    path, reference = exported
    result = verify_file(path, reference)
    assert result.ok, messages(result)
    assert result.unit_code == "320722" and result.period == PERIOD.code
    assert result.counts["certificates"] == 150
    assert result.generated_at is not None and result.generated_at.tzinfo is not None


def test_resaving_untouched_keeps_it_clean(copy, reference):
    edit(copy, lambda wb: None)
    assert verify_file(copy, reference).ok


def test_one_cell_changed(copy, reference):
    def change(wb):
        wb[fmt.SHEET_3]["J2"] = "改过的认证范围"

    edit(copy, change)
    result = verify_file(copy, reference)
    assert not result.ok
    assert any("内容校验值不符" in m for m in messages(result))


def test_a_date_changed_is_caught(copy, reference):
    def change(wb):
        wb[fmt.SHEET_3]["L2"] = date(2001, 1, 1)

    edit(copy, change)
    assert not verify_file(copy, reference).ok


def test_a_row_added(copy, reference):
    def change(wb):
        ws = wb[fmt.SHEET_3]
        ws.append([c.value for c in ws[2]])

    edit(copy, change)
    text = messages(verify_file(copy, reference))
    assert any("实有 151 行" in m for m in text)
    assert any("内容校验值不符" in m for m in text)
    assert any("重复" in m for m in text)


def test_a_row_removed(copy, reference):
    edit(copy, lambda wb: wb[fmt.SHEET_2].delete_rows(5))
    result = verify_file(copy, reference)
    text = messages(result)
    assert not result.ok
    assert any("导出后增删了行" in m for m in text)
    assert any(p.sheet == fmt.SHEET_2 and p.row == 5 and "序号" in p.column for p in result.problems)


def test_a_sheet_renamed(copy, reference):
    def change(wb):
        wb[fmt.SHEET_5].title = "奖补"

    edit(copy, change)
    text = messages(verify_file(copy, reference))
    assert any("缺少工作表“表5 奖补与引领”" in m for m in text)
    assert any("多出工作表“奖补”" in m for m in text)


def test_a_column_header_changed(copy, reference):
    def change(wb):
        wb[fmt.SHEET_2]["C1"] = "名称"

    edit(copy, change)
    result = verify_file(copy, reference)
    assert any(p.sheet == fmt.SHEET_2 and p.row == 1 and p.column == "C"
               and "组织名称" in p.message for p in result.problems)


def test_unknown_template_version(copy, reference):
    def change(wb):
        ws = wb[fmt.META_SHEET]
        for row in ws.iter_rows():
            if row[0].value == "template_version":
                row[1].value = "2"

    edit(copy, change)
    result = verify_file(copy, reference)
    assert not result.ok and len(result.problems) == 1
    assert "模板版本“2”不受支持" in result.problems[0].message


def test_foreign_workbook(tmp_path, reference):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["统一社会信用代码", "名称"])
    wb.save(path)
    result = verify_file(path, reference)
    assert not result.ok and "不是本系统导出的报送表" in result.problems[0].message


def test_wrong_format_key(copy, reference):
    def change(wb):
        wb[fmt.META_SHEET]["B1"] = "something-else"

    edit(copy, change)
    assert "格式标识不符" in verify_file(copy, reference).problems[0].message


@pytest.mark.parametrize("content", [b"", b"hello, world", b"PK\x03\x04broken"])
def test_not_an_xlsx(tmp_path, reference, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    result = verify_file(path, reference)
    assert not result.ok and result.problems[0].sheet == ""


def test_truncated_or_damaged_zip(copy, reference, tmp_path):
    data = copy.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) * 2 // 3])
    assert "损坏" in verify_file(cut, reference).problems[0].message
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(copy) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet4"):
                body = body[: len(body) // 2]
            dst.writestr(item, body)
    result = verify_file(damaged, reference)
    assert not result.ok and result.problems


def test_unhidden_meta_is_only_a_warning(copy, reference):
    def change(wb):
        wb[fmt.META_SHEET].sheet_state = "visible"

    edit(copy, change)
    result = verify_file(copy, reference)
    assert result.ok and result.problems[0].severity == "warning"


def _rehash(wb):
    """What a forger would do: edit a row, then recompute content_sha256 and row counts."""
    h = fmt.ContentHash()
    for t in fmt.TABLES:
        ws = wb[t.sheet]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        if t.id == "types":
            gap = next(i for i, r in enumerate(rows) if not any(v is not None for v in r))
            rows = rows[gap + 2:]
        elif t.id == "indicators":
            gap = next(i for i, r in enumerate(rows) if not any(v is not None for v in r))
            rows = rows[1:gap]
        else:
            rows = rows[1:]
        h.table(t.id)
        for r in rows:
            h.row((r + [None] * len(t.columns))[:len(t.columns)])
    for row in wb[fmt.META_SHEET].iter_rows():
        if row[0].value == "content_sha256":
            row[1].value = h.hexdigest()


def test_a_forged_hash_does_not_excuse_bad_rows(copy, reference):
    def change(wb):
        ws = wb[fmt.SHEET_2]
        ws["K2"] = 51885821234  # a phone number typed as a number
        ws["G3"] = "巨型"
        _rehash(wb)

    edit(copy, change)
    result = verify_file(copy, reference)
    assert not any("内容校验值" in m for m in messages(result))
    found = {(p.sheet, p.row, p.column[:1]) for p in result.problems}
    assert (fmt.SHEET_2, 2, "K") in found and (fmt.SHEET_2, 3, "G") in found
    assert any("被存为数字" in p.message for p in result.problems)
    assert any("企业规模" in p.message for p in result.problems)


def test_a_date_cell_that_is_text_is_reported(copy, reference):
    def change(wb):
        wb[fmt.SHEET_3]["L2"] = "2024-01-01"
        _rehash(wb)

    edit(copy, change)
    result = verify_file(copy, reference)
    assert any(p.sheet == fmt.SHEET_3 and p.row == 2 and p.column.startswith("L")
               and "不是日期单元格" in p.message for p in result.problems)


def test_type_counts_must_agree_with_the_certificates(copy, reference):
    def change(wb):
        ws = wb[fmt.SHEET_1]
        for row in ws.iter_rows():
            if row[0].value == "环境管理体系认证":
                row[2].value = (row[2].value or 0) + 5
        _rehash(wb)

    edit(copy, change)
    result = verify_file(copy, reference)
    assert any("与表3不符" in p.message and p.sheet == fmt.SHEET_1 for p in result.problems)


def test_problems_are_json_ready(copy, reference):
    edit(copy, lambda wb: wb[fmt.SHEET_3].delete_rows(3))
    data = verify_file(copy, reference).as_dict()
    assert data["ok"] is False and data["problems"][0]["message"]


def test_status_must_be_the_effective_status_on_the_export_date(copy, reference):
    t3 = fmt.CERTIFICATES
    status = get_column_letter(t3.index("status") + 1)
    recorded = get_column_letter(t3.index("recorded_status") + 1)

    def change(wb):
        ws = wb[fmt.SHEET_3]
        ws[f"{status}2"] = "有效"
        ws[f"{recorded}2"] = "暂停"
        ws[f"{status}3"] = "正常"
        ws[f"{recorded}4"] = "过期"
        _rehash(wb)

    edit(copy, change)
    result = verify_file(copy, reference)
    found = {(p.row, p.column.split("（")[0]): p.message for p in result.problems
             if p.sheet == fmt.SHEET_3}
    assert "证书状态应为“暂停”" in found[(2, status)]
    assert "证书状态应为" in found[(3, status)] and "当前为“正常”" in found[(3, status)]
    assert "登记状态应为" in found[(4, recorded)]


def test_an_expired_certificate_shown_as_valid_is_caught(copy, reference):
    t3 = fmt.CERTIFICATES
    status = get_column_letter(t3.index("status") + 1)
    expiry = get_column_letter(t3.index("expiry_date") + 1)
    recorded = get_column_letter(t3.index("recorded_status") + 1)

    def change(wb):
        ws = wb[fmt.SHEET_3]
        ws[f"{recorded}2"] = "有效"
        ws[f"{status}2"] = "有效"
        ws[f"{expiry}2"] = date(2001, 1, 1)
        _rehash(wb)

    edit(copy, change)
    result = verify_file(copy, reference)
    assert any(p.row == 2 and p.column.startswith(status) and "应为“过期失效”" in p.message
               for p in result.problems), messages(result)


def test_the_changed_hash_comes_before_the_row_problems_even_past_the_cap(copy, reference):
    """Rows are checked as each sheet arrives, but a file edited after export says so first
    (the summary shows the first problem), also when the rows give more problems than are
    listed."""
    from greencert_desktop.services import verification

    def change(wb):
        ws = wb[fmt.SHEET_3]
        for row in range(2, ws.max_row + 1):
            ws.cell(row, 3).value = "91320700MA1XXXXX0Z"  # every row: a wrong credit code

    edit(copy, change)
    cap = verification.MAX_PROBLEMS
    verification.MAX_PROBLEMS = 20
    try:
        result = verify_file(copy, reference)
    finally:
        verification.MAX_PROBLEMS = cap
    assert "内容校验值不符" in result.problems[0].message
    assert len(result.problems) == 20 and result.omitted > 0
    assert all(p.sheet == fmt.SHEET_3 for p in result.problems[1:])
    assert "内容校验值不符" in result.summary()
