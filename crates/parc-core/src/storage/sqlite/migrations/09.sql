
    CREATE TABLE price_item (
        id           INTEGER PRIMARY KEY,
        code         TEXT NOT NULL CHECK (code <> ''),
        kind         TEXT NOT NULL,
        names        TEXT NOT NULL DEFAULT '{}',
        descriptions TEXT NOT NULL DEFAULT '{}',
        supplier     TEXT NOT NULL DEFAULT '',
        price        INTEGER NOT NULL CHECK (price >= 0),
        currency     TEXT NOT NULL,
        valid_from   TEXT NOT NULL DEFAULT '',
        valid_to     TEXT NOT NULL DEFAULT '',
        retired      INTEGER NOT NULL DEFAULT 0,
        updated_at   TEXT NOT NULL,
        version      INTEGER NOT NULL DEFAULT 1
    );
    -- A code may have successive prices, one per first day.
    CREATE UNIQUE INDEX price_item_code ON price_item (code, valid_from);
    CREATE TABLE offer (
        id                 INTEGER PRIMARY KEY,
        number             TEXT NOT NULL,
        revision           INTEGER NOT NULL,
        status             TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'rejected', 'expired')),
        customer_id        INTEGER NOT NULL REFERENCES customer (id),
        deal_id            INTEGER REFERENCES deal (id),
        language           TEXT NOT NULL,
        currency           TEXT NOT NULL,
        offer_date         TEXT NOT NULL,
        valid_until        TEXT NOT NULL DEFAULT '',
        lines              TEXT NOT NULL DEFAULT '[]',
        global_discount_bp INTEGER NOT NULL DEFAULT 0,
        trade_ins          TEXT NOT NULL DEFAULT '[]',
        financing          TEXT NOT NULL DEFAULT 'null',
        payment_terms      TEXT NOT NULL DEFAULT '',
        delivery_time      TEXT NOT NULL DEFAULT '',
        notes              TEXT NOT NULL DEFAULT '',
        salesperson_id     INTEGER REFERENCES app_user (id),
        -- What the customer pays (gross less trade-ins), kept for lists and reports.
        total              INTEGER NOT NULL,
        outcome_reason     TEXT NOT NULL DEFAULT '',
        outcome_competitor TEXT NOT NULL DEFAULT '',
        decided_on         TEXT,
        created_at         TEXT NOT NULL,
        created_by         INTEGER REFERENCES app_user (id),
        updated_at         TEXT NOT NULL,
        version            INTEGER NOT NULL DEFAULT 1,
        UNIQUE (number, revision)
    );
    CREATE INDEX offer_customer ON offer (customer_id, offer_date);
    CREATE INDEX offer_deal ON offer (deal_id) WHERE deal_id IS NOT NULL;
    CREATE INDEX offer_date ON offer (offer_date, id);
    CREATE INDEX offer_status ON offer (status, offer_date);
    -- The running number of each year's offers.
    CREATE TABLE offer_sequence (
        year INTEGER PRIMARY KEY,
        last INTEGER NOT NULL
    );
    