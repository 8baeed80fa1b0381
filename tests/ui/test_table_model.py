"""The paged table model, without a window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.records import CertificateData, OrganisationData
from greencert_desktop.services import certificates, demo, organisations
from greencert_desktop.services.lists import CertificateList, ListQuery, OrganisationList
from greencert_desktop.ui.table_model import PagedTableModel

TODAY = date.today()


@pytest.fixture
def reg(register):
    org = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320706", "30000001"), name="连云港示范化工有限公司",
        unit_code="320706"))
    body = certificates.create_body(register, "中国质量认证中心", "CNCA-R-2002-001")

    def cert(number, issue, expiry, **kw):
        return certificates.create_certificate(register, CertificateData(
            number=number, org_id=org, type_code="EMS", body_id=body, issue_date=issue,
            expiry_date=expiry, **kw))

    cert("C-VALID", TODAY - timedelta(days=100), TODAY + timedelta(days=900))
    cert("C-SOON", TODAY - timedelta(days=1000), TODAY + timedelta(days=30))
    cert("C-OLD", TODAY - timedelta(days=2000), TODAY - timedelta(days=900))
    suspended = cert("C-SUSP", TODAY - timedelta(days=100), TODAY + timedelta(days=900))
    certificates.lifecycle(register, suspended, "suspend", on=TODAY, reason="整改")
    return register


def _row(model, number):
    column = [c.key for c in model.columns].index("number")
    for row in range(model.rowCount()):
        if model.index(row, column).data() == number:
            return row
    raise AssertionError(number)


def test_headers_dates_and_status_labels(qapp, reg):
    model = PagedTableModel(reg, CertificateList(), ListQuery(sort="number"))
    keys = [c.key for c in model.columns]
    assert model.columnCount() == len(CertificateList.columns) and model.rowCount() == 4
    assert model.headerData(keys.index("number"), Qt.Orientation.Horizontal) \
        == "Certificate number"
    row = _row(model, "C-OLD")
    assert model.index(row, keys.index("status")).data() == "过期失效"
    expiry = model.index(row, keys.index("expiry_date")).data()
    assert expiry == (TODAY - timedelta(days=900)).strftime("%Y-%m-%d")
    assert model.index(_row(model, "C-SUSP"), keys.index("status")).data() == "暂停"
    assert model.row_id(row) == model.row(row)["id"]


def test_status_colours_differ_and_expiring_rows_are_marked(qapp, reg):
    model = PagedTableModel(reg, CertificateList(), ListQuery(sort="number"))

    def colours(number):
        index = model.index(_row(model, number), 0)
        return (index.data(Qt.ItemDataRole.ForegroundRole),
                index.data(Qt.ItemDataRole.BackgroundRole),
                index.data(Qt.ItemDataRole.ToolTipRole))

    valid, expired, suspended, soon = (colours(n) for n in
                                       ("C-VALID", "C-OLD", "C-SUSP", "C-SOON"))
    assert valid == (None, None, None)
    assert expired[0] is not None and expired[1] is not None
    assert expired[0].color() != suspended[0].color()
    assert soon[0] is None and soon[1] is not None
    assert "90" in soon[2]


def test_sort_requeries_in_sql(qapp, reg):
    model = PagedTableModel(reg, CertificateList())
    column = [c.key for c in model.columns].index("expiry_date")
    model.sort(column, Qt.SortOrder.DescendingOrder)
    assert model.query().sort == "expiry_date" and model.query().descending
    numbers = [model.row(r)["number"] for r in range(model.rowCount())]
    assert numbers[0] in ("C-VALID", "C-SUSP") and numbers[-1] == "C-OLD"
    model.sort(column, Qt.SortOrder.AscendingOrder)
    assert model.row(0)["number"] == "C-OLD"


def test_set_query_resets_with_new_count(qapp, reg, qtbot):
    model = PagedTableModel(reg, CertificateList())
    with qtbot.waitSignal(model.modelReset):
        model.set_query(ListQuery(filters={"status": "05"}))
    assert model.total() == 1 and model.rowCount() == 1
    model.set_query(ListQuery(text="no such thing"))
    assert model.total() == 0 and model.rowCount() == 0 and not model.canFetchMore()


def test_rows_are_fetched_in_pages_on_demand(qapp, register):
    demo.generate_demo(register, orgs=450, certs=1, seed=3)
    model = PagedTableModel(register, OrganisationList(), page_size=200)
    assert model.total() == 450
    assert model.rowCount() == 200 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450 and not model.canFetchMore(QModelIndex())
    ids = [model.row_id(r) for r in range(450)]
    assert len(set(ids)) == 450  # no page repeats or skips a row


def test_tsv_has_headers_and_display_values(qapp, reg):
    model = PagedTableModel(reg, CertificateList(), ListQuery(sort="number"))
    text = model.rows_as_tsv([_row(model, "C-OLD")])
    header, line = text.splitlines()
    assert header.split("\t")[0] == "Certificate number"
    assert line.split("\t")[0] == "C-OLD" and "过期失效" in line.split("\t")
