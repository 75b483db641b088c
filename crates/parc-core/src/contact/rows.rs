//! Contact history, corrections and next actions, files kept with contacts, and materials sent
//! regularly: their statements, written once for both stores through [`Exec`]. The agenda and
//! going cold read from here too. The rules are in `contact/mod.rs`.
//!
//! Where the stores differ: PostgreSQL serves several workstations at once, so a write that
//! depends on a row takes that row's lock first (SQLite's write transaction holds the whole
//! file), and `customer.last_contact_at` is kept in step under the customer's row lock: a new
//! contact always takes it (raising the time with `GREATEST`), and a correction takes it before
//! recomputing the newest time, so neither can miss the other's contact.

use std::collections::{BTreeSet, HashMap};

use crate::contact::tallies::{self, ContactFacts};
use crate::contact::{
    AgendaItem, Attachment, ColdCustomer, Contact, ContactData, ContactRevision, HistoryFilter, Material, MaterialData,
    MaterialDue,
};
use crate::ground::error::{Error, Result};
use crate::storage::exec::{Cells, Dialect, Exec, Val};

/// A contact's columns, then the ids of the people met (a JSON list) and its revision count.
fn columns(x: &dyn Exec) -> String {
    let people = match x.dialect() {
        Dialect::Sqlite => "json_group_array(person_id)",
        Dialect::Postgres => "COALESCE(json_agg(person_id), '[]')::text",
    };
    format!(
        "id, customer_id, happened_at, duration_min, user_id, kind, deal_id, stage, agreed,
         docs_received, docs_sent, next_action, next_kind, next_due, next_user_id, next_done_at, next_outcome,
         created_at, created_by, version,
         (SELECT {people} FROM contact_person p WHERE p.contact_id = contact.id),
         (SELECT count(*) FROM contact_revision r WHERE r.contact_id = contact.id)"
    )
}

