//! Planning fleet lines, competitor sightings and price-list rows.

use super::*;

pub(super) fn set_line(
    d: &mut FleetLineData,
    def: &FieldDef,
    value: &str,
    format: &FileFormat,
) -> std::result::Result<(), &'static str> {
    let text = value.to_string();
    let int = || format.parse_integer(value).ok_or("validation.exchange_number");
    let day = || format.parse_date(value).ok_or("validation.exchange_date");
    match def.key.as_str() {
        "brand" => d.brand = text,
        "model" => d.model = text,
        "category" => d.category = text,
        "weight_class" => d.weight_class = text,
        "gross_weight_kg" => d.gross_weight_kg = Some(int()?),
        "vehicles" => d.vehicles = int()?,
        "vin" => d.vin = text,
        "plate" => d.plate = text,
        "first_registered" => {
            d.first_registered = Some(i32::try_from(int()?).map_err(|_| "validation.exchange_number")?)
        }
        "mileage_km" => d.mileage_km = Some(int()?),
        "mileage_read_on" => d.mileage_read_on = Some(day()?),
        "ownership" => d.ownership = choice("fleet.ownership", OWNERSHIPS, value),
        "supplier" => d.supplier = text,
        "renewal_due" => d.renewal_due = Some(day()?),
        "renewal_manual" => d.renewal_manual = format::parse_bool(value).ok_or("validation.exchange_yes_no")?,
        "inspection_due" => d.inspection_due = Some(day()?),
        "notes" => d.notes = text,
        _ => {}
    }
    Ok(())
}

