//! A streaming JSON tokenizer specialised for V8 heap snapshots.
//!
//! Why hand-written rather than serde_json: a snapshot is one JSON object whose bulk is a few flat
//! arrays of millions of integers (`nodes`, `edges`) and one array of strings. We must stream them
//! (the whole document as a `serde_json::Value`, or even as a byte slice, is several times the
//! 100 MB memory target for a 157 MB file), skip `edges` without storing it, and decode only the
//! handful of strings that are class names. serde_json's streaming path (`from_reader` with a
//! `DeserializeSeed` visitor per element) reads through `io::Read` a byte at a time and cannot skip
//! a string without validating and copying it; this scanner works directly on a large buffer, parses
//! integers with one branch per byte, skips strings with `memchr`, and reports errors with the byte
//! offset and the bytes around it. The small `snapshot` header is still handed to serde_json.

use super::SnapshotError;
use std::io::Read;

/// Bytes of context kept from the previous buffer for error messages.
const TAIL: usize = 32;

pub(crate) struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// File offset of `buf[0]`.
    base: u64,
    /// The last bytes of the previous buffer.
    tail: Vec<u8>,
    /// Where we are, for error messages ("the nodes array", ...).
    pub section: &'static str,
    /// Reading past this many bytes is an error ([`SnapshotError::TooLarge`]).
    limit: u64,
}

impl<R: Read> Scanner<R> {
    pub fn new(reader: R, capacity: usize) -> Self {
        Scanner {
            reader,
            buf: vec![0; capacity.max(1)],
            pos: 0,
            end: 0,
            base: 0,
            tail: Vec::with_capacity(TAIL),
            section: "the top-level object",
            limit: u64::MAX,
        }
    }

