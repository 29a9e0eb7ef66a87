//! Lessons in the app. The format, its checks and the step runner are ccs-lesson's
//! (shared with `ccs lesson check`); the app is one more [`Host`]: it carries a lesson's
//! actions out through the same [`UiEvent`]s the panels send, so a
//! lesson runs headless in tests exactly as it runs on the projector.

use crate::events::{RunEvent, UiEvent};
use crate::log::LogKind;
use crate::state::{AppState, LeftTab};
use ccs_core::SpacecraftTime;
pub use ccs_lesson::format::{Action, Lesson, OpenTarget, Origin, Step, paragraphs, parse, tab_name};
pub use ccs_lesson::runner::{ActionResult, LessonState};
use ccs_lesson::runner::{Host, Performed};

impl AppState {
    /// Run `f` on the open lesson with the app as its host.
    fn with_lesson(&mut self, f: impl FnOnce(&mut LessonState, &mut AppState)) {
        if let Some(mut l) = self.lesson.open.take() {
            f(&mut l, self);
            self.lesson.open = Some(l);
        }
    }

    pub(crate) fn open_lesson(&mut self, lesson: Lesson) {
        let text = format!("lesson {}: {:?}, {} steps", lesson.name, lesson.title, lesson.steps.len());
        self.log.push(self.now(), LogKind::System, text);
        self.lesson.open = Some(LessonState::new(lesson));
        self.view.left_tab = LeftTab::Lesson;
        self.with_lesson(|l, s| l.start(s));
    }

    pub(crate) fn lesson_next(&mut self) {
        self.with_lesson(|l, s| {
            l.next(s);
        });
    }

    /// Step `target` as a run through the lesson leaves it: a reset, then every action
    /// of steps 1 to `target` + 1, at once.
    pub(crate) fn lesson_go(&mut self, target: usize) {
        self.with_lesson(|l, s| l.go(s, target));
    }

    pub(crate) fn lesson_repeat(&mut self) {
        self.with_lesson(|l, s| l.repeat(s));
    }

    /// Finish the step's run and perform its remaining actions, at once.
    pub(crate) fn lesson_finish_now(&mut self) {
        self.with_lesson(|l, s| l.finish_now(s));
    }

    /// Take the outcome of a run the lesson waits for, once it has ended, and go on.
    pub(crate) fn poll_lesson(&mut self, at_once: bool) {
        self.with_lesson(|l, s| l.poll(s, at_once));
    }

    /// Carry out an action through the events the panels use ([`UiEvent::from`] an
    /// action), then read from the state what it did.
    fn perform_action(&mut self, action: &Action) -> Performed {
        let diagnostics = self.diagnostics.len();
        self.apply(UiEvent::from(action));
        let new_error = self.diagnostics[diagnostics..].iter().rev().find(|d| !d.warning).map(|d| d.text.clone());
        let last_log =
            |s: &AppState, none: &str| s.log.entries().last().map_or_else(|| none.to_string(), |e| e.text.clone());
        // An action that opens a file or changes the memories fails with its diagnostic.
        if let Some(e) = new_error
            && matches!(action, Action::Open { .. } | Action::KillRange { .. } | Action::Relocate)
        {
            return Performed::Done(Err(e));
        }
        let outcome = match action {
            Action::Open { .. } => Ok(last_log(self, "opened")),
            Action::Relocate => Ok(last_log(self, "")),
            Action::RunFor { .. } | Action::RunUntil { .. } => {
                // A run with an end; it may end at once (nothing to run).
                if self.goal.is_some() {
                    return Performed::Running;
                }
                self.goal_outcome.take().unwrap_or_else(|| Err("the run did not start".into()))
            }
            Action::Inject(_) => Ok(format!("scheduled at t = {}", SpacecraftTime(self.now()))),
            Action::KillRange { memory, .. } => Ok(format!(
                "from t = {} the words read 0o{:o} and lose every write",
                SpacecraftTime(self.now()),
                ccs_core::script::DEFAULT_DEAD_PATTERN & memory.word_mask()
            )),
            Action::NodeHeap { .. } => match (&self.node.error, &self.node.analysis) {
                (Some(e), _) => Err(e.clone()),
                (None, Some(a)) => Ok(ccs_lesson::headless::plain(&format!("verdict: {}", a.verdict))),
                (None, None) => Err("no timeline to analyse".into()),
            },
            Action::NodeRecord { .. } => {
                self.node.recorded.take().unwrap_or_else(|| Err("the recording did not run".into()))
            }
            Action::Select(memory, addr) => match self.view.selection {
                Some(_) => Ok(format!("word {:06o}", self.machine().examine(*memory, *addr))),
                None => Err(format!("{} has no word 0o{addr:o}", memory.name())),
            },
            Action::View(_) | Action::Tab(_) | Action::Zoom(_) | Action::Speed(_) => Ok(String::new()),
            Action::Run if self.pacing.running => Ok(format!("running at {}", self.pacing.speed.label())),
            Action::Run => Err("nothing to run: every processor is halted or held".into()),
            Action::Pause => Ok(format!("paused at t = {}", SpacecraftTime(self.now()))),
            Action::Reset => Ok("the machine as loaded, time 0".into()),
        };
        Performed::Done(outcome)
    }
}

