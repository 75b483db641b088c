//! Users of the office and people at customers, on SQLite.

use rusqlite::{params, params_from_iter, OptionalExtension, Row, ToSql, Transaction};

use super::deals::Lite;
use super::{trail, Sqlite};
use crate::audit::{self, describe};
use crate::error::{Error, Result};
use crate::person::{Person, PersonData};
use crate::storage::{reports, PeopleRows};
use crate::user::{User, UserData, UserRole};

const PERSON_COLUMNS: &str = "id, customer_id, name, position, title, decision_role, branch, phone, mobile,
    email, notes, assistant_of, is_main, active, version";

fn user_from_row(r: &Row) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: r.get(0)?,
        data: UserData {
            name: r.get(1)?,
            initials: r.get(2)?,
            role: UserRole::parse(&role).unwrap_or_default(),
            active: r.get(4)?,
        },
        version: r.get(5)?,
    })
}

fn person_from_row(r: &Row) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        data: PersonData {
            name: r.get(2)?,
            position: r.get(3)?,
            title: r.get(4)?,
            decision_role: r.get(5)?,
            branch: r.get(6)?,
            phone: r.get(7)?,
            mobile: r.get(8)?,
            email: r.get(9)?,
            notes: r.get(10)?,
            assistant_of: r.get(11)?,
            is_main: r.get(12)?,
            active: r.get(13)?,
        },
        version: r.get(14)?,
    })
}

/// The customer must exist, and the person someone assists must work there too.
fn check_person_links(tx: &Transaction, customer_id: i64, d: &PersonData, own_id: Option<i64>) -> Result<()> {
    let exists =
        tx.prepare_cached("SELECT 1 FROM customer WHERE id = ?1")?.query_row([customer_id], |_| Ok(())).optional()?;
    if exists.is_none() {
        return Err(Error::NotFound { entity: "customer", id: customer_id });
    }
    if let Some(boss) = d.assistant_of {
        let same: Option<i64> =
            tx.query_row("SELECT customer_id FROM person WHERE id = ?1", [boss], |r| r.get(0)).optional()?;
        if same != Some(customer_id) || Some(boss) == own_id {
            return Err(Error::invalid("assistant_of", "validation.choice"));
        }
    }
    Ok(())
}

