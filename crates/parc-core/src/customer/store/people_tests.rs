//! Shared store tests of users, owners, people, contacts and the agenda.

use super::*;
use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::customer::testing::person;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::each_store;

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