/// `clause` on PostgreSQL, nothing on SQLite (whose write transaction locks the whole file).
fn row_lock(x: &dyn Exec, clause: &'static str) -> &'static str {
    match x.dialect() {
        Dialect::Sqlite => "",
        Dialect::Postgres => clause,
    }
}

fn contact_from(r: &Cells) -> Result<Contact> {
    let mut person_ids: Vec<i64> = r.json(20)?;
    person_ids.sort_unstable();
    Ok(Contact {
        id: r.int(0)?,
        customer_id: r.int(1)?,
        data: ContactData {
            happened_at: r.text(2)?,
            duration_min: r.int(3)?,
            user_id: r.opt_int(4)?,
            kind: r.text(5)?,
            person_ids,
            deal_id: r.opt_int(6)?,
            stage: r.text(7)?,
            agreed: r.text(8)?,
            docs_received: r.json(9)?,
            docs_sent: r.json(10)?,
            next_action: r.text(11)?,
            next_kind: r.text(12)?,
            next_due: r.opt_text(13)?,
            next_user_id: r.opt_int(14)?,
        },
        next_done_at: r.opt_text(15)?,
        next_outcome: r.text(16)?,
        created_at: r.text(17)?,
        created_by: r.opt_int(18)?,
        version: r.int(19)?,
        revisions: r.int(21)?,
        attachments: Vec::new(),
    })
}

/// A revision from `revised_at, revised_by, previous` starting at column `from`.
fn revision_from(r: &Cells, from: usize) -> Result<ContactRevision> {
    Ok(ContactRevision { revised_at: r.text(from)?, revised_by: r.opt_int(from + 1)?, previous: r.json(from + 2)? })
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("contact data serialises")
}

/// The contact's own columns, in the order of [`CONTACT_WRITTEN`].
fn contact_args(d: &ContactData) -> [Val; 13] {
    [
        (&d.happened_at).into(),
        d.duration_min.into(),
        d.user_id.into(),
        (&d.kind).into(),
        d.deal_id.into(),
        (&d.stage).into(),
        (&d.agreed).into(),
        json(&d.docs_received).into(),
        json(&d.docs_sent).into(),
        (&d.next_action).into(),
        (&d.next_kind).into(),
        (&d.next_due).into(),
        d.next_user_id.into(),
    ]
}

/// `NotFound` when `table` has no row `id`, else `Conflict`: for a write that changed nothing.
fn missing_or_stale(x: &mut dyn Exec, table: &str, entity: &'static str, id: i64) -> Result<Error> {
    let exists = x.row(&format!("SELECT 1 FROM {table} WHERE id = $1"), &[id.into()])?.is_some();
    Ok(if exists { Error::Conflict { entity, id } } else { Error::NotFound { entity, id } })
}

/// `AND column = $n` for `id` (added to `args`), or `none` without one.
fn only(args: &mut Vec<Val>, column: &str, id: Option<i64>, none: &str) -> String {
    match id {
        Some(id) => {
            args.push(id.into());
            format!("AND {column} = ${}", args.len())
        }
        None => none.to_string(),
    }
}

/// `$from, $from+1, …` for `n` values.
fn marks(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The customer must exist and every person met must work there.
fn check_contact_links(x: &mut dyn Exec, customer_id: i64, d: &ContactData) -> Result<()> {
    x.row("SELECT 1 FROM customer WHERE id = $1", &[customer_id.into()])?
        .ok_or(Error::NotFound { entity: "customer", id: customer_id })?;
    if d.person_ids.is_empty() {
        return Ok(());
    }
    // One statement for all the people: as many of them as are distinct must be found there.
    let distinct: BTreeSet<i64> = d.person_ids.iter().copied().collect();
    let mut args: Vec<Val> = vec![customer_id.into()];
    args.extend(distinct.iter().map(|p| Val::Int(*p)));
    let sql = format!("SELECT count(*) FROM person WHERE customer_id = $1 AND id IN ({})", marks(2, distinct.len()));
    let found = x.row(&sql, &args)?.map_or(Ok(0), |r| r.int(0))?;
    if found != distinct.len() as i64 {
        return Err(Error::invalid("person_ids", "validation.choice"));
    }
    Ok(())
}

fn write_people(x: &mut dyn Exec, contact_id: i64, person_ids: &[i64], replace: bool) -> Result<()> {
    if replace {
        x.run("DELETE FROM contact_person WHERE contact_id = $1", &[contact_id.into()])?;
    }
    if person_ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..person_ids.len()).map(|i| format!("($1, ${})", i + 2)).collect();
    let mut args: Vec<Val> = vec![contact_id.into()];
    args.extend(person_ids.iter().map(|p| Val::Int(*p)));
    x.run(&format!("INSERT INTO contact_person (contact_id, person_id) VALUES {}", rows.join(", ")), &args)?;
    Ok(())
}

/// Sets `customer.last_contact_at` to the newest contact's time. On PostgreSQL the row lock
/// comes first, in its own statement, so the time is read from a snapshot that has every
/// committed contact.
fn refresh_last_contact(x: &mut dyn Exec, customer_id: i64) -> Result<()> {
    if x.dialect() == Dialect::Postgres {
        x.row("SELECT 1 FROM customer WHERE id = $1 FOR NO KEY UPDATE", &[customer_id.into()])?;
    }
    x.run(
        "UPDATE customer SET last_contact_at = (SELECT max(happened_at) FROM contact WHERE customer_id = $1)
         WHERE id = $1",
        &[customer_id.into()],
    )?;
    Ok(())
}

/// The columns every INSERT and UPDATE of a contact writes, in table order.
const CONTACT_WRITTEN: &str = "happened_at, duration_min, user_id, kind, deal_id, stage, agreed, docs_received,
    docs_sent, next_action, next_kind, next_due, next_user_id";

/// A contact row as stored: new ones get the next id and version 1, copies keep theirs.
struct ContactMeta<'a> {
    id: Option<i64>,
    created_at: &'a str,
    created_by: Option<i64>,
    next_done_at: Option<&'a str>,
    next_outcome: &'a str,
    version: i64,
}