    /// Refuse inputs longer than `limit` bytes.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// File offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Read the next chunk once the buffer is used up; `false` at the end of the input.
    fn fill(&mut self) -> Result<bool, SnapshotError> {
        debug_assert!(self.pos >= self.end);
        let keep = self.end.min(TAIL);
        self.tail.clear();
        self.tail.extend_from_slice(&self.buf[self.end - keep..self.end]);
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    if self.base.saturating_add(n as u64) > self.limit {
                        return Err(SnapshotError::TooLarge { limit: self.limit });
                    }
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SnapshotError::Io(e)),
            }
        }
    }

    pub fn truncated(&self) -> SnapshotError {
        SnapshotError::Truncated { offset: self.offset(), inside: self.section }
    }

    pub fn syntax(&self, message: impl Into<String>) -> SnapshotError {
        let before_here = &self.buf[self.pos.saturating_sub(24)..self.pos];
        let mut before = Vec::new();
        if before_here.len() < 24 {
            let want = 24 - before_here.len();
            before.extend_from_slice(&self.tail[self.tail.len().saturating_sub(want)..]);
        }
        before.extend_from_slice(before_here);
        let after = &self.buf[self.pos..self.end.min(self.pos + 24)];
        SnapshotError::Syntax {
            offset: self.offset(),
            inside: self.section,
            message: message.into(),
            context: format!("{}<HERE>{}", before.escape_ascii(), after.escape_ascii()),
        }
    }

    /// The next byte, without consuming it; `None` at the end of the input.
    pub fn peek(&mut self) -> Result<Option<u8>, SnapshotError> {
        if self.pos == self.end && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// Skip whitespace, then return the next byte without consuming it (an error at the end).
    pub fn token(&mut self) -> Result<u8, SnapshotError> {
        self.skip_ws()?;
        self.peek()?.ok_or_else(|| self.truncated())
    }

    pub fn bump(&mut self) {
        self.pos += 1;
    }

    pub fn skip_ws(&mut self) -> Result<(), SnapshotError> {
        loop {
            while self.pos < self.end {
                match self.buf[self.pos] {
                    b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                    _ => return Ok(()),
                }
            }
            if !self.fill()? {
                return Ok(());
            }
        }
    }

    /// Skip whitespace and consume `byte`.
    pub fn expect(&mut self, byte: u8, what: &str) -> Result<(), SnapshotError> {
        if self.token()? != byte {
            return Err(self.syntax(format!("expected {what}")));
        }
        self.pos += 1;
        Ok(())
    }

    /// After `,` or at `]`/`}`: consume a separator and say whether the container goes on.
    pub fn more(&mut self, close: u8, what: &str) -> Result<bool, SnapshotError> {
        match self.token()? {
            b',' => {
                self.pos += 1;
                Ok(true)
            }
            b if b == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.syntax(format!("expected ',' or '{}' {what}", close as char))),
        }
    }

    /// After the opening quote: append the raw bytes of the string (escapes intact) to `out` and
    /// consume the closing quote. Strings longer than `limit` bytes are an error.
    pub fn raw_string(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), SnapshotError> {
        self.string(Some(out), usize::MAX, limit).map(drop)
    }

    /// After the opening quote: append the first `keep` raw bytes of the string to `out` (or a
    /// little more: a chunk boundary is not cut) and skip the rest. Returns whether it was cut.
    pub fn string_prefix(&mut self, out: &mut Vec<u8>, keep: usize) -> Result<bool, SnapshotError> {
        let start = out.len();
        let taken = self.string(Some(out), keep, usize::MAX)?;
        out.truncate(start + keep);
        Ok(taken > keep)
    }

    /// After the opening quote: skip to just past the closing quote.
    pub fn skip_string(&mut self) -> Result<(), SnapshotError> {
        self.string(None, 0, usize::MAX).map(drop)
    }

    /// The string's raw length in bytes.
    fn string(&mut self, mut out: Option<&mut Vec<u8>>, keep: usize, limit: usize) -> Result<usize, SnapshotError> {
        // Once `keep` bytes are taken, the rest of the string is only skipped.
        let start = out.as_ref().map_or(0, |o| o.len());
        let full = |o: &Option<&mut Vec<u8>>| o.as_ref().is_some_and(|o| o.len() - start >= keep);
        let mut escaped = false; // the previous buffer ended with a backslash
        let mut taken = 0usize;
        loop {
            if self.pos == self.end && !self.fill()? {
                return Err(self.truncated());
            }
            if escaped {
                // the byte after a backslash never ends the string
                if let Some(o) = out.as_deref_mut() {
                    o.push(self.buf[self.pos]);
                }
                if full(&out) {
                    out = None;
                }
                self.pos += 1;
                taken += 1;
                escaped = false;
                continue;
            }
            let chunk = &self.buf[self.pos..self.end];
            match memchr::memchr2(b'"', b'\\', chunk) {
                Some(i) if chunk[i] == b'"' => {
                    if let Some(o) = out.as_deref_mut() {
                        o.extend_from_slice(&chunk[..i]);
                    }
                    taken += i;
                    self.pos += i + 1;
                    break;
                }
                Some(i) => {
                    if let Some(o) = out.as_deref_mut() {
                        o.extend_from_slice(&chunk[..=i]);
                    }
                    taken += i + 1;
                    self.pos += i + 1;
                    escaped = true;
                    if full(&out) {
                        out = None;
                    }
                }
                None => {
                    if let Some(o) = out.as_deref_mut() {
                        o.extend_from_slice(chunk);
                    }
                    taken += chunk.len();
                    self.pos = self.end;
                    if full(&out) {
                        out = None;
                    }
                }
            }
            if taken > limit {
                return Err(self.syntax(format!("string longer than {limit} bytes")));
            }
        }
        if taken > limit {
            return Err(self.syntax(format!("string longer than {limit} bytes")));
        }
        Ok(taken)
    }

    /// Skip any JSON value, copying its bytes to `capture` if given (at most `limit` bytes).
    /// Lenient inside arrays and objects: brackets must balance and strings must close, but the
    /// grammar between them is not checked. Used for sections this crate does not read, and to
    /// capture the small `snapshot` header that serde_json then parses strictly.
    pub fn skip_value(&mut self, mut capture: Option<&mut Vec<u8>>, limit: usize) -> Result<(), SnapshotError> {
        let first = self.token()?;
        let mut closers: Vec<u8> = Vec::new();
        match first {
            b'{' => closers.push(b'}'),
            b'[' => closers.push(b']'),
            b'"' => {
                self.pos += 1;
                if let Some(c) = capture.as_deref_mut() {
                    c.push(b'"');
                    self.raw_string(c, limit)?;
                    c.push(b'"');
                } else {
                    self.skip_string()?;
                }
                return Ok(());
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => loop {
                match self.peek()? {
                    Some(b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t') | None => return Ok(()),
                    Some(b @ (b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'E')) => {
                        if let Some(c) = capture.as_deref_mut() {
                            c.push(b);
                        }
                        self.pos += 1;
                    }
                    Some(_) => return Err(self.syntax("expected a JSON value")),
                }
            },
            _ => return Err(self.syntax("expected a JSON value")),
        }
        if let Some(c) = capture.as_deref_mut() {
            c.push(first);
        }
        self.pos += 1;
        while let Some(&close) = closers.last() {
            if self.pos == self.end && !self.fill()? {
                return Err(self.truncated());
            }
            let b = self.buf[self.pos];
            self.pos += 1;
            if let Some(c) = capture.as_deref_mut() {
                c.push(b);
                if c.len() > limit {
                    return Err(self.syntax(format!("value longer than {limit} bytes")));
                }
            }
            match b {
                b'"' => {
                    if let Some(c) = capture.as_deref_mut() {
                        self.raw_string(c, limit)?;
                        c.push(b'"');
                    } else {
                        self.skip_string()?;
                    }
                }
                b'{' => closers.push(b'}'),
                b'[' => closers.push(b']'),
                b'}' | b']' if b == close => {
                    closers.pop();
                }
                b'}' | b']' => {
                    self.pos -= 1;
                    return Err(self.syntax(format!("expected '{}'", close as char)));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// After the opening `[` of an array of non-negative integers: call `each` with every element,
    /// consume the closing `]`, and return the number of elements.
    pub fn uint_array(&mut self, mut each: impl FnMut(u64) -> Result<(), String>) -> Result<u64, SnapshotError> {
        let mut count = 0u64;
        let mut value = 0u64;
        let mut in_number = false;
        let mut want_value = true; // after '[' or ','
        loop {
            if self.pos == self.end && !self.fill()? {
                return Err(self.truncated());
            }
            let chunk = &self.buf[self.pos..self.end];
            for (i, &b) in chunk.iter().enumerate() {
                if b.is_ascii_digit() {
                    if !want_value {
                        self.pos += i;
                        return Err(self.syntax("expected ',' or ']' between numbers"));
                    }
                    match value.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))) {
                        Some(v) => value = v,
                        None => {
                            self.pos += i;
                            return Err(self.syntax("number too large"));
                        }
                    }
                    in_number = true;
                    continue;
                }
                if in_number {
                    if let Err(message) = each(value) {
                        self.pos += i;
                        return Err(self.syntax(message));
                    }
                    count += 1;
                    value = 0;
                    in_number = false;
                    want_value = false;
                }
                match b {
                    b' ' | b'\n' | b'\r' | b'\t' => {}
                    b',' if !want_value => want_value = true,
                    b']' if !want_value || count == 0 => {
                        self.pos += i + 1;
                        return Ok(count);
                    }
                    _ => {
                        self.pos += i;
                        return Err(self.syntax("expected a non-negative integer"));
                    }
                }
            }
            self.pos = self.end;
        }
    }
}

/// Decode the raw bytes of a JSON string (without quotes). Lone UTF-16 surrogates, which V8 writes
/// for strings that are not valid Unicode, become U+FFFD; invalid UTF-8 is an error.
pub(crate) fn decode_string(raw: &[u8]) -> Result<String, String> {
    let bytes = unescape(raw)?;
    String::from_utf8(bytes)
        .map_err(|e| format!("invalid UTF-8 at byte {} of the string", e.utf8_error().valid_up_to()))
}

/// [`decode_string`] of the first bytes of a longer string: an escape or a UTF-8 sequence cut at
/// the end is dropped.
pub(crate) fn decode_prefix(raw: &[u8]) -> Result<String, String> {
    let mut raw = raw;
    let bytes = match unescape(raw) {
        Ok(b) => b,
        Err(_) => {
            // an escape cut in the middle: drop it
            if let Some(cut) = raw.iter().rposition(|&b| b == b'\\') {
                raw = &raw[..cut];
            }
            unescape(raw)?
        }
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) if e.utf8_error().error_len().is_none() => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            Ok(String::from_utf8(bytes).unwrap_or_default())
        }
        Err(e) => Err(format!("invalid UTF-8 at byte {} of the string", e.utf8_error().valid_up_to())),
    }
}

