//! Planning an import: each row checked and matched against the stored data before anything is written.

use super::*;

pub(super) struct Plan {
    pub(super) check: ImportCheck,
    pub(super) write: ImportWrite,
    pub(super) headers: Vec<String>,
    pub(super) delimiter: char,
    /// Rejected rows as they were, with the reason.
    pub(super) rejected: Vec<(Vec<String>, String)>,
}

/// A row's outcome while planning.
pub(super) struct Outcome {
    pub(super) line: usize,
    pub(super) status: RowStatus,
    pub(super) label: String,
    pub(super) problems: Vec<FieldError>,
    pub(super) warnings: Vec<FieldError>,
    pub(super) candidates: Vec<Candidate>,
    pub(super) target: Option<i64>,
    pub(super) changed: Vec<String>,
}

impl Outcome {
    pub(super) fn new(line: usize) -> Outcome {
        Outcome {
            line,
            status: RowStatus::Create,
            label: String::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
            candidates: Vec::new(),
            target: None,
            changed: Vec::new(),
        }
    }

    pub(super) fn reject(&mut self, field: impl Into<std::borrow::Cow<'static, str>>, key: &'static str) {
        self.problems.push(FieldError::new(field, key));
        self.status = RowStatus::Rejected;
    }
}

pub(super) fn plan(
    store: &mut Store,
    bytes: &[u8],
    options: &ImportOptions,
    locale: Locale,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Plan> {
    progress(Progress { stage: Stage::Reading, done: 0, total: bytes.len() as u64 })?;
    if !options.entity.can_import() {
        return Err(Error::invalid("entity", "validation.choice"));
    }
    let problems = options.settings.format.problems();
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let custom = store.custom_fields()?;
    let defs = import_fields(options.entity, &custom);
    let file =
        read(bytes, &options.settings, &defs, options.encoding, options.delimiter, options.sheet.as_deref(), locale)?;
    let columns = map_columns(&file.headers, &options.settings, &defs, file.positional);
    if columns.iter().all(Option::is_none) && !file.rows.is_empty() {
        return Err(Error::invalid("columns", "validation.exchange_nothing_mapped"));
    }
    let format = FileFormat { delimiter: file.delimiter, ..options.settings.format.clone() };
    let total = file.rows.len() as u64;
    progress(Progress { stage: Stage::Checking, done: 0, total })?;
    let mut ctx = Context::load(store, custom)?;
    if !options.defaults.is_empty() {
        ctx.defaults = file_values(&ctx, &defs, &options.defaults, &format)?;
    }
    let unmapped: Vec<String> = columns
        .iter()
        .enumerate()
        .filter(|(_, m)| m.is_none())
        .filter_map(|(i, _)| match file.headers[i].trim() {
            "" if file.rows.iter().any(|(_, r)| r.get(i).is_some_and(|c| !c.trim().is_empty())) => {
                Some(format!("#{}", i + 1))
            }
            "" => None,
            h => Some(h.to_string()),
        })
        .collect();
    let mut write = ImportWrite::default();
    let rows: Vec<Cells> =
        file.rows.iter().map(|(_, r)| Cells { cells: r, columns: &columns, format: &format }).collect();
    let lines: Vec<usize> = file.rows.iter().map(|(l, _)| *l).collect();
    let outcomes = match options.entity {
        Entity::Customers => plan_customers(store, &mut ctx, &rows, &lines, options, &mut write, progress)?,
        Entity::Fleet => plan_fleet(store, &mut ctx, &rows, &lines, &mut write, progress)?,
        Entity::Sightings => plan_sightings(store, &mut ctx, &rows, &lines, &mut write, progress)?,
        Entity::PriceList => plan_price_list(store, &rows, &lines, &mut write, progress)?,
        _ => return Err(Error::invalid("entity", "validation.choice")),
    };
    let header_of = |field: &str| -> String {
        let key = field.strip_prefix("person.").map(|f| format!("person_{f}")).unwrap_or_else(|| field.to_string());
        columns
            .iter()
            .flatten()
            .find(|(d, _)| d.key == key || d.key == field)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| field.to_string())
    };
    let problem = |e: &FieldError| Problem {
        column: header_of(&e.field),
        field: e.field.to_string(),
        key: e.key,
        message: i18n::tr(locale, e.key).to_string(),
    };
    let mut check = ImportCheck {
        entity: options.entity,
        encoding: file.encoding,
        delimiter: file.delimiter,
        rows: outcomes.len(),
        create: 0,
        update: 0,
        unchanged: 0,
        duplicates: 0,
        skipped: 0,
        rejected: 0,
        reports: Vec::new(),
        truncated: false,
        unmapped,
    };
    let mut rejected = Vec::new();
    for (o, (_, cells)) in outcomes.into_iter().zip(&file.rows) {
        match o.status {
            RowStatus::Create => check.create += 1,
            RowStatus::Update => check.update += 1,
            RowStatus::Unchanged => check.unchanged += 1,
            RowStatus::Duplicate => check.duplicates += 1,
            RowStatus::Skip => check.skipped += 1,
            RowStatus::Rejected => check.rejected += 1,
        }
        let problems: Vec<Problem> = o.problems.iter().map(problem).collect();
        if o.status == RowStatus::Rejected {
            let reason = problems.iter().map(|p| format!("{}: {}", p.column, p.message)).collect::<Vec<_>>().join("; ");
            rejected.push((cells.clone(), reason));
        }
        let plain = matches!(o.status, RowStatus::Create | RowStatus::Unchanged) && o.warnings.is_empty();
        if !plain {
            if check.reports.len() < REPORTED {
                check.reports.push(RowReport {
                    line: o.line,
                    status: o.status,
                    label: o.label,
                    problems,
                    warnings: o.warnings.iter().map(problem).collect(),
                    candidates: o.candidates,
                    target: o.target,
                    changed: o.changed,
                });
            } else {
                check.truncated = true;
            }
        }
    }
    progress(Progress { stage: Stage::Checking, done: total, total })?;
    Ok(Plan { check, write, headers: file.headers, delimiter: file.delimiter, rejected })
}

