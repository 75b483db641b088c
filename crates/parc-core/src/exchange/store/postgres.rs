//! An import's one write transaction on PostgreSQL, made of the same row writes the screens
//! use. A VAT id or ERP code another workstation saved meanwhile aborts the transaction; the
//! customer holding it is looked up once the transaction is gone.

use std::collections::HashSet;

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{GenericClient, Transaction};

use crate::customer::person::PersonData;
use crate::customer::store as customers;
use crate::customer::store::people;
use crate::customer::store::tsvector;
use crate::customer::store::RowMeta;
use crate::customer::CustomerData;
use crate::exchange::store as exchange;
use crate::exchange::store::CustomerRef;
use crate::exchange::store::ImportWrite;
use crate::ground::audit;
use crate::ground::error::{Error, Result};
use crate::ground::search_key;
use crate::offer::rows as offers;
use crate::storage::now;
use crate::storage::postgres::exec::exec;
use crate::storage::postgres::tx::{analyze, next_ids};
use crate::storage::postgres::{trail, Postgres};

const TICK: u64 = 500;

/// Rows per INSERT from arrays: big enough that round trips do not count, small enough that
/// progress (and Cancel) is heard often.
const BATCH: usize = 1000;

pub(super) fn apply_import(
    db: &mut Postgres,
    w: &ImportWrite,
    progress: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<Vec<i64>> {
    let (by, stamp) = (db.ctx.actor, now());
    let mut refused: Option<(postgres::Error, Vec<CustomerData>, Option<i64>)> = None;
    let out = db.write(|tx| {
        let meta = RowMeta::new_row(&stamp);
        let mut done = 0u64;
        // Told between batches of rows; an `Err` (cancelled) rolls the transaction back.
        let mut tick = |progress: &mut dyn FnMut(u64) -> Result<()>, rows: usize| {
            let before = done / TICK;
            done += rows as u64;
            if done / TICK > before {
                progress(done)?;
            }
            Ok::<(), Error>(())
        };
        let mut new_ids = Vec::with_capacity(w.new_customers.len());
        for batch in w.new_customers.chunks(BATCH) {
            match insert_customers(tx, batch, &meta) {
                Ok(ids) => new_ids.extend(ids),
                Err(e) => {
                    refused = Some((e, batch.to_vec(), None));
                    return Err(Error::Conflict { entity: "customer", id: 0 });
                }
            }
            tick(progress, batch.len())?;
        }
        trail::record_created(tx, audit::CUSTOMER, &new_ids, by)?;
        for (id, version, d) in &w.customer_updates {
            match customers::update_customer(&mut exec(tx), *id, *version, d, by) {
                Ok(()) => {}
                Err(Error::Postgres(e)) => {
                    refused = Some((e, vec![d.clone()], Some(*id)));
                    return Err(Error::Conflict { entity: "customer", id: *id });
                }
                Err(e) => return Err(e),
            }
            tick(progress, 1)?;
        }
        let resolve = |r: &CustomerRef| match r {
            CustomerRef::Stored(id) => *id,
            CustomerRef::New(i) => new_ids[*i],
        };
        let mut person_ids = Vec::with_capacity(w.new_people.len());
        // The customers this import made that got no people in an earlier batch: nobody
        // else sees them, and they have no main contact to unmark.
        let made: HashSet<i64> = new_ids.iter().copied().collect();
        let mut with_people: HashSet<i64> = HashSet::new();
        for batch in w.new_people.chunks(BATCH) {
            let rows: Vec<(i64, PersonData)> = batch.iter().map(|(r, d)| (resolve(r), d.clone())).collect();
            let fresh = |id: i64| made.contains(&id) && !with_people.contains(&id);
            person_ids.extend(insert_people(tx, &rows, by, &fresh)?);
            with_people.extend(rows.iter().map(|(c, _)| *c).filter(|c| made.contains(c)));
            tick(progress, batch.len())?;
        }
        trail::record_created(tx, audit::PERSON, &person_ids, by)?;
        for (id, version, d) in &w.person_updates {
            people::update_person(&mut exec(tx), *id, *version, d, by)?;
            tick(progress, 1)?;
        }
        exchange::write_lines_and_sightings(&mut exec(tx), w, by, &mut || tick(progress, 1))?;
        // The price list: the shared statements, in this transaction.
        let x = &mut crate::storage::postgres::exec::exec(tx);
        for d in &w.new_items {
            offers::insert_item(x, d, &stamp)?;
        }
        for (id, version, d) in &w.item_updates {
            offers::update_item(x, *id, *version, d, false, &stamp)?;
        }
        progress(w.rows())?;
        Ok(if w.returns_people { person_ids } else { new_ids })
    });
    let ids = match (out, refused) {
        (Err(_), Some((e, rows, except))) => {
            let d = taken_in(&mut db.client, &rows).unwrap_or(&rows[0]);
            return Err(vat_conflict(&mut db.client, e, d, except));
        }
        (out, _) => out?,
    };
    if ids.len() >= 1000 && !w.returns_people {
        analyze(&mut db.client, "customer")?;
        analyze(&mut db.client, "person")?;
    }
    Ok(ids)
}
fn is_vat_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
        && e.as_db_error().and_then(|d| d.constraint()) == Some("customer_vat")
}

