//! The audit trail: who changed which field of which record, when, from what to what.
//!
//! A store writes the trail in the same transaction as the change, so a change and its
//! history are committed together or not at all. The trail is generic: a record is described
//! by the JSON of its editable data (`serde_json::to_value(&data)`), and [`diff`] turns two
//! such descriptions into field changes. A new kind of record (a vehicle, a deal, an offer)
//! joins the trail with one call of the store's `audit::record` inside its write.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The kinds of record with a history. `entity` values in the trail are these names.
pub const CUSTOMER: &str = "customer";
pub const PERSON: &str = "person";
pub const DEAL: &str = "deal";
pub const FLEET_LINE: &str = "fleet_line";
pub const OFFER: &str = "offer";

/// One line of a record's history. A record's creation is one line with an empty `field`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    /// UTC, RFC 3339.
    pub changed_at: String,
    /// The user who made the change; `None` for imports, demo data and scripts.
    pub changed_by: Option<i64>,
    /// The field's name in the record's data (`custom.3` for an office field); empty for the
    /// record's creation.
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// A changed field: its name, the value before and the value after.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// The fields that differ between two descriptions of a record. Objects are compared key by
/// key, one level deep (`custom.3`), so a change of one office field is one line; lists and
/// other values are compared whole. Fields come in name order.
pub fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    diff_into(&mut out, "", before, after, 0);
    out
}

fn diff_into(out: &mut Vec<FieldChange>, prefix: &str, before: &Value, after: &Value, depth: usize) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) if depth < 2 => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                let (old, new) = (a.get(key).unwrap_or(&Value::Null), b.get(key).unwrap_or(&Value::Null));
                diff_into(out, &name, old, new, depth + 1);
            }
        }
        _ if before != after => {
            out.push(FieldChange { field: prefix.to_string(), old: before.clone(), new: after.clone() })
        }
        _ => {}
    }
}

/// A record's data as the trail describes it.
pub fn describe<T: Serialize>(data: &T) -> Value {
    serde_json::to_value(data).expect("record data serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_each_changed_field_with_both_values() {
        let before = json!({"name": "Rossi", "employees": 10, "custom": {"3": "a"}, "assistant_ids": [1]});
        let after =
            json!({"name": "Rossi Srl", "employees": null, "custom": {"3": "a", "4": "x"}, "assistant_ids": [1, 2]});
        let changes = diff(&before, &after);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["assistant_ids", "custom.4", "employees", "name"]);
        assert_eq!(changes[2].old, json!(10));
        assert_eq!(changes[2].new, Value::Null);
        assert_eq!(changes[1].old, Value::Null);
        assert_eq!(changes[3].new, json!("Rossi Srl"));
    }

    #[test]
    fn no_change_no_lines() {
        let v = json!({"name": "Rossi", "custom": {}});
        assert!(diff(&v, &v).is_empty());
    }
}
