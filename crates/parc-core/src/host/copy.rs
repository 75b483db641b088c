//! Copying an office's data from one store to another (SQLite file to PostgreSQL server and
//! back), so an office can start alone and grow. The copy keeps ids, stamps and versions, goes
//! only into an empty store, and is verified by counts and a checksum on both sides.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::contact::rows as contacts;
use crate::customer::store as customers;
use crate::customer::store::people;
use crate::exchange::store as exchange;
use crate::fleet::store as fleet;
use crate::fleet::store::competitors;
use crate::funnel::rows as deals;
use crate::ground::error::{Error, Result};
use crate::offer::rows as offers;
use crate::report::rows as reports;
use crate::segment::store as segments;
use crate::segment::store::campaigns;
use crate::storage::{trail, Store};

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct CopyReport {
    /// Rows copied per table.
    pub counts: BTreeMap<String, i64>,
    /// FNV-1a over every copied row, identical on both sides.
    pub checksum: String,
}

/// Copies everything from `from` into the empty `to`, then reads both back and compares.
pub fn copy_store(from: &mut Store, to: &mut Store) -> Result<CopyReport> {
    if to.count_customers()? > 0 || !to.users()?.is_empty() {
        return Err(Error::StoreNotEmpty);
    }
    // In the order the references need: owners before customers before people and contacts.
    let users = from.read(crate::office::store::users)?;
    to.write(|x| crate::office::store::restore_users(x, &users))?;
    to.follow_ids("app_user")?;
    let fields = from.read(customers::custom_fields)?;
    to.write(|x| customers::restore_custom_fields(x, &fields))?;
    to.follow_ids("custom_field")?;
    let all_customers = from.read(customers::all_customers)?;
    to.write(|x| customers::restore_customers(x, &all_customers))?;
    to.follow_ids("customer")?;
    let all_people = from.read(people::all_people)?;
    to.write(|x| people::restore_people(x, &all_people))?;
    to.follow_ids("person")?;
    let all_contacts = from.read(contacts::all_contacts)?;
    to.write(|x| contacts::restore_contacts(x, &all_contacts))?;
    let materials = from.read(contacts::all_materials)?;
    to.write(|x| contacts::restore_materials(x, &materials))?;
    let attachments = from.read(contacts::all_attachments)?;
    to.write(|x| contacts::restore_attachments(x, &attachments))?;
    for table in ["contact", "contact_revision", "customer_material", "contact_attachment"] {
        to.follow_ids(table)?;
    }
    let settings = from.read(fleet::all_settings)?;
    to.write(|x| fleet::restore_settings(x, &settings))?;
    // The fleet after the customers: the copy rebuilds the summary from their archived state.
    let lines = from.read(fleet::all_lines)?;
    to.write(|x| fleet::restore_lines(x, &lines))?;
    to.follow_ids("fleet_line")?;
    let (rivals, links, sightings) = from.read(|x| {
        Ok((competitors::competitors(x)?, competitors::all_customer_competitors(x)?, competitors::all_sightings(x)?))
    })?;
    to.write(|x| competitors::restore(x, &rivals, &links, &sightings))?;
    to.follow_ids("competitor")?;
    to.follow_ids("price_sighting")?;
    let changes = from.read(trail::all_changes)?;
    to.write(|x| trail::restore_changes(x, &changes))?;
    to.follow_ids("change_log")?;
    let operations = from.read(trail::all_operations)?;
    to.write(|x| trail::restore_operations(x, &operations))?;
    // The funnel (its settings came with the others): deals with their moves, leads, and the
    // forecasts kept at month ends.
    let all_deals = from.read(deals::all_deals)?;
    let leads = from.read(deals::leads::all_leads)?;
    let snapshots = from.read(deals::snapshots::all_snapshots)?;
    // Offers after their deals: the price list, every revision, and the running numbers.
    let items = from.read(offers::all_items)?;
    let all_offers = from.read(offers::all_offers)?;
    let sequences = from.read(offers::all_sequences)?;
    let won_stage = to.stage_settings()?.of_kind(crate::funnel::deal::StageKind::Won).id;
    to.write(|x| {
        deals::restore_deals(x, &all_deals)?;
        deals::leads::restore_leads(x, &leads, won_stage)?;
        deals::snapshots::insert_snapshots(x, &snapshots)?;
        offers::restore_items(x, &items)?;
        offers::restore_offers(x, &all_offers, &sequences)
    })?;
    // The exchange profiles, without their watermarks: those count the source's changes.
    let profiles = from.read(exchange::profiles)?;
    to.write(|x| exchange::restore_profiles(x, &profiles))?;
    let saved_segments = from.read(segments::all_segments)?;
    to.write(|x| segments::restore_segments(x, &saved_segments))?;
    // Campaigns after the leads their responses made.
    let all_campaigns = from.read(campaigns::all_campaigns)?;
    let targets = from.read(campaigns::all_targets)?;
    to.write(|x| campaigns::restore_campaigns(x, &all_campaigns, &targets))?;
    // The reports' running totals of contacts and the pyramid's tiers, as they are: the
    // standing of a customer on a contact's day was taken when the contact was logged.
    let tallies = from.read(crate::contact::tallies::all_tallies)?;
    let pyramid = from.read(reports::pyramid::all_pyramid)?;
    to.write(|x| {
        crate::contact::tallies::restore_tallies(x, &tallies)?;
        reports::pyramid::restore_pyramid(x, &pyramid)
    })?;
    for table in [
        "deal",
        "deal_move",
        "lead",
        "forecast_snapshot",
        "tier_ranking",
        "tier_move",
        "price_item",
        "offer",
        "exchange_profile",
        "segment",
        "campaign",
    ] {
        to.follow_ids(table)?;
    }
    let source = fingerprint(from)?;
    let copied = fingerprint(to)?;
    if source != copied {
        return Err(Error::Corrupt(format!("the copy differs from the source: {source:?} vs {copied:?}")));
    }
    Ok(copied)
}

