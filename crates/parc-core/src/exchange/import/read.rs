//! Reading a file and mapping its columns to Parc's fields.

use super::*;

pub(super) struct FileRows {
    pub(super) encoding: Encoding,
    pub(super) delimiter: char,
    pub(super) malformed: bool,
    pub(super) headers: Vec<String>,
    /// Without a header line, columns are mapped by position.
    pub(super) positional: bool,
    pub(super) rows: Vec<(usize, Vec<String>)>,
    /// A workbook's visible sheets and the one read.
    pub(super) sheets: Vec<String>,
    pub(super) sheet: Option<String>,
    pub(super) header_line: usize,
}

pub(super) fn locale_encoding(locale: Locale) -> Option<Encoding> {
    match locale {
        Locale::Pl => Some(Encoding::Windows1250),
        Locale::Lt => Some(Encoding::Windows1257),
        Locale::It => Some(Encoding::Windows1252),
        _ => None,
    }
}

/// A file as headers and rows: a workbook's sheet (told by its content, whatever its name)
/// with its cells' types, or a CSV file decoded.
pub(super) fn read(
    bytes: &[u8],
    settings: &ProfileSettings,
    defs: &[FieldDef],
    encoding: Option<Encoding>,
    delimiter: Option<char>,
    sheet: Option<&str>,
    locale: Locale,
) -> Result<FileRows> {
    let f = &settings.format;
    if workbook::is_workbook(bytes) {
        let book = workbook::read(bytes, sheet, f.decimal)?;
        let (headers, positional, header_line, rows) = split_header(book.rows, settings, defs);
        return Ok(FileRows {
            encoding: Encoding::Utf8,
            // The rejected rows of a workbook go to a CSV file with the profile's separator.
            delimiter: f.delimiter,
            malformed: false,
            headers,
            positional,
            rows,
            sheets: book.sheets,
            sheet: Some(book.sheet),
            header_line,
        });
    }
    let encoding = encoding.unwrap_or_else(|| {
        if settings.detect {
            csv_file::detect_encoding(bytes, locale_encoding(locale))
        } else {
            f.encoding
        }
    });
    let decoded = csv_file::decode(bytes, Some(encoding));
    let delimiter = delimiter.filter(|d| format::DELIMITERS.contains(d)).unwrap_or_else(|| {
        if settings.detect {
            csv_file::detect_delimiter(&decoded.text)
        } else {
            f.delimiter
        }
    });
    let rows = csv_file::records(&decoded.text, delimiter);
    let (headers, positional, header_line, rows) = split_header(rows, settings, defs);
    Ok(FileRows {
        encoding: decoded.encoding,
        delimiter,
        malformed: decoded.malformed,
        headers,
        positional,
        rows,
        sheets: Vec::new(),
        sheet: None,
        header_line,
    })
}

/// Headers and data rows: the header is the first line that looks like one, so a title
/// ("Elenco clienti al 30/11/2026") and blank lines above it are skipped. Without a header,
/// columns are named by position.
#[allow(clippy::type_complexity)]
pub(super) fn split_header(
    mut rows: Vec<(usize, Vec<String>)>,
    settings: &ProfileSettings,
    defs: &[FieldDef],
) -> (Vec<String>, bool, usize, Vec<(usize, Vec<String>)>) {
    if settings.format.header && !rows.is_empty() {
        let at = header_index(&rows, settings, defs);
        let mut rest = rows.split_off(at);
        let (line, cells) = rest.remove(0);
        let headers = cells.into_iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect();
        (headers, false, line, rest)
    } else {
        let n = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
        ((1..=n).map(|i| format!("#{i}")).collect(), true, 0, rows)
    }
}

/// Which of the first rows is the header. A title above it names no field; the header is the
/// first row of two cells or more naming a field (as the mapping reads headers), else the first
/// row with most columns filled (at least half as many cells as the fullest of the first rows)
/// and mostly words rather than numbers or dates, below rows of one cell only. The first row
/// when none fits.
pub(super) fn header_index(rows: &[(usize, Vec<String>)], settings: &ProfileSettings, defs: &[FieldDef]) -> usize {
    const LOOK: usize = 20;
    let filled = |r: &[String]| r.iter().filter(|c| !c.trim().is_empty()).count();
    let names = |r: &[String]| {
        let cells: Vec<String> = r.iter().map(|c| c.trim().to_string()).collect();
        // A guess (a header only close to a name) does not make a header: a value could be close.
        let (columns, guessed) = map_columns_guessing(&cells, settings, defs, false);
        columns.iter().zip(&guessed).any(|(c, g)| c.is_some() && !g)
    };
    if let Some(i) = rows.iter().take(LOOK).position(|(_, r)| filled(r) >= 2 && names(r)) {
        return i;
    }
    let widest = rows.iter().take(50).map(|(_, r)| filled(r)).max().unwrap_or(0);
    let wanted = widest.div_ceil(2).max(2);
    let wordy = |r: &[String]| {
        let values = r.iter().filter(|c| {
            let c = c.trim();
            !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit() || " .,-/:+'".contains(ch))
        });
        values.count() * 2 < filled(r)
    };
    let titles = rows.iter().take(LOOK).take_while(|(_, r)| filled(r) <= 1).count();
    match rows.get(titles) {
        Some((_, r)) if titles < LOOK && filled(r) >= wanted && wordy(r) => titles,
        _ => 0,
    }
}

pub(super) fn import_fields(entity: Entity, custom: &[CustomField]) -> Vec<FieldDef> {
    fields(entity, custom).into_iter().filter(|f| f.import).collect()
}

