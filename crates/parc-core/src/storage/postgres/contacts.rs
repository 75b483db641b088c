//! Contact history, corrections and next actions, on PostgreSQL.
//! PLACEHOLDER: being written; every method mirrors sqlite/contacts.rs.

use super::Postgres;
use crate::contact::{AgendaItem, ColdCustomer, Contact, ContactData, ContactRevision, HistoryFilter};
use crate::error::Result;

impl Postgres {
    pub(super) fn insert_contact(&mut self, _c: i64, _d: &ContactData, _by: Option<i64>, _s: &str) -> Result<i64> {
        unimplemented!()
    }
    pub(super) fn update_contact(
        &mut self,
        _id: i64,
        _v: i64,
        _d: &ContactData,
        _by: Option<i64>,
        _s: &str,
    ) -> Result<()> {
        unimplemented!()
    }
    pub(super) fn contact(&mut self, _id: i64) -> Result<Option<Contact>> {
        unimplemented!()
    }
    pub(super) fn contact_history(&mut self, _c: i64, _f: &HistoryFilter) -> Result<Vec<Contact>> {
        unimplemented!()
    }
    pub(super) fn contact_revisions(&mut self, _id: i64) -> Result<Vec<ContactRevision>> {
        unimplemented!()
    }
    pub(super) fn open_actions(&mut self, _u: Option<i64>, _until: &str) -> Result<Vec<AgendaItem>> {
        unimplemented!()
    }
    pub(super) fn complete_action(
        &mut self,
        _id: i64,
        _o: &str,
        _f: Option<&ContactData>,
        _by: Option<i64>,
        _s: &str,
    ) -> Result<Option<i64>> {
        unimplemented!()
    }
    pub(super) fn going_cold(&mut self, _o: Option<i64>, _b: &str, _l: u32) -> Result<Vec<ColdCustomer>> {
        unimplemented!()
    }
    pub(super) fn all_contacts(&mut self) -> Result<Vec<(Contact, Vec<ContactRevision>)>> {
        unimplemented!()
    }
    pub(super) fn restore_contacts(&mut self, _rows: &[(Contact, Vec<ContactRevision>)]) -> Result<()> {
        unimplemented!()
    }
}
