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

#[cfg(test)]
mod tests {
    use super::wrap;

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