impl Host for AppState {
    fn perform(&mut self, action: &Action) -> Performed {
        self.lesson.performing = true;
        let performed = self.perform_action(action);
        self.lesson.performing = false;
        performed
    }

    fn run_outcome(&mut self) -> Option<Result<String, String>> {
        if self.goal.is_some() {
            return None;
        }
        Some(self.goal_outcome.take().unwrap_or_else(|| Err("the run ended without an outcome".into())))
    }

    fn finish_run(&mut self) -> Result<String, String> {
        self.finish_goal();
        self.goal_outcome.take().unwrap_or_else(|| Err("the run did not end".into()))
    }

    fn cancel_run(&mut self, why: &str) {
        if self.goal.is_some() {
            self.end_goal(Err(why.into()));
        }
    }

    fn restart(&mut self) {
        // The machine and what the lesson's actions set in the view, as at the start.
        self.apply(RunEvent::Reset);
        self.view.zoom = None;
    }

    fn enter_step(&mut self) {
        // A selection belongs to the step that made it (issue 17: step 12 kept step 8's).
        self.view.selection = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{FileEvent, LessonEvent};
    use crate::state::{SideTab, Speed, View};
    use ccs_core::{MemoryId, ProcId};

    // ----- running lessons headless -----

    use crate::state::AppState;
    use ccs_core::{RunState, Unit};
    use std::time::Duration;

    /// A bundled lesson opened in a fresh app.
    fn opened(path: &'static str) -> AppState {
        let mut s = AppState::new();
        s.apply(FileEvent::LoadBundled(path));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert!(s.lesson.is_open(), "{path} opens as a lesson");
        s
    }

    /// Finish the current step at once and check that every action succeeded; the
    /// outcomes, one string.
    fn finish_step(s: &mut AppState) -> String {
        s.apply(LessonEvent::FinishNow);
        let l = s.lesson.as_ref().unwrap();
        assert!(l.is_done(), "step {}", l.step + 1);
        assert_eq!(l.results.len(), l.current().actions.len(), "step {}: {:?}", l.step + 1, l.results);
        let mut all = String::new();
        for r in &l.results {
            match &r.outcome {
                Some(Ok(text)) => all.push_str(&format!("{}: {text}\n", r.what)),
                other => panic!("step {} {:?}: {}: {other:?}", l.step + 1, l.current().title, r.what),
            }
        }
        all
    }

    fn word(s: &AppState, addr: u32) -> u32 {
        s.machine().examine(MemoryId::Ccs(ProcId::A), addr)
    }

    #[test]
    fn every_action_of_the_memory_discipline_lesson_succeeds_and_the_text_is_true() {
        let mut s = opened("lessons/memory-discipline.ron");
        let steps = s.lesson.as_ref().unwrap().lesson.steps.len();
        assert!((10..=14).contains(&steps), "{steps} steps");
        let mut seen = Vec::new();
        for i in 0..steps {
            if i > 0 {
                s.apply(LessonEvent::Next);
            }
            let outcomes = finish_step(&mut s);
            let title = s.lesson.as_ref().unwrap().current().title.clone();
            let has = |t: &str| outcomes.contains(t);
            let program = s.program.as_ref().map_or("", |p| p.name.as_str()).to_string();
            match title.as_str() {
                "69,632 bytes for everything" => {
                    assert_eq!(program, "tick.asm", "from source, so that the Inspector names SECS");
                    assert_eq!(s.view.shown, View::MemoryMap);
                }
                "A program that never grows" => {
                    assert_eq!(s.view.selection, Some((MemoryId::Ccs(ProcId::A), 0o61)));
                    assert_eq!(s.now(), 30_000_000, "{outcomes}");
                    assert!((59..=60).contains(&word(&s, 0o61)), "SECS = {}", word(&s, 0o61));
                    assert_eq!(s.used_bytes(), 52, "23 words, 52 bytes");
                    let info = crate::ui::map::word_info(&s, MemoryId::Ccs(ProcId::A), 0o61).join("\n");
                    assert!(info.contains("label SECS"), "{info}");
                    assert!(info.contains("written anyway: the map forbids program stores here, but processor A's jumper for block 0 is RW"), "{info}");
                    let idle = crate::ui::map::word_info(&s, MemoryId::Ccs(ProcId::A), 0o43).join("\n");
                    assert!(idle.contains("JMP IDLE"), "{idle}");
                    assert_eq!(s.view.selection, Some((MemoryId::Ccs(ProcId::A), 0o61)));
                    assert_eq!(ccs_programs::TICK.image().words.len(), 23);
                }
                "A budget for every routine" => {
                    assert_eq!(program, "flight/load.asm");
                    assert_eq!(s.view.side_tab, SideTab::Budget);
                    assert_eq!(s.used_bytes(), 4503);
                    let report = s.report.as_ref().unwrap();
                    assert!(report.fits());
                    let used =
                        |name: &str| report.regions.iter().find(|r| r.name == name).map(|r| (r.used, r.capacity));
                    assert_eq!(used("FIXED"), Some((1249, 2656)));
                    assert_eq!(used("DATA"), Some((94, 96)));
                    assert_eq!(used("SEQUENCES"), Some((610, 1280)));
                }
                "A quiet cruise" => {
                    assert!(has("OUT  0o10 300001") && has("at t = 0:00:30:00.01"), "{outcomes}");
                }
                "The heartbeat stops" => {
                    assert!(has("DCM 0o0001 (swap to the other (backup) AACS) at t = 0:00:00:30.00"), "{outcomes}");
                    assert_eq!(s.machine().craft.selections.selected(Unit::Aacs), 1, "the backup AACS");
                    assert!(!s.pacing.running, "paused just after the swap");
                }
                "A store into protected memory" => {
                    assert!(has("took interrupt level 0 at t = 0:00:00:12.25"), "{outcomes}");
                    assert_eq!(word(&s, 0o3000), 0, "the store was refused");
                    let findings: Vec<&str> =
                        s.report.as_ref().unwrap().findings.iter().map(|f| f.message.as_str()).collect();
                    assert!(
                        findings
                            .iter()
                            .any(|f| f.contains("program store into region FIXED of CCS-A, which is not writable")),
                        "{findings:?}"
                    );
                }
                "Changing protected memory on purpose" => {
                    assert!(has("word 000000") && has("OUT  0o12 020012 (8202) at t = 0:00:00:33.38"), "{outcomes}");
                    assert_eq!(word(&s, 0o3000), 0o654321);
                }
                "A memory chip dies" => {
                    // A loops in the dead words after the first command (dual load, issue 19).
                    assert!((0o1000..=0o1377).contains(&s.machine().cpu[0].regs.p.get()), "P in the black band");
                    assert!(!matches!(s.machine().cpu[0].state, RunState::Halted { .. }));
                    assert!(s.word_fault(MemoryId::Ccs(ProcId::A), 0o1000).is_some());
                    assert!(s.word_fault(MemoryId::Ccs(ProcId::A), 0o1377).is_some());
                    assert!(s.word_fault(MemoryId::Ccs(ProcId::A), 0o1400).is_none());
                    assert_eq!(s.view.zoom, Some(MemoryId::Ccs(ProcId::A)), "CCS-A alone, for the back of the room");
                    assert!(has("word 525252"), "the Inspector shows a dead word: {outcomes}");
                }
                "Moving the code around the hole" => {
                    assert!(
                        has("relocated flight/load.asm around 256 dead words: 1173 words moved, the budget fits"),
                        "{outcomes}"
                    );
                    assert!(has("word 525252"), "the dead words stayed dead: {outcomes}");
                    assert!(has("OUT  0o12 020001") && has("at t = 1:00:00:00."), "the NOOP acknowledged: {outcomes}");
                    assert!(!matches!(s.machine().cpu[0].state, RunState::Halted { .. }), "{outcomes}");
                    assert_eq!(s.report.as_ref().map(|r| r.fits()), Some(true), "{outcomes}");
                }
                "Two machines" => {
                    assert_eq!(s.view.shown, View::TwoMachines);
                    assert!(has("grows without bound: +1276.2 MiB/min") && has("crossed at t = 3.42 s"), "{outcomes}");
                }
                "A bounded server" => {
                    assert!(has("verdict: stable") && has("4.3 MiB → 5.9 MiB"), "{outcomes}");
                    let first = s.node.timeline.as_ref().unwrap().samples[0].rss;
                    assert_eq!(first / 69_632, 651, "about 650 times the spacecraft's memory: {first}");
                }
                "Discussion" => {
                    assert_eq!(s.view.selection, None, "step 8's selection is gone");
                    assert!(s.pacing.running && s.pacing.speed == Speed::X1000);
                    assert_eq!(s.view.zoom, None);
                    assert_eq!(program, "flight/load.asm");
                }
                other => panic!("a step this test does not know: {other:?}"),
            }
            seen.push(title);
        }
        assert_eq!(seen.len(), steps);
    }

    #[test]
    fn every_action_of_the_fault_protection_lesson_succeeds() {
        let mut s = opened("lessons/fault-protection.ron");
        let steps = s.lesson.as_ref().unwrap().lesson.steps.len();
        let mut all = String::new();
        for i in 0..steps {
            if i > 0 {
                s.apply(LessonEvent::Next);
            }
            all.push_str(&finish_step(&mut s));
            if i == 0 {
                assert_eq!(s.machine().craft.selections.selected(Unit::Aacs), 1, "the Omen swapped to the backup");
            }
        }
        for expected in [
            "DCM 0o0001 (swap to the other (backup) AACS) at t = 0:00:00:31.00",
            "OUT  0o12 060666 (25014) at t = 0:00:01:01.00",
            "took interrupt level 0",
            "DCM 0o0005 (swap X-band TWTA) at t = 0:00:01:40.00",
        ] {
            assert!(all.contains(expected), "{expected}\n{all}");
        }
        assert_eq!(s.machine().craft.selections.selected(Unit::XBandTwta), 1);
        assert_eq!(s.view.side_tab, SideTab::Budget);
    }

    #[test]
    fn every_bundled_lesson_runs_to_its_last_step_and_going_to_a_step_replays_the_ones_before_it() {
        for l in ccs_programs::lessons() {
            let mut s = opened(l.path);
            let last = s.lesson.as_ref().unwrap().lesson.steps.len() - 1;
            s.apply(LessonEvent::Go(last));
            let state = s.lesson.as_ref().unwrap();
            assert_eq!(state.step, last);
            assert!(state.earlier_failures.is_empty(), "{}: {:?}", l.path, state.earlier_failures);
            assert_eq!(state.failures().count(), 0, "{}: {:?}", l.path, state.results);
        }
        // Step 5 of memory discipline (the heartbeat), reached directly: the backup AACS
        // is selected, as it is after Next, Next, Next, Next.
        let mut s = opened("lessons/memory-discipline.ron");
        s.apply(LessonEvent::Go(4));
        assert_eq!(s.machine().craft.selections.selected(Unit::Aacs), 1);
        // Paused just after the DCM, issued at 15,001,392 (the dual load's 1 s handler
        // sends its heartbeat first).
        assert!((15_001_392..15_001_600).contains(&s.now()), "t = {}", s.now());
        // Previous replays steps 1-4: the flight load is back on its prime AACS, mid-cruise.
        s.apply(LessonEvent::Previous);
        assert_eq!(s.lesson.as_ref().unwrap().step, 3);
        assert_eq!(s.machine().craft.selections.selected(Unit::Aacs), 0);
        assert_eq!(s.script.as_ref().unwrap().name, "scenarios/cruise-week.ron");
    }

    fn outcomes(s: &AppState) -> Vec<Option<Result<String, String>>> {
        s.lesson.as_ref().unwrap().results.iter().map(|r| r.outcome.clone()).collect()
    }

    #[test]
    fn an_event_that_never_happens_fails_the_step_with_a_clear_message() {
        let text = r#"(title: "t", steps: [
            (title: "one", text: "x", actions: [
                open("tick.img"),
                run_until(event: dcm(0o0007), within: "10s"),
                select(memory: "ccs_a", addr: 0o61),
            ]),
            (title: "two", text: "y", actions: [run_until(event: halt, within: "1s")]),
        ])"#;
        let mut s = AppState::new();
        s.apply(FileEvent::OpenText { name: "l.ron".into(), text: text.into() });
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        s.apply(LessonEvent::FinishNow);
        let results = outcomes(&s);
        assert_eq!(results.len(), 2, "the select after the failure is not performed: {results:?}");
        assert!(matches!(&results[0], Some(Ok(_))));
        assert_eq!(
            results[1],
            Some(Err("no DCM 0o0007 within 0:00:00:10.00 (ran from t = 0:00:00:00.00 to 0:00:00:10.00)".into()))
        );
        assert_eq!((s.now(), s.pacing.running, s.view.selection), (5_000_000, false, None));
        assert_eq!(s.lesson.as_ref().unwrap().failures().count(), 1);
        s.apply(LessonEvent::Next);
        s.apply(LessonEvent::FinishNow);
        let e = outcomes(&s)[0].clone().unwrap().unwrap_err();
        assert!(e.starts_with("no processor halted within 0:00:00:01.00"), "{e}");
        // Going to step 2 directly reports step 1's failure.
        s.apply(LessonEvent::Go(1));
        let l = s.lesson.as_ref().unwrap();
        assert_eq!(l.earlier_failures.len(), 1, "{:?}", l.earlier_failures);
        assert!(l.earlier_failures[0].starts_with("step 1: no DCM 0o0007"), "{:?}", l.earlier_failures);
    }

    #[test]
    fn a_step_runs_at_the_chosen_speed_and_a_pause_keeps_its_goal() {
        let text = r#"(title: "t", steps: [(title: "one", text: "x", actions: [
            open("tick.img"), speed(x10), run_for("2s"), select(memory: "ccs_a", addr: 0o61),
        ])])"#;
        let mut s = AppState::new();
        s.apply(FileEvent::OpenText { name: "l.ron".into(), text: text.into() });
        assert!(s.pacing.running && s.lesson.as_ref().unwrap().is_running());
        assert_eq!(outcomes(&s).last(), Some(&None), "the run is under way");
        s.advance(0.1, Duration::from_secs(5));
        assert_eq!(s.now(), 500_000, "0.1 s of wall time at x10");
        s.apply(RunEvent::Pause);
        s.advance(0.1, Duration::from_secs(5));
        assert!(s.goal.is_some() && !s.pacing.running, "paused, still on its way");
        s.apply(RunEvent::Run);
        for _ in 0..3 {
            s.advance(0.1, Duration::from_secs(5));
        }
        assert_eq!(s.now(), 1_000_000);
        assert!(!s.pacing.running && s.goal.is_none());
        let l = s.lesson.as_ref().unwrap();
        assert!(l.is_done() && l.failures().count() == 0, "{:?}", l.results);
        assert_eq!(s.view.selection, Some((MemoryId::Ccs(ProcId::A), 0o61)), "the action after the run followed it");
    }

    #[test]
    fn files_missing_at_run_time_and_lessons_opening_lessons_are_failures_not_panics() {
        let dir = std::env::temp_dir().join(format!("ccs-gui-lesson-missing-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("p.asm"), "        .org 0o40\n        HLT\n").unwrap();
        let one = "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [open(\"p.asm\")])])";
        std::fs::write(dir.join("one.ron"), one).unwrap();
        let two = "(title: \"u\", steps: [(title: \"s\", text: \"x\", actions: [open(\"one.ron\")])])";
        std::fs::write(dir.join("two.ron"), two).unwrap();
        let mut s = AppState::new();
        s.apply(FileEvent::OpenPath(dir.join("one.ron")));
        assert!(matches!(&outcomes(&s)[0], Some(Ok(t)) if t.contains("p.asm")), "{:?}", outcomes(&s));
        std::fs::remove_file(dir.join("p.asm")).unwrap();
        s.apply(LessonEvent::Repeat);
        let e = outcomes(&s)[0].clone().unwrap().unwrap_err();
        assert!(e.contains("p.asm"), "{e}");
        std::fs::write(dir.join("p.asm"), "        .org 0o40\n        HLT\n").unwrap();
        s.apply(FileEvent::OpenPath(dir.join("two.ron")));
        assert_eq!(s.lesson.as_ref().unwrap().lesson.title, "u");
        let e = outcomes(&s)[0].clone().unwrap().unwrap_err();
        assert!(e.contains("cannot open another lesson"), "{e}");
        assert_eq!(s.lesson.as_ref().unwrap().lesson.title, "u", "the lesson shown stays");
        // A broken lesson file is a diagnostic with its position; the open lesson stays.
        std::fs::write(dir.join("bad.ron"), "(title: \"b\",\n steps: [(title: \"s\" text: \"x\")])").unwrap();
        s.apply(FileEvent::OpenPath(dir.join("bad.ron")));
        let d = s.diagnostics.last().unwrap();
        assert!(d.text.starts_with(&format!("{}:2:", dir.join("bad.ron").display())), "{}", d.text);
        assert_eq!(s.lesson.as_ref().unwrap().lesson.title, "u");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_lesson_on_disk_finds_files_beside_it_then_bundled_ones() {
        let dir = std::env::temp_dir().join(format!("ccs-gui-lesson-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("mine.asm"), "        .org 0o40\n        HLT\n").unwrap();
        let text =
            "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [open(\"mine.asm\"), open(\"tick.img\")])])";
        let lesson = parse(&dir.join("l.ron"), text, Origin::Disk).unwrap();
        assert_eq!(
            lesson.steps[0].actions[0],
            Action::Open { written: "mine.asm".into(), target: OpenTarget::Disk(dir.join("mine.asm")) }
        );
        assert_eq!(
            lesson.steps[0].actions[1],
            Action::Open { written: "tick.img".into(), target: OpenTarget::Bundled("tick.img") }
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
