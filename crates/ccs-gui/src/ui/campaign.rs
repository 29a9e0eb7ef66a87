//! The Faults tab's picture of a fault campaign (issue 18): a result of `ccs faults ...
//! --output FILE` (or `ccs faults merge`) drawn in the memory map's layout, each word
//! coloured by the worst of its flipped bits (survived, detected, silent, hang), and for
//! the word under the pointer or selected, every bit on its own.

use crate::events::{Events, ViewEvent};
use crate::state::AppState;
use crate::ui::map::{GridGeometry, columns, rows};
use ccs_campaign::{OutcomeMap, Report, Verdict, WordOutcomes};
use ccs_core::MemoryId;
use egui::{Color32, Rect, RichText, Sense, TextureHandle, TextureOptions, Ui, Vec2};
use std::path::Path;

/// A campaign result larger than this is refused (an exhaustive campaign over the whole
/// spacecraft, 557,056 trials, is about 100 MB of JSON).
pub const MAX_REPORT_BYTES: u64 = 512 << 20;

/// The colour of a verdict (and of an untried word).
pub fn verdict_color(v: Option<Verdict>) -> Color32 {
    match v {
        Some(Verdict::Survived) => Color32::from_rgb(60, 170, 80),
        Some(Verdict::Detected) => Color32::from_rgb(70, 140, 255),
        Some(Verdict::Silent) => Color32::from_rgb(240, 60, 50),
        Some(Verdict::Hang) => Color32::from_rgb(255, 0, 255),
        None => Color32::from_gray(45),
    }
}

/// A loaded campaign result.
pub struct CampaignPicture {
    pub name: String,
    pub program: String,
    pub trials: usize,
    pub map: OutcomeMap,
    /// The memories with a flipped bit, in map order.
    pub memories: Vec<MemoryId>,
    /// Words by verdict of their worst bit.
    pub words: Vec<(Verdict, u32)>,
    textures: Vec<(MemoryId, TextureHandle)>,
}

/// Read a campaign result (the JSON of `ccs faults --output`).
pub fn open(path: &Path) -> Result<CampaignPicture, String> {
    let shown = path.display();
    let len = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?.len();
    if len > MAX_REPORT_BYTES {
        return Err(format!("{shown}: {len} bytes: larger than a campaign result can be ({MAX_REPORT_BYTES} bytes)"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    let report: Report = serde_json::from_slice(&bytes).map_err(|e| {
        format!("{shown}:{}:{}: not a campaign result (ccs faults --output FILE): {e}", e.line(), e.column())
    })?;
    Ok(picture(shown.to_string(), &report))
}

/// The picture of a campaign's report.
pub fn picture(name: String, report: &Report) -> CampaignPicture {
    let map = OutcomeMap::from_trials(&report.trials);
    let memories: Vec<MemoryId> = MemoryId::ALL.into_iter().filter(|&m| map.memory(m).any(|w| w.tried() > 0)).collect();
    let words = Verdict::ALL
        .iter()
        .map(|&v| (v, memories.iter().map(|&m| map.memory(m).filter(|w| w.worst() == Some(v)).count() as u32).sum()))
        .collect();
    CampaignPicture {
        name,
        program: report.campaign.program.clone(),
        trials: report.trials.len(),
        map,
        memories,
        words,
        textures: Vec::new(),
    }
}

impl CampaignPicture {
    /// The colour of every word of `memory`, in address order.
    pub fn pixels(&self, memory: MemoryId) -> Vec<Color32> {
        self.map.memory(memory).map(|w| verdict_color(w.worst())).collect()
    }

    fn texture(&mut self, ctx: &egui::Context, memory: MemoryId) -> TextureHandle {
        if let Some((_, t)) = self.textures.iter().find(|(m, _)| *m == memory) {
            return t.clone();
        }
        let image = egui::ColorImage::new([columns(memory) as usize, rows(memory) as usize], self.pixels(memory));
        let t = ctx.load_texture(format!("campaign {}", memory.name()), image, TextureOptions::NEAREST);
        self.textures.push((memory, t.clone()));
        t
    }
}

/// A word's bits, 17 down to 0, one square each in its verdict's colour.
fn bits(ui: &mut Ui, w: &WordOutcomes) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 2.0;
        let side = ui.text_style_height(&egui::TextStyle::Small);
        for b in (0..w.memory.word_bits() as usize).rev() {
            let (rect, r) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
            ui.painter().rect_filled(rect, 1.0, verdict_color(w.bits[b].map(|o| o.verdict())));
            r.on_hover_text(format!("bit {b}: {}", w.bits[b].map_or("not tried".into(), |o| format!("{o:?}"))));
        }
    });
    let counts: Vec<String> =
        Verdict::ALL.iter().filter(|&&v| w.count(v) > 0).map(|&v| format!("{} {}", w.count(v), v.name())).collect();
    ui.small(format!("{} 0o{:o}: {} bits tried: {}", w.memory.name(), w.addr, w.tried(), counts.join(", ")));
}