/// Inserts a contact row and its people (a new or copied row has none yet).
fn insert_row(x: &mut dyn Exec, customer_id: i64, d: &ContactData, m: &ContactMeta) -> Result<i64> {
    let mut args: Vec<Val> = Vec::with_capacity(20);
    args.push(customer_id.into());
    args.extend(contact_args(d));
    args.extend([
        m.next_done_at.map(str::to_string).into(),
        m.next_outcome.into(),
        m.created_at.into(),
        m.created_by.into(),
        m.version.into(),
    ]);
    let id = match m.id {
        Some(id) => {
            args.push(id.into());
            let sql = format!(
                "INSERT INTO contact (customer_id, {CONTACT_WRITTEN}, next_done_at, next_outcome, created_at,
                 created_by, version, id) VALUES ({})",
                marks(1, args.len())
            );
            x.run(&sql, &args)?;
            id
        }
        None => {
            let sql = format!(
                "INSERT INTO contact (customer_id, {CONTACT_WRITTEN}, next_done_at, next_outcome, created_at,
                 created_by, version) VALUES ({}) RETURNING id",
                marks(1, args.len())
            );
            x.row(&sql, &args)?.map(|r| r.int(0)).transpose()?.expect("INSERT … RETURNING gives the id")
        }
    };
    write_people(x, id, &d.person_ids, false)?;
    Ok(id)
}

fn insert_new(x: &mut dyn Exec, customer_id: i64, d: &ContactData, by: Option<i64>, stamp: &str) -> Result<i64> {
    check_contact_links(x, customer_id, d)?;
    let meta =
        ContactMeta { id: None, created_at: stamp, created_by: by, next_done_at: None, next_outcome: "", version: 1 };
    let id = insert_row(x, customer_id, d, &meta)?;
    let sql = match x.dialect() {
        Dialect::Sqlite => {
            "UPDATE customer SET last_contact_at = $2
             WHERE id = $1 AND (last_contact_at IS NULL OR last_contact_at < $2)"
        }
        // Always written (GREATEST ignores a NULL), so the row lock is always taken: see the
        // module comment.
        Dialect::Postgres => "UPDATE customer SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = $1",
    };
    x.run(sql, &[customer_id.into(), (&d.happened_at).into()])?;
    Ok(id)
}

/// Saves contacts `(customer_id, data, by)` made at `stamp` (UTC, RFC 3339) and moves each
/// customer's `last_contact_at` forward. `Validation` on `person_ids` when someone met does not
/// work at the customer; `NotFound` for a missing customer.
pub(crate) fn insert_contacts(
    x: &mut dyn Exec,
    rows: &[(i64, ContactData, Option<i64>)],
    stamp: &str,
) -> Result<Vec<i64>> {
    let ids = rows
        .iter()
        .map(|(customer_id, d, by)| insert_new(x, *customer_id, d, *by, stamp))
        .collect::<Result<Vec<_>>>()?;
    let facts: Vec<ContactFacts> = rows.iter().map(|(c, d, _)| ContactFacts::of(*c, d)).collect();
    tallies::tally_contacts(x, &facts, 1)?;
    Ok(ids)
}

