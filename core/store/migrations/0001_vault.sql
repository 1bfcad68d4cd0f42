-- The vault's own tables: state, unlock failures, rekey progress, blind index
-- registry, and the audit log (hash chain; no personal data in plaintext).

CREATE TABLE vault_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Failed unlock attempts, kept across restarts so the delay keeps growing.
CREATE TABLE vault_unlock_failures (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    count   INTEGER NOT NULL,
    last_at REAL NOT NULL
);

-- One row per rekey: resumable until state = 'done'.
CREATE TABLE vault_rekey (
    id          INTEGER PRIMARY KEY,
    old_key     TEXT NOT NULL,
    new_key     TEXT NOT NULL,
    state       TEXT NOT NULL,  -- 'files', 'database', 'done'
    files_done  INTEGER NOT NULL DEFAULT 0,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);

-- Blind index columns and the sealed column each is computed from (see
-- core/store/migrations/__init__.py); rekey recomputes them.
CREATE TABLE vault_blind_columns (
    table_name    TEXT NOT NULL,
    column_name   TEXT NOT NULL,
    source_column TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    PRIMARY KEY (table_name, column_name)
);

CREATE TABLE audit_log (
    seq    INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,   -- UTC, ISO 8601
    actor  TEXT NOT NULL,   -- operator (staff) or 'system'
    action TEXT NOT NULL,   -- e.g. 'vault.unlock', 'exchange.fetch'
    record TEXT NOT NULL,   -- a reference (Store.ref), never personal data
    result TEXT NOT NULL,   -- 'ok', 'failed', 'rejected' …
    detail TEXT NOT NULL,   -- free text without personal data
    key_id TEXT NOT NULL,   -- the data key whose audit subkey made mac
    mac    BLOB NOT NULL    -- HMAC over the fields and the previous mac
);
