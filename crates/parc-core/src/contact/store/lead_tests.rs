//! Leads and the contacts that mark them contacted, on each store.

use super::*;
use crate::contact::testing::call;
use crate::customer::testing::customer;
use crate::funnel::deal::LeadData;
use crate::funnel::testing::deal_data;
use crate::funnel::testing::to;
use crate::funnel::FunnelQuery;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::day;
use crate::storage::testing::each_store;

#[test]
fn leads_are_qualified_into_deals_or_disqualified_and_counted_by_source() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let today = day("2026-11-23");
        let mut ids = Vec::new();
        for name in ["A", "B", "C", "D"] {
            ids.push(store.create_customer(customer(name, "Milano", "IT", "")).unwrap().id);
        }
        let lead = |source: &str| LeadData {
            source: source.into(),
            received_on: "2026-11-02".into(),
            owner_id: Some(anna.id),
            note: String::new(),
        };
        let l1 = store.create_lead(ids[0], lead("fair"), Some(anna.id)).unwrap();
        let l2 = store.create_lead(ids[1], lead("fair"), Some(anna.id)).unwrap();
        let l3 = store.create_lead(ids[2], lead("web"), Some(anna.id)).unwrap();
        store.create_lead(ids[3], lead("web"), Some(anna.id)).unwrap();
        assert!(store.create_lead(ids[3], lead("tv"), None).is_err());
        store.log_contact(ids[2], call("2026-11-03T10:00", "Called back"), Some(anna.id)).unwrap();

        let d = store
            .qualify_lead(
                l1.id,
                l1.version,
                deal_data("From the fair", 1_000, None, Some(anna.id)),
                Some(anna.id),
                today,
            )
            .unwrap();
        assert_eq!((d.origin.as_str(), d.state.stage_id), ("lead", 1));
        assert_eq!(store.lead(l1.id).unwrap().deal_id, Some(d.id));
        assert!(matches!(
            store.qualify_lead(l1.id, l1.version, deal_data("again", 1, None, None), None, today),
            Err(Error::Conflict { .. })
        ));
        store.move_deal(d.id, d.version, to(6), None, today).unwrap();
        assert!(store.disqualify_lead(l2.id, l2.version, "nonsense", today).is_err());
        store.disqualify_lead(l2.id, l2.version, "no_need", today).unwrap();
        assert_eq!(store.leads(true, Some(anna.id), None).unwrap().len(), 2);
        let _ = l3;

        let f = store.lead_funnel(&FunnelQuery::default()).unwrap();
        let by: Vec<_> = f
            .iter()
            .filter(|r| r.new > 0)
            .map(|r| (r.source.as_str(), r.new, r.contacted, r.qualified, r.won, r.disqualified))
            .collect();
        assert_eq!(by, [("fair", 2, 1, 1, 1, 1), ("web", 2, 1, 0, 0, 0)]);
        // Every source of the office has its row, in the office's order.
        let sources: Vec<&str> = f.iter().map(|r| r.source.as_str()).collect();
        assert_eq!(sources, crate::customer::LEAD_SOURCES);
        let none = FunnelQuery { from: Some("2026-12-01".into()), ..Default::default() };
        assert!(store.lead_funnel(&none).unwrap().iter().all(|r| r.new == 0));
    });
}

#[test]
fn a_leads_contacted_and_won_marks_follow_contacts_corrections_and_moves() {
    use crate::funnel::LeadFigures;
    each_store(|store| {
        let today = day("2026-11-23");
        let a = store.create_customer(customer("A", "Milano", "IT", "")).unwrap().id;
        let b = store.create_customer(customer("B", "Torino", "IT", "")).unwrap().id;
        // B was called before its lead came in: not contacted since.
        store.log_contact(b, call("2026-10-01T10:00", "Early call"), None).unwrap();
        let lead =
            |received: &str| LeadData { source: "web".into(), received_on: received.into(), ..Default::default() };
        let la = store.create_lead(a, lead("2026-11-02"), None).unwrap();
        store.create_lead(b, lead("2026-11-02"), None).unwrap();
        let web = |store: &mut Store| -> LeadFigures {
            let f = store.lead_funnel(&FunnelQuery::default()).unwrap();
            f.into_iter().find(|r| r.source == "web").unwrap()
        };
        assert_eq!((web(store).new, web(store).contacted), (2, 0));
        // A call after the lead: contacted. Corrected to a day before it: not any more.
        let k = store.log_contact(a, call("2026-11-05T09:00", "Called back"), None).unwrap();
        assert_eq!(web(store).contacted, 1);
        let mut earlier = k.data.clone();
        earlier.happened_at = "2026-11-01T09:00".into();
        let k = store.correct_contact(k.id, k.version, earlier, None).unwrap();
        assert_eq!(web(store).contacted, 0);
        let mut later = k.data.clone();
        later.happened_at = "2026-11-06T09:00".into();
        store.correct_contact(k.id, k.version, later, None).unwrap();
        assert_eq!(web(store).contacted, 1);
        // Qualified, won, then reopened: won follows the deal.
        let d =
            store.qualify_lead(la.id, la.version, deal_data("From the web", 1_000, None, None), None, today).unwrap();
        assert_eq!((web(store).qualified, web(store).won), (1, 0));
        let d = store.move_deal(d.id, d.version, to(6), None, today).unwrap();
        assert_eq!(web(store).won, 1);
        let d = store.move_deal(d.id, d.version, to(2), None, today).unwrap();
        assert_eq!(web(store).won, 0);
        store.move_deal(d.id, d.version, to(6), None, today).unwrap();
        let before = web(store);
        assert_eq!((before.new, before.contacted, before.qualified, before.won), (2, 1, 1, 1));
    });
}
