//! The app's state, kept apart from drawing (the MartyPC pattern): panels read an
//! [`AppState`] and push [`UiEvent`]s by domain, which [`AppState::apply`] hands to the
//! part that owns them: the [`Session`] (the machine with its breakpoints and run goal:
//! the only copy of either), the [`ViewState`], the open lesson's runner, the Node view.
//! Tests drive the same state through the same events, with or without a UI.

use crate::events::{DebugEvent, FaultsEvent, FileEvent, LessonEvent, LogEvent, RunEvent, UiEvent};
use crate::files::{self, Opened};
use crate::lesson::LessonState;
use crate::log::{EventLog, LogKind, output_text};
use crate::node::{NodeEvent, NodeView};
use crate::view::ViewState;
use crate::watch::Watch;
use ccs_budget::Monitor;
use ccs_budget::{AllocationMap, Report};
use ccs_core::space::WordSet;
use ccs_core::{
    Addr, Goal, Input, Instruction, Machine, MemoryId, Opcode, ProcId, REGISTERS, Registers, RunState, RunStop,
    Session, SpacecraftTime, StepOutcome, Stop, TimedInput,
};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub use crate::view::{BottomTab, LeftTab, Theme};
pub use ccs_lesson::{SideTab, Speed, View};

/// A run with an end (a lesson's `run_for` and `run_until`): it pauses when the session's
/// goal is met or the time is up, and leaves its outcome in [`AppState::goal_outcome`].
#[derive(Clone, Debug, PartialEq)]
pub struct RunGoal {
    pub start: u64,
    pub deadline: u64,
    /// Processors running when the goal was set (a `Halt` goal waits for one of them).
    running_at_start: [bool; 2],
    /// Acceptances of an `Interrupt` goal's level when it was set.
    accepted_at_start: u64,
    /// What happened and when, once the goal's event has.
    met: Option<String>,
}

impl RunGoal {
    /// The run, with the session's goal (`None`: just run to the deadline).
    pub fn describe(&self, event: Option<Goal>) -> String {
        match event {
            Some(e) => format!("until {} (at most to t = {})", e.describe(), SpacecraftTime(self.deadline)),
            None => format!("to t = {}", SpacecraftTime(self.deadline)),
        }
    }
}

/// Something that went wrong with an input, shown in the diagnostics panel with the
/// same text the CLI prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub title: String,
    pub text: String,
    /// A warning (the input was used anyway) rather than an error.
    pub warning: bool,
}

pub use ccs_lesson::{LoadedProgram, LoadedScript};

/// The allocation map in force.
#[derive(Clone, Debug)]
pub struct LoadedMap {
    pub name: String,
    pub map: AllocationMap,
}

/// A fault class offered by the faults panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultClass {
    Parity,
    Halt,
    Stall,
    FlipRegister,
    DeviceFail,
    DeviceRestore,
}

impl FaultClass {
    pub const ALL: [FaultClass; 6] = [
        FaultClass::Parity,
        FaultClass::Halt,
        FaultClass::Stall,
        FaultClass::FlipRegister,
        FaultClass::DeviceFail,
        FaultClass::DeviceRestore,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FaultClass::Parity => "Parity error",
            FaultClass::Halt => "Halt processor",
            FaultClass::Stall => "Stall processor",
            FaultClass::FlipRegister => "Flip register bit",
            FaultClass::DeviceFail => "Fail device",
            FaultClass::DeviceRestore => "Repair device",
        }
    }
}

/// The open lesson, with the app as its host ([`crate::lesson`]).
#[derive(Clone, Debug, Default)]
pub struct LessonRunner {
    /// The lesson and the step shown (`None`: no lesson is open).
    pub open: Option<LessonState>,
    /// A lesson's actions are being performed (they may not open another lesson).
    pub(crate) performing: bool,
}

impl LessonRunner {
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    pub fn as_ref(&self) -> Option<&LessonState> {
        self.open.as_ref()
    }
}

/// How the app paces the session's runs against the wall clock, and how it kept up.
#[derive(Clone, Debug)]
pub struct Pacing {
    pub running: bool,
    pub speed: Speed,
    /// Cycle time the run should have reached by now (paced speeds).
    sim_target: f64,
    /// Achieved speed: simulated cycles per wall second over the latest frames.
    pub achieved: f64,
    /// Wall time spent emulating in the latest frame.
    pub emulation_time: Duration,
    /// The run could not keep up with the chosen speed in the latest frame.
    pub behind: bool,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            running: false,
            speed: Speed::X1,
            sim_target: 0.0,
            achieved: 0.0,
            emulation_time: Duration::ZERO,
            behind: false,
        }
    }
}

/// Registers (and machine-wide selections) that changed, for highlighting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// Bit i: `REGISTERS[i]` changed.
    pub regs: u32,
    pub state: bool,
}

/// The debugger's own state (its breakpoints are the session's).
#[derive(Clone, Debug, Default)]
pub struct Debugger {
    /// A temporary breakpoint (step over, run to cursor), set in the session while it is
    /// wanted unless a breakpoint of the user's is already there.
    pub run_to: Option<(ProcId, u32)>,
    /// The session holds `run_to` as a breakpoint of its own (cleared with it).
    run_to_in_session: bool,
    /// Run to the temporary breakpoint flat out (step over) rather than at the chosen speed.
    run_to_fast: bool,
    /// Registers as they were before the latest step or frame of running.
    prev: [Registers; 2],
    prev_state: (ccs_core::Mode, u32),
    /// What the latest step or frame changed, for highlighting.
    pub changed: [Changed; 2],
}

/// The whole state of the app.
pub struct AppState {
    /// The machine, its breakpoints and the run goal's event: the one copy of each.
    pub session: Session,
    pub view: ViewState,
    pub lesson: LessonRunner,
    pub pacing: Pacing,
    pub program: Option<LoadedProgram>,
    pub script: Option<LoadedScript>,
    pub map: LoadedMap,
    /// The static budget check of the program against the map.
    pub static_report: Option<Report>,
    /// The static check with the run's figures (refreshed while running).
    pub report: Option<Report>,
    report_at: Option<Instant>,
    pub watch: Watch,
    pub log: EventLog,
    pub diagnostics: Vec<Diagnostic>,
    /// Words hit by an injected bit flip since the reset.
    pub flipped: WordSet,
    delivered_seen: usize,
    pub debug: Debugger,
    /// The end of the scenario: a run pauses there (once; Run then carries on).
    pub stop_at: Option<u64>,
    pub node: NodeView,
    /// The run in progress has an end (a lesson's `run_for` and `run_until`); its event
    /// is the session's goal.
    pub goal: Option<RunGoal>,
    /// How the latest goal ended: what happened (`Ok`) or why it did not (`Err`).
    pub goal_outcome: Option<Result<String, String>>,
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}

/// Simulated cycles per emulation call when running flat out.
const CHUNK: u64 = 1_000_000;
/// Wall time a frame may spend emulating.
pub const SLICE: Duration = Duration::from_millis(8);

