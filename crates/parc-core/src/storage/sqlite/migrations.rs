//! Schema migrations, tracked by SQLite's `user_version`.
//!
//! Entry `i` of [`MIGRATIONS`] takes the schema from version `i` to `i + 1`. A shipped
//! migration is never edited, only followed by a new one. All pending migrations run in one
//! IMMEDIATE transaction: either the file reaches the latest version or it is left untouched.
//! (`rusqlite_migration` gives the same guarantees but pins an older rusqlite, and the
//! PostgreSQL store planned next needs the same runner over its own dialect.)

use rusqlite::{Connection, TransactionBehavior};

use crate::ground::error::{Error, Result};

/// `PRAGMA application_id` of a Parc database: "PARC" in ASCII. Tells our files from others.
pub const APPLICATION_ID: i64 = 0x5041_5243;

pub const MIGRATIONS: &[&str] = &[
    // 1: customers and their search index.
    r#"
    CREATE TABLE customer (
        id                INTEGER PRIMARY KEY,
        name              TEXT NOT NULL CHECK (name <> ''),
        legal_form        TEXT NOT NULL DEFAULT '',
        street            TEXT NOT NULL DEFAULT '',
        postal_code       TEXT NOT NULL DEFAULT '',
        city              TEXT NOT NULL DEFAULT '',
        region            TEXT NOT NULL DEFAULT '',
        country           TEXT NOT NULL DEFAULT '',
        other_address     TEXT NOT NULL DEFAULT '',
        phone             TEXT NOT NULL DEFAULT '',
        mobile            TEXT NOT NULL DEFAULT '',
        fax               TEXT NOT NULL DEFAULT '',
        email             TEXT NOT NULL DEFAULT '',
        web               TEXT NOT NULL DEFAULT '',
        vat_id            TEXT NOT NULL DEFAULT '',
        business_type     TEXT NOT NULL DEFAULT '',
        market_sectors    TEXT NOT NULL DEFAULT '',
        ownership         TEXT NOT NULL DEFAULT '',
        employees         INTEGER,
        annual_turnover   INTEGER,
        turnover_currency TEXT NOT NULL DEFAULT 'EUR',
        lead_source       TEXT NOT NULL DEFAULT '',
        notes             TEXT NOT NULL DEFAULT '',
        -- Folded name: the list's sort order, independent of case and accents.
        sort_key          TEXT NOT NULL,
        archived_at       TEXT,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        version           INTEGER NOT NULL DEFAULT 1
    );
    CREATE UNIQUE INDEX customer_vat ON customer (country, vat_id) WHERE vat_id <> '';
    CREATE INDEX customer_sort ON customer (sort_key, id);
    -- rowid = customer.id; `key` is CustomerData::search_key(), kept in step by the store.
    -- Substring search for terms of three or more characters:
    CREATE VIRTUAL TABLE customer_search USING fts5 (key, tokenize = 'trigram');
    -- Word-prefix search for shorter terms; CJK characters are single words (search_key::words_key).
    CREATE VIRTUAL TABLE customer_words USING fts5 (key, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2');
    "#,
    // 2: workstation-independent settings of the office (key/value, JSON values).
    r#"
    CREATE TABLE setting (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 3: the office's users, customer owners, people at customers, contact history and the
    // next actions it leaves.
    r#"
    CREATE TABLE app_user (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL CHECK (name <> ''),
        initials   TEXT NOT NULL DEFAULT '',
        role       TEXT NOT NULL CHECK (role IN ('salesperson', 'assistant', 'manager')),
        active     INTEGER NOT NULL DEFAULT 1,
        version    INTEGER NOT NULL DEFAULT 1
    );
    ALTER TABLE customer ADD COLUMN owner_id INTEGER REFERENCES app_user (id);
    -- Newest contact, kept in step with the contacts: "going cold" and segments read it.
    ALTER TABLE customer ADD COLUMN last_contact_at TEXT;
    CREATE INDEX customer_owner ON customer (owner_id, sort_key);
    -- An owner's customers by last contact: "going cold".
    CREATE INDEX customer_cold ON customer (owner_id, last_contact_at);
    CREATE TABLE customer_assistant (
        customer_id INTEGER NOT NULL REFERENCES customer (id),
        user_id     INTEGER NOT NULL REFERENCES app_user (id),
        PRIMARY KEY (customer_id, user_id)
    ) WITHOUT ROWID;
    CREATE TABLE person (
        id            INTEGER PRIMARY KEY,
        customer_id   INTEGER NOT NULL REFERENCES customer (id),
        name          TEXT NOT NULL CHECK (name <> ''),
        position      TEXT NOT NULL DEFAULT '',
        title         TEXT NOT NULL DEFAULT '',
        decision_role TEXT NOT NULL DEFAULT '',
        branch        TEXT NOT NULL DEFAULT '',
        phone         TEXT NOT NULL DEFAULT '',
        mobile        TEXT NOT NULL DEFAULT '',
        email         TEXT NOT NULL DEFAULT '',
        notes         TEXT NOT NULL DEFAULT '',
        assistant_of  INTEGER REFERENCES person (id),
        is_main       INTEGER NOT NULL DEFAULT 0,
        active        INTEGER NOT NULL DEFAULT 1,
        version       INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX person_customer ON person (customer_id);
    CREATE TABLE contact (
        id            INTEGER PRIMARY KEY,
        customer_id   INTEGER NOT NULL REFERENCES customer (id),
        happened_at   TEXT NOT NULL,
        duration_min  INTEGER NOT NULL DEFAULT 0 CHECK (duration_min >= 0),
        user_id       INTEGER REFERENCES app_user (id),
        kind          TEXT NOT NULL,
        deal_id       INTEGER,
        stage         TEXT NOT NULL DEFAULT '',
        agreed        TEXT NOT NULL DEFAULT '',
        docs_received TEXT NOT NULL DEFAULT '[]',
        docs_sent     TEXT NOT NULL DEFAULT '[]',
        next_action   TEXT NOT NULL DEFAULT '',
        next_kind     TEXT NOT NULL DEFAULT '',
        next_due      TEXT,
        next_user_id  INTEGER REFERENCES app_user (id),
        next_done_at  TEXT,
        next_outcome  TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        created_by    INTEGER REFERENCES app_user (id),
        version       INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX contact_timeline ON contact (customer_id, happened_at DESC, id DESC);
    -- Open next actions by assignee and due date: the agenda.
    CREATE INDEX contact_open_action ON contact (next_user_id, next_due) WHERE next_due IS NOT NULL AND next_done_at IS NULL;
    CREATE INDEX contact_open_by_customer ON contact (customer_id) WHERE next_due IS NOT NULL AND next_done_at IS NULL;
    -- Everyone's open actions by due date: the manager's agenda.
    CREATE INDEX contact_open_due ON contact (next_due) WHERE next_due IS NOT NULL AND next_done_at IS NULL;
    CREATE TABLE contact_person (
        contact_id INTEGER NOT NULL REFERENCES contact (id),
        person_id  INTEGER NOT NULL REFERENCES person (id),
        PRIMARY KEY (contact_id, person_id)
    ) WITHOUT ROWID;
    CREATE INDEX contact_person_person ON contact_person (person_id);
    CREATE TABLE contact_revision (
        id         INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contact (id),
        revised_at TEXT NOT NULL,
        revised_by INTEGER REFERENCES app_user (id),
        previous   TEXT NOT NULL
    );
    CREATE INDEX contact_revision_contact ON contact_revision (contact_id);
    "#,
    // 4: materials sent to customers regularly.
    r#"
    CREATE TABLE customer_material (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id),
        name        TEXT NOT NULL CHECK (name <> ''),
        every_days  INTEGER NOT NULL CHECK (every_days > 0),
        last_sent   TEXT,
        version     INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX customer_material_customer ON customer_material (customer_id);
    "#,
    // 5: the office's own customer fields, and files attached to contacts.
    r#"
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
    "#,
    // 6: fleets ("parc") and competitors. `fleet_share` is the office-wide summary of the
    // fleets of active customers (vehicles per segment, registration year and brand), kept in
    // step by the store in the transaction that writes the lines: market share and top
    // competitors read it instead of every vehicle.
    r#"
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
    "#,
    // 7: the audit trail (who changed which field of which record, when) and the keys of
    // operations already applied, so a retried import or load is never applied twice.
    r#"
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
    "#,
    // 8: the sales funnel: deals with their stage history, leads, and the forecasts kept at
    // each month end. The stages and reason lists are office settings (the `setting` table).
    r#"
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
    "#,
    // 9: the price list and offers. An offer is its number; each revision is a row, and a
    // sent revision is never changed again. Lines, trade-ins and financing are JSON copied
    // into the row, so an offer keeps the prices and texts it was made with.
    r#"
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
    "#,
    // 10: the lead funnel and the stalled list read indexes, not every row. A lead keeps whether
    // its customer was contacted since it came in (kept by a trigger whenever the customer's
    // last contact moves) and whether its deal is won (kept by every move of the deal), so the
    // funnel counts leads from one index; the stalled list walks each stage's open deals by
    // arrival with their close date and owner in the index.
    r#"
    ALTER TABLE lead ADD COLUMN contacted INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE lead ADD COLUMN won INTEGER NOT NULL DEFAULT 0;
    UPDATE lead SET contacted = 1 WHERE EXISTS
        (SELECT 1 FROM customer c WHERE c.id = lead.customer_id AND c.last_contact_at >= lead.received_on);
    -- The won stage is the process's stage of kind "won" (6 in the default process).
    UPDATE lead SET won = 1 WHERE deal_id IN (SELECT d.id FROM deal d WHERE d.closed_on IS NOT NULL AND d.stage_id =
        coalesce((SELECT json_extract(s.value, '$.id') FROM setting, json_each(setting.value, '$.stages') s
                  WHERE setting.key = 'funnel.stages' AND json_extract(s.value, '$.kind') = 'won'), 6));
    CREATE TRIGGER lead_contacted AFTER UPDATE OF last_contact_at ON customer
        WHEN OLD.last_contact_at IS NOT NEW.last_contact_at
    BEGIN
        UPDATE lead SET contacted = (NEW.last_contact_at IS NOT NULL AND NEW.last_contact_at >= received_on)
        WHERE customer_id = NEW.id;
    END;
    DROP INDEX lead_received;
    -- In the funnel's group order: counted in one pass, a period or an owner checked per entry
    -- (an index led by the day would be chosen for the period and sorted for the groups).
    CREATE INDEX lead_funnel ON lead (source, status, contacted, won, received_on, owner_id);
    CREATE INDEX lead_customer ON lead (customer_id, received_on);
    DROP INDEX deal_open_stage;
    CREATE INDEX deal_open_wait ON deal (stage_id, stage_since, expected_close, owner_id) WHERE closed_on IS NULL;
    "#,
    // 11: the manager's reports: running totals of the
    // contacts of each day, the customer pyramid, and the indexes the reports read periods by.
    r#"
    -- The contacts of each day per user (0: nobody), kind and whether the customer was an
    -- existing one that day (it had bought from us before: a deal won, or vehicles of our
    -- brands registered in an earlier year), with their minutes: the activity reports read these
    -- instead of a million contacts. Kept in step by every write of a contact.
    CREATE TABLE contact_tally (
        day      TEXT NOT NULL,
        user_id  INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        existing INTEGER NOT NULL,
        contacts INTEGER NOT NULL,
        minutes  INTEGER NOT NULL,
        PRIMARY KEY (day, user_id, kind, existing)
    ) WITHOUT ROWID;
    -- The same contacts by the decision role of the people met ('': nobody, or no role
    -- recorded); a contact counts once under each role among its people. Kept in step by every
    -- write of a contact and every change of a person's role.
    CREATE TABLE contact_role_tally (
        day      TEXT NOT NULL,
        user_id  INTEGER NOT NULL,
        role     TEXT NOT NULL,
        contacts INTEGER NOT NULL,
        minutes  INTEGER NOT NULL,
        PRIMARY KEY (day, user_id, role)
    ) WITHOUT ROWID;
    INSERT INTO contact_tally (day, user_id, kind, existing, contacts, minutes)
    SELECT substr(k.happened_at, 1, 10), coalesce(k.user_id, 0), k.kind,
           CASE WHEN EXISTS (SELECT 1 FROM deal p WHERE p.customer_id = k.customer_id
                               AND p.closed_on < substr(k.happened_at, 1, 10)
                               AND +p.stage_id = coalesce((SELECT json_extract(st.value, '$.id')
                                   FROM setting s, json_each(s.value, '$.stages') st
                                   WHERE s.key = 'funnel.stages' AND json_extract(st.value, '$.kind') = 'won'), 6))
                  OR EXISTS (SELECT 1 FROM fleet_line f WHERE f.customer_id = k.customer_id
                               AND f.first_registered < CAST(substr(k.happened_at, 1, 4) AS INTEGER)
                               AND f.brand IN (SELECT json_extract(b.value, '$.name')
                                   FROM setting s, json_each(s.value, '$.brands') b
                                   WHERE s.key = 'fleet' AND json_extract(b.value, '$.ours') = 1))
                THEN 1 ELSE 0 END,
           count(*), sum(k.duration_min)
    FROM contact k GROUP BY 1, 2, 3, 4;
    INSERT INTO contact_role_tally (day, user_id, role, contacts, minutes)
    SELECT day, user_id, role, count(*), sum(minutes) FROM (
        SELECT DISTINCT k.id, substr(k.happened_at, 1, 10) AS day, coalesce(k.user_id, 0) AS user_id,
               coalesce(p.decision_role, '') AS role, k.duration_min AS minutes
        FROM contact k LEFT JOIN contact_person cp ON cp.contact_id = k.id LEFT JOIN person p ON p.id = cp.person_id
    ) r GROUP BY day, user_id, role;
    -- The stage moves of each day out of a stage into another, on the deals of an owner (0:
    -- none), with the time the deals had spent in the stage they left: the reports read these
    -- instead of every move. Kept in step by every write of a deal, like deal_tally.
    CREATE TABLE move_tally (
        day           TEXT NOT NULL,
        owner_id      INTEGER NOT NULL,
        from_stage_id INTEGER NOT NULL,
        to_stage_id   INTEGER NOT NULL,
        moves         INTEGER NOT NULL,
        seconds       INTEGER NOT NULL,
        PRIMARY KEY (day, owner_id, from_stage_id, to_stage_id)
    ) WITHOUT ROWID;
    INSERT INTO move_tally (day, owner_id, from_stage_id, to_stage_id, moves, seconds)
    SELECT substr(m.moved_at, 1, 10), coalesce(d.owner_id, 0), m.from_stage_id, m.to_stage_id, count(*),
           sum(m.seconds_in_from)
    FROM deal_move m JOIN deal d ON d.id = m.deal_id WHERE m.from_stage_id IS NOT NULL GROUP BY 1, 2, 3, 4;
    -- The customer pyramid: each ranked customer's tier and since when, every ranking with its
    -- settings and figures (JSON), and every change of a customer's tier.
    CREATE TABLE customer_tier (
        customer_id INTEGER PRIMARY KEY REFERENCES customer (id),
        tier        TEXT NOT NULL CHECK (tier IN ('A', 'B', 'C')),
        since       TEXT NOT NULL
    );
    CREATE INDEX customer_tier_tier ON customer_tier (tier, customer_id);
    CREATE TABLE tier_ranking (
        id        INTEGER PRIMARY KEY,
        ranked_on TEXT NOT NULL,
        ranking   TEXT NOT NULL
    );
    CREATE INDEX tier_ranking_day ON tier_ranking (ranked_on);
    CREATE TABLE tier_move (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id),
        ranked_on   TEXT NOT NULL,
        from_tier   TEXT NOT NULL,
        to_tier     TEXT NOT NULL
    );
    CREATE INDEX tier_move_day ON tier_move (ranked_on, customer_id);
    CREATE INDEX tier_move_customer ON tier_move (customer_id);
    -- Each index below is read alone, without visiting the tables' rows: deals opened (and
    -- open) in a period, deals closed in a period, each customer's first deal won and first
    -- vehicle of our brands, and the size of every customer's fleet.
    CREATE INDEX deal_created ON deal (created_at, owner_id, customer_id, closed_on);
    CREATE INDEX deal_closed_cover ON deal (stage_id, closed_on, owner_id, currency, value, close_reason, customer_id)
        WHERE closed_on IS NOT NULL;
    CREATE INDEX deal_won_customer ON deal (stage_id, customer_id, closed_on) WHERE closed_on IS NOT NULL;
    CREATE INDEX fleet_line_brand ON fleet_line (brand, customer_id, first_registered);
    CREATE INDEX fleet_line_size ON fleet_line (customer_id, first_registered, vehicles);
    "#,
    // 12: CSV exchange with the ERP. A customer's code in the ERP; the saved export and import
    // profiles, each export profile with the watermark of its last export; and a change
    // sequence on every exported row, so an incremental export sends each change once.
    // Writers take turns on SQLite (IMMEDIATE transactions), so a counter bumped by every
    // change of an exported row is in commit order: an export reading `seq` in its snapshot
    // has seen every change up to it and none after. Triggers keep it, so no write can forget.
    r#"
    ALTER TABLE customer ADD COLUMN erp_code TEXT NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX customer_erp_code ON customer (erp_code) WHERE erp_code <> '';
    CREATE TABLE exchange_profile (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('export', 'import')),
        name        TEXT NOT NULL CHECK (name <> ''),
        entity      TEXT NOT NULL,
        -- Columns and file format, as JSON (exchange::ProfileSettings).
        settings    TEXT NOT NULL DEFAULT '{}',
        -- What the last export sent up to (exchange::Watermark as text); NULL: never, or the
        -- data was copied from another store since: the next export is a full one.
        watermark   TEXT,
        last_run_at TEXT,
        last_rows   INTEGER,
        -- Bumped by every export: two exports of one profile at once cannot both move it.
        runs        INTEGER NOT NULL DEFAULT 0,
        version     INTEGER NOT NULL DEFAULT 1,
        UNIQUE (kind, name)
    );
    CREATE TABLE change_clock (
        id  INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL
    );
    INSERT INTO change_clock (id, seq) VALUES (1, 0);
    ALTER TABLE customer ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE person ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contact ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE fleet_line ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE offer ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX offer_change ON offer (change_seq);
    CREATE TRIGGER offer_added AFTER INSERT ON offer BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE offer SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TRIGGER offer_changed AFTER UPDATE ON offer WHEN NEW.change_seq = OLD.change_seq BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE offer SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE INDEX customer_change ON customer (change_seq);
    CREATE INDEX person_change ON person (change_seq);
    CREATE INDEX contact_change ON contact (change_seq);
    CREATE INDEX fleet_line_change ON fleet_line (change_seq);
    CREATE TRIGGER customer_added AFTER INSERT ON customer BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE customer SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    -- Not on `last_contact_at`: logging a contact does not change the card the ERP has.
    CREATE TRIGGER customer_changed AFTER UPDATE OF name, legal_form, street, postal_code, city, region, country,
        other_address, phone, mobile, fax, email, web, vat_id, business_type, market_sectors, ownership, employees,
        annual_turnover, turnover_currency, lead_source, notes, owner_id, archived_at, custom, erp_code ON customer
    BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE customer SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TRIGGER person_added AFTER INSERT ON person BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE person SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TRIGGER person_changed AFTER UPDATE ON person WHEN NEW.change_seq = OLD.change_seq BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE person SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TRIGGER contact_added AFTER INSERT ON contact BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE contact SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TRIGGER contact_changed AFTER UPDATE ON contact WHEN NEW.change_seq = OLD.change_seq BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE contact SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TRIGGER fleet_line_added AFTER INSERT ON fleet_line BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE fleet_line SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    CREATE TRIGGER fleet_line_changed AFTER UPDATE ON fleet_line WHEN NEW.change_seq = OLD.change_seq BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE fleet_line SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    "#,
    // 13: segments, saved filters over the customers (segment::SegmentFilter as JSON). Their
    // counts come from the customers' rows, read by the store; nothing is stored per customer.
    r#"
    CREATE TABLE segment (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL CHECK (name <> ''),
        filter     TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL,
        version    INTEGER NOT NULL DEFAULT 1
    );
    CREATE UNIQUE INDEX segment_name ON segment (lower(name));
    "#,
    // 14: campaigns on the customers of a segment, and each started campaign's list: the
    // customers its segment kept when it started, their owner then, and what each answered
    // (an interested one made the lead named here).
    r#"
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
    "#,
    // 15: each customer's last contact of each kind, kept by triggers so no write can forget:
    // contact plans ask "a visit in the last 30 days?" of every customer of a tier.
    r#"
    CREATE TABLE customer_last_contact (
        customer_id INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        at          TEXT NOT NULL,
        PRIMARY KEY (customer_id, kind)
    ) WITHOUT ROWID;
    INSERT INTO customer_last_contact (customer_id, kind, at)
        SELECT customer_id, kind, max(happened_at) FROM contact GROUP BY customer_id, kind;
    -- What a plan reads of every customer of a tier (or of a salesperson), without its row.
    CREATE INDEX customer_plan ON customer (owner_id, id, archived_at, sort_key, last_contact_at);
    CREATE TRIGGER contact_last_added AFTER INSERT ON contact BEGIN
        INSERT OR REPLACE INTO customer_last_contact (customer_id, kind, at) VALUES (NEW.customer_id, NEW.kind,
            max(NEW.happened_at, coalesce((SELECT at FROM customer_last_contact
                                           WHERE customer_id = NEW.customer_id AND kind = NEW.kind), '')));
    END;
    -- A correction may move a contact to another day or kind: the old pair is counted again.
    CREATE TRIGGER contact_last_changed AFTER UPDATE OF customer_id, kind, happened_at ON contact BEGIN
        DELETE FROM customer_last_contact WHERE customer_id = OLD.customer_id AND kind = OLD.kind;
        INSERT OR REPLACE INTO customer_last_contact (customer_id, kind, at)
            SELECT customer_id, kind, max(happened_at) FROM contact
            WHERE customer_id = OLD.customer_id AND kind = OLD.kind GROUP BY customer_id, kind;
        INSERT OR REPLACE INTO customer_last_contact (customer_id, kind, at) VALUES (NEW.customer_id, NEW.kind,
            max(NEW.happened_at, coalesce((SELECT at FROM customer_last_contact
                                           WHERE customer_id = NEW.customer_id AND kind = NEW.kind), '')));
    END;
    "#,
    // 16: the dealership's director as a role. SQLite cannot change a CHECK in place, and a
    // rebuild of app_user would have to re-point every table that names its users, so the
    // table's definition is edited the way SQLite documents for loosening a constraint
    // (lang_altertable.html, "other kinds of table schema changes"): no stored row changes.
    // RESET reloads this connection's schema; the throw-away table bumps the schema cookie
    // so that other connections reload theirs.
    r#"
    PRAGMA writable_schema = ON;
    UPDATE sqlite_schema
       SET sql = replace(sql, '''assistant'', ''manager'')', '''assistant'', ''manager'', ''director'')')
     WHERE type = 'table' AND name = 'app_user';
    PRAGMA writable_schema = RESET;
    CREATE TABLE schema_bump (x);
    DROP TABLE schema_bump;
    "#,
    // 17: a bulk write (an import) numbers its new customers and people itself, from a range it
    // takes from the clock at once: the triggers number only rows inserted without one. Each
    // trigger rewrote its row and the change-number index a second time, a third of an import.
    r#"
    DROP TRIGGER customer_added;
    CREATE TRIGGER customer_added AFTER INSERT ON customer WHEN NEW.change_seq = 0 BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE customer SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    DROP TRIGGER person_added;
    CREATE TRIGGER person_added AFTER INSERT ON person WHEN NEW.change_seq = 0 BEGIN
        UPDATE change_clock SET seq = seq + 1 WHERE id = 1;
        UPDATE person SET change_seq = (SELECT seq FROM change_clock WHERE id = 1) WHERE id = NEW.id;
    END;
    "#,
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Brings the schema to the latest version. Returns how many migrations ran.
pub fn migrate(conn: &mut Connection) -> Result<usize> {
    migrate_with(conn, MIGRATIONS)
}

pub(crate) fn migrate_with(conn: &mut Connection, migrations: &[&str]) -> Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read inside the write lock: another process may have migrated meanwhile.
    let current = schema_version(&tx)?;
    let latest = migrations.len() as i64;
    if current > latest {
        return Err(Error::SchemaTooNew { found: current, supported: latest });
    }
    let pending = &migrations[current as usize..];
    for sql in pending {
        tx.execute_batch(sql)?;
    }
    if !pending.is_empty() {
        tx.pragma_update(None, "user_version", latest)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    tx.commit()?;
    Ok(pending.len())
}
