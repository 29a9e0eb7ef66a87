//! Image snapshots of the key views in present mode at 1600x1000 (egui_kittest, rendered
//! with wgpu on Mesa's software Vulkan or GL): the legible memory map, the Two-machines
//! slide, a lesson's first step and its Two-machines step, and the Faults tab's picture of
//! a campaign. A moved, clipped or overlapping widget changes the picture and fails the
//! test; `UPDATE_SNAPSHOTS=1 cargo test -p ccs-gui --test snapshots` accepts a new one
//! (look at `tests/snapshots/*.new.png` and `*.diff.png` first).

use ccs_core::{MemoryId, ProcId, Target};
use ccs_gui::state::{SideTab, View};
use ccs_gui::{AppState, CcsApp};
use ccs_gui::{FileEvent, LessonEvent, UiEvent, ViewEvent};
use egui_kittest::Harness;

const SIZE: [f32; 2] = [1600.0, 1000.0];

fn present<E: Into<UiEvent>>(events: Vec<E>) -> Harness<'static, CcsApp> {
    let mut app = CcsApp::new(AppState::with_default_program());
    app.fixed_dt = Some(1.0 / 60.0);
    app.apply([ViewEvent::SetPresentation(true)]);
    app.apply(events);
    let mut h = Harness::builder().with_size(SIZE).wgpu().build_ui_state(|ui, app: &mut CcsApp| app.show(ui), app);
    // Enough frames for the panels to settle and the map's heat to fade (45 frames).
    h.run_steps(50);
    h
}

#[test]
fn the_memory_map_in_present_mode() {
    let select = ViewEvent::Select(Some((MemoryId::Ccs(ProcId::A), 0o61)));
    let mut h = present(vec![select, ViewEvent::SetSideTab(SideTab::Inspector)]);
    h.snapshot("present_memory_map");
}

#[test]
fn the_two_machines_slide_in_present_mode() {
    let mut h = present(vec![ViewEvent::SetView(View::TwoMachines)]);
    h.snapshot("present_two_machines");
}

#[test]
fn a_lesson_in_present_mode_its_first_step_and_its_two_machines_step() {
    let lesson = "lessons/memory-discipline.ron";
    let mut h = present(vec![FileEvent::LoadBundled(lesson)]);
    let name = lesson.trim_start_matches("lessons/").trim_end_matches(".ron").replace('-', "_");
    h.snapshot(format!("present_{name}_step_1"));
    let steps = h.state().state.lesson.as_ref().map_or(0, |l| l.lesson.steps.len());
    let slide = (0..steps).find(|&i| {
        h.state_mut().apply([LessonEvent::Go(i)]);
        h.state().state.view.shown == View::TwoMachines
    });
    let slide = slide.expect("the lesson has a Two-machines step");
    h.run_steps(50);
    h.snapshot(format!("present_{name}_step_{}", slide + 1));
}

#[test]
fn the_faults_tab_picture_of_a_campaign_in_present_mode() {
    // Every bit of 16 words of the tick program (its code and counters), flipped at 1 s of 2.
    let setup = ccs_campaign::Setup {
        machine: ccs_core::MachineSetup::new().with_image_at(ccs_programs::TICK.image(), Target::A).unwrap(),
        cycles: 2 * ccs_core::CYCLES_PER_SECOND,
        map: ccs_budget::AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager").unwrap(),
    };
    let words = vec![ccs_campaign::WordRange { memory: MemoryId::Ccs(ProcId::A), start: 0o40, len: 16 }];
    let plan = ccs_campaign::Plan::Exhaustive { words, at: ccs_core::CYCLES_PER_SECOND };
    let report = ccs_campaign::run_campaign(&setup, "tick.img", plan, ccs_campaign::Shard::ALL, &|_| {});
    let dir = std::env::temp_dir().join(format!("ccs-gui-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tick.json");
    std::fs::write(&path, serde_json::to_vec(&report).unwrap()).unwrap();

    let select = ViewEvent::Select(Some((MemoryId::Ccs(ProcId::A), 0o42)));
    let mut h = present(vec![select, ViewEvent::SetSideTab(SideTab::Faults)]);
    let opened = ccs_gui::ui::campaign::open(&path).expect("the campaign result opens");
    assert_eq!(opened.trials, 16 * 18);
    assert_eq!(opened.memories, [MemoryId::Ccs(ProcId::A)]);
    assert_eq!(opened.words.iter().map(|(_, n)| n).sum::<u32>(), 16, "every word has a verdict");
    std::fs::write(&path, b"{\"campaign\": 3}").unwrap();
    let e = ccs_gui::ui::campaign::open(&path).err().expect("not a campaign result");
    assert!(e.contains("tick.json:1:") && e.contains("not a campaign result"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
    // The picture under a name that is the same on every run (the snapshot shows it).
    h.state_mut().fields.campaign = Some(ccs_gui::ui::campaign::picture("tick.json".into(), &report));
    h.state_mut().fields.campaign_path = "tick.json".into();
    h.run_steps(3);
    h.snapshot("present_faults_campaign");
}
