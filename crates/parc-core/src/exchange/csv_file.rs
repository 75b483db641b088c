//! Reading and writing CSV files: RFC 4180 quoting, the file's encoding, a file written under
//! a temporary name and renamed only when complete, and the detection of an unknown file's
//! encoding and separator.

use std::io::{self, Write};

use super::format::{Encoding, FileFormat, DELIMITERS};

/// Writes records in a file's format. Characters the encoding lacks (Chinese in
/// Windows-1250) are written as `?` and counted, never as HTML entities.
pub struct CsvWriter<W: Write> {
    out: W,
    delimiter: char,
    line_end: &'static str,
    encoder: Option<encoding_rs::Encoder>,
    line: String,
    bytes: Vec<u8>,
    /// Characters written as `?`.
    pub unmappable: u64,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(mut out: W, format: &FileFormat) -> io::Result<Self> {
        let encoder = match format.encoding {
            Encoding::Utf8Bom => {
                out.write_all(b"\xEF\xBB\xBF")?;
                None
            }
            Encoding::Utf8 | Encoding::Utf16le | Encoding::Utf16be => None,
            legacy => Some(legacy.codec().new_encoder()),
        };
        Ok(CsvWriter {
            out,
            delimiter: format.delimiter,
            line_end: format.line_end(),
            encoder,
            line: String::new(),
            bytes: Vec::new(),
            unmappable: 0,
        })
    }

    /// Writes one record: a cell holding the separator, a quote or a line break is quoted,
    /// its quotes doubled (RFC 4180).
    pub fn record<S: AsRef<str>>(&mut self, cells: &[S]) -> io::Result<()> {
        self.line.clear();
        for (i, cell) in cells.iter().enumerate() {
            let cell = cell.as_ref();
            if i > 0 {
                self.line.push(self.delimiter);
            }
            let quote = cell.contains([self.delimiter, '"', '\r', '\n']) || (cells.len() == 1 && cell.is_empty());
            if quote {
                self.line.push('"');
                for c in cell.chars() {
                    if c == '"' {
                        self.line.push('"');
                    }
                    self.line.push(c);
                }
                self.line.push('"');
            } else {
                self.line.push_str(cell);
            }
        }
        self.line.push_str(self.line_end);
        match &mut self.encoder {
            None => self.out.write_all(self.line.as_bytes()),
            Some(encoder) => {
                self.bytes.clear();
                let mut rest = self.line.as_str();
                loop {
                    self.bytes.reserve(rest.len() + 16);
                    let (result, read) =
                        encoder.encode_from_utf8_to_vec_without_replacement(rest, &mut self.bytes, false);
                    rest = &rest[read..];
                    match result {
                        encoding_rs::EncoderResult::InputEmpty => break,
                        encoding_rs::EncoderResult::OutputFull => {}
                        encoding_rs::EncoderResult::Unmappable(_) => {
                            self.bytes.push(b'?');
                            self.unmappable += 1;
                        }
                    }
                }
                self.out.write_all(&self.bytes)
            }
        }
    }

    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A file's text, decoded.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// Bytes that were not valid in the encoding (shown as �): the encoding is probably wrong.
    pub malformed: bool,
}

/// Decodes a file in `chosen`, or in the encoding it appears to be in.
pub fn decode(bytes: &[u8], chosen: Option<Encoding>) -> Decoded {
    let encoding = chosen.unwrap_or_else(|| detect_encoding(bytes, None));
    let (text, malformed) = match encoding_rs::Encoding::for_bom(bytes) {
        // A byte-order mark that agrees with the encoding is not part of the text.
        Some((bom, len)) if bom == encoding.codec() => encoding.codec().decode_without_bom_handling(&bytes[len..]),
        _ => encoding.codec().decode_without_bom_handling(bytes),
    };
    let encoding = match (encoding, bytes.starts_with(b"\xEF\xBB\xBF")) {
        (Encoding::Utf8, true) => Encoding::Utf8Bom,
        (e, _) => e,
    };
    Decoded { text: text.into_owned(), encoding, malformed }
}

