//! Store tests of customers, on each store: the card, search and bulk creation.

use super::*;
use crate::customer::testing::customer;
use crate::customer::testing::fill;
use crate::customer::testing::names;
use crate::storage::testing::each_store;

#[test]
fn create_normalises_and_reads_back() {
    each_store(|store| {
        let c = store.create_customer(customer(" Trans-Łódź ", "Łódź", "pl", "PL526-104-08-28")).unwrap();
        assert_eq!(c.data.name, "Trans-Łódź");
        assert_eq!(c.data.vat_id, "5261040828");
        assert_eq!(c.version, 1);
        assert_eq!(store.customer(c.id).unwrap(), c);
    });
}

#[test]
fn invalid_data_saves_nothing() {
    each_store(|store| {
        let err = store.create_customer(customer("Bad VAT", "Milano", "IT", "12345678900")).unwrap_err();
        assert!(matches!(err, Error::Validation(_)));
        assert_eq!(store.count_customers().unwrap(), 0);
    });
}

#[test]
fn a_duplicate_vat_id_names_the_existing_customer() {
    each_store(|store| {
        let first = store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "00743110157")).unwrap();
        let err = store.create_customer(customer("Copy", "Roma", "IT", "IT 00743110157")).unwrap_err();
        match err {
            Error::DuplicateVat { existing_id, existing_name } => {
                assert_eq!((existing_id, existing_name.as_str()), (first.id, "Rossi Trasporti"))
            }
            other => panic!("{other:?}"),
        }
        // Updating the first customer with its own VAT id is fine.
        store.update_customer(first.id, first.version, first.data.clone()).unwrap();
        assert_eq!(store.count_customers().unwrap(), 1);
    });
}

#[test]
fn a_stale_save_is_refused_as_a_conflict() {
    each_store(|store| {
        let c = store.create_customer(customer("Rossi", "Milano", "IT", "")).unwrap();
        let mut mine = c.data.clone();
        mine.city = "Torino".into();
        let saved = store.update_customer(c.id, c.version, mine.clone()).unwrap();
        assert_eq!(saved.version, 2);
        let mut theirs = c.data.clone();
        theirs.city = "Bologna".into();
        assert!(matches!(store.update_customer(c.id, c.version, theirs), Err(Error::Conflict { .. })));
        assert_eq!(store.customer(c.id).unwrap().data.city, "Torino");
        assert!(matches!(store.update_customer(999, 1, mine), Err(Error::NotFound { .. })));
    });
}

#[test]
fn updating_reindexes_the_search_key() {
    each_store(|store| {
        fill(store, &[customer("Rossi", "Milano", "IT", "")]);
        let c = store.customer(1).unwrap();
        let mut d = c.data.clone();
        d.city = "Šiauliai".into();
        store.update_customer(c.id, c.version, d).unwrap();
        assert_eq!(names(store, "siauliai"), ["Rossi"]);
        assert!(names(store, "milano").is_empty());
    });
}

fn search_fixture(store: &mut Store) {
    let mut phone = customer("Trans-Łódź Sp. z o.o.", "Łódź", "PL", "5261040828");
    phone.phone = "+48 42 123 45 67".into();
    phone.email = "biuro@translodz.pl".into();
    fill(
        store,
        &[
            phone,
            customer("UAB „Žukauskas transportas“", "Šiauliai", "LT", ""),
            customer("Rossi Trasporti S.r.l.", "Forlì", "IT", "00743110157"),
            customer("上海顺达物流有限公司", "上海", "CN", ""),
            customer("Kraków Budowa", "Kraków", "PL", ""),
        ],
    )
}

#[test]
fn search_ignores_case_and_diacritics_both_ways() {
    each_store(|store| {
        search_fixture(store);
        assert_eq!(names(store, "lodz"), ["Trans-Łódź Sp. z o.o."]);
        assert_eq!(names(store, "ŁÓDŹ"), ["Trans-Łódź Sp. z o.o."]);
        assert_eq!(names(store, "siauliai"), ["UAB „Žukauskas transportas“"]);
        assert_eq!(names(store, "zukausk"), ["UAB „Žukauskas transportas“"]);
        assert_eq!(names(store, "forli"), ["Rossi Trasporti S.r.l."]);
        assert_eq!(names(store, "krakow"), ["Kraków Budowa"]);
    });
}

