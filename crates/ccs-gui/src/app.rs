//! The app: one frame = shortcuts, panels (which read the state and return events),
//! the events applied, then a time slice of emulation.

use crate::events::{Events, UiEvent};
use crate::state::{AppState, LeftTab, Theme, View};
use crate::ui::{self, Fields, map::MapTextures};
use std::time::{Duration, Instant};

pub struct CcsApp {
    pub state: AppState,
    pub fields: Fields,
    textures: MapTextures,
    /// Frames left in which the map's heat may still be fading.
    fading: u32,
    /// The theme, present mode and text scale last applied to the context.
    applied_style: Option<(Theme, bool, f32)>,
    /// Wall time the emulator may use per frame.
    pub slice: Duration,
    last_frame: Option<Instant>,
    built: bool,
    /// Wall time per frame to emulate instead of the measured one (tests, benchmarks).
    pub fixed_dt: Option<f64>,
}

impl CcsApp {
    pub fn new(state: AppState) -> CcsApp {
        CcsApp {
            state,
            fields: Fields::default(),
            textures: MapTextures::default(),
            fading: 0,
            applied_style: None,
            slice: crate::state::SLICE,
            last_frame: None,
            built: false,
            fixed_dt: None,
        }
    }

    /// Apply events (the same entry point tests use).
    pub fn apply<E: Into<UiEvent>>(&mut self, events: impl IntoIterator<Item = E>) {
        for e in events {
            self.state.apply(e);
            self.fading = crate::ui::map::HEAT_FRAMES;
        }
    }

    /// One frame of the whole app inside `ui`.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let style = (self.state.view.theme, self.state.view.presentation, self.state.view.font_scale);
        if self.applied_style != Some(style) {
            ui::style::apply(&ctx, style.0, style.1, style.2);
            // This frame's Ui was made with the old style: it gets the new one too.
            ui.set_style(ctx.global_style());
            self.applied_style = Some(style);
        }
        // Emulate first, so this frame draws the newest state.
        let dt = match self.last_frame {
            Some(t) => t.elapsed().as_secs_f64(),
            None => 1.0 / 60.0,
        };
        self.last_frame = Some(Instant::now());
        let dt = self.fixed_dt.unwrap_or(dt);
        self.frame(&ctx, dt);

        let mut events = Events::default();
        ui::shortcuts(&ctx, &self.state, &mut events);
        let state = &self.state;
        let f = &mut self.fields;
        let tex = &self.textures;
        egui::Panel::top("top").show(ui, |ui| ui::top_bar(ui, state, &mut events));
        // A lesson has its own layout, with more room for its text and the map: the log
        // and the side panel start smaller (and keep their own sizes when resized).
        // Sizes follow the text: present mode's panels start larger (and keep their own
        // sizes when resized, apart from the normal ones).
        let lesson = state.lesson.is_open();
        let present = state.view.presentation;
        let row = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y;
        let bottom_size = row * if lesson { 4.5 } else { 7.5 };
        let side_size = if lesson { 300.0 } else { 380.0 } * if present { 1.15 } else { 1.0 };
        let bottom_id = ("bottom", lesson, present);
        let side_id = ("side", lesson, present);
        egui::Panel::bottom(bottom_id)
            .resizable(true)
            .default_size(bottom_size)
            .show(ui, |ui| ui::panels::bottom(ui, state, f, &mut events));
        // While a lesson is open, the left-hand panel shows it (or, on its tab, the machine).
        if state.lesson.is_open() && state.view.left_tab == LeftTab::Lesson {
            egui::Panel::left("lesson").resizable(true).default_size(ui::lesson::WIDTH).show(ui, |ui| {
                ui::lesson::tabs(ui, state, &mut events);
                ui::lesson::show(ui, state, &mut events);
            });
        } else if !(present && state.view.shown == View::TwoMachines && !state.lesson.is_open()) {
            // (Present mode's Two-machines slide without a lesson has the whole width.)
            egui::Panel::left("machine").resizable(true).default_size(380.0).show(ui, |ui| {
                if state.lesson.is_open() {
                    ui::lesson::tabs(ui, state, &mut events);
                }
                egui::ScrollArea::vertical()
                    .id_salt("machine scroll")
                    .show(ui, |ui| ui::machine::show(ui, state, &mut events))
            });
        }
        if state.view.shown == View::MemoryMap {
            egui::Panel::right(side_id)
                .resizable(true)
                .default_size(side_size)
                .show(ui, |ui| ui::side::show(ui, state, f, &mut events));
        }
        egui::CentralPanel::default().show(ui, |ui| match state.view.shown {
            View::MemoryMap => ui::map::show(ui, state, tex, &mut events),
            View::TwoMachines => ui::node_view::show(ui, state, tex, f, &mut events),
        });
        ui::panels::open_dialog(&ctx, state, f, &mut events);
        ui::panels::help(&ctx, state, &mut events);
        self.apply(events);

        if self.state.pacing.running || self.state.node.is_live() || self.fading > 0 {
            ctx.request_repaint();
        }
    }

    /// Emulate for one frame and refresh the map's textures.
    pub fn frame(&mut self, ctx: &egui::Context, dt: f64) {
        self.state.watch.stamp = self.state.watch.stamp.wrapping_add(1).max(1);
        self.state.advance(dt, self.slice);
        self.state.node.poll();
        if self.state.pacing.running {
            self.fading = crate::ui::map::HEAT_FRAMES;
        }
        // The textures: every frame while something changes, never when idle.
        if self.fading > 0 || !self.built {
            self.textures.update(ctx, &self.state);
            self.built = true;
            self.fading = self.fading.saturating_sub(1);
        }
    }
}
