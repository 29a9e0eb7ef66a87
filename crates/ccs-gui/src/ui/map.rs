//! The memory map: all six memories, one texture each (a pixel per word, rebuilt once a
//! frame and drawn scaled), coloured by budget region, brightened by recent reads and
//! writes, with dead, stuck and flipped words marked.

use crate::events::{Events, ViewEvent};
use crate::state::AppState;
use crate::watch::ALL_WORDS;
use ccs_budget::Purpose;
use ccs_core::{Instruction, MemoryId, ProcId, RunState, SpacecraftTime, Word, WordFault, thousands};
use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, StrokeKind, TextureHandle, TextureOptions, Ui, Vec2};

/// Columns of a memory's grid (CCS and AACS 64x64, FDS 128x64).
pub fn columns(memory: MemoryId) -> u32 {
    if memory.words() > 4096 { 128 } else { 64 }
}

pub fn rows(memory: MemoryId) -> u32 {
    memory.words() / columns(memory)
}

/// Colour of a region purpose.
pub fn purpose_color(p: Purpose) -> Color32 {
    match p {
        Purpose::TrapTable => Color32::from_rgb(170, 100, 220),
        Purpose::FixedRoutines => Color32::from_rgb(70, 120, 215),
        Purpose::Sequences => Color32::from_rgb(40, 170, 150),
        Purpose::Data => Color32::from_rgb(215, 165, 50),
        Purpose::Scratch => Color32::from_rgb(205, 105, 65),
        Purpose::Spare => Color32::from_rgb(120, 120, 120),
    }
}

pub const PURPOSES: [Purpose; 6] =
    [Purpose::TrapTable, Purpose::FixedRoutines, Purpose::Sequences, Purpose::Data, Purpose::Scratch, Purpose::Spare];

pub const READ_HEAT: Color32 = Color32::from_rgb(150, 255, 150);
pub const WRITE_HEAT: Color32 = Color32::from_rgb(255, 70, 50);
pub const DEAD: Color32 = Color32::from_rgb(0, 0, 0);
pub const STUCK: Color32 = Color32::from_rgb(255, 0, 255);
pub const FLIPPED: Color32 = Color32::from_rgb(255, 255, 0);

fn scale(c: Color32, f: f32) -> Color32 {
    Color32::from_rgb((c.r() as f32 * f) as u8, (c.g() as f32 * f) as u8, (c.b() as f32 * f) as u8)
}

fn mix(a: Color32, b: Color32, t: f32) -> Color32 {
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t) as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

/// How many heat stamps (frames) a read or write stays visible.
pub const HEAT_FRAMES: u32 = 45;

/// Heat of an access `age` stamps ago: 1 now, fading to 0.
fn heat(age: u32) -> f32 {
    if age >= HEAT_FRAMES { 0.0 } else { (-(age as f32) / 10.0).exp() }
}

/// The map's textures, kept between frames.
#[derive(Default)]
pub struct MapTextures {
    handles: Vec<Option<TextureHandle>>,
    /// Per word of the six memories: the region's base colour (the map changes rarely).
    base: Vec<Color32>,
    base_key: Option<String>,
    pixels: Vec<Color32>,
}

