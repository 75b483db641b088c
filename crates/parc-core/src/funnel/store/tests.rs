//! Shared store tests of the funnel: deals, stages, forecasts and leads.

use super::*;
use crate::customer::testing::customer;
use crate::customer::testing::person;
use crate::customer::CustomerData;
use crate::fleet::testing::vehicles;
use crate::fleet::testing::we_sell;
use crate::funnel::deal::Competitor;
use crate::funnel::testing::deal_data;
use crate::funnel::testing::historic;
use crate::funnel::testing::to;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::day;
use crate::storage::testing::each_store;
use crate::storage::testing::field_keys;

#[test]
fn a_deal_moves_through_stages_keeping_its_history_answers_and_gaps() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let c = store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "")).unwrap();
        let boss = store.create_person(c.id, person("Mario Rossi")).unwrap();
        let mut data = deal_data("3 × T 480", 36_000_000, Some("2026-12-15"), Some(anna.id));
        data.person_ids = vec![boss.id];
        data.vehicles =
            vec![VehicleLine { category: "tractor".into(), count: 3, model: "T 480".into(), ..Default::default() }];
        data.competitors = vec![Competitor { name: "Scania".into(), price: Some(35_000_000), ..Default::default() }];
        let d = store.create_deal(c.id, data.clone(), None, "card", Some(anna.id)).unwrap();
        assert_eq!(
            (d.state.stage_id, d.state.reached.as_slice(), d.customer_name.as_str()),
            (1, &[1][..], "Rossi Trasporti")
        );
        assert_eq!(d.data.competitors[0].currency, "EUR", "a competitor's price is in the deal's currency unless said");

        // Leaving Target with two of its four questions answered.
        let mut m = to(2);
        m.answers.insert(1, vec![1, 3, 99]);
        let d = store.move_deal(d.id, d.version, m, Some(anna.id), day("2026-11-23")).unwrap();
        assert_eq!(d.state.answers[&1], [1, 3], "unknown questions are dropped");
        let d = store.move_deal(d.id, d.version, to(3), Some(anna.id), day("2026-11-23")).unwrap();
        assert_eq!((d.state.stage_id, d.state.reached.as_slice()), (3, &[1, 2, 3][..]));
        assert!(matches!(
            store.move_deal(d.id, d.version - 1, to(4), None, day("2026-11-23")),
            Err(Error::Conflict { .. })
        ));
        assert!(matches!(store.move_deal(d.id, d.version, to(3), None, day("2026-11-23")), Err(Error::Validation(_))));

        let view = store.deal_view(d.id, day("2026-11-23")).unwrap();
        let path: Vec<_> = view.moves.iter().map(|m| (m.from_stage_id, m.to_stage_id, m.moved_by)).collect();
        assert_eq!(path, [(None, 1, Some(anna.id)), (Some(1), 2, Some(anna.id)), (Some(2), 3, Some(anna.id))]);
        // Target's questions 2 and 4 and both of Qualified's were left open.
        assert_eq!(view.gaps, [(1, 2), (1, 4), (2, 1), (2, 2)]);
        assert_eq!(view.summary.weighted, 18_000_000, "Shortlisted is 50%");

        // Editing the data keeps the stage; a person of another customer is refused.
        let other = store.create_customer(customer("Bianchi", "Roma", "IT", "")).unwrap();
        let stranger = store.create_person(other.id, person("Luca")).unwrap();
        let mut bad = d.data.clone();
        bad.person_ids.push(stranger.id);
        assert!(matches!(store.update_deal(d.id, d.version, bad), Err(Error::Validation(_))));
        let mut edited = d.data.clone();
        edited.commit = true;
        let saved = store.update_deal(d.id, d.version, edited).unwrap();
        assert_eq!((saved.state.stage_id, saved.data.commit, saved.version), (3, true, d.version + 1));

        // The card's deals.
        let listed =
            store.deals(&DealQuery { customer_id: Some(c.id), ..Default::default() }, day("2026-11-23")).unwrap();
        assert_eq!(listed.iter().map(|d| d.id).collect::<Vec<_>>(), [d.id]);
    });
}