impl AppState {
    /// An empty machine with the bundled allocation map.
    pub fn new() -> AppState {
        let map = AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager")
            .unwrap_or_else(|e| panic!("the bundled map is broken: {e}"));
        let mut s = AppState {
            session: Session::new(ccs_core::MachineSetup::new()),
            view: ViewState::default(),
            lesson: LessonRunner::default(),
            pacing: Pacing::default(),
            program: None,
            script: None,
            map: LoadedMap { name: format!("{} (bundled)", ccs_programs::VOYAGER_MAP_PATH), map },
            static_report: None,
            report: None,
            report_at: None,
            watch: Watch::default(),
            log: EventLog::default(),
            diagnostics: Vec::new(),
            flipped: WordSet::new(),
            delivered_seen: 0,
            debug: Debugger::default(),
            stop_at: None,
            node: NodeView::default(),
            goal: None,
            goal_outcome: None,
        };
        s.restart();
        s
    }

    /// The app as it starts without arguments: the first bundled program loaded.
    pub fn with_default_program() -> AppState {
        let mut s = AppState::new();
        if let Some(b) = ccs_programs::ALL.first() {
            s.apply(FileEvent::LoadBundled(b.path));
        }
        s
    }

    /// The machine (the session's).
    pub fn machine(&self) -> &Machine {
        self.session.machine()
    }

    /// The machine's time: the earliest boundary of a processor that runs (processor
    /// A's when none does).
    pub fn now(&self) -> u64 {
        self.session.now()
    }

    /// Whether a run is under way.
    pub fn running(&self) -> bool {
        self.pacing.running
    }

    /// Whether a breakpoint of the user's is set there (not the temporary one).
    pub fn has_breakpoint(&self, x: ProcId, addr: u32) -> bool {
        self.session.has_breakpoint(x, Addr::wrapping(addr))
            && !(self.debug.run_to_in_session && self.debug.run_to == Some((x, addr)))
    }

    /// Whether the user has set any breakpoint.
    pub fn has_breakpoints(&self) -> bool {
        self.session.breakpoints().any(|(x, a)| self.has_breakpoint(x, a.get()))
    }

    /// Carry out one event: each domain's by its owner.
    pub fn apply(&mut self, event: impl Into<UiEvent>) {
        match event.into() {
            UiEvent::Run(e) => self.apply_run(e),
            UiEvent::Debug(e) => self.apply_debug(e),
            UiEvent::View(e) => self.view.apply(e),
            UiEvent::Log(e) => match e {
                LogEvent::Clear => self.log.clear(),
                LogEvent::ClearDiagnostics => self.diagnostics.clear(),
                LogEvent::ShowClock(b) => self.log.log_clock = b,
            },
            UiEvent::File(e) => self.apply_file(e),
            UiEvent::Faults(e) => match e {
                FaultsEvent::Inject(input) => self.inject(input),
                FaultsEvent::KillRange { memory, start, len } => self.kill_range(memory, start, len),
                FaultsEvent::Relocate => self.relocate(),
            },
            UiEvent::Lesson(e) => self.apply_lesson(e),
            UiEvent::Node(e) => {
                match &e {
                    NodeEvent::Open(_) | NodeEvent::Recorded { .. } => self.view.shown = View::TwoMachines,
                    NodeEvent::RecordNow { server, .. } => {
                        // At once (a few seconds): a lesson waits for the recording anyway.
                        self.log.push(self.now(), LogKind::System, format!("recording the {server} Node server live"));
                        self.view.shown = View::TwoMachines;
                    }
                    _ => {}
                }
                self.node.apply(e);
            }
        }
    }

    fn apply_run(&mut self, event: RunEvent) {
        match event {
            RunEvent::Run => self.run(),
            RunEvent::Pause => self.pause(None),
            RunEvent::Toggle => {
                if self.pacing.running {
                    self.pause(None)
                } else {
                    self.run()
                }
            }
            RunEvent::Reset => {
                self.restart();
                self.log.push(0, LogKind::System, "reset: program reloaded, time 0");
            }
            RunEvent::SetSpeed(s) => {
                self.pacing.speed = s;
                self.pacing.sim_target = self.now() as f64;
            }
            RunEvent::For(cycles) => self.set_goal(None, cycles),
            RunEvent::Until { goal, within } => self.set_goal(Some(goal), within),
        }
    }

    fn apply_debug(&mut self, event: DebugEvent) {
        match event {
            DebugEvent::StepInto => self.step_into(),
            DebugEvent::StepOver => self.step_over(),
            DebugEvent::RunToCursor => match self.view.cursor {
                Some(a) => {
                    self.set_run_to(Some((self.view.focus, a)));
                    self.debug.run_to_fast = false;
                    self.run();
                }
                None => {
                    self.log.push(self.now(), LogKind::System, "run to cursor: click a line of the disassembly first")
                }
            },
            DebugEvent::SetFocus(p) => self.view.focus = p,
            DebugEvent::ToggleBreakpoint(p, a) => {
                let a = a & 0o7777;
                if self.debug.run_to == Some((p, a)) {
                    // The temporary breakpoint is still wanted: only whose it is changes.
                    self.debug.run_to_in_session = !self.debug.run_to_in_session;
                } else {
                    self.session.toggle_breakpoint(p, Addr::wrapping(a));
                }
            }
            DebugEvent::ClearBreakpoints => {
                self.session.clear_breakpoints();
                self.debug.run_to_in_session = false;
                let run_to = self.debug.run_to.take();
                self.set_run_to(run_to);
            }
            DebugEvent::SetCursor(c) => self.view.cursor = c.map(|a| a & 0o7777),
        }
    }

    fn apply_file(&mut self, event: FileEvent) {
        match event {
            FileEvent::LoadBundled(path) => self.install(files::open_bundled(path)),
            FileEvent::UseBundledMap => {
                let map = AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager")
                    .unwrap_or_else(|e| panic!("the bundled map is broken: {e}"));
                self.set_map(LoadedMap { name: format!("{} (bundled)", ccs_programs::VOYAGER_MAP_PATH), map });
            }
            FileEvent::OpenPath(path) => {
                let opened = files::open_path(&path);
                self.install(opened);
            }
            FileEvent::OpenText { name, text } => {
                let opened = files::open_text(std::path::Path::new(&name), &text);
                self.install(opened);
            }
        }
    }

    fn apply_lesson(&mut self, event: LessonEvent) {
        match event {
            LessonEvent::Next => self.lesson_next(),
            LessonEvent::Previous => {
                if let Some(step) = self.lesson.open.as_ref().and_then(|l| l.step.checked_sub(1)) {
                    self.lesson_go(step);
                }
            }
            LessonEvent::Go(step) => self.lesson_go(step),
            LessonEvent::Repeat => self.lesson_repeat(),
            LessonEvent::FinishNow => self.lesson_finish_now(),
            LessonEvent::Close => {
                if let Some(l) = self.lesson.open.take() {
                    self.log.push(self.now(), LogKind::System, format!("lesson {} closed", l.lesson.name));
                }
            }
        }
    }

    /// The temporary breakpoint: set in the session unless the user has one there.
    fn set_run_to(&mut self, run_to: Option<(ProcId, u32)>) {
        if let Some((x, a)) = self.debug.run_to.take()
            && std::mem::take(&mut self.debug.run_to_in_session)
        {
            self.session.clear_breakpoint(x, Addr::wrapping(a));
        }
        if let Some((x, a)) = run_to {
            self.debug.run_to_in_session = !self.session.has_breakpoint(x, Addr::wrapping(a));
            self.session.set_breakpoint(x, Addr::wrapping(a));
        }
        self.debug.run_to = run_to;
    }