/// What an import reads of the store once.
pub(super) struct Context {
    pub(super) custom: Vec<CustomField>,
    /// The office's lead sources (and reasons), which a customer's lead source is checked against.
    pub(super) reasons: ReasonSettings,
    /// Each user's id, initials and name, folded once (an owner column names one on every row).
    pub(super) user_keys: Vec<(i64, String, String)>,
    pub(super) keys: Vec<CustomerKey>,
    pub(super) by_id: HashMap<i64, usize>,
    pub(super) by_erp: HashMap<String, i64>,
    pub(super) by_vat: HashMap<(String, String), i64>,
    /// VAT ids without a country: the customers holding each.
    pub(super) by_bare_vat: HashMap<String, Vec<i64>>,
    /// The office's home country: a customer's when nothing else says.
    pub(super) home: Option<String>,
    /// The values for the whole file, checked: (field, value).
    pub(super) defaults: Vec<(FieldDef, String)>,
}

impl Context {
    pub(super) fn load(store: &mut Store, custom: Vec<CustomField>) -> Result<Context> {
        let users = store.users()?;
        let reasons = store.reason_settings()?;
        let keys = store.read(rows::customer_keys)?;
        let user_keys = users.iter().map(|u| (u.id, fold(&u.data.initials), fold(&u.data.name))).collect();
        let home = store.home_country()?;
        let mut ctx = Context {
            home,
            defaults: Vec::new(),
            custom,
            reasons,
            user_keys,
            by_id: HashMap::with_capacity(keys.len()),
            by_erp: HashMap::new(),
            by_vat: HashMap::new(),
            by_bare_vat: HashMap::new(),
            keys,
        };
        for (i, k) in ctx.keys.iter().enumerate() {
            ctx.by_id.insert(k.id, i);
            if !k.erp_code.is_empty() {
                ctx.by_erp.insert(k.erp_code.clone(), k.id);
            }
            if !k.vat_id.is_empty() {
                ctx.by_vat.insert((k.country.clone(), k.vat_id.clone()), k.id);
                ctx.by_bare_vat.entry(k.vat_id.clone()).or_default().push(k.id);
            }
        }
        Ok(ctx)
    }

    pub(super) fn user(&self, text: &str) -> Option<i64> {
        let wanted = fold(text);
        self.user_keys
            .iter()
            .find(|(_, initials, _)| *initials == wanted)
            .or_else(|| self.user_keys.iter().find(|(_, _, name)| *name == wanted))
            .map(|(id, _, _)| *id)
    }