pub(super) fn plan_fleet(
    store: &mut Store,
    ctx: &mut Context,
    rows: &[Cells],
    lines: &[usize],
    write: &mut ImportWrite,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Vec<Outcome>> {
    let settings = store.fleet_settings()?;
    let today = chrono::Local::now().date_naive();
    let total = rows.len() as u64;
    let mut owners = Vec::with_capacity(rows.len());
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(rows.len());
    for (n, cells) in rows.iter().enumerate() {
        let mut o = Outcome::new(lines[n]);
        owners.push(ctx.owner(cells, &mut o));
        outcomes.push(o);
    }
    let ids: Vec<i64> = owners.iter().flatten().copied().collect::<HashSet<_>>().into_iter().collect();
    let stored = store.read(|x| rows::fleet_of(x, &ids))?;
    // Stored lines not yet matched by a row, per customer.
    let mut pool: HashMap<i64, Vec<crate::fleet::FleetLine>> = HashMap::new();
    for l in stored {
        pool.entry(l.customer_id).or_default().push(l);
    }
    let mut new_vins: HashSet<String> = HashSet::new();
    for (n, cells) in rows.iter().enumerate() {
        if n % 1000 == 0 {
            progress(Progress { stage: Stage::Checking, done: n as u64, total })?;
        }
        let o = &mut outcomes[n];
        let Some(customer_id) = owners[n] else { continue };
        o.target = Some(customer_id);
        let apply = |base: FleetLineData, o: &mut Outcome| -> Option<FleetLineData> {
            let mut d = base;
            let mut bad = false;
            for (def, _, value) in cells.iter() {
                if let Err(msg) = set_line(&mut d, def, value, cells.format) {
                    o.reject(def.key.clone(), msg);
                    bad = true;
                }
            }
            if bad {
                return None;
            }
            // A renewal date given without saying it was set by hand is taken as set by hand
            // when it is not the one the office's rule gives.
            if d.renewal_due.is_some() && !cells.mapped("renewal_manual") {
                let by_rule = FleetLineData { renewal_manual: false, ..d.clone() }.validated(&settings, today);
                d.renewal_manual = by_rule.map(|(l, _)| l.renewal_due != d.renewal_due).unwrap_or(true);
            }
            match d.validated(&settings, today) {
                Ok((d, warnings)) => {
                    o.warnings.extend(warnings);
                    Some(d)
                }
                Err(Error::Validation(errors)) => {
                    for e in errors {
                        o.reject(e.field, e.key);
                    }
                    None
                }
                Err(_) => None,
            }
        };
        let vin = crate::fleet::normalise_vin(cells.get("vin").unwrap_or(""));
        let lines_here = pool.entry(customer_id).or_default();
        let by_vin = (!vin.is_empty()).then(|| lines_here.iter().position(|l| l.data.vin == vin)).flatten();
        if let Some(i) = by_vin {
            let current = lines_here.remove(i);
            let Some(d) = apply(current.data.clone(), o) else { continue };
            o.label = format!("{} {} {}", d.brand, d.model, d.vin).trim().to_string();
            if d == current.data {
                o.status = RowStatus::Unchanged;
            } else {
                o.status = RowStatus::Update;
                o.changed = changed_fields(&current.data, &d);
                write.line_updates.push((current.id, current.version, d));
            }
            continue;
        }
        let base = FleetLineData { vehicles: 1, ..Default::default() };
        let Some(d) = apply(base, o) else { continue };
        o.label = format!("{} {} {}", d.brand, d.model, d.vin).trim().to_string();
        if let Some(i) = lines_here.iter().position(|l| l.data == d) {
            lines_here.remove(i);
            o.status = RowStatus::Unchanged;
            continue;
        }
        if !d.vin.is_empty() && !new_vins.insert(d.vin.clone()) {
            o.reject("vin", "validation.exchange_vin_repeated");
            continue;
        }
        o.status = RowStatus::Create;
        write.new_lines.push((customer_id, d));
    }
    Ok(outcomes)
}

// --- competitor sightings ---

pub(super) fn plan_sightings(
    store: &mut Store,
    ctx: &mut Context,
    rows: &[Cells],
    lines: &[usize],
    write: &mut ImportWrite,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Vec<Outcome>> {
    let competitors = store.competitors()?;
    let total = rows.len() as u64;
    let mut owners = Vec::with_capacity(rows.len());
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(rows.len());
    for (n, cells) in rows.iter().enumerate() {
        let mut o = Outcome::new(lines[n]);
        owners.push(ctx.owner(cells, &mut o));
        outcomes.push(o);
    }
    let ids: Vec<i64> = owners.iter().flatten().copied().collect::<HashSet<_>>().into_iter().collect();
    let stored = store.read(|x| rows::sightings_of(x, &ids))?;
    let mut seen: HashMap<i64, Vec<SightingData>> = HashMap::new();
    for s in stored {
        seen.entry(s.customer_id).or_default().push(s.data);
    }
    let mut new_competitor: HashMap<String, usize> = HashMap::new();
    for (n, cells) in rows.iter().enumerate() {
        if n % 1000 == 0 {
            progress(Progress { stage: Stage::Checking, done: n as u64, total })?;
        }
        let o = &mut outcomes[n];
        let Some(customer_id) = owners[n] else { continue };
        o.target = Some(customer_id);
        let mut d = SightingData::default();
        let mut competitor: Option<String> = None;
        for (def, _, value) in cells.iter() {
            let text = value.to_string();
            match def.key.as_str() {
                "competitor" => competitor = Some(text),
                "seen_on" => match cells.format.parse_date(value) {
                    Some(day) => d.seen_on = day,
                    None => o.reject("seen_on", "validation.exchange_date"),
                },
                "product" => d.product = text,
                "price" => match cells.format.parse_money(value) {
                    Some(m) => d.price_minor = Some(m),
                    None => o.reject("price", "validation.exchange_amount"),
                },
                "currency" => d.currency = text,
                "conditions" => d.conditions = text,
                "source" => d.source = text,
                _ => {}
            }
        }
        // The competitor named: a record by its brand or dealer, else a new record.
        let mut new_index = None;
        if let Some(name) = competitor.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            let wanted = fold(name);
            let known = competitors.iter().find(|c| {
                fold(&c.data.brand) == wanted
                    || fold(&c.data.dealer) == wanted
                    || fold(&format!("{} {}", c.data.brand, c.data.dealer)) == wanted
            });
            match known {
                Some(c) => d.competitor_id = Some(c.id),
                None => match new_competitor.get(&wanted) {
                    Some(i) => new_index = Some(*i),
                    None => match (CompetitorData { brand: name.to_string(), ..Default::default() }).validated() {
                        Ok(c) => {
                            new_index = Some(write.new_competitors.len());
                            new_competitor.insert(wanted, write.new_competitors.len());
                            write.new_competitors.push(c);
                        }
                        Err(_) => o.reject("competitor", "validation.too_long"),
                    },
                },
            }
        }
        if o.status == RowStatus::Rejected {
            continue;
        }
        let d = match d.validated() {
            Ok(d) => d,
            Err(Error::Validation(errors)) => {
                for e in errors {
                    let field = if e.field == "price_minor" { "price".into() } else { e.field };
                    o.reject(field, e.key);
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        o.label = format!("{} {}", d.seen_on, d.product);
        let known = seen.entry(customer_id).or_default();
        if new_index.is_none() && known.contains(&d) {
            o.status = RowStatus::Unchanged;
            continue;
        }
        known.push(d.clone());
        o.status = RowStatus::Create;
        write.new_sightings.push((customer_id, d, new_index));
    }
    Ok(outcomes)
}

// --- the price list ---

pub(super) fn plan_price_list(
    store: &mut Store,
    rows: &[Cells],
    lines: &[usize],
    write: &mut ImportWrite,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Vec<Outcome>> {
    use crate::offer::{PriceItemData, ITEM_KINDS};
    let stored = store.read(crate::offer::rows::all_items)?;
    let by_key: HashMap<(String, String), &crate::offer::PriceItem> =
        stored.iter().map(|i| ((i.data.code.clone(), i.data.valid_from.clone()), i)).collect();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let total = rows.len() as u64;
    let mut out = Vec::with_capacity(rows.len());
    for (n, cells) in rows.iter().enumerate() {
        if n % 1000 == 0 {
            progress(Progress { stage: Stage::Checking, done: n as u64, total })?;
        }
        let mut o = Outcome::new(lines[n]);
        let mut d = PriceItemData::default();
        for (def, _, value) in cells.iter() {
            let text = value.to_string();
            match def.key.as_str() {
                "code" => d.code = text,
                "kind" => d.kind = choice("prices.kind", ITEM_KINDS, value),
                "supplier" => d.supplier = text,
                "price" => match cells.format.parse_money(value) {
                    Some(m) => d.price = m,
                    None => o.reject("price", "validation.exchange_amount"),
                },
                "currency" => d.currency = text,
                "valid_from" | "valid_to" => match cells.format.parse_date(value) {
                    Some(day) if def.key == "valid_from" => d.valid_from = day,
                    Some(day) => d.valid_to = day,
                    None => o.reject(def.key.clone(), "validation.exchange_date"),
                },
                key => {
                    if let Some(lang) = key.strip_prefix("name_") {
                        d.names.insert(lang.to_string(), text);
                    } else if let Some(lang) = key.strip_prefix("description_") {
                        d.descriptions.insert(lang.to_string(), text);
                    }
                }
            }
        }
        o.label = d.code.clone();
        if o.status == RowStatus::Rejected {
            out.push(o);
            continue;
        }
        let d = match d.validated() {
            Ok(d) => d,
            Err(Error::Validation(errors)) => {
                for e in errors {
                    o.reject(e.field, e.key);
                }
                out.push(o);
                continue;
            }
            Err(e) => return Err(e),
        };
        let key = (d.code.clone(), d.valid_from.clone());
        if !seen.insert(key.clone()) {
            o.reject("code", "validation.price_code_taken");
        } else {
            match by_key.get(&key) {
                None => {
                    o.status = RowStatus::Create;
                    write.new_items.push(d);
                }
                Some(old) if old.data == d && !old.retired => o.status = RowStatus::Unchanged,
                Some(old) => {
                    o.status = RowStatus::Update;
                    o.changed = changed_fields(&old.data, &d);
                    write.item_updates.push((old.id, old.version, d));
                }
            }
        }
        out.push(o);
    }
    Ok(out)
}