/// The picture in the Faults tab.
pub fn show(ui: &mut Ui, state: &AppState, picture: &mut CampaignPicture, events: &mut Events) {
    ui.label(format!("{}: {} trials of {}", picture.name, ccs_core::thousands(picture.trials as u64), picture.program));
    ui.horizontal_wrapped(|ui| {
        for &(v, n) in &picture.words {
            let h = ui.text_style_height(&egui::TextStyle::Small);
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(h), Sense::hover());
            ui.painter().rect_filled(rect, 2.0, verdict_color(Some(v)));
            ui.small(format!("{} {n}", v.name()));
        }
    });
    ui.small("a word shows its worst bit; point at a word (or select it) for each of its bits");
    let width = ui.available_width();
    let memories = picture.memories.clone();
    for memory in memories {
        // Only the rows (of 64 words, as on the map) that hold a tried word.
        let cols = columns(memory);
        let tried: Vec<u32> = picture.map.memory(memory).filter(|w| w.tried() > 0).map(|w| w.addr).collect();
        let (first, last) = (tried[0] / cols, tried[tried.len() - 1] / cols);
        let shown_rows = (last - first + 1) as f32;
        ui.strong(format!("{} 0o{:o}-0o{:o}", memory.name(), first * cols, (last + 1) * cols - 1));
        let cell = (width / cols as f32).clamp(1.0, 16.0);
        let size = Vec2::new(cols as f32, shown_rows) * cell;
        let (rect, response) = ui.allocate_exact_size(size, Sense::click());
        let label = format!("{} fault campaign picture", memory.name());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
        // The grid of the whole memory, shifted so that its row `first` is at the top.
        let g = GridGeometry::new(memory, rect.min - Vec2::new(0.0, first as f32 * cell), cell);
        let t = picture.texture(ui.ctx(), memory);
        let all_rows = rows(memory) as f32;
        let uv =
            Rect::from_min_max(egui::pos2(0.0, first as f32 / all_rows), egui::pos2(1.0, (last + 1) as f32 / all_rows));
        ui.painter().image(t.id(), rect, uv, Color32::WHITE);
        if let Some((m, a)) = state.view.selection
            && m == memory
        {
            let stroke = egui::Stroke::new(2.0, ui.visuals().strong_text_color());
            ui.painter().rect_stroke(g.cell_rect(a).expand(1.0), 0.0, stroke, egui::StrokeKind::Outside);
        }
        let hovered = response.hover_pos().filter(|p| rect.contains(*p)).and_then(|p| g.addr_at(p));
        if response.clicked()
            && let Some(a) = response.interact_pointer_pos().and_then(|p| g.addr_at(p))
        {
            events.push(ViewEvent::Select(Some((memory, a))));
        }
        if let Some(a) = hovered {
            let w = picture.map.word(memory, a);
            response.on_hover_ui(|ui| bits(ui, &w));
        }
    }
    if let Some((m, a)) = state.view.selection {
        let w = picture.map.word(m, a);
        if w.tried() > 0 {
            ui.label(RichText::new("The selected word, bit by bit (17 to 0):").strong());
            bits(ui, &w);
        }
    }
}
