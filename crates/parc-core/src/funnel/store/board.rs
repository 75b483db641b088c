//! What the funnel screens show: the board, the funnel with its forecasts, forecast snapshots at month ends and the forecasts' accuracy.

use super::*;

impl Store {
    /// The board in one currency (default: the most used): each open stage in use with its
    /// deals, soonest to close first, then the deals won, lost and postponed this month.
    pub fn board(&mut self, owner_id: Option<i64>, currency: Option<String>, today: NaiveDate) -> Result<Board> {
        let process = self.stage_settings()?;
        let currencies: Vec<String> =
            self.read(|x| deals::figures::currencies(x, owner_id))?.into_iter().map(|(c, _)| c).collect();
        let currency = pick_currency(currency, &currencies);
        let month_start = day_text(today.with_day0(0).unwrap_or(today));
        let this_month = funnel::month_of(today);
        let totals = self.read(|x| {
            deals::figures::stage_month_totals(
                x,
                &TallyFilter { currency: Some(currency.clone()), owner_id, months: None },
            )
        })?;
        let mut columns = Vec::new();
        for stage in &process.stages {
            if stage.retired {
                continue;
            }
            let f = DealFilter {
                currency: Some(currency.clone()),
                owner_id,
                stage_id: Some(stage.id),
                status: if stage.kind.is_closed() { Status::Closed } else { Status::Open },
                period: stage.kind.is_closed().then(|| (month_start.clone(), day_text(today))),
                ..Default::default()
            };
            let order = if stage.kind.is_closed() { Order::Closed } else { Order::Close };
            let rows = self.read(|x| deals::list(x, &f, order, COLUMN_DEALS))?;
            let (mut n, mut value) = (0, 0);
            for (_, _, deals, v) in
                totals.iter().filter(|t| t.0 == stage.id && (!stage.kind.is_closed() || t.1 == this_month))
            {
                n += deals;
                value += v;
            }
            columns.push(BoardColumn {
                stage_id: stage.id,
                totals: Amounts { deals: n, raw: value, weighted: weighted(value, stage.probability) },
                deals: rows.into_iter().map(|d| summarise(&process, d, today)).collect(),
            });
        }
        Ok(Board { currency, currencies, columns })
    }

    /// The funnel and the three forecasts for `query` as of `today`; see [`crate::funnel`]
    /// for exactly which deals count where. Forecast months are those of the period, or the
    /// current month and the five after it.
    pub fn funnel(&mut self, query: &FunnelQuery, today: NaiveDate) -> Result<Funnel> {
        let process = self.stage_settings()?;
        let period = period(query.from.as_deref(), query.to.as_deref());
        let months = match &period {
            Some((f, t)) => funnel::months_between(parse_day(f).unwrap_or(today), parse_day(t).unwrap_or(today)),
            None => funnel::months_between(today, today + chrono::Months::new(5)),
        };
        let current_month = funnel::month_of(today);
        let limits = stall_limits(&process, today);
        let owner_id = query.owner_id;
        let (currencies, reach, stays, groups, stalled) = self.read(|x| {
            let currencies: Vec<String> =
                deals::figures::currencies(x, owner_id)?.into_iter().map(|(c, _)| c).collect();
            let currency = pick_currency(query.currency.clone(), &currencies);
            let months_of = |(f, t): &(String, String)| (f[..7].to_string(), t[..7].to_string());
            let f = TallyFilter { currency: Some(currency), owner_id, months: period.as_ref().map(months_of) };
            let reach = deals::figures::reach_groups(x, &f)?;
            let stays = deals::figures::stay_groups(x, &f)?;
            let groups = deals::figures::forecast_groups(x, &TallyFilter { months: None, ..f })?;
            let stalled = deals::stalled_count(x, owner_id, &limits.0, &limits.1)?;
            Ok((currencies, reach, stays, groups, stalled))
        })?;
        let currency = pick_currency(query.currency.clone(), &currencies);
        let stages = funnel::stage_figures(&process, &reach, &stays);
        let mut open = Amounts::default();
        for s in stages.iter().filter(|s| s.kind == StageKind::Open) {
            open.deals += s.now.deals;
            open.raw += s.now.raw;
            open.weighted += s.now.weighted;
        }
        let count_of = |k: StageKind| stages.iter().filter(|s| s.kind == k).map(|s| s.now.deals).sum::<i64>();
        let (won, lost) = (count_of(StageKind::Won), count_of(StageKind::Lost));
        let win_rate = (won + lost > 0).then(|| (won as f64 / (won + lost) as f64 * 1000.0).round() / 1000.0);
        let forecast = funnel::forecast(&process, &groups, &months, &current_month);
        Ok(Funnel { currency, currencies, stages, open, win_rate, forecast, stalled })
    }

