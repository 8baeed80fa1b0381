"""The list exporter: chunks, text cells, real dates, formula-looking text kept as text."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.records import CertificateData, OrganisationData
from greencert_desktop.excel.list_export import ExportCancelled, ExportColumn, export_list
from greencert_desktop.services import certificates, organisations
from greencert_desktop.services.lists import CertificateList, ListQuery, OrganisationList

TODAY = date.today()
COLUMNS = [ExportColumn("number", "证书编号", "code"), ExportColumn("org_name", "组织"),
           ExportColumn("credit_code", "统一社会信用代码", "code"),
           ExportColumn("expiry_date", "有效期至", "date"),
           ExportColumn("status", "状态", "status")]


@pytest.fixture
def reg(register):
    org = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320706", "50000001"), name="@SUM(A1)连云港公司",
        unit_code="320706"))
    for i in range(7):
        certificates.create_certificate(register, CertificateData(
            number=f"{i:05d}", org_id=org, type_code="ORGANIC",
            body_id=certificates.create_body(register, f"机构{i}", "") if i == 0 else 1,
            issue_date=TODAY - timedelta(days=400), expiry_date=TODAY + timedelta(days=i - 3)))
    return register


def test_export_in_chunks_reads_back(reg, tmp_path):
    seen = []
    path = tmp_path / "out.xlsx"
    written = export_list(path, reg, CertificateList(), ListQuery(sort="number"), COLUMNS,
                          chunk=3, progress=lambda done, total: seen.append(done) or True)
    assert written == 7 and seen == [0, 3, 6, 7]
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("证书编号", "组织", "统一社会信用代码", "有效期至", "状态")
    assert [r[0] for r in rows[1:]] == [f"{i:05d}" for i in range(7)]
    assert rows[1][1] == "@SUM(A1)连云港公司" and ws["B2"].data_type == "s"
    assert ws["C2"].data_type == "s"
    assert ws["D2"].is_date and ws["D2"].number_format == "yyyy-mm-dd"
    assert rows[1][4] == "过期失效" and rows[7][4] == "有效"


def test_formula_text_is_never_a_formula(reg, tmp_path):
    organisations.create_organisation(reg, OrganisationData(
        credit_code=make_code("9", "1", "320706", "50000002"), name="=1+2公司",
        unit_code="320706"))
    path = tmp_path / "orgs.xlsx"
    export_list(path, reg, OrganisationList(), ListQuery(text="=1+2"),
                [ExportColumn("name", "名称")])
    cell = openpyxl.load_workbook(path).active["A2"]
    assert cell.value == "=1+2公司" and cell.data_type == "s"


def test_cancel_leaves_no_file(reg, tmp_path):
    path = tmp_path / "cancelled.xlsx"
    with pytest.raises(ExportCancelled):
        export_list(path, reg, CertificateList(), ListQuery(), COLUMNS, chunk=2,
                    progress=lambda done, total: done < 4)
    assert not path.exists() and not list(tmp_path.glob("*.xlsx"))
