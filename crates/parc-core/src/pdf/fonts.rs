//! The fonts printed offers embed, parsed once per process, and the choice of a font per
//! character: DejaVu Sans (regular and bold) for Latin, Greek and Cyrillic, WenQuanYi Micro Hei
//! for Chinese. printpdf has no fallback of its own (a missing glyph prints as an empty box),
//! so every character is looked up in the fonts' cmaps here, and one no font has is left out
//! (and reported beforehand by [`super::check`]).

use std::sync::OnceLock;

use printpdf::ParsedFont;
use unicode_normalization::UnicodeNormalization;

/// The fonts, with their licences beside them in `crates/parc-core/fonts/`.
static SANS: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");
static CJK: &[u8] = include_bytes!("../../fonts/wqy-microhei.ttc");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Sans = 0,
    SansBold = 1,
    /// Has no bold: bold Chinese is drawn filled and stroked.
    Cjk = 2,
}

pub(crate) struct Font {
    pub parsed: ParsedFont,
    units_per_em: f32,
    /// Advance widths of the ASCII and Latin-1 range, the bulk of every document, in ems.
    latin: Vec<Option<(u16, f32)>>,
}

impl Font {
    fn load(bytes: &[u8], index: usize, name: &str) -> Font {
        // The fonts are part of the binary and parsed by a test, so a failure is a build
        // defect rather than something a user could cause.
        let parsed = ParsedFont::from_bytes(bytes, index, &mut Vec::new())
            .unwrap_or_else(|| panic!("the embedded font {name} cannot be parsed"));
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let mut font = Font { parsed, units_per_em, latin: Vec::new() };
        font.latin = (0u32..0x250).map(|c| font.lookup(c)).collect();
        font
    }

    fn lookup(&self, c: u32) -> Option<(u16, f32)> {
        let gid = self.parsed.lookup_glyph_index(c).filter(|&g| g != 0)?;
        Some((gid, f32::from(self.parsed.get_horizontal_advance(gid)) / self.units_per_em))
    }

    /// The glyph of `c` and its advance in ems, when the font has one.
    fn glyph(&self, c: char) -> Option<(u16, f32)> {
        match self.latin.get(c as usize) {
            Some(known) => *known,
            None => self.lookup(c as u32),
        }
    }
}

pub(crate) struct Fonts {
    faces: [Font; 3],
}

/// The fonts, parsed on first use (about 50 ms) and shared by every document after.
pub(crate) fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        faces: [
            Font::load(SANS, 0, "DejaVuSans.ttf"),
            Font::load(SANS_BOLD, 0, "DejaVuSans-Bold.ttf"),
            Font::load(CJK, 0, "wqy-microhei.ttc"),
        ],
    })
}

/// Whether `c` is written by the Chinese font first in a Chinese document: ideographs, CJK
/// and full-width punctuation, and the quotes, dashes and ellipsis Chinese sets full width.
/// Latin letters, digits and currency signs stay in DejaVu so numbers line up and bold is
/// real bold.
fn chinese_first(c: char) -> bool {
    matches!(c as u32,
        0x2014 | 0x2018..=0x201F | 0x2026 | 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

impl Fonts {
    pub fn font(&self, face: Face) -> &Font {
        &self.faces[face as usize]
    }

    /// The face that draws `c` and its advance in ems; `None` when no embedded font has it.
    pub fn pick(&self, c: char, bold: bool, cjk_first: bool) -> Option<(Face, f32)> {
        let latin = if bold { Face::SansBold } else { Face::Sans };
        let order: &[Face] = if cjk_first && chinese_first(c) {
            &[Face::Cjk, latin, Face::Sans]
        } else {
            &[latin, Face::Sans, Face::Cjk]
        };
        order.iter().find_map(|&face| self.font(face).glyph(c).map(|(_, advance)| (face, advance)))
    }

    /// The advance of `c` in `face`, in ems, when the face has it.
    pub fn advance_in(&self, face: Face, c: char) -> Option<f32> {
        self.font(face).glyph(c).map(|(_, advance)| advance)
    }

    /// Whether some embedded font can draw `c`.
    pub fn can_show(&self, c: char) -> bool {
        self.pick(c, false, false).is_some()
    }
}

/// Invisible formatting characters (zero-width spaces and joiners, direction marks, the byte
/// order mark, variation selectors): dropped from printed text, never reported.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFE00..=0xFE0F | 0xE0000..=0xE007F | 0xE0100..=0xE01EF)
}

/// Text as it is printed: composed (NFC, so `a` + combining ogonek is one `ą`), tabs and
/// carriage returns as spaces, invisible formatting and other control characters left out.
/// Line breaks stay; single-line places turn them into spaces.
pub(crate) fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.nfc()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' | '\r' => Some(' '),
            c if c.is_control() || is_invisible(c) => None,
            c => Some(c),
        })
        .collect()
}

/// The characters of `text` that would not print: control characters other than line
/// breaks and tabs, and characters no embedded font has. Each once, in order.
pub(crate) fn unshowable(text: &str) -> Vec<char> {
    let fonts = fonts();
    let mut out: Vec<char> = Vec::new();
    for c in text.nfc() {
        let bad = match c {
            '\n' | '\r' | '\t' => false,
            c if c.is_control() => true,
            c if is_invisible(c) => false,
            c => !fonts.can_show(c),
        };
        if bad && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}