    /// Whether View > Presentation is on.
    pub fn presentation(&self) -> bool {
        self.view.presentation
    }

    // ----- loading -----

    fn diagnostic(&mut self, title: impl Into<String>, text: impl Into<String>, warning: bool) {
        let d = Diagnostic { title: title.into(), text: text.into(), warning };
        self.log.push(self.now(), LogKind::System, format!("{}: see Diagnostics", d.title));
        self.diagnostics.push(d);
        self.view.bottom_tab = BottomTab::Diagnostics;
    }

    /// Use what a file gave.
    fn install(&mut self, opened: Opened) {
        match opened {
            Opened::Program { program, warnings } => {
                let name = program.name.clone();
                let words: usize = program.images.iter().map(|(i, _)| i.words.len()).sum();
                self.program = Some(program);
                self.restart();
                self.log.push(0, LogKind::System, format!("loaded {name}: {words} words"));
                for w in warnings {
                    self.diagnostic(format!("{name}: budget findings"), w, true);
                }
                self.view.shown = View::MemoryMap;
            }
            Opened::AttachedImage { name, image, target } => {
                let words = image.words.len();
                let kind = image.kind.header_name();
                match &mut self.program {
                    Some(p) => p.add_image(image, target),
                    None => self.program = Some(LoadedProgram::from_image(&name, image, target)),
                }
                self.restart();
                self.log.push(
                    0,
                    LogKind::System,
                    format!("loaded {name}: {words} words ({kind}, target {})", target.name()),
                );
            }
            Opened::Scenario { program, script } => {
                let text = format!(
                    "scenario {}: {}, {} events{}{}; machine reset",
                    script.name,
                    program.name,
                    script.inputs.len(),
                    program.jumpers.map_or(String::new(), |j| format!(", jumpers {j}")),
                    script.end.map_or(String::new(), |c| format!(", runs {}", SpacecraftTime(c))),
                );
                self.program = Some(program);
                self.script = Some(script);
                self.restart();
                self.log.push(0, LogKind::System, text);
                self.view.shown = View::MemoryMap;
            }
            Opened::Script { name, script } => {
                let n = script.inputs.len();
                self.script = Some(LoadedScript {
                    name: name.clone(),
                    models: script.script.models,
                    inputs: script.inputs,
                    end: None,
                });
                self.restart();
                self.log.push(0, LogKind::System, format!("event script {name}: {n} events scheduled; machine reset"));
            }
            Opened::Map { name, map } => self.set_map(LoadedMap { name, map }),
            Opened::Timeline { name, timeline, recording } => {
                let text = format!("Node heap timeline {name}: {} samples", timeline.samples.len());
                self.node.set_timeline(name, timeline, recording);
                self.view.shown = View::TwoMachines;
                self.log.push(self.now(), LogKind::System, text);
            }
            Opened::Lesson { lesson } if self.lesson.performing => self.diagnostic(
                format!("cannot open {}", lesson.name),
                format!("{}: a lesson; a lesson's `open` cannot open another lesson", lesson.name),
                false,
            ),
            Opened::Lesson { lesson } => self.open_lesson(lesson),
            Opened::Error { title, text } => self.diagnostic(title, text, false),
        }
    }

    fn set_map(&mut self, map: LoadedMap) {
        self.log.push(self.now(), LogKind::System, format!("allocation map {}", map.name));
        self.map = map;
        self.static_report = self.program.as_ref().map(|p| ccs_budget::check(&p.budget, &self.map.map));
        // The run-time figures start over from the machine as it is now.
        self.watch.budget = Some(Monitor::new(&self.map.map, self.session.machine()));
        self.refresh_report();
    }

    /// Rebuild the machine from the program and script: memories as loaded, time 0.
    pub fn restart(&mut self) {
        if self.goal.is_some() {
            self.end_goal(Err("cancelled: the machine was reset (or a new program loaded)".into()));
        }
        // The session keeps its breakpoints; the machine is built afresh from the setup.
        *self.session.setup_mut() = ccs_lesson::open::machine_setup(self.program.as_ref(), self.script.as_ref());
        self.session.reset();
        self.session.set_goal(None);
        self.set_run_to(None);
        self.stop_at = self.script.as_ref().and_then(|s| s.end);
        self.watch.clear();
        self.watch.budget = Some(Monitor::new(&self.map.map, self.session.machine()));
        self.flipped.clear();
        self.delivered_seen = 0;
        self.pacing.running = false;
        self.pacing.sim_target = 0.0;
        let m = self.session.machine();
        self.debug.prev = [m.cpu[0].regs.clone(), m.cpu[1].regs.clone()];
        self.debug.changed = [Changed::default(); 2];
        let focus = &mut self.view.focus;
        if m.cpu[focus.index()].state != RunState::Running
            && let Some(x) = ProcId::BOTH.into_iter().find(|x| m.cpu[x.index()].state == RunState::Running)
        {
            *focus = x;
        }
        self.static_report = self.program.as_ref().map(|p| ccs_budget::check(&p.budget, &self.map.map));
        self.refresh_report();
    }

    /// Recompute the budget report with the run's figures.
    pub fn refresh_report(&mut self) {
        self.report_at = Some(Instant::now());
        let Some(stat) = &self.static_report else {
            self.report = None;
            return;
        };
        let m = self.session.machine();
        let stops: Vec<String> = ProcId::BOTH
            .iter()
            .filter(|x| m.cpu[x.index()].state != RunState::Held)
            .map(|x| format!("processor {x}: {}", state_text(&m.cpu[x.index()].state)))
            .collect();
        let mut report = stat.clone();
        if let Some(b) = &self.watch.budget {
            b.finish(&mut report, self.now(), stops);
        }
        self.report = Some(report);
    }

    // ----- running -----

    fn remember_registers(&mut self) {
        let m = self.session.machine();
        self.debug.prev = [m.cpu[0].regs.clone(), m.cpu[1].regs.clone()];
        self.debug.prev_state = (m.craft.mode, m.craft.selections.status_bits());
    }

    fn compare_registers(&mut self) {
        let m = self.session.machine();
        let state = (m.craft.mode, m.craft.selections.status_bits());
        for x in ProcId::BOTH {
            let (now, before) = (&m.cpu[x.index()].regs, &self.debug.prev[x.index()]);
            let mut bits = 0;
            for (i, info) in REGISTERS.iter().enumerate() {
                if now.get(info.reg) != before.get(info.reg) {
                    bits |= 1 << i;
                }
            }
            self.debug.changed[x.index()] = Changed { regs: bits, state: state != self.debug.prev_state };
        }
    }

    fn run(&mut self) {
        if self.session.machine().cpu.iter().all(|c| c.is_halted()) {
            self.log.push(
                self.now(),
                LogKind::System,
                "nothing to run: every processor is halted or held (Reset restarts)",
            );
            self.set_run_to(None);
            return;
        }
        self.pacing.running = true;
        self.pacing.sim_target = self.now() as f64;
        // A processor standing at a breakpoint leaves it: its first step is not a hit.
        for x in ProcId::BOTH {
            let cpu = self.session.machine().proc(x);
            let (p, time) = (cpu.regs.p, cpu.time);
            if cpu.state == RunState::Running && self.session.has_breakpoint(x, p) {
                self.session.resume_at(x, time);
            }
        }
    }

