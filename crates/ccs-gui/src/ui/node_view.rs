//! "Two machines": the CCS's memory, fixed at 69,632 bytes, beside a Node.js heap that
//! grows (or does not) under load, with its budget line, verdict and top growing
//! constructors.

use crate::node::{CCS_BYTES, NodeEvent};
use crate::state::{AppState, UiEvent};
use crate::ui::Fields;
use crate::ui::map::{MapTextures, grid};
use ccs_core::thousands;
use ccs_core::{MemoryId, ProcId};
use egui::{Color32, RichText, Ui};
use egui_plot::{HLine, Legend, Line, Plot, PlotPoints};
use node_heap::format_bytes;
use node_heap::record::ServerKind;

const MIB: f64 = 1024.0 * 1024.0;

pub fn show(ui: &mut Ui, state: &AppState, tex: &MapTextures, f: &mut Fields, events: &mut Vec<UiEvent>) {
    let node = &state.node;
    let width = ui.available_width();
    ui.columns(2, |cols| {
        let left = &mut cols[0];
        left.heading("The CCS: 69,632 bytes, fixed");
        left.label(format!(
            "Six memories, {} words. The program uses {} bytes of them, and that is all it will ever use: \
             no allocation at run time, nothing to leak.",
            thousands(32_768),
            thousands(state.used_bytes())
        ));
        let cell = ((width / 2.0 - 40.0) / 256.0).clamp(0.5, 3.0);
        for row in [
            &[MemoryId::Ccs(ProcId::A), MemoryId::Ccs(ProcId::B), MemoryId::Aacs(0), MemoryId::Aacs(1)][..],
            &[MemoryId::Fds(0), MemoryId::Fds(1)][..],
        ] {
            left.horizontal_top(|ui| {
                for &m in row {
                    ui.vertical(|ui| {
                        ui.small(m.name());
                        events.extend(grid(ui, state, tex, m, cell));
                    });
                }
            });
        }
        left.separator();
        left.label(RichText::new(format!("t = {}", ccs_core::SpacecraftTime(state.now()))).monospace());
        left.label("The plot on the right draws the CCS's whole memory as the flat line at the bottom.");

        let right = &mut cols[1];
        right.heading("A Node.js server's heap");
        controls(right, state, f, events);
        right.label(RichText::new(&node.source).italics());
        if let Some(e) = &node.error {
            right.colored_label(Color32::RED, e);
        }
        plot(right, state);
        if let Some(a) = &node.analysis {
            let color =
                if a.verdict.is_growing() { Color32::from_rgb(235, 70, 60) } else { Color32::from_rgb(60, 170, 80) };
            right.label(RichText::new(plain(&format!("verdict: {}", a.verdict))).color(color).strong());
        }
        if let Some(t) = &node.timeline {
            let b = t.check_budget(node.budget);
            let used = b.field(node_heap::Field::HeapUsed);
            right.label(match &used.first_over {
                Some(c) => format!(
                    "heapUsed first over the budget of {} at t = {} ({}); peak {}",
                    format_bytes(node.budget as f64),
                    node_heap::timeline::format_ms(c.t_ms),
                    format_bytes(c.value as f64),
                    format_bytes(used.peak.value as f64)
                ),
                None => format!(
                    "heapUsed stays within the budget of {}; peak {}",
                    format_bytes(node.budget as f64),
                    format_bytes(used.peak.value as f64)
                ),
            });
            right.small(format!(
                "{} samples over {}; the peak heap is {:.0} times the CCS's whole memory",
                t.samples.len(),
                node_heap::timeline::format_ms(t.duration_ms()),
                used.peak.value as f64 / CCS_BYTES as f64
            ));
        }
        right.separator();
        right.strong("Top growing constructors (heap snapshots at start and end)");
        match &node.growing {
            Some(rows) if !rows.is_empty() => {
                egui::Grid::new("growing").striped(true).num_columns(4).show(right, |ui| {
                    ui.strong("constructor");
                    ui.strong("# new");
                    ui.strong("# delta");
                    ui.strong("size delta");
                    ui.end_row();
                    for c in rows {
                        ui.monospace(&c.name);
                        ui.monospace(thousands(c.new_count));
                        ui.monospace(format!("{:+}", c.count_delta));
                        ui.monospace(format!("+{}", format_bytes(c.size_delta as f64)));
                        ui.end_row();
                    }
                });
            }
            Some(_) => {
                right.label("nothing grew");
            }
            None => {
                right.small(node.note.as_deref().unwrap_or("no heap snapshots"));
            }
        }
    });
}

