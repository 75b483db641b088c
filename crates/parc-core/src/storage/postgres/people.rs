//! Users of the office and people at customers, on PostgreSQL: the behaviour of
//! `sqlite/people.rs` in this dialect. Names sort with `COLLATE "C"`, byte order, as SQLite
//! compares them, so both stores list people in the same order whatever the server's locale.

use postgres::types::ToSql;
use postgres::{Client, GenericClient, Row, ToStatement, Transaction};

use super::deals::exec;
use super::{trail, Postgres};
use crate::audit::{self, describe};
use crate::error::{Error, Result};
use crate::person::{Person, PersonData};
use crate::storage::{reports, PeopleRows};
use crate::user::{User, UserData, UserRole};

const PERSON_COLUMNS: &str = "id, customer_id, name, position, title, decision_role, branch, phone, mobile,
    email, notes, assistant_of, is_main, active, version";

/// Inserts a person as stored: new ones get the next id, copies keep theirs.
pub(super) const INSERT_PERSON_SQL: &str =
    "INSERT INTO person (id, customer_id, name, position, title, decision_role, branch,
     phone, mobile, email, notes, assistant_of, is_main, active, version)
     VALUES (COALESCE($1, nextval(pg_get_serial_sequence('person', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9, $10,
             $11, $12, $13, $14, $15)
     RETURNING id";

fn user_from_row(r: &Row) -> User {
    let role: String = r.get(3);
    User {
        id: r.get(0),
        data: UserData {
            name: r.get(1),
            initials: r.get(2),
            role: UserRole::parse(&role).unwrap_or_default(),
            active: r.get(4),
        },
        version: r.get(5),
    }
}

fn person_from_row(r: &Row) -> Person {
    Person {
        id: r.get(0),
        customer_id: r.get(1),
        data: PersonData {
            name: r.get(2),
            position: r.get(3),
            title: r.get(4),
            decision_role: r.get(5),
            branch: r.get(6),
            phone: r.get(7),
            mobile: r.get(8),
            email: r.get(9),
            notes: r.get(10),
            assistant_of: r.get(11),
            is_main: r.get(12),
            active: r.get(13),
        },
        version: r.get(14),
    }
}

/// Runs `f` in one transaction, committed when it returns `Ok`, rolled back otherwise.
pub(super) fn write<T>(client: &mut Client, f: impl FnOnce(&mut Transaction) -> Result<T>) -> Result<T> {
    let mut tx = client.transaction()?;
    let out = f(&mut tx)?;
    tx.commit()?;
    Ok(out)
}

/// Makes the next id of `table` follow the largest one, after rows were copied with their ids
/// (an empty table starts again at 1).
pub(super) fn follow_ids(client: &mut impl GenericClient, table: &str) -> Result<()> {
    client.execute(
        &format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 0) + 1,
             false)"
        ),
        &[],
    )?;
    Ok(())
}

