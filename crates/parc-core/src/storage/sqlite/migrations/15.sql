
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
    