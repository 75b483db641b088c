//! CSV exchange with the company ERP: export profiles (what, which columns under which
//! headers, in which file format), full or incremental exports, and imports of customers with
//! their people, fleet lines and competitor sightings, checked row by row before anything is
//! written and then committed all at once.
//!
//! - `format`: a file's format and how values are written in it and read from it;
//! - `csv_file`: quoting, encodings, detection, the temporary file renamed when complete;
//! - `export`: running an export profile, with its watermark;
//! - `import`: mapping, validation, duplicates, and the one transaction of an import;
//! - `vocabulary`: the names offices and other programs give a customer file's columns;
//! - `workbook`: Excel files read into the import's rows and written from reports and exports.
//!
//! The SQL is in `store.rs`, the import's bulk write in `store/sqlite.rs` and `store/postgres.rs`.

pub(crate) mod store;

#[cfg(test)]
mod bulk_tests;
pub mod csv_file;
pub mod export;
pub mod format;
pub mod import;
mod lists;
#[cfg(test)]
mod lists_tests;
#[cfg(test)]
mod shared_tests;
#[cfg(test)]
pub(crate) mod testing;
pub mod vocabulary;
pub use crate::ground::workbook;
#[cfg(test)]
mod workbook_tests;

use serde::{Deserialize, Serialize};

use crate::customer::custom_field::CustomField;
use crate::ground::error::{Error, FieldError, Result};
pub use format::{DateFormat, Encoding, FileFormat, FileKind, LineEnding};

/// What a profile exports or imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Customers,
    People,
    Contacts,
    Fleet,
    /// Accepted offers, one row per line.
    Orders,
    Sightings,
    PriceList,
}

impl Entity {
    pub const ALL: [Entity; 7] = [
        Entity::Customers,
        Entity::People,
        Entity::Contacts,
        Entity::Fleet,
        Entity::Orders,
        Entity::Sightings,
        Entity::PriceList,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Entity::Customers => "customers",
            Entity::People => "people",
            Entity::Contacts => "contacts",
            Entity::Fleet => "fleet",
            Entity::Orders => "orders",
            Entity::Sightings => "sightings",
            Entity::PriceList => "price_list",
        }
    }

    pub fn parse(code: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == code.trim())
    }

    pub fn can_export(self) -> bool {
        !matches!(self, Entity::Sightings | Entity::PriceList)
    }

    pub fn can_import(self) -> bool {
        matches!(self, Entity::Customers | Entity::Fleet | Entity::Sightings | Entity::PriceList)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Export,
    Import,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Export => "export",
            Kind::Import => "import",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        match code.trim() {
            "export" => Some(Kind::Export),
            "import" => Some(Kind::Import),
            _ => None,
        }
    }
}

/// How a field's values are written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Integer,
    /// Integer minor units, written as a decimal with two places.
    Money,
    /// A canonical decimal (an office field of kind number).
    Decimal,
    /// Basis points, written as a percentage with the file's decimal sign (`1250` → `12,5`).
    Percent,
    Bool,
    /// `YYYY-MM-DD`, written in the profile's date format.
    Date,
    /// Local `YYYY-MM-DDTHH:MM`, written as the date and `HH:MM`.
    DateTime,
    /// A UTC timestamp, written as stored (RFC 3339).
    Stamp,
    /// A user of the office, written as their initials (or name).
    User,
}

/// A column a profile can have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDef {
    /// The field's key: what profiles store and the default header.
    pub key: String,
    /// The catalogue key of its label; for the office's own fields, the label itself.
    pub label: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    pub export: bool,
    pub import: bool,
}

fn def(key: &str, label: &str, ty: FieldType, export: bool, import: bool) -> FieldDef {
    FieldDef { key: key.into(), label: label.into(), ty, export, import }
}

use FieldType::*;

