//! Drawing. Every panel reads the [`AppState`] and pushes
//! [`UiEvent`](crate::events::UiEvent)s into [`Events`]; only the app applies them. What
//! belongs to the widgets alone (text being typed, the values of a form before its button
//! is pressed) lives in [`Fields`].

pub mod campaign;
pub mod lesson;
pub mod machine;
pub mod map;
pub mod node_view;
pub mod panels;
pub mod side;
pub mod style;

use crate::events::{DebugEvent, Events, FileEvent, LessonEvent, RunEvent, ViewEvent};
use crate::files::DirEntry;
use crate::log::LogFilter;
use crate::state::{AppState, Speed, Theme, View};
use ccs_core::{MemoryId, ProcId, Reg, SpacecraftTime, Unit};
use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use std::path::PathBuf;

/// Widget-only state.
pub struct Fields {
    pub flip_bit: u8,
    pub kill_len: u32,
    pub fault_proc: ProcId,
    pub stall_cycles: u64,
    pub reg: Reg,
    pub reg_bit: u8,
    pub device: Unit,
    pub device_index: u8,
    pub goto_memory: MemoryId,
    pub goto: String,
    pub goto_error: Option<String>,
    pub log_filter: LogFilter,
    pub open_dir: PathBuf,
    pub open_path: String,
    pub listing: Option<(PathBuf, Result<Vec<DirEntry>, String>)>,
    pub node_path: String,
    pub node_budget_mib: u64,
    /// The Faults tab's campaign result: the path typed, the picture, why it did not open.
    pub campaign_path: String,
    pub campaign: Option<campaign::CampaignPicture>,
    pub campaign_error: Option<String>,
}

impl Default for Fields {
    fn default() -> Self {
        let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Fields {
            flip_bit: 0,
            kill_len: 16,
            fault_proc: ProcId::A,
            stall_cycles: 5000,
            reg: Reg::A,
            reg_bit: 0,
            device: Unit::Aacs,
            device_index: 0,
            goto_memory: MemoryId::Ccs(ProcId::A),
            goto: String::new(),
            goto_error: None,
            log_filter: LogFilter::default(),
            open_path: String::new(),
            open_dir: dir,
            listing: None,
            node_path: String::new(),
            node_budget_mib: 64,
            campaign_path: String::new(),
            campaign: None,
            campaign_error: None,
        }
    }
}

/// What a keyboard shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    RunPause,
    StepOver,
    StepInto,
    RunToCursor,
    Breakpoint,
    Reset,
    Open,
    Help,
    Theme,
    Larger,
    Smaller,
    NormalSize,
    Speed(Speed),
    MapView,
    NodeView,
    Escape,
    Presentation,
    LessonNext,
    LessonPrevious,
}

/// The shortcuts, as the help window lists them.
pub const SHORTCUTS: &[(Modifiers, Key, &str, &str, Action)] = &[
    (Modifiers::NONE, Key::Space, "Space", "run / pause", Action::RunPause),
    (Modifiers::NONE, Key::F10, "F10", "step over (a CAL runs to its return)", Action::StepOver),
    (Modifiers::NONE, Key::F11, "F11", "step into (one instruction of the processor shown)", Action::StepInto),
    (Modifiers::NONE, Key::F4, "F4", "run to the cursor (click a disassembly line)", Action::RunToCursor),
    (Modifiers::NONE, Key::F9, "F9", "breakpoint on or off at the cursor (or at P)", Action::Breakpoint),
    (Modifiers::COMMAND, Key::R, "Ctrl+R", "reset: reload the program, time 0", Action::Reset),
    (Modifiers::COMMAND, Key::O, "Ctrl+O", "open a file", Action::Open),
    (Modifiers::NONE, Key::F1, "F1", "this help", Action::Help),
    (Modifiers::COMMAND, Key::T, "Ctrl+T", "light / dark theme", Action::Theme),
    (Modifiers::COMMAND, Key::Plus, "Ctrl++", "larger text (presentation)", Action::Larger),
    (Modifiers::COMMAND, Key::Equals, "Ctrl+=", "larger text (presentation)", Action::Larger),
    (Modifiers::COMMAND, Key::Minus, "Ctrl+-", "smaller text", Action::Smaller),
    (Modifiers::COMMAND, Key::Num0, "Ctrl+0", "normal text size", Action::NormalSize),
    (Modifiers::NONE, Key::F5, "F5", "presentation: large fonts for a projector, on or off", Action::Presentation),
    (Modifiers::NONE, Key::PageDown, "PageDown", "lesson: next step", Action::LessonNext),
    (Modifiers::NONE, Key::PageUp, "PageUp", "lesson: previous step", Action::LessonPrevious),
    (Modifiers::COMMAND, Key::ArrowRight, "Ctrl+Right", "lesson: next step", Action::LessonNext),
    (Modifiers::COMMAND, Key::ArrowLeft, "Ctrl+Left", "lesson: previous step", Action::LessonPrevious),
    (Modifiers::NONE, Key::Num1, "1", "speed x1 (real time)", Action::Speed(Speed::X1)),
    (Modifiers::NONE, Key::Num2, "2", "speed x10", Action::Speed(Speed::X10)),
    (Modifiers::NONE, Key::Num3, "3", "speed x1000", Action::Speed(Speed::X1000)),
    (Modifiers::NONE, Key::Num4, "4", "speed: as fast as possible", Action::Speed(Speed::Max)),
    (Modifiers::NONE, Key::M, "M", "the memory map", Action::MapView),
    (Modifiers::NONE, Key::N, "N", "two machines: the CCS beside a Node.js heap", Action::NodeView),
    (Modifiers::NONE, Key::Escape, "Esc", "clear the selection, show all memories", Action::Escape),
];

