
    CREATE TABLE custom_field (
        id       INTEGER PRIMARY KEY,
        label    TEXT NOT NULL CHECK (label <> ''),
        kind     TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'choice')),
        choices  TEXT NOT NULL DEFAULT '[]',
        retired  INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL,
        version  INTEGER NOT NULL DEFAULT 1
    );
    -- Values by field id, as a JSON object of canonical text ({"3": "2026-01-31"}).
    ALTER TABLE customer ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
    -- Files live inside the database: one backup holds everything, and a file is committed
    -- with its contact or not at all.
    CREATE TABLE contact_attachment (
        id         INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contact (id),
        name       TEXT NOT NULL CHECK (name <> ''),
        size       INTEGER NOT NULL,
        data       BLOB NOT NULL,
        added_at   TEXT NOT NULL,
        added_by   INTEGER REFERENCES app_user (id)
    );
    CREATE INDEX contact_attachment_contact ON contact_attachment (contact_id);
    -- When a material is next due ('' when never sent, so it sorts first): the agenda reads
    -- the due ones from an index instead of computing every customer's dates.
    ALTER TABLE customer_material ADD COLUMN due TEXT NOT NULL DEFAULT '';
    UPDATE customer_material SET due = date(last_sent, '+' || every_days || ' days') WHERE last_sent IS NOT NULL;
    CREATE INDEX customer_material_due ON customer_material (due);
    