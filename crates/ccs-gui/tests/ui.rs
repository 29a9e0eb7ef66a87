//! The app driven through its widgets, headless (no display, no GPU): egui_kittest
//! finds widgets by their AccessKit labels and clicks them like a person would.

use ccs_core::{MemoryId, ProcId};
use ccs_gui::state::SideTab;
use ccs_gui::{AppState, CcsApp};
use ccs_gui::{DebugEvent, FaultsEvent, FileEvent};
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
    assert!(h.state().state.pacing.running);
    h.get_by_label("Pause").click();
    h.run_steps(2);
    let app = h.state();
    assert!(!app.state.pacing.running);
    let secs = app.state.machine().examine(MemoryId::Ccs(ProcId::A), 0o61);
    assert!(secs > 0, "the 1 s handler ran: SECS = {secs}");
    let t = app.state.now();
    h.get_by_label_contains("paused");
    h.run_steps(5);
    assert_eq!(h.state().state.now(), t, "paused means paused");

    // One more step after the pause: P changes and is shown.
    let p_before = h.state().state.machine().cpu[0].regs.p.get();
    h.get_by_label("Step").click();
    h.run_steps(2);
    let p_after = h.state().state.machine().cpu[0].regs.p.get();
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
    app.apply([FileEvent::OpenText { name: "over.asm".into(), text: OVER_BUDGET.into() }]);
    let mut h = harness(app);
    h.run_steps(1);
    h.get_by_label("Budget").click();
    h.run_steps(2);
    assert_eq!(h.state().state.view.side_tab, SideTab::Budget);
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
    app.apply([FileEvent::LoadBundled(ccs_programs::TICK.path)]);
    let mut h = harness(app);
    h.run_steps(1);
    h.key_press(egui::Key::F11);
    h.run_steps(1);
    assert_eq!(h.state().state.machine().cpu[0].regs.p.get(), 0o41);
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(h.state().state.pacing.running);
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(!h.state().state.pacing.running);
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
    app.apply([FileEvent::LoadBundled(ccs_programs::TICK.path)]);
    let mut h = harness(app);
    h.run_steps(2);
    let map = h.get_by_label("CCS-A memory map");
    // The grid inside the map widget's margin (room for the P box at the edges).
    let r = map.rect().shrink(ccs_gui::ui::map::MARGIN);
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
    assert_eq!(h.state().state.view.selection, Some((MemoryId::Ccs(ProcId::A), 0o61)));
    h.get_by_label("CCS-A 0o0061");
    h.get_by_label("region FIXED (fixed routines, not writable by program stores), 0o0040-0o5177");
    h.get_by_label("Flip bit").click();
    h.run_steps(1);
    h.get_by_label("Step").click();
    h.run_steps(2);
    assert_eq!(h.state().state.machine().examine(MemoryId::Ccs(ProcId::A), 0o61), 1);
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
        if !h.state().state.pacing.running {
            break;
        }
    }
    let app = h.state();
    assert!(!app.state.pacing.running, "paused at the scenario's end");
    assert_eq!(app.state.now(), 60_000_000);
    assert_eq!(app.state.machine().craft.selections.selected(ccs_core::Unit::Aacs), 1, "the backup AACS");
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

#[test]
fn a_lesson_opened_from_the_file_menu_goes_forward_and_back_by_label_and_by_key() {
    let mut h = harness(empty());
    h.run_steps(1);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Lessons").hover();
    h.run_steps(2);
    h.get_by_label("lessons/memory-discipline.ron").click();
    h.run_steps(2);
    let steps = h.state().state.lesson.as_ref().map(|l| l.lesson.steps.len()).expect("a lesson is open");
    h.get_by_label(&format!("Step 1 of {steps}"));
    h.get_by_label("69,632 bytes for everything");
    h.get_by_label_contains("Add them up: 557,056 bits");
    assert_eq!(h.state().state.program.as_ref().map(|p| p.name.as_str()), Some("tick.asm"), "step 1 opened it");

    h.get_by_label("Next").click();
    h.run_steps(2);
    h.get_by_label(&format!("Step 2 of {steps}"));
    h.get_by_label_contains("The smallest program here is the worked example");
    assert!(h.query_by_label_contains("Add them up").is_none(), "step 1's text is gone");
    // Step 2 runs a simulated minute at x10; Finish now ends it at once.
    assert!(h.state().state.pacing.running);
    h.get_by_label("Finish now").click();
    h.run_steps(2);
    let app = h.state();
    assert!(!app.state.pacing.running);
    assert_eq!(app.state.now(), 30_000_000);
    assert!(app.state.lesson.as_ref().is_some_and(|l| l.is_done() && l.failures().count() == 0));
    h.get_by_label_contains("OK  run for 1min");

    h.get_by_label("Previous").click();
    h.run_steps(2);
    h.get_by_label(&format!("Step 1 of {steps}"));
    h.get_by_label_contains("Add them up");
    assert_eq!(h.state().state.now(), 0, "step 1 replayed: the tick program at time 0");

    // The keys of a presenter's clicker.
    h.key_press(egui::Key::PageDown);
    h.run_steps(2);
    h.get_by_label(&format!("Step 2 of {steps}"));
    h.key_press(egui::Key::PageUp);
    h.run_steps(2);
    h.get_by_label(&format!("Step 1 of {steps}"));

    // The machine is one tab away, the lesson one tab back.
    h.get_by_label("Machine").click();
    h.run_steps(2);
    h.get_by_label("Registers");
    assert!(h.query_by_label_contains("Add them up").is_none());
    h.get_by_label("Lesson").click();
    h.run_steps(2);
    h.get_by_label_contains("Add them up");
    h.get_by_label("Close lesson").click();
    h.run_steps(2);
    assert!(!h.state().state.lesson.is_open());
    h.get_by_label("Registers");
}

