//! Splitting one source line into tokens (spec §11, "Lines" and "Numbers").
//!
//! The lexer never fails: what it cannot read becomes a token the parser reports
//! (`Unexpected`, a `Number` holding its error, an unterminated `Str`), so one bad
//! character costs one diagnostic and the rest of the line is still checked.

use std::fmt;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// `[A-Za-z_][A-Za-z0-9_]*`: a symbol or a mnemonic.
    Ident(&'a str),
    /// `.name` (the name without the dot; empty for a lone `.`).
    Directive(&'a str),
    Number(Result<i64, NumberError>),
    Dollar,
    Plus,
    Minus,
    Comma,
    Colon,
    /// `"text"`; `terminated` is false when the line ended first.
    Str {
        text: &'a str,
        terminated: bool,
    },
    Unexpected(char),
}

impl Tok<'_> {
    /// How the token is named in messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(name) => format!("`{}`", ccs_core::abbreviate(name)),
            Tok::Directive(name) => format!("`.{}`", ccs_core::abbreviate(name)),
            Tok::Number(_) => "a number".into(),
            Tok::Dollar => "`$`".into(),
            Tok::Plus => "`+`".into(),
            Tok::Minus => "`-`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Colon => "`:`".into(),
            Tok::Str { .. } => "a string".into(),
            Tok::Unexpected(c) => format!("`{}`", c.escape_debug()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub tok: Tok<'a>,
    /// Byte range in the file.
    pub span: Range<usize>,
}

/// Why a number token is malformed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// `0x`, `0o`, `0b` with nothing after.
    NoDigits { prefix: String },
    /// A character that is not a digit of the radix.
    BadDigit { digit: char, radix: u32 },
    /// The literal is outside the signed 64-bit range (C10 b).
    TooLarge,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::NoDigits { prefix } => write!(f, "no digits after the prefix `{prefix}`"),
            NumberError::BadDigit { digit, radix } => {
                let name = match radix {
                    2 => "a binary",
                    8 => "an octal",
                    16 => "a hexadecimal",
                    _ => "a decimal",
                };
                write!(f, "`{}` is not {name} digit", digit.escape_debug())
            }
            NumberError::TooLarge => f.write_str("it is outside the signed 64-bit range"),
        }
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Tokens of `line`, which starts at byte `base` of its file. Stops at `;`.
pub(crate) fn lex_line<'a>(line: &'a str, base: usize, out: &mut Vec<Token<'a>>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let tok = match b {
            b';' => break,
            b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => {
                i += 1;
                continue;
            }
            b'$' => {
                i += 1;
                Tok::Dollar
            }
            b'+' => {
                i += 1;
                Tok::Plus
            }
            b'-' => {
                i += 1;
                Tok::Minus
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b':' => {
                i += 1;
                Tok::Colon
            }
            b'"' => match line[i + 1..].find('"') {
                Some(len) => {
                    i += len + 2;
                    Tok::Str { text: &line[start + 1..start + 1 + len], terminated: true }
                }
                None => {
                    i = bytes.len();
                    Tok::Str { text: &line[start + 1..], terminated: false }
                }
            },
            b'.' => {
                i += 1;
                while i < bytes.len() && is_ident_continue(bytes[i]) {
                    i += 1;
                }
                Tok::Directive(&line[start + 1..i])
            }
            b'0'..=b'9' => {
                while i < bytes.len() && is_ident_continue(bytes[i]) {
                    i += 1;
                }
                Tok::Number(parse_number(&line[start..i]))
            }
            _ if is_ident_start(b) => {
                while i < bytes.len() && is_ident_continue(bytes[i]) {
                    i += 1;
                }
                Tok::Ident(&line[start..i])
            }
            _ => {
                // Step over the whole character so spans stay on character boundaries.
                let c = line[i..].chars().next().unwrap_or('\u{fffd}');
                i += c.len_utf8().max(1);
                Tok::Unexpected(c)
            }
        };
        out.push(Token { tok, span: base + start..base + i });
    }
}

/// Value of a number token (spec §11: decimal by default, `0o`, `0x`, `0b` prefixes in
/// either case; C10: hex digits in either case, no wrap-around).
pub(crate) fn parse_number(text: &str) -> Result<i64, NumberError> {
    let (radix, digits, prefix_len) = match text.as_bytes() {
        [b'0', b'o' | b'O', ..] => (8, &text[2..], 2),
        [b'0', b'x' | b'X', ..] => (16, &text[2..], 2),
        [b'0', b'b' | b'B', ..] => (2, &text[2..], 2),
        _ => (10, text, 0),
    };
    if digits.is_empty() {
        return Err(NumberError::NoDigits { prefix: text[..prefix_len].to_string() });
    }
    let mut value: i64 = 0;
    let mut too_large = false;
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix) else {
            return Err(NumberError::BadDigit { digit: c, radix });
        };
        // Keep scanning after an overflow so a later bad digit is still the reported cause.
        match value.checked_mul(radix as i64).and_then(|v| v.checked_add(d as i64)) {
            Some(v) => value = v,
            None => too_large = true,
        }
    }
    if too_large { Err(NumberError::TooLarge) } else { Ok(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(line: &str) -> Vec<Tok<'_>> {
        let mut out = Vec::new();
        lex_line(line, 0, &mut out);
        out.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn a_full_line() {
        assert_eq!(
            toks("LOOP: lda TAB+$-0o7 , \"a;b\" ; comment, $"),
            vec![
                Tok::Ident("LOOP"),
                Tok::Colon,
                Tok::Ident("lda"),
                Tok::Ident("TAB"),
                Tok::Plus,
                Tok::Dollar,
                Tok::Minus,
                Tok::Number(Ok(7)),
                Tok::Comma,
                Tok::Str { text: "a;b", terminated: true },
            ]
        );
        assert_eq!(
            toks(".WORD .\t\"x"),
            vec![Tok::Directive("WORD"), Tok::Directive(""), Tok::Str { text: "x", terminated: false }]
        );
    }

    #[test]
    fn spans_are_file_offsets_on_character_boundaries() {
        let mut out = Vec::new();
        lex_line("x \u{e9}y", 10, &mut out);
        assert_eq!(out[0].span, 10..11);
        assert_eq!(out[1], Token { tok: Tok::Unexpected('\u{e9}'), span: 12..14 });
        assert_eq!(out[2].span, 14..15);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("017"), Ok(17));
        assert_eq!(parse_number("0o17"), Ok(15));
        assert_eq!(parse_number("0O17"), Ok(15));
        assert_eq!(parse_number("0xfF"), Ok(255));
        assert_eq!(parse_number("0XFf"), Ok(255));
        assert_eq!(parse_number("0b101"), Ok(5));
        assert_eq!(parse_number("0B101"), Ok(5));
        assert_eq!(parse_number("0"), Ok(0));
        assert_eq!(parse_number("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(parse_number("9223372036854775808"), Err(NumberError::TooLarge));
        assert_eq!(parse_number("0x"), Err(NumberError::NoDigits { prefix: "0x".into() }));
        assert_eq!(parse_number("0o8"), Err(NumberError::BadDigit { digit: '8', radix: 8 }));
        assert_eq!(parse_number("0b2"), Err(NumberError::BadDigit { digit: '2', radix: 2 }));
        assert_eq!(parse_number("12a"), Err(NumberError::BadDigit { digit: 'a', radix: 10 }));
        assert_eq!(parse_number("1_000"), Err(NumberError::BadDigit { digit: '_', radix: 10 }));
        assert_eq!(parse_number("99999999999999999999x"), Err(NumberError::BadDigit { digit: 'x', radix: 10 }));
    }
}
