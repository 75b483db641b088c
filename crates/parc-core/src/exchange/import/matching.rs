//! How an import recognises a stored customer and reads a cell into a field: keys, similar names, choices.

use super::*;

/// The country a VAT id's prefix names ("IT01234567897", "IT: 0123…", "EL…" for Greece).
pub(super) fn vat_prefix(raw: &str) -> Option<String> {
    let compact: String = raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if compact.len() > 4 && compact[..2].chars().all(|c| c.is_ascii_alphabetic()) {
        let prefix = compact[..2].to_ascii_uppercase();
        return Some(if prefix == "EL" { "GR".into() } else { prefix });
    }
    None
}

/// A country cell as a code: a code or name understood ([`country::lookup`]), else the cell in
/// capitals, which the customer's checks then refuse.
pub(super) fn country_code(cell: &str) -> String {
    country::lookup(cell).unwrap_or_else(|| cell.trim().to_uppercase())
}

/// A name as compared for duplicates: folded, legal forms and punctuation dropped.
pub(super) fn name_key(name: &str) -> String {
    const LEGAL_FORMS: &[&str] = &[
        "srl", "srls", "spa", "snc", "sas", "sapa", "coop", "sp", "zoo", "z", "o", "sa", "sk", "spk", "uab", "ab",
        "ii", "mb", "vsi", "ltd", "llc", "inc", "co", "gmbh", "ag", "kg", "ohg", "sro", "as", "kft", "bv", "nv", "oy",
        "sarl", "eurl", "plc", "the", "oo", "spzoo",
    ];
    const CJK_FORMS: &[&str] = &["股份有限公司", "有限责任公司", "有限公司", "集团", "公司"];
    let mut folded = fold(name);
    for f in CJK_FORMS {
        if let Some(stripped) = folded.strip_suffix(f) {
            folded = stripped.to_string();
        }
    }
    // "S.r.l." and "Srl" alike: dots go first, other punctuation separates words.
    let spaced: String =
        folded.chars().filter(|c| *c != '.').map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let kept: Vec<&str> = words.iter().copied().filter(|w| !LEGAL_FORMS.contains(w)).collect();
    // A name made only of legal-form words ("SA") keeps them.
    if kept.is_empty() {
        words.concat()
    } else {
        kept.concat()
    }
}

