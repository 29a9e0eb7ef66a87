//! Progress bars: drawn on stderr when it is a terminal and this is not CI; otherwise
//! none (pipes, tests and CI logs stay clean).

use std::io::IsTerminal;

/// Whether the `CI` environment variable says this is a CI run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A bar of `total` steps with an indicatif `template`, or `None` where none is drawn.
/// No steady tick: its thread would write to stderr, which `main` may hold; callers
/// advance the bar from their own thread.
pub fn bar(total: u64, template: &str, message: &str) -> Option<indicatif::ProgressBar> {
    if in_ci() || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_string());
    Some(bar)
}
