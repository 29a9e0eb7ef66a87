//! A lesson's host with no window: the machine runs through a [`Session`], every run ends
//! at once, and what only a window shows (views, tabs, zoom, speed) is noted and checked
//! but not drawn. `ccs lesson check` runs a lesson's every step here.

use crate::format::{Action, Lesson, OpenTarget, Speed};
use crate::open::{self, LoadedProgram, LoadedScript, Opened};
use crate::runner::{ActionResult, Host, LessonState, Performed};
use ccs_budget::AllocationMap;
use ccs_core::{Goal, GoalMet, Input, MemoryId, RunState, RunStop, Session, SpacecraftTime, TimedInput};
use node_heap::{LeakCriteria, Timeline, analyze};

/// The heapUsed budget a Node recording is judged against (the two-machines view's).
pub const NODE_BUDGET: u64 = 64 << 20;

/// A bundled Node heap recording: its name and timeline text.
pub fn bundled_recording(leaky: bool) -> (&'static str, &'static str) {
    if leaky {
        ("bundled recording of the leaky server", node_heap::record::RECORDED_LEAKY_TIMELINE)
    } else {
        ("bundled recording of the bounded server", node_heap::record::RECORDED_BOUNDED_TIMELINE)
    }
}

/// Typographic characters as plain ASCII (for terminals and short outcome lines).
pub fn plain(text: &str) -> String {
    text.replace('\u{2248}', "~").replace(['\u{2013}', '\u{2014}'], "-").replace('\u{2212}', "-")
}

/// A processor's run state in words.
pub fn state_text(s: &RunState) -> String {
    match s {
        RunState::Running => "running".into(),
        RunState::Waiting(w) => format!("waiting (WAI since t = {})", w.wai_start),
        RunState::Halted { code } => format!("halted with code {} (0o{:04o})", code.get(), code.get()),
        RunState::Held => "held (not enabled)".into(),
    }
}

/// The text of a command, as the event log shows it after the source: `OUT  0o10 300001
/// (98305)`, `DCM 0o0001`.
pub fn command_text(command: &ccs_core::Command) -> String {
    match *command {
        ccs_core::Command::Out { channel, value } => {
            format!("OUT {:>5} {} ({})", format!("0o{:o}", channel.get()), value, value.get())
        }
        ccs_core::Command::Dcm { number } => format!("DCM 0o{:04o}", number.get()),
    }
}

/// How a run with an end went, in words: what met its goal and when (`Ok`), or why it did
/// not (`Err`). `goal`: what it waited for (`None`: it just ran for its time), from
/// `start` to `deadline`.
pub fn run_outcome(
    session: &Session,
    stop: RunStop,
    goal: Option<Goal>,
    start: u64,
    deadline: u64,
) -> Result<String, String> {
    let now = session.now();
    match stop {
        RunStop::Goal(GoalMet::Output(o)) => {
            let meaning = o.command.meaning().map_or(String::new(), |m| format!(" ({m})"));
            Ok(format!("{}{meaning} at t = {}", command_text(&o.command), SpacecraftTime(o.time)))
        }
        RunStop::Goal(GoalMet::Interrupt { proc, level, time }) => {
            Ok(format!("processor {proc} took interrupt level {level} at t = {}", SpacecraftTime(time)))
        }
        RunStop::Goal(GoalMet::Halted { proc, .. }) | RunStop::Halted { proc, .. } if goal == Some(Goal::Halt) => {
            let cpu = session.machine().proc(proc);
            Ok(format!("processor {proc} {} at t = {}", state_text(&cpu.state), SpacecraftTime(cpu.time)))
        }
        _ if now >= deadline => match goal {
            None => Ok(format!("ran to t = {}", SpacecraftTime(now))),
            Some(e) => Err(format!(
                "no {} within {} (ran from t = {} to {})",
                match e {
                    Goal::Halt => "processor halted".into(),
                    Goal::Interrupt(level) => format!("interrupt of level {level}"),
                    e => e.describe(),
                },
                SpacecraftTime(deadline - start),
                SpacecraftTime(start),
                SpacecraftTime(now)
            )),
        },
        RunStop::Limit => Err("the run stopped before its end".into()),
        other => Err(format!("stopped before the end of the run: {other}")),
    }
}

/// The bundled allocation map (Voyager's).
pub fn bundled_map() -> AllocationMap {
    AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager")
        .unwrap_or_else(|e| panic!("the bundled map is broken: {e}"))
}

/// The lesson host with no window.
pub struct Headless {
    pub session: Session,
    pub program: Option<LoadedProgram>,
    pub script: Option<LoadedScript>,
    pub map: AllocationMap,
    /// The Node heap timeline on show, with its name.
    pub timeline: Option<(String, Timeline)>,
    pub speed: Speed,
    pub selection: Option<(MemoryId, u32)>,
}

impl Default for Headless {
    fn default() -> Self {
        Headless::new()
    }
}

