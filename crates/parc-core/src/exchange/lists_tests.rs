//! Customer lists as files, on each store: a mailing campaign's list and a segment's customers.

use super::*;
use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::ground::i18n::Locale;
use crate::segment::campaign::CampaignData;
use crate::segment::testing::calls;
use crate::segment::{SegmentData, SegmentFilter};
use crate::storage::testing::day;
use crate::storage::testing::each_store;

#[test]
fn a_mailing_list_is_a_spreadsheet_of_the_customers_and_their_main_contact() {
    each_store(|store| {
        let a = store.create_customer(customer("Conti Edilizia", "Bologna", "IT", "")).unwrap();
        let mut b = customer("=Bianchi", "Verona", "IT", "");
        b.email = "info@bianchi.it".into();
        let b = store.create_customer(b).unwrap();
        store
            .create_person(
                a.id,
                PersonData {
                    name: "Marco Conti".into(),
                    email: "marco@conti.it".into(),
                    is_main: true,
                    active: true,
                    ..Default::default()
                },
            )
            .unwrap();
        let segment =
            store.create_segment(SegmentData { name: "Italy".into(), filter: SegmentFilter::default() }).unwrap();
        // An empty segment starts nothing.
        let none = SegmentFilter { countries: vec!["LT".into()], ..Default::default() };
        let empty = store.create_segment(SegmentData { name: "Lithuania".into(), filter: none }).unwrap();
        let c = store.create_campaign(CampaignData { channel: "mailing".into(), ..calls(empty.id) }).unwrap();
        let err = store.start_campaign(c.id, c.version, day("2026-11-23")).unwrap_err();
        assert!(matches!(&err, Error::Validation(f) if f[0].key == "campaign.empty_segment"), "{err:?}");
        let c = store
            .update_campaign(c.id, c.version, CampaignData { channel: "mailing".into(), ..calls(segment.id) })
            .unwrap();
        let c = store.start_campaign(c.id, c.version, day("2026-11-23")).unwrap().campaign;
        assert!(store.campaign_actions(None, day("2026-11-23")).unwrap().is_empty(), "a mailing has no calls");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mailing.csv");
        assert_eq!(store.export_mailing_list(c.id, Locale::En, &path).unwrap(), 2);
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Company;Contact person;E-mail;Street;Postal code;City;Country;Phone");
        assert_eq!(lines[1], "'=Bianchi;;info@bianchi.it;;;Verona;IT;", "the company's e-mail, a formula neutralised");
        assert_eq!(lines[2], "Conti Edilizia;Marco Conti;marco@conti.it;;;Bologna;IT;");
        // A segment exports the same list, of the customers it keeps today.
        let path = dir.path().join("segment.csv");
        store.archive_customer(b.id).unwrap();
        assert_eq!(
            store.export_segment_list(SegmentFilter::default(), day("2026-11-23"), Locale::En, &path).unwrap(),
            1
        );
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(text.trim_start_matches('\u{feff}').lines().nth(1), Some(lines[2]));
    });
}
