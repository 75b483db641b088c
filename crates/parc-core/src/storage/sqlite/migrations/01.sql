
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
    