/// The customer's own columns in card order (exported and imported alike).
const CUSTOMER_TEXT: &[&str] = &[
    "name",
    "legal_form",
    "street",
    "postal_code",
    "city",
    "region",
    "country",
    "other_address",
    "phone",
    "mobile",
    "fax",
    "email",
    "web",
    "vat_id",
    "business_type",
    "market_sectors",
    "ownership",
];

/// The main contact's columns on a customer's row.
pub const PERSON_FIELDS: &[&str] = &[
    "person_name",
    "person_position",
    "person_title",
    "person_decision_role",
    "person_phone",
    "person_mobile",
    "person_email",
];

/// Every column an entity's profiles can have, in a sensible order. The office's own fields
/// (`custom.<id>`) come after the customer's own.
pub fn fields(entity: Entity, custom: &[CustomField]) -> Vec<FieldDef> {
    let mut out = Vec::new();
    match entity {
        Entity::Customers => {
            out.push(def("parc_id", "exchange.field.parc_id", Integer, true, false));
            out.push(def("erp_code", "field.erp_code", Text, true, true));
            for f in CUSTOMER_TEXT {
                out.push(def(f, &format!("field.{f}"), Text, true, true));
            }
            out.push(def("employees", "field.employees", Integer, true, true));
            out.push(def("annual_turnover", "field.annual_turnover", Money, true, true));
            out.push(def("turnover_currency", "field.turnover_currency", Text, true, true));
            out.push(def("lead_source", "field.lead_source", Text, true, true));
            out.push(def("notes", "field.notes", Text, true, true));
            out.push(def("owner", "field.owner", User, true, true));
            out.push(def("archived", "exchange.field.archived", Bool, true, false));
            out.push(def("created_at", "exchange.field.created_at", Stamp, true, false));
            out.push(def("updated_at", "exchange.field.updated_at", Stamp, true, false));
            for f in PERSON_FIELDS {
                out.push(def(f, &format!("exchange.field.{f}"), Text, true, true));
            }
            // Files of people give the name in two columns, and ERPs the street, the house and
            // the flat number (or a second address line) apart; the import joins them.
            for f in ["person_first_name", "person_last_name", "street_number", "street_flat", "street_line2"] {
                out.push(def(f, &format!("exchange.field.{f}"), Text, false, true));
            }
            for c in custom.iter().filter(|c| !c.data.retired) {
                let ty = match c.data.kind {
                    crate::customer::custom_field::FieldKind::Number => Decimal,
                    crate::customer::custom_field::FieldKind::Date => Date,
                    _ => Text,
                };
                out.push(FieldDef {
                    key: format!("custom.{}", c.id),
                    label: c.data.label.clone(),
                    ty,
                    export: true,
                    import: true,
                });
            }
        }
        Entity::People => {
            out.push(def("parc_id", "exchange.field.parc_id", Integer, true, false));
            out.push(def("customer_id", "exchange.field.customer_id", Integer, true, false));
            out.push(def("customer_erp_code", "exchange.field.customer_erp_code", Text, true, false));
            out.push(def("customer_vat_id", "exchange.field.customer_vat_id", Text, true, false));
            out.push(def("customer_name", "exchange.field.customer_name", Text, true, false));
            for f in ["name", "position", "title", "decision_role", "branch", "phone", "mobile", "email", "notes"] {
                out.push(def(f, &format!("exchange.field.person_{f}"), Text, true, false));
            }
            out.push(def("is_main", "person.is_main", Bool, true, false));
            out.push(def("active", "person.active", Bool, true, false));
        }
        Entity::Contacts => {
            out.push(def("parc_id", "exchange.field.parc_id", Integer, true, false));
            out.push(def("customer_id", "exchange.field.customer_id", Integer, true, false));
            out.push(def("customer_erp_code", "exchange.field.customer_erp_code", Text, true, false));
            out.push(def("customer_name", "exchange.field.customer_name", Text, true, false));
            out.push(def("happened_at", "contact.happened_at", DateTime, true, false));
            out.push(def("kind", "contact.kind", Text, true, false));
            out.push(def("duration_min", "contact.duration", Integer, true, false));
            out.push(def("user", "contact.user", User, true, false));
            out.push(def("agreed", "contact.agreed", Text, true, false));
            out.push(def("next_action", "contact.next_action", Text, true, false));
            out.push(def("next_kind", "contact.next_kind", Text, true, false));
            out.push(def("next_due", "contact.next_due", Date, true, false));
            out.push(def("next_user", "contact.next_user", User, true, false));
            out.push(def("next_done_at", "exchange.field.next_done_at", Stamp, true, false));
            out.push(def("next_outcome", "exchange.field.next_outcome", Text, true, false));
            out.push(def("created_at", "exchange.field.created_at", Stamp, true, false));
        }
        Entity::Fleet => {
            out.push(def("parc_id", "exchange.field.parc_id", Integer, true, false));
            out.push(def("customer_id", "exchange.field.customer_id", Integer, true, true));
            out.push(def("customer_erp_code", "exchange.field.customer_erp_code", Text, true, true));
            out.push(def("customer_vat_id", "exchange.field.customer_vat_id", Text, true, true));
            out.push(def("customer_country", "exchange.field.customer_country", Text, true, true));
            out.push(def("customer_name", "exchange.field.customer_name", Text, true, false));
            for (f, ty) in [
                ("brand", Text),
                ("model", Text),
                ("category", Text),
                ("weight_class", Text),
                ("gross_weight_kg", Integer),
                ("vehicles", Integer),
                ("vin", Text),
                ("plate", Text),
                ("first_registered", Integer),
                ("mileage_km", Integer),
                ("mileage_read_on", Date),
                ("ownership", Text),
                ("supplier", Text),
                ("renewal_due", Date),
                ("renewal_manual", Bool),
                ("inspection_due", Date),
                ("notes", Text),
            ] {
                out.push(def(f, &format!("fleet.{f}"), ty, true, true));
            }
        }
        Entity::Orders => {
            for (f, label, ty) in [
                ("order_number", "offer.number", Text),
                ("revision", "exchange.field.revision", Integer),
                ("customer_id", "exchange.field.customer_id", Integer),
                ("customer_erp_code", "exchange.field.customer_erp_code", Text),
                ("customer_vat_id", "exchange.field.customer_vat_id", Text),
                ("customer_name", "exchange.field.customer_name", Text),
                ("order_date", "exchange.field.order_date", Date),
                ("offer_date", "offer.date", Date),
                ("currency", "offer.currency", Text),
                ("salesperson", "offer.salesperson", User),
                ("payment_terms", "offer.payment_terms", Text),
                ("delivery_time", "offer.delivery_time", Text),
                ("line_no", "exchange.field.line_no", Integer),
                ("code", "offer.code", Text),
                ("description", "offer.description", Text),
                ("quantity", "offer.quantity", Integer),
                ("unit_price", "offer.unit_price", Money),
                ("discount", "offer.discount", Percent),
                ("vat_rate", "offer.vat", Percent),
                ("line_net", "offer.amount", Money),
                ("order_net", "exchange.field.order_net", Money),
                ("order_vat", "exchange.field.order_vat", Money),
                ("order_gross", "offer.gross", Money),
                ("trade_in", "exchange.field.trade_in", Money),
                ("order_total", "offer.to_pay", Money),
            ] {
                out.push(def(f, label, ty, true, false));
            }
        }
        Entity::PriceList => {
            for (f, label, ty) in [
                ("code", "prices.code", Text),
                ("kind", "prices.kind", Text),
                ("supplier", "prices.supplier", Text),
                ("price", "prices.price", Money),
                ("currency", "offer.currency", Text),
                ("valid_from", "prices.valid_from", Date),
                ("valid_to", "prices.valid_to", Date),
            ] {
                out.push(def(f, label, ty, false, true));
            }
            for what in ["name", "description"] {
                for l in crate::ground::i18n::Locale::ALL {
                    let key = format!("{what}_{}", l.code());
                    out.push(def(&key, &format!("exchange.field.{key}"), Text, false, true));
                }
            }
        }
        Entity::Sightings => {
            out.push(def("customer_id", "exchange.field.customer_id", Integer, false, true));
            out.push(def("customer_erp_code", "exchange.field.customer_erp_code", Text, false, true));
            out.push(def("customer_vat_id", "exchange.field.customer_vat_id", Text, false, true));
            out.push(def("customer_country", "exchange.field.customer_country", Text, false, true));
            out.push(def("competitor", "sightings.competitor", Text, false, true));
            out.push(def("seen_on", "sightings.seen_on", Date, false, true));
            out.push(def("product", "sightings.product", Text, false, true));
            out.push(def("price", "sightings.price", Money, false, true));
            out.push(def("currency", "sightings.currency", Text, false, true));
            out.push(def("conditions", "sightings.conditions", Text, false, true));
            out.push(def("source", "sightings.source", Text, false, true));
        }
    }
    out
}

