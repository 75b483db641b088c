
    CREATE TABLE campaign (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL CHECK (name <> ''),
        segment_id   INTEGER,
        channel      TEXT NOT NULL CHECK (channel IN ('phone', 'visit', 'mailing', 'event')),
        starts_on    TEXT NOT NULL,
        ends_on      TEXT NOT NULL,
        budget       INTEGER NOT NULL DEFAULT 0,
        spent        INTEGER,
        currency     TEXT NOT NULL,
        products     TEXT NOT NULL DEFAULT '',
        lead_source  TEXT NOT NULL,
        segment_name TEXT NOT NULL DEFAULT '',
        filter       TEXT,
        started_at   TEXT,
        created_at   TEXT NOT NULL,
        created_by   INTEGER,
        version      INTEGER NOT NULL DEFAULT 1
    );
    CREATE UNIQUE INDEX campaign_name ON campaign (lower(name));
    CREATE TABLE campaign_target (
        campaign_id  INTEGER NOT NULL REFERENCES campaign (id),
        customer_id  INTEGER NOT NULL REFERENCES customer (id),
        owner_id     INTEGER,
        response     TEXT CHECK (response IN ('interested', 'not_now', 'not_interested', 'wrong_contact')),
        responded_on TEXT,
        responded_by INTEGER,
        lead_id      INTEGER REFERENCES lead (id),
        PRIMARY KEY (campaign_id, customer_id)
    );
    -- An owner's calls and visits still to make.
    CREATE INDEX campaign_target_open ON campaign_target (owner_id, campaign_id) WHERE response IS NULL;
    