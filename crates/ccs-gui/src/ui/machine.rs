//! The machine panel: processor state, spacecraft time, registers with changes
//! highlighted, and the disassembly around P with breakpoints.

use crate::events::{DebugEvent, Events, ViewEvent};
use crate::state::{AppState, state_text};
use ccs_core::{CYCLES_PER_SECOND, Instruction, MemoryId, ProcId, REGISTERS, Reg, SpacecraftTime, Unit, Word};
use egui::{Color32, RichText, Ui};

/// Highlight of a changed register: black on amber in either theme, the contrast a
/// projector keeps (dark yellow on grey did not).
pub const CHANGED: Color32 = Color32::from_rgb(255, 196, 40);

fn highlight(rt: RichText) -> RichText {
    rt.background_color(CHANGED).color(Color32::BLACK)
}

/// A register's value as the panel shows it.
pub fn reg_text(x: &ccs_core::Registers, reg: Reg) -> String {
    let v = x.get(reg);
    match reg {
        Reg::CC => {
            let f = |bit: u64, name: &str| if v & bit != 0 { name.to_string() } else { "-".repeat(name.len()) };
            format!("{:02o} {} {} {} {}", v, f(8, "OVF"), f(4, "NEG"), f(2, "ODD"), f(1, "NZ"))
        }
        Reg::IE => (if v != 0 { "1 (enabled)" } else { "0 (disabled)" }).to_string(),
        Reg::PEND | Reg::MASK => format!("{v:011o}"),
        _ => {
            let digits = reg.info().bits.div_ceil(3) as usize;
            format!("{v:0digits$o}")
        }
    }
}

pub fn show(ui: &mut Ui, state: &AppState, events: &mut Events) {
    ui.horizontal(|ui| {
        for x in ProcId::BOTH {
            if ui.selectable_label(state.view.focus == x, format!("Processor {x}")).clicked() {
                events.push(DebugEvent::SetFocus(x));
            }
        }
    });
    let x = state.view.focus;
    let cpu = &state.machine().cpu[x.index()];
    ui.label(format!("state: {}", state_text(&cpu.state)));
    let now = state.now();
    ui.label(RichText::new(format!("Spacecraft time {}", SpacecraftTime(now))).monospace().strong());
    ui.monospace(format!("cycle {}  ({:.2} s)", ccs_core::thousands(now), now as f64 / CYCLES_PER_SECOND as f64));
    ui.monospace(format!(
        "instructions {}  interrupts {}",
        ccs_core::thousands(state.machine().craft.counters.instructions[x.index()]),
        ccs_core::thousands(state.machine().craft.counters.accepted[x.index()].iter().sum())
    ));
    ui.separator();
    ui.strong("Registers");
    egui::Grid::new("registers").num_columns(2).spacing([12.0, 2.0]).show(ui, |ui| {
        for (i, info) in REGISTERS.iter().enumerate() {
            let text = format!("{} = {}", info.name, reg_text(&cpu.regs, info.reg));
            let mut rt = RichText::new(text).monospace();
            if state.debug.changed[x.index()].regs & (1 << i) != 0 {
                rt = highlight(rt);
            } else if !info.architectural {
                rt = rt.weak();
            }
            ui.label(rt).on_hover_text(info.description);
            if i % 2 == 1 {
                ui.end_row();
            }
        }
    });
    let mut st = RichText::new(format!("mode = {}", state.machine().craft.mode.name())).monospace();
    if state.debug.changed[x.index()].state {
        st = highlight(st);
    }
    ui.label(st);
    let sel = state.machine().craft.selections;
    let units: Vec<String> = Unit::ALL
        .iter()
        .map(|&u| format!("{}: {}", u.name(), if sel.selected(u) == 0 { "prime" } else { "redundant" }))
        .collect();
    ui.collapsing("Unit selections", |ui| {
        for u in units {
            ui.monospace(u);
        }
    });
    ui.separator();
    disassembly(ui, state, events);
}

fn disassembly(ui: &mut Ui, state: &AppState, events: &mut Events) {
    let x = state.view.focus;
    let cpu = &state.machine().cpu[x.index()];
    let p = cpu.regs.p.get();
    ui.horizontal(|ui| {
        ui.strong(format!("Disassembly of CCS-{x} around P"));
        if state.has_breakpoints() && ui.small_button("Clear breakpoints").clicked() {
            events.push(DebugEvent::ClearBreakpoints);
        }
    });
    ui.small("click the dot for a breakpoint, a line for the cursor (run to cursor: F4)");
    let labels = state.program.as_ref().map(|p| &p.labels);
    let first = p.saturating_sub(6);
    egui::ScrollArea::vertical().id_salt("disasm").auto_shrink([false, true]).show(ui, |ui| {
        for a in first..(first + 24).min(4096) {
            let word = cpu.memory.get(a as usize);
            let bp = state.has_breakpoint(x, a);
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 4.0;
                let size = egui::Vec2::splat(ui.text_style_height(&egui::TextStyle::Monospace));
                let (rect, r) = ui.allocate_exact_size(size, egui::Sense::click());
                r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("breakpoint 0o{a:04o}")));
                let radius = rect.height() * 0.3;
                if bp {
                    ui.painter().circle_filled(rect.center(), radius, Color32::RED);
                } else {
                    let c = if r.hovered() { Color32::RED } else { ui.visuals().weak_text_color() };
                    ui.painter().circle_stroke(rect.center(), radius, (1.0, c));
                }
                if r.clicked() {
                    events.push(DebugEvent::ToggleBreakpoint(x, a));
                }
                let marker = if a == p { ">" } else { " " };
                let label = labels.and_then(|l| l.get(&a)).map(|l| format!("{l}:")).unwrap_or_default();
                let instruction = match &state.program {
                    Some(program) => program.instruction_text(word.get()),
                    None => Instruction::decode(Word::wrapping(word.get())).to_string(),
                };
                let text = format!("{marker} {a:04o}  {word}  {label:<8} {instruction}");
                let mut rt = RichText::new(text).monospace();
                if a == p {
                    rt = rt.strong();
                }
                if state.view.cursor == Some(a) {
                    rt = rt.underline();
                }
                if ui.selectable_label(state.view.cursor == Some(a), rt).clicked() {
                    events.push(DebugEvent::SetCursor(Some(a)));
                    events.push(ViewEvent::Select(Some((MemoryId::Ccs(x), a))));
                }
            });
        }
    });
}
