
    ALTER TABLE lead ADD COLUMN contacted BOOLEAN NOT NULL DEFAULT FALSE;
    ALTER TABLE lead ADD COLUMN won BOOLEAN NOT NULL DEFAULT FALSE;
    UPDATE lead SET contacted = TRUE WHERE EXISTS
        (SELECT 1 FROM customer c WHERE c.id = lead.customer_id AND c.last_contact_at >= lead.received_on);
    UPDATE lead SET won = TRUE WHERE deal_id IN (SELECT d.id FROM deal d WHERE d.closed_on IS NOT NULL AND d.stage_id =
        coalesce((SELECT (s ->> 'id')::bigint
                  FROM jsonb_array_elements((SELECT value::jsonb FROM setting WHERE key = 'funnel.stages') -> 'stages') s
                  WHERE s ->> 'kind' = 'won'), 6));
    CREATE FUNCTION lead_contacted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE lead SET contacted = (NEW.last_contact_at IS NOT NULL AND NEW.last_contact_at >= received_on)
        WHERE customer_id = NEW.id;
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER lead_contacted AFTER UPDATE OF last_contact_at ON customer
        FOR EACH ROW WHEN (OLD.last_contact_at IS DISTINCT FROM NEW.last_contact_at)
        EXECUTE FUNCTION lead_contacted();
    DROP INDEX lead_received;
    -- In the funnel's group order: counted in one pass, a period or an owner checked per entry
    -- (an index led by the day would be chosen for the period and sorted for the groups).
    CREATE INDEX lead_funnel ON lead (source, status, contacted, won, received_on, owner_id);
    CREATE INDEX lead_customer ON lead (customer_id, received_on);
    DROP INDEX deal_open_stage;
    CREATE INDEX deal_open_wait ON deal (stage_id, stage_since, expected_close, owner_id, id) WHERE closed_on IS NULL;
    