//! Users of the office and people at customers, on PostgreSQL.
//! PLACEHOLDER: being written; every method mirrors sqlite/people.rs.

use super::Postgres;
use crate::error::Result;
use crate::person::{Person, PersonData};
use crate::user::{User, UserData};

impl Postgres {
    pub(super) fn users(&mut self) -> Result<Vec<User>> {
        unimplemented!()
    }
    pub(super) fn insert_user(&mut self, _d: &UserData) -> Result<i64> {
        unimplemented!()
    }
    pub(super) fn update_user(&mut self, _id: i64, _version: i64, _d: &UserData) -> Result<()> {
        unimplemented!()
    }
    pub(super) fn restore_users(&mut self, _rows: &[User]) -> Result<()> {
        unimplemented!()
    }
    pub(super) fn people(&mut self, _customer_id: i64) -> Result<Vec<Person>> {
        unimplemented!()
    }
    pub(super) fn person(&mut self, _id: i64) -> Result<Option<Person>> {
        unimplemented!()
    }
    pub(super) fn insert_person(&mut self, _customer_id: i64, _d: &PersonData) -> Result<i64> {
        unimplemented!()
    }
    pub(super) fn update_person(&mut self, _id: i64, _version: i64, _d: &PersonData) -> Result<()> {
        unimplemented!()
    }
    pub(super) fn all_people(&mut self) -> Result<Vec<Person>> {
        unimplemented!()
    }
    pub(super) fn restore_people(&mut self, _rows: &[Person]) -> Result<()> {
        unimplemented!()
    }
}
