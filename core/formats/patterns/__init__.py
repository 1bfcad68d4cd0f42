"""The 別紙 pattern tables and their items: data, read by core.formats.tables."""
