//! Reading CSV files uploaded for import.
//!
//! Everything here streams: the encoding check, the decoder and the record
//! iterator each hold a fixed-size buffer, so a 1,000,000-row file costs the
//! same memory as a 10-row one.
//!
//! Typical use:
//! 1. at upload, [`sniff`] (or [`detect_encoding_in`] + [`sniff`] on the head)
//!    gives the encoding, delimiter, headers and a 20-row sample to show;
//! 2. at import, [`open`] streams every row with its line number.

use std::fmt;
use std::io::{self, Read};

/// Text encoding of an uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 without byte-order mark (plain ASCII is reported as this).
    Utf8,
    /// UTF-8 starting with the EF BB BF byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// Windows-1252, what French spreadsheet programs write by default.
    Windows1252,
}

impl Encoding {
    /// Stable identifier, fit for storing in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    pub fn from_name(name: &str) -> Option<Encoding> {
        match name.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "utf-8-bom" | "utf8-bom" => Some(Encoding::Utf8Bom),
            "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" => Some(Encoding::Windows1252),
            _ => None,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Encoding of a whole file held in memory.
///
/// BOM → [`Encoding::Utf8Bom`]; valid UTF-8 → [`Encoding::Utf8`]; anything
/// else → [`Encoding::Windows1252`] (every byte sequence decodes under it).
///
/// Pass the *whole* file: a Windows-1252 file may be pure ASCII for 50,000
/// rows before its first "é", and a file ending in "Andr\xe9" looks like a
/// truncated UTF-8 sequence, so it is (rightly) reported as Windows-1252 —
/// which also means a prefix cut inside a UTF-8 character is misjudged. For a
/// file on disk use [`detect_encoding_in`], which streams.
pub fn detect_encoding(bytes: &[u8]) -> Encoding {
    if bytes.starts_with(BOM) {
        Encoding::Utf8Bom
    } else if std::str::from_utf8(bytes).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    }
}

/// Same as [`detect_encoding`] but reads the file in 64 KiB chunks, so the
/// whole file is checked in constant memory. Stops early at the first byte
/// that is not UTF-8.
pub fn detect_encoding_in<R: Read>(mut reader: R) -> io::Result<Encoding> {
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes of a multi-byte sequence split across two reads (at most 3).
    let mut carry = 0usize;
    let mut first = true;
    loop {
        let n = read_retrying(&mut reader, &mut buf[carry..])?;
        let filled = carry + n;
        if first {
            // A short first read could split the BOM: make sure we have 3 bytes.
            if filled < BOM.len() && n != 0 {
                carry = filled;
                continue;
            }
            first = false;
            if buf[..filled].starts_with(BOM) {
                return Ok(Encoding::Utf8Bom);
            }
        }
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => carry = 0,
            Err(e) => match e.error_len() {
                Some(_) => return Ok(Encoding::Windows1252),
                None => {
                    // Keep the incomplete trailing sequence for the next read.
                    let valid = e.valid_up_to();
                    buf.copy_within(valid..filled, 0);
                    carry = filled - valid;
                }
            },
        }
        if n == 0 {
            // End of input: a dangling partial sequence is not UTF-8.
            return Ok(if carry == 0 {
                Encoding::Utf8
            } else {
                Encoding::Windows1252
            });
        }
    }
}

fn read_retrying<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// A reader producing UTF-8 from a reader in `enc`, with the BOM removed.
/// Malformed input becomes U+FFFD instead of failing the import.
pub struct Decoded<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    output: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    finished: bool,
}

const DECODE_BUF: usize = 64 * 1024;

/// Wrap `inner` so it reads as UTF-8 (see [`Decoded`]).
///
/// Built directly on `encoding_rs::Decoder::decode_to_utf8`, with fixed
/// 64 KiB input and output buffers.
pub fn decoded<R: Read>(inner: R, enc: Encoding) -> Decoded<R> {
    let decoder = match enc {
        // With BOM removal: also right for Utf8 if the caller picked it for
        // a file that does start with a BOM.
        Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8.new_decoder_with_bom_removal(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
    };
    Decoded {
        inner,
        decoder,
        input: vec![0; DECODE_BUF].into_boxed_slice(),
        in_start: 0,
        in_end: 0,
        output: vec![0; DECODE_BUF].into_boxed_slice(),
        out_start: 0,
        out_end: 0,
        eof: false,
        finished: false,
    }
}

impl<R> Decoded<R> {
    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                self.in_start = 0;
                self.in_end = read_retrying(&mut self.inner, &mut self.input)?;
                self.eof = self.in_end == 0;
            }
            let last = self.eof;
            let (result, read, written, _replaced) = self.decoder.decode_to_utf8(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                last,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            if result == encoding_rs::CoderResult::InputEmpty && last {
                self.finished = true;
            }
        }
    }
}

