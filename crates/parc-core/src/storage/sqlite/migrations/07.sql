
    CREATE TABLE change_log (
        id         INTEGER PRIMARY KEY,
        entity     TEXT NOT NULL,
        entity_id  INTEGER NOT NULL,
        changed_at TEXT NOT NULL,
        changed_by INTEGER REFERENCES app_user (id),
        -- '' for the record's creation; else a field name ('custom.3' for an office field).
        field      TEXT NOT NULL,
        -- JSON values, so numbers, lists and "empty" keep their type.
        old_value  TEXT NOT NULL DEFAULT 'null',
        new_value  TEXT NOT NULL DEFAULT 'null'
    );
    CREATE INDEX change_log_record ON change_log (entity, entity_id, id);
    CREATE TABLE operation (
        key        TEXT PRIMARY KEY,
        applied_at TEXT NOT NULL,
        -- What the operation returned (JSON), so a retry can go on from it.
        result     TEXT NOT NULL DEFAULT 'null'
    ) WITHOUT ROWID;
    