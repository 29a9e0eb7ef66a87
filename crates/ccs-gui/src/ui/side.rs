//! The right-hand panel: the inspector of the selected word, the budget, the faults and
//! the program (bundled programs, the map, the script).

use crate::events::{DebugEvent, Events, FaultsEvent, FileEvent, ViewEvent};
use crate::state::{AppState, FaultClass, SideTab};
use crate::ui::Fields;
use crate::ui::map::{purpose_color, word_info};
use ccs_budget::FindingKind;
use ccs_core::thousands;
use ccs_core::{Fault, Input, MemoryId, ProcId, REGISTERS, Unit};
use ccs_programs::EntryKind;
use egui::{Color32, RichText, Sense, Ui, Vec2};

pub fn show(ui: &mut Ui, state: &AppState, f: &mut Fields, events: &mut Events) {
    ui.horizontal(|ui| {
        for (tab, name) in [
            (SideTab::Inspector, "Inspector"),
            (SideTab::Budget, "Budget"),
            (SideTab::Faults, "Faults"),
            (SideTab::Program, "Program"),
        ] {
            let mut text = RichText::new(name);
            if tab == SideTab::Budget && state.report.as_ref().is_some_and(|r| !r.fits()) {
                text = text.color(Color32::RED);
            }
            if ui.selectable_label(state.view.side_tab == tab, text).clicked() {
                events.push(ViewEvent::SetSideTab(tab));
            }
        }
    });
    ui.separator();
    egui::ScrollArea::vertical().id_salt("side").auto_shrink([false, false]).show(ui, |ui| match state.view.side_tab {
        SideTab::Inspector => inspector(ui, state, f, events),
        SideTab::Budget => budget(ui, state, events),
        SideTab::Faults => faults(ui, state, f, events),
        SideTab::Program => program(ui, state, events),
    });
}

/// Parse an address typed by the user: octal by default (`0o` optional), `0x` hex,
/// `0d` or a trailing `.` decimal.
pub fn parse_address(text: &str, memory: MemoryId) -> Result<u32, String> {
    let t = text.trim().replace('_', "").to_ascii_lowercase();
    let parsed = if let Some(h) = t.strip_prefix("0x") {
        u32::from_str_radix(h, 16)
    } else if let Some(d) = t.strip_prefix("0d") {
        d.parse()
    } else if let Some(d) = t.strip_suffix('.') {
        d.parse()
    } else {
        u32::from_str_radix(t.strip_prefix("0o").unwrap_or(&t), 8)
    };
    let a = parsed.map_err(|_| format!("{text:?} is not an address (octal, or 0x hex, or 0d decimal)"))?;
    if a >= memory.words() {
        return Err(format!("{} has addresses 0o0-0o{:o}", memory.name(), memory.words() - 1));
    }
    Ok(a)
}

fn inspector(ui: &mut Ui, state: &AppState, f: &mut Fields, events: &mut Events) {
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Memory").selected_text(f.goto_memory.name()).show_ui(ui, |ui| {
            for m in MemoryId::ALL {
                ui.selectable_value(&mut f.goto_memory, m, m.name());
            }
        });
        let r = ui.add(egui::TextEdit::singleline(&mut f.goto).desired_width(70.0).hint_text("octal"));
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Address"));
        let go = ui.button("Go to").clicked() || (r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
        if go {
            match parse_address(&f.goto, f.goto_memory) {
                Ok(a) => {
                    f.goto_error = None;
                    events.push(ViewEvent::Select(Some((f.goto_memory, a))));
                }
                Err(e) => f.goto_error = Some(e),
            }
        }
    });
    if let Some(e) = &f.goto_error {
        ui.colored_label(Color32::RED, e);
    }
    let Some((memory, addr)) = state.view.selection else {
        ui.label("Click a word on the map (or a line of the disassembly) to inspect it.");
        return;
    };
    ui.separator();
    for l in word_info(state, memory, addr) {
        ui.monospace(l);
    }
    let word = state.machine().examine(memory, addr);
    let bits = memory.word_bits();
    let bit_text: String = (0..bits).rev().map(|b| if word >> b & 1 == 1 { '1' } else { '0' }).collect();
    ui.monospace(format!("bits {bit_text}"));
    ui.separator();
    ui.strong("Inject a fault here");
    ui.horizontal(|ui| {
        let label = ui.label("bit");
        ui.add(egui::DragValue::new(&mut f.flip_bit).range(0..=bits - 1)).labelled_by(label.id);
        if ui.button("Flip bit").clicked() {
            events.push(FaultsEvent::Inject(Input::Fault(Fault::FlipMemoryBit {
                memory,
                addr,
                bit: f.flip_bit.min(bits as u8 - 1),
            })));
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("words");
        ui.add(egui::DragValue::new(&mut f.kill_len).range(1..=192)).labelled_by(label.id);
        if ui.button("Kill range").on_hover_text("The words die: they read 0o525252 and writes are lost").clicked() {
            events.push(FaultsEvent::KillRange { memory, start: addr, len: f.kill_len });
        }
    });
    if let MemoryId::Ccs(x) = memory {
        ui.separator();
        let bp = state.has_breakpoint(x, addr);
        if ui.button(if bp { "Remove breakpoint" } else { "Set breakpoint" }).clicked() {
            events.push(DebugEvent::ToggleBreakpoint(x, addr));
        }
    }
}