    /// The stored customer a row names by its keys: `Err` with the field when the keys
    /// name two different customers.
    pub(super) fn find(&self, key: &RowKey) -> std::result::Result<Option<i64>, &'static str> {
        let by_erp = (!key.erp.is_empty()).then(|| self.by_erp.get(&key.erp).copied()).flatten();
        let by_vat = if key.vat.is_empty() {
            None
        } else if key.country.is_empty() {
            self.by_bare_vat(&key.vat)
        } else {
            // A country the row itself does not give (the file's or the office's) is only a
            // default: a stored customer of another country with that id is still the one.
            self.by_vat.get(&(key.country.clone(), key.vat.clone())).copied().or_else(|| {
                if key.assumed {
                    self.by_bare_vat(&key.vat)
                } else {
                    None
                }
            })
        };
        match (by_erp, by_vat) {
            (Some(a), Some(b)) if a != b => Err("vat_id"),
            (a, b) => Ok(a.or(b)),
        }
    }

    pub(super) fn by_bare_vat(&self, vat: &str) -> Option<i64> {
        match self.by_bare_vat.get(vat).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            _ => None,
        }
    }

    /// The country a customer row gets when neither a cell nor its VAT id's prefix gives one:
    /// the file's value, else the office's home country.
    pub(super) fn fallback_country(&self) -> Option<&str> {
        self.defaults.iter().find(|(d, _)| d.key == "country").map(|(_, v)| v.as_str()).or(self.home.as_deref())
    }

    /// The customer a fleet line or sighting belongs to: by Parc id, ERP code or VAT id.
    pub(super) fn owner(&self, cells: &Cells, out: &mut Outcome) -> Option<i64> {
        let mapped = ["customer_id", "customer_erp_code", "customer_vat_id"].iter().any(|k| cells.mapped(k));
        if !mapped {
            out.reject("customer_erp_code", "validation.exchange_customer_key_missing");
            return None;
        }
        if let Some(id) = cells.get("customer_id") {
            return match id.parse::<i64>().ok().filter(|id| self.by_id.contains_key(id)) {
                Some(id) => Some(id),
                None => {
                    out.reject("customer_id", "validation.exchange_customer_not_found");
                    None
                }
            };
        }
        let key = RowKey::of(cells, "customer_erp_code", "customer_vat_id", "customer_country", None);
        if key.erp.is_empty() && key.vat.is_empty() {
            out.reject("customer_erp_code", "validation.exchange_customer_key_missing");
            return None;
        }
        match self.find(&key) {
            Ok(Some(id)) => Some(id),
            Ok(None) => {
                let field = if key.erp.is_empty() { "customer_vat_id" } else { "customer_erp_code" };
                out.reject(field, "validation.exchange_customer_not_found");
                None
            }
            Err(_) => {
                out.reject("customer_vat_id", "validation.exchange_keys_disagree");
                None
            }
        }
    }
}

/// A row's natural keys: the ERP code, the country and the normalised VAT id.
#[derive(Debug, Clone, Default)]
pub(super) struct RowKey {
    pub(super) erp: String,
    pub(super) country: String,
    pub(super) vat: String,
    /// The country is the file's or the office's, not the row's.
    pub(super) assumed: bool,
}

impl RowKey {
    /// The keys of a row; `fallback` is the country when neither the country cell nor the VAT
    /// id's prefix says.
    pub(super) fn of(cells: &Cells, erp: &str, vat_field: &str, country: &str, fallback: Option<&str>) -> RowKey {
        let erp = cells.get(erp).unwrap_or("").to_string();
        let mut country = cells.get(country).map(country_code).unwrap_or_default();
        let raw = cells.get(vat_field).unwrap_or("");
        if country.is_empty() {
            country = vat_prefix(raw).unwrap_or_default();
        }
        let assumed = country.is_empty() && fallback.is_some();
        if assumed {
            country = fallback.unwrap_or_default().to_string();
        }
        let vat = if raw.is_empty() { String::new() } else { vat::normalize_vat(&country, raw) };
        RowKey { erp, country, vat, assumed }
    }
}