impl MapTextures {
    /// Rebuild the six textures from the state.
    pub fn update(&mut self, ctx: &egui::Context, state: &AppState) {
        if self.handles.len() != 6 {
            self.handles = (0..6).map(|_| None).collect();
        }
        let key = format!("{}:{}", state.map.name, state.map.map.regions.len());
        if self.base_key.as_ref() != Some(&key) || self.base.len() != ALL_WORDS {
            self.base = vec![Color32::BLACK; ALL_WORDS];
            for memory in MemoryId::ALL {
                let b = memory.base();
                for addr in 0..memory.words() {
                    let ri = state.map.map.region_index(memory, addr);
                    let shade = if ri.is_multiple_of(2) { 1.0 } else { 0.82 };
                    self.base[b + addr as usize] = scale(purpose_color(state.map.map.regions[ri].purpose), shade);
                }
            }
            self.base_key = Some(key);
        }
        let stamp = state.watch.stamp;
        for memory in MemoryId::ALL {
            let b = memory.base();
            let n = memory.words() as usize;
            self.pixels.clear();
            self.pixels.reserve(n);
            for addr in 0..n {
                let s = b + addr;
                let word = state.machine().examine(memory, addr as u32);
                let base = self.base[s];
                let mut c = if word != 0 { scale(base, 0.95) } else { scale(base, 0.38) };
                let r = heat(stamp.wrapping_sub(state.watch.read_stamp[s]));
                if r > 0.0 {
                    c = mix(c, READ_HEAT, r * 0.8);
                }
                let w = heat(stamp.wrapping_sub(state.watch.write_stamp[s]));
                if w > 0.0 {
                    c = mix(c, WRITE_HEAT, w * 0.9);
                }
                self.pixels.push(c);
            }
            // Lasting faults and flips (few): marked over the heat.
            for (m, a, f) in state.machine().craft.faults.iter() {
                if m == memory {
                    self.pixels[a as usize % n] = match f {
                        WordFault::Dead { .. } => DEAD,
                        WordFault::Stuck { .. } => STUCK,
                    };
                }
            }
            for a in state.flipped.addrs(memory) {
                if state.machine().craft.faults.get(memory, a).is_none() {
                    self.pixels[a as usize % n] = FLIPPED;
                }
            }
            let image = egui::ColorImage::new(
                [columns(memory) as usize, rows(memory) as usize],
                std::mem::take(&mut self.pixels),
            );
            match &mut self.handles[memory.index()] {
                Some(h) => h.set(image, TextureOptions::NEAREST),
                slot @ None => *slot = Some(ctx.load_texture(memory.name(), image, TextureOptions::NEAREST)),
            }
        }
    }

    fn texture(&self, memory: MemoryId) -> Option<&TextureHandle> {
        self.handles.get(memory.index()).and_then(Option::as_ref)
    }
}

/// The text a hover shows for a word (also the inspector's).
pub fn word_info(state: &AppState, memory: MemoryId, addr: u32) -> Vec<String> {
    let digits = if memory.words() > 4096 { 5 } else { 4 };
    let word = state.machine().examine(memory, addr);
    let mut lines = vec![format!("{} 0o{addr:0digits$o}", memory.name())];
    let mut w = format!("word {word:06o} ({word})");
    if let MemoryId::Ccs(_) = memory {
        let instruction = match &state.program {
            Some(program) => program.instruction_text(word),
            None => Instruction::decode(Word::wrapping(word)).to_string(),
        };
        w.push_str(&format!("   {instruction}"));
    }
    lines.push(w);
    let r = state.region(memory, addr);
    lines.push(format!(
        "region {} ({}{}), {}",
        r.name,
        r.purpose.name(),
        if r.writable { "" } else { ", not writable by program stores" },
        r.range_text()
    ));
    if let Some(p) = &state.program {
        if let Some(s) = p.section(memory, addr) {
            lines.push(format!("section {s}"));
        }
        if let MemoryId::Ccs(_) = memory
            && let Some(l) = p.labels.get(&addr)
        {
            lines.push(format!("label {l}"));
        }
    }
    let last_write = state.watch.last_write(memory, addr);
    lines.push(match last_write {
        Some(t) => format!("last write t = {t} ({})", SpacecraftTime(t)),
        None => "not written since the reset".into(),
    });
    // "Not writable" is the allocation map's rule; the hardware enforces only the jumpers.
    if !r.writable && last_write.is_some() {
        let why = match memory {
            MemoryId::Ccs(x) if addr < 3072 => {
                let block = addr / 1024;
                match state.machine().cpu[x.index()].jumpers.0[block as usize] {
                    ccs_core::Jumper::ReadWrite => format!(
                        "the map forbids program stores here, but processor {x}'s jumper for block {block} is RW, \
                         so the program's own store went through; the Budget tab counts each such store"
                    ),
                    j => format!(
                        "processor {x}'s jumper for block {block} is {}: only a memory load (MLD, a LOADC from \
                         the ground) writes here",
                        j.name()
                    ),
                }
            }
            _ => "the map forbids program stores here; the hardware does not, and the Budget tab counts each \
                  such store"
                .into(),
        };
        lines.push(format!("written anyway: {why}"));
    }
    match state.word_fault(memory, addr) {
        Some(WordFault::Dead { pattern }) => lines.push(format!("DEAD: reads 0o{pattern:o}, writes are lost")),
        Some(WordFault::Stuck { mask, value }) => lines.push(format!("STUCK: bits 0o{mask:o} read 0o{value:o}")),
        None if state.flipped.contains(memory, addr) => lines.push("a bit of this word was flipped".into()),
        None => {}
    }
    lines
}

