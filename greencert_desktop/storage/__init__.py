"""SQLAlchemy models, engine and sessions, migrations and backups. No Qt, no views."""