/// A column of a profile: the field, and the header it has in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub field: String,
    pub header: String,
}

/// What a profile says beside its name and entity.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileSettings {
    /// Export: the columns in file order. Import: which file header goes to which field.
    pub columns: Vec<Column>,
    pub format: FileFormat,
    /// Import: the encoding and separator are detected in each file unless this is false.
    pub detect: bool,
}

/// A profile as the editor sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileData {
    pub kind: Kind,
    pub name: String,
    pub entity: Entity,
    #[serde(default)]
    pub settings: ProfileSettings,
}

/// A saved profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: i64,
    #[serde(flatten)]
    pub data: ProfileData,
    /// What the last export sent up to (see [`Watermark`]); `None`: the next one is full.
    pub watermark: Option<String>,
    /// When it last ran (UTC, RFC 3339) and how many rows that wrote.
    pub last_run_at: Option<String>,
    pub last_rows: Option<i64>,
    pub runs: i64,
    pub version: i64,
}

impl ProfileData {
    /// Trims and checks a profile against the fields its entity has; every problem at once.
    pub fn validated(mut self, custom: &[CustomField]) -> Result<ProfileData> {
        self.name = self.name.trim().to_string();
        let mut errors = Vec::new();
        if self.name.is_empty() {
            errors.push(FieldError::new("name", "validation.profile_name_required"));
        }
        if self.name.chars().count() > 60 || crate::ground::vat::has_control(&self.name) {
            errors.push(FieldError::new("name", "validation.too_long"));
        }
        let allowed = match self.kind {
            Kind::Export => self.entity.can_export(),
            Kind::Import => self.entity.can_import(),
        };
        if !allowed {
            errors.push(FieldError::new("entity", "validation.choice"));
        }
        let known = fields(self.entity, custom);
        for c in &mut self.settings.columns {
            c.header = c.header.trim().to_string();
            if c.header.is_empty() {
                c.header = c.field.clone();
            }
        }
        let mut seen_fields = std::collections::HashSet::new();
        let mut seen_headers = std::collections::HashSet::new();
        for c in &self.settings.columns {
            let ok = known.iter().any(|f| {
                f.key == c.field
                    && match self.kind {
                        Kind::Export => f.export,
                        Kind::Import => f.import,
                    }
            });
            if !ok {
                errors.push(FieldError::new("columns", "validation.exchange_unknown_field"));
            }
            if c.header.chars().count() > 100 || crate::ground::vat::has_control(&c.header) {
                errors.push(FieldError::new("columns", "validation.too_long"));
            }
            // An import may read one field from one header only; an export may repeat none.
            if !seen_fields.insert(c.field.as_str()) || !seen_headers.insert(crate::ground::search_key::fold(&c.header))
            {
                errors.push(FieldError::new("columns", "validation.exchange_column_repeated"));
            }
        }
        if self.kind == Kind::Export && self.settings.columns.is_empty() {
            errors.push(FieldError::new("columns", "validation.exchange_no_columns"));
        }
        errors.extend(self.settings.format.problems());
        errors.dedup();
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// Where an export of a profile left off, as its store counts changes: on SQLite the change
/// sequence it read up to, on PostgreSQL the snapshot it read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watermark {
    Sequence(i64),
    Snapshot(String),
}

impl Watermark {
    pub fn to_text(&self) -> String {
        match self {
            Watermark::Sequence(n) => format!("sqlite:{n}"),
            Watermark::Snapshot(s) => format!("postgres:{s}"),
        }
    }

