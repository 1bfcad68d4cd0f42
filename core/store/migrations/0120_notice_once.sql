-- Each MOJ notice is taken once, whatever file or file_id it arrives in
-- (FORMATS.md: "the same notice arriving twice is stored once"). A record whose
-- notice_id was taken before with the same content is a copy: kept in its
-- (encrypted) file, listed in exchange_duplicates, reported to the operator,
-- never ingested or exported again. For certificate notices the same
-- card_number + card_made_date with the same content is a copy too. A record
-- with the same notice_id or card but other content is a correction: taken.
CREATE TABLE exchange_notices (
    notice_id TEXT PRIMARY KEY,           -- ≤ 32 ASCII chars (FORMATS.md), no personal data
    file_id   TEXT NOT NULL,              -- the file that brought this content last
    record    INTEGER NOT NULL,           -- 0-based record index in that file
    digest    BLOB NOT NULL,              -- Store.blind of the content (no notice_id)
    key_id    TEXT NOT NULL DEFAULT ''    -- the blind key it was made with (rekey: recomputed)
);

CREATE TABLE exchange_duplicates (
    file_id       TEXT NOT NULL,
    record        INTEGER NOT NULL,       -- 0-based record index in this file
    line          INTEGER NOT NULL,       -- 1-based file line (header = 1)
    first_file_id TEXT NOT NULL,          -- the file that brought it first
    reason        TEXT NOT NULL,          -- 'notice_id' or 'card'
    PRIMARY KEY (file_id, record)
);

ALTER TABLE exchange_inbox ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
