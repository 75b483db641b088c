//! Shared store tests of users, owners, people, contacts and the agenda.

use super::*;
use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::customer::testing::person;
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
        let plans = store.plan_settings().unwrap();
        for by in [Some(anna.id), Some(eva.id), None] {
            assert!(matches!(store.save_plan_settings(by, plans.clone()), Err(Error::ManagerOnly)));
        }
        let saved = store.save_plan_settings(Some(alberto.id), plans).unwrap();
        assert_eq!(saved.version, 1);
        // A salesperson promoted to director gets the rights with the new role.
        let promoted = UserData { role: UserRole::Director, ..anna.data.clone() };
        store.update_user(anna.id, anna.version, promoted).unwrap();
        store.save_plan_settings(Some(anna.id), saved).unwrap();
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

#[test]
fn customers_have_an_owner_and_assistants_and_lists_filter_to_my_customers() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let piotr = user(store, "Piotr", UserRole::Salesperson);
        let eva = user(store, "Eva", UserRole::Assistant);
        let mut mine = customer("Trans Łódź", "Łódź", "PL", "");
        mine.owner_id = Some(anna.id);
        mine.assistant_ids = vec![eva.id, anna.id];
        let mine = store.create_customer(mine).unwrap();
        assert_eq!(mine.data.assistant_ids, [eva.id], "the owner is not their own assistant");
        let mut theirs = customer("Trans Kraków", "Kraków", "PL", "");
        theirs.owner_id = Some(piotr.id);
        store.create_customer(theirs).unwrap();

        let q = |text: &str, owner| CustomerQuery { text: text.into(), owner_id: owner, ..Default::default() };
        let names = |rows: Vec<CustomerSummary>| rows.into_iter().map(|r| r.name).collect::<Vec<_>>();
        assert_eq!(names(store.search_customers(&q("", Some(anna.id))).unwrap()), ["Trans Łódź"]);
        assert_eq!(names(store.search_customers(&q("trans", Some(piotr.id))).unwrap()), ["Trans Kraków"]);
        assert_eq!(names(store.search_customers(&q("trans", None)).unwrap()).len(), 2);

        let mut d = mine.data.clone();
        d.assistant_ids = vec![];
        d.owner_id = Some(piotr.id);
        let moved = store.update_customer(mine.id, mine.version, d).unwrap();
        assert_eq!((moved.data.owner_id, moved.data.assistant_ids.len()), (Some(piotr.id), 0));
    });
}

#[test]
fn people_have_one_main_contact_and_assistants_at_the_same_customer() {
    each_store(|store| {
        let c = store.create_customer(customer("Rossi", "Milano", "IT", "")).unwrap();
        let other = store.create_customer(customer("Bianchi", "Roma", "IT", "")).unwrap();
        let boss = store.create_person(c.id, PersonData { is_main: true, ..person("Mario Rossi") }).unwrap();
        let buyer = store.create_person(c.id, PersonData { is_main: true, ..person("Anna Verdi") }).unwrap();
        assert!(!store.person(boss.id).unwrap().data.is_main, "one main contact per customer");
        // Unmarking is a change of the former main contact: an edit opened before it is stale.
        assert_eq!(store.person(boss.id).unwrap().version, boss.version + 1);
        let assistant = store
            .create_person(
                c.id,
                PersonData { assistant_of: Some(boss.id), decision_role: "assistant".into(), ..person("Sara") },
            )
            .unwrap();
        assert_eq!(assistant.data.assistant_of, Some(boss.id));
        let stranger = store.create_person(other.id, person("Luigi")).unwrap();
        let bad = PersonData { assistant_of: Some(stranger.id), ..person("X") };
        assert!(matches!(store.create_person(c.id, bad), Err(Error::Validation(_))));
        assert!(matches!(store.create_person(9999, person("Nobody")), Err(Error::NotFound { .. })));
        assert!(matches!(
            store.create_person(c.id, PersonData { email: "no".into(), ..person("Y") }),
            Err(Error::Validation(_))
        ));

        // Someone who left stays, listed after the active people. (Unmarking them as main
        // contact counted as a change: work on the current version.)
        let boss = store.person(boss.id).unwrap();
        let mut left = boss.data.clone();
        left.active = false;
        store.update_person(boss.id, boss.version, left.clone()).unwrap();
        assert!(matches!(store.update_person(boss.id, boss.version, left), Err(Error::Conflict { .. })));
        let names: Vec<_> = store.people(c.id).unwrap().into_iter().map(|p| p.data.name).collect();
        assert_eq!(names, ["Anna Verdi", "Sara", "Mario Rossi"]);
        assert_eq!(store.people(c.id).unwrap()[0].id, buyer.id);
    });
}