/// `n` new ids of `table`, in order. The sequence is named once (an init plan): naming it per
/// row with `pg_get_serial_sequence` cost ten times the `nextval` itself.
pub(super) fn next_ids(
    client: &mut impl GenericClient,
    table: &str,
    n: usize,
) -> std::result::Result<Vec<i64>, postgres::Error> {
    let mut ids: Vec<i64> = client
        .query(
            "SELECT nextval((SELECT pg_get_serial_sequence($1, 'id')::regclass)) FROM generate_series(1, $2::int)",
            &[&table, &(n as i32)],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Refreshes the planner's statistics of `table` after a bulk write. Columns with a statistics
/// target of their own (the search columns' 1,000) are sampled apart: in one ANALYZE their
/// 300,000-row sample made every other column's statistics from as many rows, three times the
/// cost.
pub(super) fn analyze(client: &mut impl GenericClient, table: &str) -> Result<()> {
    let row = client.query_one(
        "SELECT string_agg(quote_ident(attname), ', ') FILTER (WHERE coalesce(attstattarget, -1) > 0),
                string_agg(quote_ident(attname), ', ') FILTER (WHERE coalesce(attstattarget, -1) < 0)
         FROM pg_attribute WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped",
        &[&table],
    )?;
    let (own, rest): (Option<String>, Option<String>) = (row.get(0), row.get(1));
    let sql = match (own, rest) {
        (Some(own), Some(rest)) => format!("ANALYZE {table} ({own}); ANALYZE {table} ({rest})"),
        _ => format!("ANALYZE {table}"),
    };
    client.batch_execute(&sql)?;
    Ok(())
}

/// After an `UPDATE ... WHERE id = $1 AND version = $2`: no row changed means either someone
/// else saved first (`Conflict`) or the row is gone (`NotFound`).
pub(super) fn check_changed(
    client: &mut impl GenericClient,
    changed: u64,
    table: &str,
    entity: &'static str,
    id: i64,
) -> Result<()> {
    if changed > 0 {
        return Ok(());
    }
    let exists = client.query_opt(&format!("SELECT 1 FROM {table} WHERE id = $1"), &[&id])?.is_some();
    Err(if exists { Error::Conflict { entity, id } } else { Error::NotFound { entity, id } })
}

/// The customer must exist, and the person someone assists must work there too. Marking a
/// person main locks the customer row first, so two workstations doing it at once take turns
/// and the customer keeps one main contact.
pub(super) fn check_person_links(
    tx: &mut Transaction,
    customer_id: i64,
    d: &PersonData,
    own_id: Option<i64>,
) -> Result<()> {
    let lock = if d.is_main { " FOR NO KEY UPDATE" } else { "" };
    let exists = tx.query_opt(&format!("SELECT 1 FROM customer WHERE id = $1{lock}"), &[&customer_id])?;
    if exists.is_none() {
        return Err(Error::NotFound { entity: "customer", id: customer_id });
    }
    if let Some(boss) = d.assistant_of {
        let same: Option<i64> =
            tx.query_opt("SELECT customer_id FROM person WHERE id = $1", &[&boss])?.map(|r| r.get(0));
        if same != Some(customer_id) || Some(boss) == own_id {
            return Err(Error::invalid("assistant_of", "validation.choice"));
        }
    }
    Ok(())
}

/// At most one main contact per customer: marking one unmarks the others (each change in
/// their history too).
pub(super) fn keep_one_main(tx: &mut Transaction, customer_id: i64, main_id: i64, by: Option<i64>) -> Result<()> {
    let others: Vec<i64> = tx
        .query(
            // A version bump: an open edit of the former main contact must not silently restore it.
            "UPDATE person SET is_main = false, version = version + 1 WHERE customer_id = $1 AND id <> $2 AND is_main
             RETURNING id",
            &[&customer_id, &main_id],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let side = |m: bool| serde_json::json!({ "is_main": m });
    for id in others {
        trail::record(tx, audit::PERSON, id, by, Some(&side(true)), &side(false))?;
    }
    Ok(())
}

/// The editable columns in table order: the middle of every INSERT and UPDATE of a person.
fn person_params(d: &PersonData) -> [&(dyn ToSql + Sync); 12] {
    [
        &d.name,
        &d.position,
        &d.title,
        &d.decision_role,
        &d.branch,
        &d.phone,
        &d.mobile,
        &d.email,
        &d.notes,
        &d.assistant_of,
        &d.is_main,
        &d.active,
    ]
}

/// New people `(customer, data)` inside the caller's transaction, without their creation in
/// the history (the caller records it): in batches when [`insert_many`] can, else row by row.
/// `fresh` tells the customers this transaction created that have no people yet.
pub(super) fn insert_people_rows(
    tx: &mut Transaction,
    rows: &[(i64, PersonData)],
    by: Option<i64>,
    fresh: &dyn Fn(i64) -> bool,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(rows.len());
    for batch in rows.chunks(super::customers::BATCH) {
        match insert_many(tx, batch, by, fresh)? {
            Some(more) => ids.extend(more),
            None => {
                for (customer_id, d) in batch {
                    check_person_links(tx, *customer_id, d, None)?;
                    let id = write_person(tx, INSERT_PERSON_SQL, None, *customer_id, d, 1)?;
                    if d.is_main {
                        keep_one_main(tx, *customer_id, id, by)?;
                    }
                    ids.push(id);
                }
            }
        }
    }
    Ok(ids)
}

/// New people `(customer, data)`, version 1, in a few statements whatever their number: the
/// same checks, rows and main contacts as [`check_person_links`], [`write_person`] and
/// [`keep_one_main`] row by row (the customers of new main contacts locked, their former main
/// contacts unmarked with their history). `None` when only the row-by-row path says what
/// happens: someone assists another person, or one customer gets two main contacts.
/// Customers `fresh` tells (made by this transaction, no people yet) exist, no other
/// transaction sees them and they have no main contact to unmark: they are neither looked up
/// nor locked.
pub(super) fn insert_many(
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
        for (_, id) in unmarked {
            trail::record(tx, audit::PERSON, id, by, Some(&side(true)), &side(false))?;
        }
    }
    Ok(Some(ids))
}

pub(super) fn write_person<S: ToStatement + ?Sized>(
    tx: &mut Transaction,
    stmt: &S,
    id: Option<i64>,
    customer_id: i64,
    d: &PersonData,
    version: i64,
) -> Result<i64> {
    let params: Vec<&(dyn ToSql + Sync)> = [&id as &(dyn ToSql + Sync), &customer_id]
        .into_iter()
        .chain(person_params(d))
        .chain([&version as &(dyn ToSql + Sync)])
        .collect();
    Ok(tx.query_one(stmt, &params)?.get(0))
}

/// Saves over person `id` at `version` inside the caller's transaction.
pub(super) fn update_person_row(
    tx: &mut Transaction,
    id: i64,
    version: i64,
    d: &PersonData,
    by: Option<i64>,
) -> Result<()> {
    let before = tx
        .query_opt(&format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = $1"), &[&id])?
        .as_ref()
        .map(person_from_row)
        .ok_or(Error::NotFound { entity: "person", id })?;
    let customer_id = before.customer_id;
    check_person_links(tx, customer_id, d, Some(id))?;
    let changed = tx.execute(
        "UPDATE person SET name = $3, position = $4, title = $5, decision_role = $6, branch = $7, phone = $8,
                 mobile = $9, email = $10, notes = $11, assistant_of = $12, is_main = $13, active = $14,
                 version = version + 1
                 WHERE id = $1 AND version = $2",
        &[&id as &(dyn ToSql + Sync), &version].into_iter().chain(person_params(d)).collect::<Vec<_>>(),
    )?;
    check_changed(tx, changed, "person", "person", id)?;
    trail::record(tx, audit::PERSON, id, by, Some(&describe(&before.data)), &describe(d))?;
    // The roles met in this person's contacts follow the role.
    reports::person_role_changed(&mut exec(tx), id, &before.data.decision_role, &d.decision_role)?;
    if d.is_main {
        keep_one_main(tx, customer_id, id, by)?;
    }
    Ok(())
}

impl PeopleRows for Postgres {
    fn users(&mut self) -> Result<Vec<User>> {
        let rows = self.client.query(
            "SELECT id, name, initials, role, active, version FROM app_user ORDER BY name COLLATE \"C\", id",
            &[],
        )?;
        Ok(rows.iter().map(user_from_row).collect())
    }

    fn insert_user(&mut self, d: &UserData) -> Result<i64> {
        self.write(|tx| {
            let row = tx.query_one(
                "INSERT INTO app_user (name, initials, role, active) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&d.name, &d.initials, &d.role.code(), &d.active],
            )?;
            Ok(row.get(0))
        })
    }

    fn update_user(&mut self, id: i64, version: i64, d: &UserData) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE app_user SET name = $3, initials = $4, role = $5, active = $6, version = version + 1
                 WHERE id = $1 AND version = $2",
                &[&id, &version, &d.name, &d.initials, &d.role.code(), &d.active],
            )?;
            check_changed(tx, changed, "app_user", "user", id)
        })
    }

    fn restore_users(&mut self, rows: &[User]) -> Result<()> {
        self.write(|tx| {
            let stmt = tx.prepare(
                "INSERT INTO app_user (id, name, initials, role, active, version) VALUES ($1, $2, $3, $4, $5, $6)",
            )?;
            for u in rows {
                tx.execute(
                    &stmt,
                    &[&u.id, &u.data.name, &u.data.initials, &u.data.role.code(), &u.data.active, &u.version],
                )?;
            }
            // New users continue after the copied ids.
            follow_ids(tx, "app_user")
        })
    }

    fn people(&mut self, customer_id: i64) -> Result<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person WHERE customer_id = $1
             ORDER BY active DESC, is_main DESC, name COLLATE \"C\", id"
        );
        Ok(self.client.query(&sql, &[&customer_id])?.iter().map(person_from_row).collect())
    }

    fn person(&mut self, id: i64) -> Result<Option<Person>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = $1");
        Ok(self.client.query_opt(&sql, &[&id])?.as_ref().map(person_from_row))
    }

    fn insert_people(&mut self, rows: &[(i64, PersonData)]) -> Result<Vec<i64>> {
        let by = self.ctx.actor;
        self.write(|tx| {
            let ids = insert_people_rows(tx, rows, by, &|_| false)?;
            trail::record_created(tx, audit::PERSON, &ids, by)?;
            Ok(ids)
        })
    }

    fn update_person(&mut self, id: i64, version: i64, d: &PersonData) -> Result<()> {
        let by = self.ctx.actor;
        self.write(|tx| update_person_row(tx, id, version, d, by))
    }

    fn all_people(&mut self) -> Result<Vec<Person>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM person ORDER BY id");
        Ok(self.client.query(&sql, &[])?.iter().map(person_from_row).collect())
    }

    fn restore_people(&mut self, rows: &[Person]) -> Result<()> {
        self.write(|tx| {
            // Without assistant links first: a person may assist someone copied later.
            let stmt = tx.prepare(INSERT_PERSON_SQL)?;
            for p in rows {
                let d = PersonData { assistant_of: None, ..p.data.clone() };
                write_person(tx, &stmt, Some(p.id), p.customer_id, &d, p.version)?;
            }
            let link = tx.prepare("UPDATE person SET assistant_of = $2 WHERE id = $1")?;
            for p in rows.iter().filter(|p| p.data.assistant_of.is_some()) {
                tx.execute(&link, &[&p.id, &p.data.assistant_of])?;
            }
            tx.batch_execute("ANALYZE person")?;
            // New people continue after the copied ids.
            follow_ids(tx, "person")
        })
    }
}
