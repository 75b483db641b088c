
    CREATE TABLE fleet_line (
        id               INTEGER PRIMARY KEY,
        customer_id      INTEGER NOT NULL REFERENCES customer (id),
        brand            TEXT NOT NULL CHECK (brand <> ''),
        model            TEXT NOT NULL DEFAULT '',
        category         TEXT NOT NULL CHECK (category <> ''),
        weight_class     TEXT NOT NULL DEFAULT '',
        gross_weight_kg  INTEGER,
        vehicles         INTEGER NOT NULL CHECK (vehicles > 0),
        vin              TEXT NOT NULL DEFAULT '',
        plate            TEXT NOT NULL DEFAULT '',
        first_registered INTEGER,
        mileage_km       INTEGER,
        mileage_read_on  TEXT,
        ownership        TEXT NOT NULL DEFAULT '',
        supplier         TEXT NOT NULL DEFAULT '',
        renewal_due      TEXT,
        renewal_manual   INTEGER NOT NULL DEFAULT 0,
        inspection_due   TEXT,
        notes            TEXT NOT NULL DEFAULT '',
        version          INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX fleet_line_customer ON fleet_line (customer_id);
    -- The renewal radar: lines due in a window of days, with what it shows of them.
    CREATE INDEX fleet_line_renewal ON fleet_line (renewal_due, customer_id, vehicles, brand)
        WHERE renewal_due IS NOT NULL;
    -- Service reminders: inspections coming due.
    CREATE INDEX fleet_line_inspection ON fleet_line (inspection_due) WHERE inspection_due IS NOT NULL;
    -- Recomputing default renewals when a category's rule changes.
    CREATE INDEX fleet_line_category ON fleet_line (category) WHERE renewal_manual = 0;
    -- The few archived customers, whose fleets the radar leaves out.
    CREATE INDEX customer_archived ON customer (id) WHERE archived_at IS NOT NULL;
    CREATE TABLE fleet_share (
        category     TEXT NOT NULL,
        weight_class TEXT NOT NULL,
        year         INTEGER NOT NULL,
        brand        TEXT NOT NULL,
        vehicles     INTEGER NOT NULL,
        weighed      INTEGER NOT NULL,
        tonnage_kg   INTEGER NOT NULL,
        PRIMARY KEY (category, weight_class, year, brand)
    ) WITHOUT ROWID;
    CREATE TABLE competitor (
        id         INTEGER PRIMARY KEY,
        brand      TEXT NOT NULL DEFAULT '',
        dealer     TEXT NOT NULL DEFAULT '',
        contact    TEXT NOT NULL DEFAULT '',
        notes      TEXT NOT NULL DEFAULT '',
        strengths  TEXT NOT NULL DEFAULT '',
        weaknesses TEXT NOT NULL DEFAULT '',
        version    INTEGER NOT NULL DEFAULT 1,
        CHECK (brand <> '' OR dealer <> '')
    );
    -- Competitors noted on a customer by hand (those in its fleet are found from the fleet).
    CREATE TABLE customer_competitor (
        customer_id   INTEGER NOT NULL REFERENCES customer (id),
        competitor_id INTEGER NOT NULL REFERENCES competitor (id),
        PRIMARY KEY (customer_id, competitor_id)
    ) WITHOUT ROWID;
    CREATE INDEX customer_competitor_competitor ON customer_competitor (competitor_id);
    CREATE TABLE price_sighting (
        id            INTEGER PRIMARY KEY,
        customer_id   INTEGER NOT NULL REFERENCES customer (id),
        competitor_id INTEGER REFERENCES competitor (id),
        seen_on       TEXT NOT NULL,
        product       TEXT NOT NULL CHECK (product <> ''),
        price_minor   INTEGER CHECK (price_minor >= 0),
        currency      TEXT NOT NULL DEFAULT 'EUR',
        conditions    TEXT NOT NULL DEFAULT '',
        source        TEXT NOT NULL DEFAULT '',
        version       INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX price_sighting_customer ON price_sighting (customer_id, seen_on);
    CREATE INDEX price_sighting_competitor ON price_sighting (competitor_id);
    