
    PRAGMA writable_schema = ON;
    UPDATE sqlite_schema
       SET sql = replace(sql, '''assistant'', ''manager'')', '''assistant'', ''manager'', ''director'')')
     WHERE type = 'table' AND name = 'app_user';
    PRAGMA writable_schema = RESET;
    CREATE TABLE schema_bump (x);
    DROP TABLE schema_bump;
    