/// The bytes a JSON string's raw text stands for.
fn unescape(raw: &[u8]) -> Result<Vec<u8>, String> {
    if !raw.contains(&b'\\') {
        return Ok(raw.to_vec());
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(raw.len());
    let mut i = 0;
    let hex4 = |at: usize| -> Result<u32, String> {
        let digits = raw.get(at..at + 4).ok_or("truncated \\u escape")?;
        let text = std::str::from_utf8(digits).map_err(|_| "bad \\u escape")?;
        u32::from_str_radix(text, 16).map_err(|_| format!("bad \\u escape \\u{text}"))
    };
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' {
            bytes.push(b);
            i += 1;
            continue;
        }
        let Some(&e) = raw.get(i + 1) else { return Err("string ends with a backslash".into()) };
        i += 2;
        let c = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(i)?;
                i += 4;
                if (0xD800..0xDC00).contains(&hi) && raw.get(i..i + 2) == Some(b"\\u") {
                    let lo = hex4(i + 2)?;
                    if (0xDC00..0xE000).contains(&lo) {
                        i += 6;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)).unwrap_or('\u{FFFD}')
                    } else {
                        '\u{FFFD}'
                    }
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            other => return Err(format!("unknown escape \\{}", other as char)),
        };
        let mut utf8 = [0u8; 4];
        bytes.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanner(text: &str, cap: usize) -> Scanner<&[u8]> {
        Scanner::new(text.as_bytes(), cap)
    }

    #[test]
    fn integer_arrays_at_every_buffer_size() {
        let text = "[ 12, 0,\n345 ,6789012345678]x";
        for cap in 1..40 {
            let mut s = scanner(text, cap);
            s.expect(b'[', "[").unwrap();
            let mut got = Vec::new();
            let n = s
                .uint_array(|v| {
                    got.push(v);
                    Ok(())
                })
                .unwrap();
            assert_eq!((n, got), (4, vec![12, 0, 345, 6_789_012_345_678]), "cap {cap}");
            assert_eq!(s.token().unwrap(), b'x');
        }
    }

    #[test]
    fn integer_array_errors() {
        for (text, message) in [
            ("[1,]", "expected a non-negative integer"),
            ("[,1]", "expected a non-negative integer"),
            ("[1 2]", "expected ',' or ']'"),
            ("[1,-2]", "expected a non-negative integer"),
            ("[1.5]", "expected a non-negative integer"),
            ("[99999999999999999999999]", "number too large"),
        ] {
            let mut s = scanner(text, 3);
            s.expect(b'[', "[").unwrap();
            let e = s.uint_array(|_| Ok(())).unwrap_err().to_string();
            assert!(e.contains(message), "{text}: {e}");
        }
        let mut s = scanner("[1,2", 3);
        s.expect(b'[', "[").unwrap();
        assert!(matches!(s.uint_array(|_| Ok(())), Err(SnapshotError::Truncated { offset: 4, .. })));
        let mut s = scanner("[]", 3);
        s.expect(b'[', "[").unwrap();
        assert_eq!(s.uint_array(|_| Ok(())).unwrap(), 0);
    }

    #[test]
    fn strings_across_buffers() {
        let text = r#""a\"b\\" "c\\\"d" "#;
        for cap in 1..12 {
            let mut s = scanner(text, cap);
            s.expect(b'"', "string").unwrap();
            let mut raw = Vec::new();
            s.raw_string(&mut raw, 100).unwrap();
            assert_eq!(raw, br#"a\"b\\"#, "cap {cap}");
            s.expect(b'"', "string").unwrap();
            s.skip_string().unwrap();
            assert_eq!(s.offset(), 17, "cap {cap}");
        }
    }

    #[test]
    fn skipping_and_capturing_values() {
        let text = r#"{"a": [1, {"b": "]}"}], "c": null} , true"#;
        for cap in 1..10 {
            let mut s = scanner(text, cap);
            let mut captured = Vec::new();
            s.skip_value(Some(&mut captured), 1000).unwrap();
            assert_eq!(captured, br#"{"a": [1, {"b": "]}"}], "c": null}"#);
            assert!(s.more(b']', "").unwrap());
            s.skip_value(None, 0).unwrap();
            assert_eq!(s.peek().unwrap(), None);
        }
        let mut s = scanner("[1, {]", 4);
        assert!(s.skip_value(None, 0).unwrap_err().to_string().contains("expected '}'"));
        let mut s = scanner("[1, [2]", 4);
        assert!(matches!(s.skip_value(None, 0), Err(SnapshotError::Truncated { .. })));
    }

    #[test]
    fn decoding() {
        assert_eq!(decode_string(br#"plain"#).unwrap(), "plain");
        assert_eq!(decode_string(br#"a\"b\\c\/\n\t"#).unwrap(), "a\"b\\c/\n\t");
        assert_eq!(decode_string(br#"\u00e9\ud83d\ude00"#).unwrap(), "é😀");
        assert_eq!(decode_string(br#"x\ud800y"#).unwrap(), "x\u{FFFD}y");
        assert!(decode_string(br#"\q"#).is_err());
        assert!(decode_string(br#"\u12"#).is_err());
        assert_eq!(decode_string("ünï".as_bytes()).unwrap(), "ünï");
        assert_eq!(decode_string(b"ab\xffc").unwrap_err(), "invalid UTF-8 at byte 2 of the string");
        assert_eq!(decode_prefix("aé".as_bytes()[..2].as_ref()).unwrap(), "a");
        assert_eq!(decode_prefix(br#"ab\u00"#).unwrap(), "ab");
        assert_eq!(decode_prefix(br#"ab\"#).unwrap(), "ab");
    }
}
