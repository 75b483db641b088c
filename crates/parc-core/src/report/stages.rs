//! Deals moved forward per stage, and days per stage.

use super::*;

/// Moves from one stage to another made in the period on an owner's deals, and the time the
/// deals had spent in the stage they left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveGroup {
    pub owner_id: Option<i64>,
    pub from_stage: i64,
    pub to_stage: i64,
    pub moves: i64,
    pub seconds: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StageRow {
    pub owner_id: Option<i64>,
    pub stage_id: i64,
    /// Moved to a later step (won included).
    pub forward: i64,
    /// Moved back to an earlier step.
    pub back: i64,
    pub lost: i64,
    pub postponed: i64,
    /// Average days in the stage over every move out of it.
    pub avg_days: Option<f64>,
}

/// Per salesperson (`owners`, in order) and open stage of the ladder (retired ones only when
/// deals left them in the period).
pub fn stages(process: &StageSettings, owners: &[Option<i64>], groups: &[MoveGroup]) -> Vec<StageRow> {
    let ladder: Vec<i64> = process.ladder().map(|s| s.id).collect();
    let pos = |id: i64| ladder.iter().position(|l| *l == id);
    let mut acc: HashMap<(Option<i64>, i64), (StageRow, i64, i64)> = HashMap::new();
    for g in groups {
        let Some(from) = pos(g.from_stage) else { continue };
        let e = acc
            .entry((g.owner_id, g.from_stage))
            .or_insert_with(|| (StageRow { owner_id: g.owner_id, stage_id: g.from_stage, ..Default::default() }, 0, 0));
        e.1 += g.moves;
        e.2 += g.seconds;
        match (process.stage(g.to_stage).map(|s| s.kind), pos(g.to_stage)) {
            (Some(StageKind::Lost), _) => e.0.lost += g.moves,
            (Some(StageKind::Postponed), _) => e.0.postponed += g.moves,
            (_, Some(to)) if to > from => e.0.forward += g.moves,
            (_, Some(_)) => e.0.back += g.moves,
            _ => {}
        }
    }
    let mut out = Vec::new();
    for o in owners {
        for s in process.stages.iter().filter(|s| s.kind == StageKind::Open) {
            match acc.remove(&(*o, s.id)) {
                Some((mut row, n, seconds)) => {
                    row.avg_days = (n > 0).then(|| (seconds as f64 / n as f64 / 86_400.0 * 10.0).round() / 10.0);
                    out.push(row);
                }
                None if !s.retired => out.push(StageRow { owner_id: *o, stage_id: s.id, ..Default::default() }),
                None => {}
            }
        }
    }
    out
}

pub fn stages_table(l: &Labels, period: &Period, owners: &[Option<i64>], rows: &[StageRow]) -> (ReportTable, Chart) {
    let columns = vec![
        l.column("report.col.salesperson", ColumnKind::Text),
        l.column("report.col.stage", ColumnKind::Text),
        l.column("report.col.forward", ColumnKind::Integer),
        l.column("report.col.back", ColumnKind::Integer),
        l.column("report.col.lost", ColumnKind::Integer),
        l.column("report.col.postponed", ColumnKind::Integer),
        l.column("report.col.avg_days", ColumnKind::Decimal),
    ];
    let mut table = l.table(ReportKind::Stages, l.subtitle(period, None), columns);
    for r in rows {
        table.rows.push(vec![
            Cell::text(l.user(r.owner_id)),
            Cell::text(l.stage(r.stage_id)),
            Cell::Int(r.forward),
            Cell::Int(r.back),
            Cell::Int(r.lost),
            Cell::Int(r.postponed),
            Cell::opt_num(r.avg_days),
        ]);
    }
    let mut stage_ids: Vec<i64> = Vec::new();
    for r in rows {
        if !stage_ids.contains(&r.stage_id) {
            stage_ids.push(r.stage_id);
        }
    }
    let series = owners
        .iter()
        .map(|o| Series {
            label: l.user(*o),
            values: stage_ids
                .iter()
                .map(|s| rows.iter().find(|r| r.owner_id == *o && r.stage_id == *s).map(|r| r.forward as f64))
                .collect(),
        })
        .collect();
    let chart = Chart::Bars {
        labels: stage_ids.iter().map(|s| l.stage(*s)).collect(),
        series,
        unit: ColumnKind::Integer,
        currency: None,
        stacked: false,
    };
    (table, chart)
}