#[test]
fn a_lesson_file_through_the_open_dialog_is_a_lesson_and_its_help_keys_are_listed() {
    let dir = std::env::temp_dir().join(format!("ccs-gui-ui-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mine.ron");
    // It mentions memories and events, as a map and a script would: still a lesson.
    let text = r#"// memories: not a map
        (title: "Mine", steps: [
            (title: "First", text: "The memories, the events.", actions: [open("scenarios/aacs-heartbeat-stops.ron")]),
            (title: "Second", text: "A heartbeat stops.", actions: [speed(max), run_until(event: dcm(0o0001), within: "1min")]),
        ])"#;
    std::fs::write(&path, text).unwrap();
    let mut h = harness(empty());
    h.run_steps(1);
    h.get_by_label("Program").click();
    h.run_steps(2);
    h.get_by_label("Open a file...").click();
    h.run_steps(4);
    h.get_by_label("Path").focus();
    h.get_by_label("Path").type_text(&path.display().to_string());
    h.run_steps(1);
    h.get_by_label("Open").click();
    h.run_steps(3);
    assert!(h.state().state.diagnostics.is_empty(), "{:?}", h.state().state.diagnostics);
    h.get_by_label("Step 1 of 2");
    h.get_by_label("The memories, the events.");
    h.get_by_label("Next").click();
    for _ in 0..100 {
        h.run_steps(1);
        if !h.state().state.pacing.running {
            break;
        }
    }
    h.get_by_label_contains("DCM 0o0001 (swap to the other (backup) AACS) at t = 0:00:00:30.00");
    assert_eq!(h.state().state.machine().craft.selections.selected(ccs_core::Unit::Aacs), 1);

    h.key_press(egui::Key::F1);
    h.run_steps(2);
    h.get_by_label("PageDown");
    h.get_by_label_contains("presentation: large fonts");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn presentation_switches_to_the_present_style_from_the_view_menu_and_with_f5() {
    let mut h = harness(empty());
    h.run_steps(1);
    assert!(!h.state().state.presentation());
    let body = |h: &Harness<'static, CcsApp>| egui::TextStyle::Small.resolve(&h.ctx.global_style()).size;
    assert!(body(&h) < ccs_gui::ui::style::PRESENT_MIN_TEXT_PX);
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Presentation (large fonts)").click();
    h.run_steps(2);
    assert!(h.state().state.presentation());
    assert!(body(&h) >= ccs_gui::ui::style::PRESENT_MIN_TEXT_PX, "the present style is applied");
    assert_eq!(h.state().state.view.font_scale, 1.0, "present mode is a style, not the text scale");
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    h.key_press(egui::Key::F5);
    h.run_steps(2);
    assert!(!h.state().state.presentation(), "F5 turns it off again");
    h.key_press(egui::Key::F5);
    h.run_steps(2);
    assert!(h.state().state.presentation());
}

#[test]
fn the_budget_tab_relocates_the_program_around_dead_words() {
    let mut app = empty();
    app.apply([FileEvent::LoadBundled("scenarios/cruise-week.ron")]);
    app.apply([FaultsEvent::KillRange { memory: MemoryId::Ccs(ProcId::A), start: 0o1000, len: 256 }]);
    app.apply([DebugEvent::StepInto]);
    let mut h = harness(app);
    h.run_steps(1);
    h.get_by_label("Budget").click();
    h.run_steps(2);
    h.get_by_label("Relocate around 256 dead words").click();
    h.run_steps(2);
    let state = &h.state().state;
    assert_eq!(state.now(), 0, "restarted with the relocated load");
    assert!(state.diagnostics.is_empty(), "{:?}", state.diagnostics);
    let labels = &state.program.as_ref().unwrap().labels;
    assert!(labels.iter().any(|(a, l)| l == "CMDB" && !(0o1000..0o1400).contains(a)), "{labels:?}");
    h.get_by_label("Event log").click();
    h.run_steps(2);
    h.get_by_label_contains("relocated flight/load.asm around 256 dead words: 1173 words moved");
}