/// Corrects a contact at `version` (else `Conflict`): the previous version is kept as a
/// revision by `by` at `stamp`.
pub(crate) fn update_contact(
    x: &mut dyn Exec,
    id: i64,
    version: i64,
    d: &ContactData,
    by: Option<i64>,
    stamp: &str,
) -> Result<()> {
    // Locked while it is read: the revision keeps exactly the version this replaces.
    let sql = format!("SELECT {} FROM contact WHERE id = $1{}", columns(x), row_lock(x, " FOR NO KEY UPDATE"));
    let current = x
        .row(&sql, &[id.into()])?
        .as_ref()
        .map(contact_from)
        .transpose()?
        .ok_or(Error::NotFound { entity: "contact", id })?;
    if current.version != version {
        return Err(Error::Conflict { entity: "contact", id });
    }
    check_contact_links(x, current.customer_id, d)?;
    x.run(
        "INSERT INTO contact_revision (contact_id, revised_at, revised_by, previous) VALUES ($1, $2, $3, $4)",
        &[id.into(), stamp.into(), by.into(), json(&current.data).into()],
    )?;
    let mut args: Vec<Val> = vec![id.into(), version.into()];
    args.extend(contact_args(d));
    let changed = x.run(
        "UPDATE contact SET happened_at = $3, duration_min = $4, user_id = $5, kind = $6, deal_id = $7,
         stage = $8, agreed = $9, docs_received = $10, docs_sent = $11, next_action = $12, next_kind = $13,
         next_due = $14, next_user_id = $15, version = version + 1
         WHERE id = $1 AND version = $2",
        &args,
    )?;
    if changed == 0 {
        return Err(missing_or_stale(x, "contact", "contact", id)?);
    }
    let before = ContactFacts::of(current.customer_id, &current.data);
    tallies::tally_contacts(x, &[before], -1)?;
    write_people(x, id, &d.person_ids, true)?;
    tallies::tally_contacts(x, &[ContactFacts::of(current.customer_id, d)], 1)?;
    refresh_last_contact(x, current.customer_id)
}

pub(crate) fn contact(x: &mut dyn Exec, id: i64) -> Result<Option<Contact>> {
    let sql = format!("SELECT {} FROM contact WHERE id = $1", columns(x));
    x.row(&sql, &[id.into()])?.as_ref().map(contact_from).transpose()
}

/// A customer's contacts, newest first (`happened_at`, then id), filtered and paged.
pub(crate) fn contact_history(x: &mut dyn Exec, customer_id: i64, f: &HistoryFilter) -> Result<Vec<Contact>> {
    let mut sql = format!("SELECT {} FROM contact WHERE customer_id = $1", columns(x));
    let mut args: Vec<Val> = vec![customer_id.into()];
    if let Some(kind) = &f.kind {
        args.push(kind.into());
        sql.push_str(&format!(" AND kind = ${}", args.len()));
    }
    if let Some(person) = f.person_id {
        args.push(person.into());
        sql.push_str(&format!(" AND id IN (SELECT contact_id FROM contact_person WHERE person_id = ${})", args.len()));
    }
    if let Some(deal) = f.deal_id {
        args.push(deal.into());
        sql.push_str(&format!(" AND deal_id = ${}", args.len()));
    }
    args.push(i64::from(f.limit.unwrap_or(50).clamp(1, 500)).into());
    args.push(i64::from(f.offset).into());
    sql.push_str(&format!(" ORDER BY happened_at DESC, id DESC LIMIT ${} OFFSET ${}", args.len() - 1, args.len()));
    x.rows(&sql, &args)?.iter().map(contact_from).collect()
}

/// The earlier versions of a contact, oldest first.
pub(crate) fn contact_revisions(x: &mut dyn Exec, id: i64) -> Result<Vec<ContactRevision>> {
    let rows = x.rows(
        "SELECT revised_at, revised_by, previous FROM contact_revision WHERE contact_id = $1 ORDER BY id",
        &[id.into()],
    )?;
    rows.iter().map(|r| revision_from(r, 0)).collect::<Result<_>>()
}

