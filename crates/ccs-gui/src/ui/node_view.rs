//! "Two machines": the CCS's memory, fixed at 69,632 bytes, beside a Node.js heap that
//! grows (or does not) under load, with its budget line, verdict and top growing
//! constructors.

use crate::events::Events;
use crate::node::{CCS_BYTES, NodeEvent};
use crate::state::AppState;
use crate::ui::Fields;
use crate::ui::map::{MapTextures, grid};
use ccs_core::thousands;
use ccs_core::{MemoryId, ProcId};
use ccs_lesson::headless::plain;
use egui::{Color32, RichText, Ui};
use egui_plot::{HLine, Line, Plot, PlotPoint, PlotPoints, Text};
use node_heap::format_bytes;
use node_heap::record::ServerKind;

const MIB: f64 = 1024.0 * 1024.0;

const HEAP_USED: Color32 = Color32::from_rgb(235, 90, 60);
const HEAP_TOTAL: Color32 = Color32::from_rgb(230, 170, 50);
const RSS: Color32 = Color32::from_rgb(120, 150, 220);
const BASELINE: Color32 = Color32::from_rgb(200, 80, 200);
const BUDGET: Color32 = Color32::from_rgb(255, 60, 60);
const CCS: Color32 = Color32::from_rgb(60, 200, 90);
const GROWING: Color32 = Color32::from_rgb(235, 70, 60);
const STABLE: Color32 = Color32::from_rgb(60, 170, 80);

/// Rows of the growing constructors shown (the slide keeps room for the plot).
const ROWS_SHOWN: usize = 5;
/// Characters of a constructor's name before it is cut (the whole name is its hover text).
const NAME_CHARS: usize = 30;

/// The slide: the CCS's fixed memory on the left (a third of the width), the Node heap
/// on the right: the ratio in large type, the plot filling the room the rows under it
/// leave, the top growers and what holds the first.
pub fn show(ui: &mut Ui, state: &AppState, tex: &MapTextures, f: &mut Fields, events: &mut Events) {
    let room = ui.available_size();
    let gap = ui.spacing().item_spacing.x * 2.0;
    let left_width = (room.x * 0.34).max(260.0);
    let right_width = room.x - left_width - gap;
    ui.horizontal_top(|ui| {
        let top_down = egui::Layout::top_down(egui::Align::Min);
        ui.allocate_ui_with_layout(egui::vec2(left_width, room.y), top_down, |ui| {
            ui.set_max_width(left_width);
            ccs_side(ui, state, tex, events);
        });
        ui.add_space(gap);
        ui.allocate_ui_with_layout(egui::vec2(right_width, room.y), top_down, |ui| {
            ui.set_max_width(right_width);
            node_side(ui, state, f, events);
        });
    });
}

fn ccs_side(ui: &mut Ui, state: &AppState, tex: &MapTextures, events: &mut Events) {
    ui.heading("The CCS: 69,632 bytes, fixed");
    ui.label(format!(
        "Six memories, {} words. The program uses {} bytes of them, and that is all it will ever use: \
         no allocation at run time, nothing to leak.",
        thousands(32_768),
        thousands(state.used_bytes())
    ));
    // Two rows of maps (four 64-column memories, then two of 128): 256 columns across.
    let cell = ((ui.available_width() - 40.0) / 256.0).clamp(0.5, 3.0);
    for row in [
        &[MemoryId::Ccs(ProcId::A), MemoryId::Ccs(ProcId::B), MemoryId::Aacs(0), MemoryId::Aacs(1)][..],
        &[MemoryId::Fds(0), MemoryId::Fds(1)][..],
    ] {
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = 2.0;
            for &m in row {
                ui.vertical(|ui| {
                    ui.small(m.name());
                    events.extend(grid(ui, state, tex, m, cell));
                });
            }
        });
    }
    ui.separator();
    ui.label(RichText::new(format!("t = {}", ccs_core::SpacecraftTime(state.now()))).monospace());
    ui.label(RichText::new("On the plot: the green line at the bottom, all of it.").color(CCS));
}

