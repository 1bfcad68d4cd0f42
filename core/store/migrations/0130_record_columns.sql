-- The column lists of certificate notices sealed as JSON arrays of their values
-- (core/exchange/records.py): exchange_certificates.record_sealed holds either
-- a JSON object (each record naming its columns, as every record before this
-- migration) or the values only, in the order of one list here. The list is
-- bound into its records' seal (their aad names it), so a list changed here
-- opens none of them. Column ids only: no personal data.
CREATE TABLE exchange_record_columns (
    columns TEXT PRIMARY KEY              -- JSON list of column ids
);
