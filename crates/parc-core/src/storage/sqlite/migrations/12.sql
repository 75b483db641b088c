
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
    