//! Office fixtures for tests.

use crate::office::{User, UserData, UserRole};
use crate::Store;

pub fn user(store: &mut Store, name: &str, role: UserRole) -> User {
    store.create_user(UserData { name: name.into(), role, active: true, ..Default::default() }).unwrap()
}