    pub fn parse(text: &str) -> Option<Watermark> {
        if let Some(n) = text.strip_prefix("sqlite:") {
            return n.parse().ok().map(Watermark::Sequence);
        }
        let snap = text.strip_prefix("postgres:")?;
        // xmin:xmax:xip,xip…
        let mut parts = snap.split(':');
        let ok = parts.next()?.parse::<u64>().is_ok()
            && parts.next()?.parse::<u64>().is_ok()
            && parts.next().is_some_and(|x| x.is_empty() || x.split(',').all(|n| n.parse::<u64>().is_ok()))
            && parts.next().is_none();
        ok.then(|| Watermark::Snapshot(snap.to_string()))
    }

    /// The snapshot's xmin: every transaction before it had finished.
    pub(crate) fn xmin(&self) -> i64 {
        match self {
            Watermark::Sequence(n) => *n,
            Watermark::Snapshot(s) => s.split(':').next().and_then(|x| x.parse().ok()).unwrap_or(0),
        }
    }
}

fn cols(fields: &[&str]) -> Vec<Column> {
    fields.iter().map(|f| Column { field: f.to_string(), header: f.to_string() }).collect()
}

/// The columns of the shipped `customers` profiles: exporting then importing that file with
/// them changes nothing.
pub const CUSTOMER_COLUMNS: &[&str] = &[
    "erp_code",
    "name",
    "legal_form",
    "street",
    "postal_code",
    "city",
    "region",
    "country",
    "vat_id",
    "phone",
    "mobile",
    "fax",
    "email",
    "web",
    "business_type",
    "market_sectors",
    "ownership",
    "employees",
    "annual_turnover",
    "turnover_currency",
    "lead_source",
    "owner",
    "person_name",
    "person_position",
    "person_phone",
    "person_mobile",
    "person_email",
];

const FLEET_COLUMNS: &[&str] = &[
    "customer_erp_code",
    "customer_vat_id",
    "customer_country",
    "brand",
    "model",
    "category",
    "weight_class",
    "gross_weight_kg",
    "vehicles",
    "vin",
    "plate",
    "first_registered",
    "mileage_km",
    "mileage_read_on",
    "ownership",
    "supplier",
    "renewal_due",
    "inspection_due",
];

/// The profiles a new office starts with (each can be edited or deleted).
pub fn default_profiles() -> Vec<ProfileData> {
    let export = |name: &str, entity, columns: &[&str]| ProfileData {
        kind: Kind::Export,
        name: name.into(),
        entity,
        settings: ProfileSettings { columns: cols(columns), format: FileFormat::default(), detect: true },
    };
    let import =
        |name: &str, entity, columns: &[&str]| ProfileData { kind: Kind::Import, ..export(name, entity, columns) };
    let mut fleet_out = vec!["parc_id"];
    fleet_out.extend(FLEET_COLUMNS);
    fleet_out.insert(4, "customer_name");
    vec![
        export("customers", Entity::Customers, CUSTOMER_COLUMNS),
        export(
            "people",
            Entity::People,
            &[
                "parc_id",
                "customer_erp_code",
                "customer_vat_id",
                "customer_name",
                "name",
                "position",
                "title",
                "decision_role",
                "phone",
                "mobile",
                "email",
                "is_main",
                "active",
            ],
        ),
        export(
            "contacts",
            Entity::Contacts,
            &[
                "parc_id",
                "customer_erp_code",
                "customer_name",
                "happened_at",
                "kind",
                "duration_min",
                "user",
                "agreed",
                "next_action",
                "next_due",
                "next_user",
                "next_done_at",
            ],
        ),
        export("fleet", Entity::Fleet, &fleet_out),
        export(
            "orders",
            Entity::Orders,
            &[
                "order_number",
                "revision",
                "customer_erp_code",
                "customer_vat_id",
                "customer_name",
                "order_date",
                "currency",
                "salesperson",
                "line_no",
                "code",
                "description",
                "quantity",
                "unit_price",
                "discount",
                "vat_rate",
                "line_net",
                "order_net",
                "order_vat",
                "order_total",
            ],
        ),
        import("customers", Entity::Customers, CUSTOMER_COLUMNS),
        import("fleet", Entity::Fleet, FLEET_COLUMNS),
        import(
            "price_list",
            Entity::PriceList,
            &[
                "code",
                "kind",
                "supplier",
                "price",
                "currency",
                "valid_from",
                "valid_to",
                "name_en",
                "name_it",
                "name_pl",
                "name_lt",
                "name_zh",
                "description_en",
                "description_it",
                "description_pl",
                "description_lt",
                "description_zh",
            ],
        ),
        import(
            "sightings",
            Entity::Sightings,
            &[
                "customer_erp_code",
                "customer_vat_id",
                "customer_country",
                "competitor",
                "seen_on",
                "product",
                "price",
                "currency",
                "conditions",
                "source",
            ],
        ),
    ]
}

/// What long work tells about itself: the stage and how far it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading and decoding the file.
    Reading,
    /// Checking rows against the rules and the stored customers.
    Checking,
    /// Writing rows (to the file, or to the database).
    Writing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profiles_are_valid_and_the_customer_ones_share_their_columns() {
        let all = default_profiles();
        for p in &all {
            p.clone().validated(&[]).unwrap_or_else(|e| panic!("{} {:?}: {e}", p.name, p.kind));
        }
        let find = |k, n: &str| all.iter().find(|p| p.kind == k && p.name == n).unwrap();
        assert_eq!(find(Kind::Export, "customers").settings.columns, find(Kind::Import, "customers").settings.columns);
    }