    /// Keeps the forecast as it stood at month end `as_of` for the three months after it, in
    /// every currency, for everyone and for each owner; a month end already kept is left as it
    /// is. Each deal counts in the stage it was in at the end of `as_of` (from its history),
    /// with its value and expected close date as they are now. Returns the rows kept.
    pub fn take_forecast_snapshot(&mut self, as_of: NaiveDate) -> Result<usize> {
        let process = self.stage_settings()?;
        let next = as_of + chrono::Days::new(1);
        let months = funnel::months_between(next, next + chrono::Months::new(2));
        let current = funnel::month_of(next);
        let rows = self.read(|x| deals::stages_at(x, &day_text(next)))?;
        // (stage, owner, close month, commit) → (deals, value), per currency.
        type Cell = (i64, Option<i64>, Option<String>, bool);
        let mut groups: BTreeMap<String, HashMap<Cell, (i64, i64)>> = BTreeMap::new();
        for r in rows {
            let g = groups.entry(r.currency).or_default();
            let e = g
                .entry((r.stage_id, r.owner_id, r.expected_close.map(|d| d[..7.min(d.len())].to_string()), r.commit))
                .or_default();
            e.0 += 1;
            e.1 += r.value;
        }
        let stamp = now();
        let mut snapshots = Vec::new();
        for (currency, g) in groups {
            let groups: Vec<ForecastGroup> = g
                .into_iter()
                .filter(|((stage, ..), _)| process.stage(*stage).is_some_and(|s| s.kind == StageKind::Open))
                .map(|((stage_id, owner_id, month, commit), (deals, value))| ForecastGroup {
                    stage_id,
                    owner_id,
                    month,
                    commit,
                    deals,
                    value,
                })
                .collect();
            let f = funnel::forecast(&process, &groups, &months, &current);
            let mut keep = |month: &str, owner_id: Option<i64>, row: &funnel::ForecastRow| {
                snapshots.push(ForecastSnapshot {
                    as_of: day_text(as_of),
                    month: month.to_string(),
                    owner_id,
                    currency: currency.clone(),
                    commit: row.commit,
                    best_case: row.best_case,
                    pipeline: row.pipeline,
                    taken_at: stamp.clone(),
                });
            };
            for row in &f.months {
                keep(row.month.as_deref().unwrap_or_default(), None, row);
            }
            // Per owner, month by month.
            let owners: Vec<i64> = groups
                .iter()
                .filter_map(|g| g.owner_id)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            for owner in owners {
                let theirs: Vec<ForecastGroup> = groups.iter().filter(|g| g.owner_id == Some(owner)).cloned().collect();
                for row in funnel::forecast(&process, &theirs, &months, &current).months {
                    keep(row.month.as_deref().unwrap_or_default(), Some(owner), &row);
                }
            }
        }
        self.write(|x| deals::snapshots::insert_snapshots(x, &snapshots))
    }

    /// Takes the snapshot of the last month end before `today` if nobody has yet (the app
    /// does this on start). Returns the rows kept (0 when it was already taken).
    pub fn snapshot_passed_month_end(&mut self, today: NaiveDate) -> Result<usize> {
        let as_of = funnel::previous_month_end(today);
        if self.read(|x| deals::snapshots::has_snapshot(x, &day_text(as_of)))? {
            return Ok(0);
        }
        self.take_forecast_snapshot(as_of)
    }

    /// For the current month and the `months - 1` before it: the forecast kept at the end of
    /// the month before, beside what was won, in `currency`, for `owner_id` or everyone.
    pub fn forecast_accuracy(
        &mut self,
        owner_id: Option<i64>,
        currency: Option<String>,
        months: u32,
        today: NaiveDate,
    ) -> Result<Vec<Accuracy>> {
        let process = self.stage_settings()?;
        let won_id = process.of_kind(StageKind::Won).id;
        let first = today.with_day0(0).unwrap_or(today) - chrono::Months::new(months.clamp(1, 36) - 1);
        let list = funnel::months_between(first, today);
        let (currencies, snapshots, groups) = self.read(|x| {
            let currencies: Vec<String> =
                deals::figures::currencies(x, owner_id)?.into_iter().map(|(c, _)| c).collect();
            let currency = pick_currency(currency.clone(), &currencies);
            let snaps = deals::snapshots::snapshots(x, &currency, &list[0], list.last().expect("at least one month"))?;
            let months = Some((list[0].clone(), list.last().expect("at least one month").clone()));
            let groups =
                deals::figures::forecast_groups(x, &TallyFilter { currency: Some(currency), owner_id, months })?;
            // Only what was won: the open deals of those months are not what was forecast then.
            let won: Vec<_> = groups.into_iter().filter(|g| g.stage_id == won_id).collect();
            Ok((currencies, snaps, won))
        })?;
        let _ = currencies;
        let won = funnel::forecast(&process, &groups, &list, &funnel::month_of(today));
        Ok(list
            .iter()
            .zip(&won.months)
            .map(|(month, w)| {
                let start = parse_day(&format!("{month}-01")).unwrap_or(today);
                let as_of = day_text(funnel::previous_month_end(start));
                let snap = snapshots.iter().find(|s| &s.month == month && s.as_of == as_of && s.owner_id == owner_id);
                Accuracy {
                    month: month.clone(),
                    owner_id,
                    as_of,
                    commit: snap.map(|s| s.commit).unwrap_or_default(),
                    best_case: snap.map(|s| s.best_case).unwrap_or_default(),
                    pipeline: snap.map(|s| s.pipeline).unwrap_or_default(),
                    won: w.won,
                }
            })
            .collect())
    }
}
