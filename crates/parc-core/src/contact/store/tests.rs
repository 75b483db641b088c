//! Store tests of contacts, on each store: the timeline, corrections, files, the agenda, going cold and materials sent regularly.

use super::*;
use crate::contact::testing::call;
use crate::contact::AgendaItem;
use crate::contact::ContactData;
use crate::contact::HistoryFilter;
use crate::customer::testing::customer;
use crate::customer::testing::person;
use crate::fleet::testing::vehicles;
use crate::fleet::FleetLineData;
use crate::funnel::testing::deal_data;
use crate::funnel::testing::to;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::day;
use crate::storage::testing::each_store;

#[test]
fn contacts_make_a_timeline_filtered_by_kind_and_person() {
    each_store(|store| {
        let me = user(store, "Anna", UserRole::Salesperson);
        let c = store.create_customer(customer("Rossi", "Milano", "IT", "")).unwrap();
        let mario = store.create_person(c.id, person("Mario")).unwrap();
        let sara = store.create_person(c.id, person("Sara")).unwrap();
        let mut visit = call("2026-11-20T09:00", "Showed the new tractor unit");
        visit.kind = "visit".into();
        visit.duration_min = 90;
        visit.person_ids = vec![mario.id, sara.id];
        visit.docs_sent = vec!["Catalogue T 2027".into(), " ".into()];
        let v = store.log_contact(c.id, visit, Some(me.id)).unwrap();
        assert_eq!(v.data.docs_sent, ["Catalogue T 2027"]);
        assert_eq!(v.created_by, Some(me.id));
        let mut phone = call("2026-11-22T15:30", "Asked for financing terms");
        phone.person_ids = vec![mario.id];
        store.log_contact(c.id, phone, Some(me.id)).unwrap();
        store.log_contact(c.id, call("2026-11-21T11:00", "Left a message"), Some(me.id)).unwrap();

        let history = |store: &mut Store, f: HistoryFilter| -> Vec<String> {
            store.contact_history(c.id, &f).unwrap().into_iter().map(|k| k.data.agreed).collect()
        };
        assert_eq!(
            history(store, HistoryFilter::default()),
            ["Asked for financing terms", "Left a message", "Showed the new tractor unit"]
        );
        assert_eq!(history(store, HistoryFilter { kind: Some("visit".into()), ..Default::default() }).len(), 1);
        assert_eq!(history(store, HistoryFilter { person_id: Some(mario.id), ..Default::default() }).len(), 2);
        assert_eq!(
            history(store, HistoryFilter { limit: Some(1), offset: 1, ..Default::default() }),
            ["Left a message"]
        );

        let other = store.create_customer(customer("Bianchi", "Roma", "IT", "")).unwrap();
        let stranger = store.create_person(other.id, person("Luigi")).unwrap();
        let mut wrong = call("2026-11-22T10:00", "x");
        wrong.person_ids = vec![stranger.id];
        assert!(matches!(store.log_contact(c.id, wrong, None), Err(Error::Validation(_))));
        assert!(matches!(store.log_contact(424242, call("2026-11-22T10:00", "x"), None), Err(Error::NotFound { .. })));
    });
}

#[test]
fn a_correction_keeps_the_original_visible() {
    each_store(|store| {
        let me = user(store, "Anna", UserRole::Salesperson);
        let boss = user(store, "Marco", UserRole::Manager);
        let c = store.create_customer(customer("Rossi", "Milano", "IT", "")).unwrap();
        let k = store.log_contact(c.id, call("2026-11-22T15:30", "Wants 3 vans"), Some(me.id)).unwrap();
        let mut fixed = k.data.clone();
        fixed.agreed = "Wants 3 tractor units".into();
        let corrected = store.correct_contact(k.id, k.version, fixed.clone(), Some(boss.id)).unwrap();
        assert_eq!(
            (corrected.data.agreed.as_str(), corrected.revisions, corrected.version),
            ("Wants 3 tractor units", 1, 2)
        );
        let revisions = store.contact_revisions(k.id).unwrap();
        assert_eq!(revisions.len(), 1);
        assert_eq!(revisions[0].previous.agreed, "Wants 3 vans");
        assert_eq!(revisions[0].revised_by, Some(boss.id));
        assert!(matches!(store.correct_contact(k.id, k.version, fixed, None), Err(Error::Conflict { .. })));
    });
}

