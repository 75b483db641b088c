//! Contact history, corrections and next actions, on SQLite.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, ToSql, Transaction};

use super::deals::Lite;
use super::people::check_changed;
use super::Sqlite;
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
    (SELECT json_group_array(person_id) FROM contact_person p WHERE p.contact_id = contact.id),
    (SELECT count(*) FROM contact_revision r WHERE r.contact_id = contact.id)";

fn json_list<T: serde::de::DeserializeOwned>(text: String) -> Vec<T> {
    serde_json::from_str(&text).unwrap_or_default()
}

fn contact_from_row(r: &Row) -> rusqlite::Result<Contact> {
    let mut person_ids: Vec<i64> = json_list(r.get(20)?);
    person_ids.sort_unstable();
    Ok(Contact {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        data: ContactData {
            happened_at: r.get(2)?,
            duration_min: r.get(3)?,
            user_id: r.get(4)?,
            kind: r.get(5)?,
            person_ids,
            deal_id: r.get(6)?,
            stage: r.get(7)?,
            agreed: r.get(8)?,
            docs_received: json_list(r.get(9)?),
            docs_sent: json_list(r.get(10)?),
            next_action: r.get(11)?,
            next_kind: r.get(12)?,
            next_due: r.get(13)?,
            next_user_id: r.get(14)?,
        },
        next_done_at: r.get(15)?,
        next_outcome: r.get(16)?,
        created_at: r.get(17)?,
        created_by: r.get(18)?,
        version: r.get(19)?,
        revisions: r.get(21)?,
        attachments: Vec::new(),
    })
}

fn material_from_row(r: &Row) -> rusqlite::Result<Material> {
    Ok(Material {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        data: MaterialData { name: r.get(2)?, every_days: r.get(3)?, last_sent: r.get(4)? },
        version: r.get(5)?,
    })
}

fn agenda_item_from_row(r: &Row) -> rusqlite::Result<AgendaItem> {
    Ok(AgendaItem {
        contact_id: r.get(0)?,
        customer_id: r.get(1)?,
        customer_name: r.get(2)?,
        next_action: r.get(3)?,
        next_kind: r.get(4)?,
        next_due: r.get(5)?,
        next_user_id: r.get(6)?,
    })
}

fn to_json(list: &[String]) -> String {
    serde_json::to_string(list).expect("strings serialise")
}

/// The customer must exist and every person met must work there.
fn check_contact_links(tx: &Transaction, customer_id: i64, d: &ContactData) -> Result<()> {
    let exists = tx.query_row("SELECT 1 FROM customer WHERE id = ?1", [customer_id], |_| Ok(())).optional()?;
    if exists.is_none() {
        return Err(Error::NotFound { entity: "customer", id: customer_id });
    }
    for person in &d.person_ids {
        let of: Option<i64> =
            tx.query_row("SELECT customer_id FROM person WHERE id = ?1", [person], |r| r.get(0)).optional()?;
        if of != Some(customer_id) {
            return Err(Error::invalid("person_ids", "validation.choice"));
        }
    }
    Ok(())
}

fn write_people(tx: &Transaction, contact_id: i64, person_ids: &[i64]) -> Result<()> {
    tx.execute("DELETE FROM contact_person WHERE contact_id = ?1", [contact_id])?;
    for person in person_ids {
        tx.execute("INSERT INTO contact_person (contact_id, person_id) VALUES (?1, ?2)", [contact_id, *person])?;
    }
    Ok(())
}