/// Counts and a checksum of a store's data, table by table in id order.
pub fn fingerprint(store: &mut Store) -> Result<CopyReport> {
    let mut hash = Fnv::default();
    let mut counts = BTreeMap::new();
    let mut add = |table: &str, rows: Vec<Vec<u8>>| {
        counts.insert(table.to_string(), rows.len() as i64);
        rows.iter().for_each(|r| hash.write(r));
    };
    add("app_user", serialised(store.read(crate::office::store::users)?));
    add("customer", serialised(store.read(customers::all_customers)?));
    add("person", serialised(store.read(people::all_people)?));
    add("contact", serialised(store.read(contacts::all_contacts)?));
    add("customer_material", serialised(store.read(contacts::all_materials)?));
    add("custom_field", serialised(store.read(customers::custom_fields)?));
    add("contact_attachment", serialised(store.read(contacts::all_attachments)?));
    add("setting", serialised(store.read(fleet::all_settings)?));
    add("fleet_line", serialised(store.read(fleet::all_lines)?));
    // Derived from the lines, but compared too: a copy must give the same market share.
    add("fleet_share", serialised(store.read(fleet::share_rows)?));
    add("competitor", serialised(store.read(competitors::competitors)?));
    add("customer_competitor", serialised(store.read(competitors::all_customer_competitors)?));
    add("price_sighting", serialised(store.read(competitors::all_sightings)?));
    add("change_log", serialised(store.read(trail::all_changes)?));
    add("operation", serialised(store.read(trail::all_operations)?));
    add("deal", serialised(store.read(deals::all_deals)?));
    add("lead", serialised(store.read(deals::leads::all_leads)?));
    add("forecast_snapshot", serialised(store.read(deals::snapshots::all_snapshots)?));
    add("price_item", serialised(store.read(offers::all_items)?));
    add("offer", serialised(store.read(offers::all_offers)?));
    add("offer_sequence", serialised(store.read(offers::all_sequences)?));
    let mut profiles = store.read(exchange::profiles)?;
    profiles.iter_mut().for_each(|p| p.watermark = None);
    profiles.sort_by_key(|p| p.id);
    add("exchange_profile", serialised(profiles));
    let mut saved_segments = store.read(segments::all_segments)?;
    saved_segments.sort_by_key(|s| s.id);
    add("segment", serialised(saved_segments));
    let mut all_campaigns = store.read(campaigns::all_campaigns)?;
    all_campaigns.sort_by_key(|c| c.id);
    add("campaign", serialised(all_campaigns));
    add("campaign_target", serialised(store.read(campaigns::all_targets)?));
    add("contact_tally", serialised(store.read(crate::contact::tallies::all_tallies)?));
    let pyramid = store.read(reports::pyramid::all_pyramid)?;
    add("customer_tier", serialised(pyramid.tiers));
    add("tier_ranking", serialised(pyramid.rankings));
    add("tier_move", serialised(pyramid.moves));
    Ok(CopyReport { counts, checksum: format!("{:016x}", hash.0) })
}

fn serialised<T: Serialize>(rows: Vec<T>) -> Vec<Vec<u8>> {
    rows.iter().map(|r| serde_json::to_vec(r).expect("rows serialise")).collect()
}

/// FNV-1a, 64 bit: a stable checksum that needs no dependency; it guards against copy bugs,
/// not against tampering.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