/// Room around a grid, so that the P box and the selection of an edge word are not cut.
pub const MARGIN: f32 = 4.0;

/// The smallest word a zoomed (or present-mode) map draws: large enough to point at one.
pub const LEGIBLE_CELL: f32 = 8.0;

/// Where a memory's words lie on the screen: a grid of [`columns`] words per row, `cell`
/// points per word. Addresses go through `ccs_core::space` (the memory's size, its slots).
#[derive(Clone, Copy, Debug)]
pub struct GridGeometry {
    pub memory: MemoryId,
    pub rect: Rect,
    pub cell: f32,
}

impl GridGeometry {
    pub fn new(memory: MemoryId, min: Pos2, cell: f32) -> GridGeometry {
        let size = Vec2::new(columns(memory) as f32, rows(memory) as f32) * cell;
        GridGeometry { memory, rect: Rect::from_min_size(min, size), cell }
    }

    /// The word under a point, if any.
    pub fn addr_at(&self, pos: Pos2) -> Option<u32> {
        let v = (pos - self.rect.min) / self.cell;
        let cols = columns(self.memory);
        if v.x < 0.0 || v.y < 0.0 || v.x >= cols as f32 {
            return None;
        }
        let index = v.y as usize * cols as usize + v.x as usize;
        // The slot is in this memory only if the index is below its size.
        match MemoryId::from_slot(self.memory.base() + index) {
            Some((m, a)) if m == self.memory => Some(a),
            _ => None,
        }
    }

    /// The square of a word.
    pub fn cell_rect(&self, addr: u32) -> Rect {
        let index = self.memory.slot(addr) - self.memory.base();
        let cols = columns(self.memory) as usize;
        let (c, r) = ((index % cols) as f32, (index / cols) as f32);
        Rect::from_min_size(self.rect.min + Vec2::new(c, r) * self.cell, Vec2::splat(self.cell))
    }
}

/// Address ticks every 64 words (a label every 512), lines between words and the
/// boundaries of the allocation map's regions: drawn once a word is large enough to read.
fn legible_overlay(painter: &egui::Painter, ui: &Ui, state: &AppState, g: &GridGeometry, labels: bool) {
    let (cols, rows) = (columns(g.memory), rows(g.memory));
    let cell = g.cell;
    let visible = ui.clip_rect();
    let grid_line = Stroke::new(1.0, ui.visuals().extreme_bg_color.gamma_multiply(0.55));
    for c in 1..cols {
        let x = g.rect.left() + c as f32 * cell;
        painter.line_segment([egui::pos2(x, g.rect.top()), egui::pos2(x, g.rect.bottom())], grid_line);
    }
    for r in 1..rows {
        let y = g.rect.top() + r as f32 * cell;
        painter.line_segment([egui::pos2(g.rect.left(), y), egui::pos2(g.rect.right(), y)], grid_line);
    }
    // Region boundaries: between neighbours in different regions of the map.
    let edge = Stroke::new(2.0, ui.visuals().strong_text_color());
    let region = |a: u32| state.map.map.region_index(g.memory, a);
    for a in 0..g.memory.words() {
        let r = g.cell_rect(a);
        if !visible.intersects(r.expand(cell)) {
            continue;
        }
        if a % cols != 0 && region(a) != region(a - 1) {
            painter.line_segment([r.left_top(), r.left_bottom()], edge);
        }
        if a >= cols && region(a) != region(a - cols) {
            painter.line_segment([r.left_top(), r.right_top()], edge);
        }
    }
    // Ticks every 64 words, at the left edge (and mid-row in a 128-word row).
    let tick = Stroke::new(1.5, ui.visuals().text_color());
    let font = egui::TextStyle::Small.resolve(ui.style());
    let every_label = (font.size * 1.4 / (cell * 64.0 / cols as f32)).ceil().max(1.0) as u32;
    for block in (0..g.memory.words()).step_by(64) {
        let r = g.cell_rect(block);
        painter.line_segment([r.left_top() - Vec2::new(MARGIN, 0.0), r.left_top() + Vec2::new(cell * 0.6, 0.0)], tick);
        let n = block / 64;
        if labels && block % cols == 0 && n.is_multiple_of(every_label.next_power_of_two()) {
            let digits = g.memory.address_digits();
            painter.text(
                egui::pos2(g.rect.left() - MARGIN - 2.0, r.top()),
                egui::Align2::RIGHT_TOP,
                format!("{block:0digits$o}"),
                font.clone(),
                ui.visuals().text_color(),
            );
        }
    }
}