#[test]
fn the_funnel_forecasts_and_stalled_deals_over_the_store() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson).id;
        let piotr = user(store, "Piotr", UserRole::Salesperson).id;
        let c = store.create_customer(customer("Rossi", "Milano", "IT", "")).unwrap().id;
        let today = day("2026-11-23");
        let a = Some(anna);
        // Open: Target 1,000 (entered 2026-09-01: over Target's 30 days), Shortlisted 2,000
        // closing in November, Negotiation 3,000 closing in December (Piotr's), Near win 4,000
        // closing in October (late).
        historic(store, c, deal_data("t", 100_000, Some("2026-11-30"), a), &[(1, "2026-09-01")], "");
        historic(store, c, deal_data("s", 200_000, Some("2026-11-30"), a), &[(1, "2026-11-01"), (3, "2026-11-11")], "");
        historic(
            store,
            c,
            deal_data("n", 300_000, Some("2026-12-10"), Some(piotr)),
            &[(1, "2026-10-01"), (2, "2026-10-11"), (4, "2026-11-20")],
            "",
        );
        historic(store, c, deal_data("w", 400_000, Some("2026-10-31"), a), &[(1, "2026-10-01"), (5, "2026-11-20")], "");
        // Closed: won in November 5,000 (via 1, 2), lost from Qualified 6,000.
        historic(
            store,
            c,
            deal_data("won", 500_000, Some("2026-11-05"), a),
            &[(1, "2026-10-01"), (2, "2026-10-21"), (6, "2026-11-05")],
            "",
        );
        historic(
            store,
            c,
            deal_data("lost", 600_000, Some("2026-11-05"), a),
            &[(1, "2026-10-01"), (2, "2026-10-11"), (7, "2026-11-03")],
            "",
        );
        // Another currency stays apart.
        let mut pln = deal_data("pln", 999_999, Some("2026-11-30"), a);
        pln.currency = "PLN".into();
        historic(store, c, pln, &[(1, "2026-11-20")], "");

        let f = store.funnel(&FunnelQuery::default(), today).unwrap();
        assert_eq!(f.currency, "EUR", "the currency with the most deals");
        assert_eq!(f.currencies, ["EUR", "PLN"]);
        let at = |id: i64| f.stages.iter().find(|s| s.stage_id == id).unwrap().clone();
        assert_eq!(at(1).now, Amounts { deals: 1, raw: 100_000, weighted: 10_000 });
        assert_eq!((at(1).reached, at(1).left, at(1).advanced), (6, 5, 5));
        // Reached Qualified or later: all but t; s and w skipped it (passing counts), lost
        // stopped there: 4 of the 5 went further.
        assert_eq!((at(2).reached, at(2).left, at(2).advanced, at(2).conversion), (5, 5, 4, Some(0.8)));
        // Qualified was left after 40 (n), 15 (won) and 23 days (lost); Target after 10, 10,
        // 50, 20 and 10.
        assert_eq!((at(2).avg_days, at(1).avg_days), (Some(26.0), Some(20.0)));
        assert_eq!(at(6).now.raw, 500_000);
        assert_eq!(at(7).now, Amounts { deals: 1, raw: 600_000, weighted: 0 });
        assert_eq!(f.open, Amounts { deals: 4, raw: 1_000_000, weighted: 10_000 + 100_000 + 225_000 + 360_000 });
        assert_eq!(f.win_rate, Some(0.5));
        // Stalled: the Target deal (84 days > 30) and the late Near win (every currency).
        assert_eq!(f.stalled, 2);
        let stalled = store.stalled_deals(None, today, 50).unwrap();
        assert_eq!(stalled.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), ["t", "w"]);
        assert!(stalled[0].over_stage_days && !stalled[0].past_close && stalled[1].past_close);

        let nov = &f.forecast.months[0];
        assert_eq!(nov.month.as_deref(), Some("2026-11"));
        // November: t, s and the late w; commit w only; won 5,000.
        assert_eq!(nov.pipeline, Amounts { deals: 3, raw: 700_000, weighted: 10_000 + 100_000 + 360_000 });
        assert_eq!(nov.best_case, Amounts { deals: 2, raw: 600_000, weighted: 460_000 });
        assert_eq!(nov.commit, Amounts { deals: 1, raw: 400_000, weighted: 360_000 });
        assert_eq!(nov.won.raw, 500_000);
        assert_eq!(f.forecast.months[1].commit.raw, 300_000);
        assert_eq!(f.forecast.months.len(), 6);
        let piotrs = f.forecast.owners.iter().find(|r| r.owner_id == Some(piotr)).unwrap();
        assert_eq!(piotrs.commit, Amounts { deals: 1, raw: 300_000, weighted: 225_000 });

        // One owner, one period: November's closings only.
        let q =
            FunnelQuery { owner_id: a, from: Some("2026-11-01".into()), to: Some("2026-11-30".into()), currency: None };
        let f = store.funnel(&q, today).unwrap();
        let count: i64 = f.stages.iter().map(|s| s.now.deals).sum();
        assert_eq!(count, 4, "t, s, won and lost; w closes in October, n is Piotr's");
        assert_eq!(f.forecast.months.len(), 1);
        let pln = store.funnel(&FunnelQuery { currency: Some("PLN".into()), ..Default::default() }, today).unwrap();
        assert_eq!(pln.open.raw, 999_999);

        // The board: columns of the stages in use with their totals.
        let board = store.board(None, None, today).unwrap();
        assert_eq!(board.columns.len(), 8);
        let target = &board.columns[0];
        assert_eq!((target.stage_id, target.totals.deals, target.deals[0].title.as_str()), (1, 1, "t"));
        let won = board.columns.iter().find(|c| c.stage_id == 6).unwrap();
        assert_eq!(won.totals.raw, 500_000, "won this month");
        // The list's filters.
        let q = DealQuery { min_value: Some(250_000), close_month: Some("2026-12".into()), ..Default::default() };
        assert_eq!(store.deals(&q, today).unwrap().iter().map(|d| d.title.clone()).collect::<Vec<_>>(), ["n"]);
        let q = DealQuery { status: "closed".into(), ..Default::default() };
        assert_eq!(store.deals(&q, today).unwrap().len(), 2);
        let q = DealQuery { stage_id: Some(7), ..Default::default() };
        assert_eq!(store.deals(&q, today).unwrap()[0].title, "lost");

        // The forecast kept at the end of October, from the histories: t and w were in Target,
        // n, won and lost in Qualified, s did not exist yet.
        assert!(store.take_forecast_snapshot(day("2026-10-31")).unwrap() > 0);
        assert_eq!(store.take_forecast_snapshot(day("2026-10-31")).unwrap(), 0, "kept once");
        let acc = store.forecast_accuracy(None, Some("EUR".into()), 2, today).unwrap();
        assert_eq!(acc.iter().map(|r| r.month.as_str()).collect::<Vec<_>>(), ["2026-10", "2026-11"]);
        let nov = &acc[1];
        assert_eq!(nov.as_of, "2026-10-31");
        // Closing in November: t (1,000 at 10%), won (5,000 at 25%), lost (6,000 at 25%), and
        // w (4,000 at 10%, late since October: counts in November); n closes in December.
        assert_eq!(nov.pipeline, Amounts { deals: 4, raw: 1_600_000, weighted: 10_000 + 125_000 + 150_000 + 40_000 });
        assert_eq!(nov.commit.deals, 0);
        assert_eq!(nov.won.raw, 500_000);
        assert_eq!(store.snapshot_passed_month_end(today).unwrap(), 0, "October's end is kept already");
        assert!(store.snapshot_passed_month_end(day("2026-12-02")).unwrap() > 0, "November's end");
    });
}

