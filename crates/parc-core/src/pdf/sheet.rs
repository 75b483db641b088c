//! The offer's pages: letterhead, customer, line table, totals, financing, terms, signature.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use printpdf::RawImage;

use super::canvas::{Page, Style, A4, ACCENT, INK, MUTED, RULE, TINT, WHITE};
use super::flow::{baseline, head_style, Cell, Col, Ctx, Flow, Table, TOP};
use super::fonts::clean;
use super::OfferSheet;

pub(crate) use super::flow::date_text;

/// The printed labels of an offer, so [`super::check`] can tell which lack a translation.
pub(crate) const OFFER_LABELS: &[&str] = &[
    "pdf.offer.title",
    "pdf.offer.number",
    "pdf.offer.revision",
    "pdf.offer.date",
    "pdf.offer.valid_until",
    "pdf.offer.continued",
    "pdf.intro",
    "pdf.customer",
    "pdf.vat_id",
    "pdf.attention",
    "pdf.phone",
    "pdf.your_contact",
    "pdf.amounts_in",
    "pdf.col.code",
    "pdf.col.description",
    "pdf.col.quantity",
    "pdf.col.unit_price",
    "pdf.col.discount",
    "pdf.col.vat",
    "pdf.col.amount",
    "pdf.total.subtotal",
    "pdf.total.discount",
    "pdf.total.net",
    "pdf.total.net_at",
    "pdf.total.vat_at",
    "pdf.total.gross",
    "pdf.total.trade_in",
    "pdf.total.to_pay",
    "pdf.financing.title",
    "pdf.financing.provider",
    "pdf.financing.down_payment",
    "pdf.financing.months",
    "pdf.financing.monthly_rate",
    "pdf.financing.note",
    "pdf.payment_terms",
    "pdf.delivery_time",
    "pdf.notes",
    "pdf.closing",
    "pdf.regards",
    "pdf.acceptance",
    "pdf.page",
];

/// The largest logo file read; a letterhead logo is a few kilobytes.
const MAX_LOGO_BYTES: usize = 4 * 1024 * 1024;

/// The images of a document, each decoded once (a visit pack repeats the same logo).
#[derive(Default)]
pub(crate) struct Images {
    pub list: Vec<RawImage>,
    known: Vec<(u64, Option<usize>)>,
}

impl Images {
    /// The index and pixel size of a PNG, `None` when it cannot be read.
    pub fn png(&mut self, bytes: &[u8]) -> Option<(usize, f32, f32)> {
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        let key = hasher.finish();
        let index = match self.known.iter().find(|(k, _)| *k == key) {
            Some((_, index)) => *index,
            None => {
                let index = decode_png(bytes).map(|image| {
                    self.list.push(image);
                    self.list.len() - 1
                });
                self.known.push((key, index));
                index
            }
        };
        index.map(|i| (i, self.list[i].width as f32, self.list[i].height as f32))
    }
}

pub(crate) fn decode_png(bytes: &[u8]) -> Option<RawImage> {
    if bytes.len() > MAX_LOGO_BYTES || !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    let image = RawImage::decode_from_bytes(bytes, &mut Vec::new()).ok()?;
    (image.width > 0 && image.height > 0).then_some(image)
}

/// Text pieces joined with a middle dot, the empty ones left out.
fn joined(parts: &[&str]) -> String {
    parts.iter().map(|p| clean(p).replace('\n', " ")).filter(|p| !p.trim().is_empty()).collect::<Vec<_>>().join("  ·  ")
}

