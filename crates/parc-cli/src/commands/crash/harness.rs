//! The crash-safety harness. `crash-test` runs `crash-writer` processes that make real Parc
//! changes through parc-core, each printed on stdout once it is committed; it kills each
//! writer with SIGKILL at a random moment, reopens the database and checks that the integrity
//! check passes and that every reported operation is present and complete. The operation in
//! flight at the kill may have committed without being reported: the next writer retries it
//! under the same idempotency key, and the check proves it is then present exactly once (if
//! its key was recorded) or not at all (if not).
//!
//! Operation `n` is step `n % STEPS.len()` of unit `n / STEPS.len()`: each unit is one new
//! customer and what happens to it (a person, a contact and its correction, a material, a
//! file, an edit, a deal moved on, an offer saved with the office's next number and sent).
//! Everything an operation writes follows from `(seed, n)`, so the checker knows what must be
//! there. A new kind of change is one more [`Step`] with its arm in `apply` and in `verify`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use parc_core::contact::{ContactData, HistoryFilter, MaterialData};
use parc_core::customer::person::PersonData;
use parc_core::customer::CustomerData;
use parc_core::funnel::deal::{DealData, MoveRequest};
use parc_core::offer::{OfferLine, OfferQuery, OfferStatus};
use parc_core::office::{UserData, UserRole};
use parc_core::storage::Once;
use parc_core::{ground::audit, Error, Store};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    NewCustomer,
    NewPerson,
    LogContact,
    CorrectContact,
    AddMaterial,
    AttachFile,
    EditCustomer,
    NewDeal,
    MoveDeal,
    SaveOffer,
    SendOffer,
}

const STEPS: [Step; 11] = [
    Step::NewCustomer,
    Step::NewPerson,
    Step::LogContact,
    Step::CorrectContact,
    Step::AddMaterial,
    Step::AttachFile,
    Step::EditCustomer,
    Step::NewDeal,
    Step::MoveDeal,
    Step::SaveOffer,
    Step::SendOffer,
];

/// The operations' fixed day: an offer's date and a move's day do not depend on when the
/// harness runs.
fn day() -> parc_core::chrono::NaiveDate {
    parc_core::chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("a valid day")
}

fn deal_data(unit: u64, person: i64) -> DealData {
    DealData {
        title: format!("Deal {unit}: two tractors"),
        value: 18_000_000 + unit as i64,
        currency: "EUR".into(),
        person_ids: vec![person],
        ..Default::default()
    }
}

/// The offer's lines: one free line whose price follows from the unit.
fn offer_lines(unit: u64) -> Vec<OfferLine> {
    vec![OfferLine {
        item_id: None,
        code: format!("TRK-{unit}"),
        description: format!("Tractor unit {unit}"),
        quantity: 2,
        unit_price: 9_000_000 + unit as i64,
        discount_bp: 250,
        vat_bp: 2_200,
    }]
}

fn step_of(n: u64) -> (u64, Step) {
    (n / STEPS.len() as u64, STEPS[(n % STEPS.len() as u64) as usize])
}

fn key(seed: u64, n: u64) -> String {
    format!("crash:{seed}:{n}")
}

fn customer_name(seed: u64, unit: u64) -> String {
    format!("Crash {seed}-{unit} Trasporti")
}

fn contact_data(unit: u64, person: i64, corrected: bool) -> ContactData {
    let minute = unit % (24 * 60);
    ContactData {
        happened_at: format!("2026-03-{:02}T{:02}:{:02}", 1 + unit % 28, minute / 60, minute % 60),
        kind: "phone".into(),
        person_ids: vec![person],
        agreed: if corrected {
            format!("Agreed {unit}: three tractors (corrected)")
        } else {
            format!("Agreed {unit}: two tractors")
        },
        next_action: format!("Call back {unit}"),
        next_kind: "phone".into(),
        next_due: Some(format!("2026-04-{:02}", 1 + unit % 28)),
        ..Default::default()
    }
}