/// A bar with its text on the line above, so that the high-water tick never crosses it.
fn bar(ui: &mut Ui, fraction: f32, mark: Option<f32>, color: Color32, text: String) {
    ui.label(RichText::new(text).monospace());
    let width = ui.available_width().min(360.0);
    let height = (ui.text_style_height(&egui::TextStyle::Small) * 0.6).max(8.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
    let p = ui.painter();
    p.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    let mut fill = rect;
    fill.set_width(rect.width() * fraction.clamp(0.0, 1.0));
    p.rect_filled(fill, 2.0, color);
    if let Some(m) = mark {
        let x = rect.left() + rect.width() * m.clamp(0.0, 1.0);
        p.line_segment(
            [egui::pos2(x, rect.top() - 2.0), egui::pos2(x, rect.bottom() + 2.0)],
            (3.0, ui.visuals().strong_text_color()),
        );
    }
}

fn budget(ui: &mut Ui, state: &AppState, events: &mut Events) {
    let Some(report) = &state.report else {
        ui.label("Load a program to see its budget.");
        return;
    };
    ui.label(format!("{} against the map {}", report.program, report.map));
    let dead = state.dead_layout_words().len();
    if dead > 0 && state.program.as_ref().is_some_and(|p| p.assembly.is_some()) {
        let button = egui::Button::new(format!("Relocate around {dead} dead words"));
        let hover = "Lay the program's sections out again around the dead words (ccs relocate), \
                     assemble it at the new addresses and restart with the same dead words";
        if ui.add(button).on_hover_text(hover).clicked() {
            events.push(FaultsEvent::Relocate);
        }
    }
    if report.fits() {
        ui.colored_label(Color32::from_rgb(60, 170, 80), "fits: every section lies in its region and within its limit");
    } else {
        let n = report.findings.len();
        ui.label(
            RichText::new(format!("does not fit: {n} finding{}", if n == 1 { "" } else { "s" }))
                .color(Color32::RED)
                .strong(),
        );
        for finding in &report.findings {
            let tag = match finding.kind {
                FindingKind::ForbiddenWrite => "run time",
                _ => "static",
            };
            ui.label(RichText::new(&finding.message).color(Color32::RED)).on_hover_text(tag);
        }
    }
    ui.separator();
    let t = &report.totals;
    let frac = t.bits_used as f32 / t.bits_capacity as f32;
    ui.label(format!(
        "spacecraft total: {} of {} bytes ({:.1}%)",
        thousands(t.bits_used.div_ceil(8)),
        thousands(t.bits_capacity / 8),
        100.0 * frac
    ));
    bar(ui, frac, None, Color32::from_rgb(70, 120, 215), format!("{:.1}%", 100.0 * frac));
    if let Some(run) = &report.run {
        ui.small(format!("run so far: {} cycles; {}", thousands(run.cycles), run.stops.join("; ")));
    }
    ui.separator();
    ui.small("bars: words the program places in each region; tick: the run's high-water mark");
    for memory in MemoryId::ALL {
        if !report.loaded.contains(&memory.name()) {
            continue;
        }
        ui.strong(memory.name());
        for r in report.regions.iter().filter(|r| r.memory == memory) {
            let forbidden = r.run.as_ref().is_some_and(|x| x.forbidden_writes > 0);
            let color = if forbidden { Color32::RED } else { purpose_color(r.purpose) };
            let mark = r.run.as_ref().and_then(|x| x.high_water).map(|h| (h - r.start + 1) as f32 / r.capacity as f32);
            let mut text = format!("{:<9} {:>4}/{:<4}", r.name, r.used, r.capacity);
            if let Some(x) = &r.run {
                text.push_str(&format!(" writes {}", thousands(x.writes)));
                if let Some(h) = x.high_water {
                    text.push_str(&format!(" high 0o{h:o}"));
                }
                if x.forbidden_writes > 0 {
                    text.push_str(&format!(" DENIED {}", x.forbidden_writes));
                }
            }
            bar(ui, r.used as f32 / r.capacity as f32, mark, color, text);
        }
    }
    let idle: Vec<&str> = MemoryId::ALL.iter().map(|m| m.name()).filter(|n| !report.loaded.contains(n)).collect();
    if !idle.is_empty() {
        ui.small(format!("(nothing loaded into {})", idle.join(", ")));
    }
}

fn faults(ui: &mut Ui, state: &AppState, f: &mut Fields, events: &mut Events) {
    if f.campaign.is_some() {
        campaign(ui, state, f, events);
        ui.separator();
    }
    ui.label("Select a word on the map to flip a bit or kill a range (Inspector). Or inject a class of fault:");
    ui.horizontal(|ui| {
        ui.label("processor");
        for x in ProcId::BOTH {
            ui.selectable_value(&mut f.fault_proc, x, x.name());
        }
    });
    let x = f.fault_proc;
    for class in FaultClass::ALL {
        ui.horizontal(|ui| {
            let input = match class {
                FaultClass::Parity => Some(Input::Parity(x)),
                FaultClass::Halt => Some(Input::Fault(Fault::Halt { proc: x })),
                FaultClass::Stall => {
                    ui.add(egui::DragValue::new(&mut f.stall_cycles).range(1..=100_000_000).suffix(" cycles"))
                        .on_hover_text("Stall for this many cycles");
                    Some(Input::Fault(Fault::Stall { proc: x, cycles: f.stall_cycles }))
                }
                FaultClass::FlipRegister => {
                    egui::ComboBox::from_label("Register").selected_text(f.reg.name()).show_ui(ui, |ui| {
                        for r in REGISTERS.iter().filter(|r| r.architectural) {
                            ui.selectable_value(&mut f.reg, r.reg, r.name);
                        }
                    });
                    let bits = f.reg.info().bits;
                    ui.add(egui::DragValue::new(&mut f.reg_bit).range(0..=bits - 1).prefix("bit "))
                        .on_hover_text("The register bit to flip");
                    Some(Input::Fault(Fault::FlipRegisterBit {
                        proc: x,
                        reg: f.reg,
                        bit: f.reg_bit.min(bits as u8 - 1),
                    }))
                }
                FaultClass::DeviceFail | FaultClass::DeviceRestore => {
                    egui::ComboBox::new(class.label(), "Device").selected_text(f.device.name()).show_ui(ui, |ui| {
                        for u in Unit::ALL {
                            ui.selectable_value(&mut f.device, u, u.name());
                        }
                    });
                    ui.add(egui::DragValue::new(&mut f.device_index).range(0..=1).prefix("unit "))
                        .on_hover_text("Which of the two units");
                    Some(Input::Device {
                        unit: f.device,
                        index: f.device_index.min(1),
                        working: class == FaultClass::DeviceRestore,
                    })
                }
            };
            if let Some(input) = input
                && ui.button(class.label()).clicked()
            {
                events.push(FaultsEvent::Inject(input));
            }
        });
    }
    ui.separator();
    let pending: Vec<String> = state
        .machine()
        .craft
        .env
        .pending()
        .iter()
        .filter(|e| matches!(e.input, Input::Fault(_) | Input::Device { .. } | Input::Parity(_)))
        .map(|e| format!("t = {}: {}", e.time, e.input))
        .collect();
    ui.strong(format!("Pending faults: {}", pending.len()));
    for p in pending.iter().take(20) {
        ui.small(p);
    }
    let lasting = state.machine().craft.faults.iter().count();
    ui.strong(format!("Dead or stuck words: {lasting}"));
    for m in MemoryId::ALL {
        let n = state.machine().craft.faults.count(m);
        if n > 0 {
            ui.small(format!("{}: {n}", m.name()));
        }
    }
    let health = state.machine().craft.env.health();
    ui.strong("Units");
    for u in Unit::ALL {
        let w = |i| if health.working(u, i) { "ok" } else { "FAILED" };
        ui.small(format!("{}: prime {}, redundant {}", u.name(), w(0), w(1)));
    }
    ui.separator();
    ui.small("Watch the event log: faults delivered, interrupts taken (level 0: errors), commands issued by fault protection.");
    if f.campaign.is_none() {
        ui.separator();
        campaign(ui, state, f, events);
    }
}

fn program(ui: &mut Ui, state: &AppState, events: &mut Events) {
    match &state.program {
        Some(p) => {
            ui.label(format!("Program: {}", p.name));
            for (image, target) in &p.images {
                ui.small(format!("{} words, {} target {}", image.words.len(), image.kind.header_name(), target.name()));
            }
            if !p.sections.is_empty() {
                ui.small(format!("sections: {}", p.sections.join(", ")));
            }
        }
        None => {
            ui.label("No program loaded.");
        }
    }
    match &state.script {
        Some(s) => ui.label(format!(
            "{}: {} ({} events{})",
            if s.end.is_some() { "Scenario" } else { "Event script" },
            s.name,
            s.inputs.len(),
            s.end.map_or(String::new(), |c| format!(", runs {}", ccs_core::SpacecraftTime(c)))
        )),
        None => ui.label("Event script: none"),
    };
    if let Some(j) = state.program.as_ref().and_then(|p| p.jumpers) {
        ui.small(format!("jumpers {j} on the running processors"));
    }
    ui.horizontal(|ui| {
        ui.label(format!("Allocation map: {}", state.map.name));
        if !state.map.name.ends_with("(bundled)") && ui.small_button("Use bundled map").clicked() {
            events.push(FileEvent::UseBundledMap);
        }
    });
    ui.separator();
    if ui.button("Open a file...").clicked() {
        events.push(ViewEvent::ShowOpenDialog(true));
    }
    ui.small(
        "Sources (.asm), images (.img), scenarios and event scripts (.ron, .json), allocation maps (.ron), Node \
         timelines (.jsonl).",
    );
    ui.separator();
    for (kind, heading) in [
        (EntryKind::Program, "Bundled programs"),
        (EntryKind::Scenario, "Bundled scenarios (program, jumpers, events and length in one click)"),
    ] {
        ui.strong(heading);
        for e in ccs_programs::catalogue().iter().filter(|e| e.kind == kind) {
            ui.horizontal_wrapped(|ui| {
                if ui.button(e.path).on_hover_text(e.title).clicked() {
                    events.push(FileEvent::LoadBundled(e.path));
                }
                ui.small(e.title);
            });
        }
        ui.add_space(4.0);
    }
}

/// A campaign result (`ccs faults ... --output FILE`), word by word: at the top of the
/// Faults tab once one is open.
fn campaign(ui: &mut Ui, state: &AppState, f: &mut Fields, events: &mut Events) {
    ui.strong("A fault campaign's result, word by word");
    ui.horizontal(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut f.campaign_path).desired_width(200.0).hint_text("ccs faults --output FILE"),
        );
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Campaign result path"));
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Open result").clicked() || enter) && !f.campaign_path.trim().is_empty() {
            match crate::ui::campaign::open(std::path::Path::new(f.campaign_path.trim())) {
                Ok(p) => (f.campaign, f.campaign_error) = (Some(p), None),
                Err(e) => f.campaign_error = Some(e),
            }
        }
    });
    if let Some(e) = &f.campaign_error {
        ui.colored_label(Color32::RED, e);
    }
    match &mut f.campaign {
        Some(p) => crate::ui::campaign::show(ui, state, p, events),
        None => {
            ui.small("made by: ccs faults PROGRAM --exhaustive --output FILE");
        }
    }
}