pub(crate) fn offer_pages(sheet: &OfferSheet, images: &mut Images) -> Vec<Page> {
    let offer = &sheet.offer;
    let data = &offer.data;
    let cx = Ctx::new(&data.language);
    let mut f = Flow::new(&cx, A4);
    let number = clean(&offer.number);
    f.running_head = (clean(&sheet.letterhead.company_name), cx.tf("pdf.offer.continued", &[("number", &number)]));

    letterhead(&mut f, sheet, images);
    addresses(&mut f, sheet);
    lines(&mut f, sheet);
    totals(&mut f, sheet);
    terms(&mut f, sheet);
    signature(&mut f, sheet);

    let lh = &sheet.letterhead;
    let vat = if lh.vat_id.trim().is_empty() { String::new() } else { format!("{} {}", cx.t("pdf.vat_id"), lh.vat_id) };
    let address = lh.address_lines.join(", ");
    let footer = [joined(&[&lh.company_name, &address, &vat]), joined(&lh.bank_details.lines().collect::<Vec<_>>())];
    f.finish(&footer)
}

fn letterhead(f: &mut Flow, sheet: &OfferSheet, images: &mut Images) {
    let (cx, w) = (f.cx, f.cx.w);
    let lh = &sheet.letterhead;
    let offer = &sheet.offer;
    let (x0, x1) = (f.left(), f.right());
    let left_width = f.width() * 0.56;
    let mut y = TOP;

    // Left: logo, company name and details.
    if let Some((index, px_w, px_h)) = lh.logo_png.as_deref().and_then(|b| images.png(b)) {
        let scale = (150.0 / px_w).min(42.0 / px_h);
        let (lw, lh_) = (px_w * scale, px_h * scale);
        f.page().image(index, x0, y, lw, lh_);
        y += lh_ + 10.0;
    }
    let name_style = Style::new(13.0, true, ACCENT);
    // Every piece of the letterhead is held to a few lines: it must leave room for the offer.
    for line in w.wrap(&clean(&lh.company_name), name_style, left_width).into_iter().take(3) {
        f.page().text(&w, x0, baseline(y, name_style), &line, name_style);
        y += name_style.leading();
    }
    y += 2.0;
    let small = Style::new(8.0, false, MUTED);
    let phone = if lh.phone.trim().is_empty() { String::new() } else { format!("{} {}", cx.t("pdf.phone"), lh.phone) };
    let vat = if lh.vat_id.trim().is_empty() { String::new() } else { format!("{} {}", cx.t("pdf.vat_id"), lh.vat_id) };
    let mut details: Vec<String> = lh.address_lines.iter().take(4).map(|l| clean(l)).collect();
    details.push(joined(&[&vat, &phone]));
    details.push(joined(&[&lh.email, &lh.web]));
    for text in details.iter().filter(|t| !t.trim().is_empty()) {
        for line in w.wrap(text, small, left_width).into_iter().take(3) {
            f.page().text(&w, x0, baseline(y, small), &line, small);
            y += small.leading();
        }
    }

    // Right: the title and the offer's number and dates.
    let title = Style::new(22.0, true, ACCENT);
    let mut ry = TOP;
    // A long title ("Komercinis pasiūlymas") is set smaller rather than cut.
    let title_room = f.width() - left_width - 10.0;
    let title_text = cx.t("pdf.offer.title");
    let natural = w.width(&title_text, title);
    let title = if natural > title_room {
        Style { size: (title.size * title_room / natural).max(12.0), ..title }
    } else {
        title
    };
    let title_text = w.fit(&title_text, title, title_room);
    f.page().text_right(&w, x1, baseline(ry + (22.0 - title.size) * 0.5, title), &title_text, title);
    let title = Style::new(22.0, true, ACCENT);
    ry += title.leading() + 6.0;
    let mut facts: Vec<(String, String)> = vec![(cx.t("pdf.offer.number"), clean(&offer.number))];
    if offer.revision > 1 {
        facts.push((cx.t("pdf.offer.revision"), offer.revision.to_string()));
    }
    facts.push((cx.t("pdf.offer.date"), cx.date(&offer.data.date)));
    if !offer.data.valid_until.trim().is_empty() {
        facts.push((cx.t("pdf.offer.valid_until"), cx.date(&offer.data.valid_until)));
    }
    let (label, value) = (Style::new(8.5, false, MUTED), Style::new(9.0, true, INK));
    let value_width = facts.iter().map(|(_, v)| w.width(v, value)).fold(0.0, f32::max).min(150.0);
    let label_right = x1 - value_width - 10.0;
    for (l, v) in &facts {
        let v = w.fit(v, value, 150.0);
        let l = w.fit(l, label, label_right - (x0 + left_width) - 4.0);
        f.page().text_right(&w, label_right, baseline(ry, value), &l, label);
        f.page().text_right(&w, x1, baseline(ry, value), &v, value);
        ry += value.leading() + 1.5;
    }

    let bottom = y.max(ry) + 8.0;
    f.page().hline(x0, x1, bottom, 1.4, ACCENT);
    f.y = bottom + 12.0;
}