#[test]
fn only_the_manager_changes_the_stages_and_a_stale_save_is_refused() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let boss = user(store, "Capo", UserRole::Manager);
        let process = store.stage_settings().unwrap();
        assert_eq!(process.version, 0);
        assert!(matches!(store.save_stage_settings(Some(anna.id), process.clone()), Err(Error::ManagerOnly)));
        let mut changed = process.clone();
        changed.stages[0].names.insert("en".into(), "Suspect".into());
        changed.stages[0].stall_days = 10;
        changed.stages[1].retired = true;
        let saved = store.save_stage_settings(Some(boss.id), changed.clone()).unwrap();
        assert_eq!(saved.version, 1);
        assert_eq!(store.stage_settings().unwrap(), saved);
        assert!(matches!(store.save_stage_settings(Some(boss.id), changed), Err(Error::Conflict { .. })));
        // A retired stage takes no deals.
        let c = store.create_customer(customer("Rossi", "Milano", "IT", "")).unwrap();
        let d = store.create_deal(c.id, deal_data("x", 1, None, None), None, "card", None).unwrap();
        assert!(matches!(store.move_deal(d.id, d.version, to(2), None, day("2026-11-23")), Err(Error::Validation(_))));
        let mut reasons = store.reason_settings().unwrap();
        reasons.lost.push(crate::funnel::deal::Reason {
            code: String::new(),
            names: [("en".into(), "Brand".into())].into(),
            retired: false,
        });
        let saved = store.save_reason_settings(Some(boss.id), reasons).unwrap();
        assert!(!saved.lost.last().unwrap().code.is_empty());
        assert_eq!(store.reason_settings().unwrap().version, 1);
    });
}

