//! Three years of demo contacts and materials, with next actions around "today" that fill the agenda.

use super::*;

/// Saturdays and Sundays move back to Friday: nobody visits a customer on a Sunday.
pub(super) fn weekday_on_or_before(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day - Days::new(1),
        Weekday::Sun => day - Days::new(2),
        _ => day,
    }
}

pub(super) fn weekday_on_or_after(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day + Days::new(2),
        Weekday::Sun => day + Days::new(1),
        _ => day,
    }
}

/// Customers from this draw (per million) on have no action planned and no contact for two
/// months or more: "going cold".
pub(super) const COLD_FROM: u64 = 850_000;

/// How many customers a salesperson can keep an open next action for: a few a working day
/// over the agenda's seven weeks. Above this many customers per salesperson (large demo
/// sets, for benchmarks), the others are quiet rather than every agenda overflowing.
pub(super) const OPEN_ACTIONS_PER_SELLER: u64 = 400;

/// The share (per million) of customers with an open next action when `customers` are shared
/// by `sellers` salespeople: 85% up to [`OPEN_ACTIONS_PER_SELLER`] each.
pub(super) fn open_per_million(customers: usize, sellers: usize) -> u64 {
    let capacity = OPEN_ACTIONS_PER_SELLER * sellers.max(1) as u64 * 1_000_000 / COLD_FROM;
    match customers as u64 {
        n if n <= capacity => COLD_FROM,
        n => COLD_FROM * capacity / n,
    }
}

/// Who works on the demo customers.
pub(super) struct Staff {
    /// Owners, round-robin: the active salespeople (managers when there are none).
    pub(super) sellers: Vec<i64>,
    pub(super) assistants: Vec<i64>,
}

/// A contact before its people are saved: `people` index the customer's people.
pub(super) struct PlannedContact {
    pub(super) data: ContactData,
    pub(super) people: Vec<usize>,
    pub(super) by: Option<i64>,
}

/// Everything demo customer number `i` brings besides its card.
pub(super) struct History {
    pub(super) owner: Option<i64>,
    pub(super) assistant: Option<i64>,
    pub(super) people: Vec<PersonData>,
    pub(super) contacts: Vec<PlannedContact>,
}

/// The rng of customer `i`'s history: independent of batches and of the customers' stream.
pub(super) fn history_rng(seed: u64, i: usize) -> Rng {
    Rng::stream(seed, i, [0xA076_1D64_78BD_642F, 0xD1B5_4A32_D192_ED03, 0])
}

