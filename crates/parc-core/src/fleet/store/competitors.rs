//! Competitor records, the competitors noted on customers by hand, and the prices seen: each
//! statement once for both stores, through [`Exec`]. The rules are in `fleet/competitor.rs`.

use crate::fleet::competitor;
use crate::fleet::competitor::CustomerCompetitors;
use crate::fleet::competitor::{Competitor, CompetitorData, Sighting, SightingData};
use crate::ground::error::{Error, Result};
use crate::storage::exec::{Cells, Exec, Val};
use crate::Store;

const COMPETITOR_COLUMNS: &str = "id, brand, dealer, contact, notes, strengths, weaknesses, version";

pub(crate) const SIGHTING_COLUMNS: &str =
    "id, customer_id, competitor_id, seen_on, product, price_minor, currency, conditions, source, version";

fn competitor_from(r: &Cells) -> Result<Competitor> {
    Ok(Competitor {
        id: r.int(0)?,
        data: CompetitorData {
            brand: r.text(1)?,
            dealer: r.text(2)?,
            contact: r.text(3)?,
            notes: r.text(4)?,
            strengths: r.text(5)?,
            weaknesses: r.text(6)?,
        },
        version: r.int(7)?,
    })
}

pub(crate) fn sighting_from(r: &Cells) -> Result<Sighting> {
    Ok(Sighting {
        id: r.int(0)?,
        customer_id: r.int(1)?,
        data: SightingData {
            competitor_id: r.opt_int(2)?,
            seen_on: r.text(3)?,
            product: r.text(4)?,
            price_minor: r.opt_int(5)?,
            currency: r.text(6)?,
            conditions: r.text(7)?,
            source: r.text(8)?,
        },
        version: r.int(9)?,
    })
}

/// `NotFound` for `entity` when `table` has no row `id`.
pub(crate) fn must_exist(x: &mut dyn Exec, table: &str, entity: &'static str, id: i64) -> Result<()> {
    match x.row(&format!("SELECT 1 FROM {table} WHERE id = $1"), &[id.into()])? {
        Some(_) => Ok(()),
        None => Err(Error::NotFound { entity, id }),
    }
}

/// Every competitor, by brand then dealer.
pub(crate) fn competitors(x: &mut dyn Exec) -> Result<Vec<Competitor>> {
    let c = x.dialect().bytewise();
    let sql = format!("SELECT {COMPETITOR_COLUMNS} FROM competitor ORDER BY brand{c}, dealer{c}, id");
    x.rows(&sql, &[])?.iter().map(competitor_from).collect()
}

/// Inserts `args` into `columns` of `table`, and `id` when given (a copy keeps its ids; a new
/// row gets the next). Returns the row's id.
fn insert_row(x: &mut dyn Exec, table: &str, columns: &str, mut args: Vec<Val>, id: Option<i64>) -> Result<i64> {
    let columns = match id {
        None => columns.to_string(),
        Some(id) => {
            args.push(id.into());
            format!("{columns}, id")
        }
    };
    let marks: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
    let sql = format!("INSERT INTO {table} ({columns}) VALUES ({}) RETURNING id", marks.join(", "));
    x.row(&sql, &args)?.expect("INSERT … RETURNING gives the id").int(0)
}

/// Saves a competitor: a new one (`id` none) or a copied one with its id. Returns its id.
pub(crate) fn insert_competitor(x: &mut dyn Exec, id: Option<i64>, d: &CompetitorData, version: i64) -> Result<i64> {
    let args: Vec<Val> = vec![
        (&d.brand).into(),
        (&d.dealer).into(),
        (&d.contact).into(),
        (&d.notes).into(),
        (&d.strengths).into(),
        (&d.weaknesses).into(),
        version.into(),
    ];
    insert_row(x, "competitor", "brand, dealer, contact, notes, strengths, weaknesses, version", args, id)
}

