//! The one-page customer summary of a visit pack: who is who, the fleet, the last contacts
//! and the open next actions. Always one page: each list gets a share of the page and what
//! does not fit is counted ("… and 4 more").

use super::canvas::{Page, Style, Writer, A4, ACCENT, INK, MUTED};
use super::flow::{baseline, head_style, Cell, Col, Ctx, Flow, Table, TOP};
use super::fonts::clean;
use super::CustomerSummary;

/// At most `max` wrapped lines of `text` in `width`, the last one ending in "…" when cut.
fn capped(w: &Writer, text: &str, st: Style, width: f32, max: usize) -> String {
    let lines = w.wrap(&clean(text), st, width);
    if lines.len() <= max {
        return lines.join("\n");
    }
    let mut kept: Vec<String> = lines[..max].to_vec();
    let last = kept.pop().unwrap_or_default();
    kept.push(w.fit(&format!("{last}…"), st, width));
    kept.join("\n")
}

struct Section {
    title: String,
    table: Table,
    rows: Vec<Vec<Cell>>,
}

pub(crate) fn summary_pages(s: &CustomerSummary) -> Vec<Page> {
    let cx = Ctx::new(&s.language);
    let w = cx.w;
    let mut f = Flow::new(&cx, A4);
    let (x0, x1, width) = (f.left(), f.right(), f.width());

    // Header: what this is, the customer, the visit's day and the salesperson.
    let label = Style::new(8.0, true, ACCENT);
    let name = Style::new(15.0, true, INK);
    let small = Style::new(8.5, false, MUTED);
    let right_width = 230.0;
    let mut y = TOP;
    f.page().text(&w, x0, baseline(y, label), &w.fit(&cx.t("pdf.summary.title"), label, width - right_width), label);
    y += label.leading() + 2.0;
    for line in capped(&w, &s.customer.name, name, width - right_width, 2).lines() {
        f.page().text(&w, x0, baseline(y, name), line, name);
        y += name.leading();
    }
    let vat = if s.customer.vat_id.trim().is_empty() {
        String::new()
    } else {
        format!("{} {}", cx.t("pdf.vat_id"), clean(&s.customer.vat_id))
    };
    let mut details: Vec<String> = s.customer.address_lines.iter().take(3).map(|l| clean(l)).collect();
    details.push(
        [vat, clean(&s.phone), clean(&s.email)]
            .into_iter()
            .filter(|t| !t.trim().is_empty())
            .collect::<Vec<_>>()
            .join("  ·  "),
    );
    for text in details.iter().filter(|t| !t.trim().is_empty()) {
        let line = w.fit(text, small, width - right_width);
        f.page().text(&w, x0, baseline(y, small), &line, small);
        y += small.leading();
    }
    let mut ry = TOP;
    let strong = Style::new(10.0, true, INK);
    if !s.day.trim().is_empty() {
        let visit = cx.tf("pdf.summary.visit", &[("date", &cx.date(&s.day))]);
        f.page().text_right(&w, x1, baseline(ry, strong), &w.fit(&visit, strong, right_width), strong);
        ry += strong.leading() + 2.0;
    }
    if !s.salesperson.trim().is_empty() {
        let who = cx.tf("pdf.summary.salesperson", &[("name", &clean(&s.salesperson))]);
        f.page().text_right(&w, x1, baseline(ry, small), &w.fit(&who, small, right_width), small);
        ry += small.leading();
    }
    if !s.customer.contact_person.trim().is_empty() {
        let who = format!("{} {}", cx.t("pdf.attention"), clean(&s.customer.contact_person));
        f.page().text_right(&w, x1, baseline(ry, small), &w.fit(&who, small, right_width), small);
        ry += small.leading();
    }
    let bottom = y.max(ry) + 6.0;
    f.page().hline(x0, x1, bottom, 1.2, ACCENT);
    f.y = bottom + 12.0;

    let sections = sections(&cx, s, x0, width);
    draw_sections(&mut f, sections);
    f.finish(&[cx.t("pdf.summary.title") + "  ·  " + &clean(&s.customer.name).replace('\n', " ")])
}

