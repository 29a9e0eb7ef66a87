//! The bottom panel (event log, diagnostics) and the windows (open a file, help).

use crate::events::{Events, FileEvent, LogEvent, ViewEvent};
use crate::log::LogKind;
use crate::state::{AppState, BottomTab};
use crate::ui::{Fields, SHORTCUTS};
use egui::{Color32, RichText, Ui};
use std::path::PathBuf;

pub fn bottom(ui: &mut Ui, state: &AppState, f: &mut Fields, events: &mut Events) {
    ui.horizontal_wrapped(|ui| {
        if ui.selectable_label(state.view.bottom_tab == BottomTab::Log, "Event log").clicked() {
            events.push(ViewEvent::SetBottomTab(BottomTab::Log));
        }
        let n = state.diagnostics.len();
        let mut d = RichText::new(format!("Diagnostics ({n})"));
        if n > 0 {
            d = d.color(Color32::RED);
        }
        if ui.selectable_label(state.view.bottom_tab == BottomTab::Diagnostics, d).clicked() {
            events.push(ViewEvent::SetBottomTab(BottomTab::Diagnostics));
        }
        ui.separator();
        match state.view.bottom_tab {
            BottomTab::Log => {
                for kind in LogKind::ALL {
                    let mut on = f.log_filter.shows(kind);
                    if ui.checkbox(&mut on, kind.label()).changed() {
                        f.log_filter.set(kind, on);
                    }
                }
                let r =
                    ui.add(egui::TextEdit::singleline(&mut f.log_filter.text).desired_width(140.0).hint_text("filter"));
                r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Filter the log"));
                let mut clock = state.log.log_clock;
                if ui.checkbox(&mut clock, "clock levels 4-6").on_hover_text("Log the clock interrupts too").changed() {
                    events.push(LogEvent::ShowClock(clock));
                }
                if ui.button("Clear log").clicked() {
                    events.push(LogEvent::Clear);
                }
            }
            BottomTab::Diagnostics => {
                if ui.button("Clear diagnostics").clicked() {
                    events.push(LogEvent::ClearDiagnostics);
                }
            }
        }
    });
    ui.separator();
    match state.view.bottom_tab {
        BottomTab::Log => log(ui, state, f),
        BottomTab::Diagnostics => diagnostics(ui, state),
    }
}

fn kind_color(kind: LogKind, dark: bool) -> Color32 {
    match (kind, dark) {
        (LogKind::Fault, _) => Color32::from_rgb(235, 70, 60),
        (LogKind::Command, true) => Color32::from_rgb(110, 190, 255),
        (LogKind::Command, false) => Color32::from_rgb(20, 90, 180),
        (LogKind::Interrupt, true) => Color32::from_rgb(200, 200, 140),
        (LogKind::Interrupt, false) => Color32::from_rgb(110, 100, 20),
        (LogKind::Input, true) => Color32::from_rgb(150, 220, 150),
        (LogKind::Input, false) => Color32::from_rgb(20, 120, 40),
        (LogKind::System, _) => Color32::GRAY,
    }
}

fn log(ui: &mut Ui, state: &AppState, f: &Fields) {
    if !state.log.log_clock {
        let [a, b] = state.log.clock_counts();
        ui.small(format!(
            "clock interrupts (levels 4-6) counted, not listed: A {}, B {}",
            ccs_core::thousands(a),
            ccs_core::thousands(b)
        ));
    }
    // Up to 20,000 entries, every frame: a list of indexes only when something is hidden.
    let shown = (!f.log_filter.shows_all()).then(|| state.log.filtered(&f.log_filter));
    let row = ui.text_style_height(&egui::TextStyle::Monospace);
    let spacing = ui.spacing().item_spacing.y;
    // A whole number of rows: scrolled to the bottom, the top line is then never cut.
    let rows = ((ui.available_height() + spacing) / (row + spacing)).floor().max(1.0);
    let dark = ui.visuals().dark_mode;
    let height = rows * (row + spacing) - spacing;
    egui::ScrollArea::vertical()
        .id_salt("log")
        .auto_shrink([false, false])
        .min_scrolled_height(height)
        .max_height(height)
        .stick_to_bottom(true)
        .show_rows(ui, row, shown.as_ref().map_or(state.log.len(), Vec::len), |ui, range| {
            for i in range {
                let i = shown.as_ref().map_or(i, |s| s[i]);
                if let Some(e) = state.log.get(i) {
                    let text = RichText::new(e.line()).monospace().color(kind_color(e.kind, dark));
                    ui.add(egui::Label::new(text).truncate());
                }
            }
        });
}