/// The events of a shortcut in the current state.
pub fn action_events(action: Action, state: &AppState) -> Events {
    let mut events = Events::default();
    match action {
        Action::RunPause => events.push(RunEvent::Toggle),
        Action::StepOver => events.push(DebugEvent::StepOver),
        Action::StepInto => events.push(DebugEvent::StepInto),
        Action::RunToCursor => events.push(DebugEvent::RunToCursor),
        Action::Breakpoint => {
            let a = state.view.cursor.unwrap_or(state.machine().cpu[state.view.focus.index()].regs.p.get());
            events.push(DebugEvent::ToggleBreakpoint(state.view.focus, a));
        }
        Action::Reset => events.push(RunEvent::Reset),
        Action::Open => events.push(ViewEvent::ShowOpenDialog(true)),
        Action::Help => events.push(ViewEvent::ShowHelp(!state.view.show_help)),
        Action::Theme => {
            events.push(ViewEvent::SetTheme(if state.view.theme == Theme::Dark { Theme::Light } else { Theme::Dark }))
        }
        Action::Larger => events.push(ViewEvent::SetFontScale(state.view.font_scale + 0.25)),
        Action::Smaller => events.push(ViewEvent::SetFontScale(state.view.font_scale - 0.25)),
        Action::NormalSize => events.push(ViewEvent::SetFontScale(1.0)),
        Action::Speed(s) => events.push(RunEvent::SetSpeed(s)),
        Action::MapView => events.push(ViewEvent::SetView(View::MemoryMap)),
        Action::NodeView => events.push(ViewEvent::SetView(View::TwoMachines)),
        Action::Escape => {
            events.push(ViewEvent::Select(None));
            // (A zoom brings the map to the front: only where the map is shown.)
            if state.view.shown == View::MemoryMap {
                events.push(ViewEvent::Zoom(None));
            }
        }
        Action::Presentation => events.push(ViewEvent::SetPresentation(!state.presentation())),
        Action::LessonNext if state.lesson.is_open() => events.push(LessonEvent::Next),
        Action::LessonPrevious if state.lesson.is_open() => events.push(LessonEvent::Previous),
        Action::LessonNext | Action::LessonPrevious => {}
    }
    events
}

/// Shortcuts pressed this frame (none while a text field has the keyboard).
pub fn shortcuts(ctx: &egui::Context, state: &AppState, events: &mut Events) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    for &(mods, key, _, _, action) in SHORTCUTS {
        if ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(mods, key))) {
            events.extend(action_events(action, state));
        }
    }
}

