//! Shared store tests of fleets, market share, renewals and competitors.

use super::*;
use crate::customer::testing::customer;
use crate::customer::testing::fill;
use crate::customer::testing::names;
use crate::customer::CustomerQuery;
use crate::fleet::competitor::CompetitorData;
use crate::fleet::competitor::SightingData;
use crate::fleet::share::RadarSort;
use crate::fleet::testing::vehicles;
use crate::fleet::testing::we_sell;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::day;
use crate::storage::testing::each_store;
use crate::storage::testing::field_keys;

#[test]
fn fleet_lines_are_validated_saved_and_shared_on_the_card() {
    each_store(|store| {
        we_sell(store, "Renault Trucks");
        let c = store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "")).unwrap();
        let mut bad = vehicles("Volvo", "tractor", 1, Some(2022));
        bad.vin = "YV2RT40A0GB12345O".into();
        assert_eq!(field_keys(store.add_fleet_line(c.id, bad).unwrap_err()), [("vin", "validation.vin")]);
        assert!(store.fleet(c.id).unwrap().lines.is_empty(), "invalid input saves nothing");

        let mut one = vehicles("volvo", "tractor", 1, Some(2022));
        one.vin = "YV2RT40A6GB123456".into();
        one.plate = "AB 123 CD".into();
        one.gross_weight_kg = Some(18_000);
        let saved = store.add_fleet_line(c.id, one).unwrap();
        assert_eq!(saved.warnings.len(), 1, "the check digit does not match: a warning only");
        assert_eq!((saved.saved.data.brand.as_str(), saved.saved.ours), ("Volvo", false));
        assert_eq!(saved.saved.data.renewal_due.as_deref(), Some("2027-07-01"));
        let mut ours = vehicles("Renault Trucks", "tractor", 3, Some(2023));
        ours.gross_weight_kg = Some(19_000);
        let ours = store.add_fleet_line(c.id, ours).unwrap().saved;
        assert!(ours.ours);
        store.add_fleet_line(c.id, vehicles("Iveco", "van", 4, None)).unwrap();

        let fleet = store.fleet(c.id).unwrap();
        assert_eq!(fleet.lines.len(), 3);
        assert_eq!((fleet.share.total.vehicles, fleet.share.total.ours), (8, 3));
        assert_eq!(fleet.share.total.vehicle_pct, Some(37.5));
        // Tonnage of the tractors only: 57 t ours of 75 t.
        assert_eq!(fleet.share.total.tonnage_pct, Some(76.0));
        assert_eq!(fleet.share.categories[0].share.vehicle_pct, Some(75.0));

        // A stale save is a conflict; a fresh one moves the share.
        let mut more = ours.data.clone();
        more.vehicles = 5;
        store.update_fleet_line(ours.id, ours.version, more.clone()).unwrap();
        assert!(matches!(store.update_fleet_line(ours.id, ours.version, more), Err(Error::Conflict { .. })));
        assert_eq!(store.fleet(c.id).unwrap().share.total.vehicles, 10);
        store.delete_fleet_line(ours.id).unwrap();
        assert!(matches!(store.delete_fleet_line(ours.id), Err(Error::NotFound { .. })));
        assert_eq!(store.fleet(c.id).unwrap().share.total.ours, 0);
        assert!(matches!(store.add_fleet_line(999, vehicles("MAN", "rigid", 1, None)), Err(Error::NotFound { .. })));
    });
}

#[test]
fn market_share_follows_every_write_and_leaves_out_archived_customers() {
    each_store(|store| {
        we_sell(store, "Renault Trucks");
        let a = store.create_customer(customer("A", "Milano", "IT", "")).unwrap();
        let b = store.create_customer(customer("B", "Torino", "IT", "")).unwrap();
        let ids = store
            .create_fleet_bulk(vec![
                (a.id, vehicles("Renault Trucks", "tractor", 2, Some(2024))),
                (a.id, vehicles("Volvo", "tractor", 6, Some(2024))),
                (b.id, vehicles("Renault Trucks", "tractor", 1, Some(2025))),
                (b.id, vehicles("Scania", "tractor", 1, Some(2025))),
                (b.id, vehicles("DAF", "van", 5, None)),
            ])
            .unwrap();
        let m = store.market_share().unwrap();
        assert_eq!((m.total.vehicles, m.total.ours), (15, 3));
        let years: Vec<_> = m.years.iter().map(|y| (y.year, y.share.vehicles, y.share.ours)).collect();
        assert_eq!(years, [(Some(2025), 2, 1), (Some(2024), 8, 2), (None, 5, 0)]);
        assert_eq!(m.brands[0].brand, "Volvo", "the largest competitor fleet first");

        // A line moved to another year and brand moves in the summary.
        let volvo = store.fleet_line(ids[1]).unwrap();
        let mut d = volvo.data.clone();
        d.brand = "Renault Trucks".into();
        store.update_fleet_line(volvo.id, volvo.version, d).unwrap();
        assert_eq!(store.market_share().unwrap().total.ours, 9);

        // Archiving B takes its fleet out of the market share; restoring brings it back.
        store.archive_customer(b.id).unwrap();
        store.archive_customer(b.id).unwrap();
        let m = store.market_share().unwrap();
        assert_eq!((m.total.vehicles, m.total.ours), (8, 8));
        store.add_fleet_line(b.id, vehicles("MAN", "rigid", 2, Some(2020))).unwrap();
        assert_eq!(store.market_share().unwrap().total.vehicles, 8, "an archived customer's new line is not counted");
        store.restore_customer(b.id).unwrap();
        let m = store.market_share().unwrap();
        assert_eq!((m.total.vehicles, m.total.ours), (17, 9));
        store.delete_fleet_line(ids[4]).unwrap();
        let m = store.market_share().unwrap();
        assert_eq!(m.total.vehicles, 12);
        assert!(m.segments.iter().all(|s| s.category != "van"), "an emptied segment disappears");
    });
}

