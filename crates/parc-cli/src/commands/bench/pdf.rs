//! The printed offer's speed: milliseconds per two-page offer PDF in each language, and the
//! same offer written as HTML and printed by headless Chromium, for comparison. Reported,
//! never asserted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use parc_core::ground::i18n::{self, Locale};
use parc_core::offer::{Financing, Offer, OfferData, OfferLine, OfferStatus, TradeIn};
use parc_core::pdf::{self, CustomerBlock, Letterhead, OfferSheet, Signature};
use parc_core::Error;

use super::time_it;

/// A realistic offer: lines as long as a price list's descriptions, two VAT rates, a global
/// discount, a trade-in, financing, terms and notes.
fn sheet(locale: Locale, lines: usize) -> OfferSheet {
    let (customer, description) = match locale {
        Locale::It => (
            "Trasporti Nicolò Fabbri S.r.l.",
            "Trattore stradale MAN TGX 18.510 4x2 BL SA, cabina GX, cambio TipMatic, rallentatore",
        ),
        Locale::Pl => (
            "Przedsiębiorstwo Transportowe Łódź Sp. z o.o.",
            "Ciągnik siodłowy MAN TGX 18.510 4x2, kabina GX, skrzynia TipMatic, zwalniacz",
        ),
        Locale::Lt => (
            "UAB Šiaulių krovinių pervežimai",
            "Vilkikas MAN TGX 18.510 4x2, GX kabina, TipMatic pavarų dėžė, lėtintuvas",
        ),
        Locale::Zh => ("上海顺达物流有限公司", "曼恩 TGX 18.510 4x2 牵引车，GX 驾驶室，TipMatic 变速箱，缓速器"),
        Locale::En => {
            ("Northern Haulage Ltd", "MAN TGX 18.510 4x2 BL SA tractor unit, GX cab, TipMatic gearbox, retarder")
        }
    };
    let currency = match locale {
        Locale::Pl => "PLN",
        Locale::Zh => "CNY",
        _ => "EUR",
    };
    let data = OfferData {
        customer_id: 1,
        language: locale.code().into(),
        currency: currency.into(),
        date: "2026-03-07".into(),
        valid_until: "2026-04-06".into(),
        lines: (0..lines)
            .map(|i| OfferLine {
                item_id: None,
                code: format!("TGX-18.510-{i:02}"),
                description: format!("{description} ({})", i + 1),
                quantity: 1 + i as i64 % 3,
                unit_price: 9_876_543 - i as i64 * 12_345,
                discount_bp: if i % 3 == 0 { 0 } else { 350 },
                vat_bp: if i % 4 == 3 { 1000 } else { 2200 },
            })
            .collect(),
        global_discount_bp: 200,
        trade_ins: vec![TradeIn { description: "MAN TGA 18.440 (2012), 780,000 km".into(), value: 1_500_000 }],
        financing: Some(Financing {
            provider: "MAN Financial Services".into(),
            down_payment: 2_000_000,
            months: 48,
            monthly_rate: 345_678,
        }),
        payment_terms: "30 days from the invoice date, bank transfer.".into(),
        delivery_time: "12 weeks from the signed order.".into(),
        notes: "Prices include delivery to the customer's depot and the first service.".into(),
        salesperson_id: None,
        deal_id: None,
    };
    OfferSheet {
        offer: Offer {
            decided_on: None,
            id: 1,
            number: "OF-2026-0042".into(),
            revision: 1,
            status: OfferStatus::Draft,
            totals: data.totals(),
            data,
            outcome_reason: String::new(),
            outcome_competitor: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            created_by: None,
            version: 1,
        },
        letterhead: Letterhead {
            company_name: "Autocarri Padani S.p.A.".into(),
            address_lines: vec!["Via dell'Industria 12".into(), "20090 Segrate (MI), Italia".into()],
            vat_id: "IT01234567890".into(),
            phone: "+39 02 1234 5678".into(),
            email: "vendite@autocarripadani.it".into(),
            web: "www.autocarripadani.it".into(),
            bank_details: "Banca Intesa Sanpaolo · IBAN IT60 X054 2811 1010 0000 0123 456".into(),
            logo_png: Some(pdf::DEMO_LOGO_PNG.to_vec()),
        },
        customer: CustomerBlock {
            name: customer.into(),
            address_lines: vec!["Street 1".into(), "City".into()],
            vat_id: "PL7251234567".into(),
            contact_person: "Żaneta Wróblewska".into(),
        },
        signature: Signature {
            name: "Giulia Romano".into(),
            title: "Sales consultant".into(),
            phone: "+39 335 123 4567".into(),
            email: "giulia.romano@autocarripadani.it".into(),
        },
    }
}

