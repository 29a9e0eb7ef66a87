//! The lesson panel: the step's title and text in type large enough for a projector,
//! Previous / Next, and what the step's actions did.

use crate::events::{Events, LessonEvent, ViewEvent};
use crate::lesson::LessonState;
use crate::state::{AppState, LeftTab};
use egui::{Color32, RichText, Ui};

use crate::ui::style::{drawable, lesson_text, lesson_title};

/// The width the lesson panel starts with.
pub const WIDTH: f32 = 400.0;

const OK: Color32 = Color32::from_rgb(60, 170, 80);
const FAILED: Color32 = Color32::from_rgb(235, 70, 60);

/// "Lesson" and "Machine": what the left-hand panel shows while a lesson is open.
pub fn tabs(ui: &mut Ui, state: &AppState, events: &mut Events) {
    ui.horizontal(|ui| {
        for (tab, name) in [(LeftTab::Lesson, "Lesson"), (LeftTab::Machine, "Machine")] {
            if ui.selectable_label(state.view.left_tab == tab, name).clicked() {
                events.push(ViewEvent::SetLeftTab(tab));
            }
        }
    });
    ui.separator();
}

pub fn show(ui: &mut Ui, state: &AppState, events: &mut Events) {
    let Some(l) = &state.lesson.open else { return };
    let n = l.lesson.steps.len();
    ui.label(RichText::new(&l.lesson.title).strong().text_style(lesson_text()));
    let notes: Vec<&str> = [&l.lesson.duration, &l.lesson.audience].into_iter().flatten().map(String::as_str).collect();
    if !notes.is_empty() {
        ui.small(notes.join("  |  "));
    }
    ui.horizontal(|ui| {
        let previous =
            ui.add_enabled(l.step > 0, egui::Button::new(RichText::new("Previous").text_style(lesson_text())));
        if previous.on_hover_text("PageUp or Ctrl+Left").clicked() {
            events.push(LessonEvent::Previous);
        }
        let next =
            ui.add_enabled(l.step + 1 < n, egui::Button::new(RichText::new("Next").text_style(lesson_text()).strong()));
        if next.on_hover_text("PageDown or Ctrl+Right").clicked() {
            events.push(LessonEvent::Next);
        }
        ui.label(RichText::new(format!("Step {} of {n}", l.step + 1)).text_style(lesson_text()));
    });
    ui.separator();
    egui::ScrollArea::vertical().id_salt("lesson").auto_shrink([false, false]).show(ui, |ui| {
        step(ui, state, l, events);
    });
}

fn step(ui: &mut Ui, state: &AppState, l: &LessonState, events: &mut Events) {
    let s = l.current();
    ui.label(RichText::new(&s.title).text_style(lesson_title()).strong());
    ui.add_space(6.0);
    // The strong colour: the body text's grey is too faint on a projector.
    let color = ui.visuals().strong_text_color();
    for p in &s.paragraphs {
        // A command to type is shown as code.
        let mut text = RichText::new(p).text_style(lesson_text()).color(color);
        if p.starts_with("$ ") {
            text = text.family(egui::FontFamily::Monospace);
        }
        ui.label(text);
        ui.add_space(ui.text_style_height(&lesson_text()) * 0.4);
    }
    if !s.actions.is_empty() || !l.earlier_failures.is_empty() {
        ui.separator();
        ui.strong("What the app did");
    }
    for e in &l.earlier_failures {
        ui.colored_label(FAILED, format!("earlier, {e}"));
    }
    for r in &l.results {
        match &r.outcome {
            Some(Ok(text)) => {
                ui.label(RichText::new(format!("OK  {}", r.what)).color(OK));
                if !text.is_empty() {
                    ui.small(format!("     {}", drawable(text)));
                }
            }
            Some(Err(e)) => {
                ui.label(RichText::new(format!("FAILED  {}", r.what)).color(FAILED).strong());
                ui.label(RichText::new(format!("     {}", drawable(e))).color(FAILED));
            }
            None => {
                ui.label(RichText::new(format!("...  {}", r.what)).strong());
                if let Some(g) = &state.goal {
                    let how = if state.pacing.running {
                        format!("at {}", state.pacing.speed.label())
                    } else {
                        "paused".into()
                    };
                    ui.label(format!(
                        "     t = {} ({how}), running {}",
                        ccs_core::SpacecraftTime(state.now()),
                        g.describe(state.session.goal())
                    ));
                }
            }
        }
    }
    let skipped = s.actions.len().saturating_sub(l.results.len());
    if l.failures().next().is_some() && skipped > 0 {
        ui.colored_label(FAILED, format!("{skipped} more action(s) not performed after the failure"));
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if l.is_running()
            && ui.button("Finish now").on_hover_text("Run the rest of this step at once, as fast as possible").clicked()
        {
            events.push(LessonEvent::FinishNow);
        }
        if !s.actions.is_empty()
            && ui.button("Do it again").on_hover_text("Perform this step's actions once more").clicked()
        {
            events.push(LessonEvent::Repeat);
        }
        if ui.button("Close lesson").clicked() {
            events.push(LessonEvent::Close);
        }
    });
    egui::ComboBox::from_label("Go to step").selected_text(format!("{}. {}", l.step + 1, s.title)).show_ui(ui, |ui| {
        for (i, st) in l.lesson.steps.iter().enumerate() {
            if ui.selectable_label(i == l.step, format!("{}. {}", i + 1, st.title)).clicked() {
                events.push(LessonEvent::Go(i));
            }
        }
    });
    ui.small(&l.lesson.name);
}
