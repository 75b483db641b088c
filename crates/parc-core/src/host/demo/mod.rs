//! A realistic, reproducible dealership of any size: companies from Italy, Poland, Lithuania
//! and China with their real diacritics and characters and valid VAT ids; the office that
//! sells to them (a sales manager, salespeople and assistants); 2–4 people at each customer;
//! and three years of contacts, the latest leaving next actions around "today" that fill the
//! agenda. The same `(count, seed, today)` always gives the same data.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::contact::{ContactData, MaterialData};
use crate::customer::person::PersonData;
use crate::customer::{CustomerData, BUSINESS_TYPES, LEAD_SOURCES};
use crate::ground::dates::{day_of, DATE_FORMAT};
use crate::ground::error::{Error, Result};
use crate::ground::vat;
use crate::office::{UserData, UserRole};
use crate::storage::Store;

mod companies;
mod fleet;
mod funnel;
mod history;
mod offers;
mod people;
mod rng;
#[cfg(test)]
mod tests;

use companies::*;
pub use companies::{customers, customers_with_main_contacts};
use history::*;
use people::*;
use rng::Rng;

/// What a demo load added to the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoReport {
    pub users: usize,
    pub customers: usize,
    pub people: usize,
    pub contacts: usize,
    pub materials: usize,
    /// Fleet lines and the vehicles they stand for.
    pub fleet_lines: usize,
    pub vehicles: i64,
    /// Competitors' prices seen at customers.
    pub sightings: usize,
    pub deals: usize,
    pub leads: usize,
    pub offers: usize,
    /// Forecast rows kept at the past month ends.
    pub snapshots: usize,
}

/// Customers saved per round: one transaction for their cards, one for their people and one
/// for their contacts (about 20,000).
const BATCH: usize = 2_000;

/// Adds a demo dealership to the store: the office (when it has no users yet), `count`
/// customers with their people and three years of contacts before `today`. The same
/// `(count, seed, today)` on an empty store gives the same data. Saved in batches of
/// [`BATCH`] customers: an error leaves the batches before it saved. `progress` hears each
/// batch saved. Returns the number of customers added; [`load_office`] tells everything added.
pub fn load(
    store: &mut Store,
    count: usize,
    seed: u64,
    today: NaiveDate,
    progress: impl FnMut(usize, usize),
) -> Result<usize> {
    Ok(load_office(store, count, seed, today, progress)?.customers)
}

/// [`load`], reporting how many users, customers, people and contacts it added.
pub fn load_office(
    store: &mut Store,
    count: usize,
    seed: u64,
    today: NaiveDate,
    progress: impl FnMut(usize, usize),
) -> Result<DemoReport> {
    load_keyed(store, None, count, seed, today, progress)
}

/// [`load_office`] as an operation that may be retried: every write of the load is keyed
/// under `key` (see [`Store::once`]), so running it again with the same key after a crash or
/// an error goes on where it stopped and adds nothing twice. The report counts what this run
/// added.
pub fn load_once(
    store: &mut Store,
    key: &str,
    count: usize,
    seed: u64,
    today: NaiveDate,
    progress: impl FnMut(usize, usize),
) -> Result<DemoReport> {
    load_keyed(store, Some(key), count, seed, today, progress)
}

/// Runs one write of a load, under `key/part` when the load is keyed; returns the ids it
/// saved (now or, for a keyed write applied before, then) and whether it ran now.
fn step(
    store: &mut Store,
    key: Option<&str>,
    part: &str,
    write: impl FnOnce(&mut Store) -> Result<Vec<i64>>,
) -> Result<(Vec<i64>, bool)> {
    let Some(key) = key else { return Ok((write(store)?, true)) };
    match store.once(&format!("{key}/{part}"), write)? {
        crate::storage::Once::Now(ids) => Ok((ids, true)),
        crate::storage::Once::Before(op) => Ok((serde_json::from_value(op.result).unwrap_or_default(), false)),
    }
}

