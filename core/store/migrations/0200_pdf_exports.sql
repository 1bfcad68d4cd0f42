-- Every PDF of the 未入力 list written on this terminal, so that none outlives
-- its time (seed 000 ②③: the PDF must not stay on the terminal needlessly).
-- The path is where the operator asked for it; no personal data is kept here
-- (not the filter, not the rows).

CREATE TABLE pdf_exports (
    id            INTEGER PRIMARY KEY,
    path          TEXT NOT NULL,     -- absolute path of the PDF
    created_at    TEXT NOT NULL,     -- ISO 8601, UTC
    expires_at    TEXT NOT NULL,     -- ISO 8601, UTC: deleted by the first sweep after this
    state         TEXT NOT NULL,     -- writing, present, deleted, gone, replaced
    pid           INTEGER NOT NULL,  -- the process that wrote it
    pid_started   TEXT NOT NULL,     -- that process's start time (a reused pid is not it)
    held          INTEGER NOT NULL,  -- 1: that process (the TUI) deletes it; gone with it
    file_dev      INTEGER,           -- the file as written: a sweep never deletes another file
    file_ino      INTEGER,
    file_size     INTEGER,
    closed_at     TEXT,              -- when it was deleted (or found gone)
    reason        TEXT               -- expired, end_of_business, startup, crashed, owner_gone
);

CREATE INDEX pdf_exports_open ON pdf_exports (state) WHERE state IN ('writing', 'present');
