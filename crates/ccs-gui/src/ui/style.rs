//! The app's one style setting: the normal text sizes, or present mode's (View >
//! Presentation, F5, `--present`), in which no text is smaller than
//! [`PRESENT_MIN_TEXT_PX`] pixels on a 1600x1000 projector. Widgets never set a size of
//! their own: they pick a [`TextStyle`], and this table gives it its size, so present mode
//! is one switch, not a size per widget.

use crate::state::Theme;
use egui::{FontFamily, FontId, TextStyle};
use std::collections::BTreeMap;

/// The smallest text of present mode, in pixels at text scale 1 (the size the back row of
/// a classroom reads on a projected 1600x1000 picture).
pub const PRESENT_MIN_TEXT_PX: f32 = 18.0;

/// The lesson's step text and title (larger than the body even outside present mode).
pub fn lesson_text() -> TextStyle {
    TextStyle::Name("lesson".into())
}

pub fn lesson_title() -> TextStyle {
    TextStyle::Name("lesson title".into())
}

/// The Two-machines slide's headline (the ratio of the heap to the CCS).
pub fn headline() -> TextStyle {
    TextStyle::Name("headline".into())
}

/// Every text style's font, normal or in present mode.
pub fn text_styles(present: bool) -> BTreeMap<TextStyle, FontId> {
    // (small, body, monospace, heading, lesson, lesson title, headline)
    let (small, body, mono, heading, lesson, title, headline_size) = if present {
        (PRESENT_MIN_TEXT_PX, 19.0, PRESENT_MIN_TEXT_PX, 24.0, 20.0, 26.0, 30.0)
    } else {
        (10.5, 13.0, 12.5, 18.0, 16.0, 22.0, 22.0)
    };
    let p = |size| FontId::new(size, FontFamily::Proportional);
    [
        (TextStyle::Small, p(small)),
        (TextStyle::Body, p(body)),
        (TextStyle::Button, p(body)),
        (TextStyle::Heading, p(heading)),
        (TextStyle::Monospace, FontId::new(mono, FontFamily::Monospace)),
        (lesson_text(), p(lesson)),
        (lesson_title(), p(title)),
        (headline(), p(headline_size)),
    ]
    .into()
}

/// Text in glyphs the default fonts have (Ubuntu-Light has no arrows): what other crates
/// write with `→` or `…` is drawn with `->` and `...` rather than as missing glyphs.
pub fn drawable(text: &str) -> String {
    text.replace('\u{2192}', "->").replace('\u{2026}', "...").replace('\u{2248}', "~")
}

/// Apply the theme, the style and the text scale (egui's zoom) to the whole context.
pub fn apply(ctx: &egui::Context, theme: Theme, present: bool, text_scale: f32) {
    ctx.set_theme(match theme {
        Theme::Dark => egui::Theme::Dark,
        Theme::Light => egui::Theme::Light,
    });
    let styles = text_styles(present);
    ctx.all_styles_mut(|s| {
        s.text_styles = styles.clone();
        // Room between widgets grows with the text, so that large text does not crowd.
        let k = if present { 1.4 } else { 1.0 };
        s.spacing.item_spacing = egui::vec2(8.0 * k, 3.0 * k);
        s.spacing.button_padding = egui::vec2(4.0 * k, 1.0 * k);
        s.spacing.interact_size.y = 18.0 * k;
        s.spacing.icon_width = 14.0 * k;
        s.spacing.icon_width_inner = 8.0 * k;
    });
    ctx.set_zoom_factor(text_scale);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_mode_has_no_text_below_the_projector_minimum_and_normal_mode_does() {
        let min = |present| text_styles(present).values().map(|f| f.size).fold(f32::INFINITY, f32::min);
        assert!(min(true) >= PRESENT_MIN_TEXT_PX);
        assert!(min(false) < PRESENT_MIN_TEXT_PX);
        // Every style a widget may name exists in both modes.
        assert_eq!(text_styles(true).keys().collect::<Vec<_>>(), text_styles(false).keys().collect::<Vec<_>>());
    }
}