#[test]
fn the_renewal_radar_lists_my_customers_vehicles_due_by_month() {
    each_store(|store| {
        we_sell(store, "Renault Trucks");
        let anna = user(store, "Anna", UserRole::Salesperson);
        let mut mine = customer("Mine", "Milano", "IT", "");
        mine.owner_id = Some(anna.id);
        let mine = store.create_customer(mine).unwrap();
        let other = store.create_customer(customer("Other", "Torino", "IT", "")).unwrap();
        let due = |brand: &str, n: i64, day: &str| FleetLineData {
            renewal_manual: true,
            renewal_due: Some(day.into()),
            ..vehicles(brand, "tractor", n, None)
        };
        store
            .create_fleet_bulk(vec![
                (mine.id, due("Volvo", 3, "2027-01-10")),
                (mine.id, due("Renault Trucks", 2, "2026-12-01")),
                (mine.id, due("Scania", 1, "2028-01-01")),
                (other.id, due("MAN", 4, "2026-11-30")),
            ])
            .unwrap();
        let today = day("2026-11-23");
        let r = store.renewal_radar(&RadarQuery { months: 3, ..Default::default() }, today).unwrap();
        assert_eq!((r.vehicles, r.competitor, r.customer_count), (9, 7, 2));
        assert_eq!(r.customers[0].name, "Other", "most competitor vehicles first");
        let r = store
            .renewal_radar(
                &RadarQuery { months: 3, owner_id: Some(anna.id), sort: RadarSort::Volume, limit: 10 },
                today,
            )
            .unwrap();
        assert_eq!(r.customers.len(), 1);
        let c = &r.customers[0];
        assert_eq!((c.vehicles, c.competitor), (5, 3));
        assert_eq!(c.months.iter().map(|m| m.vehicles).collect::<Vec<_>>(), [0, 2, 3]);
        assert_eq!(c.lines[0].brand, "Volvo");
        store.archive_customer(mine.id).unwrap();
        let r = store.renewal_radar(&RadarQuery { months: 3, ..Default::default() }, today).unwrap();
        assert_eq!(r.customer_count, 1, "archived customers leave the radar");
    });
}

#[test]
fn fleet_settings_are_versioned_and_a_new_rule_moves_default_renewals() {
    each_store(|store| {
        let c = store.create_customer(customer("A", "Milano", "IT", "")).unwrap();
        let auto = store.add_fleet_line(c.id, vehicles("Volvo", "tractor", 1, Some(2022))).unwrap().saved;
        let manual = FleetLineData {
            renewal_manual: true,
            renewal_due: Some("2030-01-01".into()),
            ..vehicles("Volvo", "tractor", 1, Some(2022))
        };
        let manual = store.add_fleet_line(c.id, manual).unwrap().saved;
        let van = store.add_fleet_line(c.id, vehicles("Iveco", "van", 2, Some(2022))).unwrap().saved;

        let mut s = store.fleet_settings().unwrap();
        assert_eq!(s, FleetSettings::default());
        s.rules.iter_mut().find(|r| r.category == "tractor").unwrap().years = Some(4);
        s.brands.iter_mut().find(|b| b.name == "Volvo").unwrap().ours = true;
        let saved = store.save_fleet_settings(s.clone()).unwrap();
        assert_eq!(saved.version, 1);
        assert!(matches!(store.save_fleet_settings(s), Err(Error::Conflict { .. })), "edited from a stale version");
        assert_eq!(store.fleet_settings().unwrap(), saved);

        assert_eq!(store.fleet_line(auto.id).unwrap().data.renewal_due.as_deref(), Some("2026-07-01"));
        assert_eq!(store.fleet_line(manual.id).unwrap().data.renewal_due.as_deref(), Some("2030-01-01"));
        assert_eq!(store.fleet_line(van.id).unwrap(), van, "other categories untouched");
        assert!(store.fleet_line(auto.id).unwrap().ours, "Volvo is ours now");
        assert_eq!(store.market_share().unwrap().total.ours, 2);

        let mut bad = saved.clone();
        bad.categories.clear();
        assert!(matches!(store.save_fleet_settings(bad), Err(Error::Validation(_))));
        assert_eq!(store.fleet_settings().unwrap(), saved);
    });
}