/// Room at the left of a legible grid for its address labels.
fn label_width(ui: &Ui, memory: MemoryId) -> f32 {
    let font = egui::TextStyle::Small.resolve(ui.style());
    let sample = "0".repeat(memory.address_digits());
    ui.ctx().fonts_mut(|f| f.layout_no_wrap(sample, font, Color32::WHITE).size().x) + 6.0
}

/// One memory's grid at `cell` points per word. Returns the event of a click.
pub fn grid(ui: &mut Ui, state: &AppState, tex: &MapTextures, memory: MemoryId, cell: f32) -> Option<ViewEvent> {
    let legible = cell >= LEGIBLE_CELL;
    let labels = if legible { label_width(ui, memory) } else { 0.0 };
    let words = Vec2::new(columns(memory) as f32, rows(memory) as f32) * cell;
    let (outer, response) =
        ui.allocate_exact_size(words + Vec2::new(labels + 2.0 * MARGIN, 2.0 * MARGIN), Sense::click());
    let g = GridGeometry::new(memory, outer.min + Vec2::new(labels + MARGIN, MARGIN), cell);
    let rect = g.rect;
    let label = format!("{} memory map", memory.name());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
    let painter = ui.painter_at(outer);
    if let Some(t) = tex.texture(memory) {
        painter.image(t.id(), rect, Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)), Color32::WHITE);
    }
    if legible {
        legible_overlay(&painter, ui, state, &g, true);
    }
    // Where P is, for CCS memories whose processor runs (a held processor has no P to show).
    if let MemoryId::Ccs(x) = memory
        && state.machine().cpu[x.index()].state != RunState::Held
    {
        let p = state.machine().cpu[x.index()].regs.p.get();
        let width = if legible { 2.5 } else { 1.5 };
        painter.rect_stroke(g.cell_rect(p).expand(1.0), 0.0, Stroke::new(width, Color32::WHITE), StrokeKind::Outside);
    }
    if let Some((m, a)) = state.view.selection
        && m == memory
    {
        let r = g.cell_rect(a).expand(2.0);
        painter.rect_stroke(r, 0.0, Stroke::new(2.0, ui.visuals().strong_text_color()), StrokeKind::Outside);
    }
    let hovered = response.hover_pos().and_then(|p| g.addr_at(p));
    let clicked = response.clicked();
    let click_pos = response.interact_pointer_pos();
    if let Some(a) = hovered {
        response.on_hover_ui(|ui| {
            for l in word_info(state, memory, a) {
                ui.monospace(l);
            }
        });
    }
    if clicked {
        return click_pos.and_then(|p| g.addr_at(p)).map(|a| ViewEvent::Select(Some((memory, a))));
    }
    None
}

/// The memory a single-memory map shows: the zoomed one; in present mode, where there is
/// no room for six legible maps, the selection's memory or the shown processor's CCS.
pub fn single_memory(state: &AppState) -> Option<MemoryId> {
    state.view.zoom.or_else(|| {
        state.presentation().then(|| state.view.selection.map_or(MemoryId::Ccs(state.view.focus), |(m, _)| m))
    })
}

/// One memory, legible: at least [`LEGIBLE_CELL`] per word, scrolled when it does not fit,
/// with a row of buttons to pick another memory.
fn single(ui: &mut Ui, state: &AppState, tex: &MapTextures, memory: MemoryId, events: &mut Events) {
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!(
            "{}: {} words of {} bits",
            memory.name(),
            thousands(memory.words() as u64),
            memory.word_bits()
        ));
        for m in MemoryId::ALL {
            if ui.selectable_label(m == memory, m.name()).on_hover_text(format!("Show {}", m.name())).clicked() {
                events.push(ViewEvent::Zoom(Some(m)));
            }
        }
        if !state.presentation() && ui.button("Show all memories").clicked() {
            events.push(ViewEvent::Zoom(None));
        }
    });
    let avail = ui.available_size();
    let room = avail - Vec2::new(label_width(ui, memory) + 2.0 * MARGIN + 16.0, 2.0 * MARGIN + 16.0);
    let fit = (room.x / columns(memory) as f32).min(room.y / rows(memory) as f32);
    let cell = fit.clamp(LEGIBLE_CELL, 16.0).floor();
    egui::ScrollArea::both().id_salt(("map", memory.index())).auto_shrink([false, false]).show(ui, |ui| {
        events.extend(grid(ui, state, tex, memory, cell));
    });
}