/// Maps a unique-index violation on the VAT id to the customer who holds it. The check is the
/// index itself, so two workstations saving the same VAT id at once cannot both succeed.
fn vat_conflict(client: &mut impl GenericClient, e: postgres::Error, d: &CustomerData, except: Option<i64>) -> Error {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION)
        && e.as_db_error().and_then(|d| d.constraint()) == Some("customer_erp_code")
    {
        return Error::invalid("erp_code", "validation.erp_code_taken");
    }
    if !is_vat_violation(&e) {
        return Error::Postgres(e);
    }
    let owner = client.query_opt(
        "SELECT id, name FROM customer WHERE country = $1 AND vat_id = $2 AND vat_id <> '' AND id IS DISTINCT FROM $3",
        &[&d.country, &d.vat_id, &except],
    );
    match owner {
        Ok(Some(r)) => Error::DuplicateVat { existing_id: r.get(0), existing_name: r.get(1) },
        _ => Error::Postgres(e),
    }
}

/// The columns computed from a customer's data: sort key, folded search key, its words, and
/// the office's own fields as JSON.
struct Derived {
    sort_key: String,
    search_key: String,
    search_words: String,
    custom: String,
}

impl Derived {
    fn of(d: &CustomerData) -> Derived {
        let search_key = d.search_key();
        Derived {
            sort_key: search_key::fold(&d.name),
            search_words: tsvector(&search_key),
            search_key,
            custom: serde_json::to_string(&d.custom).expect("a map of strings serialises"),
        }
    }
}

