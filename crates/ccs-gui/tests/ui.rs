//! The app driven through its widgets, headless (no display, no GPU): egui_kittest
//! finds widgets by their AccessKit labels and clicks them like a person would.

use ccs_core::{MemoryId, ProcId};
use ccs_gui::state::SideTab;
use ccs_gui::{AppState, CcsApp};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness(app: CcsApp) -> Harness<'static, CcsApp> {
    Harness::builder().with_size([1600.0, 1000.0]).build_ui_state(|ui, app: &mut CcsApp| app.show(ui), app)
}

fn empty() -> CcsApp {
    let mut app = CcsApp::new(AppState::new());
    // A frame emulates 1/60 s of wall time, whatever the test machine's speed.
    app.fixed_dt = Some(1.0 / 60.0);
    app
}

/// A program whose section is over its own limit, and which stores into the
/// read-only FIXED region at run time.
const OVER_BUDGET: &str = "\
        .section TRAPS, 32
        .org 0o40
        .section FIXED, 2
START:  LDI 5
        STA 0o100       ; FIXED is not writable by program stores
        HLT
";

#[test]
fn load_a_bundled_program_run_pause_step_and_see_registers_change() {
    let mut h = harness(empty());
    h.run_steps(2);
    // Nothing loaded: P is at its reset value, processor A is held.
    h.get_by_label("P = 0040");
    h.get_by_label("Program").click();
    h.run_steps(2);
    h.get_by_label(ccs_programs::TICK.path).click();
    h.run_steps(2);
    assert_eq!(h.state().state.program.as_ref().map(|p| p.name.as_str()), Some(ccs_programs::TICK.path));
    h.get_by_label_contains("loaded tick.img");

    // Step: LML MASKW executes, P moves on and MASK takes the program's value.
    h.get_by_label("Step").click();
    h.run_steps(2);
    h.get_by_label("P = 0041");
    h.get_by_label("MASK = 37777777717");
    h.get_by_label("Step").click();
    h.run_steps(2);
    h.get_by_label("IE = 1 (enabled)");

    // Run at max speed for a few frames, then pause: time has passed, SECS counts.
    h.get_by_label("max").click();
    h.get_by_label("Run").click();
    h.run_steps(20);
    assert!(h.state().state.running);
    h.get_by_label("Pause").click();
    h.run_steps(2);
    let app = h.state();
    assert!(!app.state.running);
    let secs = app.state.machine.examine(MemoryId::Ccs(ProcId::A), 0o61);
    assert!(secs > 0, "the 1 s handler ran: SECS = {secs}");
    let t = app.state.now();
    h.get_by_label_contains("paused");
    h.run_steps(5);
    assert_eq!(h.state().state.now(), t, "paused means paused");

    // One more step after the pause: P changes and is shown.
    let p_before = h.state().state.machine.cpu[0].regs.p.get();
    h.get_by_label("Step").click();
    h.run_steps(2);
    let p_after = h.state().state.machine.cpu[0].regs.p.get();
    assert_ne!(p_before, p_after);
    h.get_by_label(&format!("P = {p_after:04o}"));
}