fn node_side(ui: &mut Ui, state: &AppState, f: &mut Fields, events: &mut Events) {
    let node = &state.node;
    ui.heading("A Node.js server's heap");
    egui::CollapsingHeader::new("Recording, budget, live run")
        .id_salt("node controls")
        .default_open(!state.presentation())
        .show(ui, |ui| controls(ui, state, f, events));
    ui.label(RichText::new(&node.source).italics());
    if let Some(e) = &node.error {
        ui.colored_label(Color32::RED, e);
    }
    let Some(t) = &node.timeline else {
        ui.label("(no samples yet)");
        return;
    };
    let budget = t.check_budget(node.budget);
    let used = budget.field(node_heap::Field::HeapUsed);
    let growing = node.analysis.as_ref().is_some_and(|a| a.verdict.is_growing());
    let ratio = used.peak.value as f64 / CCS_BYTES as f64;
    ui.label(
        RichText::new(format!("The peak heap is {} times the CCS's whole memory", thousands(ratio.round() as u64)))
            .text_style(crate::ui::style::headline())
            .strong()
            .color(if growing { GROWING } else { ui.visuals().strong_text_color() }),
    );
    if let Some(a) = &node.analysis {
        ui.label(
            RichText::new(crate::ui::style::drawable(&plain(&format!("verdict: {}", a.verdict))))
                .color(if growing { GROWING } else { STABLE })
                .strong(),
        );
    }
    legend(ui, node.analysis.is_some());

    // The rows under the plot, counted so that the plot takes the rest and nothing is cut.
    let row = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let mono_row = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y * 2.0;
    let table_rows = node.growing.as_ref().map_or(0, |g| g.len().min(ROWS_SHOWN) + 1);
    // Monospace texts do not wrap: they are cut to the characters the panel has room for.
    let mono = egui::TextStyle::Monospace.resolve(ui.style());
    let char_width = ui.fonts_mut(|f| f.glyph_width(&mono, '0')).max(1.0);
    let mono_chars = (ui.available_width() / char_width).floor() as usize;
    let chain = node.retainer.as_ref().map(|r| {
        let chain = crate::ui::style::drawable(&plain(&r.chain(7)));
        chain_lines(&chain, mono_chars.saturating_sub(1))
    });
    let retainer_rows = chain.as_ref().map_or(0, |lines| lines.len() + 1);
    let reserve = row * (4.0 + retainer_rows as f32) + mono_row * table_rows as f32 + 24.0;
    let height = (ui.available_height() - reserve).max(140.0);
    plot(ui, state, t, height);

    ui.label(match &used.first_over {
        Some(c) => format!(
            "heapUsed passed the budget of {} at t = {}; peak {}, {} samples over {}",
            format_bytes(node.budget as f64),
            node_heap::timeline::format_ms(c.t_ms),
            format_bytes(used.peak.value as f64),
            t.samples.len(),
            node_heap::timeline::format_ms(t.duration_ms()),
        ),
        None => format!(
            "heapUsed stays within the budget of {}; peak {}, {} samples over {}",
            format_bytes(node.budget as f64),
            format_bytes(used.peak.value as f64),
            t.samples.len(),
            node_heap::timeline::format_ms(t.duration_ms()),
        ),
    });
    ui.separator();
    ui.strong("Top growing constructors (heap snapshots at start and end)");
    match &node.growing {
        Some(rows) if !rows.is_empty() => {
            egui::Grid::new("growing").striped(true).num_columns(4).show(ui, |ui| {
                ui.strong("constructor");
                ui.strong("# new");
                ui.strong("# delta");
                ui.strong("size delta");
                ui.end_row();
                // The three figures take at most 8, 9 and 11 characters, with a gap each.
                let name_chars = mono_chars.saturating_sub(8 + 9 + 11 + 3 * 3).clamp(12, NAME_CHARS);
                for c in rows.iter().take(ROWS_SHOWN) {
                    let name = cut(&c.name, name_chars);
                    ui.monospace(name).on_hover_text(&c.name);
                    ui.monospace(thousands(c.new_count));
                    ui.monospace(format!("{:+}", c.count_delta));
                    ui.monospace(format!("+{}", format_bytes(c.size_delta as f64)));
                    ui.end_row();
                }
            });
        }
        Some(_) => {
            ui.label("nothing grew");
        }
        None => {
            ui.small(node.note.as_deref().unwrap_or("no heap snapshots"));
        }
    }
    if let (Some(r), Some(lines)) = (&node.retainer, chain) {
        ui.strong(format!("What holds the {} objects (DevTools' Retainers view):", r.class));
        ui.label(RichText::new(lines.join("\n")).monospace());
    }
}