const DELIMITERS: [u8; 4] = [b';', b',', b'\t', b'|'];
const SNIFF_LINES: usize = 20;

/// Choose the delimiter among `;` `,` tab `|` from the start of a decoded file.
///
/// Each candidate splits the first 20 non-empty logical lines with CSV
/// quoting rules (a field starting with `"` may hold delimiters, line breaks
/// and `""`). A candidate's score is the number of lines that have its most
/// common field count, that count being > 1. Highest score wins.
///
/// Ties go to `;`, then `,`, tab, `|`: in French files `,` is the decimal
/// separator and appears unquoted inside `;` files ("12,50", "3, rue X"),
/// while a stray `;` in a `,` file is rare. The header line usually has no
/// decimal commas, which is why counting *consistent* lines (header included)
/// rather than raw occurrences picks `;` even when every data row holds a
/// "12,50". A head with no candidate at all (one column) gives `,`.
pub fn sniff_delimiter(head: &str) -> u8 {
    let mut best = (b',', 0usize);
    for &d in &DELIMITERS {
        let counts = field_counts(head, d, SNIFF_LINES);
        let mut tally: Vec<(usize, usize)> = Vec::new();
        for &c in counts.iter().filter(|&&c| c > 1) {
            match tally.iter_mut().find(|(k, _)| *k == c) {
                Some(entry) => entry.1 += 1,
                None => tally.push((c, 1)),
            }
        }
        let score = tally.iter().map(|&(_, n)| n).max().unwrap_or(0);
        // Strictly greater: earlier candidates win ties.
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// Field counts of the first `max_lines` non-empty records of `text`, parsed
/// with `delim` and CSV quoting. Lines made only of spaces count as empty.
fn field_counts(text: &str, delim: u8, max_lines: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut counts = Vec::new();
    let mut fields = 1usize;
    let mut blank = true; // nothing but spaces seen in this record so far
    let mut at_field_start = true;
    let mut in_quotes = false;
    let mut i = 0;
    while i < bytes.len() && counts.len() < max_lines {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'\n' || b == b'\r' {
            if !blank {
                counts.push(fields);
            }
            fields = 1;
            blank = true;
            at_field_start = true;
        } else if b == delim {
            fields += 1;
            blank = false;
            at_field_start = true;
        } else if b == b'"' && at_field_start {
            in_quotes = true;
            blank = false;
            at_field_start = false;
        } else {
            if b != b' ' {
                blank = false;
            }
            at_field_start = false;
        }
        i += 1;
    }
    if !blank && counts.len() < max_lines {
        counts.push(fields);
    }
    counts
}

/// One record of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line of the record's first character in the file.
    pub line: u64,
    /// Field values, trimmed of surrounding white space.
    pub fields: Vec<String>,
}

/// An error while reading records (in practice: an I/O error, since the
/// decoder never fails and the reader is flexible about row lengths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// Line where the failing record starts, when known.
    pub line: Option<u64>,
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CsvError {}

impl From<csv::Error> for CsvError {
    fn from(e: csv::Error) -> Self {
        CsvError {
            line: e.position().map(|p| p.line()),
            message: e.to_string(),
        }
    }
}

/// Turns `\r\n` and lone `\r` into `\n` (also inside quoted fields), and
/// remembers how many bytes it produced and the last one, so that [`Rows`]
/// can tell the line where each record starts.
struct NewlinesToLf<R> {
    inner: R,
    skip_lf: bool,
    produced: u64,
    last: u8,
}

impl<R: Read> Read for NewlinesToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut w = 0;
            for r in 0..n {
                let b = buf[r];
                if self.skip_lf {
                    self.skip_lf = false;
                    if b == b'\n' {
                        continue;
                    }
                }
                if b == b'\r' {
                    buf[w] = b'\n';
                    self.skip_lf = true;
                } else {
                    buf[w] = b;
                }
                w += 1;
            }
            if w > 0 {
                self.produced += w as u64;
                self.last = buf[w - 1];
                return Ok(w);
            }
            // Only the LF of a CRLF split across reads: read again.
        }
    }
}