    #[test]
    fn profiles_refuse_unknown_or_repeated_columns() {
        let mut p = default_profiles().remove(0);
        p.settings.columns.push(Column { field: "shoe_size".into(), header: "x".into() });
        p.settings.columns.push(Column { field: "name".into(), header: "Name again".into() });
        p.settings.format.decimal = ';';
        let Err(Error::Validation(e)) = p.validated(&[]) else { panic!() };
        let keys: Vec<&str> = e.iter().map(|f| f.key).collect();
        assert_eq!(
            keys,
            ["validation.exchange_unknown_field", "validation.exchange_column_repeated", "validation.exchange_decimal"]
        );
    }

    #[test]
    fn watermarks_read_back_and_refuse_garbage() {
        for w in
            [Watermark::Sequence(42), Watermark::Snapshot("10:20:11,15".into()), Watermark::Snapshot("5:5:".into())]
        {
            assert_eq!(Watermark::parse(&w.to_text()), Some(w));
        }
        for bad in ["", "sqlite:x", "postgres:1:2", "postgres:1:2:3:4", "postgres:a:b:", "other:1"] {
            assert_eq!(Watermark::parse(bad), None, "{bad}");
        }
        assert_eq!(Watermark::Snapshot("10:20:".into()).xmin(), 10);
    }
}
