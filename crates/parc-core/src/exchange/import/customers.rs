//! Planning customer rows: the customer, its people, and what is new.

use super::*;

/// Where a customer row's customer goes: a stored one, or one this import creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Dest {
    Stored(i64),
    New(usize),
}

/// A customer's part of the plan, shared by its rows.
pub(super) struct Group {
    pub(super) dest: Option<Dest>,
    /// The first row's line, for the rows that follow it.
    pub(super) line: usize,
    pub(super) rejected: bool,
}

pub(super) fn plan_customers(
    store: &mut Store,
    ctx: &mut Context,
    rows: &[Cells],
    lines: &[usize],
    options: &ImportOptions,
    write: &mut ImportWrite,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Vec<Outcome>> {
    let total = rows.len() as u64;
    // First pass: every row's keys and which stored customers it may touch.
    let fallback = ctx.fallback_country().map(str::to_string);
    let keys: Vec<RowKey> =
        rows.iter().map(|c| RowKey::of(c, "erp_code", "vat_id", "country", fallback.as_deref())).collect();
    let mut wanted: HashSet<i64> = HashSet::new();
    let mut cities = HashSet::new();
    for (k, c) in keys.iter().zip(rows) {
        match ctx.find(k) {
            Ok(Some(id)) => {
                wanted.insert(id);
            }
            Ok(None) => {
                cities.insert(city_key(c.get("city").unwrap_or("")));
            }
            Err(_) => {}
        }
    }
    let mut similar = Similar::default();
    similar.add_cities(&ctx.keys, &cities);
    for (k, c) in keys.iter().zip(rows) {
        if matches!(ctx.find(k), Ok(None)) {
            for i in similar.candidates(c.get("city").unwrap_or(""), c.get("name").unwrap_or("")) {
                // Only those `plan_customer` compares the row with (another VAT id is another
                // company): a file of new customers reads no stored card it will not look at.
                let stored = &ctx.keys[i];
                if k.vat.is_empty() || stored.vat_id.is_empty() || stored.vat_id == k.vat {
                    wanted.insert(stored.id);
                }
            }
        }
    }
    for d in options.decisions.values() {
        if let Decision::Update(id) = d {
            if ctx.by_id.contains_key(id) {
                wanted.insert(*id);
            }
        }
    }
    let wanted: Vec<i64> = wanted.into_iter().collect();
    let (mut stored, people) = store.read(|x| Ok((rows::customers(x, &wanted)?, rows::people_of(x, &wanted)?)))?;
    let mut people_of: HashMap<i64, Vec<crate::customer::person::Person>> = HashMap::new();
    for p in people {
        people_of.entry(p.customer_id).or_default().push(p);
    }
    let has_person_columns = PERSON_FIELDS.iter().any(|f| rows.first().is_some_and(|c| c.mapped(f)));

    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    // Stored customers this import updates: the index of the update, to merge later rows.
    let mut updates_of: HashMap<i64, usize> = HashMap::new();
    // People this import creates, per destination, to match later rows by name.
    let mut new_people_of: HashMap<Dest, Vec<usize>> = HashMap::new();
    let mut person_updates_of: HashMap<i64, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());

    for (n, (cells, key)) in rows.iter().zip(&keys).enumerate() {
        if n % 1000 == 0 {
            progress(Progress { stage: Stage::Checking, done: n as u64, total })?;
        }
        let mut o = Outcome::new(lines[n]);
        o.label = cells.get("name").unwrap_or("").to_string();
        // Rows of one customer: the same ERP code or VAT id, or (without either) the same
        // customer cells.
        let group_keys: Vec<String> = {
            let mut g = Vec::new();
            if !key.erp.is_empty() {
                g.push(format!("e\u{1f}{}", key.erp));
            }
            if !key.vat.is_empty() {
                g.push(format!("v\u{1f}{}\u{1f}{}", key.country, key.vat));
            }
            if g.is_empty() {
                let own: Vec<&str> =
                    cells.iter().filter(|(d, _, _)| !d.key.starts_with("person_")).map(|(_, _, v)| v).collect();
                g.push(format!("c\u{1f}{}", own.join("\u{1f}")));
            }
            g
        };
        // The row's person is checked on its own first: a row whose person is wrong is
        // rejected whole, before its customer is planned.
        let person_cells: Vec<(&FieldDef, &str, &str)> =
            cells.iter().filter(|(d, _, _)| d.key.starts_with("person_")).collect();
        if has_person_columns && !person_cells.is_empty() {
            let mut alone = PersonData { active: true, ..Default::default() };
            for (def, _, value) in &person_cells {
                set_person(&mut alone, &def.key, value);
            }
            alone.name = cells.person_name().unwrap_or_default();
            if let Err(Error::Validation(errors)) = alone.validated() {
                for e in errors {
                    o.reject(format!("person.{}", e.field), e.key);
                }
            }
        }
        let existing_group = group_keys.iter().find_map(|k| group_of.get(k).copied());
        if o.status == RowStatus::Rejected {
            if existing_group.is_none() {
                let g = groups.len();
                groups.push(Group { dest: None, line: lines[n], rejected: true });
                for k in &group_keys {
                    group_of.insert(k.clone(), g);
                }
            }
            out.push(o);
            continue;
        }
        let group = match existing_group {
            Some(g) => {
                let first = &groups[g];
                if first.rejected {
                    o.reject("name", "validation.exchange_group_rejected");
                    o.label = format!("{} ({})", o.label, first.line);
                    out.push(o);
                    continue;
                }
                // A further row of a customer planned above: only its person counts.
                o.status = RowStatus::Unchanged;
                o.target = match first.dest {
                    Some(Dest::Stored(id)) => Some(id),
                    _ => None,
                };
                g
            }
            None => {
                let g = groups.len();
                groups.push(Group { dest: None, line: lines[n], rejected: false });
                for k in &group_keys {
                    group_of.insert(k.clone(), g);
                }
                // The customer's own part, from this first row.
                let dest =
                    plan_customer(ctx, &mut stored, &similar, cells, key, options, &mut o, write, &mut updates_of)?;
                groups[g].dest = dest;
                if o.status == RowStatus::Rejected {
                    groups[g].rejected = true;
                }
                g
            }
        };
        let dest = groups[group].dest;
        // The row's person, when it names one.
        // The customer skipped (a duplicate not decided) or rejected: so is its person.
        if let (Some(dest), false, true) = (dest, person_cells.is_empty(), o.status != RowStatus::Rejected) {
            plan_person(
                dest,
                &person_cells,
                cells,
                &mut o,
                write,
                &people_of,
                &mut new_people_of,
                &mut person_updates_of,
            );
        }
        out.push(o);
    }
    Ok(out)
}