#[test]
fn the_agenda_shows_open_actions_and_completing_one_logs_the_follow_up() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let piotr = user(store, "Piotr", UserRole::Salesperson);
        let rossi = store.create_customer(customer("Rossi", "Milano", "IT", "")).unwrap();
        let gone = store.create_customer(customer("Closed Down", "Milano", "IT", "")).unwrap();
        let with_action = |at: &str, action: &str, due: &str, kind: &str, who: i64| ContactData {
            next_action: action.into(),
            next_due: Some(due.into()),
            next_kind: kind.into(),
            next_user_id: Some(who),
            ..call(at, "talked")
        };
        let overdue = store
            .log_contact(
                rossi.id,
                with_action("2026-11-10T10:00", "Send offer", "2026-11-20", "email", anna.id),
                Some(anna.id),
            )
            .unwrap();
        store
            .log_contact(
                rossi.id,
                with_action("2026-11-12T10:00", "Call back", "2026-11-23", "phone", anna.id),
                Some(anna.id),
            )
            .unwrap();
        store
            .log_contact(
                rossi.id,
                with_action("2026-11-13T10:00", "Visit depot", "2026-11-27", "visit", anna.id),
                Some(anna.id),
            )
            .unwrap();
        store
            .log_contact(
                rossi.id,
                with_action("2026-11-13T11:00", "Far visit", "2026-12-15", "visit", anna.id),
                Some(anna.id),
            )
            .unwrap();
        store
            .log_contact(
                rossi.id,
                with_action("2026-11-14T10:00", "Piotr's call", "2026-11-24", "phone", piotr.id),
                Some(piotr.id),
            )
            .unwrap();
        store
            .log_contact(
                gone.id,
                with_action("2026-11-14T10:00", "Never", "2026-11-24", "phone", anna.id),
                Some(anna.id),
            )
            .unwrap();
        store.archive_customer(gone.id).unwrap();

        let today = day("2026-11-23");
        let a = store.agenda(Some(anna.id), today).unwrap();
        let actions = |items: &[AgendaItem]| items.iter().map(|i| i.next_action.clone()).collect::<Vec<_>>();
        assert_eq!(actions(&a.overdue), ["Send offer"]);
        assert_eq!(actions(&a.today), ["Call back"]);
        assert_eq!(actions(&a.upcoming), ["Visit depot"]);
        assert_eq!(actions(&a.visits), ["Visit depot", "Far visit"]);
        assert_eq!(a.overdue[0].customer_name, "Rossi");
        let everyone = store.agenda(None, today).unwrap();
        assert_eq!(actions(&everyone.upcoming), ["Piotr's call", "Visit depot"]);

        let follow = with_action("2026-11-23T09:30", "Chase the signature", "2026-11-26", "phone", anna.id);
        let new =
            store.complete_action(overdue.id, "Offer sent by e-mail", Some(follow), Some(anna.id)).unwrap().unwrap();
        let done = store.contact(overdue.id).unwrap();
        assert_eq!(done.next_outcome, "Offer sent by e-mail");
        assert!(done.next_done_at.is_some());
        assert_eq!(new.customer_id, rossi.id);
        let a = store.agenda(Some(anna.id), today).unwrap();
        assert!(a.overdue.is_empty());
        assert_eq!(actions(&a.upcoming), ["Chase the signature", "Visit depot"]);
        assert!(matches!(store.complete_action(overdue.id, "again", None, None), Err(Error::Conflict { .. })));
        assert_eq!(store.complete_action(new.id, "Signed!", None, Some(anna.id)).unwrap(), None);
    });
}

#[test]
fn customers_with_no_action_and_no_recent_contact_are_going_cold() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let mk = |store: &mut Store, name: &str| {
            let mut d = customer(name, "Milano", "IT", "");
            d.owner_id = Some(anna.id);
            store.create_customer(d).unwrap()
        };
        let never = mk(store, "Never contacted");
        let old = mk(store, "Old contact");
        let recent = mk(store, "Recent contact");
        let planned = mk(store, "Old but planned");
        store.create_customer(customer("Someone else's", "Roma", "IT", "")).unwrap();
        store.log_contact(old.id, call("2026-06-01T10:00", "x"), None).unwrap();
        store.log_contact(recent.id, call("2026-11-20T10:00", "x"), None).unwrap();
        let plan = ContactData {
            next_action: "Call".into(),
            next_due: Some("2026-12-01".into()),
            ..call("2026-05-01T10:00", "x")
        };
        store.log_contact(planned.id, plan, None).unwrap();

        let cold = store.going_cold(Some(anna.id), 60, day("2026-11-23"), 100).unwrap();
        let names: Vec<_> = cold.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Never contacted", "Old contact"]);
        assert_eq!(cold[0].customer_id, never.id);
        assert_eq!(cold[1].last_contact_at.as_deref(), Some("2026-06-01T10:00"));
        // Everyone's merges the owners' lists and the unowned in the same order, then the limit.
        let bruno = user(store, "Bruno", UserRole::Salesperson);
        let mut theirs = customer("Bruno's old one", "Torino", "IT", "");
        theirs.owner_id = Some(bruno.id);
        let theirs = store.create_customer(theirs).unwrap();
        store.log_contact(theirs.id, call("2026-03-01T10:00", "x"), None).unwrap();
        let everyone = store.going_cold(None, 60, day("2026-11-23"), 100).unwrap();
        let names: Vec<_> = everyone.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Never contacted", "Someone else's", "Bruno's old one", "Old contact"]);
        let first_two = store.going_cold(None, 60, day("2026-11-23"), 2).unwrap();
        assert_eq!(first_two.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), names[..2]);
    });
}

