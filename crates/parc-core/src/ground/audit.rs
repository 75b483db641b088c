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

/// A field of a record on which a form and a save made meanwhile by someone else disagree:
/// the value when the form was opened (`base`), theirs now, and the form's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field's name in the record's data (`custom.3` for an office field), as in [`diff`].
    pub field: String,
    pub base: Value,
    pub theirs: Value,
    pub mine: Value,
    pub theirs_changed: bool,
    pub mine_changed: bool,
    /// Who last saved the field and when (UTC, RFC 3339), from the trail, when theirs changed.
    pub changed_by: Option<i64>,
    pub changed_at: Option<String>,
}

/// The fields on which `theirs` (the record as stored now) and `mine` (the form) differ, each
/// with its value when the form was opened (`base`) and, when they changed it, who saved
/// theirs and when, from the record's `trail` (oldest first). A field both changed alike is
/// no conflict; a field only one side changed is listed too, so the person sees everything
/// that a save over theirs would keep or change.
pub fn conflicts(base: &Value, theirs: &Value, mine: &Value, trail: &[Change]) -> Vec<FieldConflict> {
    let mut fields: Vec<String> = diff(base, theirs).into_iter().chain(diff(base, mine)).map(|c| c.field).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|field| {
            let (b, t, m) = (at(base, &field), at(theirs, &field), at(mine, &field));
            if t == m {
                return None;
            }
            let theirs_changed = t != b;
            let last = trail.iter().rev().find(|c| c.field == field).filter(|_| theirs_changed);
            Some(FieldConflict {
                theirs_changed,
                mine_changed: m != b,
                changed_by: last.and_then(|c| c.changed_by),
                changed_at: last.map(|c| c.changed_at.clone()),
                base: b,
                theirs: t,
                mine: m,
                field,
            })
        })
        .collect()
}

/// The value at a field name of [`diff`] (`name`, or `custom.3` one level down); null when
/// there is none.
fn at(v: &Value, field: &str) -> Value {
    let mut here = v;
    for part in field.splitn(2, '.') {
        match here.get(part) {
            Some(next) => here = next,
            None => return Value::Null,
        }
    }
    here.clone()
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

    fn line(field: &str, by: i64, at: &str) -> Change {
        Change {
            id: 0,
            entity: CUSTOMER.into(),
            entity_id: 1,
            changed_at: at.into(),
            changed_by: Some(by),
            field: field.into(),
            old: Value::Null,
            new: Value::Null,
        }
    }

    #[test]
    fn conflicts_list_each_side_with_who_saved_theirs() {
        let base = json!({"name": "Rossi", "city": "Verona", "phone": "1", "email": "", "custom": {"3": "A"}});
        let theirs = json!({"name": "Rossi", "city": "Verona (VR)", "phone": "2", "email": "", "custom": {"3": "B"}});
        let mine = json!({"name": "Rossi Srl", "city": "Verona", "phone": "3", "email": "", "custom": {"3": "B"}});
        let trail =
            [line("city", 7, "2026-11-23T09:00:00Z"), line("city", 8, "2026-11-23T10:00:00Z"), line("phone", 8, "x")];
        let c = conflicts(&base, &theirs, &mine, &trail);
        let summary: Vec<_> = c.iter().map(|f| (f.field.as_str(), f.theirs_changed, f.mine_changed)).collect();
        // custom.3 changed alike on both sides: no conflict; name only mine; city only theirs.
        assert_eq!(summary, [("city", true, false), ("name", false, true), ("phone", true, true)]);
        assert_eq!((c[0].changed_by, c[0].changed_at.as_deref()), (Some(8), Some("2026-11-23T10:00:00Z")));
        assert_eq!(
            (c[0].base.clone(), c[0].theirs.clone(), c[0].mine.clone()),
            (json!("Verona"), json!("Verona (VR)"), json!("Verona"))
        );
        assert_eq!(c[1].changed_by, None, "theirs did not change the name");
        assert!(conflicts(&base, &base, &base, &trail).is_empty());
    }

    #[test]
    fn no_change_no_lines() {
        let v = json!({"name": "Rossi", "custom": {}});
        assert!(diff(&v, &v).is_empty());
    }
}