/// Three years of contacts with customer `c`, oldest first. The latest leaves an open next
/// action due around `today` for `open_per_million` of the customers; about 15% are going cold
/// (nothing since two months and more), and any others are quiet (no action planned).
pub(super) fn history(
    i: usize,
    c: &CustomerData,
    staff: &Staff,
    seed: u64,
    today: NaiveDate,
    open_per_million: u64,
) -> History {
    let mut rng = history_rng(seed, i);
    let owner = (!staff.sellers.is_empty()).then(|| staff.sellers[i % staff.sellers.len()]);
    let assistant = if !staff.assistants.is_empty() && rng.below(100) < 30 {
        Some(staff.assistants[rng.below(staff.assistants.len() as u64) as usize])
    } else {
        None
    };
    let people = people(i, c, &mut rng);
    let l = lang(&c.country);

    let count = 3 + rng.below(15) as usize;
    let draw = rng.below(1_000_000);
    let open = draw < open_per_million.min(COLD_FROM);
    let latest = weekday_on_or_before(if open {
        today - Days::new(1 + rng.below(30))
    } else if draw >= COLD_FROM {
        today - Days::new(61 + rng.below(500))
    } else {
        today - Days::new(1 + rng.below(700))
    });
    let first = today - Days::new(3 * 365);
    let span = (latest - first).num_days().max(1) as u64;
    let mut moments: Vec<(NaiveDate, u64)> =
        (0..count - 1).map(|_| (weekday_on_or_before(first + Days::new(rng.below(span))), rng.below(118))).collect();
    moments.sort_unstable();
    moments.push((latest, rng.below(118)));

    let active: Vec<usize> = (0..people.len()).filter(|&k| people[k].active).collect();
    let main = people.iter().position(|p| p.is_main).unwrap_or(0);
    let mut contacts = Vec::with_capacity(count);
    for (n, (day, slot)) in moments.into_iter().enumerate() {
        let last = n + 1 == count;
        let kind = match rng.below(100) {
            0..=44 => "phone",
            45..=64 => "visit",
            65..=84 => "email",
            85..=91 => "letter",
            _ => "other",
        };
        let duration_min = match kind {
            "phone" => 3 + rng.below(18),
            "visit" => 30 + 5 * rng.below(25),
            "email" => 5 + rng.below(16),
            "letter" => 10 + rng.below(21),
            _ => 5 + rng.below(56),
        } as i64;
        // Office hours in 5-minute steps: visits between 8:30 and 15:00, the rest 8:00-17:45.
        let minutes = if kind == "visit" { 510 + (slot % 79) * 5 } else { 480 + slot * 5 };
        let happened_at = format!("{}T{:02}:{:02}", day.format(DATE_FORMAT), minutes / 60, minutes % 60);
        let by = match assistant {
            Some(a) if kind != "visit" && rng.below(4) == 0 => Some(a),
            _ => owner,
        };
        // People who left are in old contacts only.
        let pool: &[usize] = if last { &active } else { &[] };
        let choose = |rng: &mut Rng| {
            if pool.is_empty() {
                rng.below(people.len() as u64) as usize
            } else {
                pool[rng.below(pool.len() as u64) as usize]
            }
        };
        let mut met = vec![if rng.below(2) == 0 { main } else { choose(&mut rng) }];
        if rng.below(100) < 30 {
            let other = choose(&mut rng);
            if !met.contains(&other) {
                met.push(other);
            }
        }
        let mut data = ContactData {
            happened_at,
            duration_min,
            user_id: by,
            kind: kind.to_string(),
            agreed: fill(rng.pick(l.agreed), &mut rng),
            ..Default::default()
        };
        if rng.below(100) < 20 {
            data.docs_sent.push(rng.pick(l.docs_sent).to_string());
        }
        if rng.below(100) < 10 {
            data.docs_received.push(rng.pick(l.docs_received).to_string());
        }
        if last && open {
            let (next_kind, text) = loop {
                let (k, t) = rng.pick(l.next);
                let wanted = match rng.below(10) {
                    0..=4 => "phone",
                    5..=7 => "visit",
                    _ => "email",
                };
                if k == wanted {
                    break (k, t);
                }
            };
            let due = (day + Days::new(2 + rng.below(34))).clamp(today - Days::new(20), today + Days::new(30));
            let due = weekday_on_or_after(due);
            let due = if due > today + Days::new(30) { weekday_on_or_before(due) } else { due };
            data.next_action = fill(text, &mut rng);
            data.next_kind = next_kind.to_string();
            data.next_due = Some(due.format(DATE_FORMAT).to_string());
            data.next_user_id = owner;
        }
        contacts.push(PlannedContact { data, people: met, by });
    }
    History { owner, assistant, people, contacts }
}

/// About one customer in four gets the price list or the newsletter regularly (one in twenty
/// both), last sent so that some are due this week and a few were never sent.
pub(super) fn materials(i: usize, country: &str, seed: u64, today: NaiveDate) -> Vec<MaterialData> {
    let mut rng = history_rng(seed ^ 0x6d61_7465_7269_616c, i);
    let offered = lang(country).materials;
    let count = match rng.below(100) {
        0..=4 => 2,
        5..=24 => 1,
        _ => 0,
    };
    let first = rng.below(offered.len() as u64) as usize;
    (0..count)
        .map(|k| {
            let (name, every_days) = offered[(first + k) % offered.len()];
            let last_sent = (rng.below(10) != 0).then(|| {
                let ago = rng.below(every_days as u64 + 20);
                (today - Days::new(ago)).format(DATE_FORMAT).to_string()
            });
            MaterialData { name: name.to_string(), every_days, last_sent }
        })
        .collect()
}
