//! Drawing on pages without printpdf's layout engine: text measured with the fonts' own
//! advances, wrapped and placed at absolute positions, filled boxes, rules and images. Pages
//! are kept as plain items until the document is complete, so footers ("page 2 of 3") are
//! added once the page count is known, and only the fonts really used are embedded.
//!
//! Coordinates are points from the page's top-left corner (y grows downwards, text is placed
//! by its baseline); they are turned into PDF's bottom-left origin when written.

use printpdf::{
    Color, FontId, ImageCompression, ImageOptimizationOptions, Line, LinePoint, Mm, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rect, TextItem, TextMatrix, TextRenderingMode,
    XObjectTransform,
};

use super::fonts::{fonts, Face};

/// A4 in points.
pub(crate) const A4: (f32, f32) = (595.28, 841.89);

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

pub(crate) const INK: Rgb = Rgb(0.11, 0.14, 0.18);
pub(crate) const MUTED: Rgb = Rgb(0.38, 0.42, 0.47);
pub(crate) const ACCENT: Rgb = Rgb(0.08, 0.27, 0.47);
pub(crate) const RULE: Rgb = Rgb(0.78, 0.81, 0.85);
pub(crate) const TINT: Rgb = Rgb(0.91, 0.94, 0.97);
pub(crate) const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);

impl Rgb {
    fn color(self) -> Color {
        Color::Rgb(printpdf::Rgb { r: self.0, g: self.1, b: self.2, icc_profile: None })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub size: f32,
    pub bold: bool,
    pub color: Rgb,
}

impl Style {
    pub const fn new(size: f32, bold: bool, color: Rgb) -> Style {
        Style { size, bold, color }
    }

    pub fn bold(self) -> Style {
        Style { bold: true, ..self }
    }

    pub fn color(self, color: Rgb) -> Style {
        Style { color, ..self }
    }

    /// The distance between two baselines.
    pub fn leading(self) -> f32 {
        self.size * 1.32
    }
}

/// Measures and breaks text in a document's language (which decides the font of characters
/// both fonts have).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Writer {
    pub cjk_first: bool,
}

/// Characters that may not start a line in Chinese: they stay on the line before.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）」』》〉】〕”’…%,.;:!?)]}".contains(c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

impl Writer {
    /// The advance of `c` in points; 0 for a character no font has (it is left out).
    pub fn advance(&self, c: char, st: Style) -> f32 {
        fonts().pick(c, st.bold, self.cjk_first).map_or(0.0, |(_, em)| em * st.size)
    }

    pub fn width(&self, text: &str, st: Style) -> f32 {
        text.chars().filter(|&c| c != '\n').map(|c| self.advance(c, st)).sum()
    }

    /// `text` (cleaned) broken into lines no wider than `max`: at spaces, between Chinese
    /// characters, at line breaks, and inside a word only when the word alone is too wide.
    pub fn wrap(&self, text: &str, st: Style, max: f32) -> Vec<String> {
        let max = max.max(st.size);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut width = 0.0f32;
            let mut chars = paragraph.chars().peekable();
            while let Some(c) = chars.next() {
                // The next unbreakable piece: one Chinese character (with the punctuation
                // that must follow it), a run of spaces, or a word.
                let mut piece = String::from(c);
                if is_cjk(c) {
                    while let Some(&n) = chars.peek() {
                        if !no_line_start(n) {
                            break;
                        }
                        piece.push(n);
                        chars.next();
                    }
                } else if c == ' ' {
                    while chars.peek() == Some(&' ') {
                        piece.push(' ');
                        chars.next();
                    }
                } else {
                    // A word ends at a space, before a Chinese character, or after a hyphen
                    // or slash inside it (codes like `TGX-18.510-4x2` break there).
                    let mut last = c;
                    while let Some(&n) = chars.peek() {
                        if n == ' '
                            || (is_cjk(n) && !no_line_start(n))
                            || (matches!(last, '-' | '/') && piece.len() > 1)
                        {
                            break;
                        }
                        piece.push(n);
                        last = n;
                        chars.next();
                    }
                }
                let piece_width = self.width(&piece, st);
                if piece.starts_with(' ') {
                    if line.is_empty() {
                        // No line starts with spaces.
                    } else if width + piece_width <= max {
                        line.push_str(&piece);
                        width += piece_width;
                    } else {
                        // A space at the end of a full line: the line ends here.
                        lines.push(std::mem::take(&mut line).trim_end().to_string());
                        width = 0.0;
                    }
                } else if width + piece_width <= max {
                    line.push_str(&piece);
                    width += piece_width;
                } else if piece_width <= max {
                    if !line.trim().is_empty() {
                        lines.push(std::mem::take(&mut line).trim_end().to_string());
                    }
                    line = piece;
                    width = piece_width;
                } else {
                    // A word wider than the column: cut it wherever the line is full.
                    for ch in piece.chars() {
                        let w = self.advance(ch, st);
                        if width + w > max && !line.trim().is_empty() {
                            lines.push(std::mem::take(&mut line).trim_end().to_string());
                            width = 0.0;
                        }
                        line.push(ch);
                        width += w;
                    }
                }
            }
            lines.push(line.trim_end().to_string());
        }
        // Blank lines separate paragraphs: one is enough, and none at either end.
        let mut kept: Vec<String> = Vec::with_capacity(lines.len());
        for line in lines {
            if !line.is_empty() || kept.last().is_some_and(|l| !l.is_empty()) {
                kept.push(line);
            }
        }
        while kept.last().is_some_and(|l| l.is_empty()) {
            kept.pop();
        }
        kept
    }

    /// One line of `text`, shortened with an ellipsis when wider than `max`.
    pub fn fit(&self, text: &str, st: Style, max: f32) -> String {
        let text = text.replace('\n', " ");
        if self.width(&text, st) <= max {
            return text;
        }
        let room = max - self.advance('…', st);
        let mut out = String::new();
        let mut width = 0.0;
        for c in text.chars() {
            width += self.advance(c, st);
            if width > room {
                break;
            }
            out.push(c);
        }
        out.truncate(out.trim_end().len());
        out.push('…');
        out
    }
}

