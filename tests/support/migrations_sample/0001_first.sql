-- a table and a trigger whose body holds semicolons
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, touched INTEGER DEFAULT 0);
CREATE TABLE item_log (item_id INTEGER, note TEXT);
CREATE TRIGGER items_logged AFTER INSERT ON items BEGIN
    INSERT INTO item_log VALUES (new.id, 'added; logged');
    UPDATE items SET touched = 1 WHERE id = new.id;
END;
