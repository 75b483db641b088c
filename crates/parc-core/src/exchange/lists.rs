//! Customer lists as spreadsheet files (CSV, or Excel for a `.xlsx` name): a started
//! campaign's mailing list and the customers a segment keeps today, each with its main
//! contact person, e-mail and postal address.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::ground::error::Result;
use crate::ground::i18n::{tr, Locale};
use crate::report::{Cell, Column, ColumnKind, ReportTable};
use crate::storage::exec::{id_list, IN_CHUNK};
use crate::Store;

impl Store {
    /// The campaign's list as a CSV file for a mailing tool: each customer with its main
    /// contact person, e-mail (the person's, else the company's) and postal address, in the
    /// spreadsheet form of the reports. Returns the rows written.
    pub fn export_mailing_list(&mut self, id: i64, locale: Locale, path: &Path) -> Result<usize> {
        let ids: Vec<i64> = self.read(|x| {
            x.rows(
                "SELECT c.id FROM campaign_target t JOIN customer c ON c.id = t.customer_id
                 WHERE t.campaign_id = $1 AND c.archived_at IS NULL ORDER BY c.sort_key, c.id",
                &[id.into()],
            )?
            .iter()
            .map(|r| r.int(0))
            .collect()
        })?;
        self.write_contact_list(&ids, locale, path)
    }

    /// The customers a segment keeps today, as the same spreadsheet file as a campaign's list
    /// (`.xlsx`: an Excel workbook).
    pub fn export_segment_list(
        &mut self,
        filter: crate::segment::SegmentFilter,
        today: NaiveDate,
        locale: Locale,
        path: &Path,
    ) -> Result<usize> {
        let ids = self.segment_ids(filter, today)?;
        self.write_contact_list(&ids, locale, path)
    }

    /// Writes these customers, in this order, with their main contact person, e-mail (the
    /// person's, else the company's), postal address and phone, as a spreadsheet CSV.
    fn write_contact_list(&mut self, ids: &[i64], locale: Locale, path: &Path) -> Result<usize> {
        const KEYS: [&str; 8] = [
            "mailing.company",
            "mailing.person",
            "mailing.email",
            "mailing.street",
            "mailing.postal_code",
            "mailing.city",
            "mailing.country",
            "mailing.phone",
        ];
        let rows = self.read(|x| {
            let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(IN_CHUNK) {
                let list = id_list(chunk);
                let mut got: HashMap<i64, Vec<Cell>> = HashMap::new();
                for r in x.rows(
                    &format!(
                        "SELECT c.id, c.name, coalesce(p.name, ''), coalesce(nullif(p.email, ''), c.email), c.street,
                                c.postal_code, c.city, c.country, c.phone
                         FROM customer c LEFT JOIN person p ON p.customer_id = c.id AND p.is_main AND p.active
                         WHERE c.id IN ({list}) ORDER BY p.id"
                    ),
                    &[],
                )? {
                    if let std::collections::hash_map::Entry::Vacant(e) = got.entry(r.int(0)?) {
                        e.insert((1..=KEYS.len()).map(|i| Ok(Cell::Text(r.text(i)?))).collect::<Result<_>>()?);
                    }
                }
                rows.extend(chunk.iter().filter_map(|id| got.remove(id)));
            }
            Ok(rows)
        })?;
        let table = ReportTable {
            kind: "mailing".into(),
            title_key: "campaign.mailing_list".into(),
            title: String::new(),
            subtitle: String::new(),
            columns: KEYS
                .iter()
                .map(|k| Column {
                    key: k.to_string(),
                    label: tr(locale, k).to_string(),
                    kind: ColumnKind::Text,
                    currency: None,
                })
                .collect(),
            rows,
            total: None,
        };
        crate::report::write_table(&table, locale, path)?;
        Ok(table.rows.len())
    }
}
