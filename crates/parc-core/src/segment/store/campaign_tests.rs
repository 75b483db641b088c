//! Campaigns on every store: started from a segment, responses recorded, leads made, results.

use super::*;
use crate::customer::testing::customer;
use crate::fleet::testing::vehicles;
use crate::fleet::testing::we_sell;
use crate::fleet::FleetLineData;
use crate::funnel::deal::{DealData, MoveRequest, StageKind};
use crate::ground::i18n::Locale;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::segment::campaign::CampaignData;
use crate::segment::testing::calls;
use crate::segment::{SegmentData, SegmentFilter};
use crate::storage::testing::day;
use crate::storage::testing::each_store;

#[test]
fn a_calling_campaign_makes_a_list_records_responses_and_counts_what_it_brought() {
    each_store(|store| {
        we_sell(store, "MAN");
        let anna = user(store, "Anna", UserRole::Salesperson);
        let piotr = user(store, "Piotr", UserRole::Salesperson);
        store.set_actor(Some(anna.id));
        let today = day("2026-11-23");
        let mut ids = Vec::new();
        for (name, owner) in [("Conti", anna.id), ("Bianchi", anna.id), ("Rossi", piotr.id), ("Verdi", anna.id)] {
            let mut c = customer(name, "Milano", "IT", "");
            c.owner_id = Some(owner);
            ids.push(store.create_customer(c).unwrap().id);
        }
        let volvo = |n| FleetLineData { ..vehicles("Volvo", "tractor", n, None) };
        store.create_fleet_bulk(vec![(ids[0], volvo(3)), (ids[1], volvo(1)), (ids[2], volvo(2))]).unwrap();
        let filter = SegmentFilter { brands: vec!["Volvo".into()], ..Default::default() };
        let segment = store.create_segment(SegmentData { name: "Volvo owners".into(), filter }).unwrap();

        // Checked like a form; a name is unique.
        let err =
            store.create_campaign(CampaignData { lead_source: "gossip".into(), ..calls(segment.id) }).unwrap_err();
        assert!(matches!(&err, Error::Validation(f) if f[0].field == "lead_source"), "{err:?}");
        let c = store.create_campaign(calls(segment.id)).unwrap();
        assert!(store.create_campaign(calls(segment.id)).is_err());
        assert!(store.record_response(c.id, ids[0], "interested", today, Locale::En).is_err(), "not started");

        // Starting makes the list from the segment as it is, each customer with its owner.
        let started = store.start_campaign(c.id, c.version, today).unwrap();
        assert_eq!(started.results.targets, 3);
        assert_eq!(started.campaign.segment_name, "Volvo owners");
        assert!(store.start_campaign(c.id, started.campaign.version, today).is_err(), "once");
        let list = store.campaign_targets(c.id).unwrap();
        let names: Vec<&str> = list.iter().map(|t| t.customer.as_str()).collect();
        assert_eq!(names, ["Bianchi", "Conti", "Rossi"]);
        assert_eq!(list[2].owner_id, Some(piotr.id));
        // Anna's agenda has her two calls; Piotr's his one.
        assert_eq!(store.campaign_actions(Some(anna.id), today).unwrap().len(), 2);
        assert_eq!(store.campaign_actions(Some(piotr.id), today).unwrap().len(), 1);
        assert!(store.campaign_actions(Some(anna.id), day("2027-01-01")).unwrap().is_empty(), "after its period");

        // Three responses: one interested (a lead), one not now, one wrong contact.
        let t = store.record_response(c.id, ids[0], "interested", today, Locale::En).unwrap();
        let lead = store.lead(t.lead_id.expect("a lead")).unwrap();
        assert_eq!((lead.customer_id, lead.data.source.as_str()), (ids[0], "central_marketing"));
        assert_eq!(lead.data.owner_id, Some(anna.id));
        store.record_response(c.id, ids[1], "not_now", today, Locale::En).unwrap();
        store.record_response(c.id, ids[2], "wrong_contact", today, Locale::En).unwrap();
        // A correction is allowed, but not away from a lead already made; nothing is logged twice.
        store.record_response(c.id, ids[1], "not_interested", today, Locale::En).unwrap();
        let err = store.record_response(c.id, ids[0], "not_now", today, Locale::En).unwrap_err();
        assert!(matches!(&err, Error::Validation(f) if f[0].key == "campaign.lead_made"), "{err:?}");
        let history = store.contact_history(ids[1], &Default::default()).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].data.kind, "phone");
        assert_eq!(history[0].data.agreed, "Volvo owners, spring: Not now");
        assert!(store.campaign_actions(Some(anna.id), today).unwrap().is_empty());

        // The lead becomes a deal and is won: the results follow.
        let deal =
            DealData { title: "3 tractors".into(), value: 27_000_000, currency: "EUR".into(), ..Default::default() };
        let deal = store.qualify_lead(lead.id, lead.version, deal, Some(anna.id), today).unwrap();
        let won = store.stage_settings().unwrap().of_kind(StageKind::Won).id;
        store
            .move_deal(
                deal.id,
                deal.version,
                MoveRequest { to_stage_id: won, ..Default::default() },
                Some(anna.id),
                today,
            )
            .unwrap();
        let r = store.campaign(c.id).unwrap().results;
        assert_eq!((r.targets, r.contacts, r.leads, r.deals, r.won_deals), (3, 3, 1, 1, 1));
        assert_eq!(r.responses[0], ("interested".to_string(), 1));
        assert_eq!(r.responses[2], ("not_interested".to_string(), 1));
        assert_eq!(r.won, vec![("EUR".to_string(), 27_000_000)]);
        assert_eq!((r.cost_per_lead, r.cost_per_won_deal), (Some(120_000), Some(120_000)));
        assert_eq!(store.campaign_named("VOLVO OWNERS, SPRING").unwrap().map(|c| c.campaign.id), Some(c.id));
    });
}