fn table(cx: &Ctx, x: f32, width: f32, cols: &[(&str, f32, bool)]) -> Table {
    let fixed: f32 = cols.iter().map(|c| c.1).sum();
    let (head, fill) = head_style(7.5);
    Table {
        x,
        // The first column of width 0 takes what the others leave.
        cols: cols
            .iter()
            .map(|&(_, wd, right)| Col { width: if wd == 0.0 { width - fixed } else { wd }, right })
            .collect(),
        head: cols.iter().map(|(key, ..)| cx.t(key)).collect(),
        head_style: head,
        head_fill: fill,
        pad: 3.0,
    }
}

fn sections(cx: &Ctx, s: &CustomerSummary, x: f32, width: f32) -> Vec<Section> {
    let w = cx.w;
    let body = Style::new(8.0, false, INK);
    let cell = |t: &Table, i: usize, text: &str, st: Style| -> Cell {
        Cell::text(&capped(&w, text, st, t.cols[i].width - 2.0 * t.pad, 2), st)
    };

    let people = table(
        cx,
        x,
        width,
        &[
            ("person.name", 0.0, false),
            ("person.position", 92.0, false),
            ("person.decision_role", 96.0, false),
            ("field.phone", 84.0, false),
            ("field.email", 110.0, false),
        ],
    );
    let main = cx.t("person.main_badge");
    let people_rows = s
        .people
        .iter()
        .map(|p| {
            let name = capped(&w, &p.name, body, people.cols[0].width - 2.0 * people.pad, 2);
            let name = if p.is_main { format!("{name}\n{main}") } else { name };
            vec![
                Cell::text(&name, if p.is_main { body.bold() } else { body }),
                cell(&people, 1, &p.position, body),
                cell(&people, 2, &cx.value("decision_role.", &p.decision_role), body),
                cell(&people, 3, &p.phone, body),
                cell(&people, 4, &p.email, body),
            ]
        })
        .collect();

    let fleet = table(
        cx,
        x,
        width,
        &[
            ("pdf.summary.vehicle", 0.0, false),
            ("fleet.category", 80.0, false),
            ("fleet.vehicles", 48.0, true),
            ("pdf.summary.year", 40.0, true),
            ("fleet.vin_plate", 110.0, false),
            ("fleet.renewal_due", 72.0, true),
        ],
    );
    let ours = cx.t("fleet.ours");
    let fleet_rows = s
        .fleet
        .iter()
        .map(|v| {
            let mut vehicle = [clean(&v.brand), clean(&v.model)].join(" ").trim().to_string();
            if v.ours {
                vehicle = format!("{vehicle} ({ours})");
            }
            let id =
                [clean(&v.plate), clean(&v.vin)].into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" / ");
            vec![
                cell(&fleet, 0, &vehicle, if v.ours { body.bold() } else { body }),
                cell(&fleet, 1, &cx.value("fleet.category.", &v.category), body),
                Cell::number(cx.fmt.integer(v.vehicles), body),
                Cell::number(v.first_registered.map(|y| y.to_string()).unwrap_or_default(), body),
                cell(&fleet, 4, &id, body),
                Cell::number(if v.renewal_due.is_empty() { String::new() } else { cx.date(&v.renewal_due) }, body),
            ]
        })
        .collect();

    let contacts = table(
        cx,
        x,
        width,
        &[
            ("contact.happened_at", 78.0, false),
            ("contact.kind", 62.0, false),
            ("contact.people", 120.0, false),
            ("contact.agreed", 0.0, false),
        ],
    );
    let contact_rows = s
        .contacts
        .iter()
        .map(|c| {
            let who = [clean(&c.user), clean(&c.people)]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" → ");
            vec![
                cell(&contacts, 0, &cx.date(&c.happened_at), body),
                cell(&contacts, 1, &cx.value("kind.", &c.kind), body),
                cell(&contacts, 2, &who, body),
                Cell::text(&capped(&w, &c.agreed, body, contacts.cols[3].width - 2.0 * contacts.pad, 3), body),
            ]
        })
        .collect();

    let actions = table(
        cx,
        x,
        width,
        &[
            ("contact.next_due", 78.0, false),
            ("contact.next_kind", 62.0, false),
            ("contact.next_action", 0.0, false),
            ("contact.next_user", 110.0, false),
        ],
    );
    let action_rows = s
        .actions
        .iter()
        .map(|a| {
            vec![
                cell(&actions, 0, &cx.date(&a.due), body),
                cell(&actions, 1, &cx.value("kind.", &a.kind), body),
                cell(&actions, 2, &a.what, body),
                cell(&actions, 3, &a.user, body),
            ]
        })
        .collect();

    vec![
        Section { title: cx.t("pdf.summary.people"), table: people, rows: people_rows },
        Section { title: cx.t("pdf.summary.fleet"), table: fleet, rows: fleet_rows },
        Section { title: cx.t("pdf.summary.contacts"), table: contacts, rows: contact_rows },
        Section { title: cx.t("pdf.summary.actions"), table: actions, rows: action_rows },
    ]
}