/// Streaming iterator over the non-empty records of a UTF-8 reader.
/// Stops after the first error.
///
/// Line breaks (`\n`, `\r\n`, `\r`) all end a record and all become `\n`
/// inside quoted fields. Records whose fields are all blank (`;;;`, spaces)
/// are skipped.
pub struct Rows<R> {
    reader: csv::Reader<NewlinesToLf<R>>,
    record: csv::StringRecord,
    done: bool,
}

impl<R: Read> Rows<R> {
    /// Records of an already-UTF-8 reader (no header handling: every
    /// non-empty record is yielded). Most callers want [`open`].
    pub fn new(utf8_reader: R, delimiter: u8) -> Self {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .quoting(true)
            .double_quote(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(64 * 1024)
            .from_reader(NewlinesToLf {
                inner: utf8_reader,
                skip_lf: false,
                produced: 0,
                last: 0,
            });
        Rows {
            reader,
            record: csv::StringRecord::new(),
            done: false,
        }
    }

    /// Line where the record just read starts.
    ///
    /// csv's own `StringRecord::position()` is where the reader stood
    /// *before* the record, i.e. before any skipped blank lines, so it
    /// cannot be used. The reader's position *after* the record is exact:
    /// it is past the record's terminating `\n` (when there is one), and
    /// every other `\n` of the record is inside a quoted field.
    fn start_line(&self) -> u64 {
        let after = self.reader.position();
        let src = self.reader.get_ref();
        let unterminated = after.byte() == src.produced && src.last != b'\n';
        let inner_breaks: u64 = self
            .record
            .iter()
            .map(|f| f.bytes().filter(|&b| b == b'\n').count() as u64)
            .sum();
        after.line() - u64::from(!unterminated) - inner_breaks
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Row, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {
                    if self.record.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    let line = self.start_line();
                    let fields = self.record.iter().map(|f| f.trim().to_owned()).collect();
                    return Some(Ok(Row { line, fields }));
                }
                Ok(false) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e.into()));
                }
            }
        }
        None
    }
}

/// Open raw file bytes: decode from `enc`, read the first non-empty record as
/// headers (trimmed, BOM-free) and return them with an iterator over the
/// remaining records. An empty file gives no headers and no rows.
#[allow(clippy::type_complexity)]
pub fn open<R: Read>(
    bytes_reader: R,
    enc: Encoding,
    delimiter: u8,
) -> Result<(Vec<String>, Rows<Decoded<R>>), CsvError> {
    let mut rows = Rows::new(decoded(bytes_reader, enc), delimiter);
    let headers = match rows.next() {
        Some(row) => row?
            .fields
            .into_iter()
            .map(|h| {
                h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .to_owned()
            })
            .collect(),
        None => Vec::new(),
    };
    Ok((headers, rows))
}

/// What the upload step shows before the user maps columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub encoding: Encoding,
    pub delimiter: u8,
    pub headers: Vec<String>,
    /// The first 20 data rows (after the header).
    pub sample: Vec<Row>,
}

const SNIFF_HEAD_BYTES: usize = 64 * 1024;