/// Open next actions due between `from` and `until` (inclusive, `YYYY-MM-DD…`), of `user_id`
/// or everyone's, of active customers: by due date, then customer name.
pub(crate) fn open_actions(
    x: &mut dyn Exec,
    user_id: Option<i64>,
    from: &str,
    until: &str,
    limit: u32,
) -> Result<Vec<AgendaItem>> {
    let mut args: Vec<Val> = vec![until.into(), from.into(), i64::from(limit).into()];
    let user = only(&mut args, "c.next_user_id", user_id, "");
    let sql = format!(
        "SELECT c.id, c.customer_id, cu.name, c.next_action, c.next_kind, c.next_due, c.next_user_id
         FROM contact c JOIN customer cu ON cu.id = c.customer_id
         WHERE c.next_due IS NOT NULL AND c.next_done_at IS NULL AND c.next_due <= $1 AND c.next_due >= $2 {user}
           AND cu.archived_at IS NULL
         ORDER BY c.next_due, cu.sort_key, c.id LIMIT $3"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(AgendaItem {
                contact_id: r.int(0)?,
                customer_id: r.int(1)?,
                customer_name: r.text(2)?,
                next_action: r.text(3)?,
                next_kind: r.text(4)?,
                next_due: r.text(5)?,
                next_user_id: r.opt_int(6)?,
            })
        })
        .collect()
}

/// Marks the next action of contact `id` done with its outcome, if it is still open (else
/// `Conflict`), and saves `follow_up` as a new contact of the same customer.
pub(crate) fn complete_action(
    x: &mut dyn Exec,
    id: i64,
    outcome: &str,
    follow_up: Option<&ContactData>,
    by: Option<i64>,
    stamp: &str,
) -> Result<Option<i64>> {
    let customer_id = x
        .row("SELECT customer_id FROM contact WHERE id = $1", &[id.into()])?
        .map(|r| r.int(0))
        .transpose()?
        .ok_or(Error::NotFound { entity: "contact", id })?;
    // Two workstations completing it at once on PostgreSQL: the second waits for the first's
    // row lock, then finds the action done and changes nothing.
    let changed = x.run(
        "UPDATE contact SET next_done_at = $2, next_outcome = $3, version = version + 1
         WHERE id = $1 AND next_due IS NOT NULL AND next_done_at IS NULL",
        &[id.into(), stamp.into(), outcome.into()],
    )?;
    if changed == 0 {
        // Already done (on another workstation, perhaps), or there was nothing to do.
        return Err(Error::Conflict { entity: "contact", id });
    }
    let Some(d) = follow_up else { return Ok(None) };
    let new_id = insert_new(x, customer_id, d, by, stamp)?;
    tallies::tally_contacts(x, &[ContactFacts::of(customer_id, d)], 1)?;
    Ok(Some(new_id))
}

/// Active customers of `owner_id` (`None`: of nobody) with no open next action and no contact
/// since `before` (`YYYY-MM-DDTHH:MM`; never contacted counts), longest silent first.
pub(crate) fn going_cold(
    x: &mut dyn Exec,
    owner_id: Option<i64>,
    before: &str,
    limit: u32,
) -> Result<Vec<ColdCustomer>> {
    let mut args: Vec<Val> = vec![before.into(), i64::from(limit).into()];
    // Both walk the (owner_id, last_contact_at) index, for an owner or for nobody. SQLite's
    // `IS` matches NULL too: one statement for both (a literal `IS NULL` made its planner walk
    // every customer on a hundred thousand); PostgreSQL has no `IS $n`.
    let owner = match x.dialect() {
        Dialect::Sqlite => {
            args.push(owner_id.into());
            "AND c.owner_id IS $3".to_string()
        }
        Dialect::Postgres => only(&mut args, "c.owner_id", owner_id, "AND c.owner_id IS NULL"),
    };
    // sort_key is COLLATE "C" on PostgreSQL: names in the same order as SQLite; the id only
    // breaks ties.
    let sql = format!(
        "SELECT c.id, c.name, c.city, c.last_contact_at FROM customer c
         WHERE c.archived_at IS NULL {owner}
           AND (c.last_contact_at IS NULL OR c.last_contact_at < $1)
           AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.customer_id = c.id
                           AND k.next_due IS NOT NULL AND k.next_done_at IS NULL)
         ORDER BY c.last_contact_at NULLS FIRST, c.sort_key, c.id LIMIT $2"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(ColdCustomer {
                customer_id: r.int(0)?,
                name: r.text(1)?,
                city: r.text(2)?,
                last_contact_at: r.opt_text(3)?,
            })
        })
        .collect()
}