fn controls(ui: &mut Ui, state: &AppState, f: &mut Fields, events: &mut Vec<UiEvent>) {
    let node = &state.node;
    ui.horizontal_wrapped(|ui| {
        if ui.button("Recorded: leaky").clicked() {
            events.push(UiEvent::Node(NodeEvent::Recorded { leaky: true }));
        }
        if ui.button("Recorded: bounded").clicked() {
            events.push(UiEvent::Node(NodeEvent::Recorded { leaky: false }));
        }
        let r = ui.add(
            egui::TextEdit::singleline(&mut f.node_path).desired_width(180.0).hint_text("timeline or recording folder"),
        );
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Timeline path"));
        if ui.button("Open timeline").clicked() && !f.node_path.trim().is_empty() {
            events.push(UiEvent::Node(NodeEvent::Open(f.node_path.trim().into())));
        }
        ui.label("budget");
        let r = ui.add(egui::DragValue::new(&mut f.node_budget_mib).range(1..=65_536).suffix(" MiB"));
        if r.changed() {
            events.push(UiEvent::Node(NodeEvent::SetBudgetMib(f.node_budget_mib)));
        }
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
            events.push(UiEvent::Node(NodeEvent::SetServer(server)));
        }
        let mut requests = node.requests;
        if ui.add(egui::DragValue::new(&mut requests).range(100..=1_000_000).suffix(" requests")).changed() {
            events.push(UiEvent::Node(NodeEvent::SetRequests(requests)));
        }
        if node.is_live() {
            if ui.button(RichText::new("Stop").color(Color32::RED)).clicked() {
                events.push(UiEvent::Node(NodeEvent::StopLive));
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
            events.push(UiEvent::Node(NodeEvent::StartLive));
        }
    });
}

fn plot(ui: &mut Ui, state: &AppState) {
    let node = &state.node;
    let Some(t) = &node.timeline else {
        ui.label("(no samples yet)");
        return;
    };
    let start = t.start();
    let series = |f: fn(&node_heap::Sample) -> u64| -> PlotPoints<'static> {
        t.samples.iter().map(|s| [(s.t - start) / 1000.0, f(s) as f64 / MIB]).collect()
    };
    let height = (ui.available_height() * 0.5).clamp(160.0, 420.0);
    Plot::new("heap")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("seconds")
        .y_axis_label("MiB")
        .include_y(0.0)
        .include_y(node.budget as f64 / MIB * 1.1)
        .show(ui, |p| {
            p.line(Line::new("heapUsed", series(|s| s.heap_used)).color(Color32::from_rgb(235, 90, 60)).width(2.0));
            p.line(Line::new("heapTotal", series(|s| s.heap_total)).color(Color32::from_rgb(230, 170, 50)));
            p.line(Line::new("rss", series(|s| s.rss)).color(Color32::from_rgb(120, 150, 220)));
            p.hline(
                HLine::new(format!("budget {}", format_bytes(node.budget as f64)), node.budget as f64 / MIB)
                    .color(Color32::RED),
            );
            p.hline(
                HLine::new("CCS: 69,632 bytes", CCS_BYTES as f64 / MIB)
                    .color(Color32::from_rgb(60, 170, 80))
                    .width(2.0),
            );
            if let Some(a) = &node.analysis {
                let base: PlotPoints = a.baseline.iter().map(|&(ms, v)| [ms / 1000.0, v as f64 / MIB]).collect();
                p.line(
                    Line::new("after-GC baseline", base)
                        .color(Color32::from_rgb(200, 80, 200))
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        });
}

/// Text from the Node crate in the glyphs the default fonts have.
pub fn plain(text: &str) -> String {
    text.replace('\u{2248}', "~").replace(['\u{2013}', '\u{2014}'], "-").replace('\u{2212}', "-")
}
