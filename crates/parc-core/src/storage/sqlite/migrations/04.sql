
    CREATE TABLE customer_material (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id),
        name        TEXT NOT NULL CHECK (name <> ''),
        every_days  INTEGER NOT NULL CHECK (every_days > 0),
        last_sent   TEXT,
        version     INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX customer_material_customer ON customer_material (customer_id);
    