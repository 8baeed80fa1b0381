"""Reference data reaches the database on first run and is upgraded by newer files."""

import json

from sqlalchemy import func, select

from greencert_desktop.reference import resources_dir
from greencert_desktop.services.register import Register
from greencert_desktop.services.stats import statistics
from greencert_desktop.storage.models import CertType, Unit


def _shipped(name):
    return json.loads((resources_dir() / "reference" / name).read_text(encoding="utf-8"))


def _write_override(home, name, data):
    home.reference_dir.mkdir(parents=True, exist_ok=True)
    (home.reference_dir / name).write_text(json.dumps(data, ensure_ascii=False),
                                           encoding="utf-8")


def test_first_run_loads_every_reference_table(register):
    with register.db.reading() as s:
        units = s.scalar(select(func.count()).select_from(Unit).where(Unit.kind != "city"))
        types = s.scalar(select(func.count()).select_from(CertType))
    assert units == len(_shipped("units.json")["items"])
    assert types == len(_shipped("catalogue.json")["items"])


def test_newer_city_file_upgrades_the_database_on_next_open(tmp_home):
    Register.open(tmp_home).close()
    catalogue = _shipped("catalogue.json")
    catalogue["version"] += 1
    ems = next(t for t in catalogue["items"] if t["code"] == "EMS")
    ems["validity_years"] = 4
    catalogue["items"] = [t for t in catalogue["items"] if t["code"] != "JIANGSU_BOUTIQUE"]
    _write_override(tmp_home, "catalogue.json", catalogue)
    with Register.open(tmp_home) as reg, reg.db.reading() as s:
        assert s.get(CertType, "EMS").validity_years == 4
        assert s.get(CertType, "JIANGSU_BOUTIQUE").active is False  # kept for old records


def test_city_quota_appears_in_the_unit_progress(tmp_home):
    indicators = _shipped("indicators.json")
    indicators["version"] += 1
    indicators["quotas"] = [{"indicator": "ems", "unit": "320706", "target": 200}]
    _write_override(tmp_home, "indicators.json", indicators)
    with Register.open(tmp_home) as reg:
        ind = {i["code"]: i for i in statistics(reg, unit="320706")["indicators"]}
        assert ind["ems"]["quota"] == 200 and ind["ems"]["target"] == 1000
        other = {i["code"]: i for i in statistics(reg, unit="320722")["indicators"]}
        assert other["ems"]["quota"] is None