fn insert_customers(
    client: &mut impl GenericClient,
    rows: &[CustomerData],
    m: &RowMeta,
) -> std::result::Result<Vec<i64>, postgres::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = next_ids(client, "customer", rows.len())?;
    let derived: Vec<Derived> = rows.iter().map(Derived::of).collect();
    let text = |f: fn(&CustomerData) -> &str| -> Vec<&str> { rows.iter().map(f).collect() };
    let int = |f: fn(&CustomerData) -> Option<i64>| -> Vec<Option<i64>> { rows.iter().map(f).collect() };
    let columns: [Vec<&str>; 20] = [
        text(|d| &d.name),
        text(|d| &d.legal_form),
        text(|d| &d.street),
        text(|d| &d.postal_code),
        text(|d| &d.city),
        text(|d| &d.region),
        text(|d| &d.country),
        text(|d| &d.other_address),
        text(|d| &d.phone),
        text(|d| &d.mobile),
        text(|d| &d.fax),
        text(|d| &d.email),
        text(|d| &d.web),
        text(|d| &d.vat_id),
        text(|d| &d.business_type),
        text(|d| &d.market_sectors),
        text(|d| &d.ownership),
        text(|d| &d.turnover_currency),
        text(|d| &d.lead_source),
        text(|d| &d.notes),
    ];
    let numbers: [Vec<Option<i64>>; 3] = [int(|d| d.employees), int(|d| d.annual_turnover), int(|d| d.owner_id)];
    let of_derived = |f: fn(&Derived) -> &str| -> Vec<&str> { derived.iter().map(f).collect() };
    let computed: [Vec<&str>; 4] = [
        of_derived(|c| &c.sort_key),
        of_derived(|c| &c.search_key),
        of_derived(|c| &c.search_words),
        of_derived(|c| &c.custom),
    ];
    let erp_codes = text(|d| &d.erp_code);
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&ids];
    params.extend(columns.iter().map(|c| c as &(dyn ToSql + Sync)));
    params.extend(numbers.iter().map(|c| c as &(dyn ToSql + Sync)));
    params.extend(computed.iter().map(|c| c as &(dyn ToSql + Sync)));
    params.push(&erp_codes);
    params.extend([&m.archived_at as &(dyn ToSql + Sync), &m.created_at, &m.updated_at, &m.version]);
    client.execute(
        "INSERT INTO customer (id, name, legal_form, street, postal_code, city, region, country, other_address,
         phone, mobile, fax, email, web, vat_id, business_type, market_sectors, ownership, turnover_currency,
         lead_source, notes, employees, annual_turnover, owner_id, sort_key, search_key, search_words, custom,
         erp_code, archived_at, created_at, updated_at, version)
         SELECT u.*, $30, $31, $32, $33 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
             $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
             $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],
             $21::text[], $22::bigint[], $23::bigint[], $24::bigint[], $25::text[], $26::text[],
             $27::text[]::tsvector[], $28::text[], $29::text[]) AS u",
        &params,
    )?;
    let (mut owners, mut users) = (Vec::new(), Vec::new());
    for (id, d) in ids.iter().zip(rows) {
        for user in &d.assistant_ids {
            owners.push(*id);
            users.push(*user);
        }
    }
    if !owners.is_empty() {
        client.execute(
            "INSERT INTO customer_assistant (customer_id, user_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])",
            &[&owners, &users],
        )?;
    }
    Ok(ids)
}

/// The first of `rows` whose VAT id or ERP code a stored customer holds: the row a failed
/// [`insert_customers`] was refused for.
fn taken_in<'a>(client: &mut impl GenericClient, rows: &'a [CustomerData]) -> Option<&'a CustomerData> {
    let countries: Vec<&str> = rows.iter().map(|d| d.country.as_str()).collect();
    let vats: Vec<&str> = rows.iter().map(|d| d.vat_id.as_str()).collect();
    let codes: Vec<&str> = rows.iter().map(|d| d.erp_code.as_str()).filter(|c| !c.is_empty()).collect();
    let held = client
        .query(
            "SELECT country, vat_id, erp_code FROM customer
             WHERE (vat_id <> '' AND (country, vat_id) IN (SELECT * FROM unnest($1::text[], $2::text[])))
                OR (erp_code <> '' AND erp_code = ANY($3))",
            &[&countries, &vats, &codes],
        )
        .ok()?;
    let held: Vec<(String, String, String)> = held.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    rows.iter().find(|d| {
        held.iter().any(|(country, vat, code)| {
            (!d.vat_id.is_empty() && *country == d.country && *vat == d.vat_id)
                || (!d.erp_code.is_empty() && *code == d.erp_code)
        })
    })
}

/// New people `(customer, data)` inside the caller's transaction, without their creation in
/// the history (the caller records it): in batches when [`insert_people_many`] can, else row by row.
/// `fresh` tells the customers this transaction created that have no people yet.
fn insert_people(
    tx: &mut Transaction,
    rows: &[(i64, PersonData)],
    by: Option<i64>,
    fresh: &dyn Fn(i64) -> bool,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH) {
        match insert_people_many(tx, batch, by, fresh)? {
            Some(more) => ids.extend(more),
            None => {
                let x = &mut exec(tx);
                for (customer_id, d) in batch {
                    ids.push(people::insert_person(x, *customer_id, d, by, false)?);
                }
            }
        }
    }
    Ok(ids)
}

