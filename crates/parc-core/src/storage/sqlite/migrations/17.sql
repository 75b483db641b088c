
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
    