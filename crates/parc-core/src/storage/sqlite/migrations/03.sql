
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
    