/// `Conflict` when `version` is stale, `NotFound` when there is no such competitor.
pub(crate) fn update_competitor(x: &mut dyn Exec, id: i64, version: i64, d: &CompetitorData) -> Result<()> {
    let changed = x.run(
        "UPDATE competitor SET brand = $3, dealer = $4, contact = $5, notes = $6, strengths = $7,
         weaknesses = $8, version = version + 1 WHERE id = $1 AND version = $2",
        &[
            id.into(),
            version.into(),
            (&d.brand).into(),
            (&d.dealer).into(),
            (&d.contact).into(),
            (&d.notes).into(),
            (&d.strengths).into(),
            (&d.weaknesses).into(),
        ],
    )?;
    if changed > 0 {
        return Ok(());
    }
    must_exist(x, "competitor", "competitor", id)?;
    Err(Error::Conflict { entity: "competitor", id })
}

/// The competitors noted on a customer by hand.
pub(crate) fn customer_competitor_ids(x: &mut dyn Exec, customer_id: i64) -> Result<Vec<i64>> {
    x.rows(
        "SELECT competitor_id FROM customer_competitor WHERE customer_id = $1 ORDER BY competitor_id",
        &[customer_id.into()],
    )?
    .iter()
    .map(|r| r.int(0))
    .collect()
}

/// Notes (`true`) or un-notes competitors on customers `(customer, competitor, present)`;
/// `NotFound` for a missing customer or competitor.
pub(crate) fn set_customer_competitors(x: &mut dyn Exec, rows: &[(i64, i64, bool)]) -> Result<()> {
    for &(customer_id, competitor_id, present) in rows {
        must_exist(x, "customer", "customer", customer_id)?;
        must_exist(x, "competitor", "competitor", competitor_id)?;
        let sql = if present {
            "INSERT INTO customer_competitor (customer_id, competitor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM customer_competitor WHERE customer_id = $1 AND competitor_id = $2"
        };
        x.run(sql, &[customer_id.into(), competitor_id.into()])?;
    }
    Ok(())
}

/// A customer's price sightings, newest first.
pub(crate) fn sightings(x: &mut dyn Exec, customer_id: i64) -> Result<Vec<Sighting>> {
    let sql =
        format!("SELECT {SIGHTING_COLUMNS} FROM price_sighting WHERE customer_id = $1 ORDER BY seen_on DESC, id DESC");
    x.rows(&sql, &[customer_id.into()])?.iter().map(sighting_from).collect()
}

/// Saves a sighting: a new one (`id` none) or a copied one with its id. Returns its id.
pub(crate) fn insert_sighting(
    x: &mut dyn Exec,
    id: Option<i64>,
    customer_id: i64,
    d: &SightingData,
    version: i64,
) -> Result<i64> {
    let args: Vec<Val> = vec![
        customer_id.into(),
        d.competitor_id.into(),
        (&d.seen_on).into(),
        (&d.product).into(),
        d.price_minor.into(),
        (&d.currency).into(),
        (&d.conditions).into(),
        (&d.source).into(),
        version.into(),
    ];
    let columns = "customer_id, competitor_id, seen_on, product, price_minor, currency, conditions, source, version";
    insert_row(x, "price_sighting", columns, args, id)
}

/// Saves new sightings `(customer_id, data)`; `NotFound` for a missing customer or
/// competitor. Returns their ids, in order.
pub(crate) fn insert_sightings(x: &mut dyn Exec, rows: &[(i64, SightingData)]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(rows.len());
    for (customer_id, d) in rows {
        must_exist(x, "customer", "customer", *customer_id)?;
        if let Some(k) = d.competitor_id {
            must_exist(x, "competitor", "competitor", k)?;
        }
        ids.push(insert_sighting(x, None, *customer_id, d, 1)?);
    }
    Ok(ids)
}

/// False when there was no such sighting.
pub(crate) fn delete_sighting(x: &mut dyn Exec, id: i64) -> Result<bool> {
    Ok(x.run("DELETE FROM price_sighting WHERE id = $1", &[id.into()])? > 0)
}

/// Every competitor link, by customer then competitor, for copying between stores.
pub(crate) fn all_customer_competitors(x: &mut dyn Exec) -> Result<Vec<(i64, i64)>> {
    x.rows("SELECT customer_id, competitor_id FROM customer_competitor ORDER BY 1, 2", &[])?
        .iter()
        .map(|r| Ok((r.int(0)?, r.int(1)?)))
        .collect()
}

/// Every sighting, by id, for copying between stores.
pub(crate) fn all_sightings(x: &mut dyn Exec) -> Result<Vec<Sighting>> {
    let sql = format!("SELECT {SIGHTING_COLUMNS} FROM price_sighting ORDER BY id");
    x.rows(&sql, &[])?.iter().map(sighting_from).collect()
}

