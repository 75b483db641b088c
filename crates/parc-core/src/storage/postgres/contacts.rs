//! Contact history, corrections and next actions, on PostgreSQL: the behaviour of
//! `sqlite/contacts.rs` in this dialect. Document lists are JSON text, as in SQLite.
//!
//! Several workstations write at once here, so `customer.last_contact_at` is kept in step
//! under the customer's row lock: a new contact always takes it (raising the time with
//! `GREATEST`), and a correction takes it before recomputing the newest time, so neither can
//! miss the other's contact.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{IsolationLevel, Row, ToStatement, Transaction};

use super::deals::exec;
use super::people::{check_changed, follow_ids};
use super::Postgres;
use crate::contact::{
    AgendaItem, Attachment, ColdCustomer, Contact, ContactData, ContactRevision, HistoryFilter, Material, MaterialData,
    MaterialDue,
};
use crate::error::{Error, Result};
use crate::storage::reports::{self, ContactFacts};
use crate::storage::ContactRows;

const COLUMNS: &str = "id, customer_id, happened_at, duration_min, user_id, kind, deal_id, stage, agreed,
    docs_received, docs_sent, next_action, next_kind, next_due, next_user_id, next_done_at, next_outcome,
    created_at, created_by, version,
    ARRAY(SELECT person_id FROM contact_person p WHERE p.contact_id = contact.id ORDER BY person_id),
    (SELECT count(*) FROM contact_revision r WHERE r.contact_id = contact.id)";

