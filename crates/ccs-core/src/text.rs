//! Plain-text layout shared by the tools' reports (the core itself prints nothing).

/// `text` folded at spaces into lines of at most `width` characters: the first line
/// starts with `first`, the others with `rest`. Every line ends with a newline. A word
/// longer than a line stands alone on its line.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Longest piece of input text an error message quotes.
pub const QUOTED_CHARS: usize = 40;

/// `text` for an error message: whole when it is short, else its first
/// [`QUOTED_CHARS`] characters, an ellipsis and its length, so that a 300-digit number
/// or a megabyte-long line costs one line of the message.
pub fn abbreviate(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(QUOTED_CHARS) {
        None => text.into(),
        Some((end, _)) => format!("{}… ({} characters)", &text[..end], text.chars().count()).into(),
    }
}

/// A size in bytes as messages show it: `4 MiB`, `10 KiB`, `1 GiB` when it is a whole
/// number of them, else `1,000 bytes`.
pub fn show_size(bytes: u64) -> String {
    for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{} {unit}", crate::thousands(bytes >> shift));
        }
    }
    format!("{} bytes", crate::thousands(bytes))
}

#[cfg(test)]
mod tests {
    use super::{abbreviate, show_size, wrap};

    #[test]
    fn sizes_in_their_largest_whole_unit() {
        assert_eq!(show_size(1 << 30), "1 GiB");
        assert_eq!(show_size(4 << 20), "4 MiB");
        assert_eq!(show_size(10 * 1024), "10 KiB");
        assert_eq!(show_size(1000), "1,000 bytes");
        assert_eq!(show_size(1 << 20 | 1), "1,048,577 bytes");
        assert_eq!(show_size(0), "0 bytes");
    }

    #[test]
    fn long_quotes_are_cut_and_measured() {
        assert_eq!(abbreviate("0o777"), "0o777");
        let exact = "9".repeat(super::QUOTED_CHARS);
        assert_eq!(abbreviate(&exact), exact.as_str());
        let long = "é".repeat(300);
        assert_eq!(abbreviate(&long), format!("{}… (300 characters)", "é".repeat(super::QUOTED_CHARS)));
    }

    #[test]
    fn lines_fit_and_carry_their_indents() {
        let text = "the quick brown fox jumps over the lazy dog ".repeat(5);
        let w = wrap(&text, 30, "> ", "    ");
        let lines: Vec<&str> = w.lines().collect();
        assert!(lines.len() > 3);
        assert!(lines[0].starts_with("> the quick"));
        assert!(lines[1..].iter().all(|l| l.starts_with("    ") && !l.starts_with("     ")), "{w}");
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{w}");
        assert_eq!(w.split_whitespace().filter(|x| *x != ">").count(), 45, "no word lost");
        assert_eq!(wrap("", 10, "a", "b"), "");
        assert_eq!(wrap("abcdefghijkl x", 5, "", ""), "abcdefghijkl\nx\n", "a long word stands alone");
    }
}