/// Every contact with its revisions, by id.
pub(crate) fn all_contacts(x: &mut dyn Exec) -> Result<Vec<(Contact, Vec<ContactRevision>)>> {
    let contacts: Vec<Contact> = x
        .rows(&format!("SELECT {} FROM contact ORDER BY id", columns(x)), &[])?
        .iter()
        .map(contact_from)
        .collect::<Result<_>>()?;
    let mut revisions: HashMap<i64, Vec<ContactRevision>> = HashMap::new();
    x.each(
        "SELECT contact_id, revised_at, revised_by, previous FROM contact_revision ORDER BY contact_id, id",
        &[],
        &mut |r| {
            revisions.entry(r.int(0)?).or_default().push(revision_from(r, 1)?);
            Ok(())
        },
    )?;
    Ok(contacts
        .into_iter()
        .map(|c| {
            let of_c = revisions.remove(&c.id).unwrap_or_default();
            (c, of_c)
        })
        .collect())
}

/// Copies contacts as they are (ids, stamps, versions, revisions) into an empty store; the
/// caller makes new ids follow (`contact`, `contact_revision`).
pub(crate) fn restore_contacts(x: &mut dyn Exec, rows: &[(Contact, Vec<ContactRevision>)]) -> Result<()> {
    for (c, revisions) in rows {
        let meta = ContactMeta {
            id: Some(c.id),
            created_at: &c.created_at,
            created_by: c.created_by,
            next_done_at: c.next_done_at.as_deref(),
            next_outcome: &c.next_outcome,
            version: c.version,
        };
        insert_row(x, c.customer_id, &c.data, &meta)?;
        for r in revisions {
            x.run(
                "INSERT INTO contact_revision (contact_id, revised_at, revised_by, previous) VALUES ($1, $2, $3, $4)",
                &[c.id.into(), (&r.revised_at).into(), r.revised_by.into(), json(&r.previous).into()],
            )?;
        }
    }
    // Every customer's newest contact, writing only the rows that change.
    x.run(
        "UPDATE customer SET last_contact_at =
         (SELECT max(happened_at) FROM contact k WHERE k.customer_id = customer.id)
         WHERE last_contact_at IS DISTINCT FROM
         (SELECT max(happened_at) FROM contact k WHERE k.customer_id = customer.id)",
        &[],
    )?;
    if x.dialect() == Dialect::Postgres {
        // The planner's figures for the tables just filled, before anything reads them.
        for table in ["contact", "contact_person", "contact_revision"] {
            x.run(&format!("ANALYZE {table}"), &[])?;
        }
    }
    Ok(())
}

// --- files kept with contacts ---

const ATTACHMENT_COLUMNS: &str = "id, contact_id, name, size, added_at, added_by";

fn attachment_from(r: &Cells) -> Result<Attachment> {
    Ok(Attachment {
        id: r.int(0)?,
        contact_id: r.int(1)?,
        name: r.text(2)?,
        size: r.int(3)?,
        added_at: r.text(4)?,
        added_by: r.opt_int(5)?,
    })
}

