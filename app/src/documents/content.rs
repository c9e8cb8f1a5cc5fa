//! The content type of a stored file, decided by the server from the
//! file's first bytes — never the type the browser sent, nor the file
//! name alone. A small table of magic numbers, written here rather than
//! taken from a sniffing crate: only the preview types matter (everything
//! else is served as `application/octet-stream` whatever it is), and a
//! crate that also recognises HTML, SVG or XML would only add cases we
//! must then refuse.

use super::OCTET_STREAM;

pub const PDF: &str = "application/pdf";
pub const PNG: &str = "image/png";
pub const JPEG: &str = "image/jpeg";
pub const GIF: &str = "image/gif";
pub const WEBP: &str = "image/webp";
pub const TEXT: &str = "text/plain; charset=utf-8";

/// How many first bytes [`decide`] looks at.
pub const HEAD: usize = 16;

/// The content type to store and serve for a file: from its first bytes
/// (`head`, at least [`HEAD`] of them when the file has that many); plain
/// text only for a `.txt` or `.csv` name whose whole content is valid
/// UTF-8 (`utf8`). Anything else is [`OCTET_STREAM`].
pub fn decide(head: &[u8], file_name: &str, utf8: bool) -> &'static str {
    if head.starts_with(b"%PDF-") {
        PDF
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        PNG
    } else if head.starts_with(b"\xff\xd8\xff") {
        JPEG
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        GIF
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        WEBP
    } else if utf8 && has_text_extension(file_name) {
        TEXT
    } else {
        OCTET_STREAM
    }
}

fn has_text_extension(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".txt") || lower.ends_with(".csv")
}

/// UTF-8 validation of a stream, chunk by chunk (a character may be split
/// between two chunks).
#[derive(Debug, Default)]
pub struct Utf8Check {
    bad: bool,
    /// The start of a character cut at the end of the last chunk.
    carry: Vec<u8>,
}

impl Utf8Check {
    pub fn feed(&mut self, mut chunk: &[u8]) {
        if self.bad {
            return;
        }
        while !self.carry.is_empty() {
            let Some((&b, rest)) = chunk.split_first() else {
                return;
            };
            self.carry.push(b);
            chunk = rest;
            match std::str::from_utf8(&self.carry) {
                Ok(_) => self.carry.clear(),
                Err(e) if e.error_len().is_some() => {
                    self.bad = true;
                    return;
                }
                Err(_) => {}
            }
        }
        if let Err(e) = std::str::from_utf8(chunk) {
            match e.error_len() {
                Some(_) => self.bad = true,
                None => self.carry = chunk[e.valid_up_to()..].to_vec(),
            }
        }
    }

    /// Whether everything fed was UTF-8 (and no character was left cut).
    pub fn valid(&self) -> bool {
        !self.bad && self.carry.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_decide_not_the_name() {
        assert_eq!(decide(b"%PDF-1.7\n", "x.bin", false), PDF);
        assert_eq!(
            decide(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.txt", false),
            PNG
        );
        assert_eq!(decide(b"\xff\xd8\xff\xe0\0\x10JFIF", "a", false), JPEG);
        assert_eq!(decide(b"GIF89a\x01\0", "a.gif", false), GIF);
        assert_eq!(decide(b"RIFF\x24\0\0\0WEBPVP8 ", "a.webp", false), WEBP);
        assert_eq!(
            decide(b"RIFF\x24\0\0\0WAVEfmt ", "a.webp", false),
            OCTET_STREAM
        );
        assert_eq!(decide(b"hello", "notes.TXT", true), TEXT);
        assert_eq!(decide(b"a;b", "list.csv", true), TEXT);
        assert_eq!(decide(b"a;b", "list.csv", false), OCTET_STREAM);
        // Script-capable files are never given their own type.
        assert_eq!(decide(b"<html><script>", "a.html", true), OCTET_STREAM);
        assert_eq!(decide(b"<svg xmlns=", "a.svg", true), OCTET_STREAM);
        assert_eq!(decide(b"<?xml version", "a.xml", true), OCTET_STREAM);
        assert_eq!(decide(b"alert(1)", "a.js", true), OCTET_STREAM);
        assert_eq!(decide(b"", "a.pdf", true), OCTET_STREAM);
    }

    #[test]
    fn utf8_is_checked_across_chunks() {
        let text = "Élodie – 北京 🎉".as_bytes();
        for cut in 0..text.len() {
            let mut c = Utf8Check::default();
            c.feed(&text[..cut]);
            c.feed(&text[cut..]);
            assert!(c.valid(), "cut at {cut}");
        }
        let mut one_by_one = Utf8Check::default();
        for b in text {
            one_by_one.feed(std::slice::from_ref(b));
        }
        assert!(one_by_one.valid());
        let mut cut_short = Utf8Check::default();
        cut_short.feed(&text[..text.len() - 1]);
        assert!(!cut_short.valid());
        let mut latin1 = Utf8Check::default();
        latin1.feed(b"caf\xe9 ok");
        assert!(!latin1.valid());
    }
}

/// The `Content-Disposition` of a download of `file_name`: `attachment`,
/// or `inline` when asked and the type may be previewed. The name is
/// given twice (RFC 6266): an ASCII fallback between quotes, and the
/// UTF-8 name percent-encoded (RFC 5987); both without quotes, control
/// characters or path separators.
pub fn disposition(inline: bool, file_name: &str) -> String {
    let clean: String = file_name
        .chars()
        .map(|c| match c {
            '"' | '\\' | '/' | ':' | '*' | '?' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let clean = clean.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let clean = if clean.is_empty() { "download" } else { clean };
    let ascii: String = clean
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(clean.len() * 3);
    for b in clean.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod disposition_tests {
    use super::disposition;

    #[test]
    fn names_are_quoted_safely_in_both_forms() {
        assert_eq!(
            disposition(false, "CV Élodie.pdf"),
            "attachment; filename=\"CV _lodie.pdf\"; filename*=UTF-8''CV%20%C3%89lodie.pdf"
        );
        assert_eq!(
            disposition(true, "a.png"),
            "inline; filename=\"a.png\"; filename*=UTF-8''a.png"
        );
        let nasty = disposition(false, "../..\\x\"; filename=evil.html\r\n.txt");
        assert!(!nasty.contains(['\r', '\n', '/', '\\']), "{nasty}");
        assert_eq!(nasty.matches('"').count(), 2, "{nasty}");
        assert!(nasty.starts_with("attachment; filename=\"_.._x_; filename=evil.html__.txt\""));
        assert_eq!(
            disposition(false, " .. "),
            "attachment; filename=\"download\"; filename*=UTF-8''download"
        );
    }
}
