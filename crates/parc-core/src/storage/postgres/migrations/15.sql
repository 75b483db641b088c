
    CREATE TABLE customer_last_contact (
        customer_id BIGINT NOT NULL,
        kind        TEXT NOT NULL,
        at          TEXT NOT NULL,
        PRIMARY KEY (customer_id, kind)
    );
    INSERT INTO customer_last_contact (customer_id, kind, at)
        SELECT customer_id, kind, max(happened_at) FROM contact GROUP BY customer_id, kind;
    -- What a plan reads of every customer of a tier (or of a salesperson), without its row.
    CREATE INDEX customer_plan ON customer (owner_id, id, archived_at, sort_key, last_contact_at);
    CREATE FUNCTION parc_last_contact() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM customer_last_contact WHERE customer_id = OLD.customer_id AND kind = OLD.kind;
            INSERT INTO customer_last_contact (customer_id, kind, at)
                SELECT customer_id, kind, max(happened_at) FROM contact
                WHERE customer_id = OLD.customer_id AND kind = OLD.kind GROUP BY customer_id, kind;
        END IF;
        INSERT INTO customer_last_contact (customer_id, kind, at) VALUES (NEW.customer_id, NEW.kind, NEW.happened_at)
            ON CONFLICT (customer_id, kind) DO UPDATE SET at = GREATEST(customer_last_contact.at, excluded.at);
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER contact_last AFTER INSERT OR UPDATE OF customer_id, kind, happened_at ON contact
        FOR EACH ROW EXECUTE FUNCTION parc_last_contact();
    