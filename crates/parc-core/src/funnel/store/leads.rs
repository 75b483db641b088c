//! Leads in the funnel: recording them, qualifying one into a deal or turning it down, and the lead funnel.

use super::*;

impl Store {
    /// Records that a customer came in as a lead from one of the office's sources in use.
    pub fn create_lead(&mut self, customer_id: i64, data: LeadData, by: Option<i64>) -> Result<Lead> {
        let data = data.validated(&self.reason_settings()?)?;
        let id = self.write(|x| deals::leads::insert_lead(x, customer_id, &data, by, &now()))?;
        self.lead(id)
    }

    /// Saves many leads, decided or not, in one transaction (demo data, imports): all or
    /// none. Returns their ids.
    pub fn create_leads_bulk(&mut self, rows: Vec<LeadRecord>) -> Result<Vec<i64>> {
        let reasons = self.reason_settings()?;
        let rows = rows
            .into_iter()
            .map(|r| Ok(LeadRecord { data: r.data.validated(&reasons)?, ..r }))
            .collect::<Result<Vec<_>>>()?;
        let stamp = now();
        let won_id = self.stage_settings()?.of_kind(StageKind::Won).id;
        self.write(|x| {
            rows.iter()
                .map(|r| {
                    let id = deals::leads::insert_lead(x, r.customer_id, &r.data, r.by, &stamp)?;
                    if r.status != LeadStatus::Open {
                        let day = r.decided_on.clone().unwrap_or_else(|| r.data.received_on.clone());
                        deals::leads::decide_lead(x, id, 1, r.status, &r.reason, r.deal_id, &day, won_id)?;
                    }
                    Ok(id)
                })
                .collect()
        })
    }

    pub fn lead(&mut self, id: i64) -> Result<Lead> {
        self.read(|x| deals::leads::lead(x, id))?.ok_or(Error::NotFound { entity: "lead", id })
    }

    /// Leads newest first: open ones only or all, of an owner and/or a customer.
    pub fn leads(&mut self, open_only: bool, owner_id: Option<i64>, customer_id: Option<i64>) -> Result<Vec<Lead>> {
        self.read(|x| deals::leads::leads(x, open_only, owner_id, customer_id, 500))
    }

    /// Qualifies an open lead into a new deal (in the first open stage), both in one
    /// transaction. Returns the deal.
    pub fn qualify_lead(
        &mut self,
        id: i64,
        version: i64,
        data: DealData,
        by: Option<i64>,
        today: NaiveDate,
    ) -> Result<Deal> {
        let data = data.validated()?;
        let lead = self.lead(id)?;
        self.check_people(lead.customer_id, &data)?;
        let process = self.stage_settings()?;
        let stamp = now();
        let (state, first) = first_state(process.first_open().id, &stamp, by);
        let deal_id = self.write(|x| {
            let deal_id = deals::insert_deal(
                x,
                &NewDeal {
                    customer_id: lead.customer_id,
                    data: &data,
                    state: &state,
                    origin: "lead",
                    created_at: &stamp,
                    created_by: by,
                    moves: std::slice::from_ref(&first),
                },
            )?;
            deals::leads::decide_lead(x, id, version, LeadStatus::Qualified, "", Some(deal_id), &day_text(today), 0)?;
            Ok(deal_id)
        })?;
        self.deal(deal_id)
    }

    /// Disqualifies an open lead with a reason of the office's list.
    pub fn disqualify_lead(&mut self, id: i64, version: i64, reason: &str, today: NaiveDate) -> Result<Lead> {
        let reasons = self.reason_settings()?;
        if !ReasonSettings::allows(&reasons.disqualified, reason) {
            return Err(Error::invalid("reason", "validation.reason_required"));
        }
        self.write(|x| {
            deals::leads::decide_lead(x, id, version, LeadStatus::Disqualified, reason, None, &day_text(today), 0)
        })?;
        self.lead(id)
    }

    /// The lead funnel per source over leads received in the query's period (all time without
    /// one): new, contacted, qualified, won and disqualified. Every source in use has its row,
    /// with or without leads; a retired one has its row while it has leads in the period.
    pub fn lead_funnel(&mut self, query: &FunnelQuery) -> Result<Vec<LeadFigures>> {
        let (from, to) = period(query.from.as_deref(), query.to.as_deref())
            .unwrap_or_else(|| ("0000-01-01".into(), "9999-12-31".into()));
        let groups = self.read(|x| deals::leads::lead_groups(x, &from, &to, query.owner_id))?;
        let sources = self.reason_settings()?.sources;
        Ok(funnel::lead_figures(&sources, &groups))
    }
}
