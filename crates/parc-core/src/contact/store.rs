//! Contacts' part of [`Store`]: logging and correcting contacts, their files, materials sent
//! regularly, the agenda, next actions and the customers going cold.

use super::*;
use crate::contact;
use crate::contact::Agenda;
use crate::contact::SERVICE_OVERDUE_DAYS;
use crate::fleet::store as fleet;
use crate::funnel::rows as deals;
use crate::ground::search_key;
use crate::storage::now;
use crate::Store;
use chrono::NaiveDate;
use std::path::Path;
use std::path::PathBuf;

impl Store {
    /// Records a contact with a customer, made by user `by`.
    pub fn log_contact(&mut self, customer_id: i64, data: ContactData, by: Option<i64>) -> Result<Contact> {
        let data = data.validated()?;
        let stamp = now();
        let ids = self.write(|x| crate::contact::rows::insert_contacts(x, &[(customer_id, data, by)], &stamp))?;
        self.contact(ids[0])
    }

    /// Saves many contacts `(customer_id, data, by)` in one transaction: all or none.
    pub fn log_contacts_bulk(&mut self, rows: Vec<(i64, ContactData, Option<i64>)>) -> Result<Vec<i64>> {
        let rows = rows.into_iter().map(|(c, d, by)| Ok((c, d.validated()?, by))).collect::<Result<Vec<_>>>()?;
        let stamp = now();
        self.write(|x| crate::contact::rows::insert_contacts(x, &rows, &stamp))
    }

    /// Corrects a saved contact; the version before stays visible in its revisions.
    pub fn correct_contact(&mut self, id: i64, version: i64, data: ContactData, by: Option<i64>) -> Result<Contact> {
        let data = data.validated()?;
        let stamp = now();
        self.write(|x| crate::contact::rows::update_contact(x, id, version, &data, by, &stamp))?;
        self.contact(id)
    }

    pub fn contact(&mut self, id: i64) -> Result<Contact> {
        self.read(|x| {
            let mut contact = crate::contact::rows::contact(x, id)?.ok_or(Error::NotFound { entity: "contact", id })?;
            contact.attachments = crate::contact::rows::attachments(x, &[id])?;
            Ok(contact)
        })
    }

    /// A page of a customer's timeline, each contact with its files.
    pub fn contact_history(&mut self, customer_id: i64, filter: &HistoryFilter) -> Result<Vec<Contact>> {
        self.read(|x| {
            let mut page = crate::contact::rows::contact_history(x, customer_id, filter)?;
            let ids: Vec<i64> = page.iter().map(|c| c.id).collect();
            for a in crate::contact::rows::attachments(x, &ids)? {
                if let Some(c) = page.iter_mut().find(|c| c.id == a.contact_id) {
                    c.attachments.push(a);
                }
            }
            Ok(page)
        })
    }

    /// Keeps a file with a contact, added by user `by`. The name is reduced to a plain file
    /// name; empty files and files over [`contact::MAX_ATTACHMENT_BYTES`] are refused.
    pub fn attach_file(&mut self, contact_id: i64, name: &str, data: &[u8], by: Option<i64>) -> Result<Attachment> {
        let name = contact::attachment_name(name)?;
        contact::check_attachment(data)?;
        let stamp = now();
        let id = self.write(|x| crate::contact::rows::insert_attachment(x, contact_id, &name, data, by, &stamp))?;
        Ok(self.attachment(id)?.0)
    }

    /// A stored file with its bytes.
    pub fn attachment(&mut self, id: i64) -> Result<(Attachment, Vec<u8>)> {
        self.read(|x| crate::contact::rows::attachment_data(x, id))?.ok_or(Error::NotFound { entity: "attachment", id })
    }

    /// Writes a stored file into `dir` (for opening it with the system's viewer) and returns
    /// its path. The file is named after the attachment, in a folder of its own, so two files
    /// of the same name never overwrite each other.
    pub fn export_attachment(&mut self, id: i64, dir: &Path) -> Result<PathBuf> {
        let (meta, data) = self.attachment(id)?;
        let folder = dir.join(format!("attachment-{id}"));
        std::fs::create_dir_all(&folder)?;
        let path = folder.join(contact::attachment_name(&meta.name)?);
        crate::ground::atomic::write(&path, &data)?;
        Ok(path)
    }

    pub fn contact_revisions(&mut self, id: i64) -> Result<Vec<ContactRevision>> {
        self.read(|x| crate::contact::rows::contact_revisions(x, id))
    }