#[test]
fn the_stalled_list_is_every_stalled_deal_longest_waiting_first() {
    each_store(|store| {
        let boss = user(store, "Capo", UserRole::Manager);
        let anna = user(store, "Anna", UserRole::Salesperson).id;
        let c = store.create_customer(customer("Rossi", "Verona", "IT", "")).unwrap().id;
        // Shortlisted never stalls by days; Near win is retired with deals still in it.
        let mut process = store.stage_settings().unwrap();
        process.stages[2].stall_days = 0;
        process.stages[4].retired = true;
        store.save_stage_settings(Some(boss.id), process).unwrap();
        let today = day("2026-11-23");
        // 90 deals spread over the stages, arrival days and close dates (some past, some
        // undated), two owners; a few closed.
        let mut n = 0u32;
        for i in 0..90u32 {
            let stage = [1, 2, 3, 4, 5, 1, 2, 6, 7][(i % 9) as usize];
            let since = today - chrono::Days::new(u64::from((i * 37) % 120));
            let close = match i % 4 {
                0 => None,
                1 => Some((today - chrono::Days::new(u64::from(i % 13) + 1)).to_string()),
                _ => Some((today + chrono::Days::new(u64::from(i % 50))).to_string()),
            };
            let owner = if i % 3 == 0 { Some(anna) } else { None };
            let data = deal_data(&format!("d{i}"), 1_000, close.as_deref(), owner);
            historic(store, c, data, &[(stage, &since.to_string())], "");
            n += 1;
        }
        assert_eq!(n, 90);
        let open = store.deals(&DealQuery { status: "open".into(), limit: 1000, ..Default::default() }, today).unwrap();
        let mut expected: Vec<&DealSummary> = open.iter().filter(|d| d.stalled()).collect();
        expected.sort_by(|a, b| (a.stage_since.as_str(), a.id).cmp(&(b.stage_since.as_str(), b.id)));
        assert!(expected.len() > 20 && expected.len() < open.len(), "{} of {}", expected.len(), open.len());
        assert!(expected.iter().any(|d| d.stage_id == 3) && expected.iter().any(|d| d.stage_id == 5));
        let ids = |v: &[&DealSummary]| v.iter().map(|d| d.id).collect::<Vec<_>>();
        for limit in [1, 5, 12, 200] {
            let got = store.stalled_deals(None, today, limit).unwrap();
            let want = &expected[..expected.len().min(limit as usize)];
            assert_eq!(got.iter().map(|d| d.id).collect::<Vec<_>>(), ids(want), "limit {limit}");
            assert!(got.iter().all(DealSummary::stalled));
        }
        let mine: Vec<&DealSummary> = expected.iter().copied().filter(|d| d.owner_id == Some(anna)).collect();
        let q = DealQuery { owner_id: Some(anna), stalled: true, limit: 4, ..Default::default() };
        let got = store.deals(&q, today).unwrap();
        assert_eq!(got.iter().map(|d| d.id).collect::<Vec<_>>(), ids(&mine[..4]));
        let f = store.funnel(&FunnelQuery::default(), today).unwrap();
        assert_eq!(f.stalled as usize, expected.len());
    });
}