/// A file of 1 to 24 KiB (several pages, so a kill can land in the middle of one) whose bytes
/// follow from the unit. Small enough that a thousand kills keep the test file near 100 MB.
fn file_bytes(seed: u64, unit: u64) -> Vec<u8> {
    let mut rng = Rng(seed ^ (unit.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
    let len = 1024 + rng.below(23 * 1024) as usize;
    (0..len).map(|_| rng.next() as u8).collect()
}

/// The key operation `n` is recorded under: an offer's save keeps its key in the namespace
/// `Store::create_offer_once` gives it.
fn op_key(seed: u64, n: u64) -> String {
    match step_of(n).1 {
        Step::SaveOffer => Store::offer_operation_key(&key(seed, n)),
        _ => key(seed, n),
    }
}

/// The id an earlier operation of the same unit created (its stored result).
fn created_id(store: &mut Store, seed: u64, n: u64) -> Result<i64, Error> {
    let op = store.operation(&op_key(seed, n))?.ok_or_else(|| Error::Corrupt(format!("operation {n} missing")))?;
    first_id(&op.result).ok_or_else(|| Error::Corrupt(format!("operation {n} has no id: {}", op.result)))
}

fn first_id(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_array().and_then(|a| a.first()).and_then(Value::as_i64))
}

/// Applies operation `n` once (by its key). Returns whether it was applied now.
fn apply(store: &mut Store, seed: u64, n: u64) -> Result<bool, Error> {
    let (unit, step) = step_of(n);
    let base = unit * STEPS.len() as u64;
    let k = key(seed, n);
    let once = match step {
        Step::NewCustomer => {
            let data = CustomerData {
                name: customer_name(seed, unit),
                city: "Verona".into(),
                country: "IT".into(),
                notes: format!("Unit {unit}"),
                ..Default::default()
            };
            store.once(&k, |s| s.create_customer(data)).map(|o| matches!(o, Once::Now(_)))
        }
        Step::NewPerson => {
            let customer = created_id(store, seed, base)?;
            let data = PersonData { name: format!("Person {unit}"), is_main: true, active: true, ..Default::default() };
            store.once(&k, |s| s.create_person(customer, data)).map(|o| matches!(o, Once::Now(_)))
        }
        Step::LogContact => {
            let (customer, person) = (created_id(store, seed, base)?, created_id(store, seed, base + 1)?);
            let data = contact_data(unit, person, false);
            store.once(&k, |s| s.log_contact(customer, data, None)).map(|o| matches!(o, Once::Now(_)))
        }
        Step::CorrectContact => {
            let (contact, person) = (created_id(store, seed, base + 2)?, created_id(store, seed, base + 1)?);
            let data = contact_data(unit, person, true);
            store.once(&k, |s| s.correct_contact(contact, 1, data, None)).map(|o| matches!(o, Once::Now(_)))
        }
        Step::AddMaterial => {
            let customer = created_id(store, seed, base)?;
            let data = MaterialData { name: format!("Price list {unit}"), every_days: 30, last_sent: None };
            store.once(&k, |s| s.add_material(customer, data)).map(|o| matches!(o, Once::Now(_)))
        }
        Step::AttachFile => {
            let contact = created_id(store, seed, base + 2)?;
            let bytes = file_bytes(seed, unit);
            store
                .once(&k, |s| s.attach_file(contact, &format!("offer-{unit}.pdf"), &bytes, None))
                .map(|o| matches!(o, Once::Now(_)))
        }
        Step::EditCustomer => {
            let id = created_id(store, seed, base)?;
            let current = store.customer(id)?;
            let mut data = current.data.clone();
            data.notes = format!("Edited {unit}");
            data.employees = Some(unit as i64 + 1);
            store.once(&k, |s| s.update_customer(id, current.version, data)).map(|o| matches!(o, Once::Now(_)))
        }
        Step::NewDeal => {
            let (customer, person) = (created_id(store, seed, base)?, created_id(store, seed, base + 1)?);
            let data = deal_data(unit, person);
            let me = store.actor();
            store.once(&k, |s| s.create_deal(customer, data, None, "card", me)).map(|o| matches!(o, Once::Now(_)))
        }
        Step::MoveDeal => {
            let id = created_id(store, seed, base + 7)?;
            let to_stage_id = second_stage(store)?;
            let request = MoveRequest { to_stage_id, ..Default::default() };
            let me = store.actor();
            store.once(&k, |s| s.move_deal(id, 1, request, me, day())).map(|o| matches!(o, Once::Now(_)))
        }
        Step::SaveOffer => {
            let (customer, deal) = (created_id(store, seed, base)?, created_id(store, seed, base + 7)?);
            let me = store.actor();
            let mut data = store.new_offer(customer, Some(deal), day(), me)?;
            data.lines = offer_lines(unit);
            // The window's way: a save retried under its key never takes a second number.
            store.create_offer_once(&k, data).map(|(_, now)| now)
        }
        Step::SendOffer => {
            let id = created_id(store, seed, base + 9)?;
            store.once(&k, |s| s.send_offer(id, 1)).map(|o| matches!(o, Once::Now(_)))
        }
    }?;
    Ok(once)
}

/// The stage after the first open one: where a deal moves on to.
fn second_stage(store: &mut Store) -> Result<i64, Error> {
    let process = store.stage_settings()?;
    let first = process.first_open().id;
    let next = process.ladder().filter(|s| !s.retired).map(|s| s.id).skip_while(|&id| id != first).nth(1);
    next.ok_or_else(|| Error::Corrupt("the process has one stage".into()))
}

/// Checks operation `n`: when `present`, all of it is there exactly once; otherwise none of
/// it is. Returns the problem found, if any.
fn verify(store: &mut Store, seed: u64, n: u64, present: bool) -> Result<Option<String>, Error> {
    let (unit, step) = step_of(n);
    let base = unit * STEPS.len() as u64;
    let problem = |what: String| Ok(Some(format!("operation {n} ({step:?}): {what}")));
    let op = store.operation(&op_key(seed, n))?;
    if op.is_some() != present {
        return problem(format!("key recorded: {}, expected {present}", op.is_some()));
    }
    let ok = Ok(None);
    match step {
        Step::NewCustomer => {
            let name = customer_name(seed, unit);
            let query = parc_core::customer::CustomerQuery { text: name.clone(), limit: 1000, ..Default::default() };
            let found: Vec<i64> =
                store.search_customers(&query)?.into_iter().filter(|c| c.name == name).map(|c| c.id).collect();
            match (present, found.as_slice()) {
                (false, []) => ok,
                (true, [id]) => {
                    if Some(*id) != op.as_ref().and_then(|o| first_id(&o.result)) {
                        return problem("the key's result is not the customer".into());
                    }
                    let history = store.changes(audit::CUSTOMER, *id)?;
                    if history.first().map(|c| c.field.as_str()) != Some("") {
                        return problem("creation missing from the history".into());
                    }
                    ok
                }
                _ => problem(format!("{} customers named {name:?}", found.len())),
            }
        }
        Step::NewPerson => {
            let customer = created_id(store, seed, base)?;
            let named = store.people(customer)?.into_iter().filter(|p| p.data.name == format!("Person {unit}")).count();
            if named != usize::from(present) {
                return problem(format!("{named} people"));
            }
            ok
        }
        Step::LogContact => {
            let customer = created_id(store, seed, base)?;
            let all = HistoryFilter { limit: Some(1000), ..Default::default() };
            let contacts = store.contact_history(customer, &all)?;
            if contacts.len() != usize::from(present) {
                return problem(format!("{} contacts", contacts.len()));
            }
            if present {
                let person = created_id(store, seed, base + 1)?;
                let c = &contacts[0];
                let mut expected = contact_data(unit, person, c.version > 1);
                expected.user_id = c.data.user_id;
                if c.data != expected {
                    return problem(format!("contact differs: {:?}", c.data));
                }
            }
            ok
        }
        Step::CorrectContact => {
            let id = created_id(store, seed, base + 2)?;
            let contact = store.contact(id)?;
            let revisions = store.contact_revisions(contact.id)?;
            let (version, kept) = if present { (2, 1) } else { (1, 0) };
            if contact.version != version || revisions.len() != kept {
                return problem(format!("version {}, {} revisions", contact.version, revisions.len()));
            }
            if present && !contact.data.agreed.ends_with("(corrected)") {
                return problem("correction not saved".into());
            }
            if present && revisions[0].previous.agreed.ends_with("(corrected)") {
                return problem("original not kept".into());
            }
            ok
        }
        Step::AddMaterial => {
            let customer = created_id(store, seed, base)?;
            let named =
                store.materials(customer)?.into_iter().filter(|m| m.data.name == format!("Price list {unit}")).count();
            if named != usize::from(present) {
                return problem(format!("{named} materials"));
            }
            ok
        }
        Step::AttachFile => {
            let id = created_id(store, seed, base + 2)?;
            let contact = store.contact(id)?;
            if contact.attachments.len() != usize::from(present) {
                return problem(format!("{} attachments", contact.attachments.len()));
            }
            if present {
                let (_, bytes) = store.attachment(contact.attachments[0].id)?;
                if bytes != file_bytes(seed, unit) {
                    return problem("file bytes differ".into());
                }
            }
            ok
        }
        Step::EditCustomer => {
            let id = created_id(store, seed, base)?;
            let customer = store.customer(id)?;
            let edited =
                customer.data.notes == format!("Edited {unit}") && customer.data.employees == Some(unit as i64 + 1);
            let notes_changes =
                store.changes(audit::CUSTOMER, customer.id)?.iter().filter(|c| c.field == "notes").count();
            if edited != present || notes_changes != usize::from(present) || customer.version != 1 + i64::from(present)
            {
                return problem(format!(
                    "edited {edited}, {notes_changes} history lines, version {}",
                    customer.version
                ));
            }
            ok
        }
        Step::NewDeal => {
            let customer = created_id(store, seed, base)?;
            let query = parc_core::funnel::deal::DealQuery {
                customer_id: Some(customer),
                status: "all".into(),
                ..Default::default()
            };
            let deals = store.deals(&query, day())?;
            if deals.len() != usize::from(present) {
                return problem(format!("{} deals", deals.len()));
            }
            if present {
                let deal = store.deal(deals[0].id)?;
                let person = created_id(store, seed, base + 1)?;
                let expected = deal_data(unit, person);
                if (deal.data.title.as_str(), deal.data.value, &deal.data.person_ids)
                    != (expected.title.as_str(), expected.value, &expected.person_ids)
                {
                    return problem(format!("deal differs: {:?}", deal.data));
                }
                if Some(deal.id) != op.as_ref().and_then(|o| first_id(&o.result)) {
                    return problem("the key's result is not the deal".into());
                }
            }
            ok
        }
        Step::MoveDeal => {
            let id = created_id(store, seed, base + 7)?;
            let view = store.deal_view(id, day())?;
            let first = store.stage_settings()?.first_open().id;
            let (stage, version, moves) = if present { (second_stage(store)?, 2, 2) } else { (first, 1, 1) };
            if view.deal.state.stage_id != stage || view.deal.version != version || view.moves.len() != moves {
                return problem(format!(
                    "stage {}, version {}, {} moves",
                    view.deal.state.stage_id,
                    view.deal.version,
                    view.moves.len()
                ));
            }
            ok
        }
        Step::SaveOffer | Step::SendOffer => {
            let customer = created_id(store, seed, base)?;
            let query = OfferQuery { customer_id: Some(customer), limit: u32::MAX, ..Default::default() };
            let offers = store.offers(&query)?;
            let saved = step == Step::SendOffer || present;
            if offers.len() != usize::from(saved) {
                return problem(format!("{} offers", offers.len()));
            }
            if saved {
                let offer = store.offer(offers[0].id)?;
                // Sent once the unit's send is recorded, whichever operation is checked.
                let send = STEPS.iter().position(|s| *s == Step::SendOffer).expect("a step") as u64;
                let sent = store.operation(&op_key(seed, base + send))?.is_some();
                let status = if sent { OfferStatus::Sent } else { OfferStatus::Draft };
                if offer.data.lines != offer_lines(unit) || offer.revision != 1 || offer.status != status {
                    return problem(format!(
                        "offer {} r{} {:?}: {:?}",
                        offer.number, offer.revision, offer.status, offer.data.lines
                    ));
                }
                if offer.version != 1 + i64::from(sent) {
                    return problem(format!("offer version {}", offer.version));
                }
                if offer.totals.to_pay <= 0 || !offer.number.contains('-') {
                    return problem(format!("offer {} totals {:?}", offer.number, offer.totals));
                }
            }
            ok
        }
    }
}

/// `crash-writer`: applies operations from `from` on, printing `{"op":n,"now":bool}` after
/// each commit, until `ops` are done (forever without a limit: it is meant to be killed).
pub fn writer(db: &Path, seed: u64, from: u64, ops: Option<u64>) -> Result<(), Error> {
    let mut store = Store::open(db)?;
    let me = match store.users()?.into_iter().find(|u| u.data.name == "Crash Tester") {
        Some(u) => u.id,
        None => {
            let data = UserData {
                name: "Crash Tester".into(),
                initials: "CT".into(),
                role: UserRole::Salesperson,
                active: true,
            };
            match store.once("crash:user", |s| s.create_user(data))? {
                Once::Now(u) => u.id,
                Once::Before(op) => first_id(&op.result).unwrap_or_default(),
            }
        }
    };
    store.set_actor(Some(me));
    let stdout = std::io::stdout();
    let end = ops.map_or(u64::MAX, |k| from + k);
    for n in from..end {
        let now = apply(&mut store, seed, n)?;
        // One write of a whole line: a kill leaves either the line or an unfinished one.
        let mut out = stdout.lock();
        let _ = out.write_all(format!("{{\"op\":{n},\"now\":{now}}}\n").as_bytes());
        let _ = out.flush();
    }
    Ok(())
}

/// What `crash-test` measured.
#[derive(Debug, Default, serde::Serialize)]
pub struct CrashReport {
    pub kills: u32,
    /// Operations reported committed, in all.
    pub operations: u64,
    /// Kills that landed after a commit and before its report: the retry found the key.
    pub committed_unreported: u32,
    /// Kills that landed in the middle of an operation that then left no trace.
    pub rolled_back: u32,
    pub integrity_checks: u32,
    pub slowest_check_ms: u128,
    pub seconds: f64,
    pub db: PathBuf,
    pub db_bytes: u64,
}

/// `crash-test`: `kills` rounds of write, SIGKILL, reopen and check, in `dir`.
pub fn test(dir: &Path, kills: u32, max_ms: u64, seed: u64) -> Result<Result<CrashReport, String>, Error> {
    std::fs::create_dir_all(dir)?;
    let db = dir.join("crash.sqlite3");
    let exe = std::env::current_exe()?;
    let started = Instant::now();
    let mut rng = Rng(seed | 1);
    let mut report = CrashReport { db: db.clone(), ..Default::default() };
    let mut next: u64 = 0;
    for round in 0..kills {
        let mut child = Command::new(&exe)
            .args([
                "--db",
                &db.to_string_lossy(),
                "crash-writer",
                "--seed",
                &seed.to_string(),
                "--from",
                &next.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().expect("piped");
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(|l| l.ok())
                .filter_map(|l| serde_json::from_str::<Value>(&l).ok())
                .filter_map(|v| v["op"].as_u64())
                .collect::<Vec<u64>>()
        });
        // Early kills land while the file is opened or migrated, later ones in the writes.
        std::thread::sleep(Duration::from_millis(rng.below(max_ms.max(1) + 1)));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait()?;
        let reported = reader.join().expect("reader thread");
        if status.success() || status.code().is_some() {
            // It exited by itself: an error, not a kill.
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            return Ok(Err(format!("round {round}: the writer stopped by itself ({status}): {err}")));
        }
        report.kills += 1;
        for (i, &n) in reported.iter().enumerate() {
            if n != next + i as u64 {
                return Ok(Err(format!("round {round}: reported op {n}, expected {}", next + i as u64)));
            }
        }
        // Reopen and check.
        let t = Instant::now();
        let mut store = match Store::open(&db) {
            Ok(s) => s,
            Err(e) => return Ok(Err(format!("round {round}: the database does not reopen: {e}"))),
        };
        let integrity = store.check()?.integrity;
        report.slowest_check_ms = report.slowest_check_ms.max(t.elapsed().as_millis());
        report.integrity_checks += 1;
        if integrity != "ok" {
            return Ok(Err(format!("round {round}: integrity check failed: {integrity}")));
        }
        for &n in &reported {
            if let Some(p) = verify(&mut store, seed, n, true)? {
                return Ok(Err(format!("round {round}: {p}")));
            }
        }
        report.operations += reported.len() as u64;
        next += reported.len() as u64;
        // The operation in flight: all there (committed, unreported) or none of it.
        let in_flight_done = store.operation(&op_key(seed, next))?.is_some();
        if let Some(p) = verify(&mut store, seed, next, in_flight_done)? {
            return Ok(Err(format!("round {round}, in flight: {p}")));
        }
        if in_flight_done {
            report.committed_unreported += 1;
        } else if !reported.is_empty() {
            report.rolled_back += 1;
        }
    }
    // Finally every operation, and the retry of the last one in flight.
    let mut store = Store::open(&db)?;
    apply(&mut store, seed, next)?;
    for n in 0..=next {
        if let Some(p) = verify(&mut store, seed, n, true)? {
            return Ok(Err(format!("final check: {p}")));
        }
    }
    let integrity = store.check()?.integrity;
    if integrity != "ok" {
        return Ok(Err(format!("final integrity check failed: {integrity}")));
    }
    report.seconds = started.elapsed().as_secs_f64();
    report.db_bytes = std::fs::metadata(&db)?.len();
    Ok(Ok(report))
}

/// xorshift64*: the harness's randomness, reproducible from `--seed`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}
