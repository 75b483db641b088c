
    CREATE TABLE segment (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL CHECK (name <> ''),
        filter     TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL,
        version    INTEGER NOT NULL DEFAULT 1
    );
    CREATE UNIQUE INDEX segment_name ON segment (lower(name));
    