#[test]
fn materials_sent_regularly_come_due_in_the_agenda() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let mut d = customer("Rossi", "Milano", "IT", "");
        d.owner_id = Some(anna.id);
        let rossi = store.create_customer(d).unwrap();
        let other = store.create_customer(customer("Bianchi", "Roma", "IT", "")).unwrap();
        let material = |name: &str, every: i64, sent: Option<&str>| crate::contact::MaterialData {
            name: name.into(),
            every_days: every,
            last_sent: sent.map(str::to_string),
        };
        let prices = store.add_material(rossi.id, material("Price list", 90, Some("2026-8-30"))).unwrap();
        assert_eq!(prices.data.last_sent.as_deref(), Some("2026-08-30"), "dates are stored canonically");
        store.add_material(rossi.id, material("Newsletter", 30, None)).unwrap();
        store.add_material(rossi.id, material("Calendar", 365, Some("2026-01-10"))).unwrap();
        store.add_material(other.id, material("Price list", 90, None)).unwrap();
        assert!(
            matches!(store.add_material(rossi.id, material("", 0, None)), Err(Error::Validation(e)) if e.len() == 2)
        );
        assert!(matches!(store.add_material(4242, material("X", 10, None)), Err(Error::NotFound { .. })));

        let due = |store: &mut Store, who| -> Vec<(String, Option<String>)> {
            store.agenda(who, day("2026-11-23")).unwrap().materials.into_iter().map(|m| (m.name, m.due)).collect()
        };
        // Never sent first, then by the day it falls due (the price list: 30 Aug + 90 days).
        assert_eq!(
            due(store, Some(anna.id)),
            [("Newsletter".to_string(), None), ("Price list".into(), Some("2026-11-28".into()))]
        );
        assert_eq!(due(store, None).len(), 3);

        let sent = store
            .update_material(rossi.id, prices.id, prices.version, material("Price list", 90, Some("2026-11-23")))
            .unwrap();
        assert_eq!(due(store, Some(anna.id)).len(), 1);
        assert!(matches!(
            store.update_material(rossi.id, prices.id, prices.version, material("Price list", 90, None)),
            Err(Error::Conflict { .. })
        ));
        store.delete_material(sent.id).unwrap();
        assert_eq!(store.materials(rossi.id).unwrap().len(), 2);
        assert!(matches!(store.delete_material(sent.id), Err(Error::NotFound { .. })));
    });
}

#[test]
fn files_are_kept_with_a_contact_under_a_plain_name() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let c = store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "")).unwrap();
        let k = store.log_contact(c.id, call("2026-11-20T10:00", "Sent the offer"), Some(anna.id)).unwrap();
        let a = store.attach_file(k.id, "C:\\Users\\anna\\Offerta 42.pdf", &[0, 1, 2, 255], Some(anna.id)).unwrap();
        assert_eq!((a.name.as_str(), a.size, a.added_by), ("Offerta 42.pdf", 4, Some(anna.id)));
        store.attach_file(k.id, "../../etc/passwd", b"x", None).unwrap();
        let history = store.contact_history(c.id, &HistoryFilter::default()).unwrap();
        let files: Vec<_> = history[0].attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(files, ["Offerta 42.pdf", "passwd"]);
        assert_eq!(store.attachment(a.id).unwrap().1, [0, 1, 2, 255]);

        assert!(matches!(store.attach_file(k.id, "empty.txt", b"", None), Err(Error::Validation(_))));
        assert!(matches!(store.attach_file(k.id, "..", b"x", None), Err(Error::Validation(_))));
        assert!(matches!(store.attach_file(999, "a.txt", b"x", None), Err(Error::NotFound { .. })));
        let too_big = vec![0u8; crate::contact::MAX_ATTACHMENT_BYTES + 1];
        assert!(matches!(store.attach_file(k.id, "big.bin", &too_big, None), Err(Error::Validation(_))));
        assert_eq!(store.contact(k.id).unwrap().attachments.len(), 2);

        let dir = tempfile::tempdir().unwrap();
        let path = store.export_attachment(a.id, dir.path()).unwrap();
        assert_eq!(path.file_name().unwrap(), "Offerta 42.pdf");
        assert!(path.starts_with(dir.path()));
        assert_eq!(std::fs::read(&path).unwrap(), [0, 1, 2, 255]);
    });
}