struct Run {
    face: Face,
    /// Bold in a face that has no bold: filled and stroked.
    fake_bold: bool,
    x: f32,
    text: String,
}

enum Item {
    Fill { x: f32, y: f32, w: f32, h: f32, color: Rgb },
    Line { x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: Rgb },
    Image { index: usize, x: f32, y: f32, w: f32, h: f32 },
    Text { y: f32, size: f32, color: Rgb, runs: Vec<Run> },
}

pub(crate) struct Page {
    pub width: f32,
    pub height: f32,
    items: Vec<Item>,
}

impl Page {
    pub fn new((width, height): (f32, f32)) -> Page {
        Page { width, height, items: Vec::new() }
    }

    /// Draws one line of cleaned text with its left end at `x` and its baseline at `y`;
    /// returns its width.
    pub fn text(&mut self, w: &Writer, x: f32, y: f32, text: &str, st: Style) -> f32 {
        let fonts = fonts();
        let mut runs: Vec<Run> = Vec::new();
        let mut pen = x;
        for c in text.chars() {
            let c = if c == '\n' { ' ' } else { c };
            let Some((mut face, mut em)) = fonts.pick(c, st.bold, w.cjk_first) else { continue };
            // A space stays in the run it follows, so words keep their spaces when extracted.
            if c.is_whitespace() {
                if let Some(run) = runs.last() {
                    if let Some(advance) = fonts.advance_in(run.face, c) {
                        (face, em) = (run.face, advance);
                    }
                }
            }
            match runs.last_mut() {
                Some(run) if run.face == face => run.text.push(c),
                _ => runs.push(Run { face, fake_bold: st.bold && face == Face::Cjk, x: pen, text: c.to_string() }),
            }
            pen += em * st.size;
        }
        if !runs.is_empty() {
            self.items.push(Item::Text { y, size: st.size, color: st.color, runs });
        }
        pen - x
    }