impl Headless {
    /// An empty machine with the bundled allocation map.
    pub fn new() -> Headless {
        Headless {
            session: Session::new(ccs_core::MachineSetup::new()),
            program: None,
            script: None,
            map: bundled_map(),
            timeline: None,
            speed: Speed::default(),
            selection: None,
        }
    }

    /// Rebuild the machine from the program and script: memories as loaded, time 0.
    fn rebuild(&mut self) {
        self.session = Session::new(open::machine_setup(self.program.as_ref(), self.script.as_ref()));
    }

    fn schedule(&mut self, input: Input) -> u64 {
        let time = self.session.now();
        self.session.machine_mut().schedule(TimedInput { time, input })
    }

    fn open(&mut self, target: &OpenTarget) -> Result<String, String> {
        let opened = match target {
            OpenTarget::Bundled(path) => open::open_bundled(path),
            OpenTarget::Disk(path) => open::open_path(path),
        };
        let summary = opened.summary();
        match opened {
            Opened::Program { program, .. } => {
                self.program = Some(program);
                self.rebuild();
            }
            Opened::AttachedImage { name, image, target } => {
                match &mut self.program {
                    Some(p) => p.add_image(image, target),
                    None => self.program = Some(LoadedProgram::from_image(&name, image, target)),
                }
                self.rebuild();
            }
            Opened::Scenario { program, script } => {
                self.program = Some(program);
                self.script = Some(script);
                self.rebuild();
            }
            Opened::Script { name, script } => {
                self.script =
                    Some(LoadedScript { name, models: script.script.models, inputs: script.inputs, end: None });
                self.rebuild();
            }
            Opened::Map { map, .. } => self.map = map,
            Opened::Timeline { name, timeline, .. } => self.timeline = Some((name, timeline)),
            Opened::Lesson { lesson } => {
                return Err(format!("{}: a lesson; a lesson's `open` cannot open another lesson", lesson.name));
            }
            Opened::Error { text, .. } => return Err(text),
        }
        Ok(summary)
    }

    fn run(&mut self, goal: Option<Goal>, cycles: u64) -> Result<String, String> {
        let start = self.session.now();
        let deadline = start.saturating_add(cycles);
        self.session.set_goal(goal);
        let stop = self.session.run(deadline);
        self.session.set_goal(None);
        self.session.drain_outputs();
        run_outcome(&self.session, stop, goal, start, deadline)
    }
}

impl Host for Headless {
    fn perform(&mut self, action: &Action) -> Performed {
        let now = self.session.now();
        Performed::Done(match action {
            Action::Open { target, .. } => self.open(target),
            Action::RunFor { cycles, .. } => self.run(None, *cycles),
            Action::RunUntil { event, within, .. } => self.run(Some(*event), *within),
            Action::Inject(input) => {
                self.schedule(*input);
                Ok(format!("scheduled at t = {}", SpacecraftTime(now)))
            }
            Action::KillRange { memory, start, len } => {
                let pattern = ccs_core::script::DEFAULT_DEAD_PATTERN & memory.word_mask();
                self.schedule(Input::Fault(ccs_core::Fault::DeadRange {
                    memory: *memory,
                    start: *start,
                    len: *len,
                    pattern,
                }));
                Ok(format!("from t = {} the words read 0o{:o} and lose every write", SpacecraftTime(now), pattern))
            }
            Action::Relocate => match &self.program {
                None => Err("no program is loaded".into()),
                Some(p) => open::relocate(p, &self.map, self.session.machine()).map(|r| {
                    self.program = Some(r.program);
                    self.rebuild();
                    let (memory, runs) = r.dead;
                    for (start, len, pattern) in runs {
                        self.schedule(Input::Fault(ccs_core::Fault::DeadRange { memory, start, len, pattern }));
                    }
                    r.text
                }),
            },
            Action::NodeHeap { leaky } => {
                let (name, text) = bundled_recording(*leaky);
                match Timeline::parse(text) {
                    Ok(t) => {
                        let verdict = analyze(&t, NODE_BUDGET, &LeakCriteria::default()).verdict;
                        self.timeline = Some((name.into(), t));
                        Ok(plain(&format!("verdict: {verdict}")))
                    }
                    Err(e) => Err(format!("{name}: {e}")),
                }
            }
            Action::NodeRecord { server, requests, retained_by } => {
                crate::node::record(*server, *requests, retained_by.as_deref()).map(|r| {
                    let _ = std::fs::remove_dir_all(&r.dir);
                    self.timeline = Some((format!("live: the {server} server"), r.timeline));
                    r.summary
                })
            }
            Action::View(_) | Action::Tab(_) | Action::Zoom(_) => Ok(String::new()),
            Action::Speed(speed) => {
                self.speed = *speed;
                Ok(String::new())
            }
            Action::Select(memory, addr) => {
                self.selection = Some((*memory, *addr));
                Ok(format!("word {:06o}", self.session.read(*memory, *addr)))
            }
            Action::Run => {
                if self.session.machine().cpu.iter().all(|c| c.is_halted()) {
                    Err("nothing to run: every processor is halted or held".into())
                } else {
                    Ok(format!("running at {}", self.speed.label()))
                }
            }
            Action::Pause => Ok(format!("paused at t = {}", SpacecraftTime(now))),
            Action::Reset => {
                self.session.reset();
                Ok("the machine as loaded, time 0".into())
            }
        })
    }

