import sqlite3

import pytest
from sqlalchemy import select

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.records import OrganisationData
from greencert_desktop.services import organisations
from greencert_desktop.services.maintenance import backup_register, restore_register
from greencert_desktop.services.register import Register
from greencert_desktop.storage.backup import backup_database, list_backups, prune
from greencert_desktop.storage.models import Organisation

ORG = OrganisationData(credit_code="91371323760038087M", name="连云港绿源食品有限公司",
                       unit_code="320706")


def names(reg):
    with reg.db.reading() as s:
        return list(s.scalars(select(Organisation.name).order_by(Organisation.id)))


def test_backup_of_an_open_database_holds_its_committed_data(register, tmp_path):
    organisations.create_organisation(register, ORG)
    dest = backup_register(register, tmp_path / "copy.db")
    conn = sqlite3.connect(dest)
    assert conn.execute("SELECT name FROM organisations").fetchall() == [("连云港绿源食品有限公司",)]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert not (tmp_path / "copy.db.part").exists()


def test_restore_brings_back_the_old_content_and_keeps_a_safety_copy(tmp_home, tmp_path):
    with Register.open(tmp_home) as reg:
        organisations.create_organisation(reg, ORG)
        saved = backup_register(reg, tmp_path / "before.db")
        organisations.delete_organisation(reg, 1)
        assert names(reg) == []
    safety = restore_register(tmp_home, saved)
    assert safety is not None and safety.exists()
    with Register.open(tmp_home) as reg:
        assert names(reg) == ["连云港绿源食品有限公司"]
    conn = sqlite3.connect(safety)
    assert conn.execute("SELECT count(*) FROM organisations").fetchone() == (0,)
    conn.close()


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_home, tmp_path):
    with Register.open(tmp_home) as reg:
        organisations.create_organisation(reg, ORG)
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"PK\x03\x04 not a database" * 50)
    with pytest.raises(UserError, match="不是有效的数据库文件"):
        restore_register(tmp_home, junk)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="不是 GreenCert 数据库备份"):
        restore_register(tmp_home, other)
    with Register.open(tmp_home) as reg:
        assert names(reg) == ["连云港绿源食品有限公司"]
    assert list_backups(tmp_home.backups_dir) == []


def test_backup_into_a_missing_place_fails_cleanly(register, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError, match="备份写入"):
        backup_register(register, blocker / "sub" / "b.db")


def test_prune_keeps_the_newest(register):
    made = [backup_database(register.db.path, register.home.backups_dir, reason=f"r{i}")
            for i in range(5)]
    prune(register.home.backups_dir, 2)
    assert list_backups(register.home.backups_dir) == made[-2:]