/// The menu bar and the run controls.
pub fn top_bar(ui: &mut Ui, state: &AppState, events: &mut Events) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.button("Open...  (Ctrl+O)").clicked() {
                events.push(ViewEvent::ShowOpenDialog(true));
                ui.close();
            }
            for (kind, menu) in [
                (ccs_programs::EntryKind::Program, "Bundled programs"),
                (ccs_programs::EntryKind::Scenario, "Bundled scenarios"),
            ] {
                ui.menu_button(menu, |ui| {
                    for e in ccs_programs::catalogue().iter().filter(|e| e.kind == kind) {
                        if ui.button(e.path).on_hover_text(e.title).clicked() {
                            events.push(FileEvent::LoadBundled(e.path));
                            ui.close();
                        }
                    }
                });
            }
            ui.menu_button("Lessons", |ui| {
                for l in ccs_programs::lessons() {
                    if ui.button(l.path).on_hover_text(l.title).clicked() {
                        events.push(FileEvent::LoadBundled(l.path));
                        ui.close();
                    }
                }
                if state.lesson.is_open() && ui.button("Close the lesson").clicked() {
                    events.push(LessonEvent::Close);
                    ui.close();
                }
            });
            if ui.button("Use the bundled allocation map").clicked() {
                events.push(FileEvent::UseBundledMap);
                ui.close();
            }
            if ui.button("Reset  (Ctrl+R)").clicked() {
                events.push(RunEvent::Reset);
                ui.close();
            }
        });
        ui.menu_button("View", |ui| {
            if ui.button("Memory map  (M)").clicked() {
                events.push(ViewEvent::SetView(View::MemoryMap));
                ui.close();
            }
            if ui.button("Two machines  (N)").clicked() {
                events.push(ViewEvent::SetView(View::TwoMachines));
                ui.close();
            }
            ui.separator();
            if ui.button("Dark theme").clicked() {
                events.push(ViewEvent::SetTheme(Theme::Dark));
            }
            if ui.button("Light theme").clicked() {
                events.push(ViewEvent::SetTheme(Theme::Light));
            }
            ui.separator();
            if ui.button("Larger text  (Ctrl++)").clicked() {
                events.push(ViewEvent::SetFontScale(state.view.font_scale + 0.25));
            }
            if ui.button("Smaller text  (Ctrl+-)").clicked() {
                events.push(ViewEvent::SetFontScale(state.view.font_scale - 0.25));
            }
            let mut presentation = state.presentation();
            if ui
                .checkbox(&mut presentation, "Presentation (large fonts)")
                .on_hover_text("F5: for a projector")
                .clicked()
            {
                events.push(ViewEvent::SetPresentation(presentation));
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Keyboard shortcuts  (F1)").clicked() {
                events.push(ViewEvent::ShowHelp(true));
                ui.close();
            }
        });
        ui.separator();
        for (view, name) in [(View::MemoryMap, "Memory map"), (View::TwoMachines, "Two machines")] {
            if ui.selectable_label(state.view.shown == view, name).clicked() {
                events.push(ViewEvent::SetView(view));
            }
        }
    });
    ui.horizontal(|ui| {
        let run = if state.pacing.running { "Pause" } else { "Run" };
        if ui.button(RichText::new(run).strong()).on_hover_text("Space").clicked() {
            events.push(if state.pacing.running { RunEvent::Pause } else { RunEvent::Run });
        }
        if ui.button("Step").on_hover_text("F11: one instruction").clicked() {
            events.push(DebugEvent::StepInto);
        }
        if ui.button("Step over").on_hover_text("F10: a call runs to its return").clicked() {
            events.push(DebugEvent::StepOver);
        }
        if ui.add_enabled(state.view.cursor.is_some(), egui::Button::new("Run to cursor")).on_hover_text("F4").clicked()
        {
            events.push(DebugEvent::RunToCursor);
        }
        if ui.button("Reset").on_hover_text("Ctrl+R").clicked() {
            events.push(RunEvent::Reset);
        }
        ui.separator();
        ui.label("Speed");
        for s in Speed::ALL {
            if ui.selectable_label(state.pacing.speed == s, s.label()).on_hover_text(s.describe()).clicked() {
                events.push(RunEvent::SetSpeed(s));
            }
        }
        ui.separator();
        ui.label(RichText::new(format!("t = {}", SpacecraftTime(state.now()))).monospace().strong());
        if state.pacing.running {
            let x = state.pacing.achieved / ccs_core::CYCLES_PER_SECOND as f64;
            let behind = if state.pacing.behind { " (behind)" } else { "" };
            ui.small(format!("x{x:.0}{behind}"));
        }
    });
}