fn addresses(f: &mut Flow, sheet: &OfferSheet) {
    let (cx, w) = (f.cx, f.cx.w);
    let (c, s) = (&sheet.customer, &sheet.signature);
    let x0 = f.left();
    let col = f.width() * 0.56;
    let x_right = x0 + col + 16.0;
    let right_width = f.right() - x_right;
    let label = Style::new(7.5, true, ACCENT);
    let body = Style::new(9.0, false, INK);
    let name = Style::new(11.0, true, INK);

    let mut left: Vec<(String, Style)> = Vec::new();
    left.push((clean(&c.name), name));
    left.extend(c.address_lines.iter().take(5).map(|l| (clean(l), body)));
    if !c.vat_id.trim().is_empty() {
        left.push((format!("{} {}", cx.t("pdf.vat_id"), clean(&c.vat_id)), body));
    }
    if !c.contact_person.trim().is_empty() {
        left.push((format!("{} {}", cx.t("pdf.attention"), clean(&c.contact_person)), body));
    }
    let mut right: Vec<(String, Style)> = Vec::new();
    right.push((clean(&s.name), body.bold()));
    right.push((clean(&s.title), body.color(MUTED)));
    if !s.phone.trim().is_empty() {
        right.push((format!("{} {}", cx.t("pdf.phone"), clean(&s.phone)), body));
    }
    right.push((clean(&s.email), body));

    let top = f.y;
    let mut bottom = top;
    for (x, width, heading, rows) in
        [(x0, col - 8.0, cx.t("pdf.customer"), left), (x_right, right_width, cx.t("pdf.your_contact"), right)]
    {
        let mut y = top;
        f.page().text(&w, x, baseline(y, label), &w.fit(&heading, label, width), label);
        y += label.leading() + 3.0;
        for (text, st) in rows.iter().filter(|(t, _)| !t.trim().is_empty()) {
            for line in w.wrap(text, *st, width).into_iter().take(3) {
                f.page().text(&w, x, baseline(y, *st), &line, *st);
                y += st.leading();
            }
        }
        bottom = bottom.max(y);
    }
    f.y = bottom + 12.0;
}

fn columns(f: &Flow) -> Vec<Col> {
    // Code, description (the rest), quantity, unit price, discount, VAT, amount.
    let fixed = [66.0, 0.0, 34.0, 66.0, 44.0, 34.0, 74.0];
    let description = f.width() - fixed.iter().sum::<f32>();
    fixed
        .iter()
        .enumerate()
        .map(|(i, &width)| Col { width: if i == 1 { description } else { width }, right: i >= 2 })
        .collect()
}

