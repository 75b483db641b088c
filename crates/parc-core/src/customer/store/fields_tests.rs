//! Shared store tests of the office's own fields and files kept with contacts.

use super::*;
use crate::customer::testing::customer;
use crate::customer::testing::field;
use crate::customer::testing::names;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::each_store;

#[test]
fn the_manager_defines_fields_whose_values_are_checked_saved_and_searchable() {
    each_store(|store| {
        let boss = user(store, "Capo", UserRole::Manager);
        let anna = user(store, "Anna", UserRole::Salesperson);
        assert!(matches!(
            store.define_custom_field(Some(anna.id), field("Tier", FieldKind::Text, &[])),
            Err(Error::ManagerOnly)
        ));
        assert!(matches!(
            store.define_custom_field(None, field("Tier", FieldKind::Text, &[])),
            Err(Error::ManagerOnly)
        ));
        let depot = store.define_custom_field(Some(boss.id), field("Depot", FieldKind::Text, &[])).unwrap();
        let trucks = store.define_custom_field(Some(boss.id), field("Trucks", FieldKind::Number, &[])).unwrap();
        let tier =
            store.define_custom_field(Some(boss.id), field("Tier", FieldKind::Choice, &["Gold", "Silver"])).unwrap();
        assert_eq!(store.custom_fields().unwrap().iter().map(|f| f.position).collect::<Vec<_>>(), [1, 2, 3]);

        let mut data = customer("Rossi Trasporti", "Milano", "IT", "");
        data.custom = [(depot.id, "Piacenza Interporto".into()), (trucks.id, "040".into()), (tier.id, "Gold".into())]
            .into_iter()
            .collect();
        let c = store.create_customer(data.clone()).unwrap();
        assert_eq!(c.data.custom[&trucks.id], "40");
        assert_eq!(names(store, "interporto"), ["Rossi Trasporti"]);

        // Bad values save nothing and name the field, together with the card's own problems.
        let mut bad = data.clone();
        bad.email = "nope".into();
        bad.custom.insert(trucks.id, "forty".into());
        let Err(Error::Validation(errors)) = store.update_customer(c.id, c.version, bad) else { panic!("must fail") };
        let named: Vec<_> = errors.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(named, ["email".to_string(), format!("custom.{}", trucks.id)]);
        assert_eq!(store.customer(c.id).unwrap(), c);

        // Withdrawing a choice and retiring a field keep what customers already have.
        let withdrawn = CustomFieldData { choices: vec!["Silver".into(), "Bronze".into()], ..tier.data.clone() };
        store.update_custom_field(Some(boss.id), tier.id, tier.version, withdrawn).unwrap();
        let retired = CustomFieldData { retired: true, ..depot.data.clone() };
        store.update_custom_field(Some(boss.id), depot.id, depot.version, retired).unwrap();
        let mut edit = store.customer(c.id).unwrap();
        edit.data.custom.remove(&depot.id);
        edit.data.notes = "Still Gold".into();
        let saved = store.update_customer(c.id, edit.version, edit.data.clone()).unwrap();
        assert_eq!(saved.data.custom[&tier.id], "Gold");
        assert_eq!(saved.data.custom[&depot.id], "Piacenza Interporto");
        let mut other = customer("Nowak", "Łódź", "PL", "");
        other.custom.insert(tier.id, "Gold".into());
        assert!(matches!(store.create_customer(other), Err(Error::Validation(e)) if e[0].key == "validation.choice"));

        // A stale definition is a conflict; the kind of a field never changes; order is the manager's.
        assert!(matches!(
            store.update_custom_field(Some(boss.id), tier.id, tier.version, tier.data.clone()),
            Err(Error::Conflict { .. })
        ));
        let as_text = CustomFieldData { kind: FieldKind::Text, ..trucks.data.clone() };
        assert!(matches!(
            store.update_custom_field(Some(boss.id), trucks.id, trucks.version, as_text),
            Err(Error::Validation(_))
        ));
        let order = store.reorder_custom_fields(Some(boss.id), &[tier.id, depot.id, trucks.id]).unwrap();
        assert_eq!(order.iter().map(|f| f.id).collect::<Vec<_>>(), [tier.id, depot.id, trucks.id]);
        assert!(store.reorder_custom_fields(Some(boss.id), &[tier.id]).is_err());
    });
}