    fn pause(&mut self, why: Option<String>) {
        if self.pacing.running {
            self.pacing.running = false;
            self.set_run_to(None);
            let text = why.unwrap_or_else(|| "paused".to_string());
            self.log.push(self.now(), LogKind::System, text);
        }
        self.refresh_report();
    }

    fn step_into(&mut self) {
        if self.pacing.running {
            self.pause(None);
        }
        self.remember_registers();
        let x = self.view.focus;
        let outcome = self.session.machine_mut().step_observed(x, &mut self.watch);
        self.after_run();
        self.compare_registers();
        match outcome {
            StepOutcome::Stepped | StepOutcome::Stopped => {}
            StepOutcome::WaitingForever => self.log.push(
                self.now(),
                LogKind::System,
                format!("processor {x} waits for an interrupt that never comes"),
            ),
            StepOutcome::NotRunning => self.log.push(
                self.now(),
                LogKind::System,
                format!("processor {x} is {}: nothing to step", state_text(&self.machine().cpu[x.index()].state)),
            ),
        }
        self.settle_goal();
        self.refresh_report();
    }

    fn step_over(&mut self) {
        let x = self.view.focus;
        let cpu = self.session.machine().proc(x);
        let p = cpu.regs.p.get();
        let word = cpu.memory.get(p as usize);
        let op = Instruction::decode(word).opcode;
        if cpu.state == RunState::Running && matches!(op, Opcode::CAL | Opcode::CAD) {
            self.set_run_to(Some((x, (p + 1) & 0o7777)));
            self.debug.run_to_fast = true;
            self.run();
        } else {
            self.step_into();
        }
    }

    // ----- runs with an end (lessons) -----

    /// Run until `event` (or just for `cycles`), pausing there.
    fn set_goal(&mut self, event: Option<Goal>, cycles: u64) {
        if self.goal.is_some() {
            self.end_goal(Err("replaced by another run".into()));
        }
        self.goal_outcome = None;
        if let Some(Goal::Interrupt(level)) = event
            && level >= 32
        {
            self.goal_outcome = Some(Err(format!("interrupt level {level}: levels are 0-31")));
            return;
        }
        let now = self.now();
        self.session.set_goal(event);
        self.goal = Some(RunGoal {
            start: now,
            deadline: now.saturating_add(cycles),
            running_at_start: [0, 1].map(|i| !self.machine().cpu[i].is_halted()),
            accepted_at_start: match event {
                Some(Goal::Interrupt(level)) => self.accepted(level),
                _ => 0,
            },
            met: None,
        });
        let what = self.goal.as_ref().map(|g| g.describe(event)).unwrap_or_default();
        self.log.push(now, LogKind::System, format!("run {what}"));
        self.run();
        if !self.pacing.running {
            // Nothing can run: the goal cannot be reached (unless it already is).
            if !self.settle_goal() {
                self.end_goal(Err("nothing to run: every processor is halted or held".into()));
            }
        }
    }

    /// End the goal if its event happened or its time is up; true when it ended.
    fn settle_goal(&mut self) -> bool {
        let Some(goal) = &self.goal else { return false };
        let event = self.session.goal();
        let now = self.now();
        let m = self.session.machine();
        let halted = ProcId::BOTH
            .into_iter()
            .find(|x| goal.running_at_start[x.index()] && matches!(m.cpu[x.index()].state, RunState::Halted { .. }));
        let taken = match event {
            Some(Goal::Interrupt(level)) => self.accepted(level) > goal.accepted_at_start,
            _ => false,
        };
        let halted_text = |x: ProcId| {
            let cpu = &m.cpu[x.index()];
            format!("processor {x} {} at t = {}", state_text(&cpu.state), SpacecraftTime(cpu.time))
        };
        let outcome = match (&goal.met, event, halted) {
            (Some(text), _, _) => Ok(text.clone()),
            (None, Some(Goal::Halt), Some(x)) => Ok(halted_text(x)),
            (None, Some(e), _) if taken => Ok(format!("{} taken by t = {}", e.describe(), SpacecraftTime(now))),
            _ if now >= goal.deadline => match event {
                None => Ok(format!("ran to t = {}", SpacecraftTime(now))),
                Some(e) => Err(format!(
                    "no {} within {} (ran from t = {} to {})",
                    match e {
                        Goal::Halt => "processor halted".into(),
                        e => e.describe(),
                    },
                    SpacecraftTime(goal.deadline - goal.start),
                    SpacecraftTime(goal.start),
                    SpacecraftTime(now)
                )),
            },
            _ => return false,
        };
        self.end_goal(outcome);
        true
    }

    /// Acceptances of an interrupt level so far, by both processors.
    fn accepted(&self, level: u8) -> u64 {
        self.machine().craft.counters.accepted.iter().filter_map(|per_level| per_level.get(level as usize)).sum()
    }

    /// A run with a goal carries on past the scenario's end, as Run does after the pause
    /// there.
    fn past_scenario_end(&mut self) {
        if self.stop_at.is_some_and(|end| self.now() >= end) {
            self.stop_at = None;
        }
    }

    /// The goal is over: pause and keep its outcome.
    pub(crate) fn end_goal(&mut self, outcome: Result<String, String>) {
        if self.goal.take().is_none() {
            return;
        }
        self.session.set_goal(None);
        let text = match &outcome {
            Ok(t) => format!("reached: {t}; paused"),
            Err(e) => format!("{e}; paused"),
        };
        if self.pacing.running {
            self.pause(Some(text));
        } else {
            self.log.push(self.now(), LogKind::System, text);
        }
        self.goal_outcome = Some(outcome);
    }

    /// A run stopped by the machine (breakpoint, halt, nothing left to run): a goal not
    /// reached by then has failed.
    fn stop_run(&mut self, why: String) {
        if self.goal.is_some() && !self.settle_goal() {
            self.end_goal(Err(format!("stopped before the end of the run: {why}")));
        }
        self.pause(Some(why));
    }

    /// Run the goal to its end at once, whatever the speed (a lesson's Finish now and
    /// `--step N`).
    pub fn finish_goal(&mut self) {
        let Some(deadline) = self.goal.as_ref().map(|g| g.deadline) else { return };
        if !self.pacing.running {
            self.run();
        }
        self.remember_registers();
        while self.goal.is_some() && self.pacing.running {
            let now = self.now();
            if now >= deadline || !self.run_chunk(now.saturating_add(CHUNK).min(deadline)) {
                break;
            }
        }
        self.compare_registers();
        self.past_scenario_end();
        if !self.settle_goal() && self.goal.is_some() {
            self.end_goal(Err("the run stopped before its end".into()));
        }
        self.refresh_report();
    }