/// The page objects of a PDF (`/Type /Page`, not `/Pages`).
fn pages(pdf: &[u8]) -> usize {
    let count = |pattern: &[u8]| {
        pdf.windows(pattern.len() + 1).filter(|w| w.starts_with(pattern) && w[pattern.len()] != b's').count()
    };
    count(b"/Type/Page") + count(b"/Type /Page")
}

/// The most lines that still make two pages in `locale` (descriptions differ in length).
fn two_page_sheet(locale: Locale) -> Result<OfferSheet, Error> {
    for lines in (8..=40).rev() {
        let sheet = sheet(locale, lines);
        if pages(&pdf::offer_pdf(&sheet)?) == 2 {
            return Ok(sheet);
        }
    }
    Ok(sheet(locale, 20))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The same offer as an HTML page for a browser to print: the same blocks, the table header
/// repeated by the browser, page numbers in the page margin.
fn offer_html(sheet: &OfferSheet) -> String {
    let locale = Locale::parse(&sheet.offer.data.language).unwrap_or_default();
    let fmt = locale.format();
    let t = |key: &str| escape(i18n::tr(locale, key));
    let data = &sheet.offer.data;
    let totals = data.totals();
    let cur = data.currency.as_str();
    let money = |minor: i64| escape(&fmt.money(minor, cur));
    let percent = |bp: i64| format!("{}%", fmt.minor_units(bp, 2).trim_end_matches('0').trim_end_matches(fmt.decimal));
    let date = |iso: &str| {
        parc_core::chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").map(|d| fmt.date(d)).unwrap_or_default()
    };
    let logo = format!("data:image/png;base64,{}", base64(sheet.letterhead.logo_png.as_deref().unwrap_or_default()));
    let page = i18n::tr(locale, "pdf.page")
        .replace("{page}", "\" counter(page) \"")
        .replace("{pages}", "\" counter(pages) \"");
    let mut h = String::new();
    h.push_str(&format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><style>\
         @page {{ size: A4; margin: 14mm 17mm 20mm; @bottom-right {{ content: \"{page}\"; font: 7.5pt 'DejaVu Sans'; color: #666; }} }}\
         body {{ font: 9pt 'DejaVu Sans', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif; color: #1c242e; margin: 0; }}\
         .head {{ display: flex; justify-content: space-between; border-bottom: 1.4pt solid #14457a; padding-bottom: 8pt; }}\
         h1 {{ color: #14457a; font-size: 22pt; margin: 0; text-align: right; }} .muted {{ color: #616b78; font-size: 8pt; }}\
         table.lines {{ width: 100%; border-collapse: collapse; margin-top: 6pt; font-size: 8.5pt; }}\
         table.lines th {{ background: #e8eff7; text-align: left; padding: 3.5pt; font-size: 7.5pt; }}\
         table.lines td {{ padding: 3.5pt; border-bottom: 0.4pt solid #c7cfd9; vertical-align: top; }}\
         .num {{ text-align: right; white-space: nowrap; }} .totals {{ width: 290pt; margin-left: auto; margin-top: 10pt; }}\
         .totals td {{ padding: 2pt 6pt; }} .pay td {{ background: #14457a; color: white; font-weight: bold; }}\
         .box {{ background: #e8eff7; padding: 8pt; margin-top: 10pt; }} tr {{ break-inside: avoid; }}\
         </style><body>",
        locale.code()
    ));
    let lh = &sheet.letterhead;
    h.push_str(&format!(
        "<div class=\"head\"><div><img src=\"{logo}\" style=\"height:42pt\"><div style=\"color:#14457a;font:bold 13pt 'DejaVu Sans'\">{}</div><div class=\"muted\">{}<br>{} {} · {} {}<br>{} · {}</div></div>",
        escape(&lh.company_name),
        lh.address_lines.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>"),
        t("pdf.vat_id"),
        escape(&lh.vat_id),
        t("pdf.phone"),
        escape(&lh.phone),
        escape(&lh.email),
        escape(&lh.web)
    ));
    h.push_str(&format!(
        "<div><h1>{}</h1><table><tr><td class=\"muted\">{}</td><td><b>{}</b></td></tr><tr><td class=\"muted\">{}</td><td><b>{}</b></td></tr><tr><td class=\"muted\">{}</td><td><b>{}</b></td></tr></table></div></div>",
        t("pdf.offer.title"),
        t("pdf.offer.number"),
        escape(&sheet.offer.number),
        t("pdf.offer.date"),
        date(&data.date),
        t("pdf.offer.valid_until"),
        date(&data.valid_until)
    ));
    let c = &sheet.customer;
    let s = &sheet.signature;
    h.push_str(&format!(
        "<div style=\"display:flex;gap:16pt;margin-top:12pt\"><div style=\"flex:1\"><div class=\"muted\"><b>{}</b></div><b style=\"font-size:11pt\">{}</b><br>{}<br>{} {}<br>{} {}</div><div style=\"flex:0.8\"><div class=\"muted\"><b>{}</b></div><b>{}</b><br>{}<br>{} {}<br>{}</div></div><p>{}</p>",
        t("pdf.customer"),
        escape(&c.name),
        c.address_lines.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>"),
        t("pdf.vat_id"),
        escape(&c.vat_id),
        t("pdf.attention"),
        escape(&c.contact_person),
        t("pdf.your_contact"),
        escape(&s.name),
        escape(&s.title),
        t("pdf.phone"),
        escape(&s.phone),
        escape(&s.email),
        t("pdf.intro")
    ));
    h.push_str("<table class=\"lines\"><thead><tr>");
    for (key, num) in [
        ("code", false),
        ("description", false),
        ("quantity", true),
        ("unit_price", true),
        ("discount", true),
        ("vat", true),
        ("amount", true),
    ] {
        h.push_str(&format!("<th{}>{}</th>", if num { " class=\"num\"" } else { "" }, t(&format!("pdf.col.{key}"))));
    }
    h.push_str("</tr></thead><tbody>");
    for (line, amount) in data.lines.iter().zip(&totals.lines) {
        h.push_str(&format!(
            "<tr><td class=\"muted\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\"><b>{}</b></td></tr>",
            escape(&line.code),
            escape(&line.description),
            fmt.integer(line.quantity),
            fmt.minor_units(line.unit_price, 2),
            if line.discount_bp == 0 { String::new() } else { percent(line.discount_bp) },
            percent(line.vat_bp),
            fmt.minor_units(*amount, 2)
        ));
    }
    h.push_str("</tbody></table><table class=\"totals\">");
    let mut row = |label: String, value: String, class: &str| {
        h.push_str(&format!("<tr class=\"{class}\"><td>{label}</td><td class=\"num\">{value}</td></tr>"));
    };
    row(t("pdf.total.subtotal"), money(totals.subtotal), "");
    row(
        escape(&i18n::trf(locale, "pdf.total.discount", &[("percent", &percent(data.global_discount_bp))])),
        money(-totals.global_discount),
        "",
    );
    for v in &totals.vat {
        row(escape(&i18n::trf(locale, "pdf.total.net_at", &[("rate", &percent(v.vat_bp))])), money(v.net), "");
    }
    for v in &totals.vat {
        row(escape(&i18n::trf(locale, "pdf.total.vat_at", &[("rate", &percent(v.vat_bp))])), money(v.vat), "");
    }
    row(format!("<b>{}</b>", t("pdf.total.gross")), format!("<b>{}</b>", money(totals.gross)), "");
    for trade_in in &data.trade_ins {
        row(
            escape(&i18n::trf(locale, "pdf.total.trade_in", &[("description", &trade_in.description)])),
            money(-trade_in.value),
            "",
        );
    }
    row(t("pdf.total.to_pay"), money(totals.to_pay), "pay");
    h.push_str("</table>");
    if let Some(f) = &data.financing {
        h.push_str(&format!(
            "<div class=\"box\"><b style=\"color:#14457a\">{}</b><br>{}: <b>{}</b> · {}: <b>{}</b> · {}: <b>{}</b> · {}: <b>{}</b><div class=\"muted\">{}</div></div>",
            t("pdf.financing.title"),
            t("pdf.financing.provider"),
            escape(&f.provider),
            t("pdf.financing.down_payment"),
            money(f.down_payment),
            t("pdf.financing.months"),
            f.months,
            t("pdf.financing.monthly_rate"),
            money(f.monthly_rate),
            t("pdf.financing.note")
        ));
    }
    for (key, text) in [
        ("pdf.payment_terms", &data.payment_terms),
        ("pdf.delivery_time", &data.delivery_time),
        ("pdf.notes", &data.notes),
    ] {
        h.push_str(&format!("<p><b>{}</b>: {}</p>", t(key), escape(text)));
    }
    h.push_str(&format!(
        "<p>{}</p><p>{}</p><div style=\"display:flex;justify-content:space-between;margin-top:30pt;break-inside:avoid\"><div style=\"border-top:0.6pt solid #c7cfd9;width:200pt\"><b>{}</b><br><span class=\"muted\">{}</span></div><div class=\"muted\" style=\"border-top:0.6pt solid #c7cfd9;width:200pt\">{}</div></div></body></html>",
        t("pdf.closing"),
        t("pdf.regards"),
        escape(&s.name),
        escape(&s.title),
        t("pdf.acceptance")
    ));
    h
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Prints one offer through headless Chromium: the whole run, start-up included, because
/// that is what printing a page that way costs.
fn print_with_chromium(chromium: &Path, html: &Path, out: &Path, profile: &Path) -> Result<(), Error> {
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-pdf-header-footer",
            "--no-first-run",
            "--disable-breakpad",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", html.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    if !status.success() || !out.is_file() {
        return Err(Error::Io(std::io::Error::other(format!(
            "{} could not print {}",
            chromium.display(),
            html.display()
        ))));
    }
    Ok(())
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

pub(crate) fn run(runs: usize) -> Result<(), Error> {
    println!("offer PDF: a two-page offer (logo, two VAT rates, trade-in, financing), {runs} runs each");
    let started = Instant::now();
    pdf::offer_pdf(&sheet(Locale::En, 3))?;
    println!("first PDF of the process (parses the fonts once): {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "language (lines, KB)", "pages", "p50 ms", "p95 ms", "max ms");
    let mut ours = Vec::new();
    for locale in Locale::ALL {
        let sheet = two_page_sheet(locale)?;
        let size = pdf::offer_pdf(&sheet)?.len();
        let label = format!("{} ({} lines, {} KB)", locale.code(), sheet.offer.data.lines.len(), size / 1024);
        let mut times = Vec::new();
        time_it(&label, runs, |_| {
            let t = Instant::now();
            let pages = pages(&pdf::offer_pdf(&sheet)?);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            Ok(pages)
        })?;
        ours.push((locale, sheet, median(&mut times)));
    }

    println!();
    let Some(chromium) = chromium() else {
        println!(
            "headless Chromium not found (chromium, chromium-browser, google-chrome): the HTML comparison is skipped"
        );
        return Ok(());
    };
    let dir = std::env::temp_dir().join(format!("parc-pdf-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let chromium_runs = runs.clamp(1, 5);
    println!(
        "the same offers as HTML printed by {} --headless --print-to-pdf, {chromium_runs} runs each",
        chromium.display()
    );
    println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "language", "pages", "p50 ms", "ratio", "");
    let result = (|| -> Result<(), Error> {
        for (locale, sheet, our_ms) in &ours {
            let html = dir.join(format!("offer-{}.html", locale.code()));
            std::fs::write(&html, offer_html(sheet))?;
            let out = dir.join(format!("offer-{}.pdf", locale.code()));
            let profile = dir.join("profile");
            let mut times = Vec::new();
            for _ in 0..chromium_runs {
                let t = Instant::now();
                print_with_chromium(&chromium, &html, &out, &profile)?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            let theirs = median(&mut times);
            let pages = pages(&std::fs::read(&out)?);
            println!("{:<28} {pages:>7} {theirs:>9.1} {:>8.0}x", locale.code(), theirs / our_ms.max(0.001));
        }
        Ok(())
    })();
    // Chromium's helper processes may still be leaving the profile folder: try again briefly.
    for _ in 0..10 {
        if std::fs::remove_dir_all(&dir).is_ok() || !dir.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    result
}