/// Copies competitors, their links and the sightings as they are (ids, versions) into an
/// empty store; the store's ids follow afterwards ([`crate::storage::exec::Transact::follow_ids`]).
pub(crate) fn restore(
    x: &mut dyn Exec,
    rows: &[Competitor],
    links: &[(i64, i64)],
    sightings: &[Sighting],
) -> Result<()> {
    for c in rows {
        insert_competitor(x, Some(c.id), &c.data, c.version)?;
    }
    for (customer_id, competitor_id) in links {
        x.run(
            "INSERT INTO customer_competitor (customer_id, competitor_id) VALUES ($1, $2)",
            &[(*customer_id).into(), (*competitor_id).into()],
        )?;
    }
    for s in sightings {
        insert_sighting(x, Some(s.id), s.customer_id, &s.data, s.version)?;
    }
    Ok(())
}

impl Store {
    pub fn competitors(&mut self) -> Result<Vec<Competitor>> {
        self.read(competitors)
    }

    pub fn create_competitor(&mut self, data: CompetitorData) -> Result<Competitor> {
        let data = data.validated()?;
        let id = self.write(|x| insert_competitor(x, None, &data, 1))?;
        self.competitor(id)
    }

    pub fn update_competitor(&mut self, id: i64, version: i64, data: CompetitorData) -> Result<Competitor> {
        let data = data.validated()?;
        self.write(|x| update_competitor(x, id, version, &data))?;
        self.competitor(id)
    }

    fn competitor(&mut self, id: i64) -> Result<Competitor> {
        self.competitors()?.into_iter().find(|c| c.id == id).ok_or(Error::NotFound { entity: "competitor", id })
    }

    /// Which competitors are present at a customer (from its fleet and noted by hand) and
    /// the prices seen there.
    pub fn customer_competitors(&mut self, customer_id: i64) -> Result<CustomerCompetitors> {
        let fleet = self.fleet(customer_id)?;
        let (records, by_hand, sightings) =
            self.read(|x| Ok((competitors(x)?, customer_competitor_ids(x, customer_id)?, sightings(x, customer_id)?)))?;
        let theirs: Vec<(String, i64)> =
            fleet.share.brands.iter().filter(|b| !b.ours).map(|b| (b.brand.clone(), b.vehicles)).collect();
        Ok(CustomerCompetitors { present: competitor::present(&records, &theirs, &by_hand), sightings })
    }

    /// Notes a competitor as present at a customer (`present`), or takes the note back.
    pub fn note_competitor(&mut self, customer_id: i64, competitor_id: i64, present: bool) -> Result<()> {
        self.write(|x| set_customer_competitors(x, &[(customer_id, competitor_id, present)]))
    }

    /// Notes many competitors on customers in one transaction (demo data, imports).
    pub fn note_competitors_bulk(&mut self, rows: Vec<(i64, i64)>) -> Result<()> {
        let rows: Vec<(i64, i64, bool)> = rows.into_iter().map(|(c, k)| (c, k, true)).collect();
        self.write(|x| set_customer_competitors(x, &rows))
    }

    pub fn add_sighting(&mut self, customer_id: i64, data: SightingData) -> Result<Sighting> {
        let data = data.validated()?;
        let ids = self.write(|x| insert_sightings(x, &[(customer_id, data)]))?;
        self.read(|x| sightings(x, customer_id))?
            .into_iter()
            .find(|s| s.id == ids[0])
            .ok_or(Error::NotFound { entity: "sighting", id: ids[0] })
    }

    /// Saves many sightings in one transaction: all or none.
    pub fn create_sightings_bulk(&mut self, rows: Vec<(i64, SightingData)>) -> Result<Vec<i64>> {
        let rows = rows.into_iter().map(|(c, d)| Ok((c, d.validated()?))).collect::<Result<Vec<_>>>()?;
        self.write(|x| insert_sightings(x, &rows))
    }

    pub fn delete_sighting(&mut self, id: i64) -> Result<()> {
        if self.write(|x| delete_sighting(x, id))? {
            Ok(())
        } else {
            Err(Error::NotFound { entity: "sighting", id })
        }
    }
}
