"""Layout tables (one CSV per file kind): data, read by core.formats.tables."""
