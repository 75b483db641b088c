//! Contacts: per day and week, new and existing customers, by type and by role.

use super::*;

/// Contacts a user made of a kind, with new or existing customers, and their minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGroup {
    pub user_id: Option<i64>,
    pub kind: String,
    pub existing: bool,
    pub contacts: i64,
    pub minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContactRow {
    pub user_id: Option<i64>,
    pub contacts: i64,
    pub per_day: Option<f64>,
    pub per_week: Option<f64>,
    pub new_customers: i64,
    pub existing_customers: i64,
    /// In the order of [`CONTACT_KINDS`].
    pub by_kind: Vec<i64>,
    pub minutes: i64,
}

pub fn contacts(listed: &[i64], groups: &[ContactGroup], period: &Period) -> (Vec<ContactRow>, ContactRow) {
    let blank = |u| ContactRow { user_id: u, by_kind: vec![0; CONTACT_KINDS.len()], ..Default::default() };
    let mut rows = PerOwner::new(listed, groups.iter().map(|g| g.user_id), blank);
    for g in groups {
        let k = CONTACT_KINDS.iter().position(|k| *k == g.kind).unwrap_or(CONTACT_KINDS.len() - 1);
        for r in rows.row_and_total(g.user_id) {
            r.contacts += g.contacts;
            r.minutes += g.minutes;
            r.by_kind[k] += g.contacts;
            if g.existing {
                r.existing_customers += g.contacts;
            } else {
                r.new_customers += g.contacts;
            }
        }
    }
    let (working, days) = (period.working_days(), period.days());
    rows.finish(|r| {
        r.per_day = ratio(r.contacts, working);
        r.per_week = ratio(r.contacts * 7, days);
    })
}

pub fn contacts_table(l: &Labels, period: &Period, rows: &[ContactRow], total: &ContactRow) -> (ReportTable, Chart) {
    let mut columns = vec![
        l.column("report.col.user", ColumnKind::Text),
        l.column("report.col.contacts", ColumnKind::Integer),
        l.column("report.col.per_day", ColumnKind::Decimal),
        l.column("report.col.per_week", ColumnKind::Decimal),
        l.column("report.col.with_new", ColumnKind::Integer),
        l.column("report.col.with_existing", ColumnKind::Integer),
    ];
    columns.extend(CONTACT_KINDS.iter().map(|k| l.column(&format!("kind.{k}"), ColumnKind::Integer)));
    columns.push(l.column("report.col.hours", ColumnKind::Decimal));
    let mut table = l.table(ReportKind::Contacts, l.subtitle(period, None), columns);
    let cells = |name: String, r: &ContactRow| {
        let mut c = vec![
            Cell::text(name),
            Cell::Int(r.contacts),
            Cell::opt_num(r.per_day),
            Cell::opt_num(r.per_week),
            Cell::Int(r.new_customers),
            Cell::Int(r.existing_customers),
        ];
        c.extend(r.by_kind.iter().map(|n| Cell::Int(*n)));
        c.push(Cell::Num(hours(r.minutes)));
        c
    };
    table.rows = rows.iter().map(|r| cells(l.user(r.user_id), r)).collect();
    table.total = Some(cells(l.t("report.total"), total));
    let chart = Chart::Bars {
        labels: rows.iter().map(|r| l.user(r.user_id)).collect(),
        series: CONTACT_KINDS
            .iter()
            .enumerate()
            .map(|(k, kind)| Series {
                label: l.t(&format!("kind.{kind}")),
                values: rows.iter().map(|r| Some(r.by_kind[k] as f64)).collect(),
            })
            .collect(),
        unit: ColumnKind::Integer,
        currency: None,
        stacked: true,
    };
    (table, chart)
}

/// Contacts of a user that met someone of a role (`""`: no one, or a role not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGroup {
    pub user_id: Option<i64>,
    pub role: String,
    pub contacts: i64,
}

/// The roles of the role report, in order: the decision roles, then "not recorded".
pub fn role_columns() -> Vec<&'static str> {
    DECISION_ROLES.iter().copied().chain([""]).collect()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RoleRow {
    pub user_id: Option<i64>,
    pub contacts: i64,
    /// In the order of [`role_columns`].
    pub by_role: Vec<i64>,
    /// Contacts that reached a decision maker, of all contacts.
    pub decision_maker_share: Option<f64>,
}

/// `totals` are each user's contacts (from [`contacts`]): a contact meeting two roles counts
/// under both, so the roles do not add up to them.
pub fn roles(listed: &[i64], groups: &[RoleGroup], totals: &[(Option<i64>, i64)]) -> (Vec<RoleRow>, RoleRow) {
    let roles = role_columns();
    let seen = groups.iter().map(|g| g.user_id).chain(totals.iter().map(|t| t.0));
    let mut rows =
        PerOwner::new(listed, seen, |u| RoleRow { user_id: u, by_role: vec![0; roles.len()], ..Default::default() });
    for g in groups {
        let k = roles.iter().position(|r| *r == g.role).unwrap_or(roles.len() - 1);
        for r in rows.row_and_total(g.user_id) {
            r.by_role[k] += g.contacts;
        }
    }
    for (u, n) in totals {
        for r in rows.row_and_total(*u) {
            r.contacts += n;
        }
    }
    rows.finish(|r| r.decision_maker_share = pct(r.by_role[0], r.contacts))
}

fn role_label(l: &Labels, role: &str) -> String {
    if role.is_empty() {
        l.t("report.role_unknown")
    } else {
        l.t(&format!("decision_role.{role}"))
    }
}

pub fn roles_table(l: &Labels, period: &Period, rows: &[RoleRow], total: &RoleRow) -> (ReportTable, Chart) {
    let roles = role_columns();
    let mut columns =
        vec![l.column("report.col.user", ColumnKind::Text), l.column("report.col.contacts", ColumnKind::Integer)];
    for r in &roles {
        let key = if r.is_empty() { "report.role_unknown".to_string() } else { format!("decision_role.{r}") };
        columns.push(Column { key, label: role_label(l, r), kind: ColumnKind::Integer, currency: None });
    }
    columns.push(l.column("report.col.decision_maker_share", ColumnKind::Percent));
    let mut table = l.table(ReportKind::ContactRoles, l.subtitle(period, None), columns);
    let cells = |name: String, r: &RoleRow| {
        let mut c = vec![Cell::text(name), Cell::Int(r.contacts)];
        c.extend(r.by_role.iter().map(|n| Cell::Int(*n)));
        c.push(Cell::opt_num(r.decision_maker_share));
        c
    };
    table.rows = rows.iter().map(|r| cells(l.user(r.user_id), r)).collect();
    table.total = Some(cells(l.t("report.total"), total));
    let chart = Chart::Bars {
        labels: rows.iter().map(|r| l.user(r.user_id)).collect(),
        series: roles
            .iter()
            .enumerate()
            .map(|(k, role)| Series {
                label: role_label(l, role),
                values: rows.iter().map(|r| Some(r.by_role[k] as f64)).collect(),
            })
            .collect(),
        unit: ColumnKind::Integer,
        currency: None,
        stacked: true,
    };
    (table, chart)
}