/// Inserts a contact as stored: new ones get the next id, copies keep theirs.
const INSERT_SQL: &str = "INSERT INTO contact (id, customer_id, happened_at, duration_min, user_id, kind, deal_id,
     stage, agreed, docs_received, docs_sent, next_action, next_kind, next_due, next_user_id, next_done_at,
     next_outcome, created_at, created_by, version)
     VALUES (COALESCE($1, nextval(pg_get_serial_sequence('contact', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9, $10,
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     RETURNING id";

const INSERT_REVISION_SQL: &str =
    "INSERT INTO contact_revision (contact_id, revised_at, revised_by, previous) VALUES ($1, $2, $3, $4)";

fn json_list<T: serde::de::DeserializeOwned>(text: String) -> Vec<T> {
    serde_json::from_str(&text).unwrap_or_default()
}

fn contact_from_row(r: &Row) -> Contact {
    Contact {
        id: r.get(0),
        customer_id: r.get(1),
        data: ContactData {
            happened_at: r.get(2),
            duration_min: r.get(3),
            user_id: r.get(4),
            kind: r.get(5),
            person_ids: r.get(20),
            deal_id: r.get(6),
            stage: r.get(7),
            agreed: r.get(8),
            docs_received: json_list(r.get(9)),
            docs_sent: json_list(r.get(10)),
            next_action: r.get(11),
            next_kind: r.get(12),
            next_due: r.get(13),
            next_user_id: r.get(14),
        },
        next_done_at: r.get(15),
        next_outcome: r.get(16),
        created_at: r.get(17),
        created_by: r.get(18),
        version: r.get(19),
        revisions: r.get(21),
        attachments: Vec::new(),
    }
}

fn agenda_item_from_row(r: &Row) -> AgendaItem {
    AgendaItem {
        contact_id: r.get(0),
        customer_id: r.get(1),
        customer_name: r.get(2),
        next_action: r.get(3),
        next_kind: r.get(4),
        next_due: r.get(5),
        next_user_id: r.get(6),
    }
}

/// A revision from `revised_at, revised_by, previous` starting at column `from`.
fn revision_from_row(r: &Row, from: usize) -> ContactRevision {
    ContactRevision {
        revised_at: r.get(from),
        revised_by: r.get(from + 1),
        previous: serde_json::from_str(r.get(from + 2)).unwrap_or_default(),
    }
}

fn material_from_row(r: &Row) -> Material {
    Material {
        id: r.get(0),
        customer_id: r.get(1),
        data: MaterialData { name: r.get(2), every_days: r.get(3), last_sent: r.get(4) },
        version: r.get(5),
    }
}

fn to_json(list: &[String]) -> String {
    serde_json::to_string(list).expect("strings serialise")
}

const CUSTOMER_EXISTS_SQL: &str = "SELECT 1 FROM customer WHERE id = $1";
/// A person met who does not work at the customer, if any.
const STRANGERS_SQL: &str = "SELECT 1 FROM unnest($1::bigint[]) AS m(person_id)
     WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id = m.person_id AND p.customer_id = $2)
     LIMIT 1";
const PEOPLE_SQL: &str = "INSERT INTO contact_person (contact_id, person_id) SELECT $1, unnest($2::bigint[])";

/// The customer must exist and every person met must work there.
fn check_contact_links(tx: &mut Transaction, customer_id: i64, d: &ContactData) -> Result<()> {
    if tx.query_opt(CUSTOMER_EXISTS_SQL, &[&customer_id])?.is_none() {
        return Err(Error::NotFound { entity: "customer", id: customer_id });
    }
    if d.person_ids.is_empty() {
        return Ok(());
    }
    let stranger = tx.query_opt(STRANGERS_SQL, &[&d.person_ids, &customer_id])?;
    if stranger.is_some() {
        return Err(Error::invalid("person_ids", "validation.choice"));
    }
    Ok(())
}

fn write_people(tx: &mut Transaction, contact_id: i64, person_ids: &[i64]) -> Result<()> {
    tx.execute("DELETE FROM contact_person WHERE contact_id = $1", &[&contact_id])?;
    if !person_ids.is_empty() {
        tx.execute(PEOPLE_SQL, &[&contact_id, &person_ids])?;
    }
    Ok(())
}

/// Sets `customer.last_contact_at` to the newest contact's time. The row lock comes first, in
/// its own statement, so the time is read from a snapshot that has every committed contact.
fn refresh_last_contact(tx: &mut Transaction, customer_id: i64) -> Result<()> {
    tx.execute("SELECT 1 FROM customer WHERE id = $1 FOR NO KEY UPDATE", &[&customer_id])?;
    tx.execute(
        "UPDATE customer SET last_contact_at = (SELECT max(happened_at) FROM contact WHERE customer_id = $1)
         WHERE id = $1",
        &[&customer_id],
    )?;
    Ok(())
}

/// A contact row as stored: new ones get the next id and version 1, copies keep theirs.
struct ContactMeta<'a> {
    id: Option<i64>,
    created_at: &'a str,
    created_by: Option<i64>,
    next_done_at: Option<&'a str>,
    next_outcome: &'a str,
    version: i64,
}

/// The contact's own columns in table order: the middle of every INSERT and UPDATE of a
/// contact (`docs` is the two document lists as JSON).
fn contact_params<'a>(d: &'a ContactData, docs: &'a (String, String)) -> [&'a (dyn ToSql + Sync); 13] {
    [
        &d.happened_at,
        &d.duration_min,
        &d.user_id,
        &d.kind,
        &d.deal_id,
        &d.stage,
        &d.agreed,
        &docs.0,
        &docs.1,
        &d.next_action,
        &d.next_kind,
        &d.next_due,
        &d.next_user_id,
    ]
}

/// Inserts a contact row and its people (a new or copied row has none yet).
fn insert_row<S: ToStatement + ?Sized, P: ToStatement + ?Sized>(
    tx: &mut Transaction,
    stmt: &S,
    people: &P,
    customer_id: i64,
    d: &ContactData,
    m: &ContactMeta,
) -> Result<i64> {
    let docs = (to_json(&d.docs_received), to_json(&d.docs_sent));
    let params: Vec<&(dyn ToSql + Sync)> = [&m.id as &(dyn ToSql + Sync), &customer_id]
        .into_iter()
        .chain(contact_params(d, &docs))
        .chain([&m.next_done_at as &(dyn ToSql + Sync), &m.next_outcome, &m.created_at, &m.created_by, &m.version])
        .collect();
    let id: i64 = tx.query_one(stmt, &params)?.get(0);
    if !d.person_ids.is_empty() {
        tx.execute(people, &[&id, &d.person_ids])?;
    }
    Ok(id)
}

fn insert_new(tx: &mut Transaction, customer_id: i64, d: &ContactData, by: Option<i64>, stamp: &str) -> Result<i64> {
    NewContactStatements::prepare(tx)?.insert(tx, customer_id, d, by, stamp)
}

/// The statements a batch of new contacts runs for every row, prepared once per batch: one
/// round trip per statement instead of two (a 100,000-customer demo has a million contacts).
struct NewContactStatements {
    customer_exists: postgres::Statement,
    strangers: postgres::Statement,
    insert: postgres::Statement,
    people: postgres::Statement,
    last_contact: postgres::Statement,
}

impl NewContactStatements {
    fn prepare(tx: &mut Transaction) -> Result<Self> {
        Ok(NewContactStatements {
            customer_exists: tx.prepare(CUSTOMER_EXISTS_SQL)?,
            strangers: tx.prepare(STRANGERS_SQL)?,
            insert: tx.prepare(INSERT_SQL)?,
            people: tx.prepare(PEOPLE_SQL)?,
            // Always written (GREATEST ignores a NULL), so the row lock is always taken: see
            // refresh_last_contact.
            last_contact: tx
                .prepare("UPDATE customer SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = $1")?,
        })
    }

    fn insert(
        &self,
        tx: &mut Transaction,
        customer_id: i64,
        d: &ContactData,
        by: Option<i64>,
        stamp: &str,
    ) -> Result<i64> {
        if tx.query_opt(&self.customer_exists, &[&customer_id])?.is_none() {
            return Err(Error::NotFound { entity: "customer", id: customer_id });
        }
        if !d.person_ids.is_empty() && tx.query_opt(&self.strangers, &[&d.person_ids, &customer_id])?.is_some() {
            return Err(Error::invalid("person_ids", "validation.choice"));
        }
        let meta = ContactMeta {
            id: None,
            created_at: stamp,
            created_by: by,
            next_done_at: None,
            next_outcome: "",
            version: 1,
        };
        let id = insert_row(tx, &self.insert, &self.people, customer_id, d, &meta)?;
        tx.execute(&self.last_contact, &[&customer_id, &d.happened_at])?;
        Ok(id)
    }
}

impl ContactRows for Postgres {
    fn insert_contacts(&mut self, rows: &[(i64, ContactData, Option<i64>)], stamp: &str) -> Result<Vec<i64>> {
        self.write(|tx| {
            let stmts = NewContactStatements::prepare(tx)?;
            let ids = rows
                .iter()
                .map(|(customer_id, d, by)| stmts.insert(tx, *customer_id, d, *by, stamp))
                .collect::<Result<Vec<_>>>()?;
            let facts: Vec<ContactFacts> = rows.iter().map(|(c, d, _)| ContactFacts::of(*c, d)).collect();
            reports::tally_contacts(&mut exec(tx), &facts, 1)?;
            Ok(ids)
        })
    }

    fn update_contact(&mut self, id: i64, version: i64, d: &ContactData, by: Option<i64>, stamp: &str) -> Result<()> {
        self.write(|tx| {
            // Locked while it is read: the revision keeps exactly the version this replaces.
            let sql = format!("SELECT {COLUMNS} FROM contact WHERE id = $1 FOR NO KEY UPDATE");
            let current = tx
                .query_opt(&sql, &[&id])?
                .as_ref()
                .map(contact_from_row)
                .ok_or(Error::NotFound { entity: "contact", id })?;
            if current.version != version {
                return Err(Error::Conflict { entity: "contact", id });
            }
            check_contact_links(tx, current.customer_id, d)?;
            let previous = serde_json::to_string(&current.data).expect("contact serialises");
            tx.execute(INSERT_REVISION_SQL, &[&id, &stamp, &by, &previous])?;
            let docs = (to_json(&d.docs_received), to_json(&d.docs_sent));
            let changed = tx.execute(
                "UPDATE contact SET happened_at = $3, duration_min = $4, user_id = $5, kind = $6, deal_id = $7,
                 stage = $8, agreed = $9, docs_received = $10, docs_sent = $11, next_action = $12, next_kind = $13,
                 next_due = $14, next_user_id = $15, version = version + 1
                 WHERE id = $1 AND version = $2",
                &[&id as &(dyn ToSql + Sync), &version].into_iter().chain(contact_params(d, &docs)).collect::<Vec<_>>(),
            )?;
            check_changed(tx, changed, "contact", "contact", id)?;
            let before = ContactFacts::of(current.customer_id, &current.data);
            reports::tally_contacts(&mut exec(tx), &[before], -1)?;
            write_people(tx, id, &d.person_ids)?;
            reports::tally_contacts(&mut exec(tx), &[ContactFacts::of(current.customer_id, d)], 1)?;
            refresh_last_contact(tx, current.customer_id)
        })
    }

    fn contact(&mut self, id: i64) -> Result<Option<Contact>> {
        let sql = format!("SELECT {COLUMNS} FROM contact WHERE id = $1");
        Ok(self.client.query_opt(&sql, &[&id])?.as_ref().map(contact_from_row))
    }

    fn contact_history(&mut self, customer_id: i64, f: &HistoryFilter) -> Result<Vec<Contact>> {
        let limit = i64::from(f.limit.unwrap_or(50).clamp(1, 500));
        let offset = i64::from(f.offset);
        let mut sql = format!("SELECT {COLUMNS} FROM contact WHERE customer_id = $1");
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&customer_id];
        if let Some(kind) = &f.kind {
            params.push(kind);
            sql.push_str(&format!(" AND kind = ${}", params.len()));
        }
        if let Some(person) = &f.person_id {
            params.push(person);
            sql.push_str(&format!(
                " AND id IN (SELECT contact_id FROM contact_person WHERE person_id = ${})",
                params.len()
            ));
        }
        if let Some(deal) = &f.deal_id {
            params.push(deal);
            sql.push_str(&format!(" AND deal_id = ${}", params.len()));
        }
        params.push(&limit);
        params.push(&offset);
        sql.push_str(&format!(
            " ORDER BY happened_at DESC, id DESC LIMIT ${} OFFSET ${}",
            params.len() - 1,
            params.len()
        ));
        Ok(self.client.query(&sql, &params)?.iter().map(contact_from_row).collect())
    }

    fn contact_revisions(&mut self, id: i64) -> Result<Vec<ContactRevision>> {
        let rows = self.client.query(
            "SELECT revised_at, revised_by, previous FROM contact_revision WHERE contact_id = $1 ORDER BY id",
            &[&id],
        )?;
        Ok(rows.iter().map(|r| revision_from_row(r, 0)).collect())
    }

    fn open_actions(&mut self, user_id: Option<i64>, from: &str, until: &str, limit: u32) -> Result<Vec<AgendaItem>> {
        let limit = i64::from(limit);
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&until, &from, &limit];
        let user = match &user_id {
            Some(user) => {
                params.push(user);
                "AND c.next_user_id = $4"
            }
            None => "",
        };
        let sql = format!(
            "SELECT c.id, c.customer_id, cu.name, c.next_action, c.next_kind, c.next_due, c.next_user_id
             FROM contact c JOIN customer cu ON cu.id = c.customer_id
             WHERE c.next_due IS NOT NULL AND c.next_done_at IS NULL AND c.next_due <= $1 AND c.next_due >= $2 {user}
               AND cu.archived_at IS NULL
             ORDER BY c.next_due, cu.sort_key, c.id LIMIT $3"
        );
        Ok(self.client.query(&sql, &params)?.iter().map(agenda_item_from_row).collect())
    }

    fn complete_action(
        &mut self,
        id: i64,
        outcome: &str,
        follow_up: Option<&ContactData>,
        by: Option<i64>,
        stamp: &str,
    ) -> Result<Option<i64>> {
        self.write(|tx| {
            let customer_id: i64 = tx
                .query_opt("SELECT customer_id FROM contact WHERE id = $1", &[&id])?
                .ok_or(Error::NotFound { entity: "contact", id })?
                .get(0);
            // Two workstations completing it at once: the second waits for the first's row lock,
            // then finds the action done and changes nothing.
            let changed = tx.execute(
                "UPDATE contact SET next_done_at = $2, next_outcome = $3, version = version + 1
                 WHERE id = $1 AND next_due IS NOT NULL AND next_done_at IS NULL",
                &[&id, &stamp, &outcome],
            )?;
            if changed == 0 {
                // Already done (on another workstation, perhaps), or there was nothing to do.
                return Err(Error::Conflict { entity: "contact", id });
            }
            let Some(d) = follow_up else { return Ok(None) };
            let new_id = insert_new(tx, customer_id, d, by, stamp)?;
            reports::tally_contacts(&mut exec(tx), &[ContactFacts::of(customer_id, d)], 1)?;
            Ok(Some(new_id))
        })
    }

    fn going_cold(&mut self, owner_id: Option<i64>, before: &str, limit: u32) -> Result<Vec<ColdCustomer>> {
        let limit = i64::from(limit);
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&before, &limit];
        let owner = match &owner_id {
            Some(owner) => {
                params.push(owner);
                "AND c.owner_id = $3"
            }
            None => "AND c.owner_id IS NULL",
        };
        // sort_key is COLLATE "C": names in the same order as SQLite; the id only breaks ties.
        let sql = format!(
            "SELECT c.id, c.name, c.city, c.last_contact_at FROM customer c
             WHERE c.archived_at IS NULL {owner}
               AND (c.last_contact_at IS NULL OR c.last_contact_at < $1)
               AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.customer_id = c.id
                               AND k.next_due IS NOT NULL AND k.next_done_at IS NULL)
             ORDER BY c.last_contact_at NULLS FIRST, c.sort_key, c.id LIMIT $2"
        );
        let rows = self.client.query(&sql, &params)?;
        Ok(rows
            .iter()
            .map(|r| ColdCustomer { customer_id: r.get(0), name: r.get(1), city: r.get(2), last_contact_at: r.get(3) })
            .collect())
    }

    fn all_contacts(&mut self) -> Result<Vec<(Contact, Vec<ContactRevision>)>> {
        // One snapshot for both reads: a contact corrected meanwhile cannot come out half-copied.
        let mut tx =
            self.client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()?;
        let contacts: Vec<Contact> = tx
            .query(&format!("SELECT {COLUMNS} FROM contact ORDER BY id"), &[])?
            .iter()
            .map(contact_from_row)
            .collect();
        let mut revisions: HashMap<i64, Vec<ContactRevision>> = HashMap::new();
        for r in tx.query(
            "SELECT contact_id, revised_at, revised_by, previous FROM contact_revision ORDER BY contact_id, id",
            &[],
        )? {
            revisions.entry(r.get(0)).or_default().push(revision_from_row(&r, 1));
        }
        tx.commit()?;
        Ok(contacts
            .into_iter()
            .map(|c| {
                let of_c = revisions.remove(&c.id).unwrap_or_default();
                (c, of_c)
            })
            .collect())
    }

    fn restore_contacts(&mut self, rows: &[(Contact, Vec<ContactRevision>)]) -> Result<()> {
        self.write(|tx| {
            let insert = tx.prepare(INSERT_SQL)?;
            let revision = tx.prepare(INSERT_REVISION_SQL)?;
            for (c, revisions) in rows {
                let meta = ContactMeta {
                    id: Some(c.id),
                    created_at: &c.created_at,
                    created_by: c.created_by,
                    next_done_at: c.next_done_at.as_deref(),
                    next_outcome: &c.next_outcome,
                    version: c.version,
                };
                insert_row(tx, &insert, PEOPLE_SQL, c.customer_id, &c.data, &meta)?;
                for r in revisions {
                    let previous = serde_json::to_string(&r.previous).expect("serialises");
                    tx.execute(&revision, &[&c.id, &r.revised_at, &r.revised_by, &previous])?;
                }
            }
            // Every customer's newest contact, writing only the rows that change.
            tx.execute(
                "UPDATE customer c SET last_contact_at = m.newest
                 FROM (SELECT cu.id, (SELECT max(happened_at) FROM contact k WHERE k.customer_id = cu.id) AS newest
                       FROM customer cu) m
                 WHERE m.id = c.id AND c.last_contact_at IS DISTINCT FROM m.newest",
                &[],
            )?;
            tx.batch_execute("ANALYZE contact; ANALYZE contact_person; ANALYZE contact_revision")?;
            // New contacts and revisions continue after the copied ids.
            follow_ids(tx, "contact")?;
            follow_ids(tx, "contact_revision")
        })
    }

    fn materials(&mut self, customer_id: i64) -> Result<Vec<Material>> {
        let rows = self.client.query(
            "SELECT id, customer_id, name, every_days, last_sent, version FROM customer_material
             WHERE customer_id = $1 ORDER BY name COLLATE \"C\", id",
            &[&customer_id],
        )?;
        Ok(rows.iter().map(material_from_row).collect())
    }

    fn insert_materials(&mut self, rows: &[(i64, MaterialData)]) -> Result<Vec<i64>> {
        self.write(|tx| {
            let exists = tx.prepare("SELECT 1 FROM customer WHERE id = $1")?;
            let insert = tx.prepare(
                "INSERT INTO customer_material (customer_id, name, every_days, last_sent, due)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )?;
            let mut ids = Vec::with_capacity(rows.len());
            for (customer_id, d) in rows {
                if tx.query_opt(&exists, &[customer_id])?.is_none() {
                    return Err(Error::NotFound { entity: "customer", id: *customer_id });
                }
                ids.push(tx.query_one(&insert, &[customer_id, &d.name, &d.every_days, &d.last_sent, &d.due()])?.get(0));
            }
            Ok(ids)
        })
    }

    fn update_material(&mut self, id: i64, version: i64, d: &MaterialData) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE customer_material SET name = $3, every_days = $4, last_sent = $5, due = $6,
                 version = version + 1
                 WHERE id = $1 AND version = $2",
                &[&id, &version, &d.name, &d.every_days, &d.last_sent, &d.due()],
            )?;
            check_changed(tx, changed, "customer_material", "material", id)
        })
    }

    fn delete_material(&mut self, id: i64) -> Result<bool> {
        Ok(self.client.execute("DELETE FROM customer_material WHERE id = $1", &[&id])? > 0)
    }

    fn materials_due(&mut self, owner_id: Option<i64>, until: &str, limit: u32) -> Result<Vec<MaterialDue>> {
        let limit = i64::from(limit);
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&until, &limit];
        let owner = match &owner_id {
            Some(owner) => {
                params.push(owner);
                "AND c.owner_id = $3"
            }
            None => "",
        };
        let sql = format!(
            "SELECT m.id, m.customer_id, c.name, m.name, m.last_sent, NULLIF(m.due, '')
             FROM customer_material m JOIN customer c ON c.id = m.customer_id
             WHERE m.due <= $1 AND c.archived_at IS NULL {owner}
             ORDER BY m.due, c.sort_key, m.id LIMIT $2"
        );
        let rows = self.client.query(&sql, &params)?;
        Ok(rows
            .iter()
            .map(|r| MaterialDue {
                material_id: r.get(0),
                customer_id: r.get(1),
                customer_name: r.get(2),
                name: r.get(3),
                last_sent: r.get(4),
                due: r.get(5),
            })
            .collect())
    }

    fn all_materials(&mut self) -> Result<Vec<Material>> {
        let rows = self.client.query(
            "SELECT id, customer_id, name, every_days, last_sent, version FROM customer_material ORDER BY id",
            &[],
        )?;
        Ok(rows.iter().map(material_from_row).collect())
    }

    fn restore_materials(&mut self, rows: &[Material]) -> Result<()> {
        self.write(|tx| {
            for m in rows {
                tx.execute(
                    "INSERT INTO customer_material (id, customer_id, name, every_days, last_sent, version, due)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    &[
                        &m.id,
                        &m.customer_id,
                        &m.data.name,
                        &m.data.every_days,
                        &m.data.last_sent,
                        &m.version,
                        &m.data.due(),
                    ],
                )?;
            }
            follow_ids(tx, "customer_material")
        })
    }

    fn insert_attachment(
        &mut self,
        contact_id: i64,
        name: &str,
        data: &[u8],
        by: Option<i64>,
        stamp: &str,
    ) -> Result<i64> {
        self.write(|tx| {
            // Locks the contact row: it cannot go away before the file is in.
            tx.query_opt("SELECT 1 FROM contact WHERE id = $1 FOR KEY SHARE", &[&contact_id])?
                .ok_or(Error::NotFound { entity: "contact", id: contact_id })?;
            Ok(tx
                .query_one(
                    "INSERT INTO contact_attachment (contact_id, name, size, data, added_at, added_by)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &[&contact_id, &name, &(data.len() as i64), &data, &stamp, &by],
                )?
                .get(0))
        })
    }

    fn attachments(&mut self, contact_ids: &[i64]) -> Result<Vec<Attachment>> {
        if contact_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM contact_attachment WHERE contact_id = ANY($1)
             ORDER BY contact_id, name, id"
        );
        Ok(self.client.query(&sql, &[&contact_ids])?.iter().map(attachment_from_row).collect())
    }

    fn attachment_data(&mut self, id: i64) -> Result<Option<(Attachment, Vec<u8>)>> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS}, data FROM contact_attachment WHERE id = $1");
        Ok(self.client.query_opt(&sql, &[&id])?.map(|r| (attachment_from_row(&r), r.get(6))))
    }

    fn all_attachments(&mut self) -> Result<Vec<(Attachment, Vec<u8>)>> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS}, data FROM contact_attachment ORDER BY id");
        Ok(self.client.query(&sql, &[])?.iter().map(|r| (attachment_from_row(r), r.get(6))).collect())
    }

    fn restore_attachments(&mut self, rows: &[(Attachment, Vec<u8>)]) -> Result<()> {
        self.write(|tx| {
            for (a, data) in rows {
                tx.execute(
                    "INSERT INTO contact_attachment (id, contact_id, name, size, data, added_at, added_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    &[&a.id, &a.contact_id, &a.name, &a.size, &data, &a.added_at, &a.added_by],
                )?;
            }
            follow_ids(tx, "contact_attachment")
        })
    }
}

const ATTACHMENT_COLUMNS: &str = "id, contact_id, name, size, added_at, added_by";

fn attachment_from_row(r: &Row) -> Attachment {
    Attachment {
        id: r.get(0),
        contact_id: r.get(1),
        name: r.get(2),
        size: r.get(3),
        added_at: r.get(4),
        added_by: r.get(5),
    }
}
