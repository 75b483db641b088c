//! Contact fixtures for tests.

use crate::contact::ContactData;

pub fn call(at: &str, agreed: &str) -> ContactData {
    ContactData { happened_at: at.into(), kind: "phone".into(), agreed: agreed.into(), ..Default::default() }
}