    /// The open actions of `user_id` (everyone's for `None`) as of `today`: overdue, today,
    /// the next seven days, and planned visits of the next month; materials due and postponed
    /// deals to come back to within the week.
    pub fn agenda(&mut self, user_id: Option<i64>, today: NaiveDate) -> Result<Agenda> {
        let day = |d: NaiveDate| d.format(crate::ground::dates::DATE_FORMAT).to_string();
        // Overdue and coming actions are fetched apart, so a long overdue list cannot crowd
        // today's out of the page.
        let (items, materials) = self.read(|x| {
            let mut items =
                crate::contact::rows::open_actions(x, user_id, "", &day(today - chrono::Days::new(1)), 300)?;
            items.extend(crate::contact::rows::open_actions(
                x,
                user_id,
                &day(today),
                &day(today + chrono::Days::new(31)),
                700,
            )?);
            // Materials go to the customers one owns (everyone's for the office view).
            let materials = crate::contact::rows::materials_due(x, user_id, &day(today + chrono::Days::new(7)), 300)?;
            Ok((items, materials))
        })?;
        let mut agenda = Agenda::from_items(items, today);
        agenda.materials = materials;
        // Inspections of the coming month; those missed long ago are stale data, not work.
        let from = day(today - chrono::Days::new(SERVICE_OVERDUE_DAYS));
        let until = day(today + chrono::Days::new(30));
        agenda.service = self.read(|x| fleet::inspections_due(x, user_id, &from, &until, 300))?;
        // Postponed deals come back on their day: read from the deal, so moving the day or
        // reviving the deal needs no action to keep in step.
        let until = day(today + chrono::Days::new(7));
        agenda.revisits = self.read(|x| deals::revisits(x, user_id, &until, 300))?;
        Ok(agenda)
    }

    pub fn materials(&mut self, customer_id: i64) -> Result<Vec<Material>> {
        self.read(|x| crate::contact::rows::materials(x, customer_id))
    }

    pub fn add_material(&mut self, customer_id: i64, data: MaterialData) -> Result<Material> {
        let data = data.validated()?;
        let ids = self.write(|x| crate::contact::rows::insert_materials(x, &[(customer_id, data)]))?;
        self.material(customer_id, ids[0])
    }

    /// Saves many materials `(customer_id, data)` in one transaction: all or none.
    pub fn add_materials_bulk(&mut self, rows: Vec<(i64, MaterialData)>) -> Result<Vec<i64>> {
        let rows = rows.into_iter().map(|(c, d)| Ok((c, d.validated()?))).collect::<Result<Vec<_>>>()?;
        self.write(|x| crate::contact::rows::insert_materials(x, &rows))
    }

    /// Saves a material; marking it sent today is an update of `last_sent`.
    pub fn update_material(&mut self, customer_id: i64, id: i64, version: i64, data: MaterialData) -> Result<Material> {
        let data = data.validated()?;
        self.write(|x| crate::contact::rows::update_material(x, id, version, &data))?;
        self.material(customer_id, id)
    }

    pub fn delete_material(&mut self, id: i64) -> Result<()> {
        if self.write(|x| crate::contact::rows::delete_material(x, id))? {
            Ok(())
        } else {
            Err(Error::NotFound { entity: "material", id })
        }
    }

    fn material(&mut self, customer_id: i64, id: i64) -> Result<Material> {
        self.materials(customer_id)?.into_iter().find(|m| m.id == id).ok_or(Error::NotFound { entity: "material", id })
    }

    /// Completes the next action of contact `id` with its outcome; `follow_up`, when given, is
    /// logged as a new contact (with its own next action) in the same transaction.
    pub fn complete_action(
        &mut self,
        id: i64,
        outcome: &str,
        follow_up: Option<ContactData>,
        by: Option<i64>,
    ) -> Result<Option<Contact>> {
        let outcome = outcome.trim();
        if outcome.chars().count() > 2000 {
            return Err(Error::invalid("outcome", "validation.too_long"));
        }
        if crate::ground::vat::has_control_in_lines(outcome) {
            return Err(Error::invalid("outcome", "validation.control_chars"));
        }
        let follow_up = follow_up.map(ContactData::validated).transpose()?;
        let stamp = now();
        let new_id =
            self.write(|x| crate::contact::rows::complete_action(x, id, outcome, follow_up.as_ref(), by, &stamp))?;
        new_id.map(|id| self.contact(id)).transpose()
    }

    /// Customers of `owner_id` (or all) with no open next action and no contact in the last
    /// `days` days as of `today`.
    pub fn going_cold(
        &mut self,
        owner_id: Option<i64>,
        days: u32,
        today: NaiveDate,
        limit: u32,
    ) -> Result<Vec<ColdCustomer>> {
        let before = (today - chrono::Days::new(u64::from(days))).format(crate::ground::dates::DATE_FORMAT).to_string();
        let before = format!("{before}T00:00");
        let limit = limit.clamp(1, 1000);
        if owner_id.is_some() {
            return self.read(|x| crate::contact::rows::going_cold(x, owner_id, &before, limit));
        }
        // Everyone's: one indexed walk per owner (and one for customers without an owner),
        // merged here. A single query over all customers cannot use the owner's index for
        // its order and reads every customer.
        let mut owners: Vec<Option<i64>> = self.users()?.into_iter().map(|u| Some(u.id)).collect();
        owners.push(None);
        let mut all = self.read(|x| {
            let mut all = Vec::new();
            for owner in owners {
                all.extend(crate::contact::rows::going_cold(x, owner, &before, limit)?);
            }
            Ok(all)
        })?;
        // The stores' order: never contacted first, then the longest silent, then by name.
        all.sort_by_cached_key(|c| (c.last_contact_at.clone(), search_key::fold(&c.name), c.customer_id));
        all.truncate(limit as usize);
        Ok(all)
    }
}

#[cfg(test)]
mod lead_tests;
#[cfg(test)]
mod tests;