fn diagnostics(ui: &mut Ui, state: &AppState) {
    egui::ScrollArea::vertical().id_salt("diagnostics").auto_shrink([false, false]).show(ui, |ui| {
        if state.diagnostics.is_empty() {
            ui.label("No diagnostics: everything opened so far was good.");
        }
        for d in state.diagnostics.iter().rev() {
            let color = if d.warning { Color32::from_rgb(230, 160, 30) } else { Color32::RED };
            ui.label(RichText::new(&d.title).color(color).strong());
            ui.label(RichText::new(&d.text).monospace());
            ui.separator();
        }
    });
}

/// The built-in open dialog: a path to type, and the folder's openable files.
pub fn open_dialog(ctx: &egui::Context, state: &AppState, f: &mut Fields, events: &mut Events) {
    if !state.view.show_open {
        return;
    }
    let mut open = true;
    egui::Window::new("Open a file").open(&mut open).default_width(520.0).show(ctx, |ui| {
        ui.horizontal(|ui| {
            let r = ui.add(egui::TextEdit::singleline(&mut f.open_path).desired_width(400.0).hint_text("path of a file or a folder"));
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Path"));
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Open").clicked() || enter) && !f.open_path.trim().is_empty() {
                let p = PathBuf::from(f.open_path.trim());
                let p = if p.is_relative() { f.open_dir.join(p) } else { p };
                if p.is_dir() && !p.join(node_heap::record::TIMELINE).is_file() {
                    f.open_dir = p;
                    f.open_path.clear();
                } else {
                    events.push(FileEvent::OpenPath(p));
                    events.push(ViewEvent::ShowOpenDialog(false));
                }
            }
        });
        ui.small("Sources (.asm), images (.img), event scripts and maps (.ron, .json), Node timelines (.jsonl) or recording folders");
        ui.horizontal(|ui| {
            ui.monospace(f.open_dir.display().to_string());
            if ui.small_button("Up").clicked()
                && let Some(parent) = f.open_dir.parent()
            {
                f.open_dir = parent.to_path_buf();
            }
        });
        if f.listing.as_ref().is_none_or(|(d, _)| *d != f.open_dir) {
            f.listing = Some((f.open_dir.clone(), crate::files::list_dir(&f.open_dir)));
        }
        let mut go: Option<PathBuf> = None;
        egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| match f.listing.as_ref().map(|(_, l)| l) {
            Some(Ok(entries)) => {
                for e in entries {
                    let text = if e.is_dir { format!("{}/", e.name) } else { e.name.clone() };
                    if ui.selectable_label(false, text).clicked() {
                        go = Some(e.path.clone());
                    }
                }
                if entries.is_empty() {
                    ui.label("(nothing to open here)");
                }
            }
            Some(Err(e)) => {
                ui.colored_label(Color32::RED, e);
            }
            None => {}
        });
        if let Some(p) = go {
            if p.is_dir() && !p.join(node_heap::record::TIMELINE).is_file() {
                f.open_dir = p;
            } else {
                events.push(FileEvent::OpenPath(p));
                events.push(ViewEvent::ShowOpenDialog(false));
            }
        }
    });
    if !open {
        events.push(ViewEvent::ShowOpenDialog(false));
    }
}

pub fn help(ctx: &egui::Context, state: &AppState, events: &mut Events) {
    if !state.view.show_help {
        return;
    }
    let mut open = true;
    egui::Window::new("Keyboard shortcuts").open(&mut open).show(ctx, |ui| {
        egui::Grid::new("shortcuts").num_columns(2).striped(true).show(ui, |ui| {
            for (_, _, keys, what, _) in SHORTCUTS {
                ui.monospace(*keys);
                ui.label(*what);
                ui.end_row();
            }
        });
        ui.separator();
        ui.label("Mouse: hover a word of the map for its details; click to select it for the inspector.");
        ui.label("The disassembly: click the dot of a line for a breakpoint, the line for the cursor.");
    });
    if !open {
        events.push(ViewEvent::ShowHelp(false));
    }
}