#[test]
fn the_office_adds_and_retires_lead_sources_and_old_records_keep_theirs() {
    use crate::funnel::deal::{name_in, Reason};
    use crate::ground::i18n::{tr, Locale};
    each_store(|store| {
        let boss = user(store, "Capo", UserRole::Manager);
        let anna = user(store, "Anna", UserRole::Salesperson);
        // The office starts with the catalogue's sources, named in every language.
        let mut reasons = store.reason_settings().unwrap();
        assert_eq!(reasons.sources.len(), crate::customer::LEAD_SOURCES.len());
        let fair = reasons.sources.iter().find(|s| s.code == "fair").unwrap();
        assert_eq!(name_in(&fair.names, "it"), "Fiera di settore");
        assert_eq!(name_in(&fair.names, "zh"), "行业展会");

        // Only the manager adds a source.
        let names = [("en".to_string(), "Truck show".to_string()), ("it".into(), " Salone  del camion ".into())];
        reasons.sources.push(Reason { code: String::new(), names: names.into(), retired: false });
        assert!(matches!(store.save_reason_settings(Some(anna.id), reasons.clone()), Err(Error::ManagerOnly)));
        let saved = store.save_reason_settings(Some(boss.id), reasons).unwrap();
        let show = saved.sources.last().unwrap().clone();
        assert!(!show.code.is_empty() && !crate::customer::LEAD_SOURCES.contains(&show.code.as_str()));
        assert_eq!(name_in(&show.names, "it"), "Salone del camion");
        assert_eq!(name_in(&show.names, "pl"), "Truck show");

        // A customer and a lead come from it.
        let card = CustomerData { lead_source: show.code.clone(), ..customer("Rossi", "Verona", "IT", "") };
        let rossi = store.create_customer(card).unwrap();
        let lead =
            |source: &str| LeadData { source: source.into(), received_on: "2026-11-02".into(), ..Default::default() };
        let l = store.create_lead(rossi.id, lead(&show.code), Some(anna.id)).unwrap();
        let f = store.lead_funnel(&FunnelQuery::default()).unwrap();
        assert_eq!(f.len(), crate::customer::LEAD_SOURCES.len() + 1, "every source in use has its row");
        assert_eq!((f.last().unwrap().source.as_str(), f.last().unwrap().new), (show.code.as_str(), 1));

        // Retired: it keeps its records and its row while it has leads, and takes no new ones.
        let mut reasons = store.reason_settings().unwrap();
        reasons.sources.last_mut().unwrap().retired = true;
        store.save_reason_settings(Some(boss.id), reasons).unwrap();
        assert_eq!(store.lead(l.id).unwrap().data.source, show.code);
        assert_eq!(store.reason_settings().unwrap().sources.last().unwrap().names, show.names);
        let f = store.lead_funnel(&FunnelQuery::default()).unwrap();
        assert_eq!((f.last().unwrap().source.as_str(), f.last().unwrap().new), (show.code.as_str(), 1));
        let later = FunnelQuery { from: Some("2026-12-01".into()), ..Default::default() };
        let f = store.lead_funnel(&later).unwrap();
        assert_eq!(f.len(), crate::customer::LEAD_SOURCES.len(), "no row for a retired source without leads");
        let mut edited = rossi.data.clone();
        edited.city = "Verona (VR)".into();
        let rossi = store.update_customer(rossi.id, rossi.version, edited).unwrap();
        assert_eq!(rossi.data.lead_source, show.code, "a card keeps its retired source");
        let bianchi = CustomerData { lead_source: show.code.clone(), ..customer("Bianchi", "Roma", "IT", "") };
        let err = store.create_customer(bianchi).unwrap_err();
        assert_eq!(err.message(Locale::It), tr(Locale::It, "validation.lead_source"));
        assert_eq!(field_keys(err), [("lead_source", "validation.lead_source")]);
        let mut other = rossi.data.clone();
        other.lead_source = "tv".into();
        let err = store.update_customer(rossi.id, rossi.version, other).unwrap_err();
        assert_eq!(field_keys(err), [("lead_source", "validation.lead_source")]);

        // An unknown or retired source on a lead is a translated validation error.
        for bad in [show.code.as_str(), "tv", ""] {
            let err = store.create_lead(rossi.id, lead(bad), None).unwrap_err();
            assert_eq!(err.message(Locale::Pl), tr(Locale::Pl, "validation.lead_source"), "{bad}");
            assert_eq!(field_keys(err), [("source", "validation.lead_source")]);
        }
        assert_eq!(store.leads(false, None, Some(rossi.id)).unwrap().len(), 1);

        // The office keeps at least one source in use, and retires rather than deletes.
        let mut none = store.reason_settings().unwrap();
        none.sources.iter_mut().for_each(|s| s.retired = true);
        assert_eq!(
            field_keys(store.save_reason_settings(Some(boss.id), none).unwrap_err()),
            [("sources", "validation.sources_required")]
        );
        let mut fewer = store.reason_settings().unwrap();
        fewer.sources.remove(0);
        assert_eq!(
            field_keys(store.save_reason_settings(Some(boss.id), fewer).unwrap_err()),
            [("sources", "validation.stage_kept")]
        );
    });
}