/// New people `(customer, data)`, version 1, in a few statements whatever their number: the
/// same checks, rows and main contacts as `customer/store/people.rs`'s `insert_person` row by row (the customers of new main contacts locked, their former main
/// contacts unmarked with their history). `None` when only the row-by-row path says what
/// happens: someone assists another person, or one customer gets two main contacts.
/// Customers `fresh` tells (made by this transaction, no people yet) exist, no other
/// transaction sees them and they have no main contact to unmark: they are neither looked up
/// nor locked.
fn insert_people_many(
    tx: &mut Transaction,
    rows: &[(i64, PersonData)],
    by: Option<i64>,
    fresh: &dyn Fn(i64) -> bool,
) -> Result<Option<Vec<i64>>> {
    if rows.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let mut mains: Vec<i64> = rows.iter().filter(|(_, d)| d.is_main).map(|(c, _)| *c).collect();
    let count = mains.len();
    mains.sort_unstable();
    mains.dedup();
    if rows.iter().any(|(_, d)| d.assistant_of.is_some()) || mains.len() != count {
        return Ok(None);
    }
    mains.retain(|c| !fresh(*c));
    let mut customers: Vec<i64> = rows.iter().map(|(c, _)| *c).filter(|c| !fresh(*c)).collect();
    customers.sort_unstable();
    customers.dedup();
    let mut found = std::collections::HashSet::new();
    if !customers.is_empty() {
        let rows = tx.query("SELECT id FROM customer WHERE id = ANY($1)", &[&customers])?;
        found.extend(rows.iter().map(|r| r.get::<_, i64>(0)));
    }
    if let Some((missing, _)) = rows.iter().find(|(c, _)| !fresh(*c) && !found.contains(c)) {
        return Err(Error::NotFound { entity: "customer", id: *missing });
    }
    if !mains.is_empty() {
        tx.execute("SELECT 1 FROM customer WHERE id = ANY($1) FOR NO KEY UPDATE", &[&mains])?;
    }
    let ids = next_ids(tx, "person", rows.len())?;
    let text = |f: fn(&PersonData) -> &str| -> Vec<&str> { rows.iter().map(|(_, d)| f(d)).collect() };
    let flag = |f: fn(&PersonData) -> bool| -> Vec<bool> { rows.iter().map(|(_, d)| f(d)).collect() };
    let owners: Vec<i64> = rows.iter().map(|(c, _)| *c).collect();
    let columns: [Vec<&str>; 9] = [
        text(|d| &d.name),
        text(|d| &d.position),
        text(|d| &d.title),
        text(|d| &d.decision_role),
        text(|d| &d.branch),
        text(|d| &d.phone),
        text(|d| &d.mobile),
        text(|d| &d.email),
        text(|d| &d.notes),
    ];
    let (main, active) = (flag(|d| d.is_main), flag(|d| d.active));
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&ids, &owners];
    params.extend(columns.iter().map(|c| c as &(dyn ToSql + Sync)));
    params.extend([&main as &(dyn ToSql + Sync), &active]);
    tx.execute(
        "INSERT INTO person (id, customer_id, name, position, title, decision_role, branch, phone, mobile, email,
         notes, is_main, active, version)
         SELECT u.*, 1 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[], $13::boolean[]) AS u",
        &params,
    )?;
    if !mains.is_empty() {
        // The former main contacts, as each new one's `keep_one_main` would have unmarked them.
        let new_mains: Vec<i64> = ids.iter().zip(rows).filter(|(_, (_, d))| d.is_main).map(|(id, _)| *id).collect();
        let mut unmarked: Vec<(i64, i64)> = tx
            .query(
                "UPDATE person SET is_main = false, version = version + 1
                 WHERE customer_id = ANY($1) AND is_main AND NOT (id = ANY($2)) RETURNING customer_id, id",
                &[&mains, &new_mains],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let order: std::collections::HashMap<i64, usize> =
            rows.iter().enumerate().filter(|(_, (_, d))| d.is_main).map(|(i, (c, _))| (*c, i)).collect();
        unmarked.sort_by_key(|(customer, id)| (order.get(customer).copied(), *id));
        let side = |m: bool| serde_json::json!({ "is_main": m });
        let stamp = now();
        for (_, id) in unmarked {
            crate::storage::trail::record(
                &mut exec(tx),
                audit::PERSON,
                id,
                by,
                Some(&side(true)),
                &side(false),
                &stamp,
            )?;
        }
    }
    Ok(Some(ids))
}