fn lines(f: &mut Flow, sheet: &OfferSheet) {
    let cx = f.cx;
    let data = &sheet.offer.data;
    let totals = data.totals();
    let currency = clean(&data.currency);
    let note = Style::new(7.5, false, MUTED);
    let amounts_in = cx.tf("pdf.amounts_in", &[("currency", &currency)]);
    // The opening sentence, and on its last line's right the currency of the table.
    let w = cx.w;
    let intro = Style::new(9.0, false, INK);
    let room = f.width() - w.width(&amounts_in, note) - 16.0;
    f.paragraph(f.left(), room, &cx.t("pdf.intro"), intro);
    let (x1, y) = (f.right(), f.y - intro.leading());
    f.page().text_right(&w, x1, baseline(y, intro), &amounts_in, note);
    f.y += 5.0;

    let (head, fill) = head_style(7.5);
    let table = Table {
        x: f.left(),
        cols: columns(f),
        head: ["code", "description", "quantity", "unit_price", "discount", "vat", "amount"]
            .iter()
            .map(|k| cx.t(&format!("pdf.col.{k}")))
            .collect(),
        head_style: head,
        head_fill: fill,
        pad: 3.5,
    };
    table.head(f);
    let body = Style::new(8.5, false, INK);
    let code = Style::new(7.5, false, MUTED);
    for (line, amount) in data.lines.iter().zip(&totals.lines) {
        let discount = if line.discount_bp == 0 { String::new() } else { cx.percent(line.discount_bp) };
        let cells = [
            Cell::text(&line.code, code),
            Cell::text(&line.description, body),
            Cell::number(cx.fmt.integer(line.quantity), body),
            Cell::number(cx.amount(line.unit_price), body),
            Cell::number(discount, body),
            Cell::number(cx.percent(line.vat_bp), body),
            Cell::number(cx.amount(*amount), body.bold()),
        ];
        table.row(f, &cells, None);
    }
    f.y += 10.0;
}

fn totals(f: &mut Flow, sheet: &OfferSheet) {
    let cx = f.cx;
    let w = cx.w;
    let data = &sheet.offer.data;
    let t = data.totals();
    let cur = data.currency.as_str();
    let normal = Style::new(9.0, false, INK);
    let strong = Style::new(10.0, true, INK);

    // (label, amount, style, rule above, highlighted)
    let mut rows = Vec::new();
    rows.push((cx.t("pdf.total.subtotal"), cx.money(t.subtotal, cur), normal, false, false));
    if data.global_discount_bp != 0 {
        let label = cx.tf("pdf.total.discount", &[("percent", &cx.percent(data.global_discount_bp))]);
        rows.push((label, cx.money(-t.global_discount, cur), normal, false, false));
    }
    if t.vat.len() > 1 {
        for v in &t.vat {
            let label = cx.tf("pdf.total.net_at", &[("rate", &cx.percent(v.vat_bp))]);
            rows.push((label, cx.money(v.net, cur), normal, false, false));
        }
    } else if data.global_discount_bp != 0 {
        rows.push((cx.t("pdf.total.net"), cx.money(t.net, cur), normal, false, false));
    }
    for v in &t.vat {
        rows.push((
            cx.tf("pdf.total.vat_at", &[("rate", &cx.percent(v.vat_bp))]),
            cx.money(v.vat, cur),
            normal,
            false,
            false,
        ));
    }
    let has_trade_ins = !data.trade_ins.is_empty();
    rows.push((cx.t("pdf.total.gross"), cx.money(t.gross, cur), strong, true, !has_trade_ins));
    for trade_in in &data.trade_ins {
        let label = cx.tf("pdf.total.trade_in", &[("description", &clean(&trade_in.description))]);
        rows.push((label, cx.money(-trade_in.value, cur), normal, false, false));
    }
    if has_trade_ins {
        rows.push((cx.t("pdf.total.to_pay"), cx.money(t.to_pay, cur), strong, true, true));
    }

    let block = 290.0f32.min(f.width());
    let (x1, x0) = (f.right(), f.right() - block);
    let value_width = rows.iter().map(|(_, v, st, ..)| w.width(v, *st)).fold(0.0, f32::max).min(block * 0.5);
    let label_width = block - value_width - 20.0;
    type Row = (String, String, Style, bool, bool);
    let laid: Vec<(Vec<String>, &Row)> =
        rows.iter().map(|row| (w.wrap(&row.0, row.2, label_width).into_iter().take(4).collect(), row)).collect();
    let row_height = |lines: &Vec<String>, st: Style| lines.len().max(1) as f32 * st.leading() + 4.0;
    let height: f32 = laid.iter().map(|(lines, row)| row_height(lines, row.2)).sum();

    // The financing, if any, sits in a box left of the totals.
    let box_width = f.width() - block - 18.0;
    let financing = sheet.offer.data.financing.as_ref().filter(|_| box_width > 120.0);
    let box_height = financing.map_or(0.0, |fin| financing_box(f, fin, cur, box_width, None));
    let fresh_page = f.bottom() - TOP - 28.0;
    f.ensure(height.max(box_height).min(fresh_page));
    let (top, first_page) = (f.y, f.pages.len());
    if let Some(fin) = financing {
        financing_box(f, fin, cur, box_width, Some((f.left(), top)));
    }
    for (lines, (_, value, st, rule, highlight)) in laid {
        let h = row_height(&lines, *st);
        f.ensure(h + 2.0);
        let top = f.y;
        let (st, value_st) = if *highlight {
            f.page().fill(x0, top, block, h + 2.0, ACCENT);
            (st.color(WHITE), st.color(WHITE))
        } else {
            (*st, *st)
        };
        if *rule && !*highlight {
            f.page().hline(x0, x1, top, 0.8, INK);
        }
        for (i, line) in lines.iter().enumerate() {
            f.page().text(&w, x0 + 6.0, baseline(top + 2.5 + i as f32 * st.leading(), st), line, st);
        }
        let mut vs = value_st;
        let natural = w.width(value, vs);
        if natural > value_width {
            vs.size *= value_width / natural;
        }
        f.page().text_right(&w, x1 - 6.0, baseline(top + 2.5, st), value, vs);
        f.y = top + h + if *highlight { 2.0 } else { 0.0 };
    }
    if f.pages.len() == first_page {
        f.y = f.y.max(top + box_height);
    }
    f.y += 14.0;
    if let (Some(fin), None) = (&sheet.offer.data.financing, financing) {
        // No room beside the totals: the box goes under them.
        let width = f.width();
        let h = financing_box(f, fin, cur, width, None);
        f.ensure(h);
        let (x, y) = (f.left(), f.y);
        financing_box(f, fin, cur, width, Some((x, y)));
        f.y += h + 16.0;
    }
}

