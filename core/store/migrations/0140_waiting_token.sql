-- The 未入力 list's state token (core/exchange/snapshot.py): a random value
-- replaced, in the same transaction, by every change to a certificate that is
-- or was waiting: fetch, a notice that reports the date, send, a resent or
-- corrected notice, rekey, any later purge, by any process. A sealed snapshot
-- of the list is used only when it names the token the database holds now; a
-- random token (not a counter) also tells apart two histories that made the
-- same number of changes (a database restored from a copy, then changed).
CREATE TABLE waiting_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT NOT NULL               -- hex: never mistaken for a sealed value
);
INSERT INTO waiting_state (id, token) VALUES (1, lower(hex(randomblob(16))));

CREATE TRIGGER waiting_token_insert AFTER INSERT ON exchange_certificates
WHEN NEW.state = 'waiting'
BEGIN
    UPDATE waiting_state SET token = lower(hex(randomblob(16))) WHERE id = 1;
END;

CREATE TRIGGER waiting_token_update AFTER UPDATE ON exchange_certificates
WHEN OLD.state = 'waiting' OR NEW.state = 'waiting'
BEGIN
    UPDATE waiting_state SET token = lower(hex(randomblob(16))) WHERE id = 1;
END;

CREATE TRIGGER waiting_token_delete AFTER DELETE ON exchange_certificates
WHEN OLD.state = 'waiting'
BEGIN
    UPDATE waiting_state SET token = lower(hex(randomblob(16))) WHERE id = 1;
END;