/// The layout of the whole map: row 1 CCS-A, CCS-B, AACS-A, AACS-B; row 2 FDS-A, FDS-B.
pub fn show(ui: &mut Ui, state: &AppState, tex: &MapTextures, events: &mut Events) {
    // The width before the legend: a legend wider than a narrow panel widens the Ui, and
    // the grids would then be sized past the panel's edge.
    let width = ui.available_width();
    legend(ui, state);
    ui.add_space(4.0);
    if let Some(memory) = single_memory(state) {
        single(ui, state, tex, memory, events);
        return;
    }
    let avail = egui::vec2(width, ui.available_height());
    let gap = 10.0;
    let header = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let cell = ((avail.x - 3.0 * gap - 8.0 * MARGIN) / 256.0)
        .min((avail.y - 2.0 * header - gap - 4.0 * MARGIN) / 128.0)
        .clamp(0.5, LEGIBLE_CELL - 0.5);
    // A narrow map (a lesson or large text beside it) keeps its titles as narrow as its
    // grids, so that all six memories stay in view.
    let compact = cell * 64.0 < 150.0;
    let title = |ui: &mut Ui, memory: MemoryId, events: &mut Events| {
        ui.horizontal(|ui| {
            let used = state
                .static_report
                .as_ref()
                .map_or(0, |r| r.regions.iter().filter(|x| x.memory == memory).map(|x| x.used as u64).sum::<u64>());
            let used = format!("{used} of {} words", memory.words());
            if compact {
                // The name is the zoom button.
                let hover = format!("{used}; click: show {} alone", memory.name());
                if ui.small_button(RichText::new(memory.name()).strong()).on_hover_text(hover).clicked() {
                    events.push(ViewEvent::Zoom(Some(memory)));
                }
                return;
            }
            ui.strong(memory.name());
            ui.small(used);
            if ui.small_button("zoom").on_hover_text(format!("Show {} alone", memory.name())).clicked() {
                events.push(ViewEvent::Zoom(Some(memory)));
            }
        });
    };
    let row = |ui: &mut Ui, memories: &[MemoryId], events: &mut Events| {
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = gap;
            for &m in memories {
                ui.vertical(|ui| {
                    title(ui, m, events);
                    events.extend(grid(ui, state, tex, m, cell));
                });
            }
        });
    };
    row(ui, &[MemoryId::Ccs(ProcId::A), MemoryId::Ccs(ProcId::B), MemoryId::Aacs(0), MemoryId::Aacs(1)], events);
    ui.add_space(4.0);
    row(ui, &[MemoryId::Fds(0), MemoryId::Fds(1)], events);
}

/// A colour square and its name, as one widget: the legend then wraps between swatches,
/// never inside one, and never grows wider than its panel.
fn swatch(ui: &mut Ui, color: Color32, text: &str) {
    let galley = egui::WidgetText::from(RichText::new(text).small()).into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        egui::TextStyle::Small,
    );
    // The square grows with the text (present mode).
    let square = (galley.size().y * 0.8).max(11.0);
    let size = Vec2::new(square + 3.0 + galley.size().x, galley.size().y.max(square));
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let square = Rect::from_center_size(rect.left_center() + Vec2::new(square / 2.0, 0.0), Vec2::splat(square));
    ui.painter().rect_filled(square, 2.0, color);
    let text_pos = egui::pos2(square.right() + 3.0, rect.center().y - galley.size().y / 2.0);
    ui.painter().galley(text_pos, galley, ui.visuals().text_color());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
}

/// Colours, and the spacecraft total.
pub fn legend(ui: &mut Ui, state: &AppState) {
    ui.horizontal_wrapped(|ui| {
        for p in PURPOSES {
            swatch(ui, purpose_color(p), p.name());
        }
        ui.separator();
        swatch(ui, READ_HEAT, "read");
        swatch(ui, WRITE_HEAT, "written");
        swatch(ui, DEAD, "dead");
        swatch(ui, STUCK, "stuck");
        swatch(ui, FLIPPED, "bit flipped");
        ui.small("(dim: word is zero; white box: P)");
    });
    let used = state.used_bytes();
    ui.label(format!(
        "Program: {} of 69,632 bytes used ({:.1}%). Fixed: the spacecraft has no more, ever.",
        ccs_core::thousands(used),
        100.0 * used as f64 / 69_632.0
    ));
}
