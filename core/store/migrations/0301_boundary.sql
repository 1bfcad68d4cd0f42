-- Line connection with the resident-record system (core/boundary): the export
-- folder (received MOJ notices out, in the boundary encoding) and the import
-- folder (municipal notice files in). Each row is one file's state, so a crash
-- between any two steps resumes without exporting or queueing anything twice.

-- A received MOJ notice file and the export folder: 'exported' (file and its
-- .sha256 written), or 'refused' (a character has no mapping in the boundary
-- encoding; retried when the code tables change).
CREATE TABLE boundary_exports (
    file_id       TEXT PRIMARY KEY,       -- exchange_inbox.file_id
    name          TEXT NOT NULL,          -- file name (no personal data)
    state         TEXT NOT NULL,          -- 'exported', 'refused'
    sha256        TEXT NOT NULL DEFAULT '',  -- of the exported bytes
    tables        TEXT NOT NULL DEFAULT '',  -- fingerprint of the code tables used
    problems      INTEGER NOT NULL DEFAULT 0,
    report_sealed BLOB,                   -- refused: the report (quotes characters of names)
    at            TEXT NOT NULL
);

-- A municipal notice file taken from the import folder, by the SHA-256 of its
-- bytes: 'queued' (its records are in exchange_outbox, same transaction) or
-- 'rejected' (nothing queued). ``moved_to`` is set once it is in done/ or rejected/.
CREATE TABLE boundary_imports (
    sha256        TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    state         TEXT NOT NULL,          -- 'queued', 'rejected'
    records       INTEGER NOT NULL DEFAULT 0,
    problems      INTEGER NOT NULL DEFAULT 0,
    report_sealed BLOB NOT NULL,          -- the report written beside the file
    moved_to      TEXT NOT NULL DEFAULT '',
    at            TEXT NOT NULL
);