    fn run_outcome(&mut self) -> Option<Result<String, String>> {
        // Every run ends within its action.
        Some(Err("no run is under way".into()))
    }

    fn finish_run(&mut self) -> Result<String, String> {
        Err("no run is under way".into())
    }

    fn cancel_run(&mut self, _why: &str) {}

    fn restart(&mut self) {
        self.session.reset();
        self.selection = None;
    }

    fn enter_step(&mut self) {
        self.selection = None;
    }
}

/// One step of a checked lesson: its number (1-based), title and what its actions did.
#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    pub number: usize,
    pub title: String,
    pub results: Vec<ActionResult>,
    /// Actions not performed after a failure.
    pub skipped: usize,
}

impl StepReport {
    /// Every action was performed and succeeded.
    pub fn ok(&self) -> bool {
        self.skipped == 0 && self.results.iter().all(|r| matches!(r.outcome, Some(Ok(_))))
    }

    /// Why the step failed (`None`: it did not).
    pub fn failure(&self) -> Option<String> {
        self.results.iter().find_map(|r| match &r.outcome {
            Some(Err(e)) => Some(format!("{}: {e}", r.what)),
            None => Some(format!("{}: did not end", r.what)),
            Some(Ok(_)) => None,
        })
    }
}

/// Run a lesson's every step headless, as Next after Next leaves them; what each did.
pub fn check(lesson: Lesson) -> Vec<StepReport> {
    let mut host = Headless::new();
    let mut state = LessonState::new(lesson);
    let mut reports = Vec::new();
    state.start(&mut host);
    loop {
        state.finish_now(&mut host);
        let step = state.current();
        reports.push(StepReport {
            number: state.step + 1,
            title: step.title.clone(),
            skipped: step.actions.len().saturating_sub(state.results.len()),
            results: state.results.clone(),
        });
        if !state.next(&mut host) {
            return reports;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Origin, parse};
    use std::path::Path;

    fn bundled(path: &str) -> Lesson {
        parse(Path::new(path), ccs_programs::file(path).unwrap(), Origin::Bundled).unwrap()
    }

    fn all_outcomes(reports: &[StepReport]) -> String {
        let mut all = String::new();
        for r in reports {
            for a in &r.results {
                all.push_str(&format!("step {}: {}: {:?}\n", r.number, a.what, a.outcome));
            }
        }
        all
    }

    #[test]
    fn every_bundled_lesson_passes_headless() {
        for l in ccs_programs::lessons() {
            let reports = check(bundled(l.path));
            let all = all_outcomes(&reports);
            for r in &reports {
                assert!(r.ok(), "{}: step {}: {:?}\n{all}", l.path, r.number, r.failure());
            }
        }
    }

    #[test]
    fn the_memory_discipline_lesson_headless_says_what_the_app_says() {
        let all = all_outcomes(&check(bundled("lessons/memory-discipline.ron")));
        for expected in [
            "DCM 0o0001 (swap to the other (backup) AACS) at t = 0:00:00:30.00",
            "took interrupt level 0 at t = 0:00:00:12.25",
            "OUT  0o12 020012 (8202) at t = 0:00:00:33.38",
            "relocated flight/load.asm around 256 dead words: 1173 words moved, the budget fits",
            "grows without bound: +1276.2 MiB/min",
            "verdict: stable",
            "word 525252",
        ] {
            assert!(all.contains(expected), "{expected}\n{all}");
        }
    }

    #[test]
    fn a_failing_step_is_reported_and_the_next_steps_still_run() {
        let text = r#"(title: "t", steps: [
            (title: "one", text: "x", actions: [
                open("tick.img"),
                run_until(event: dcm(0o0007), within: "10s"),
                select(memory: "ccs_a", addr: 0o61),
            ]),
            (title: "two", text: "y", actions: [run_for("1s")]),
        ])"#;
        let reports = check(parse(Path::new("l.ron"), text, Origin::Bundled).unwrap());
        assert_eq!(reports.len(), 2);
        assert!(!reports[0].ok() && reports[0].skipped == 1, "{:?}", reports[0]);
        assert_eq!(
            reports[0].failure().unwrap(),
            "run until DCM 0o0007 (at most 10s): no DCM 0o0007 within 0:00:00:10.00 (ran from t = 0:00:00:00.00 \
             to 0:00:00:10.00)"
        );
        assert!(reports[1].ok(), "{:?}", reports[1]);
        assert_eq!(reports[1].results[0].outcome, Some(Ok("ran to t = 0:00:00:11.00".into())));
    }
}