/// The financing as quoted, in a tinted box `width` wide: its height, drawn when `at` is
/// given.
fn financing_box(f: &mut Flow, fin: &crate::offer::Financing, cur: &str, width: f32, at: Option<(f32, f32)>) -> f32 {
    let cx = f.cx;
    let w = cx.w;
    let title = Style::new(9.5, true, ACCENT);
    let label = Style::new(8.0, false, MUTED);
    let value = Style::new(9.0, true, INK);
    let note = Style::new(7.0, false, MUTED);
    let inner = width - 16.0;
    let rows = [
        (cx.t("pdf.financing.provider"), clean(&fin.provider)),
        (cx.t("pdf.financing.down_payment"), cx.money(fin.down_payment, cur)),
        (cx.t("pdf.financing.months"), cx.fmt.integer(fin.months)),
        (cx.t("pdf.financing.monthly_rate"), cx.money(fin.monthly_rate, cur)),
    ];
    let label_width = rows.iter().map(|(l, _)| w.width(l, label)).fold(0.0, f32::max).min(inner * 0.5);
    let value_room = inner - label_width - 8.0;
    let laid: Vec<(String, Vec<String>)> = rows
        .iter()
        .map(|(l, v)| (w.fit(l, label, label_width), w.wrap(v, value, value_room).into_iter().take(3).collect()))
        .collect();
    let notes: Vec<String> = w.wrap(&cx.t("pdf.financing.note"), note, inner).into_iter().take(3).collect();
    let height = 8.0
        + title.leading()
        + 3.0
        + laid.iter().map(|(_, v)| v.len().max(1) as f32 * value.leading() + 1.5).sum::<f32>()
        + 3.0
        + notes.len() as f32 * note.leading()
        + 7.0;
    let Some((x0, top)) = at else { return height };
    f.page().fill(x0, top, width, height, TINT);
    let mut y = top + 8.0;
    f.page().text(&w, x0 + 8.0, baseline(y, title), &w.fit(&cx.t("pdf.financing.title"), title, inner), title);
    y += title.leading() + 3.0;
    for (l, values) in &laid {
        f.page().text(&w, x0 + 8.0, baseline(y, value), l, label);
        for v in values {
            f.page().text_right(&w, x0 + width - 8.0, baseline(y, value), v, value);
            y += value.leading();
        }
        y += 1.5;
    }
    y += 3.0;
    for line in &notes {
        f.page().text(&w, x0 + 8.0, baseline(y, note), line, note);
        y += note.leading();
    }
    height
}

