"""Opening a register: home folder, settings, database (migrated) and reference data."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from greencert_desktop.domain.errors import UserError
from greencert_desktop.home import Home
from greencert_desktop.reference import ReferenceData, load_reference
from greencert_desktop.services import audit
from greencert_desktop.settings import HomeSettings, default_operator, setting
from greencert_desktop.storage import migrate
from greencert_desktop.storage.engine import Database, sqlite_path, sqlite_url
from greencert_desktop.storage.models import Setting


class Register:
    """An open register. Services take it as their first argument."""

    def __init__(self, home: Home, settings: HomeSettings, db: Database,
                 reference: ReferenceData) -> None:
        self.home = home
        self.settings = settings
        self.db = db
        self.reference = reference

    @classmethod
    def open(cls, home: Home) -> Register:
        from greencert_desktop.services.reference_sync import sync_reference

        try:
            home.ensure()
        except OSError as exc:
            raise UserError(f"无法创建数据文件夹 {home.root}：{exc.strerror or exc}") from exc
        settings = HomeSettings(home.settings_file)
        url = settings.get("database_url") or sqlite_url(home.db_path)
        db_file = sqlite_path(url)
        if db_file is not None:
            migrate.probe_sqlite_file(db_file)
        db = Database(url)
        try:
            migrate.upgrade(db.engine, home.backups_dir)
            reference = load_reference(override_dir=home.reference_dir)
            sync_reference(db, reference)
        except BaseException:
            db.dispose()
            raise
        return cls(home, settings, db, reference)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def operator(self) -> str:
        """Who the audit log names: the configured operator, else the system login."""
        configured = self.settings.get("operator")
        return str(configured) if configured else default_operator()

    def get(self, key: str) -> Any:
        d = setting(key)
        if d.scope == "home":
            return self.settings.get(key)
        with self.db.reading() as s:
            raw = s.scalar(select(Setting.value_json).where(Setting.key == key))
        return d.coerce(json.loads(raw) if raw is not None else None)

    def set(self, key: str, value: Any) -> None:
        d = setting(key)
        if d.scope == "home":
            self.settings.set(key, value)
            return
        value = d.coerce(value)
        with self.db.transaction() as s:
            row = s.get(Setting, key)
            old = json.loads(row.value_json) if row else d.default
            if row is None:
                s.add(Setting(key=key, value_json=json.dumps(value, ensure_ascii=False)))
            else:
                row.value_json = json.dumps(value, ensure_ascii=False)
            if old != value:
                audit.record(s, self.operator, action="update", entity="setting", entity_id=None,
                             key=key, name=d.label, changes={key: [old, value]})

    @property
    def unit_code(self) -> str:
        return str(self.get("unit_code"))

    @property
    def is_city(self) -> bool:
        return self.unit_code == self.reference.city.code