/// At most one main contact per customer: marking one unmarks the others (each change in
/// their history too).
fn keep_one_main(tx: &Transaction, customer_id: i64, main_id: i64, by: Option<i64>) -> Result<()> {
    let others: Vec<i64> = tx
        .prepare_cached("SELECT id FROM person WHERE customer_id = ?1 AND id <> ?2 AND is_main")?
        .query_map([customer_id, main_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in others {
        // A version bump, as on PostgreSQL: an open edit of the former main contact must not
        // silently restore it.
        tx.execute("UPDATE person SET is_main = 0, version = version + 1 WHERE id = ?1", [id])?;
        let side = |m: bool| serde_json::json!({ "is_main": m });
        trail::record(tx, audit::PERSON, id, by, Some(&side(true)), &side(false))?;
    }
    Ok(())
}

/// The editable columns in table order: the middle of every INSERT and UPDATE of a person.
fn person_params(d: &PersonData) -> [&dyn ToSql; 12] {
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

/// The person's row; its change number `change_seq`, or the trigger's when 0.
fn write_person(
    tx: &Transaction,
    id: Option<i64>,
    customer_id: i64,
    d: &PersonData,
    version: i64,
    change_seq: i64,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO person (id, customer_id, name, position, title, decision_role, branch, phone, mobile, email,
         notes, assistant_of, is_main, active, version, change_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params_from_iter(
        [&id as &dyn ToSql, &customer_id]
            .into_iter()
            .chain(person_params(d))
            .chain([&version as &dyn ToSql, &change_seq]),
    ))?;
    Ok(tx.last_insert_rowid())
}

/// A new person inside the caller's transaction, with their history.
pub(super) fn insert_person(tx: &Transaction, customer_id: i64, d: &PersonData, by: Option<i64>) -> Result<i64> {
    check_person_links(tx, customer_id, d, None)?;
    let id = write_person(tx, None, customer_id, d, 1, 0)?;
    trail::record_created(tx, audit::PERSON, id, by)?;
    if d.is_main {
        keep_one_main(tx, customer_id, id, by)?;
    }
    Ok(id)
}

/// A new person of a customer this transaction created, whose people so far (none, or the
/// earlier ones this transaction added) include no main contact: what [`insert_person`] does,
/// without looking up what cannot be there (the customer exists, no one to unmark). Its change
/// number is `change_seq`, taken with [`trail::take_change_numbers`]; its history is the
/// caller's to write, with its bulk's ([`trail::record_created_all`]).
pub(super) fn insert_first_person(tx: &Transaction, customer_id: i64, d: &PersonData, change_seq: i64) -> Result<i64> {
    if d.assistant_of.is_some() {
        check_person_links(tx, customer_id, d, None)?;
    }
    write_person(tx, None, customer_id, d, 1, change_seq)
}

/// Saves over person `id` at `version` inside the caller's transaction.
pub(super) fn update_person_row(
    tx: &Transaction,
    id: i64,
    version: i64,
    d: &PersonData,
    by: Option<i64>,
) -> Result<()> {
    let before = tx
        .query_row(&format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = ?1"), [id], person_from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "person", id })?;
    let customer_id = before.customer_id;
    check_person_links(tx, customer_id, d, Some(id))?;
    let changed = tx.execute(
        "UPDATE person SET name = ?3, position = ?4, title = ?5, decision_role = ?6, branch = ?7, phone = ?8,
                 mobile = ?9, email = ?10, notes = ?11, assistant_of = ?12, is_main = ?13, active = ?14,
                 version = version + 1
                 WHERE id = ?1 AND version = ?2",
        params_from_iter([&id as &dyn ToSql, &version].into_iter().chain(person_params(d))),
    )?;
    check_changed(tx, changed, "person", "person", id)?;
    trail::record(tx, audit::PERSON, id, by, Some(&describe(&before.data)), &describe(d))?;
    // The roles met in this person's contacts follow the role.
    reports::person_role_changed(&mut Lite(tx), id, &before.data.decision_role, &d.decision_role)?;
    if d.is_main {
        keep_one_main(tx, customer_id, id, by)?;
    }
    Ok(())
}

impl PeopleRows for Sqlite {
    fn users(&mut self) -> Result<Vec<User>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, initials, role, active, version FROM app_user ORDER BY name, id")?;
        let rows = stmt.query_map([], user_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn insert_user(&mut self, d: &UserData) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO app_user (name, initials, role, active) VALUES (?1, ?2, ?3, ?4)",
                params![d.name, d.initials, d.role.code(), d.active],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    fn update_user(&mut self, id: i64, version: i64, d: &UserData) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE app_user SET name = ?3, initials = ?4, role = ?5, active = ?6, version = version + 1
                 WHERE id = ?1 AND version = ?2",
                params![id, version, d.name, d.initials, d.role.code(), d.active],
            )?;
            check_changed(tx, changed, "app_user", "user", id)
        })
    }

    fn restore_users(&mut self, rows: &[User]) -> Result<()> {
        self.write(|tx| {
            for u in rows {
                tx.execute(
                    "INSERT INTO app_user (id, name, initials, role, active, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![u.id, u.data.name, u.data.initials, u.data.role.code(), u.data.active, u.version],
                )?;
            }
            Ok(())
        })
    }

    fn people(&mut self, customer_id: i64) -> Result<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person WHERE customer_id = ?1 ORDER BY active DESC, is_main DESC, name, id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([customer_id], person_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn person(&mut self, id: i64) -> Result<Option<Person>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], person_from_row).optional()?)
    }

    fn insert_people(&mut self, rows: &[(i64, PersonData)]) -> Result<Vec<i64>> {
        let by = self.ctx.actor;
        self.write(|tx| rows.iter().map(|(customer_id, d)| insert_person(tx, *customer_id, d, by)).collect())
    }

    fn update_person(&mut self, id: i64, version: i64, d: &PersonData) -> Result<()> {
        let by = self.ctx.actor;
        self.write(|tx| update_person_row(tx, id, version, d, by))
    }

    fn all_people(&mut self) -> Result<Vec<Person>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {PERSON_COLUMNS} FROM person ORDER BY id"))?;
        let rows = stmt.query_map([], person_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_people(&mut self, rows: &[Person]) -> Result<()> {
        self.write(|tx| {
            // Without assistant links first: a person may assist someone copied later.
            for p in rows {
                let d = PersonData { assistant_of: None, ..p.data.clone() };
                write_person(tx, Some(p.id), p.customer_id, &d, p.version, 0)?;
            }
            for p in rows.iter().filter(|p| p.data.assistant_of.is_some()) {
                tx.execute("UPDATE person SET assistant_of = ?2 WHERE id = ?1", params![p.id, p.data.assistant_of])?;
            }
            Ok(())
        })
    }
}

/// After an `UPDATE ... WHERE id = ? AND version = ?`: no row changed means either someone
/// else saved first (`Conflict`) or the row is gone (`NotFound`).
pub(super) fn check_changed(
    tx: &Transaction,
    changed: usize,
    table: &str,
    entity: &'static str,
    id: i64,
) -> Result<()> {
    if changed > 0 {
        return Ok(());
    }
    let exists = tx.query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1"), [id], |_| Ok(())).optional()?;
    Err(if exists.is_some() { Error::Conflict { entity, id } } else { Error::NotFound { entity, id } })
}