fn terms(f: &mut Flow, sheet: &OfferSheet) {
    let cx = f.cx;
    let w = cx.w;
    let data = &sheet.offer.data;
    let label = Style::new(8.5, true, INK);
    let body = Style::new(9.0, false, INK);
    let label_width = 118.0;
    for (key, text) in [
        ("pdf.payment_terms", &data.payment_terms),
        ("pdf.delivery_time", &data.delivery_time),
        ("pdf.notes", &data.notes),
    ] {
        if text.trim().is_empty() {
            continue;
        }
        let label_lines = w.wrap(&cx.t(key), label, label_width - 8.0);
        f.ensure(label_lines.len().max(1) as f32 * body.leading() + 4.0);
        let (x0, top, page) = (f.left(), f.y, f.pages.len());
        for (i, line) in label_lines.iter().enumerate() {
            f.page().text(&w, x0, baseline(top + i as f32 * body.leading(), body), line, label);
        }
        f.paragraph(x0 + label_width, f.width() - label_width, text.trim(), body);
        let below_label = top + label_lines.len() as f32 * body.leading();
        if f.pages.len() == page {
            f.y = f.y.max(below_label);
        }
        f.y += 6.0;
    }
    f.y += 6.0;
}

fn signature(f: &mut Flow, sheet: &OfferSheet) {
    let cx = f.cx;
    let w = cx.w;
    let s = &sheet.signature;
    let body = Style::new(9.0, false, INK);
    let small = Style::new(8.0, false, MUTED);
    let closing = w.wrap(&cx.t("pdf.closing"), body, f.width());
    let col = 200.0f32.min(f.width() / 2.0 - 20.0);
    let acceptance: Vec<String> = w.wrap(&cx.t("pdf.acceptance"), small, col).into_iter().take(3).collect();
    let below = (body.leading() + 2.0 * small.leading()).max(acceptance.len() as f32 * small.leading());
    let height = closing.len() as f32 * body.leading() + 6.0 + body.leading() + 26.0 + 4.0 + below;
    f.ensure(height);
    let (x0, x1) = (f.left(), f.right());
    let mut y = f.y;
    for line in &closing {
        f.page().text(&w, x0, baseline(y, body), line, body);
        y += body.leading();
    }
    y += 6.0;
    f.page().text(&w, x0, baseline(y, body), &cx.t("pdf.regards"), body);
    y += body.leading() + 26.0;
    f.page().hline(x0, x0 + col, y, 0.6, RULE);
    f.page().hline(x1 - col, x1, y, 0.6, RULE);
    let mut ay = y + 4.0;
    for line in &acceptance {
        f.page().text(&w, x1 - col, baseline(ay, small), line, small);
        ay += small.leading();
    }
    y += 4.0;
    let contact = joined(&[&s.phone, &s.email]);
    for (text, st) in [(clean(&s.name), body.bold()), (clean(&s.title), small), (contact, small)] {
        if text.trim().is_empty() {
            continue;
        }
        f.page().text(&w, x0, baseline(y, st), &w.fit(&text, st, col + 60.0), st);
        y += st.leading();
    }
    f.y = y.max(ay);
}