/// The encoding a file appears to be in: its byte-order mark, else UTF-8 when it is valid
/// UTF-8, else the Windows code page whose letters make the most sense (Polish in 1250,
/// Lithuanian in 1257, Italian in 1252); `hint` settles a tie (the workstation's language).
pub fn detect_encoding(bytes: &[u8], hint: Option<Encoding>) -> Encoding {
    if let Some((bom, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return if bom == encoding_rs::UTF_16LE {
            Encoding::Utf16le
        } else if bom == encoding_rs::UTF_16BE {
            Encoding::Utf16be
        } else {
            Encoding::Utf8Bom
        };
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Encoding::Utf8;
    }
    if looks_chinese(&bytes[..bytes.len().min(1 << 20)]) {
        return Encoding::Gb18030;
    }
    // On a tie (an Italian "Città" reads as a Lithuanian "Cittą" too) the Western code page,
    // the most common, wins unless the workstation's language says otherwise.
    let mut candidates = vec![Encoding::Windows1252, Encoding::Windows1250, Encoding::Windows1257];
    if let Some(h) = hint.filter(|h| candidates.contains(h)) {
        candidates.retain(|c| *c != h);
        candidates.insert(0, h);
    }
    // Only the bytes above ASCII tell the code pages apart; a sample is enough.
    let sample = &bytes[..bytes.len().min(1 << 20)];
    let mut best = (i64::MIN, Encoding::Windows1250);
    for c in candidates {
        let (text, _) = c.codec().decode_without_bom_handling(sample);
        let score: i64 = text.chars().filter(|ch| !ch.is_ascii()).map(|ch| letter_score(c, ch)).sum();
        if score > best.0 {
            best = (score, c);
        }
    }
    best.1
}

/// Whether the bytes above ASCII come in pairs of GB2312's zone (both bytes 0xA1..=0xFE, as
/// every common Chinese character and punctuation mark in GBK/GB18030): a code page's accented
/// letters stand alone between ASCII letters instead.
fn looks_chinese(bytes: &[u8]) -> bool {
    let (mut pairs, mut lone) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
        } else if (0xA1..=0xFE).contains(&b) && bytes.get(i + 1).is_some_and(|n| (0xA1..=0xFE).contains(n)) {
            pairs += 1;
            i += 2;
        } else {
            lone += 1;
            i += 1;
        }
    }
    pairs >= 2 && lone * 10 <= pairs
}

fn letter_score(encoding: Encoding, c: char) -> i64 {
    const POLISH: &str = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ";
    const LITHUANIAN: &str = "ąčęėįšųūžĄČĘĖĮŠŲŪŽ";
    const ITALIAN: &str = "àèéìíòóùúÀÈÉÌÒÙçÇ";
    let letters = match encoding {
        Encoding::Windows1250 => POLISH,
        Encoding::Windows1257 => LITHUANIAN,
        _ => ITALIAN,
    };
    if letters.contains(c) {
        2
    } else if c.is_control() || c == '\u{fffd}' {
        -4
    } else if c.is_alphabetic() {
        0
    } else {
        -1
    }
}

/// The separator a file appears to use: the candidate that splits the first lines into the
/// same number of cells (more than one) most often, `;` when none does.
pub fn detect_delimiter(text: &str) -> char {
    let mut best = (0usize, 0usize, ';');
    for d in DELIMITERS {
        let mut reader = reader(text, d);
        let mut counts: Vec<usize> = Vec::new();
        for record in reader.records().take(50).flatten() {
            if record.iter().all(str::is_empty) {
                continue;
            }
            counts.push(record.len());
        }
        let Some(&first) = counts.first() else { continue };
        if first < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|n| **n == first).count();
        if (consistent, first) > (best.0, best.1) {
            best = (consistent, first, d);
        }
    }
    best.2
}

fn reader(text: &str, delimiter: char) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(u8::try_from(delimiter).unwrap_or(b';'))
        .from_reader(text.as_bytes())
}

