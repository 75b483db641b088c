
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
    