const TITLE: Style = Style::new(10.0, true, ACCENT);
const NOTE: Style = Style::new(8.0, false, MUTED);
const GAP: f32 = 12.0;

fn draw_sections(f: &mut Flow, sections: Vec<Section>) {
    let w = f.cx.w;
    let heights: Vec<Vec<f32>> =
        sections.iter().map(|s| s.rows.iter().map(|r| s.table.row_height(&w, r)).collect()).collect();
    let needs: Vec<f32> = sections
        .iter()
        .zip(&heights)
        .map(|(s, h)| {
            let body =
                if s.rows.is_empty() { NOTE.leading() } else { s.table.head_row_height(&w) + h.iter().sum::<f32>() };
            TITLE.leading() + 3.0 + body + GAP
        })
        .collect();

    for (n, (section, heights)) in sections.into_iter().zip(heights).enumerate() {
        // Share what is left of the page among this list and the ones after it: the smallest
        // needs are met first, the rest split what remains. What a list leaves unused goes
        // to the next.
        let mut left = f.bottom() - f.y;
        let mut order: Vec<usize> = (n..needs.len()).collect();
        order.sort_by(|&a, &b| needs[a].total_cmp(&needs[b]));
        let mut budget = 0.0;
        for (k, &i) in order.iter().enumerate() {
            let give = needs[i].min(left / (order.len() - k) as f32);
            if i == n {
                budget = give;
            }
            left -= give;
        }
        let (x0, top) = (f.left(), f.y);
        let end = top + budget;
        let title = w.fit(&section.title, TITLE, f.width());
        f.page().text(&w, x0, baseline(top, TITLE), &title, TITLE);
        f.y = top + TITLE.leading() + 3.0;
        if section.rows.is_empty() {
            let y = f.y;
            let none = f.cx.t("pdf.summary.none");
            f.page().text(&w, x0, baseline(y, NOTE), &none, NOTE);
            f.y = y + NOTE.leading() + GAP;
            continue;
        }
        section.table.head(f);
        let mut shown = 0;
        for (row, height) in section.rows.iter().zip(&heights) {
            let room_after = end - GAP - NOTE.leading();
            let rest_fits = shown + 1 == section.rows.len() && f.y + height <= end - GAP;
            if f.y + height > room_after && !rest_fits {
                break;
            }
            section.table.row(f, row, None);
            shown += 1;
        }
        if shown < section.rows.len() {
            let more = f.cx.tf("pdf.summary.more", &[("count", &(section.rows.len() - shown).to_string())]);
            let y = f.y + 2.0;
            f.page().text(&w, x0, baseline(y, NOTE), &more, NOTE);
            f.y = y + NOTE.leading();
        }
        f.y += GAP;
    }
}