/// Detect encoding (over all of `bytes`), delimiter (over the first 64 KiB)
/// and read the headers and the first 20 rows. Only the head is decoded.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, CsvError> {
    let encoding = detect_encoding(bytes);
    let head_bytes = &bytes[..bytes.len().min(SNIFF_HEAD_BYTES)];
    let mut head = String::new();
    decoded(head_bytes, encoding)
        .read_to_string(&mut head)
        .map_err(|e| CsvError {
            line: None,
            message: e.to_string(),
        })?;
    let delimiter = sniff_delimiter(&head);
    let (headers, rows) = open(bytes, encoding, delimiter)?;
    let sample = rows.take(SNIFF_LINES).collect::<Result<Vec<_>, _>>()?;
    Ok(Sniffed {
        encoding,
        delimiter,
        headers,
        sample,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_rows(bytes: &[u8], enc: Encoding, delim: u8) -> (Vec<String>, Vec<Row>) {
        let (headers, rows) = open(bytes, enc, delim).unwrap();
        (headers, rows.map(Result::unwrap).collect())
    }

    fn fields(rows: &[Row]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|r| r.fields.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn encoding_names_round_trip() {
        for e in [Encoding::Utf8, Encoding::Utf8Bom, Encoding::Windows1252] {
            assert_eq!(Encoding::from_name(e.as_str()), Some(e));
        }
    }

    #[test]
    fn detects_utf8_bom_and_windows1252() {
        assert_eq!(detect_encoding(b""), Encoding::Utf8);
        assert_eq!(detect_encoding(b"Nom;Ville\nA;B\n"), Encoding::Utf8);
        assert_eq!(
            detect_encoding("Nom;Prénom\nDéjà;André\n".as_bytes()),
            Encoding::Utf8
        );
        assert_eq!(
            detect_encoding(b"\xEF\xBB\xBFNom;Pr\xC3\xA9nom\n"),
            Encoding::Utf8Bom
        );
        assert_eq!(
            detect_encoding(b"Nom;Pr\xe9nom\r\nD\xe9j\xe0;Andr\xe9\r\n"),
            Encoding::Windows1252
        );
        // € (0x80) and ’ (0x92) alone are not UTF-8 either.
        assert_eq!(detect_encoding(b"12 \x80"), Encoding::Windows1252);
        assert_eq!(detect_encoding(b"l\x92eau"), Encoding::Windows1252);
        // A last byte 0xE9 ("André" with no final newline) is not a
        // truncated UTF-8 sequence.
        assert_eq!(detect_encoding(b"Andr\xe9"), Encoding::Windows1252);
    }

    /// A reader that hands out one byte per call: worst case for split
    /// sequences in the streaming functions.
    struct OneByte<'a>(&'a [u8]);
    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    #[test]
    fn streaming_detection_matches_in_memory() {
        let cases: [&[u8]; 7] = [
            b"",
            b"abc",
            "Prénom;Déjà €\n".as_bytes(),
            b"\xEF\xBB\xBFa;b",
            b"Nom;Pr\xe9nom\r\n",
            b"\xEF\xBB",
            b"\xff",
        ];
        for c in cases {
            assert_eq!(detect_encoding_in(c).unwrap(), detect_encoding(c), "{c:?}");
            assert_eq!(
                detect_encoding_in(OneByte(c)).unwrap(),
                detect_encoding(c),
                "{c:?}"
            );
        }
        // A non-UTF-8 byte far past the first chunk is still found.
        let mut big = "é".repeat(100_000).into_bytes();
        big.extend_from_slice(b"caf\xe9");
        assert_eq!(detect_encoding_in(&big[..]).unwrap(), Encoding::Windows1252);
    }

    #[test]
    fn decodes_windows1252_accents_euro_and_quote() {
        let bytes = b"Nom;Pr\xe9nom;Note\r\nD\xe9j\xe0;Andr\xe9;l\x92\xe9t\xe9 \x80 \x9c\r\n";
        let mut s = String::new();
        decoded(&bytes[..], Encoding::Windows1252)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "Nom;Prénom;Note\r\nDéjà;André;l’été € œ\r\n");
    }

    #[test]
    fn decoding_removes_bom_and_survives_one_byte_reads() {
        let text = "Nom;Prénom\nÉlodie;Zoë 😀\n";
        let mut with_bom = BOM.to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        for enc in [Encoding::Utf8Bom, Encoding::Utf8] {
            let mut s = String::new();
            decoded(OneByte(&with_bom), enc)
                .read_to_string(&mut s)
                .unwrap();
            assert_eq!(s, text);
        }
        // Invalid UTF-8 does not abort: it becomes U+FFFD.
        let mut s = String::new();
        decoded(&b"a\xffb"[..], Encoding::Utf8)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "a\u{fffd}b");
    }

    #[test]
    fn decoding_large_input_crosses_buffer_boundaries() {
        // 3 × 64 KiB of 0xE9 → each byte becomes 2 UTF-8 bytes.
        let bytes = vec![0xE9u8; 3 * DECODE_BUF + 7];
        let mut s = String::new();
        decoded(&bytes[..], Encoding::Windows1252)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s.chars().count(), bytes.len());
        assert!(s.chars().all(|c| c == 'é'));
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n4,5,6\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n"), b'|');
        // One column, or nothing: default.
        assert_eq!(sniff_delimiter("email\nx@y.fr\n"), b',');
        assert_eq!(sniff_delimiter(""), b',');
    }

    #[test]
    fn sniffs_semicolon_despite_decimal_commas() {
        let head = "Nom;Prénom;Montant;Remise\r\n\
                    Dupont;Jean;12,50;0,5\r\n\
                    Martin;Marie;7,00;1,25\r\n\
                    Durand;Luc;3,10;0,75\r\n";
        assert_eq!(sniff_delimiter(head), b';');
        // Even with one decimal per row, the header keeps `;` ahead.
        assert_eq!(sniff_delimiter("Nom;Montant\nA;1,5\nB;2,5\nC;3,5\n"), b';');
        // A genuine tie goes to `;`.
        assert_eq!(sniff_delimiter("a;b,c\n"), b';');
    }

    #[test]
    fn sniffing_respects_quotes() {
        // Commas inside quotes don't count, line breaks inside quotes don't
        // end the record.
        let head = "nom,adresse,ville\n\
                    \"Dupont\",\"3, rue X; bât. B\nescalier 2\",Paris\n\
                    \"Martin\",\"5; av. Y, \"\"le haut\"\"\",Lyon\n";
        assert_eq!(sniff_delimiter(head), b',');
        let head = "nom;adresse\n\"Dupont, Jean\";\"3, rue X\"\n\"A, B\";\"C, D\"\n";
        assert_eq!(sniff_delimiter(head), b';');
    }

    #[test]
    fn reads_utf8_with_bom_headers_trimmed() {
        let bytes = "\u{feff} Nom ; Prénom \nDupont; Élodie \n".as_bytes();
        assert_eq!(detect_encoding(bytes), Encoding::Utf8Bom);
        let (headers, rows) = all_rows(bytes, Encoding::Utf8Bom, b';');
        assert_eq!(headers, ["Nom", "Prénom"]);
        assert_eq!(fields(&rows), [["Dupont", "Élodie"]]);
    }

    #[test]
    fn reads_windows1252_file() {
        let bytes = b"Nom;Pr\xe9nom\r\nD\xe9j\xe0;Andr\xe9\r\nC\x9cur;\x80\r\n";
        let (headers, rows) = all_rows(bytes, Encoding::Windows1252, b';');
        assert_eq!(headers, ["Nom", "Prénom"]);
        assert_eq!(fields(&rows), [["Déjà", "André"], ["Cœur", "€"]]);
    }

    #[test]
    fn quoted_fields_with_delimiter_line_break_and_doubled_quotes() {
        let bytes = b"nom;adresse;note\n\
                      Dupont;\"3; rue X\nB\xc3\xa2t. B\";\"dit \"\"Jojo\"\"\"\n\
                      Martin;ici;ok\n";
        let (headers, rows) = all_rows(bytes, Encoding::Utf8, b';');
        assert_eq!(headers, ["nom", "adresse", "note"]);
        assert_eq!(
            fields(&rows),
            [
                vec!["Dupont", "3; rue X\nBât. B", "dit \"Jojo\""],
                vec!["Martin", "ici", "ok"],
            ]
        );
        // The quoted line break pushes Martin to line 4.
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn crlf_and_lf_give_the_same_rows() {
        let lf = all_rows(b"a,b\n1,2\n3,4\n", Encoding::Utf8, b',');
        let crlf = all_rows(b"a,b\r\n1,2\r\n3,4\r\n", Encoding::Utf8, b',');
        let no_final_newline = all_rows(b"a,b\r\n1,2\r\n3,4", Encoding::Utf8, b',');
        assert_eq!(lf, crlf);
        assert_eq!(lf, no_final_newline);
        assert_eq!(fields(&lf.1), [["1", "2"], ["3", "4"]]);
    }

    #[test]
    fn line_numbers_with_crlf_cr_and_multiline_cells() {
        let bytes = b"a;b\r\n\r\n1;\"x\r\ny\"\r\n2;z\r3;\"p\rq\"\n\n4;last";
        let expected = (
            vec!["a".to_owned(), "b".to_owned()],
            vec![
                Row {
                    line: 3,
                    fields: vec!["1".into(), "x\ny".into()],
                },
                Row {
                    line: 5,
                    fields: vec!["2".into(), "z".into()],
                },
                Row {
                    line: 6,
                    fields: vec!["3".into(), "p\nq".into()],
                },
                Row {
                    line: 9,
                    fields: vec!["4".into(), "last".into()],
                },
            ],
        );
        assert_eq!(all_rows(bytes, Encoding::Utf8, b';'), expected);
        // Same result when every CRLF is split across two reads.
        let (headers, rows) = open(OneByte(bytes), Encoding::Utf8, b';').unwrap();
        let rows: Vec<Row> = rows.map(Result::unwrap).collect();
        assert_eq!((headers, rows), expected);
    }

    #[test]
    fn ragged_rows_are_kept_as_is() {
        let (headers, rows) = all_rows(b"a;b;c\n1\n1;2;3;4\n1;2\n", Encoding::Utf8, b';');
        assert_eq!(headers.len(), 3);
        assert_eq!(
            fields(&rows),
            [vec!["1"], vec!["1", "2", "3", "4"], vec!["1", "2"]]
        );
    }

    #[test]
    fn empty_lines_skipped_and_line_numbers_kept() {
        let bytes = b"\n\nnom;ville\n\nDupont;Paris\n;;\n   \r\n\"\";\n\nMartin;Lyon\n\n";
        let (headers, rows) = all_rows(bytes, Encoding::Utf8, b';');
        assert_eq!(headers, ["nom", "ville"]);
        assert_eq!(fields(&rows), [["Dupont", "Paris"], ["Martin", "Lyon"]]);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [5, 10]);
    }

    #[test]
    fn empty_input() {
        let (headers, rows) = all_rows(b"", Encoding::Utf8, b',');
        assert!(headers.is_empty() && rows.is_empty());
        let (headers, rows) = all_rows(b"\xEF\xBB\xBF\r\n", Encoding::Utf8Bom, b',');
        assert!(headers.is_empty() && rows.is_empty());
    }

    #[test]
    fn sniff_for_upload_step() {
        let mut bytes = b"Nom;Pr\xe9nom;Solde\r\n".to_vec();
        for i in 0..50 {
            bytes.extend_from_slice(format!("Nom{i};Andr").as_bytes());
            bytes.extend_from_slice(b"\xe9;12,50\r\n");
        }
        let s = sniff(&bytes).unwrap();
        assert_eq!(s.encoding, Encoding::Windows1252);
        assert_eq!(s.delimiter, b';');
        assert_eq!(s.headers, ["Nom", "Prénom", "Solde"]);
        assert_eq!(s.sample.len(), 20);
        assert_eq!(s.sample[0].fields, ["Nom0", "André", "12,50"]);
        assert_eq!(s.sample[0].line, 2);
        assert_eq!(s.sample[19].line, 21);

        let s = sniff("\u{feff}email,nom\r\na@b.fr,\"Dupont, Jean\"\r\n".as_bytes()).unwrap();
        assert_eq!(s.encoding, Encoding::Utf8Bom);
        assert_eq!(s.delimiter, b',');
        assert_eq!(s.headers, ["email", "nom"]);
        assert_eq!(s.sample[0].fields, ["a@b.fr", "Dupont, Jean"]);
    }

    /// Generates `rows` Windows-1252 CSV lines on the fly, never holding
    /// more than one line.
    struct Generated {
        next: u64,
        rows: u64,
        line: Vec<u8>,
        pos: usize,
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pos == self.line.len() {
                self.line.clear();
                self.pos = 0;
                if self.next == 0 {
                    self.line.extend_from_slice(b"id;nom;ville;montant\r\n");
                } else if self.next <= self.rows {
                    let i = self.next;
                    self.line
                        .extend_from_slice(format!("{i};\"Dupont {i}; fils\";Montr").as_bytes());
                    self.line.extend_from_slice(b"\xe9al;12,50\r\n");
                } else {
                    return Ok(0);
                }
                self.next += 1;
            }
            let n = buf.len().min(self.line.len() - self.pos);
            buf[..n].copy_from_slice(&self.line[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    #[test]
    fn streams_200k_rows() {
        const N: u64 = 200_000;
        let gen_ = Generated {
            next: 0,
            rows: N,
            line: Vec::new(),
            pos: 0,
        };
        let (headers, rows) = open(gen_, Encoding::Windows1252, b';').unwrap();
        assert_eq!(headers, ["id", "nom", "ville", "montant"]);
        let mut count = 0u64;
        let mut last_line = 0;
        for row in rows {
            let row = row.unwrap();
            count += 1;
            last_line = row.line;
            if count == N {
                assert_eq!(row.fields[1], format!("Dupont {N}; fils"));
                assert_eq!(row.fields[2], "Montréal");
            }
        }
        assert_eq!(count, N);
        assert_eq!(last_line, N + 1);
    }
}
