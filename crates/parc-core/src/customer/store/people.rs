//! People at customers, written once for both stores through
//! [`Exec`]. Names sort byte by byte in both (`COLLATE "C"` on PostgreSQL is SQLite's own
//! order), so both list people in the same order whatever the server's locale. Each function
//! runs inside the one transaction its caller opened; data reaching it is already valid.

use super::role_tally;
use crate::customer::person::{Person, PersonData};
use crate::ground::audit::{self, describe};
use crate::ground::error::{Error, Result};
use crate::storage::exec::{check_changed, Cells, Dialect, Exec, Val};
use crate::storage::now;
use crate::storage::trail;
use crate::Store;

// --- people at customers ---

pub(crate) const PERSON_COLUMNS: &str = "id, customer_id, name, position, title, decision_role, branch, phone, mobile,
    email, notes, assistant_of, is_main, active, version";

pub(crate) fn person_from(r: &Cells) -> Result<Person> {
    Ok(Person {
        id: r.int(0)?,
        customer_id: r.int(1)?,
        data: PersonData {
            name: r.text(2)?,
            position: r.text(3)?,
            title: r.text(4)?,
            decision_role: r.text(5)?,
            branch: r.text(6)?,
            phone: r.text(7)?,
            mobile: r.text(8)?,
            email: r.text(9)?,
            notes: r.text(10)?,
            assistant_of: r.opt_int(11)?,
            is_main: r.boolean(12)?,
            active: r.boolean(13)?,
        },
        version: r.int(14)?,
    })
}

/// The editable columns in table order: the middle of every INSERT and UPDATE of a person.
fn person_args(d: &PersonData) -> [Val; 12] {
    [
        (&d.name).into(),
        (&d.position).into(),
        (&d.title).into(),
        (&d.decision_role).into(),
        (&d.branch).into(),
        (&d.phone).into(),
        (&d.mobile).into(),
        (&d.email).into(),
        (&d.notes).into(),
        d.assistant_of.into(),
        d.is_main.into(),
        d.active.into(),
    ]
}

/// The people of a customer: active first, main contact first, then by name.
pub(crate) fn people(x: &mut dyn Exec, customer_id: i64) -> Result<Vec<Person>> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM person WHERE customer_id = $1 ORDER BY active DESC, is_main DESC, name{}, id",
        x.dialect().bytewise()
    );
    x.rows(&sql, &[customer_id.into()])?.iter().map(person_from).collect()
}

pub(crate) fn person(x: &mut dyn Exec, id: i64) -> Result<Option<Person>> {
    x.row(&format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = $1"), &[id.into()])?
        .as_ref()
        .map(person_from)
        .transpose()
}

/// Every person, by id.
pub(crate) fn all_people(x: &mut dyn Exec) -> Result<Vec<Person>> {
    x.rows(&format!("SELECT {PERSON_COLUMNS} FROM person ORDER BY id"), &[])?.iter().map(person_from).collect()
}

/// The customer must exist, and the person someone assists must work there too. On
/// PostgreSQL marking a person main locks the customer row first, so two workstations doing
/// it at once take turns and the customer keeps one main contact (an SQLite write
/// transaction holds the whole file already).
pub(crate) fn check_person_links(
    x: &mut dyn Exec,
    customer_id: i64,
    d: &PersonData,
    own_id: Option<i64>,
) -> Result<()> {
    let lock = if d.is_main && x.dialect() == Dialect::Postgres { " FOR NO KEY UPDATE" } else { "" };
    if x.row(&format!("SELECT 1 FROM customer WHERE id = $1{lock}"), &[customer_id.into()])?.is_none() {
        return Err(Error::NotFound { entity: "customer", id: customer_id });
    }
    if let Some(boss) = d.assistant_of {
        let same =
            x.row("SELECT customer_id FROM person WHERE id = $1", &[boss.into()])?.map(|r| r.int(0)).transpose()?;
        if same != Some(customer_id) || Some(boss) == own_id {
            return Err(Error::invalid("assistant_of", "validation.choice"));
        }
    }
    Ok(())
}

/// At most one main contact per customer: marking one unmarks the others (each change in
/// their history too), with a version bump: an open edit of the former main contact must not
/// silently restore it.
fn keep_one_main(x: &mut dyn Exec, customer_id: i64, main_id: i64, by: Option<i64>, stamp: &str) -> Result<()> {
    let others = x
        .rows(
            "SELECT id FROM person WHERE customer_id = $1 AND id <> $2 AND is_main ORDER BY id",
            &[customer_id.into(), main_id.into()],
        )?
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<Vec<i64>>>()?;
    let side = |m: bool| serde_json::json!({ "is_main": m });
    for id in others {
        x.run("UPDATE person SET is_main = $2, version = version + 1 WHERE id = $1", &[id.into(), false.into()])?;
        trail::record(x, audit::PERSON, id, by, Some(&side(true)), &side(false), stamp)?;
    }
    Ok(())
}

/// The person's row as stored: new ones (`id` none) get the next id. `change_seq`: its
/// number in SQLite's change clock, taken by a bulk write for all its rows at once; else the
/// insert trigger numbers it.
pub(crate) fn write_person(
    x: &mut dyn Exec,
    id: Option<i64>,
    customer_id: i64,
    d: &PersonData,
    version: i64,
    change_seq: Option<i64>,
) -> Result<i64> {
    let mut args: Vec<Val> = vec![customer_id.into()];
    args.extend(person_args(d));
    args.push(version.into());
    args.extend(id.map(Val::Int));
    args.extend(change_seq.map(Val::Int));
    x.row(insert_sql(id.is_some(), change_seq.is_some()), &args)?.map_or(Ok(0), |r| r.int(0))
}

/// The INSERT of a person, with or without its id and change number: made once, as bulk
/// writes run it for every row.
fn insert_sql(with_id: bool, with_seq: bool) -> &'static str {
    static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = SQL.get_or_init(|| {
        let mut all = Vec::new();
        for with_id in [false, true] {
            for with_seq in [false, true] {
                let mut columns = String::from(
                    "customer_id, name, position, title, decision_role, branch, phone, mobile, email, notes,
                     assistant_of, is_main, active, version",
                );
                let mut values: Vec<String> = (1..=14).map(|i| format!("${i}")).collect();
                for (column, with) in [("id", with_id), ("change_seq", with_seq)] {
                    if with {
                        columns.push_str(", ");
                        columns.push_str(column);
                        values.push(format!("${}", values.len() + 1));
                    }
                }
                all.push(format!("INSERT INTO person ({columns}) VALUES ({}) RETURNING id", values.join(", ")));
            }
        }
        all
    });
    &all[usize::from(with_id) * 2 + usize::from(with_seq)]
}