/// Stores a file with contact `contact_id` (`NotFound` when there is no such contact).
pub(crate) fn insert_attachment(
    x: &mut dyn Exec,
    contact_id: i64,
    name: &str,
    data: &[u8],
    by: Option<i64>,
    stamp: &str,
) -> Result<i64> {
    // Locks the contact row on PostgreSQL: it cannot go away before the file is in.
    let sql = format!("SELECT 1 FROM contact WHERE id = $1{}", row_lock(x, " FOR KEY SHARE"));
    x.row(&sql, &[contact_id.into()])?.ok_or(Error::NotFound { entity: "contact", id: contact_id })?;
    let id = x
        .row(
            "INSERT INTO contact_attachment (contact_id, name, size, data, added_at, added_by)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[contact_id.into(), name.into(), (data.len() as i64).into(), data.into(), stamp.into(), by.into()],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .expect("INSERT … RETURNING gives the id");
    Ok(id)
}

/// The files of these contacts (without their bytes), by contact then name.
pub(crate) fn attachments(x: &mut dyn Exec, contact_ids: &[i64]) -> Result<Vec<Attachment>> {
    if contact_ids.is_empty() {
        return Ok(Vec::new());
    }
    // The ids as one JSON parameter: one statement for any number of them.
    let ids = match x.dialect() {
        Dialect::Sqlite => "SELECT value FROM json_each($1)",
        Dialect::Postgres => "SELECT value::bigint FROM json_array_elements_text(CAST($1 AS TEXT)::json)",
    };
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM contact_attachment WHERE contact_id IN ({ids})
         ORDER BY contact_id, name, id"
    );
    x.rows(&sql, &[json(&contact_ids).into()])?.iter().map(attachment_from).collect()
}

pub(crate) fn attachment_data(x: &mut dyn Exec, id: i64) -> Result<Option<(Attachment, Vec<u8>)>> {
    let sql = format!("SELECT {ATTACHMENT_COLUMNS}, data FROM contact_attachment WHERE id = $1");
    x.row(&sql, &[id.into()])?.map(|r| Ok((attachment_from(&r)?, r.bytes(6)?.to_vec()))).transpose()
}

/// Every attachment with its bytes, by id.
pub(crate) fn all_attachments(x: &mut dyn Exec) -> Result<Vec<(Attachment, Vec<u8>)>> {
    let sql = format!("SELECT {ATTACHMENT_COLUMNS}, data FROM contact_attachment ORDER BY id");
    let mut all = Vec::new();
    x.each(&sql, &[], &mut |r| {
        all.push((attachment_from(r)?, r.bytes(6)?.to_vec()));
        Ok(())
    })?;
    Ok(all)
}

/// Copies attachments as they are into an empty store; the caller makes new ids follow.
pub(crate) fn restore_attachments(x: &mut dyn Exec, rows: &[(Attachment, Vec<u8>)]) -> Result<()> {
    for (a, data) in rows {
        x.run(
            "INSERT INTO contact_attachment (id, contact_id, name, size, data, added_at, added_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                a.id.into(),
                a.contact_id.into(),
                (&a.name).into(),
                a.size.into(),
                data.as_slice().into(),
                (&a.added_at).into(),
                a.added_by.into(),
            ],
        )?;
    }
    Ok(())
}

// --- materials sent regularly ---

const MATERIAL_COLUMNS: &str = "id, customer_id, name, every_days, last_sent, version";

fn material_from(r: &Cells) -> Result<Material> {
    Ok(Material {
        id: r.int(0)?,
        customer_id: r.int(1)?,
        data: MaterialData { name: r.text(2)?, every_days: r.int(3)?, last_sent: r.opt_text(4)? },
        version: r.int(5)?,
    })
}

/// The materials sent regularly to a customer, by name (byte order on both stores).
pub(crate) fn materials(x: &mut dyn Exec, customer_id: i64) -> Result<Vec<Material>> {
    let name = match x.dialect() {
        Dialect::Sqlite => "name",
        Dialect::Postgres => "name COLLATE \"C\"",
    };
    let sql = format!("SELECT {MATERIAL_COLUMNS} FROM customer_material WHERE customer_id = $1 ORDER BY {name}, id");
    x.rows(&sql, &[customer_id.into()])?.iter().map(material_from).collect()
}