    /// Run for one frame of `wall_dt` seconds, spending at most `budget` of wall time.
    pub fn advance(&mut self, wall_dt: f64, budget: Duration) {
        self.pacing.behind = false;
        if !self.pacing.running {
            self.pacing.achieved = 0.0;
            self.pacing.emulation_time = Duration::ZERO;
            self.poll_lesson(false);
            return;
        }
        self.remember_registers();
        let started = Instant::now();
        let t0 = self.now();
        // A run to a temporary breakpoint (step over) goes flat out.
        let speed = if self.debug.run_to.is_some() && self.debug.run_to_fast { Speed::Max } else { self.pacing.speed };
        let target = match speed.cycles_per_second() {
            Some(c) => {
                self.pacing.sim_target += wall_dt.clamp(0.0, 0.25) * c;
                self.pacing.sim_target as u64
            }
            None => u64::MAX,
        };
        // A goal's end comes first; the scenario's end waits until no goal is running.
        let end = self.goal.as_ref().map(|g| g.deadline).or(self.stop_at);
        let target = end.map_or(target, |end| target.min(end));
        let deadline = started + budget;
        loop {
            let now = self.now();
            if now >= target {
                break;
            }
            let limit = now.saturating_add(CHUNK).min(target);
            if !self.run_chunk(limit) {
                break;
            }
            if Instant::now() >= deadline {
                self.pacing.behind = speed != Speed::Max;
                break;
            }
        }
        if let Some(c) = speed.cycles_per_second() {
            let now = self.now() as f64;
            // Falling behind by more than a quarter of a wall second: drop the backlog.
            if self.pacing.sim_target > now + 0.25 * c {
                self.pacing.sim_target = now + 0.25 * c;
            }
            // A WAI that jumped far ahead (a processor asleep until the hourly clock):
            // carry on from there rather than wait for the wall clock to catch up.
            if now > self.pacing.sim_target + 0.25 * c {
                self.pacing.sim_target = now;
            }
        }
        if self.goal.is_some() {
            self.past_scenario_end();
            self.settle_goal();
        } else if let Some(end) = self.stop_at
            && self.now() >= end
            && self.pacing.running
        {
            self.stop_at = None;
            self.pause(Some(format!("end of the scenario at {}: paused (Run carries on)", SpacecraftTime(end))));
        }
        self.compare_registers();
        self.pacing.emulation_time = started.elapsed();
        let dt = wall_dt.max(1e-3);
        self.pacing.achieved = (self.now().saturating_sub(t0)) as f64 / dt;
        if self.report_at.is_none_or(|t| t.elapsed() > Duration::from_millis(200)) || !self.pacing.running {
            self.refresh_report();
        }
        self.poll_lesson(false);
    }

    /// Run every processor to `limit` (or the first breakpoint, or just past the goal's
    /// event); false when the run stopped (breakpoint, goal, halt, nothing left to run).
    fn run_chunk(&mut self, limit: u64) -> bool {
        // Breakpoints and the goal's event stop the run in the session's run loop, once.
        let stop = self.session.run_observed(limit, &mut self.watch);
        let stops = self.session.stops();
        self.after_run();
        if let RunStop::Breakpoint { proc: x, addr } = stop
            && self.machine().proc(x).regs.p == addr
        {
            let a = addr.get();
            let temporary = self.debug.run_to_in_session && self.debug.run_to == Some((x, a));
            let what = if temporary { "reached" } else { "breakpoint at" };
            self.view.focus = x;
            self.stop_run(format!("{what} CCS-{x} 0o{a:04o}"));
            return false;
        }
        if self.settle_goal() {
            return false;
        }
        let active: Vec<(ProcId, Stop)> =
            ProcId::BOTH.into_iter().zip(stops).filter(|(_, s)| *s != Stop::Held).collect();
        if active.is_empty() {
            self.stop_run("no processor is enabled".into());
            return false;
        }
        if active.iter().all(|(_, s)| matches!(s, Stop::Halted { .. } | Stop::WaitingForever)) {
            let text: Vec<String> = active.iter().map(|(x, s)| format!("processor {x} {s}")).collect();
            self.stop_run(text.join("; "));
            return false;
        }
        true
    }

    /// Log what the machine did: commands issued, interrupts taken, inputs delivered.
    /// A goal's event among them is noted.
    fn after_run(&mut self) {
        let outputs = self.session.drain_outputs();
        if let Some(goal) = &mut self.goal
            && goal.met.is_none()
            && let Some(event) = self.session.goal()
        {
            if let Some(o) = outputs.iter().find(|o| event.matches(o)) {
                let meaning = o.command.meaning().map_or(String::new(), |m| format!(" ({m})"));
                goal.met = Some(format!(
                    "{}{meaning} at t = {}",
                    output_text(o).split_once(": ").map_or(String::new(), |(_, what)| what.to_string()),
                    SpacecraftTime(o.time)
                ));
            }
            if let Goal::Interrupt(level) = event
                && let Some(t) = self.watch.taken.iter().find(|t| t.level == level)
            {
                goal.met = Some(format!(
                    "processor {} took interrupt level {level} at t = {}",
                    t.proc,
                    SpacecraftTime(t.time)
                ));
            }
        }
        let n = outputs.len();
        for o in outputs.iter().take(64) {
            self.log.push(o.time, LogKind::Command, output_text(o));
        }
        if n > 64 {
            let last = outputs.last().map_or(0, |o| o.time);
            self.log.push(last, LogKind::Command, format!("... and {} more outputs", n - 64));
        }
        let taken = std::mem::take(&mut self.watch.taken);
        let dropped = std::mem::take(&mut self.watch.taken_dropped);
        self.log.push_interrupts(&taken, dropped);
        let delivered = self.session.machine().craft.env.delivered();
        let fresh: Vec<TimedInput> = delivered.get(self.delivered_seen..).unwrap_or_default().to_vec();
        self.delivered_seen = delivered.len();
        for ev in fresh {
            let kind = match ev.input {
                Input::Fault(_) | Input::Parity(_) | Input::Device { .. } => LogKind::Fault,
                _ => LogKind::Input,
            };
            if let Input::Fault(ccs_core::Fault::FlipMemoryBit { memory, addr, .. }) = ev.input {
                self.flipped.insert(memory, addr);
            }
            self.log.push(ev.time, kind, ev.input.to_string());
        }
    }

    // ----- faults -----

    fn inject(&mut self, input: Input) {
        let time = self.now();
        let at = self.session.machine_mut().schedule(TimedInput { time, input });
        let state = if self.pacing.running { "" } else { " (delivered when the machine runs or steps)" };
        self.log.push(at, LogKind::Fault, format!("injected: {}{state}", input));
    }

    fn kill_range(&mut self, memory: MemoryId, start: u32, len: u32) {
        let words = memory.words();
        if start >= words || len == 0 {
            self.diagnostic(
                "kill range",
                format!("{} has words 0o0-0o{:o}: cannot kill {len} words from 0o{start:o}", memory.name(), words - 1),
                false,
            );
            return;
        }
        let len = len.min(words - start);
        let pattern = ccs_core::script::DEFAULT_DEAD_PATTERN & memory.word_mask();
        self.inject(Input::Fault(ccs_core::Fault::DeadRange { memory, start, len, pattern }));
    }

