import hashlib
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from greencert_desktop.home import Home
from greencert_desktop.services.register import Register
from greencert_desktop.storage import migrate
from greencert_desktop.storage.engine import make_engine, sqlite_url
from greencert_desktop.storage.migrate import NewerSchemaError, NotOurDatabaseError
from greencert_desktop.storage.models import Base


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_database_migrates_to_head_matching_the_models(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "new.db"))
    assert migrate.upgrade(engine, tmp_path / "backups") is None  # nothing to back up
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        tables = set(inspect(conn).get_table_names())
    assert {"organisations", "certificates", "cert_bodies", "cert_types", "units",
            "subsidies", "supervision_cases", "submissions", "audit_log", "settings",
            "indicators", "indicator_quotas", "industry_sections"} <= tables
    engine.dispose()


def test_connection_pragmas_make_sqlite_safe(register):
    with register.db.reading() as s:
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_existing_database_is_backed_up_before_migrating(tmp_home, monkeypatch):
    Register.open(tmp_home).close()
    # Pretend this version knows a newer head so the existing file needs migrating.
    monkeypatch.setattr(migrate, "head_revision", lambda: "future")
    engine = make_engine(sqlite_url(tmp_home.db_path))
    backup = migrate.upgrade(engine, tmp_home.backups_dir)
    engine.dispose()
    assert backup is not None and backup.exists()
    conn = sqlite3.connect(backup)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert conn.execute("SELECT count(*) FROM units").fetchone()[0] > 0
    conn.close()


def test_database_from_a_newer_version_is_refused_and_untouched(tmp_home):
    Register.open(tmp_home).close()
    conn = sqlite3.connect(tmp_home.db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = _digest(tmp_home.db_path)
    with pytest.raises(NewerSchemaError, match="更新版本"):
        Register.open(tmp_home)
    assert _digest(tmp_home.db_path) == before
    assert not list(tmp_home.backups_dir.glob("*.db"))


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path):
    home = Home(tmp_path / "home")
    home.root.mkdir()
    conn = sqlite3.connect(home.db_path)
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
    conn.commit()
    conn.close()
    before = _digest(home.db_path)
    with pytest.raises(NotOurDatabaseError, match="不是 GreenCert 数据库"):
        Register.open(home)
    assert _digest(home.db_path) == before


def test_file_that_is_not_a_database_is_refused(tmp_path):
    home = Home(tmp_path / "home")
    home.root.mkdir()
    home.db_path.write_text("这不是数据库" * 100, encoding="utf-8")
    with pytest.raises(NotOurDatabaseError, match="不是有效的 GreenCert 数据库"):
        Register.open(home)
    assert home.db_path.read_text(encoding="utf-8").startswith("这不是数据库")


def test_reopening_keeps_data_and_does_not_back_up(tmp_home):
    with Register.open(tmp_home) as reg:
        reg.set("office_name", "海州区市场监督管理局")
    with Register.open(tmp_home) as reg:
        assert reg.get("office_name") == "海州区市场监督管理局"
    assert not list(tmp_home.backups_dir.glob("*.db"))