/// Saves materials `(customer_id, data)`; `NotFound` for a missing customer.
pub(crate) fn insert_materials(x: &mut dyn Exec, rows: &[(i64, MaterialData)]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(rows.len());
    for (customer_id, d) in rows {
        x.row("SELECT 1 FROM customer WHERE id = $1", &[(*customer_id).into()])?
            .ok_or(Error::NotFound { entity: "customer", id: *customer_id })?;
        let id = x
            .row(
                "INSERT INTO customer_material (customer_id, name, every_days, last_sent, due)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[(*customer_id).into(), (&d.name).into(), d.every_days.into(), (&d.last_sent).into(), d.due().into()],
            )?
            .map(|r| r.int(0))
            .transpose()?
            .expect("INSERT … RETURNING gives the id");
        ids.push(id);
    }
    Ok(ids)
}

/// `Conflict` when `version` is stale, `NotFound` when there is no such material.
pub(crate) fn update_material(x: &mut dyn Exec, id: i64, version: i64, d: &MaterialData) -> Result<()> {
    let changed = x.run(
        "UPDATE customer_material SET name = $3, every_days = $4, last_sent = $5, due = $6, version = version + 1
         WHERE id = $1 AND version = $2",
        &[id.into(), version.into(), (&d.name).into(), d.every_days.into(), (&d.last_sent).into(), d.due().into()],
    )?;
    if changed == 0 {
        return Err(missing_or_stale(x, "customer_material", "material", id)?);
    }
    Ok(())
}

/// Returns false when there was no such material.
pub(crate) fn delete_material(x: &mut dyn Exec, id: i64) -> Result<bool> {
    Ok(x.run("DELETE FROM customer_material WHERE id = $1", &[id.into()])? > 0)
}

/// Materials due by `until` of the active customers `owner_id` owns (everyone's for `None`).
pub(crate) fn materials_due(
    x: &mut dyn Exec,
    owner_id: Option<i64>,
    until: &str,
    limit: u32,
) -> Result<Vec<MaterialDue>> {
    let mut args: Vec<Val> = vec![until.into(), i64::from(limit).into()];
    let owner = only(&mut args, "c.owner_id", owner_id, "");
    // CROSS JOIN keeps the due materials the outer loop on SQLite: left to itself, it walks
    // all of the owner's customers (16,000 at 100,000) looking for materials.
    let sql = format!(
        "SELECT m.id, m.customer_id, c.name, m.name, m.last_sent, NULLIF(m.due, '')
         FROM customer_material m CROSS JOIN customer c
         WHERE c.id = m.customer_id AND m.due <= $1 AND c.archived_at IS NULL {owner}
         ORDER BY m.due, c.sort_key, m.id LIMIT $2"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(MaterialDue {
                material_id: r.int(0)?,
                customer_id: r.int(1)?,
                customer_name: r.text(2)?,
                name: r.text(3)?,
                last_sent: r.opt_text(4)?,
                due: r.opt_text(5)?,
            })
        })
        .collect()
}

/// Every material, by id.
pub(crate) fn all_materials(x: &mut dyn Exec) -> Result<Vec<Material>> {
    let sql = format!("SELECT {MATERIAL_COLUMNS} FROM customer_material ORDER BY id");
    x.rows(&sql, &[])?.iter().map(material_from).collect()
}

/// Copies materials as they are into an empty store; the caller makes new ids follow.
pub(crate) fn restore_materials(x: &mut dyn Exec, rows: &[Material]) -> Result<()> {
    for m in rows {
        x.run(
            "INSERT INTO customer_material (id, customer_id, name, every_days, last_sent, version, due)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                m.id.into(),
                m.customer_id.into(),
                (&m.data.name).into(),
                m.data.every_days.into(),
                (&m.data.last_sent).into(),
                m.version.into(),
                m.data.due().into(),
            ],
        )?;
    }
    Ok(())
}