/// The file's records, in order; lines with nothing in them (a spreadsheet's trailing `;;;`)
/// are left out. Each comes with its line number in the file (from 1), for messages.
pub fn records(text: &str, delimiter: char) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut reader = reader(text, delimiter);
    let mut record = csv::StringRecord::new();
    // The reader's own line numbers lag behind CRLF line ends: count them from the bytes.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let mut start = record.position().map_or(0, |p| p.byte() as usize).min(bytes.len());
                while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                if start >= counted_to {
                    line += bytes[counted_to..start].iter().filter(|b| **b == b'\n').count();
                    counted_to = start;
                }
                if record.iter().any(|c| !c.trim().is_empty()) {
                    out.push((line, record.iter().map(str::to_string).collect()));
                }
            }
            Ok(false) => break,
            // Decoded text is valid UTF-8 and the reader is flexible: nothing else can fail,
            // but a bad record must not stop the others from being read.
            Err(_) => continue,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(format: &FileFormat, rows: &[&[&str]]) -> Vec<u8> {
        let mut w = CsvWriter::new(Vec::new(), format).unwrap();
        for r in rows {
            w.record(r).unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn chinese_windows_files_are_read_as_gb18030() {
        let text = "客户名称,城市\r\n北京重型汽车运输有限公司,北京\r\n";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(detect_encoding(&bytes, None), Encoding::Gb18030);
        assert_eq!(decode(&bytes, None).text, text);
        let (pl, _, _) = encoding_rs::WINDOWS_1250.encode("Nazwa;Miasto\r\nPrzedsiębiorstwo Żuraw;Łódź\r\n");
        assert_eq!(detect_encoding(&pl, None), Encoding::Windows1250);
        let (lt, _, _) = encoding_rs::WINDOWS_1257.encode("Pavadinimas;Miestas\r\nUAB Šiaulių vežėjas;Šiauliai\r\n");
        assert_eq!(detect_encoding(&lt, None), Encoding::Windows1257);
        let (it, _, _) =
            encoding_rs::WINDOWS_1252.encode("Ragione sociale;Comune\r\nTrasporti Città;Città di Castello\r\n");
        assert_eq!(detect_encoding(&it, None), Encoding::Windows1252, "a tie goes to the Western code page");
    }

    #[test]
    fn quotes_as_rfc_4180_says_with_crlf() {
        let f = FileFormat { encoding: Encoding::Utf8, ..Default::default() };
        let out = written(&f, &[&["a;b", "say \"hi\"", "two\nlines", "plain"], &["", "x"]]);
        assert_eq!(String::from_utf8(out).unwrap(), "\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\";plain\r\n;x\r\n");
        let one = written(&f, &[&[""]]);
        assert_eq!(one, b"\"\"\r\n", "an empty one-cell record is not an empty line");
    }

    #[test]
    fn writes_a_bom_or_a_legacy_code_page_and_reads_them_back() {
        let bom = FileFormat::default();
        let out = written(&bom, &[&["Łódź"]]);
        assert!(out.starts_with(b"\xEF\xBB\xBF"));
        let d = decode(&out, None);
        assert_eq!((d.text.as_str(), d.encoding), ("Łódź\r\n", Encoding::Utf8Bom));

        let pl = FileFormat { encoding: Encoding::Windows1250, ..Default::default() };
        let out = written(&pl, &[&["Łódź", "Zażółć gęślą jaźń"]]);
        assert_eq!(out[0], 0xA3, "Ł in Windows-1250");
        assert_eq!(detect_encoding(&out, None), Encoding::Windows1250);
        assert_eq!(decode(&out, None).text, "Łódź;Zażółć gęślą jaźń\r\n");

        let lt = FileFormat { encoding: Encoding::Windows1257, ..Default::default() };
        let out = written(&lt, &[&["Šiauliai", "Žalgirio gatvė, Kaunas", "Ąžuolų g."]]);
        assert_eq!(detect_encoding(&out, None), Encoding::Windows1257);
        assert_eq!(decode(&out, None).text, "Šiauliai;Žalgirio gatvė, Kaunas;Ąžuolų g.\r\n");

        let it = FileFormat { encoding: Encoding::Windows1252, ..Default::default() };
        let out = written(&it, &[&["Città", "perché sì, però più"]]);
        assert_eq!(detect_encoding(&out, None), Encoding::Windows1252);
    }

    #[test]
    fn characters_the_code_page_lacks_become_question_marks_and_are_counted() {
        let pl = FileFormat { encoding: Encoding::Windows1250, ..Default::default() };
        let mut w = CsvWriter::new(Vec::new(), &pl).unwrap();
        w.record(&["上海", "ok"]).unwrap();
        assert_eq!(w.unmappable, 2);
        assert_eq!(w.into_inner().unwrap(), b"??;ok\r\n");
    }

    #[test]
    fn finds_the_separator_and_skips_empty_lines() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3\n"), ';');
        assert_eq!(detect_delimiter("a,b,c\n\"1,5\",2,3\n"), ',');
        assert_eq!(detect_delimiter("a\tb\n1\t2\n"), '\t');
        assert_eq!(detect_delimiter("name;city\n\"Rossi, Srl\";Milano\n"), ';');
        let r = records("a;b\r\n\r\n1;\"x\r\ny\"\r\n;;\r\n2;z", ';');
        let lines: Vec<usize> = r.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 3, 6]);
        assert_eq!(r[1].1, ["1", "x\r\ny"]);
    }
}