#[test]
fn competitors_are_present_from_the_fleet_and_by_hand_with_prices_seen() {
    each_store(|store| {
        we_sell(store, "Renault Trucks");
        let c = store.create_customer(customer("A", "Milano", "IT", "")).unwrap();
        let volvo = store
            .create_competitor(CompetitorData {
                brand: "Volvo".into(),
                dealer: "Volvo Truck Center Milano".into(),
                strengths: "Fast workshop".into(),
                ..Default::default()
            })
            .unwrap();
        let broker = store
            .create_competitor(CompetitorData { dealer: "Used trucks broker".into(), ..Default::default() })
            .unwrap();
        assert!(matches!(store.create_competitor(CompetitorData::default()), Err(Error::Validation(_))));
        let mut edited = volvo.data.clone();
        edited.weaknesses = "Expensive service contracts".into();
        let volvo = store.update_competitor(volvo.id, volvo.version, edited.clone()).unwrap();
        assert!(matches!(store.update_competitor(volvo.id, 1, edited), Err(Error::Conflict { .. })));

        store
            .create_fleet_bulk(vec![
                (c.id, vehicles("Volvo", "tractor", 5, None)),
                (c.id, vehicles("DAF", "tractor", 2, None)),
                (c.id, vehicles("Renault Trucks", "tractor", 9, None)),
            ])
            .unwrap();
        store.note_competitor(c.id, broker.id, true).unwrap();
        store.note_competitor(c.id, broker.id, true).unwrap();
        let got = store.customer_competitors(c.id).unwrap();
        let present: Vec<_> =
            got.present.iter().map(|p| (p.competitor_id, p.brand.as_str(), p.vehicles, p.by_hand)).collect();
        assert_eq!(
            present,
            [(Some(volvo.id), "Volvo", 5, false), (None, "DAF", 2, false), (Some(broker.id), "", 0, true)]
        );
        store.note_competitor(c.id, broker.id, false).unwrap();
        assert_eq!(store.customer_competitors(c.id).unwrap().present.len(), 2);
        assert!(matches!(store.note_competitor(c.id, 999, true), Err(Error::NotFound { .. })));

        let seen = SightingData {
            competitor_id: Some(volvo.id),
            seen_on: "2026-11-20".into(),
            product: "FH 500 4x2".into(),
            price_minor: Some(9_850_000),
            currency: "EUR".into(),
            conditions: "5% off, 3 years service".into(),
            source: "offer on the desk".into(),
        };
        let s = store.add_sighting(c.id, seen.clone()).unwrap();
        store
            .add_sighting(c.id, SightingData { seen_on: "2026-10-01".into(), competitor_id: None, ..seen.clone() })
            .unwrap();
        let list = store.customer_competitors(c.id).unwrap().sightings;
        assert_eq!(list.iter().map(|s| s.data.seen_on.as_str()).collect::<Vec<_>>(), ["2026-11-20", "2026-10-01"]);
        assert_eq!(list[0].data.price_minor, Some(9_850_000));
        assert!(matches!(
            store.add_sighting(c.id, SightingData { price_minor: Some(-5), ..seen }),
            Err(Error::Validation(_))
        ));
        store.delete_sighting(s.id).unwrap();
        assert_eq!(store.customer_competitors(c.id).unwrap().sightings.len(), 1);
    });
}

#[test]
fn archived_customers_are_hidden_by_default_and_restorable() {
    each_store(|store| {
        fill(store, &[customer("Rossi", "Milano", "IT", ""), customer("Bianchi", "Milano", "IT", "")]);
        let archived = store.archive_customer(1).unwrap();
        assert!(archived.archived_at.is_some());
        assert_eq!(names(store, "milano"), ["Bianchi"]);
        let all = CustomerQuery { text: "milano".into(), include_archived: true, limit: 10, ..Default::default() };
        assert_eq!(store.search_customers(&all).unwrap().len(), 2);
        assert!(store.restore_customer(1).unwrap().archived_at.is_none());
        assert_eq!(names(store, ""), ["Bianchi", "Rossi"]);
        assert!(matches!(store.archive_customer(42), Err(Error::NotFound { .. })));
    });
}