#[test]
fn reason_settings_saved_before_sources_existed_read_the_default_sources() {
    each_store(|store| {
        let mut old = serde_json::to_value(crate::funnel::deal::ReasonSettings::default_lists()).unwrap();
        old.as_object_mut().unwrap().remove("sources");
        old["version"] = 3.into();
        store.set_setting("funnel.reasons", None, &old.to_string()).unwrap();
        let read = store.reason_settings().unwrap();
        assert_eq!(read.version, 3);
        assert_eq!(read.sources, crate::funnel::deal::default_sources());
        let c = CustomerData { lead_source: "workshop".into(), ..customer("Rossi", "Verona", "IT", "") };
        assert_eq!(store.create_customer(c).unwrap().data.lead_source, "workshop");
    });
}

#[test]
fn a_deals_data_changes_are_in_its_history_beside_its_stage_moves() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let c = store.create_customer(customer("Rossi", "Verona", "IT", "")).unwrap();
        let d =
            store.create_deal(c.id, deal_data("2 vans", 8_000_000, None, None), None, "card", Some(anna.id)).unwrap();
        store.set_actor(Some(anna.id));
        let mut data = d.data.clone();
        data.value = 9_000_000;
        data.title = "3 vans".into();
        let d = store.update_deal(d.id, d.version, data.clone()).unwrap();
        // A stale save changes nothing and leaves no history.
        assert!(store.update_deal(d.id, d.version - 1, data).is_err());
        let h = store.changes(crate::ground::audit::DEAL, d.id).unwrap();
        let lines: Vec<_> = h.iter().map(|x| (x.field.as_str(), x.changed_by, x.new.to_string())).collect();
        assert_eq!(
            lines,
            [
                ("", Some(anna.id), "null".into()),
                ("title", Some(anna.id), "\"3 vans\"".into()),
                ("value", Some(anna.id), "9000000".into())
            ]
        );
    });
}

#[test]
fn fleet_lines_added_changed_and_removed_are_in_their_history() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let c = store.create_customer(customer("Rossi", "Verona", "IT", "")).unwrap();
        store.set_actor(Some(anna.id));
        let line = store.add_fleet_line(c.id, vehicles("Volvo", "tractor", 3, Some(2021))).unwrap().saved;
        let mut d = line.data.clone();
        d.vehicles = 4;
        store.update_fleet_line(line.id, line.version, d).unwrap();
        store.delete_fleet_line(line.id).unwrap();
        let h = store.changes(crate::ground::audit::FLEET_LINE, line.id).unwrap();
        let lines: Vec<_> = h.iter().map(|x| (x.field.as_str(), x.changed_by, x.new.to_string())).collect();
        assert_eq!(
            lines,
            [
                ("", Some(anna.id), "null".into()),
                ("vehicles", Some(anna.id), "4".into()),
                ("deleted", Some(anna.id), "true".into())
            ]
        );
    });
}

#[test]
fn a_won_deal_puts_its_vehicles_in_the_customers_fleet_as_ours() {
    each_store(|store| {
        let c = store.create_customer(customer("Rossi", "Verona", "IT", "")).unwrap();
        let mut data = deal_data("3 tractors", 30_000_000, None, None);
        data.vehicles = vec![VehicleLine {
            category: "tractor".into(),
            count: 3,
            model: "TGX 18.510".into(),
            ..Default::default()
        }];
        // No brand of ours yet: winning adds nothing to the fleet.
        let d = store.create_deal(c.id, data.clone(), None, "card", None).unwrap();
        store.move_deal(d.id, d.version, to(6), None, day("2026-11-23")).unwrap();
        assert!(store.fleet(c.id).unwrap().lines.is_empty());

        we_sell(store, "MAN");
        let d = store.create_deal(c.id, data, None, "card", None).unwrap();
        let won = store.move_deal(d.id, d.version, to(6), None, day("2026-11-23")).unwrap();
        assert_eq!(won.state.stage_id, 6);
        let fleet = store.fleet(c.id).unwrap();
        let lines: Vec<_> = fleet
            .lines
            .iter()
            .map(|l| (l.data.brand.as_str(), l.data.model.as_str(), l.data.vehicles, l.ours, l.data.first_registered))
            .collect();
        assert_eq!(lines, [("MAN", "TGX 18.510", 3, true, Some(2026))]);
        assert_eq!(fleet.share.total.ours, 3);
    });
}