#[test]
fn a_deals_own_contacts_are_those_logged_about_it() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let c = store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "")).unwrap();
        let d =
            store.create_deal(c.id, deal_data("2 tractors", 1_000, None, Some(anna.id)), None, "card", None).unwrap();
        let mut k = call("2026-11-20T10:00", "Demo drive booked");
        k.deal_id = Some(d.id);
        store.log_contact(c.id, k, Some(anna.id)).unwrap();
        store.log_contact(c.id, call("2026-11-21T10:00", "Other business"), Some(anna.id)).unwrap();
        let about = HistoryFilter { deal_id: Some(d.id), ..Default::default() };
        assert_eq!(store.contact_history(c.id, &about).unwrap().len(), 1);
    });
}

#[test]
fn inspections_coming_due_are_service_reminders_in_the_agenda() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let mut mine = customer("Mine", "Milano", "IT", "");
        mine.owner_id = Some(anna.id);
        let mine = store.create_customer(mine).unwrap();
        let other = store.create_customer(customer("Other", "Torino", "IT", "")).unwrap();
        let inspect = |day: &str| FleetLineData {
            inspection_due: Some(day.into()),
            plate: "AB 123 CD".into(),
            ..vehicles("Volvo", "tractor", 1, None)
        };
        store
            .create_fleet_bulk(vec![
                (mine.id, inspect("2026-12-10")),
                (mine.id, inspect("2026-11-01")),
                (mine.id, inspect("2027-03-01")),
                (mine.id, inspect("2025-01-01")),
                (other.id, inspect("2026-11-25")),
            ])
            .unwrap();
        let agenda = store.agenda(Some(anna.id), day("2026-11-23")).unwrap();
        let due: Vec<_> = agenda.service.iter().map(|s| s.inspection_due.as_str()).collect();
        assert_eq!(due, ["2026-11-01", "2026-12-10"], "missed lately or due within the month; long missed is stale");
        assert_eq!(agenda.service[0].plate, "AB 123 CD");
        assert_eq!(store.agenda(None, day("2026-11-23")).unwrap().service.len(), 3);
    });
}

#[test]
fn lost_needs_a_reason_and_postponed_a_day_to_come_back_which_the_agenda_shows() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let c = store.create_customer(customer("Trans-Łódź", "Łódź", "PL", "")).unwrap();
        let today = day("2026-11-23");
        let d =
            store.create_deal(c.id, deal_data("Vans", 10_000_000, None, Some(anna.id)), None, "card", None).unwrap();
        let mut lose = to(7);
        let err = store.move_deal(d.id, d.version, lose.clone(), None, today).unwrap_err();
        assert!(matches!(&err, Error::Validation(e) if e[0].field == "reason"));
        lose.reason = "price".into();
        lose.lost_to = " MAN  Truck ".into();
        lose.lost_price = Some(9_500_000);
        let lost = store.move_deal(d.id, d.version, lose, Some(anna.id), today).unwrap();
        assert_eq!(lost.state.closed_on.as_deref(), Some("2026-11-23"));
        assert_eq!(
            (lost.state.lost_to.as_str(), lost.state.lost_price, lost.state.lost_currency.as_str()),
            ("MAN Truck", Some(9_500_000), "EUR")
        );
        assert_eq!(store.deal_view(d.id, today).unwrap().moves.last().unwrap().reason, "price");

        let p =
            store.create_deal(c.id, deal_data("Tippers", 5_000_000, None, Some(anna.id)), None, "card", None).unwrap();
        let mut later = to(8);
        later.reason = "budget_frozen".into();
        later.revisit_on = Some("2026-11-20".into());
        let err = store.move_deal(p.id, p.version, later.clone(), None, today).unwrap_err();
        assert!(matches!(&err, Error::Validation(e) if e[0].field == "revisit_on"));
        later.revisit_on = Some("2026-11-27".into());
        let p = store.move_deal(p.id, p.version, later, None, today).unwrap();
        let agenda = store.agenda(Some(anna.id), today).unwrap();
        assert_eq!(
            agenda.revisits.iter().map(|r| (r.deal_id, r.revisit_on.as_str())).collect::<Vec<_>>(),
            [(p.id, "2026-11-27")]
        );
        assert!(store.agenda(Some(anna.id), day("2026-11-19")).unwrap().revisits.is_empty(), "beyond the week");
        // Revived: back in the funnel, out of the agenda.
        let p = store.move_deal(p.id, p.version, to(2), None, today).unwrap();
        assert_eq!((p.state.closed_on, p.state.revisit_on, p.state.close_reason.as_str()), (None, None, ""));
        assert!(store.agenda(Some(anna.id), today).unwrap().revisits.is_empty());
    });
}