#[test]
fn a_broken_source_shows_its_diagnostic_with_the_cli_text() {
    let dir = std::env::temp_dir().join(format!("ccs-gui-ui-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.asm");
    std::fs::write(&path, "        .org 0o40\n        LDA NOWHERE\n        FROB 3\n").unwrap();
    let mut h = harness(empty());
    h.run_steps(1);
    // Through the open dialog, typing the path.
    h.get_by_label("Program").click();
    h.run_steps(2);
    h.get_by_label("Open a file...").click();
    // A new window is measured on its first frame and shown on the next.
    h.run_steps(4);
    h.get_by_label("Path").focus();
    h.get_by_label("Path").type_text(&path.display().to_string());
    h.run_steps(1);
    h.get_by_label("Open").click();
    h.run_steps(3);
    let expected = format!("{} could not be assembled:", path.display());
    h.get_by_label_contains(&expected);
    let text = h.state().state.diagnostics[0].text.clone();
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.contains("NOWHERE") && text.contains("FROB"), "both errors are reported: {text}");
    h.get_by_label("Diagnostics (1)");
    assert!(h.state().state.program.is_none(), "nothing was loaded");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_over_budget_program_shows_its_violations_in_the_budget_panel() {
    let mut app = empty();
    app.apply([ccs_gui::UiEvent::OpenText { name: "over.asm".into(), text: OVER_BUDGET.into() }]);
    let mut h = harness(app);
    h.run_steps(1);
    h.get_by_label("Budget").click();
    h.run_steps(2);
    assert_eq!(h.state().state.side_tab, SideTab::Budget);
    h.get_by_label("does not fit: 1 finding");
    h.get_by_label("section FIXED (3 words) is over its limit of 2 words by 1 words");
    // Run it: the store into FIXED is a run-time violation too.
    h.get_by_label("Run").click();
    h.run_steps(5);
    h.get_by_label("does not fit: 2 findings");
    h.get_by_label_contains("1 program store into region FIXED of CCS-A, which is not writable");
    h.get_by_label("Event log").click();
    h.run_steps(2);
    h.get_by_label_contains("processor A halted");
}

#[test]
fn keyboard_shortcuts_drive_the_same_state_and_the_help_lists_them() {
    let mut app = empty();
    app.apply([ccs_gui::UiEvent::LoadBundled(ccs_programs::TICK.path)]);
    let mut h = harness(app);
    h.run_steps(1);
    h.key_press(egui::Key::F11);
    h.run_steps(1);
    assert_eq!(h.state().state.machine.cpu[0].regs.p.get(), 0o41);
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(h.state().state.running);
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(!h.state().state.running);
    h.key_press(egui::Key::F1);
    h.run_steps(2);
    h.get_by_label("Keyboard shortcuts");
    h.get_by_label("step over (a CAL runs to its return)");
    h.key_press(egui::Key::N);
    h.run_steps(2);
    h.get_by_label("A Node.js server's heap");
    h.get_by_label_contains("verdict: grows without bound");
}

#[test]
fn clicking_the_map_selects_a_word_for_the_inspector_and_faults_can_be_injected_there() {
    let mut app = empty();
    app.apply([ccs_gui::UiEvent::LoadBundled(ccs_programs::TICK.path)]);
    let mut h = harness(app);
    h.run_steps(2);
    let map = h.get_by_label("CCS-A memory map");
    let r = map.rect();
    // Word 0o61 (SECS): row 0, column 49 of 64.
    let cell = r.width() / 64.0;
    let pos = egui::pos2(r.left() + cell * 49.5, r.top() + cell * 0.5);
    h.hover_at(pos);
    h.run_steps(1);
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.hover_at(egui::pos2(2.0, 2.0));
    h.run_steps(3);
    assert_eq!(h.state().state.selection, Some((MemoryId::Ccs(ProcId::A), 0o61)));
    h.get_by_label("CCS-A 0o0061");
    h.get_by_label("region FIXED (fixed routines, not writable by program stores), 0o0040-0o5177");
    h.get_by_label("Flip bit").click();
    h.run_steps(1);
    h.get_by_label("Step").click();
    h.run_steps(2);
    assert_eq!(h.state().state.machine.examine(MemoryId::Ccs(ProcId::A), 0o61), 1);
    h.get_by_label_contains("FAULT flip bit 0 of CCS-A 0o0061");
    h.get_by_label("a bit of this word was flipped");
}

#[test]
fn a_bundled_scenario_is_one_click_away_and_runs_to_its_end() {
    let mut h = harness(empty());
    h.run_steps(1);
    h.get_by_label("Program").click();
    h.run_steps(2);
    h.get_by_label("scenarios/aacs-heartbeat-stops.ron").click();
    h.run_steps(2);
    h.get_by_label_contains("Scenario: scenarios/aacs-heartbeat-stops.ron");
    h.get_by_label("jumpers WP,WP,RW on the running processors");
    h.get_by_label("Program: flight/load.asm");
    h.get_by_label("max").click();
    h.get_by_label("Run").click();
    for _ in 0..100 {
        h.run_steps(1);
        if !h.state().state.running {
            break;
        }
    }
    let app = h.state();
    assert!(!app.state.running, "paused at the scenario's end");
    assert_eq!(app.state.now(), 60_000_000);
    assert_eq!(app.state.machine.craft.selections.selected(ccs_core::Unit::Aacs), 1, "the backup AACS");
    h.get_by_label("Event log").click();
    h.run_steps(2);
    h.get_by_label_contains("end of the scenario at 0:00:02:00.00");
}

#[test]
fn the_file_menu_lists_the_bundled_programs_and_scenarios() {
    let mut h = harness(empty());
    h.run_steps(1);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Bundled programs").hover();
    h.run_steps(2);
    h.get_by_label("flight/load.asm").click();
    h.run_steps(2);
    assert_eq!(h.state().state.program.as_ref().map(|p| p.name.as_str()), Some("flight/load.asm"));
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Bundled scenarios").hover();
    h.run_steps(2);
    h.get_by_label("scenarios/cruise-week.ron").click();
    h.run_steps(2);
    assert_eq!(h.state().state.stop_at, Some(302_400_000_000), "7d");
}
