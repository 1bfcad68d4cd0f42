-- Each encrypted file bound to its row: the SHA-256 of its plaintext, sealed
-- with the row's key as associated data (Store.seal), so a file swapped with
-- or copied over another one inside the data directory is refused on read.
ALTER TABLE exchange_inbox ADD COLUMN content_sealed BLOB;
ALTER TABLE exchange_batches ADD COLUMN content_sealed BLOB;