/// Plans a group's customer from its first row. Returns where its people go (`None` when the
/// customer is skipped or rejected).
#[allow(clippy::too_many_arguments)]
pub(super) fn plan_customer(
    ctx: &Context,
    stored: &mut HashMap<i64, Customer>,
    similar: &Similar,
    cells: &Cells,
    key: &RowKey,
    options: &ImportOptions,
    o: &mut Outcome,
    write: &mut ImportWrite,
    updates_of: &mut HashMap<i64, usize>,
) -> Result<Option<Dest>> {
    let format = cells.format;
    let own: Vec<(&FieldDef, &str, &str)> = cells.iter().filter(|(d, _, _)| !d.key.starts_with("person_")).collect();
    // The customer the row updates: by its keys, else as the person decided for a duplicate.
    let mut target = match ctx.find(key) {
        Ok(t) => t,
        Err(field) => {
            o.reject(field, "validation.exchange_keys_disagree");
            return Ok(None);
        }
    };
    let keyed = target.is_some();
    // Applies the row's cells over `base`, then checks the result as the card would.
    let build = |base: CustomerData, o: &mut Outcome| -> Result<Option<CustomerData>> {
        let mut d = base;
        let (previous, previous_source) = (d.custom.clone(), d.lead_source.clone());
        let mut bad = Vec::new();
        for (def, _, value) in &own {
            if let Err(msg) = set_customer(&mut d, def, value, format, ctx) {
                bad.push(FieldError::new(def.key.clone(), msg));
            }
        }
        if !bad.is_empty() {
            for e in bad {
                o.problems.push(e);
            }
            o.status = RowStatus::Rejected;
            return Ok(None);
        }
        // "ul. Grójecka", "186" and "12" in columns of their own: one street line.
        if let Some(street) = cells.get("street") {
            let mut line = street.to_string();
            if let Some(number) = cells.get("street_number") {
                line = format!("{line} {number}");
            }
            if let Some(flat) = cells.get("street_flat") {
                line = format!("{line}/{flat}");
            }
            if let Some(more) = cells.get("street_line2") {
                line = format!("{line}, {more}");
            }
            d.street = line;
        }
        // Where the row says nothing: its VAT id's country, then the file's values, then the
        // office's home country.
        if d.country.is_empty() && !key.assumed {
            d.country = key.country.clone();
        }
        for (def, value) in &ctx.defaults {
            if unset(&d, &def.key) {
                set_customer(&mut d, def, value, format, ctx).expect("checked when the import began");
            }
        }
        if d.country.is_empty() {
            d.country = ctx.home.clone().unwrap_or_default();
        }
        match crate::customer::store::validated_customer(&ctx.custom, &ctx.reasons, d, &previous, &previous_source) {
            Ok(d) => Ok(Some(d)),
            Err(Error::Validation(errors)) => {
                o.problems.extend(errors);
                o.status = RowStatus::Rejected;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    };
    if target.is_none() {
        let name = cells.get("name").unwrap_or("");
        let city = cells.get("city").unwrap_or("");
        let found: Vec<&CustomerKey> = similar
            .candidates(city, name)
            .into_iter()
            .map(|i| &ctx.keys[i])
            // Two different VAT ids are two companies, however alike their names.
            .filter(|k| key.vat.is_empty() || k.vat_id.is_empty() || k.vat_id == key.vat)
            .collect();
        if !found.is_empty() {
            // A row that changes nothing of one of them is that customer, already here.
            for k in &found {
                if let Some(c) = stored.get(&k.id) {
                    let mut probe = Outcome::new(o.line);
                    if build(c.data.clone(), &mut probe)?.as_ref() == Some(&c.data) {
                        o.status = RowStatus::Unchanged;
                        o.target = Some(k.id);
                        o.label = c.data.name.clone();
                        return Ok(Some(Dest::Stored(k.id)));
                    }
                }
            }
            o.candidates = found
                .iter()
                .map(|k| Candidate {
                    id: k.id,
                    name: k.name.clone(),
                    city: k.city.clone(),
                    vat_id: k.vat_id.clone(),
                    erp_code: k.erp_code.clone(),
                })
                .collect();
            match options.decisions.get(&o.line).copied().unwrap_or(options.duplicates) {
                Decision::Skip => {
                    o.status =
                        if options.decisions.contains_key(&o.line) { RowStatus::Skip } else { RowStatus::Duplicate };
                    return Ok(None);
                }
                // "The stored one", when there is exactly one (scripts cannot name it).
                Decision::Update(0) if found.len() == 1 && stored.contains_key(&found[0].id) => {
                    target = Some(found[0].id)
                }
                Decision::Update(0) => {
                    o.status = RowStatus::Duplicate;
                    return Ok(None);
                }
                Decision::Update(id) if stored.contains_key(&id) => target = Some(id),
                Decision::Update(_) => {
                    o.reject("name", "validation.exchange_customer_not_found");
                    return Ok(None);
                }
                Decision::Create => {}
            }
        }
    }
    match target {
        Some(id) => {
            let Some(current) = stored.get(&id).cloned() else {
                o.reject("name", "validation.exchange_customer_not_found");
                return Ok(None);
            };
            o.target = Some(id);
            // Two rows updating one customer (a duplicate decided onto a keyed one): the
            // second merges into the first's update.
            let (base, pending) = match updates_of.get(&id) {
                Some(i) => (write.customer_updates[*i].2.clone(), Some(*i)),
                None => (current.data.clone(), None),
            };
            let Some(mut d) = build(base, o)? else { return Ok(None) };
            // The same keys with another company's name: the card keeps its name, and the
            // line says so rather than renaming a customer quietly.
            if keyed && !d.name.is_empty() && !same_company(&d.name, &current.data.name) {
                o.warnings.push(FieldError::new("name", "exchange.warning.name_differs"));
                o.label = format!("{} ≠ {}", cells.get("name").unwrap_or(&d.name), current.data.name);
                d.name = current.data.name.clone();
            } else {
                o.label = d.name.clone();
            }
            if d == current.data {
                o.status = RowStatus::Unchanged;
            } else {
                o.status = RowStatus::Update;
                o.changed = changed_fields(&current.data, &d);
                match pending {
                    Some(i) => write.customer_updates[i].2 = d.clone(),
                    None => {
                        updates_of.insert(id, write.customer_updates.len());
                        write.customer_updates.push((id, current.version, d.clone()));
                    }
                }
                stored.insert(id, Customer { data: d, ..current });
            }
            Ok(Some(Dest::Stored(id)))
        }
        None => {
            let Some(d) = build(CustomerData::default(), o)? else { return Ok(None) };
            o.label = d.name.clone();
            o.status = RowStatus::Create;
            write.new_customers.push(d);
            Ok(Some(Dest::New(write.new_customers.len() - 1)))
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn plan_person(
    dest: Dest,
    person_cells: &[(&FieldDef, &str, &str)],
    cells: &Cells,
    o: &mut Outcome,
    write: &mut ImportWrite,
    people_of: &HashMap<i64, Vec<crate::customer::person::Person>>,
    new_people_of: &mut HashMap<Dest, Vec<usize>>,
    person_updates_of: &mut HashMap<i64, usize>,
) {
    let Some(name) = cells.person_name() else {
        o.reject("person_name", "validation.person_name_required");
        return;
    };
    let wanted = fold(&name);
    let apply = |mut p: PersonData| {
        for (def, _, value) in person_cells {
            set_person(&mut p, &def.key, value);
        }
        p.name = name.clone();
        p
    };
    let stored = match dest {
        Dest::Stored(id) => people_of.get(&id).map(Vec::as_slice).unwrap_or(&[]),
        Dest::New(_) => &[],
    };
    let person_problems = |p: PersonData, o: &mut Outcome| -> Option<PersonData> {
        match p.validated() {
            Ok(p) => Some(p),
            Err(Error::Validation(errors)) => {
                for e in errors {
                    o.reject(format!("person.{}", e.field), e.key);
                }
                None
            }
            Err(_) => None,
        }
    };
    let bump = |o: &mut Outcome| {
        if o.status == RowStatus::Unchanged {
            o.status = RowStatus::Update;
        }
    };
    // A person this import already creates for the customer.
    if let Some(i) =
        new_people_of.get(&dest).and_then(|v| v.iter().copied().find(|i| fold(&write.new_people[*i].1.name) == wanted))
    {
        let Some(p) = person_problems(apply(write.new_people[i].1.clone()), o) else { return };
        write.new_people[i].1 = p;
        return;
    }
    // A stored person of that name.
    if let Some(current) = stored.iter().find(|p| fold(&p.data.name) == wanted) {
        let base = match person_updates_of.get(&current.id) {
            Some(i) => write.person_updates[*i].2.clone(),
            None => current.data.clone(),
        };
        let Some(p) = person_problems(apply(base), o) else { return };
        if p != current.data {
            o.changed.extend(changed_fields(&current.data, &p).into_iter().map(|f| format!("person.{f}")));
            bump(o);
            match person_updates_of.get(&current.id) {
                Some(i) => write.person_updates[*i].2 = p,
                None => {
                    person_updates_of.insert(current.id, write.person_updates.len());
                    write.person_updates.push((current.id, current.version, p));
                }
            }
        }
        return;
    }
    // A new person: the customer's main contact when it has none yet.
    let has_main = stored.iter().any(|p| p.data.is_main)
        || new_people_of.get(&dest).is_some_and(|v| v.iter().any(|i| write.new_people[*i].1.is_main));
    let base = PersonData { active: true, is_main: !has_main, ..Default::default() };
    let Some(p) = person_problems(apply(base), o) else { return };
    let r = match dest {
        Dest::Stored(id) => CustomerRef::Stored(id),
        Dest::New(i) => CustomerRef::New(i),
    };
    new_people_of.entry(dest).or_default().push(write.new_people.len());
    write.new_people.push((r, p));
    bump(o);
}