/// `text` cut to `max` characters, ending in "..." when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    format!("{}...", text.chars().take(max.saturating_sub(3)).collect::<String>())
}

/// A retainer chain in lines of at most `max` characters, broken after an arrow (a step
/// longer than a line is cut), so that a deep path or a long user id never runs past the
/// panel: monospace rows are laid out without wrapping.
fn chain_lines(chain: &str, max: usize) -> Vec<String> {
    const ARROW: &str = " -> ";
    let max = max.max(8);
    let steps: Vec<&str> = chain.split(ARROW).collect();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (i, step) in steps.iter().enumerate() {
        let piece = if i + 1 < steps.len() { format!("{step} ->") } else { step.to_string() };
        let piece = cut(&piece, max);
        let joined =
            if line.is_empty() { piece.chars().count() } else { line.chars().count() + 1 + piece.chars().count() };
        if !line.is_empty() && joined > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    lines.push(line);
    lines
}

/// The plot's legend, outside the plot so that it never covers a curve.
fn legend(ui: &mut Ui, baseline: bool) {
    ui.horizontal_wrapped(|ui| {
        let mut items = vec![(HEAP_USED, "heapUsed"), (HEAP_TOTAL, "heapTotal"), (RSS, "rss")];
        if baseline {
            items.push((BASELINE, "after-GC baseline"));
        }
        items.extend([(BUDGET, "budget"), (CCS, "CCS: 69,632 bytes")]);
        for (color, name) in items {
            // One item, one widget: a wrap comes between items, never inside one.
            ui.horizontal(|ui| {
                let h = ui.text_style_height(&egui::TextStyle::Body);
                let (rect, _) = ui.allocate_exact_size(egui::vec2(h * 1.2, h), egui::Sense::hover());
                ui.painter().line_segment([rect.left_center(), rect.right_center()], (4.0, color));
                ui.label(egui::RichText::new(name).strong().color(color));
            });
        }
    });
}

fn controls(ui: &mut Ui, state: &AppState, f: &mut Fields, events: &mut Events) {
    let node = &state.node;
    ui.horizontal_wrapped(|ui| {
        if ui.button("Recorded: leaky").clicked() {
            events.push(NodeEvent::Recorded { leaky: true });
        }
        if ui.button("Recorded: bounded").clicked() {
            events.push(NodeEvent::Recorded { leaky: false });
        }
        let r = ui.add(
            egui::TextEdit::singleline(&mut f.node_path).desired_width(180.0).hint_text("timeline or recording folder"),
        );
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Timeline path"));
        if ui.button("Open timeline").clicked() && !f.node_path.trim().is_empty() {
            events.push(NodeEvent::Open(f.node_path.trim().into()));
        }
        // The label and its value on one line: a wrap never separates them.
        ui.horizontal(|ui| {
            let label = ui.label("budget");
            let r = ui.add(egui::DragValue::new(&mut f.node_budget_mib).range(1..=65_536).suffix(" MiB"));
            let r = r.labelled_by(label.id);
            if r.changed() {
                events.push(NodeEvent::SetBudgetMib(f.node_budget_mib));
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Live:");
        let mut server = node.server;
        egui::ComboBox::from_label("Server").selected_text(server.name()).show_ui(ui, |ui| {
            for s in ServerKind::ALL {
                ui.selectable_value(&mut server, s, s.name()).on_hover_text(s.describe());
            }
        });
        if server != node.server {
            events.push(NodeEvent::SetServer(server));
        }
        let mut requests = node.requests;
        let r = ui.add(egui::DragValue::new(&mut requests).range(100..=1_000_000).suffix(" requests"));
        if r.on_hover_text("Requests the live recording sends").changed() {
            events.push(NodeEvent::SetRequests(requests));
        }
        if node.is_live() {
            if ui.button(RichText::new("Stop").color(Color32::RED)).clicked() {
                events.push(NodeEvent::StopLive);
            }
            if let Some(live) = &node.live
                && let Ok(p) = live.progress.lock()
            {
                let state = if p.stopping { " stopping (end snapshot)" } else { "" };
                let pid = p.pid.map(|p| format!("pid {p}, ")).unwrap_or_default();
                ui.small(format!("{pid}{} of {} requests{state}", p.done, live.requests));
            }
        } else if ui
            .button("Start live run")
            .on_hover_text("Starts the bundled server with node on 127.0.0.1 and loads it")
            .clicked()
        {
            events.push(NodeEvent::StartLive);
        }
    });
}

fn plot(ui: &mut Ui, state: &AppState, t: &node_heap::Timeline, height: f32) {
    let node = &state.node;
    let start = t.start();
    let series = |f: fn(&node_heap::Sample) -> u64| -> PlotPoints<'static> {
        t.samples.iter().map(|s| [(s.t - start) / 1000.0, f(s) as f64 / MIB]).collect()
    };
    let seconds = (t.duration_ms() / 1000.0).max(1.0);
    let top = t.samples.iter().map(|s| s.rss.max(s.heap_total)).max().unwrap_or(0).max(node.budget) as f64 / MIB;
    let budget = node.budget as f64 / MIB;
    let ccs = CCS_BYTES as f64 / MIB;
    Plot::new("heap")
        .height(height)
        .x_axis_label("time (s)")
        .y_axis_label("MiB")
        .include_x(0.0)
        // Room right of the last sample.
        .include_x(seconds * 1.04)
        // Room below 0, so that the CCS's line lies above the plot's edge, not on it.
        .include_y(-top * 0.06)
        .include_y(top * 1.08)
        .y_axis_formatter(|mark, _| if mark.value < 0.0 { String::new() } else { format!("{:.0}", mark.value) })
        // A tick's label is centred on it: one within 3% of the right edge would stick out of
        // the panel by half its width (the layout test caught the "8" of a 7.8 s recording).
        .x_axis_formatter(|mark, range| {
            let near_edge = mark.value > range.end() - (range.end() - range.start()) * 0.03;
            if mark.value < 0.0 || near_edge { String::new() } else { format!("{:.0}", mark.value) }
        })
        .allow_scroll(false)
        .show(ui, |p| {
            p.line(Line::new("heapUsed", series(|s| s.heap_used)).color(HEAP_USED).width(3.0));
            p.line(Line::new("heapTotal", series(|s| s.heap_total)).color(HEAP_TOTAL).width(2.0));
            p.line(Line::new("rss", series(|s| s.rss)).color(RSS).width(2.0));
            p.hline(HLine::new("budget", budget).color(BUDGET).width(2.0));
            p.text(
                Text::new(
                    "budget label",
                    PlotPoint::new(seconds * 0.02, budget),
                    format!("budget {}", format_bytes(node.budget as f64)),
                )
                .anchor(egui::Align2::LEFT_BOTTOM)
                .color(BUDGET),
            );
            p.hline(HLine::new("CCS", ccs).color(CCS).width(5.0));
            p.text(
                Text::new(
                    "CCS label",
                    PlotPoint::new(seconds * 0.98, ccs + top * 0.015),
                    "the CCS: all of its 69,632 bytes",
                )
                .anchor(egui::Align2::RIGHT_BOTTOM)
                .color(CCS),
            );
            if let Some(a) = &node.analysis {
                let base: PlotPoints = a.baseline.iter().map(|&(ms, v)| [ms / 1000.0, v as f64 / MIB]).collect();
                p.line(
                    Line::new("after-GC baseline", base)
                        .color(BASELINE)
                        .width(2.0)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_retainer_chain_breaks_after_arrows_into_lines_that_fit() {
        let chain = "global -> ... -> cache -> user-17000 -> headers -> cookie -> (string)";
        for max in [8, 12, 14, 20, 30, 80] {
            let lines = super::chain_lines(chain, max);
            assert!(lines.iter().all(|l| l.chars().count() <= max.max(8)), "{max}: {lines:?}");
            if max >= "user-17000 ->".len() {
                // Nothing lost: the lines are the chain again.
                assert_eq!(lines.join(" "), chain, "{max}");
            }
        }
        assert_eq!(super::chain_lines(chain, 80), [chain]);
        assert_eq!(
            super::chain_lines(chain, 30),
            ["global -> ... -> cache ->", "user-17000 -> headers ->", "cookie -> (string)"]
        );
        assert_eq!(super::cut("(concatenated string)", 10), "(concat...");
    }
}