/// The field of each column: by the profile (its header, or its position in a file without
/// headers), else a header that names a field (its key, its label in any language, or a name
/// of [`vocabulary`]), else one close to a name (a guess).
pub(super) fn map_columns<'a>(
    headers: &[String],
    settings: &ProfileSettings,
    defs: &'a [FieldDef],
    positional: bool,
) -> Vec<Option<(&'a FieldDef, String)>> {
    map_columns_guessing(headers, settings, defs, positional).0
}

/// Each column's field and header, when it has one.
pub(super) type Columns<'a> = Vec<Option<(&'a FieldDef, String)>>;

/// [`map_columns`], and by column whether its field was guessed. Each field goes to one column:
/// the profile's first, then whole names, then second-choice names, then guesses.
pub(super) fn map_columns_guessing<'a>(
    headers: &[String],
    settings: &ProfileSettings,
    defs: &'a [FieldDef],
    positional: bool,
) -> (Columns<'a>, Vec<bool>) {
    let def_of = |key: &str| defs.iter().find(|d| d.key == key);
    let mut fields: Vec<Option<&'a FieldDef>> = vec![None; headers.len()];
    let mut guessed = vec![false; headers.len()];
    let mut taken: HashSet<&str> = HashSet::new();
    let mut decided = vec![false; headers.len()];
    // The profile's columns (a column it names with no field stays out: the person said so).
    for (i, header) in headers.iter().enumerate() {
        let folded = fold(header);
        let by_profile = if positional {
            settings.columns.get(i).map(|c| c.field.as_str())
        } else {
            settings.columns.iter().find(|c| fold(&c.header) == folded).map(|c| c.field.as_str())
        };
        if let Some(field) = by_profile {
            decided[i] = true;
            if let Some(d) = def_of(field).filter(|d| taken.insert(d.key.as_str())) {
                fields[i] = Some(d);
            }
        }
    }
    if !positional || settings.columns.is_empty() {
        let named = |header: &str| {
            let folded = fold(header);
            defs.iter()
                .find(|d| {
                    fold(&d.key) == folded
                        || Locale::ALL.iter().any(|l| names_it(i18n::tr(*l, &d.label), &folded))
                        || (d.key.starts_with("custom.") && fold(&d.label) == folded)
                })
                .or_else(|| vocabulary::exact(header).and_then(def_of))
        };
        // Whole names, then second choices, then guesses: the likeliest field no column has.
        for pass in 0..3 {
            for (i, header) in headers.iter().enumerate() {
                if decided[i] {
                    continue;
                }
                let candidates: Vec<&'a FieldDef> = match pass {
                    0 => named(header).into_iter().collect(),
                    1 => vocabulary::secondary(header).and_then(def_of).into_iter().collect(),
                    _ => vocabulary::close_all(header).into_iter().filter_map(def_of).collect(),
                };
                let found = candidates.into_iter().find(|d| !taken.contains(d.key.as_str()));
                if let Some(d) = found {
                    taken.insert(d.key.as_str());
                    fields[i] = Some(d);
                    decided[i] = true;
                    guessed[i] = pass == 2;
                }
            }
        }
        // A file of people (first and last names): its contact columns are the person's.
        if taken.contains("person_first_name") || taken.contains("person_last_name") {
            for (i, header) in headers.iter().enumerate() {
                let Some(d) = fields[i] else { continue };
                let by_profile = settings.columns.iter().any(|c| fold(&c.header) == fold(header));
                if let Some(own) = vocabulary::personal(&d.key, header).filter(|_| !by_profile) {
                    if let Some(p) = def_of(own).filter(|p| !taken.contains(p.key.as_str())) {
                        taken.remove(d.key.as_str());
                        taken.insert(p.key.as_str());
                        fields[i] = Some(p);
                    }
                }
            }
        }
    }
    let out = fields.into_iter().zip(headers).map(|(d, h)| d.map(|d| (d, h.clone()))).collect();
    (out, guessed)
}

/// Whether a header names a label: the whole of it, or one of its names ("Partita IVA" for
/// "Partita IVA / codice fiscale").
pub(super) fn names_it(label: &str, folded_header: &str) -> bool {
    fold(label) == folded_header || label.split('/').any(|part| fold(part.trim()) == folded_header)
}

/// One row's mapped cells, trimmed, a neutralising `'` taken off.
pub(super) struct Cells<'a> {
    pub(super) cells: &'a [String],
    pub(super) columns: &'a [Option<(&'a FieldDef, String)>],
    pub(super) format: &'a FileFormat,
}

impl<'a> Cells<'a> {
    /// The non-empty cells of mapped columns: (field, header, value).
    pub(super) fn iter(&self) -> impl Iterator<Item = (&'a FieldDef, &'a str, &'a str)> + '_ {
        self.columns.iter().enumerate().filter_map(move |(i, m)| {
            let (def, header) = m.as_ref()?;
            let value = self.format.untext(self.cells.get(i)?.trim());
            (!value.is_empty()).then_some((*def, header.as_str(), value))
        })
    }

    pub(super) fn get(&self, key: &str) -> Option<&'a str> {
        // A field has at most one column: find it, then read only its cell.
        let i = self.columns.iter().position(|m| m.as_ref().is_some_and(|(d, _)| d.key == key))?;
        let value = self.format.untext(self.cells.get(i)?.trim());
        (!value.is_empty()).then_some(value)
    }

    pub(super) fn mapped(&self, key: &str) -> bool {
        self.columns.iter().flatten().any(|(d, _)| d.key == key)
    }

    /// The row's person's name: its own column, else the first and last names together.
    pub(super) fn person_name(&self) -> Option<String> {
        if let Some(name) = self.get("person_name") {
            return Some(name.to_string());
        }
        let parts: Vec<&str> = ["person_first_name", "person_last_name"].iter().filter_map(|k| self.get(k)).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}
