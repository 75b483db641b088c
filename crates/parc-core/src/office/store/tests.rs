//! Store tests of the office, on each store: users, the director's rights, the home country.

use super::*;
use crate::office::testing::user;
use crate::office::UserData;
use crate::office::UserRole;
use crate::storage::testing::each_store;

#[test]
fn users_are_listed_by_name_and_saved_with_the_optimistic_check() {
    each_store(|store| {
        let anna = user(store, "Anna Kowalska", UserRole::Salesperson);
        let marco = user(store, "Marco Bianchi", UserRole::Manager);
        assert_eq!(anna.data.initials, "AK");
        let names: Vec<_> = store.users().unwrap().into_iter().map(|u| u.data.name).collect();
        assert_eq!(names, ["Anna Kowalska", "Marco Bianchi"]);
        let mut d = marco.data.clone();
        d.active = false;
        let saved = store.update_user(marco.id, marco.version, d.clone()).unwrap();
        assert!(!saved.data.active);
        assert!(matches!(store.update_user(marco.id, marco.version, d), Err(Error::Conflict { .. })));
    });
}

/// The director is stored in both dialects and has the sales manager's rights; nobody else
/// gains them.
#[test]
fn the_director_changes_what_the_sales_manager_changes() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let eva = user(store, "Eva", UserRole::Assistant);
        let alberto = user(store, "Alberto Conti", UserRole::Director);
        assert_eq!(store.users().unwrap().iter().find(|u| u.id == alberto.id).unwrap().data.role, UserRole::Director);
        let lists = store.reason_settings().unwrap();
        for by in [Some(anna.id), Some(eva.id), None] {
            assert!(matches!(store.save_reason_settings(by, lists.clone()), Err(Error::ManagerOnly)));
        }
        let saved = store.save_reason_settings(Some(alberto.id), lists).unwrap();
        assert_eq!(saved.version, 1);
        // A salesperson promoted to director gets the rights with the new role.
        let promoted = UserData { role: UserRole::Director, ..anna.data.clone() };
        store.update_user(anna.id, anna.version, promoted).unwrap();
        store.save_reason_settings(Some(anna.id), saved).unwrap();
    });
}

/// The home country is an office setting: unset at first, changed by a manager or the
/// director only, checked against the country list, cleared by an empty text.
#[test]
fn the_home_country_is_set_by_a_manager_from_the_country_list() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let marco = user(store, "Marco", UserRole::Manager);
        let alberto = user(store, "Alberto", UserRole::Director);
        assert_eq!(store.home_country().unwrap(), None);
        assert!(matches!(store.set_home_country(Some(anna.id), "PL"), Err(Error::ManagerOnly)));
        assert!(matches!(store.set_home_country(None, "PL"), Err(Error::ManagerOnly)));
        for bad in ["XX", "Poland", "POL", "p"] {
            match store.set_home_country(Some(marco.id), bad) {
                Err(Error::Validation(e)) => {
                    assert_eq!((&*e[0].field, e[0].key), ("home_country", "validation.country"))
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert_eq!(store.home_country().unwrap(), None, "a refused value changes nothing");
        assert_eq!(store.set_home_country(Some(marco.id), " pl ").unwrap().as_deref(), Some("PL"));
        assert_eq!(store.home_country().unwrap().as_deref(), Some("PL"));
        assert_eq!(store.set_home_country(Some(alberto.id), "IT").unwrap().as_deref(), Some("IT"));
        assert_eq!(store.home_country().unwrap().as_deref(), Some("IT"));
        assert_eq!(store.set_home_country(Some(marco.id), "").unwrap(), None);
        assert_eq!(store.home_country().unwrap(), None);
    });
}
