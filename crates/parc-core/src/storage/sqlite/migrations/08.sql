
    CREATE TABLE deal (
        id             INTEGER PRIMARY KEY,
        customer_id    INTEGER NOT NULL REFERENCES customer (id),
        owner_id       INTEGER REFERENCES app_user (id),
        title          TEXT NOT NULL CHECK (title <> ''),
        value          INTEGER NOT NULL CHECK (value >= 0),
        currency       TEXT NOT NULL,
        expected_close TEXT,
        is_commit      INTEGER NOT NULL DEFAULT 0,
        vehicles       TEXT NOT NULL DEFAULT '[]',
        person_ids     TEXT NOT NULL DEFAULT '[]',
        competitors    TEXT NOT NULL DEFAULT '[]',
        notes          TEXT NOT NULL DEFAULT '',
        -- A stage id of the office's process (setting 'funnel.stages').
        stage_id       INTEGER NOT NULL,
        stage_since    TEXT NOT NULL,
        -- Every open stage (and won) the deal entered, as a JSON list of ascending ids.
        reached        TEXT NOT NULL DEFAULT '[]',
        answers        TEXT NOT NULL DEFAULT '{}',
        closed_on      TEXT,
        close_reason   TEXT NOT NULL DEFAULT '',
        close_note     TEXT NOT NULL DEFAULT '',
        lost_to        TEXT NOT NULL DEFAULT '',
        lost_price     INTEGER,
        lost_currency  TEXT NOT NULL DEFAULT '',
        revisit_on     TEXT,
        origin         TEXT NOT NULL DEFAULT '',
        created_at     TEXT NOT NULL,
        created_by     INTEGER REFERENCES app_user (id),
        updated_at     TEXT NOT NULL,
        version        INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX deal_customer ON deal (customer_id);
    -- Stalled deals: open ones by stage and arrival, and by expected close date.
    CREATE INDEX deal_open_stage ON deal (stage_id, stage_since) WHERE closed_on IS NULL;
    CREATE INDEX deal_open_close ON deal (expected_close) WHERE closed_on IS NULL;
    -- Postponed deals to come back to: the agenda.
    CREATE INDEX deal_revisit ON deal (revisit_on, owner_id) WHERE revisit_on IS NOT NULL;
    CREATE TABLE deal_move (
        id              INTEGER PRIMARY KEY,
        deal_id         INTEGER NOT NULL REFERENCES deal (id),
        from_stage_id   INTEGER,
        to_stage_id     INTEGER NOT NULL,
        moved_at        TEXT NOT NULL,
        moved_by        INTEGER REFERENCES app_user (id),
        seconds_in_from INTEGER NOT NULL DEFAULT 0,
        reason          TEXT NOT NULL DEFAULT '',
        note            TEXT NOT NULL DEFAULT ''
    );
    -- A deal's history; the days spent per stage read (deal, stage, seconds) from the index.
    CREATE INDEX deal_move_deal ON deal_move (deal_id, from_stage_id, seconds_in_from);
    CREATE INDEX contact_deal ON contact (deal_id) WHERE deal_id IS NOT NULL;
    CREATE TABLE lead (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id),
        source      TEXT NOT NULL,
        received_on TEXT NOT NULL,
        owner_id    INTEGER REFERENCES app_user (id),
        note        TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL CHECK (status IN ('open', 'qualified', 'disqualified')),
        reason      TEXT NOT NULL DEFAULT '',
        deal_id     INTEGER REFERENCES deal (id),
        decided_on  TEXT,
        created_at  TEXT NOT NULL,
        created_by  INTEGER REFERENCES app_user (id),
        version     INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX lead_received ON lead (received_on);
    CREATE INDEX lead_open ON lead (owner_id, received_on) WHERE status = 'open';
    -- The forecast as it stood at a month end (as_of), for a month, an owner (NULL: everyone)
    -- and a currency, kept to compare with what was then won.
    CREATE TABLE forecast_snapshot (
        id                INTEGER PRIMARY KEY,
        as_of             TEXT NOT NULL,
        month             TEXT NOT NULL,
        owner_id          INTEGER REFERENCES app_user (id),
        currency          TEXT NOT NULL,
        commit_deals      INTEGER NOT NULL,
        commit_raw        INTEGER NOT NULL,
        commit_weighted   INTEGER NOT NULL,
        best_deals        INTEGER NOT NULL,
        best_raw          INTEGER NOT NULL,
        best_weighted     INTEGER NOT NULL,
        pipeline_deals    INTEGER NOT NULL,
        pipeline_raw      INTEGER NOT NULL,
        pipeline_weighted INTEGER NOT NULL,
        taken_at          TEXT NOT NULL
    );
    CREATE UNIQUE INDEX forecast_snapshot_key ON forecast_snapshot (as_of, month, currency, coalesce(owner_id, 0));
    CREATE INDEX forecast_snapshot_month ON forecast_snapshot (month);
    -- Running totals the funnel reads instead of every deal: deals and value per currency,
    -- owner (0: none), stage, stages reached, month (of the expected close while open, of
    -- closing once closed; '' when undated) and commit mark; and the time deals spent in a
    -- stage, per month they left it. Kept in step by every write of a deal.
    CREATE TABLE deal_tally (
        currency  TEXT NOT NULL,
        owner_id  INTEGER NOT NULL,
        stage_id  INTEGER NOT NULL,
        reached   TEXT NOT NULL,
        month     TEXT NOT NULL,
        is_commit INTEGER NOT NULL,
        deals     INTEGER NOT NULL,
        value     INTEGER NOT NULL,
        PRIMARY KEY (currency, owner_id, stage_id, reached, month, is_commit)
    ) WITHOUT ROWID;
    CREATE TABLE stay_tally (
        currency TEXT NOT NULL,
        owner_id INTEGER NOT NULL,
        stage_id INTEGER NOT NULL,
        month    TEXT NOT NULL,
        stays    INTEGER NOT NULL,
        seconds  INTEGER NOT NULL,
        PRIMARY KEY (currency, owner_id, stage_id, month)
    ) WITHOUT ROWID;
    CREATE INDEX lead_deal ON lead (deal_id) WHERE deal_id IS NOT NULL;
    -- The board: open deals of a stage by expected close date (and of an owner).
    CREATE INDEX deal_board ON deal (stage_id, currency, expected_close, id) WHERE closed_on IS NULL;
    CREATE INDEX deal_board_owner ON deal (owner_id, stage_id, currency, expected_close, id) WHERE closed_on IS NULL;
    -- Deals won, lost or postponed, latest first.
    CREATE INDEX deal_closed ON deal (stage_id, closed_on) WHERE closed_on IS NOT NULL;
    