pub(super) fn city_key(city: &str) -> String {
    fold(city).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// At most one letter inserted, removed or replaced.
pub(in crate::exchange) fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix + 1.min(short.len() - prefix)..] == long[prefix + 1.min(long.len() - prefix)..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// Stored customers by city and name, for "very similar name in the same city".
#[derive(Default)]
pub(super) struct Similar {
    /// The hashes of (city, name key) and of (city, the name key less one letter), sorted,
    /// with the group of stored customers of that city and name key: a hash and no string per
    /// variant, so indexing a hundred thousand customers allocates next to nothing. A hash is
    /// only a lead: the city and the name are compared before a group's customers are
    /// candidates.
    pub(super) index: Vec<(u64, u32)>,
    pub(super) cities: HashSet<String>,
    /// The groups: (city key, name key) and their customers (indexes into the keys).
    pub(super) groups: Vec<(String, String, Vec<usize>)>,
}

impl Similar {
    /// The hashes of the name key and, when it has 5 letters or more, of each of its forms
    /// less one letter, each with the city's.
    pub(super) fn variants(city: &str, name: &str, out: &mut Vec<u64>) {
        // A multiply-rotate hash (as rustc's FxHash): collisions only cost a comparison.
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let step = |h: u64, v: u64| (h.rotate_left(5) ^ v).wrapping_mul(K);
        let seed = city.bytes().fold(step(0, 0xff), |h, b| step(h, b as u64));
        let chars: Vec<char> = name.chars().collect();
        out.clear();
        out.push(chars.iter().fold(seed, |h, c| step(h, *c as u64)));
        if chars.len() >= 5 {
            for skip in 0..chars.len() {
                let h = chars.iter().enumerate().filter(|(i, _)| *i != skip).fold(seed, |h, (_, c)| step(h, *c as u64));
                out.push(h);
            }
        }
    }

    /// Indexes the stored customers of `cities` (those the file names), once each.
    pub(super) fn add_cities(&mut self, keys: &[CustomerKey], cities: &HashSet<String>) {
        let fresh: HashSet<&String> = cities.iter().filter(|c| !self.cities.contains(*c)).collect();
        if fresh.is_empty() {
            return;
        }
        // Offices often have several customers of one name in a city: indexed once.
        let mut group_of: HashMap<(String, String), usize> = HashMap::new();
        let mut hashes = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let city = city_key(&k.city);
            if !fresh.contains(&city) {
                continue;
            }
            let name = name_key(&k.name);
            let next = self.groups.len();
            let g = *group_of.entry((city.clone(), name.clone())).or_insert(next);
            if g == next {
                Similar::variants(&city, &name, &mut hashes);
                self.index.extend(hashes.iter().map(|h| (*h, g as u32)));
                self.groups.push((city, name, Vec::new()));
            }
            self.groups[g].2.push(i);
        }
        self.index.sort_unstable();
        self.cities.extend(fresh.into_iter().cloned());
    }

    /// Stored customers with a very similar name in the same city.
    pub(super) fn candidates(&self, city: &str, name: &str) -> Vec<usize> {
        if self.index.is_empty() {
            return Vec::new();
        }
        let city = city_key(city);
        let name = name_key(name);
        if name.is_empty() {
            return Vec::new();
        }
        let mut hashes = Vec::new();
        Similar::variants(&city, &name, &mut hashes);
        let mut groups: Vec<u32> = hashes
            .iter()
            .flat_map(|h| {
                let from = self.index.partition_point(|(k, _)| k < h);
                self.index[from..].iter().take_while(move |(k, _)| k == h).map(|(_, g)| *g)
            })
            .collect();
        groups.sort_unstable();
        groups.dedup();
        let len = name.chars().count();
        let mut found: Vec<usize> = groups
            .into_iter()
            .map(|g| &self.groups[g as usize])
            .filter(|(c, stored, _)| {
                // A shared form less one letter exists only from 5 letters on (see `variants`).
                *c == city && one_edit_apart(stored, &name) && (*stored == name || len.max(stored.chars().count()) >= 5)
            })
            .flat_map(|(_, _, members)| members.iter().copied())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

pub(super) fn choice(prefix: &str, codes: &[&str], value: &str) -> String {
    // Every code and label folded once per list and thread, not once per row: the first code
    // whose code or label (in any language) folds to the cell's text, as a scan would find.
    thread_local! {
        static LISTS: std::cell::RefCell<HashMap<(String, usize), HashMap<String, String>>> = Default::default();
    }
    let folded = fold(value);
    LISTS.with(|lists| {
        let mut lists = lists.borrow_mut();
        let list = lists.entry((prefix.to_string(), codes.as_ptr() as usize)).or_insert_with(|| {
            let mut list = HashMap::new();
            for code in codes {
                list.entry(fold(code)).or_insert_with(|| code.to_string());
                for l in Locale::ALL {
                    list.entry(fold(i18n::tr(l, &format!("{prefix}.{code}")))).or_insert_with(|| code.to_string());
                }
            }
            list
        });
        list.get(&folded).cloned().unwrap_or_else(|| value.to_string())
    })
}

/// The office's lead source a cell names, by its code or its name in any language; else the
/// cell as it is, which the customer's checks then refuse.
pub(super) fn lead_source(reasons: &ReasonSettings, value: &str) -> String {
    let folded = fold(value);
    reasons
        .sources
        .iter()
        .find(|s| fold(&s.code) == folded || s.names.values().any(|n| fold(n) == folded))
        .map_or_else(|| value.to_string(), |s| s.code.clone())
}

/// Sets a customer field from a cell; `Err` with the message key when the cell is unreadable.
pub(super) fn set_customer(
    d: &mut CustomerData,
    def: &FieldDef,
    value: &str,
    format: &FileFormat,
    ctx: &Context,
) -> std::result::Result<(), &'static str> {
    let text = value.to_string();
    match def.key.as_str() {
        "erp_code" => d.erp_code = text,
        "name" => d.name = text,
        "legal_form" => d.legal_form = text,
        "street" => d.street = text,
        "postal_code" => d.postal_code = text,
        "city" => d.city = text,
        "region" => d.region = text,
        "country" => d.country = country_code(value),
        "other_address" => d.other_address = text,
        "phone" => d.phone = text,
        "mobile" => d.mobile = text,
        "fax" => d.fax = text,
        "email" => d.email = text,
        "web" => d.web = text,
        "vat_id" => d.vat_id = text,
        "business_type" => d.business_type = choice("business_type", BUSINESS_TYPES, value),
        "market_sectors" => d.market_sectors = text,
        "ownership" => d.ownership = text,
        "employees" => d.employees = Some(format.parse_integer(value).ok_or("validation.exchange_number")?),
        "annual_turnover" => d.annual_turnover = Some(format.parse_money(value).ok_or("validation.exchange_amount")?),
        "turnover_currency" => d.turnover_currency = text.to_ascii_uppercase(),
        "lead_source" => d.lead_source = lead_source(&ctx.reasons, value),
        "notes" => d.notes = text,
        "owner" => d.owner_id = Some(ctx.user(value).ok_or("validation.exchange_unknown_user")?),
        key => {
            let Some(id) = key.strip_prefix("custom.").and_then(|id| id.parse::<i64>().ok()) else { return Ok(()) };
            let kind = ctx.custom.iter().find(|f| f.id == id).map(|f| f.data.kind).unwrap_or(FieldKind::Text);
            let canonical = match kind {
                FieldKind::Number => format.parse_decimal(value).ok_or("validation.exchange_number")?,
                FieldKind::Date => format.parse_date(value).ok_or("validation.exchange_date")?,
                _ => text,
            };
            d.custom.insert(id, canonical);
        }
    }
    Ok(())
}

/// Whether a customer's field is empty, so a value for the whole file fills it.
pub(super) fn unset(d: &CustomerData, key: &str) -> bool {
    match key {
        "country" => d.country.is_empty(),
        "owner" => d.owner_id.is_none(),
        "lead_source" => d.lead_source.is_empty(),
        "turnover_currency" => d.turnover_currency.is_empty(),
        "business_type" => d.business_type.is_empty(),
        _ => false,
    }
}

/// Checks the values for the whole file as the card would take them: each of [`DEFAULTABLE`],
/// read like a cell of its column. An unknown field or an unreadable value refuses the import.
pub(super) fn file_values(
    ctx: &Context,
    defs: &[FieldDef],
    values: &BTreeMap<String, String>,
    format: &FileFormat,
) -> Result<Vec<(FieldDef, String)>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut probe = CustomerData::default();
    for (key, value) in values {
        let value = value.trim();
        let field = format!("defaults.{key}");
        let Some(def) = defs.iter().find(|d| d.key == *key && DEFAULTABLE.contains(&key.as_str())) else {
            errors.push(FieldError::new(field, "validation.exchange_default_field"));
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let checked = match set_customer(&mut probe, def, value, format, ctx) {
            Err(msg) => Err(msg),
            Ok(()) => match key.as_str() {
                "country" if country::lookup(value).is_none() => Err("validation.country"),
                "turnover_currency" if !crate::customer::CURRENCIES.contains(&probe.turnover_currency.as_str()) => {
                    Err("validation.currency")
                }
                "business_type" if !BUSINESS_TYPES.contains(&probe.business_type.as_str()) => Err("validation.choice"),
                "lead_source" if !ctx.reasons.sources.iter().any(|s| s.code == probe.lead_source && !s.retired) => {
                    Err("validation.lead_source")
                }
                _ => Ok(()),
            },
        };
        match checked {
            // The country as its code: it is also the keys' country for rows without one.
            Ok(()) if key == "country" => out.push((def.clone(), probe.country.clone())),
            Ok(()) => out.push((def.clone(), value.to_string())),
            Err(msg) => errors.push(FieldError::new(field, msg)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Validation(errors))
    }
}

/// Two names of one company: alike but for case, accents, punctuation, the legal form and one
/// letter.
pub(super) fn same_company(a: &str, b: &str) -> bool {
    let (a, b) = (name_key(a), name_key(b));
    a == b || one_edit_apart(&a, &b)
}

pub(super) fn set_person(p: &mut PersonData, key: &str, value: &str) {
    let text = value.to_string();
    match key {
        "person_name" => p.name = text,
        "person_position" => p.position = text,
        "person_title" => p.title = text,
        "person_decision_role" => p.decision_role = choice("decision_role", DECISION_ROLES, value),
        "person_phone" => p.phone = text,
        "person_mobile" => p.mobile = text,
        "person_email" => p.email = text,
        _ => {}
    }
}

/// The fields that differ between two descriptions of a record, by name.
pub(super) fn changed_fields<T: Serialize>(before: &T, after: &T) -> Vec<String> {
    audit::diff(&audit::describe(before), &audit::describe(after)).into_iter().map(|c| c.field).collect()
}
