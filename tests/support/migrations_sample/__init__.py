"""Sample migrations for the store's own tests (one .sql, one .py)."""