#[test]
fn search_needs_every_word_anywhere() {
    each_store(|store| {
        search_fixture(store);
        assert_eq!(names(store, "trans lodz"), ["Trans-Łódź Sp. z o.o."]);
        assert_eq!(names(store, "lodz rossi"), Vec::<String>::new());
        assert_eq!(names(store, "tras"), ["Rossi Trasporti S.r.l."]);
    });
}

#[test]
fn search_finds_vat_ids_and_phones_by_substring_with_any_separators() {
    each_store(|store| {
        search_fixture(store);
        assert_eq!(names(store, "526-104"), ["Trans-Łódź Sp. z o.o."]);
        assert_eq!(names(store, "1040828"), ["Trans-Łódź Sp. z o.o."]);
        assert_eq!(names(store, "42 123 45"), ["Trans-Łódź Sp. z o.o."]);
        assert_eq!(names(store, "743110"), ["Rossi Trasporti S.r.l."]);
        assert_eq!(names(store, "biuro@translodz"), ["Trans-Łódź Sp. z o.o."]);
    });
}

#[test]
fn search_works_for_chinese_and_for_one_and_two_character_queries() {
    each_store(|store| {
        search_fixture(store);
        assert_eq!(names(store, "上海"), ["上海顺达物流有限公司"]);
        assert_eq!(names(store, "物流"), ["上海顺达物流有限公司"]);
        assert_eq!(names(store, "顺达物流"), ["上海顺达物流有限公司"]);
        assert_eq!(names(store, "上"), ["上海顺达物流有限公司"]);
        assert_eq!(names(store, "ż"), ["Trans-Łódź Sp. z o.o.", "UAB „Žukauskas transportas“"], "ż and ž fold to z");
        assert_eq!(names(store, "kr"), ["Kraków Budowa"]);
        assert_eq!(names(store, "bu kr"), ["Kraków Budowa"]);
        assert_eq!(names(store, "ow"), Vec::<String>::new(), "short terms match the start of a word");
        assert_eq!(names(store, "krak 上"), Vec::<String>::new());
        assert_eq!(names(store, "budowa k"), ["Kraków Budowa"], "long and short terms together");
    });
}

#[test]
fn names_starting_with_the_query_come_first() {
    each_store(|store| {
        fill(
            store,
            &[
                customer("Autotrasporti Rossi", "Milano", "IT", ""),
                customer("Rossi Trasporti", "Milano", "IT", ""),
                customer("Bianchi", "Rossiglione", "IT", ""),
            ],
        );
        assert_eq!(names(store, "rossi"), ["Rossi Trasporti", "Autotrasporti Rossi", "Bianchi"]);
    });
}

#[test]
fn search_treats_query_syntax_as_plain_text() {
    each_store(|store| {
        search_fixture(store);
        for hostile in ["\"", "\"\"", "a\" OR \"b", "*", "NEAR(", "%", "_", "'; DROP TABLE customer; --", "\u{1f}"] {
            let _ = names(store, hostile);
        }
        assert_eq!(store.count_customers().unwrap(), 5);
        assert_eq!(names(store, "o.o."), ["Trans-Łódź Sp. z o.o."]);
    });
}

#[test]
fn an_empty_query_lists_everyone_sorted_by_name_ignoring_accents() {
    each_store(|store| {
        search_fixture(store);
        assert_eq!(
            names(store, "  "),
            [
                "Kraków Budowa",
                "Rossi Trasporti S.r.l.",
                "Trans-Łódź Sp. z o.o.",
                "UAB „Žukauskas transportas“",
                "上海顺达物流有限公司"
            ]
        );
        let one = CustomerQuery { limit: 1, ..Default::default() };
        assert_eq!(store.search_customers(&one).unwrap().len(), 1);
    });
}
