"""Pure value rules: no I/O, no database, no Qt."""
