//! Shared store tests of a save refused as a conflict, and its resolution.

use super::*;
use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::customer::testing::person;
use crate::customer::CustomerData;
use crate::fleet::testing::vehicles;
use crate::fleet::FleetLineData;
use crate::funnel::deal::DealData;
use crate::funnel::testing::deal_data;
use crate::funnel::testing::to;
use crate::ground::error::Error;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::day;
use crate::storage::testing::each_store;
use crate::storage::testing::field_keys;

/// What the conflict dialog does with the person's choices: the record as stored now, with
/// the form's value for the fields the person keeps from the form.
fn keep_mine(c: &SaveConflict, fields: &[&str]) -> serde_json::Value {
    let mut merged = c.theirs.clone();
    for f in c.fields.iter().filter(|f| fields.contains(&f.field.as_str())) {
        merged[f.field.as_str()] = f.mine.clone();
    }
    merged
}

fn sides(c: &SaveConflict) -> Vec<(&str, bool, bool)> {
    c.fields.iter().map(|f| (f.field.as_str(), f.theirs_changed, f.mine_changed)).collect()
}

#[test]
fn a_conflicting_save_shows_both_sides_by_field_and_saves_the_choice_over_the_new_version() {
    use serde_json::{from_value, json, to_value};
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let marta = user(store, "Marta", UserRole::Salesperson);
        let card = CustomerData { phone: "+39 045 111111".into(), ..customer("Rossi", "Verona", "IT", "") };
        let opened = store.create_customer(card).unwrap();
        // Marta saves the city and the phone while Anna has the card open.
        store.set_actor(Some(marta.id));
        let mut hers = opened.data.clone();
        hers.city = "Verona (VR)".into();
        hers.phone = "+39 045 222222".into();
        store.update_customer(opened.id, opened.version, hers).unwrap();
        // Anna changed the phone and the e-mail: her save is refused, and the conflict says why.
        store.set_actor(Some(anna.id));
        let mut mine = opened.data.clone();
        mine.phone = "+39 045 333333".into();
        mine.email = " info@rossi.it ".into();
        let err = store.update_customer(opened.id, opened.version, mine.clone()).unwrap_err();
        assert!(matches!(err, Error::Conflict { .. }));
        let c =
            store.save_conflict("customer", opened.id, to_value(&opened).unwrap(), to_value(&mine).unwrap()).unwrap();
        assert_eq!(c.version, opened.version + 1);
        assert_eq!(sides(&c), [("city", true, false), ("email", false, true), ("phone", true, true)]);
        let city = &c.fields[0];
        assert_eq!(
            (city.base.clone(), city.theirs.clone(), city.mine.clone()),
            (json!("Verona"), json!("Verona (VR)"), json!("Verona"))
        );
        assert_eq!(city.changed_by, Some(marta.id));
        assert!(city.changed_at.is_some());
        assert_eq!(c.fields[1].mine, json!("info@rossi.it"), "the form's data as its save keeps it");
        // Theirs for the city, mine for the phone and the e-mail, against the new version.
        let merged: CustomerData = from_value(keep_mine(&c, &["phone", "email"])).unwrap();
        let saved = store.update_customer(opened.id, c.version, merged).unwrap();
        assert_eq!(
            (saved.data.city.as_str(), saved.data.phone.as_str(), saved.data.email.as_str()),
            ("Verona (VR)", "+39 045 333333", "info@rossi.it")
        );
        // Invalid form data is told as its save tells it.
        let mut bad = mine.clone();
        bad.email = "not an address".into();
        let err = store.save_conflict("customer", opened.id, to_value(&opened).unwrap(), to_value(&bad).unwrap());
        assert_eq!(field_keys(err.unwrap_err()), [("email", "validation.email")]);

        // A person: theirs the phone, mine the position.
        let p = store.create_person(opened.id, person("Mario Rossi")).unwrap();
        store.update_person(p.id, p.version, PersonData { phone: "+39 333 1234567".into(), ..p.data.clone() }).unwrap();
        let mine = PersonData { position: "Fleet manager".into(), ..p.data.clone() };
        assert!(matches!(store.update_person(p.id, p.version, mine.clone()), Err(Error::Conflict { .. })));
        let c = store.save_conflict("person", p.id, to_value(&p).unwrap(), to_value(&mine).unwrap()).unwrap();
        assert_eq!(sides(&c), [("phone", true, false), ("position", false, true)]);
        let saved = store.update_person(p.id, c.version, from_value(keep_mine(&c, &["position"])).unwrap()).unwrap();
        assert_eq!((saved.data.phone.as_str(), saved.data.position.as_str()), ("+39 333 1234567", "Fleet manager"));

        // A fleet line: theirs the mileage, mine the plate.
        let line = store.add_fleet_line(opened.id, vehicles("MAN", "tractor", 1, Some(2020))).unwrap().saved;
        let theirs = FleetLineData {
            mileage_km: Some(410_000),
            mileage_read_on: Some("2026-11-20".into()),
            ..line.data.clone()
        };
        store.update_fleet_line(line.id, line.version, theirs).unwrap();
        let mine = FleetLineData { plate: "VR 123 AB".into(), ..line.data.clone() };
        assert!(matches!(store.update_fleet_line(line.id, line.version, mine.clone()), Err(Error::Conflict { .. })));
        let c = store.save_conflict("fleet_line", line.id, to_value(&line).unwrap(), to_value(&mine).unwrap()).unwrap();
        assert_eq!(sides(&c), [("mileage_km", true, false), ("mileage_read_on", true, false), ("plate", false, true)]);
        let merged: FleetLineData = from_value(keep_mine(&c, &["plate"])).unwrap();
        let saved = store.update_fleet_line(line.id, c.version, merged).unwrap().saved;
        assert_eq!((saved.data.mileage_km, saved.data.plate.as_str()), (Some(410_000), "VR 123 AB"));

        // A deal moved meanwhile: no field of its data differs but the one the form changed.
        let d = store.create_deal(opened.id, deal_data("2 vans", 1_000, None, None), None, "card", None).unwrap();
        store.move_deal(d.id, d.version, to(2), None, day("2026-11-23")).unwrap();
        let mine = DealData { title: "3 vans".into(), ..d.data.clone() };
        assert!(matches!(store.update_deal(d.id, d.version, mine.clone()), Err(Error::Conflict { .. })));
        let c = store.save_conflict("deal", d.id, to_value(&d).unwrap(), to_value(&mine).unwrap()).unwrap();
        assert_eq!(sides(&c), [("title", false, true)]);
        let saved = store.update_deal(d.id, c.version, from_value(keep_mine(&c, &["title"])).unwrap()).unwrap();
        assert_eq!((saved.data.title.as_str(), saved.state.stage_id), ("3 vans", 2));

        assert!(store.save_conflict("offer", 1, json!({}), json!({})).is_err());
    });
}
