-- USB media exchange (core/bundle.py): which received MOJ notice files have
-- gone out in a bundle for the resident-record system, so the next bundle
-- carries only new ones (importing is idempotent anyway).
CREATE TABLE media_exported (
    file_id     TEXT PRIMARY KEY,         -- exchange_inbox.file_id
    bundle      TEXT NOT NULL,            -- bundle file name
    exported_at TEXT NOT NULL
);
