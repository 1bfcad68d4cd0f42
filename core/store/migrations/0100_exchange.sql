-- The exchange workflows (core/exchange): each a state machine in these tables,
-- so a crash at any instant resumes. Personal data only sealed (Store.seal);
-- card numbers are found by their blind index.

-- MOJ notice files: listed → stored (encrypted file in place) → receipted.
CREATE TABLE exchange_inbox (
    file_id      TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,           -- 'moj' or 'spr'
    name         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,           -- as listed by the server
    records      INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL,           -- 'listed', 'stored', 'receipted'
    path         TEXT NOT NULL DEFAULT '',  -- encrypted file, relative to the data dir
    status       TEXT NOT NULL DEFAULT 'ok',  -- 'ok' or 'invalid' (kept, waits for a decision)
    problems     INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',  -- last failure (no personal data)
    listed_at    TEXT NOT NULL,
    stored_at    TEXT,
    receipted_at TEXT
);

-- Certificate notices by card number: the 未入力 list is state 'waiting'.
CREATE TABLE exchange_certificates (
    card_blind    BLOB PRIMARY KEY,
    card_sealed   BLOB NOT NULL,
    record_sealed BLOB NOT NULL,          -- the notice record as JSON
    file_id       TEXT NOT NULL,
    state         TEXT NOT NULL,          -- 'waiting', 'reported' (a notice had the date), 'sent'
    received_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX exchange_certificates_state ON exchange_certificates (state);

-- Municipal notice records (outbox): queued → sending → sent | rejected; 'replaced'
-- when re-entered before sending.
CREATE TABLE exchange_outbox (
    notice_id        TEXT PRIMARY KEY,    -- UUID made here
    card_blind       BLOB NOT NULL,
    card_sealed      BLOB NOT NULL,
    record_sealed    BLOB NOT NULL,       -- the municipal notice record as JSON
    delivered_sealed BLOB NOT NULL,       -- the date entered (ISO)
    state            TEXT NOT NULL,
    correction       INTEGER NOT NULL DEFAULT 0,
    operator         TEXT NOT NULL DEFAULT '',
    batch_id         TEXT,
    line             INTEGER,
    reason           TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    receipt_id       TEXT
);
CREATE INDEX exchange_outbox_state ON exchange_outbox (state);
CREATE INDEX exchange_outbox_card ON exchange_outbox (card_blind);

-- One uploaded municipal notice file: its id is the Idempotency-Key.
CREATE TABLE exchange_batches (
    batch_id   TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    path       TEXT NOT NULL,             -- encrypted file, deleted once acknowledged
    sha256     TEXT NOT NULL,             -- of the plaintext body
    records    INTEGER NOT NULL,
    state      TEXT NOT NULL,             -- 'sending', 'done', 'refused'
    created_at TEXT NOT NULL,
    sent_at    TEXT,
    receipt_id TEXT,
    accepted   INTEGER,
    rejected   INTEGER,
    reason     TEXT NOT NULL DEFAULT ''
);

-- Delivery history (履歴) shown to the operator: no personal data.
CREATE TABLE exchange_history (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    action TEXT NOT NULL,                 -- catalogue key, e.g. 'history.fetch'
    detail TEXT NOT NULL,
    result TEXT NOT NULL
);

-- Small state: last fetch/send, schedule slots done, last error, clock skew.
CREATE TABLE exchange_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO vault_blind_columns (table_name, column_name, source_column, purpose)
VALUES ('exchange_certificates', 'card_blind', 'card_sealed', 'card');
INSERT INTO vault_blind_columns (table_name, column_name, source_column, purpose)
VALUES ('exchange_outbox', 'card_blind', 'card_sealed', 'card');