/// Keeps `customer.last_contact_at` equal to the newest contact's time.
fn refresh_last_contact(tx: &Transaction, customer_id: i64) -> Result<()> {
    tx.execute(
        "UPDATE customer SET last_contact_at = (SELECT max(happened_at) FROM contact WHERE customer_id = ?1)
         WHERE id = ?1",
        [customer_id],
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
fn contact_params<'a>(d: &'a ContactData, docs: &'a (String, String)) -> [&'a dyn ToSql; 13] {
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

fn insert_row(tx: &Transaction, customer_id: i64, d: &ContactData, m: &ContactMeta) -> Result<i64> {
    let docs = (to_json(&d.docs_received), to_json(&d.docs_sent));
    tx.execute(
        "INSERT INTO contact (id, customer_id, happened_at, duration_min, user_id, kind, deal_id, stage, agreed,
         docs_received, docs_sent, next_action, next_kind, next_due, next_user_id, next_done_at, next_outcome,
         created_at, created_by, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        params_from_iter([&m.id as &dyn ToSql, &customer_id].into_iter().chain(contact_params(d, &docs)).chain([
            &m.next_done_at as &dyn ToSql,
            &m.next_outcome,
            &m.created_at,
            &m.created_by,
            &m.version,
        ])),
    )?;
    let id = tx.last_insert_rowid();
    write_people(tx, id, &d.person_ids)?;
    Ok(id)
}

fn insert_new(tx: &Transaction, customer_id: i64, d: &ContactData, by: Option<i64>, stamp: &str) -> Result<i64> {
    check_contact_links(tx, customer_id, d)?;
    let meta =
        ContactMeta { id: None, created_at: stamp, created_by: by, next_done_at: None, next_outcome: "", version: 1 };
    let id = insert_row(tx, customer_id, d, &meta)?;
    tx.execute(
        "UPDATE customer SET last_contact_at = ?2 WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at < ?2)",
        params![customer_id, d.happened_at],
    )?;
    Ok(id)
}

impl ContactRows for Sqlite {
    fn insert_contacts(&mut self, rows: &[(i64, ContactData, Option<i64>)], stamp: &str) -> Result<Vec<i64>> {
        self.write(|tx| {
            let ids = rows
                .iter()
                .map(|(customer_id, d, by)| insert_new(tx, *customer_id, d, *by, stamp))
                .collect::<Result<Vec<_>>>()?;
            let facts: Vec<ContactFacts> = rows.iter().map(|(c, d, _)| ContactFacts::of(*c, d)).collect();
            reports::tally_contacts(&mut Lite(tx), &facts, 1)?;
            Ok(ids)
        })
    }

    fn update_contact(&mut self, id: i64, version: i64, d: &ContactData, by: Option<i64>, stamp: &str) -> Result<()> {
        self.write(|tx| {
            let sql = format!("SELECT {COLUMNS} FROM contact WHERE id = ?1");
            let current = tx
                .query_row(&sql, [id], contact_from_row)
                .optional()?
                .ok_or(Error::NotFound { entity: "contact", id })?;
            if current.version != version {
                return Err(Error::Conflict { entity: "contact", id });
            }
            check_contact_links(tx, current.customer_id, d)?;
            tx.execute(
                "INSERT INTO contact_revision (contact_id, revised_at, revised_by, previous) VALUES (?1, ?2, ?3, ?4)",
                params![id, stamp, by, serde_json::to_string(&current.data).expect("contact serialises")],
            )?;
            let docs = (to_json(&d.docs_received), to_json(&d.docs_sent));
            let changed = tx.execute(
                "UPDATE contact SET happened_at = ?3, duration_min = ?4, user_id = ?5, kind = ?6, deal_id = ?7,
                 stage = ?8, agreed = ?9, docs_received = ?10, docs_sent = ?11, next_action = ?12, next_kind = ?13,
                 next_due = ?14, next_user_id = ?15, version = version + 1
                 WHERE id = ?1 AND version = ?2",
                params_from_iter([&id as &dyn ToSql, &version].into_iter().chain(contact_params(d, &docs))),
            )?;
            check_changed(tx, changed, "contact", "contact", id)?;
            let before = ContactFacts::of(current.customer_id, &current.data);
            reports::tally_contacts(&mut Lite(tx), &[before], -1)?;
            write_people(tx, id, &d.person_ids)?;
            reports::tally_contacts(&mut Lite(tx), &[ContactFacts::of(current.customer_id, d)], 1)?;
            refresh_last_contact(tx, current.customer_id)
        })
    }

    fn contact(&mut self, id: i64) -> Result<Option<Contact>> {
        let sql = format!("SELECT {COLUMNS} FROM contact WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], contact_from_row).optional()?)
    }

    fn contact_history(&mut self, customer_id: i64, f: &HistoryFilter) -> Result<Vec<Contact>> {
        let mut sql = format!("SELECT {COLUMNS} FROM contact WHERE customer_id = ?1");
        let mut args = vec![Value::Integer(customer_id)];
        if let Some(kind) = &f.kind {
            args.push(Value::Text(kind.clone()));
            sql.push_str(&format!(" AND kind = ?{}", args.len()));
        }
        if let Some(person) = f.person_id {
            args.push(Value::Integer(person));
            sql.push_str(&format!(
                " AND id IN (SELECT contact_id FROM contact_person WHERE person_id = ?{})",
                args.len()
            ));
        }
        if let Some(deal) = f.deal_id {
            args.push(Value::Integer(deal));
            sql.push_str(&format!(" AND deal_id = ?{}", args.len()));
        }
        sql.push_str(&format!(
            " ORDER BY happened_at DESC, id DESC LIMIT {} OFFSET {}",
            f.limit.unwrap_or(50).clamp(1, 500),
            f.offset
        ));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), contact_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn contact_revisions(&mut self, id: i64) -> Result<Vec<ContactRevision>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT revised_at, revised_by, previous FROM contact_revision WHERE contact_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(ContactRevision {
                    revised_at: r.get(0)?,
                    revised_by: r.get(1)?,
                    previous: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn open_actions(&mut self, user_id: Option<i64>, from: &str, until: &str, limit: u32) -> Result<Vec<AgendaItem>> {
        let user = if user_id.is_some() { "AND c.next_user_id = ?2" } else { "AND ?2 IS NULL" };
        let sql = format!(
            "SELECT c.id, c.customer_id, cu.name, c.next_action, c.next_kind, c.next_due, c.next_user_id
             FROM contact c JOIN customer cu ON cu.id = c.customer_id
             WHERE c.next_due IS NOT NULL AND c.next_done_at IS NULL AND c.next_due <= ?1 AND c.next_due >= ?3 {user}
               AND cu.archived_at IS NULL
             ORDER BY c.next_due, cu.sort_key, c.id LIMIT ?4"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![until, user_id, from, limit], agenda_item_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
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
                .query_row("SELECT customer_id FROM contact WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or(Error::NotFound { entity: "contact", id })?;
            let changed = tx.execute(
                "UPDATE contact SET next_done_at = ?2, next_outcome = ?3, version = version + 1
                 WHERE id = ?1 AND next_due IS NOT NULL AND next_done_at IS NULL",
                params![id, stamp, outcome],
            )?;
            if changed == 0 {
                // Already done (on another workstation, perhaps), or there was nothing to do.
                return Err(Error::Conflict { entity: "contact", id });
            }
            let Some(d) = follow_up else { return Ok(None) };
            let new_id = insert_new(tx, customer_id, d, by, stamp)?;
            reports::tally_contacts(&mut Lite(tx), &[ContactFacts::of(customer_id, d)], 1)?;
            Ok(Some(new_id))
        })
    }

    fn going_cold(&mut self, owner_id: Option<i64>, before: &str, limit: u32) -> Result<Vec<ColdCustomer>> {
        // `IS` matches NULL too, and SQLite uses the (owner_id, last_contact_at) index for it.
        let owner = "AND c.owner_id IS ?2";
        let sql = format!(
            "SELECT c.id, c.name, c.city, c.last_contact_at FROM customer c
             WHERE c.archived_at IS NULL {owner}
               AND (c.last_contact_at IS NULL OR c.last_contact_at < ?1)
               AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.customer_id = c.id
                               AND k.next_due IS NOT NULL AND k.next_done_at IS NULL)
             ORDER BY c.last_contact_at NULLS FIRST, c.sort_key, c.id LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![before, owner_id, limit], |r| {
                Ok(ColdCustomer {
                    customer_id: r.get(0)?,
                    name: r.get(1)?,
                    city: r.get(2)?,
                    last_contact_at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn all_contacts(&mut self) -> Result<Vec<(Contact, Vec<ContactRevision>)>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM contact ORDER BY id"))?;
        let contacts: Vec<Contact> = stmt.query_map([], contact_from_row)?.collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        contacts
            .into_iter()
            .map(|c| {
                let revisions = if c.revisions > 0 { self.contact_revisions(c.id)? } else { Vec::new() };
                Ok((c, revisions))
            })
            .collect()
    }

    fn restore_contacts(&mut self, rows: &[(Contact, Vec<ContactRevision>)]) -> Result<()> {
        self.write(|tx| {
            for (c, revisions) in rows {
                let meta = ContactMeta {
                    id: Some(c.id),
                    created_at: &c.created_at,
                    created_by: c.created_by,
                    next_done_at: c.next_done_at.as_deref(),
                    next_outcome: &c.next_outcome,
                    version: c.version,
                };
                insert_row(tx, c.customer_id, &c.data, &meta)?;
                for r in revisions {
                    tx.execute(
                        "INSERT INTO contact_revision (contact_id, revised_at, revised_by, previous)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![
                            c.id,
                            r.revised_at,
                            r.revised_by,
                            serde_json::to_string(&r.previous).expect("serialises")
                        ],
                    )?;
                }
            }
            tx.execute(
                "UPDATE customer SET last_contact_at =
                 (SELECT max(happened_at) FROM contact WHERE contact.customer_id = customer.id)",
                [],
            )?;
            Ok(())
        })
    }

    fn materials(&mut self, customer_id: i64) -> Result<Vec<Material>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, customer_id, name, every_days, last_sent, version FROM customer_material
             WHERE customer_id = ?1 ORDER BY name, id",
        )?;
        let rows = stmt.query_map([customer_id], material_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn insert_materials(&mut self, rows: &[(i64, MaterialData)]) -> Result<Vec<i64>> {
        self.write(|tx| {
            let mut exists = tx.prepare_cached("SELECT 1 FROM customer WHERE id = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO customer_material (customer_id, name, every_days, last_sent, due)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut ids = Vec::with_capacity(rows.len());
            for (customer_id, d) in rows {
                if !exists.exists([customer_id])? {
                    return Err(Error::NotFound { entity: "customer", id: *customer_id });
                }
                insert.execute(params![customer_id, d.name, d.every_days, d.last_sent, d.due()])?;
                ids.push(tx.last_insert_rowid());
            }
            Ok(ids)
        })
    }

    fn update_material(&mut self, id: i64, version: i64, d: &MaterialData) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE customer_material SET name = ?3, every_days = ?4, last_sent = ?5, due = ?6,
                 version = version + 1
                 WHERE id = ?1 AND version = ?2",
                params![id, version, d.name, d.every_days, d.last_sent, d.due()],
            )?;
            check_changed(tx, changed, "customer_material", "material", id)
        })
    }

    fn delete_material(&mut self, id: i64) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM customer_material WHERE id = ?1", [id])? > 0))
    }

    fn materials_due(&mut self, owner_id: Option<i64>, until: &str, limit: u32) -> Result<Vec<MaterialDue>> {
        let owner = if owner_id.is_some() { "AND c.owner_id = ?2" } else { "AND ?2 IS NULL" };
        let sql = format!(
            // CROSS JOIN keeps the due materials the outer loop: left to itself, SQLite walks
            // all of the owner's customers (16,000 at 100,000) looking for materials.
            "SELECT m.id, m.customer_id, c.name, m.name, m.last_sent, NULLIF(m.due, '')
             FROM customer_material m CROSS JOIN customer c ON c.id = m.customer_id
             WHERE m.due <= ?1 AND c.archived_at IS NULL {owner}
             ORDER BY m.due, c.sort_key, m.id LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![until, owner_id, limit], |r| {
                Ok(MaterialDue {
                    material_id: r.get(0)?,
                    customer_id: r.get(1)?,
                    customer_name: r.get(2)?,
                    name: r.get(3)?,
                    last_sent: r.get(4)?,
                    due: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn all_materials(&mut self) -> Result<Vec<Material>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, customer_id, name, every_days, last_sent, version FROM customer_material ORDER BY id",
        )?;
        let rows = stmt.query_map([], material_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_materials(&mut self, rows: &[Material]) -> Result<()> {
        self.write(|tx| {
            for m in rows {
                tx.execute(
                    "INSERT INTO customer_material (id, customer_id, name, every_days, last_sent, version, due)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        m.id,
                        m.customer_id,
                        m.data.name,
                        m.data.every_days,
                        m.data.last_sent,
                        m.version,
                        m.data.due()
                    ],
                )?;
            }
            Ok(())
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
            tx.query_row("SELECT 1 FROM contact WHERE id = ?1", [contact_id], |_| Ok(()))
                .optional()?
                .ok_or(Error::NotFound { entity: "contact", id: contact_id })?;
            tx.execute(
                "INSERT INTO contact_attachment (contact_id, name, size, data, added_at, added_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![contact_id, name, data.len() as i64, data, stamp, by],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    fn attachments(&mut self, contact_ids: &[i64]) -> Result<Vec<Attachment>> {
        if contact_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM contact_attachment
             WHERE contact_id IN (SELECT value FROM json_each(?1)) ORDER BY contact_id, name, id"
        ))?;
        let ids = serde_json::to_string(contact_ids).expect("ids serialise");
        let rows = stmt.query_map([ids], attachment_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn attachment_data(&mut self, id: i64) -> Result<Option<(Attachment, Vec<u8>)>> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS}, data FROM contact_attachment WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], |r| Ok((attachment_from_row(r)?, r.get(6)?))).optional()?)
    }

    fn all_attachments(&mut self) -> Result<Vec<(Attachment, Vec<u8>)>> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS}, data FROM contact_attachment ORDER BY id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows =
            stmt.query_map([], |r| Ok((attachment_from_row(r)?, r.get(6)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_attachments(&mut self, rows: &[(Attachment, Vec<u8>)]) -> Result<()> {
        self.write(|tx| {
            for (a, data) in rows {
                tx.execute(
                    "INSERT INTO contact_attachment (id, contact_id, name, size, data, added_at, added_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![a.id, a.contact_id, a.name, a.size, data, a.added_at, a.added_by],
                )?;
            }
            Ok(())
        })
    }
}

const ATTACHMENT_COLUMNS: &str = "id, contact_id, name, size, added_at, added_by";

fn attachment_from_row(r: &Row) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        contact_id: r.get(1)?,
        name: r.get(2)?,
        size: r.get(3)?,
        added_at: r.get(4)?,
        added_by: r.get(5)?,
    })
}