fn load_keyed(
    store: &mut Store,
    key: Option<&str>,
    count: usize,
    seed: u64,
    today: NaiveDate,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoReport> {
    let mut report = DemoReport::default();
    let staff = staff(store, key, &mut report)?;
    fleet::settings(store)?;
    let competitors = fleet::competitors(store)?;
    // Numbering goes on after the customers already there, so that a second demo set added
    // to a demo database has VAT ids of its own. A resumed load counts from where it began.
    let mut resumed = 0;
    if let Some(key) = key {
        for batch in 0..count.div_ceil(BATCH) {
            match store.operation(&format!("{key}/{batch}/customers"))? {
                Some(op) => resumed += op.result.as_array().map_or(0, Vec::len),
                None => break,
            }
        }
    }
    let start = store.count_customers()? as usize - resumed;
    let open = open_per_million(start + count, staff.sellers.len());
    let process = store.stage_settings()?;
    // The price list offers are made from, imported as the office's manager (an office
    // without one gets no demo offers).
    let manager = store.users()?.into_iter().find(|u| u.data.active && u.data.role == crate::office::UserRole::Manager);
    if let Some(m) = &manager {
        let list = offers::price_list(today);
        step(store, key, "prices", |s| s.import_price_list(Some(m.id), list).map(|_| Vec::new()))?;
        if store.letterhead()?.company_name.is_empty() {
            store.save_letterhead(Some(m.id), offers::letterhead())?;
        }
    }
    let price_items = store.price_items(&crate::offer::PriceQuery::default())?;
    let mut rng = Rng(seed);
    let mut done = 0;
    while done < count {
        let first = start + done;
        let n = BATCH.min(count - done);
        let mut cards = Vec::with_capacity(n);
        let mut histories = Vec::with_capacity(n);
        for i in first..first + n {
            let mut card = customer(i, &mut rng);
            let h = history(i, &card, &staff, seed, today, open);
            card.owner_id = h.owner;
            card.assistant_ids = h.assistant.into_iter().collect();
            cards.push(card);
            histories.push(h);
        }
        let countries: Vec<String> = cards.iter().map(|c| c.country.clone()).collect();
        let currencies: Vec<String> = cards.iter().map(|c| c.turnover_currency.clone()).collect();
        let sources: Vec<String> = cards.iter().map(|c| c.lead_source.clone()).collect();
        let owners: Vec<Option<i64>> = histories.iter().map(|h| h.owner).collect();
        let mains: Vec<usize> =
            histories.iter().map(|h| h.people.iter().position(|p| p.is_main).unwrap_or(0)).collect();
        let fleet_cards = cards.clone();
        let batch = done / BATCH;
        let (customer_ids, added) =
            step(store, key, &format!("{batch}/customers"), |s| s.create_customers_bulk(cards))?;

        let mut people = Vec::new();
        let mut people_of = Vec::with_capacity(n);
        for (h, &cid) in histories.iter_mut().zip(&customer_ids) {
            people_of.push(h.people.len());
            people.extend(std::mem::take(&mut h.people).into_iter().map(|p| (cid, p)));
        }
        let (person_ids, people_added) =
            step(store, key, &format!("{batch}/people"), |s| s.create_people_bulk(people))?;

        let mut contacts = Vec::new();
        let mut theirs = &person_ids[..];
        let mut main_people = Vec::with_capacity(n);
        for (((h, &cid), &k), &main) in histories.into_iter().zip(&customer_ids).zip(&people_of).zip(&mains) {
            main_people.push(theirs.get(main).copied());
            for mut planned in h.contacts {
                planned.data.person_ids = planned.people.iter().map(|&p| theirs[p]).collect();
                contacts.push((cid, planned.data, planned.by));
            }
            theirs = &theirs[k..];
        }
        let materials: Vec<_> = (first..first + n)
            .zip(&customer_ids)
            .flat_map(|(i, &cid)| materials(i, &countries[i - first], seed, today).into_iter().map(move |m| (cid, m)))
            .collect();
        let (material_ids, materials_added) =
            step(store, key, &format!("{batch}/materials"), |s| s.add_materials_bulk(materials))?;
        report.materials += if materials_added { material_ids.len() } else { 0 };

        let (mut lines, mut noted, mut seen, mut vehicles) = (Vec::new(), Vec::new(), Vec::new(), 0);
        for (k, (card, &cid)) in fleet_cards.iter().zip(&customer_ids).enumerate() {
            let fleet = fleet::fleet(first + k, card, seed, today);
            let (by_hand, prices) = fleet::sightings(first + k, card, &fleet, &competitors, seed, today);
            vehicles += fleet.iter().map(|l| l.vehicles).sum::<i64>();
            lines.extend(fleet.into_iter().map(|l| (cid, l)));
            noted.extend(by_hand.into_iter().map(|k| (cid, k)));
            seen.extend(prices.into_iter().map(|p| (cid, p)));
        }
        let (line_ids, lines_added) = step(store, key, &format!("{batch}/fleet"), |s| s.create_fleet_bulk(lines))?;
        if lines_added {
            report.fleet_lines += line_ids.len();
            report.vehicles += vehicles;
        }
        step(store, key, &format!("{batch}/competitors"), |s| s.note_competitors_bulk(noted).map(|()| Vec::new()))?;
        let (seen_ids, seen_added) =
            step(store, key, &format!("{batch}/sightings"), |s| s.create_sightings_bulk(seen))?;
        report.sightings += if seen_added { seen_ids.len() } else { 0 };
        // About one deal per customer, across every stage, with its history.
        let deals: Vec<_> = (first..first + n)
            .map(|i| {
                let k = i - first;
                let (data, state, moves) =
                    funnel::deal(i, seed, &process, owners[k], &currencies[k], main_people[k], today);
                (customer_ids[k], data, state, moves)
            })
            .collect();
        let started: Vec<NaiveDate> =
            deals.iter().map(|d| d.3.first().and_then(|m| day_of(&m.moved_at)).unwrap_or(today)).collect();
        let deal_parts: Vec<_> = deals.iter().map(|d| (d.1.clone(), d.2.clone())).collect();
        let (deal_ids, deals_added) = step(store, key, &format!("{batch}/deals"), |s| s.create_deals_bulk(deals))?;
        report.deals += if deals_added { deal_ids.len() } else { 0 };
        let offers: Vec<_> = (first..first + n)
            .filter_map(|i| {
                let k = i - first;
                let country = &countries[k];
                let deal = &deal_parts[k];
                offers::offer(i, seed, customer_ids[k], deal_ids[k], country, deal, &process, &price_items, today)
            })
            .collect();
        let (offer_ids, offers_added) = step(store, key, &format!("{batch}/offers"), |s| s.create_offers_bulk(offers))?;
        report.offers += if offers_added { offer_ids.len() } else { 0 };
        // The contacts after the deals and fleets: each is counted with a new or an existing
        // customer as its customer stood on the contact's day.
        let (contact_ids, contacts_added) =
            step(store, key, &format!("{batch}/contacts"), |s| s.log_contacts_bulk(contacts))?;
        report.contacts += if contacts_added { contact_ids.len() } else { 0 };
        let leads: Vec<_> = (first..first + n)
            .filter_map(|i| {
                let k = i - first;
                funnel::lead(i, seed, customer_ids[k], &sources[k], owners[k], Some((deal_ids[k], started[k])), today)
            })
            .collect();
        let (lead_ids, leads_added) = step(store, key, &format!("{batch}/leads"), |s| s.create_leads_bulk(leads))?;
        report.leads += if leads_added { lead_ids.len() } else { 0 };
        report.people += if people_added { person_ids.len() } else { 0 };
        report.customers += if added { n } else { 0 };
        done += n;
        progress(done, count);
    }
    // The pyramid as it stood at the end of last year (once, for a new office) and as it stands
    // today: tiers on the cards, and customers that moved tier since.
    let settings = store.pyramid_settings()?;
    let rank = |store: &mut Store, day: NaiveDate| -> Result<()> {
        let run = |s: &mut Store| s.rank_at(settings.clone(), day, false).map(|_| ());
        match key {
            Some(key) => store.once(&format!("{key}/rank/{day}"), run).map(|_| ()),
            None => run(store),
        }
    };
    if !store.has_ranking()? {
        rank(store, NaiveDate::from_ymd_opt(today.year() - 1, 12, 31).expect("a day"))?;
    }
    rank(store, today)?;
    // The forecasts as they stood at the last six month ends, so accuracy has a past.
    let mut month_end = crate::funnel::previous_month_end(today);
    for _ in 0..6 {
        report.snapshots += store.take_forecast_snapshot(month_end)?;
        month_end = crate::funnel::previous_month_end(month_end);
    }
    Ok(report)
}

/// The office's active salespeople and assistants; a new office when there are no users
/// (or when a keyed load that began the office is resumed).
fn staff(store: &mut Store, key: Option<&str>, report: &mut DemoReport) -> Result<Staff> {
    let mut users = store.users()?;
    let resuming = match key {
        Some(key) => store.operation(&format!("{key}/users/0"))?.is_some(),
        None => false,
    };
    if users.is_empty() || resuming {
        for (i, &(name, initials, role)) in OFFICE.iter().enumerate() {
            let data = UserData { name: name.into(), initials: initials.into(), role, active: true };
            let (_, added) = step(store, key, &format!("users/{i}"), |s| Ok(vec![s.create_user(data)?.id]))?;
            report.users += usize::from(added);
        }
        users = store.users()?;
    }
    // By id, not by name: the round-robin of owners must not depend on how names sort.
    users.sort_by_key(|u| u.id);
    let active = |role: UserRole| -> Vec<i64> {
        users.iter().filter(|u| u.data.active && u.data.role == role).map(|u| u.id).collect()
    };
    let mut sellers = active(UserRole::Salesperson);
    if sellers.is_empty() {
        sellers = active(UserRole::Manager);
    }
    Ok(Staff { sellers, assistants: active(UserRole::Assistant) })
}

/// A day given as `YYYY-MM-DD`, or the workstation's local today for `None`: the `--today`
/// of `parc-cli`.
pub fn day_or_today(text: Option<&str>) -> Result<NaiveDate> {
    match text {
        None => Ok(chrono::Local::now().date_naive()),
        Some(t) => {
            NaiveDate::parse_from_str(t.trim(), DATE_FORMAT).map_err(|_| Error::invalid("today", "validation.date"))
        }
    }
}