    /// Draws one line of text ending at `right`.
    pub fn text_right(&mut self, w: &Writer, right: f32, y: f32, text: &str, st: Style) {
        let width = w.width(text, st);
        self.text(w, right - width, y, text, st);
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.items.push(Item::Fill { x, y, w, h, color });
    }

    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        self.items.push(Item::Line { x1, y1: y, x2, y2: y, width, color });
    }

    /// Places image `index` of the document with its top-left corner at (`x`, `y`).
    pub fn image(&mut self, index: usize, x: f32, y: f32, w: f32, h: f32) {
        self.items.push(Item::Image { index, x, y, w, h });
    }

    fn ops(self, font_ids: &[Option<FontId>; 3], images: &[(printpdf::XObjectId, usize)]) -> Vec<Op> {
        let h = self.height;
        let point = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(h - y) }, bezier: false };
        let mut ops = Vec::with_capacity(self.items.len() * 4);
        let mut texts = Vec::new();
        for item in self.items {
            match item {
                Item::Fill { x, y, w, h: height, color } => {
                    ops.push(Op::SetFillColor { col: color.color() });
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Pt(x),
                            y: Pt(h - y - height),
                            width: Pt(w),
                            height: Pt(height),
                            mode: Some(PaintMode::Fill),
                            winding_order: None,
                        },
                    });
                }
                Item::Line { x1, y1, x2, y2, width, color } => {
                    ops.push(Op::SetOutlineColor { col: color.color() });
                    ops.push(Op::SetOutlineThickness { pt: Pt(width) });
                    ops.push(Op::DrawLine {
                        line: Line { points: vec![point(x1, y1), point(x2, y2)], is_closed: false },
                    });
                }
                Item::Image { index, x, y, w, h: height } => {
                    let Some((id, px_width)) = images.get(index) else { continue };
                    ops.push(Op::UseXobject {
                        id: id.clone(),
                        transform: XObjectTransform {
                            translate_x: Some(Pt(x)),
                            translate_y: Some(Pt(h - y - height)),
                            dpi: Some(*px_width as f32 * 72.0 / w.max(1.0)),
                            ..Default::default()
                        },
                    });
                }
                text @ Item::Text { .. } => texts.push(text),
            }
        }
        if texts.is_empty() {
            return ops;
        }
        ops.push(Op::StartTextSection);
        let (mut font, mut size, mut color, mut stroked) = (None, 0.0, None, false);
        for item in texts {
            let Item::Text { y, size: text_size, color: text_color, runs } = item else { continue };
            if color != Some(text_color) {
                ops.push(Op::SetFillColor { col: text_color.color() });
                ops.push(Op::SetOutlineColor { col: text_color.color() });
                color = Some(text_color);
            }
            for run in runs {
                let Some(id) = &font_ids[run.face as usize] else { continue };
                if font != Some(run.face) || size != text_size {
                    ops.push(Op::SetFont { font: PdfFontHandle::External(id.clone()), size: Pt(text_size) });
                    font = Some(run.face);
                    size = text_size;
                }
                if run.fake_bold != stroked {
                    if run.fake_bold {
                        ops.push(Op::SetOutlineThickness { pt: Pt(text_size * 0.035) });
                        ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::FillStroke });
                    } else {
                        ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::Fill });
                    }
                    stroked = run.fake_bold;
                }
                ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(run.x), Pt(h - y)) });
                ops.push(Op::ShowText { items: vec![TextItem::Text(run.text)] });
            }
        }
        ops.push(Op::EndTextSection);
        ops
    }
}

/// Writes the pages as a PDF, embedding (subset) only the fonts the pages use.
pub(crate) fn render(title: &str, pages: Vec<Page>, images: &[RawImage]) -> Vec<u8> {
    let mut doc = PdfDocument::new(title);
    doc.metadata.info.creator = "Parc".to_string();
    doc.metadata.info.producer = "Parc".to_string();
    let now = printpdf::OffsetDateTime::now_utc();
    doc.metadata.info.creation_date = now;
    doc.metadata.info.modification_date = now;
    doc.metadata.info.metadata_date = now;
    let fonts = fonts();
    let mut used = [false; 3];
    for page in &pages {
        for item in &page.items {
            if let Item::Text { runs, .. } = item {
                for run in runs {
                    used[run.face as usize] = true;
                }
            }
        }
    }
    let mut font_ids: [Option<FontId>; 3] = [None, None, None];
    for face in [Face::Sans, Face::SansBold, Face::Cjk] {
        if used[face as usize] {
            font_ids[face as usize] = Some(doc.add_font(&fonts.font(face).parsed));
        }
    }
    let image_ids: Vec<_> = images.iter().map(|image| (doc.add_image(image), image.width)).collect();
    let pdf_pages: Vec<PdfPage> = pages
        .into_iter()
        .map(|page| {
            let (width, height) = (Mm::from(Pt(page.width)), Mm::from(Pt(page.height)));
            PdfPage::new(width, height, page.ops(&font_ids, &image_ids))
        })
        .collect();
    doc.with_pages(pdf_pages);
    // A logo is compressed losslessly (a JPEG of a logo has halos around its letters).
    let images = ImageOptimizationOptions { format: Some(ImageCompression::Flate), ..Default::default() };
    let options = PdfSaveOptions { image_optimization: Some(images), optimize: false, ..Default::default() };
    let mut pdf = printpdf::to_lopdf_doc(&doc, &options, &mut Vec::new());
    compress(&mut pdf);
    let mut bytes = Vec::new();
    // Writing into memory fails only when memory does.
    pdf.save_to(&mut bytes).expect("a PDF is written into memory");
    bytes
}

/// Compresses every stream not compressed yet (fonts, page contents) at zlib's default level.
fn compress(pdf: &mut lopdf::Document) {
    use std::io::Write;
    for object in pdf.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else { continue };
        if stream.dict.get(b"Filter").is_ok() || stream.content.len() < 64 {
            continue;
        }
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let Ok(packed) = encoder.write_all(&stream.content).and_then(|()| encoder.finish()) else { continue };
        if packed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}
