
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
    