    /// The dead words of the CCS memory the loaded program is laid out in (its first
    /// processor's), with their patterns.
    pub fn dead_layout_words(&self) -> BTreeMap<u32, u32> {
        self.program.as_ref().map_or_else(BTreeMap::new, |p| ccs_lesson::open::dead_layout_words(p, self.machine()))
    }

    /// `ccs relocate` in the app: the program's sections placed around the dead words,
    /// the program assembled again and loaded, the same words killed again at time 0.
    fn relocate(&mut self) {
        let title = "cannot relocate";
        let Some(program) = &self.program else {
            return self.diagnostic(title, "no program is loaded", false);
        };
        let relocated = match ccs_lesson::open::relocate(program, &self.map.map, self.session.machine()) {
            Ok(r) => r,
            Err(e) => return self.diagnostic(title, e, false),
        };
        let name = program.name.clone();
        self.program = Some(relocated.program);
        self.restart();
        let (memory, runs) = relocated.dead;
        for (start, len, pattern) in runs {
            self.inject(Input::Fault(ccs_core::Fault::DeadRange { memory, start, len, pattern }));
        }
        self.log.push(0, LogKind::System, relocated.text);
        if let Some(f) = relocated.findings {
            self.diagnostic(format!("{name}: budget findings"), f, true);
        }
    }

    // ----- queries for the panels -----

    /// Whether the word is dead or stuck.
    pub fn word_fault(&self, memory: MemoryId, addr: u32) -> Option<ccs_core::WordFault> {
        self.machine().craft.faults.get(memory, addr)
    }

    /// The region of a word in the map.
    pub fn region(&self, memory: MemoryId, addr: u32) -> &ccs_budget::Region {
        self.map.map.region_at(memory, addr)
    }

    /// Bytes the loaded program occupies (the budget's total).
    pub fn used_bytes(&self) -> u64 {
        self.static_report.as_ref().map_or(0, |r| r.totals.bits_used.div_ceil(8))
    }

    /// Registers of a processor changed by the latest step or frame.
    pub fn reg_changed(&self, x: ProcId, reg: ccs_core::Reg) -> bool {
        self.debug.changed[x.index()].regs & (1 << reg as u32) != 0
    }
}