/// A new person of customer `customer_id`, with their history unless `recorded` is false (a
/// bulk write records all its rows at once): `NotFound` for a missing customer, `Validation`
/// on `assistant_of` when that person is not of the same customer. Marking them main unmarks
/// the others.
pub(crate) fn insert_person(
    x: &mut dyn Exec,
    customer_id: i64,
    d: &PersonData,
    by: Option<i64>,
    recorded: bool,
) -> Result<i64> {
    check_person_links(x, customer_id, d, None)?;
    let id = write_person(x, None, customer_id, d, 1, None)?;
    let stamp = now();
    if recorded {
        trail::record(x, audit::PERSON, id, by, None, &serde_json::Value::Null, &stamp)?;
    }
    if d.is_main {
        keep_one_main(x, customer_id, id, by, &stamp)?;
    }
    Ok(id)
}

/// Saves over person `id` at `version` (`Conflict` when stale, `NotFound` when gone).
pub(crate) fn update_person(x: &mut dyn Exec, id: i64, version: i64, d: &PersonData, by: Option<i64>) -> Result<()> {
    let before = person(x, id)?.ok_or(Error::NotFound { entity: "person", id })?;
    let customer_id = before.customer_id;
    check_person_links(x, customer_id, d, Some(id))?;
    let mut args: Vec<Val> = vec![id.into(), version.into()];
    args.extend(person_args(d));
    let changed = x.run(
        "UPDATE person SET name = $3, position = $4, title = $5, decision_role = $6, branch = $7, phone = $8,
         mobile = $9, email = $10, notes = $11, assistant_of = $12, is_main = $13, active = $14,
         version = version + 1
         WHERE id = $1 AND version = $2",
        &args,
    )?;
    check_changed(x, changed, "person", "person", id)?;
    let stamp = now();
    trail::record(x, audit::PERSON, id, by, Some(&describe(&before.data)), &describe(d), &stamp)?;
    // The roles met in this person's contacts follow the role.
    role_tally::person_role_changed(x, id, &before.data.decision_role, &d.decision_role)?;
    if d.is_main {
        keep_one_main(x, customer_id, id, by, &stamp)?;
    }
    Ok(())
}

/// Copies people as they are (ids, versions) into an empty store; the caller then makes new
/// ids follow them.
pub(crate) fn restore_people(x: &mut dyn Exec, rows: &[Person]) -> Result<()> {
    // Without assistant links first: a person may assist someone copied later.
    for p in rows {
        let d = PersonData { assistant_of: None, ..p.data.clone() };
        write_person(x, Some(p.id), p.customer_id, &d, p.version, None)?;
    }
    for p in rows.iter().filter(|p| p.data.assistant_of.is_some()) {
        x.run("UPDATE person SET assistant_of = $2 WHERE id = $1", &[p.id.into(), p.data.assistant_of.into()])?;
    }
    if x.dialect() == Dialect::Postgres {
        x.run("ANALYZE person", &[])?;
    }
    Ok(())
}

impl Store {
    pub fn people(&mut self, customer_id: i64) -> Result<Vec<Person>> {
        self.read(|x| people(x, customer_id))
    }

    pub fn create_person(&mut self, customer_id: i64, data: PersonData) -> Result<Person> {
        let data = data.validated()?;
        let by = self.actor();
        let id = self.write(|x| insert_person(x, customer_id, &data, by, true))?;
        self.person(id)
    }

    pub fn update_person(&mut self, id: i64, version: i64, data: PersonData) -> Result<Person> {
        let data = data.validated()?;
        let by = self.actor();
        self.write(|x| update_person(x, id, version, &data, by))?;
        self.person(id)
    }

    pub fn person(&mut self, id: i64) -> Result<Person> {
        self.read(|x| person(x, id))?.ok_or(Error::NotFound { entity: "person", id })
    }
}