pub use ccs_lesson::headless::state_text;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::ViewEvent;
    use ccs_core::Reg;
    use ccs_core::{CYCLES_PER_SECOND, Jumpers};
    use std::path::PathBuf;

    fn tick() -> AppState {
        let mut s = AppState::new();
        s.apply(FileEvent::LoadBundled(ccs_programs::TICK.path));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        s
    }

    fn log_texts(s: &AppState) -> Vec<String> {
        s.log.entries().map(|e| e.text.clone()).collect()
    }

    #[test]
    fn every_catalogue_entry_loads_without_a_diagnostic() {
        for e in ccs_programs::catalogue() {
            let mut s = AppState::new();
            s.apply(FileEvent::LoadBundled(e.path));
            assert!(s.diagnostics.is_empty(), "{}: {:?}", e.path, s.diagnostics);
            let program = s.program.as_ref().unwrap_or_else(|| panic!("{}: no program", e.path));
            assert!(s.machine().cpu.iter().any(|c| c.state == RunState::Running), "{}", e.path);
            match e.kind {
                ccs_programs::EntryKind::Program => assert_eq!(program.name, e.path),
                ccs_programs::EntryKind::Scenario => {
                    let script = s.script.as_ref().expect("a scenario brings its events");
                    assert_eq!(script.name, e.path);
                    assert!(script.end.is_some(), "{}: every bundled scenario has a length", e.path);
                    assert_eq!(s.stop_at, script.end);
                }
            }
        }
    }

    #[test]
    fn relocation_moves_the_program_around_dead_words_and_keeps_them_dead() {
        let ccs_a = MemoryId::Ccs(ProcId::A);
        let mut s = AppState::new();
        s.apply(FaultsEvent::Relocate);
        assert_eq!(s.diagnostics.last().unwrap().text, "no program is loaded");
        s.apply(FileEvent::LoadBundled("tick.img"));
        s.apply(FaultsEvent::Relocate);
        assert!(s.diagnostics.last().unwrap().text.contains("open its source (.asm)"), "{:?}", s.diagnostics);
        s.apply(FileEvent::LoadBundled("scenarios/cruise-week.ron"));
        s.apply(FaultsEvent::Relocate);
        assert_eq!(
            s.diagnostics.last().unwrap().text,
            "no dead words in CCS-A: kill a range first (Inspector, Kill range)"
        );
        let before = s.program.as_ref().unwrap().labels.iter().find(|(_, l)| *l == "CMDB").map(|(a, _)| *a).unwrap();
        assert!(
            (0o1000..0o1400).contains(&before),
            "CMDB (the command decoder) starts in the stretch that will die: 0o{before:o}"
        );
        s.apply(FaultsEvent::KillRange { memory: ccs_a, start: 0o1000, len: 256 });
        s.apply(DebugEvent::StepInto);
        assert_eq!(s.dead_layout_words().len(), 256);
        let errors = s.diagnostics.len();
        s.apply(FaultsEvent::Relocate);
        assert_eq!(s.diagnostics.len(), errors, "{:?}", s.diagnostics.last());
        let p = s.program.as_ref().unwrap();
        assert_eq!((p.name.as_str(), p.jumpers), ("flight/load.asm", Some(s.machine().cpu[0].jumpers)));
        let after = p.labels.iter().find(|(_, l)| *l == "CMDB").map(|(a, _)| *a).unwrap();
        assert!(!(0o1000..0o1400).contains(&after), "CMDB moved out: 0o{after:o}");
        assert!(p.images[0].0.words.iter().all(|w| !(0o1000..0o1400).contains(&w.0)), "no word on the dead stretch");
        assert_eq!(s.now(), 0, "restarted");
        assert!(s.script.is_some(), "the scenario's events stay");
        assert!(log_texts(&s).last().unwrap().contains("1173 words moved, the budget fits"), "{:?}", log_texts(&s));
        // The dead words are dead again from the first step, with the same pattern.
        s.apply(DebugEvent::StepInto);
        assert_eq!(s.dead_layout_words().len(), 256);
        assert_eq!(s.machine().examine(ccs_a, 0o1000), ccs_core::script::DEFAULT_DEAD_PATTERN);
        // The relocated load answers the day-1 NOOP that the plain one halts on.
        s.apply(RunEvent::Until {
            goal: Goal::Output { channel: 0o12, value: Some(0o020001) },
            within: 2 * 86_400 * CYCLES_PER_SECOND,
        });
        s.finish_goal();
        assert!(matches!(s.goal_outcome.take(), Some(Ok(_))));
        assert!(!s.machine().cpu[0].is_halted());
    }

    #[test]
    fn a_bundled_scenario_brings_its_program_jumpers_models_and_length() {
        let mut s = AppState::new();
        s.apply(FileEvent::LoadBundled("scenarios/aacs-heartbeat-stops.ron"));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let program = s.program.as_ref().unwrap();
        assert_eq!(program.name, "flight/load.asm", "assembled from the bundled sources, includes and all");
        assert!(program.labels.values().any(|l| l == "AACB"), "labels of an included file (aacsin.asm)");
        let wp = ccs_core::Jumper::WriteProtected;
        assert_eq!(s.machine().cpu[0].jumpers, Jumpers([wp, wp, ccs_core::Jumper::ReadWrite]));
        assert_eq!(s.machine().cpu[1].state, RunState::Running, "the dual load runs on both (issue 19)");
        assert!(s.script.as_ref().unwrap().models.aacs_heartbeat);
        assert_eq!(s.stop_at, Some(60_000_000), "2min");
        let loaded = log_texts(&s);
        assert!(
            loaded.iter().any(|t| t.contains("scenario scenarios/aacs-heartbeat-stops.ron: flight/load.asm")
                && t.contains("jumpers WP,WP,RW")
                && t.contains("runs 0:00:02:00.00")),
            "{loaded:?}"
        );

        // Run flat out: it pauses at the scenario's end, with the prime AACS swapped out.
        s.apply(RunEvent::SetSpeed(Speed::Max));
        s.apply(RunEvent::Run);
        for _ in 0..200 {
            if !s.pacing.running {
                break;
            }
            s.advance(1.0 / 60.0, Duration::from_millis(50));
        }
        assert!(!s.pacing.running);
        assert_eq!(s.now(), 60_000_000);
        assert_eq!(s.machine().craft.selections.selected(ccs_core::Unit::Aacs), 1);
        let texts = log_texts(&s);
        assert!(texts.iter().any(|t| t.contains("DCM 0o0001")), "the swap is logged");
        assert!(texts.iter().any(|t| t.contains("end of the scenario at 0:00:02:00.00")), "{:?}", texts.last());
        // Run again carries on past the end; Reset brings the stop back.
        s.apply(RunEvent::Run);
        s.advance(1.0 / 60.0, Duration::from_millis(50));
        assert!(s.now() > 60_000_000 && s.pacing.running);
        s.apply(RunEvent::Reset);
        assert_eq!((s.now(), s.stop_at), (0, Some(60_000_000)));
        assert_eq!(s.machine().cpu[0].jumpers, Jumpers([wp, wp, ccs_core::Jumper::ReadWrite]), "kept over a reset");
    }

    #[test]
    fn a_scenario_on_disk_finds_its_program_and_a_broken_one_says_why() {
        let dir = std::env::temp_dir().join(format!("ccs-gui-scenario-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("p.asm"), "        .org 0o40\nLOOP:   JMP LOOP\n").unwrap();
        std::fs::write(dir.join("s.ron"), "(run: (program: \"p.asm\", jumpers: (RO, RW, RW), duration: \"1s\"))")
            .unwrap();
        std::fs::write(dir.join("bad.ron"), "(run: (program: \"missing.asm\"))").unwrap();
        let mut s = AppState::new();
        s.apply(FileEvent::OpenPath(dir.join("s.ron")));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.program.as_ref().unwrap().name, dir.join("p.asm").display().to_string());
        assert_eq!(s.machine().cpu[0].jumpers.0[0], ccs_core::Jumper::ReadOnly);
        assert_eq!(s.stop_at, Some(500_000));
        s.apply(FileEvent::OpenPath(dir.join("bad.ron")));
        assert_eq!(s.diagnostics.len(), 1);
        assert!(s.diagnostics[0].text.contains("missing.asm"), "{}", s.diagnostics[0].text);
        assert_eq!(s.program.as_ref().unwrap().name, dir.join("p.asm").display().to_string(), "nothing lost");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn loading_the_bundled_program_enables_its_processor_and_checks_its_budget() {
        let s = tick();
        assert_eq!(s.machine().cpu[0].state, RunState::Running);
        assert_eq!(s.machine().cpu[1].state, RunState::Held);
        assert_eq!(s.machine().examine(MemoryId::Ccs(ProcId::A), 0o40), 0o005730);
        let report = s.report.as_ref().expect("a report");
        assert!(report.fits(), "{:?}", report.findings);
        // 23 words of 18 bits: 414 bits, 52 bytes.
        assert_eq!(ccs_programs::TICK.image().words.len(), 23);
        assert_eq!(s.used_bytes(), 52);
    }

    #[test]
    fn stepping_changes_p_and_highlights_it() {
        let mut s = tick();
        s.apply(DebugEvent::StepInto);
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o41);
        assert!(s.reg_changed(ProcId::A, Reg::P));
        assert!(s.reg_changed(ProcId::A, Reg::MASK), "LML changed the mask");
        assert!(!s.reg_changed(ProcId::A, Reg::A));
        s.apply(DebugEvent::StepInto);
        assert!(s.machine().cpu[0].regs.ie);
        assert!(s.reg_changed(ProcId::A, Reg::IE));
        assert!(!s.reg_changed(ProcId::A, Reg::MASK), "only the latest step counts");
    }

    #[test]
    fn running_paces_simulated_time_by_the_speed() {
        let mut s = tick();
        s.apply(LogEvent::ShowClock(true));
        s.apply(RunEvent::SetSpeed(Speed::X10));
        s.apply(RunEvent::Run);
        for _ in 0..10 {
            s.advance(0.1, Duration::from_secs(5));
        }
        // One wall second at x10 is ten simulated seconds (the last WAI may end a tick later).
        let t = s.now();
        assert!((5_000_000..5_010_000).contains(&t), "t = {t}");
        assert_eq!(s.machine().examine(MemoryId::Ccs(ProcId::A), 0o61), 9, "SECS counts whole seconds handled");
        // The log holds the interrupts taken (levels 4 and 5).
        assert!(s.log.entries().any(|e| e.kind == LogKind::Interrupt && e.text.contains("level 5")));
        s.apply(RunEvent::Pause);
        let t = s.now();
        s.advance(0.1, Duration::from_secs(5));
        assert_eq!(s.now(), t, "paused: time stands still");
    }

    #[test]
    fn a_breakpoint_stops_before_the_instruction_and_run_resumes_past_it() {
        let mut s = tick();
        // The 1 s handler's first instruction.
        s.apply(DebugEvent::ToggleBreakpoint(ProcId::A, 0o45));
        s.apply(RunEvent::SetSpeed(Speed::Max));
        s.apply(RunEvent::Run);
        for _ in 0..100 {
            s.advance(0.016, Duration::from_secs(5));
            if !s.pacing.running {
                break;
            }
        }
        assert!(!s.pacing.running);
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o45);
        assert_eq!(s.machine().examine(MemoryId::Ccs(ProcId::A), 0o61), 0, "SECS not yet incremented");
        let first = s.now();
        assert!((500_000..500_200).contains(&first), "first 1 s tick, t = {first}");
        s.apply(RunEvent::Run);
        for _ in 0..100 {
            s.advance(0.016, Duration::from_secs(5));
            if !s.pacing.running {
                break;
            }
        }
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o45);
        assert!((1_000_000..1_000_200).contains(&s.now()), "the next second, t = {}", s.now());
        assert_eq!(s.machine().examine(MemoryId::Ccs(ProcId::A), 0o61), 1);
    }

    /// 0o40 CAL ROUT; 0o41 HLT 1; 0o42 ROUT: .word 0 (the return cell); 0o43 LDI 7;
    /// 0o44 JMP ROUT (returns).
    fn call_program() -> AppState {
        let src =
            "        .org 0o40\n        CAL ROUT\n        HLT 1\nROUT:   .word 0\n        LDI 7\n        JMP ROUT\n";
        let mut s = AppState::new();
        s.apply(FileEvent::OpenText { name: "call.asm".into(), text: src.into() });
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        s
    }

    #[test]
    fn step_over_a_call_runs_the_subroutine() {
        let mut s = call_program();
        s.apply(DebugEvent::StepOver);
        for _ in 0..10 {
            s.advance(0.016, Duration::from_secs(5));
        }
        assert!(!s.pacing.running);
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o41, "stopped after the call");
        assert_eq!(s.machine().cpu[0].regs.a.get(), 7, "the subroutine ran");
    }

    #[test]
    fn the_temporary_breakpoint_is_in_the_session_only_while_it_is_wanted() {
        let mut s = call_program();
        let run_out = |s: &mut AppState| {
            for _ in 0..10 {
                s.advance(0.016, Duration::from_secs(5));
            }
            assert!(!s.running());
        };
        let in_session = |s: &AppState| -> Vec<u32> { s.session.breakpoints().map(|(_, a)| a.get()).collect() };
        // Step over: the return address is the session's breakpoint, not the user's.
        s.apply(DebugEvent::StepOver);
        assert_eq!(in_session(&s), [0o41]);
        assert!(!s.has_breakpoint(ProcId::A, 0o41) && !s.has_breakpoints());
        run_out(&mut s);
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o41);
        assert!(log_texts(&s).iter().any(|t| t == "reached CCS-A 0o0041"), "{:?}", log_texts(&s));
        assert_eq!(in_session(&s), [0u32; 0], "gone once reached");
        // A breakpoint of the user's inside the subroutine stops the step over there and
        // stays; the temporary one goes.
        s.apply(RunEvent::Reset);
        s.apply(DebugEvent::ToggleBreakpoint(ProcId::A, 0o43));
        s.apply(DebugEvent::StepOver);
        run_out(&mut s);
        assert_eq!(s.machine().cpu[0].regs.p.get(), 0o43);
        assert_eq!(in_session(&s), [0o43]);
        assert!(s.has_breakpoints());
        // F9 on the temporary one makes it the user's: it stays after it is reached.
        s.apply(DebugEvent::ClearBreakpoints);
        s.apply(RunEvent::Reset);
        s.apply(DebugEvent::StepOver);
        s.apply(DebugEvent::ToggleBreakpoint(ProcId::A, 0o41));
        assert!(s.has_breakpoint(ProcId::A, 0o41));
        run_out(&mut s);
        assert!(log_texts(&s).last().is_some_and(|t| t == "breakpoint at CCS-A 0o0041"), "{:?}", log_texts(&s));
        assert_eq!(in_session(&s), [0o41]);
        assert!(s.has_breakpoint(ProcId::A, 0o41));
    }

    #[test]
    fn bad_input_gives_diagnostics_with_the_cli_text_and_never_panics() {
        let mut s = tick();
        s.apply(FileEvent::OpenText { name: "bad.asm".into(), text: "        LDX\n".into() });
        let d = s.diagnostics.last().expect("a diagnostic");
        assert!(d.text.starts_with("bad.asm could not be assembled:\n"), "{}", d.text);
        assert!(d.text.contains("error"), "{}", d.text);
        // The program loaded before stays.
        assert_eq!(s.program.as_ref().unwrap().name, ccs_programs::TICK.path);
        for (name, text) in [
            ("x.img", "0040 999999\n"),
            ("x.img", "\u{0}\u{1}garbage"),
            ("s.ron", "(events: [(time: 1, source: nowhere)])"),
            ("s.json", "{\"events\": [{\"time\": -1}]}"),
            ("m.ron", "(memories: [(memory: \"CCS-Q\", regions: [])])"),
            ("t.jsonl", "{\"t\": 1}\n"),
            ("what.xyz", "?"),
            ("", ""),
        ] {
            let before = s.diagnostics.len();
            s.apply(FileEvent::OpenText { name: name.into(), text: text.into() });
            assert_eq!(s.diagnostics.len(), before + 1, "{name}: {text:?}");
        }
        s.apply(FileEvent::OpenPath(PathBuf::from("/nonexistent/file.asm")));
        assert!(s.diagnostics.last().unwrap().text.contains("/nonexistent/file.asm"));
        // Addresses out of range are refused, not a panic.
        s.apply(ViewEvent::Select(Some((MemoryId::Ccs(ProcId::A), 99_999))));
        assert_eq!(s.view.selection, None);
        s.apply(FaultsEvent::KillRange { memory: MemoryId::Fds(0), start: 9000, len: 4 });
        assert!(s.diagnostics.last().unwrap().text.contains("cannot kill"));
    }

    #[test]
    fn an_image_error_names_the_file_and_line_like_the_cli() {
        let mut s = AppState::new();
        s.apply(FileEvent::OpenText { name: "x.img".into(), text: "# ccs-image v1 target=A\n0040 9\n".into() });
        let d = s.diagnostics.last().unwrap();
        assert!(d.text.starts_with("x.img:2:1: malformed line"), "{}", d.text);
    }

    #[test]
    fn injected_faults_are_delivered_logged_and_marked() {
        let mut s = tick();
        let ccs_a = MemoryId::Ccs(ProcId::A);
        s.apply(FaultsEvent::Inject(Input::Fault(ccs_core::Fault::FlipMemoryBit {
            memory: ccs_a,
            addr: 0o61,
            bit: 3,
        })));
        s.apply(FaultsEvent::KillRange { memory: MemoryId::Fds(0), start: 0o4000, len: 8 });
        s.apply(DebugEvent::StepInto);
        assert_eq!(s.machine().examine(ccs_a, 0o61), 8, "bit 3 flipped");
        assert!(s.flipped.contains(ccs_a, 0o61));
        assert!(s.word_fault(MemoryId::Fds(0), 0o4007).is_some());
        assert!(s.word_fault(MemoryId::Fds(0), 0o4010).is_none());
        let faults: Vec<&str> = s.log.entries().filter(|e| e.kind == LogKind::Fault).map(|e| e.text.as_str()).collect();
        assert!(faults.iter().any(|t| t.starts_with("flip bit 3 of CCS-A 0o0061")), "{faults:?}");
        assert!(faults.iter().any(|t| t.contains("FDS-A 0o04000-0o04007 dead")), "{faults:?}");
        s.apply(RunEvent::Reset);
        assert!(s.flipped.is_empty());
        assert!(s.word_fault(MemoryId::Fds(0), 0o4007).is_none(), "a reset rebuilds the machine");
    }

    #[test]
    fn a_halt_fault_stops_the_run() {
        let mut s = tick();
        s.apply(RunEvent::SetSpeed(Speed::Max));
        s.apply(RunEvent::Run);
        s.advance(0.016, Duration::from_millis(50));
        s.apply(FaultsEvent::Inject(Input::Fault(ccs_core::Fault::Halt { proc: ProcId::A })));
        for _ in 0..5 {
            s.advance(0.016, Duration::from_millis(50));
        }
        assert!(!s.pacing.running);
        assert!(matches!(s.machine().cpu[0].state, RunState::Halted { .. }));
        assert!(s.log.entries().any(|e| e.kind == LogKind::System && e.text.contains("processor A halted")));
    }
}
