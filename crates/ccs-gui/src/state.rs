//! The app's state, kept apart from drawing (the MartyPC pattern): panels read an
//! [`AppState`] and return [`UiEvent`]s, which [`AppState::apply`] carries out on the
//! emulator. Tests drive the same state through the same events, with or without a UI.

use crate::files::{self, Opened};
use crate::lesson::LessonState;
use crate::log::{EventLog, LogKind, output_text};
use crate::node::NodeView;
use crate::watch::Watch;
use ccs_budget::Monitor;
use ccs_budget::{AllocationMap, Report};
use ccs_core::{
    Input, Instruction, Machine, MemoryId, Opcode, ProcId, REGISTERS, Registers, RunState, RunStop, Session,
    SpacecraftTime, StepOutcome, Stop, TimedInput,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use ccs_lesson::{SideTab, Speed, View};

/// The tabs of the bottom panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BottomTab {
    #[default]
    Log,
    Diagnostics,
}

/// Light or dark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

/// What the left-hand panel shows while a lesson is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LeftTab {
    #[default]
    Lesson,
    Machine,
}

/// Something a run can wait for (a lesson's `run_until`): the session's goal.
pub use ccs_core::Goal as RunEvent;

/// A run with an end (a lesson's `run_for` and `run_until`): it pauses when the event
/// happens or the time is up, and leaves its outcome in [`AppState::goal_outcome`].
#[derive(Clone, Debug, PartialEq)]
pub struct RunGoal {
    /// `None`: just run to the deadline.
    pub event: Option<RunEvent>,
    pub start: u64,
    pub deadline: u64,
    /// Processors running when the goal was set (a `Halt` goal waits for one of them).
    running_at_start: [bool; 2],
    /// Acceptances of an `Interrupt` goal's level when it was set.
    accepted_at_start: u64,
    /// What happened and when, once the event has.
    met: Option<String>,
}

impl RunGoal {
    pub fn describe(&self) -> String {
        match self.event {
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

/// Everything a panel can ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum UiEvent {
    Run,
    Pause,
    ToggleRun,
    StepInto,
    StepOver,
    RunToCursor,
    Reset,
    SetSpeed(Speed),
    SetFocus(ProcId),
    ToggleBreakpoint(ProcId, u32),
    ClearBreakpoints,
    /// The disassembly cursor (for run to cursor).
    SetCursor(Option<u32>),
    Select(Option<(MemoryId, u32)>),
    Zoom(Option<MemoryId>),
    SetView(View),
    SetSideTab(SideTab),
    SetBottomTab(BottomTab),
    /// A bundled program, by its path below `programs/`.
    LoadBundled(&'static str),
    /// The bundled allocation map.
    UseBundledMap,
    OpenPath(PathBuf),
    /// Open text as if it were a file of this name (tests, drag and drop).
    OpenText {
        name: String,
        text: String,
    },
    /// Schedule an input now (a fault, a device change, a parity error).
    Inject(Input),
    /// Kill words `start .. start + len` of a memory.
    KillRange {
        memory: MemoryId,
        start: u32,
        len: u32,
    },
    /// Lay the program out again around the dead words of its CCS memory (`ccs relocate`)
    /// and load it; the machine restarts from time 0 with the same dead words.
    Relocate,
    ClearLog,
    ClearDiagnostics,
    SetTheme(Theme),
    SetFontScale(f32),
    ShowHelp(bool),
    ShowOpenDialog(bool),
    SetLogClock(bool),
    Node(crate::node::NodeEvent),
    /// Run `cycles` more cycles, then pause.
    RunFor(u64),
    /// Run until the event happens, for at most `within` cycles, then pause.
    RunUntil {
        event: RunEvent,
        within: u64,
    },
    /// The large fonts of View > Presentation, or the normal ones.
    SetPresentation(bool),
    SetLeftTab(LeftTab),
    /// The lesson's next step: the current one is finished at once, then the next one's
    /// actions are performed (a run at the chosen speed).
    LessonNext,
    /// The step before, as [`UiEvent::LessonGo`] leaves it.
    LessonPrevious,
    /// Step N (0-based) as a run through the lesson leaves it: a reset, then the actions
    /// of steps 1 to N+1 performed at once.
    LessonGo(usize),
    /// The current step's actions once more, from the state the machine is in now.
    LessonRepeat,
    /// Finish the step's run (and its remaining actions) at once.
    LessonFinishNow,
    CloseLesson,
}

/// Registers (and machine-wide selections) that changed, for highlighting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// Bit i: REGISTERS[i] changed.
    pub regs: u32,
    pub state: bool,
}

/// The whole state of the app.
pub struct AppState {
    pub machine: Machine,
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
    pub flipped: BTreeSet<(MemoryId, u32)>,
    delivered_seen: usize,

    pub running: bool,
    pub speed: Speed,
    /// Cycle time the run should have reached by now (paced speeds).
    sim_target: f64,
    /// A temporary breakpoint (step over, run to cursor).
    pub run_to: Option<(ProcId, u32)>,
    /// The end of the scenario: a run pauses there (once; Run then carries on).
    pub stop_at: Option<u64>,
    /// Run to the temporary breakpoint flat out (step over) rather than at the chosen speed.
    run_to_fast: bool,
    pub breakpoints: BTreeSet<(ProcId, u32)>,
    /// A processor standing at a breakpoint when the run resumed (its first step is not a hit).
    ignore: [Option<u64>; 2],
    /// What stops a run (breakpoints, the goal's event): a session the machine is lent to
    /// for each run.
    stops: Session,
    pub focus: ProcId,
    pub cursor: Option<u32>,
    pub selection: Option<(MemoryId, u32)>,
    pub zoom: Option<MemoryId>,
    pub view: View,
    pub side_tab: SideTab,
    pub bottom_tab: BottomTab,
    pub theme: Theme,
    pub font_scale: f32,
    /// View > Presentation (F5): the present-mode style of `ui::style`, text large enough
    /// for a projector; independent of the text scale.
    pub presentation: bool,
    pub show_help: bool,
    pub show_open: bool,
    /// Registers as they were before the latest step or frame of running.
    prev: [Registers; 2],
    prev_state: (ccs_core::Mode, u32),
    pub changed: [Changed; 2],
    /// Achieved speed: simulated cycles per wall second over the latest frames.
    pub achieved: f64,
    /// Wall time spent emulating in the latest frame.
    pub emulation_time: Duration,
    /// The run could not keep up with the chosen speed in the latest frame.
    pub behind: bool,
    pub node: NodeView,
    /// The run in progress has an end (a lesson's `run_for` or `run_until`).
    pub goal: Option<RunGoal>,
    /// How the latest goal ended: what happened (`Ok`) or why it did not (`Err`).
    pub goal_outcome: Option<Result<String, String>>,
    pub left_tab: LeftTab,
    pub lesson: Option<LessonState>,
    /// A lesson's actions are being performed (they may not open another lesson).
    pub(crate) performing_lesson: bool,
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
            machine: Machine::new(),
            program: None,
            script: None,
            map: LoadedMap { name: format!("{} (bundled)", ccs_programs::VOYAGER_MAP_PATH), map },
            static_report: None,
            report: None,
            report_at: None,
            watch: Watch::default(),
            log: EventLog::default(),
            diagnostics: Vec::new(),
            flipped: BTreeSet::new(),
            delivered_seen: 0,
            running: false,
            speed: Speed::X1,
            sim_target: 0.0,
            run_to: None,
            stop_at: None,
            run_to_fast: false,
            breakpoints: BTreeSet::new(),
            ignore: [None; 2],
            stops: Session::new(ccs_core::MachineSetup::new()),
            focus: ProcId::A,
            cursor: None,
            selection: None,
            zoom: None,
            view: View::MemoryMap,
            side_tab: SideTab::Inspector,
            bottom_tab: BottomTab::Log,
            theme: Theme::Dark,
            font_scale: 1.0,
            presentation: false,
            show_help: false,
            show_open: false,
            prev: [Registers::default(), Registers::default()],
            prev_state: (ccs_core::Mode::Individual, 0),
            changed: [Changed::default(); 2],
            achieved: 0.0,
            emulation_time: Duration::ZERO,
            behind: false,
            node: NodeView::default(),
            goal: None,
            goal_outcome: None,
            left_tab: LeftTab::Lesson,
            lesson: None,
            performing_lesson: false,
        };
        s.restart();
        s
    }

    /// The app as it starts without arguments: the first bundled program loaded.
    pub fn with_default_program() -> AppState {
        let mut s = AppState::new();
        if let Some(b) = ccs_programs::ALL.first() {
            s.apply(UiEvent::LoadBundled(b.path));
        }
        s
    }

    /// The machine's time: the earliest boundary of a processor that runs (processor
    /// A's when none does).
    pub fn now(&self) -> u64 {
        self.machine
            .cpu
            .iter()
            .filter(|c| c.state != RunState::Held)
            .map(|c| c.time)
            .min()
            .unwrap_or(self.machine.time())
    }

    /// Carry out one event.
    pub fn apply(&mut self, event: UiEvent) {
        match event {
            UiEvent::Run => self.run(),
            UiEvent::Pause => self.pause(None),
            UiEvent::ToggleRun => {
                if self.running {
                    self.pause(None)
                } else {
                    self.run()
                }
            }
            UiEvent::StepInto => self.step_into(),
            UiEvent::StepOver => self.step_over(),
            UiEvent::RunToCursor => match self.cursor {
                Some(a) => {
                    self.run_to = Some((self.focus, a));
                    self.run_to_fast = false;
                    self.run();
                }
                None => {
                    self.log.push(self.now(), LogKind::System, "run to cursor: click a line of the disassembly first")
                }
            },
            UiEvent::Reset => {
                self.restart();
                self.log.push(0, LogKind::System, "reset: program reloaded, time 0");
            }
            UiEvent::SetSpeed(s) => {
                self.speed = s;
                self.sim_target = self.now() as f64;
            }
            UiEvent::SetFocus(p) => self.focus = p,
            UiEvent::ToggleBreakpoint(p, a) => {
                let a = a & 0o7777;
                if !self.breakpoints.remove(&(p, a)) {
                    self.breakpoints.insert((p, a));
                }
            }
            UiEvent::ClearBreakpoints => self.breakpoints.clear(),
            UiEvent::SetCursor(c) => self.cursor = c.map(|a| a & 0o7777),
            UiEvent::Select(sel) => {
                self.selection = sel.filter(|(m, a)| *a < m.words());
                if self.selection.is_some() {
                    self.side_tab = SideTab::Inspector;
                }
            }
            UiEvent::Zoom(z) => self.zoom = z,
            UiEvent::SetView(v) => self.view = v,
            UiEvent::SetSideTab(t) => self.side_tab = t,
            UiEvent::SetBottomTab(t) => self.bottom_tab = t,
            UiEvent::LoadBundled(path) => self.load_bundled(path),
            UiEvent::UseBundledMap => {
                let map = AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager")
                    .unwrap_or_else(|e| panic!("the bundled map is broken: {e}"));
                self.set_map(LoadedMap { name: format!("{} (bundled)", ccs_programs::VOYAGER_MAP_PATH), map });
            }
            UiEvent::OpenPath(path) => {
                let opened = files::open_path(&path);
                self.install(opened);
            }
            UiEvent::OpenText { name, text } => {
                let opened = files::open_text(std::path::Path::new(&name), &text);
                self.install(opened);
            }
            UiEvent::Inject(input) => self.inject(input),
            UiEvent::KillRange { memory, start, len } => self.kill_range(memory, start, len),
            UiEvent::Relocate => self.relocate(),
            UiEvent::ClearLog => self.log.clear(),
            UiEvent::ClearDiagnostics => self.diagnostics.clear(),
            UiEvent::SetTheme(t) => self.theme = t,
            UiEvent::SetFontScale(f) => self.font_scale = f.clamp(0.75, 2.5),
            UiEvent::ShowHelp(b) => self.show_help = b,
            UiEvent::ShowOpenDialog(b) => self.show_open = b,
            UiEvent::SetLogClock(b) => self.log.log_clock = b,
            UiEvent::Node(e) => {
                if let crate::node::NodeEvent::Open(_) = &e {
                    self.view = View::TwoMachines;
                }
                self.node.apply(e);
            }
            UiEvent::RunFor(cycles) => self.set_goal(None, cycles),
            UiEvent::RunUntil { event, within } => self.set_goal(Some(event), within),
            UiEvent::SetPresentation(on) => self.presentation = on,
            UiEvent::SetLeftTab(t) => self.left_tab = t,
            UiEvent::LessonNext => self.lesson_next(),
            UiEvent::LessonPrevious => {
                if let Some(step) = self.lesson.as_ref().and_then(|l| l.step.checked_sub(1)) {
                    self.lesson_go(step);
                }
            }
            UiEvent::LessonGo(step) => self.lesson_go(step),
            UiEvent::LessonRepeat => self.lesson_repeat(),
            UiEvent::LessonFinishNow => self.lesson_finish_now(),
            UiEvent::CloseLesson => {
                if let Some(l) = self.lesson.take() {
                    self.log.push(self.now(), LogKind::System, format!("lesson {} closed", l.lesson.name));
                }
            }
        }
    }

    /// Whether View > Presentation is on.
    pub fn presentation(&self) -> bool {
        self.presentation
    }

    // ----- loading -----

    fn diagnostic(&mut self, title: impl Into<String>, text: impl Into<String>, warning: bool) {
        let d = Diagnostic { title: title.into(), text: text.into(), warning };
        self.log.push(self.now(), LogKind::System, format!("{}: see Diagnostics", d.title));
        self.diagnostics.push(d);
        self.bottom_tab = BottomTab::Diagnostics;
    }

    fn load_bundled(&mut self, path: &str) {
        self.install(files::open_bundled(path));
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
                self.view = View::MemoryMap;
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
                self.view = View::MemoryMap;
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
                self.view = View::TwoMachines;
                self.log.push(self.now(), LogKind::System, text);
            }
            Opened::Lesson { lesson } if self.performing_lesson => self.diagnostic(
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
        self.watch.budget = Some(Monitor::new(&self.map.map, &self.machine));
        self.refresh_report();
    }

    /// Rebuild the machine from the program and script: memories as loaded, time 0.
    pub fn restart(&mut self) {
        if self.goal.is_some() {
            self.end_goal(Err("cancelled: the machine was reset (or a new program loaded)".into()));
        }
        let m = ccs_lesson::open::machine_setup(self.program.as_ref(), self.script.as_ref()).build();
        self.machine = m;
        self.stop_at = self.script.as_ref().and_then(|s| s.end);
        self.watch.clear();
        self.watch.budget = Some(Monitor::new(&self.map.map, &self.machine));
        self.flipped.clear();
        self.delivered_seen = 0;
        self.running = false;
        self.run_to = None;
        self.ignore = [None; 2];
        self.sim_target = 0.0;
        self.prev = [self.machine.cpu[0].regs.clone(), self.machine.cpu[1].regs.clone()];
        self.changed = [Changed::default(); 2];
        if self.machine.cpu[self.focus.index()].state != RunState::Running
            && let Some(x) = ProcId::BOTH.into_iter().find(|x| self.machine.cpu[x.index()].state == RunState::Running)
        {
            self.focus = x;
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
        let stops: Vec<String> = ProcId::BOTH
            .iter()
            .filter(|x| self.machine.cpu[x.index()].state != RunState::Held)
            .map(|x| format!("processor {x}: {}", state_text(&self.machine.cpu[x.index()].state)))
            .collect();
        let mut report = stat.clone();
        if let Some(b) = &self.watch.budget {
            b.finish(&mut report, self.now(), stops);
        }
        self.report = Some(report);
    }

    // ----- running -----

    fn remember_registers(&mut self) {
        self.prev = [self.machine.cpu[0].regs.clone(), self.machine.cpu[1].regs.clone()];
        self.prev_state = (self.machine.craft.mode, self.machine.craft.selections.status_bits());
    }

    fn compare_registers(&mut self) {
        let state = (self.machine.craft.mode, self.machine.craft.selections.status_bits());
        for x in ProcId::BOTH {
            let (now, before) = (&self.machine.cpu[x.index()].regs, &self.prev[x.index()]);
            let mut bits = 0;
            for (i, info) in REGISTERS.iter().enumerate() {
                if now.get(info.reg) != before.get(info.reg) {
                    bits |= 1 << i;
                }
            }
            self.changed[x.index()] = Changed { regs: bits, state: state != self.prev_state };
        }
    }

    fn run(&mut self) {
        if self.machine.cpu.iter().all(|c| c.is_halted()) {
            self.log.push(
                self.now(),
                LogKind::System,
                "nothing to run: every processor is halted or held (Reset restarts)",
            );
            self.run_to = None;
            return;
        }
        self.running = true;
        self.sim_target = self.now() as f64;
        for x in ProcId::BOTH {
            let cpu = &self.machine.cpu[x.index()];
            let at_bp = self.breakpoints.contains(&(x, cpu.regs.p.get())) || self.run_to == Some((x, cpu.regs.p.get()));
            self.ignore[x.index()] = (at_bp && cpu.state == RunState::Running).then_some(cpu.time);
        }
    }

    fn pause(&mut self, why: Option<String>) {
        if self.running {
            self.running = false;
            self.run_to = None;
            let text = why.unwrap_or_else(|| "paused".to_string());
            self.log.push(self.now(), LogKind::System, text);
        }
        self.refresh_report();
    }

    fn step_into(&mut self) {
        if self.running {
            self.pause(None);
        }
        self.remember_registers();
        let x = self.focus;
        let outcome = self.machine.step_observed(x, &mut self.watch);
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
                format!("processor {x} is {}: nothing to step", state_text(&self.machine.cpu[x.index()].state)),
            ),
        }
        self.settle_goal();
        self.refresh_report();
    }

    fn step_over(&mut self) {
        let cpu = &self.machine.cpu[self.focus.index()];
        let p = cpu.regs.p.get();
        let word = cpu.memory.get(p as usize);
        let op = Instruction::decode(word).opcode;
        if cpu.state == RunState::Running && matches!(op, Opcode::CAL | Opcode::CAD) {
            self.run_to = Some((self.focus, (p + 1) & 0o7777));
            self.run_to_fast = true;
            self.run();
        } else {
            self.step_into();
        }
    }

    // ----- runs with an end (lessons) -----

    /// Run until `event` (or just for `cycles`), pausing there.
    fn set_goal(&mut self, event: Option<RunEvent>, cycles: u64) {
        if self.goal.is_some() {
            self.end_goal(Err("replaced by another run".into()));
        }
        self.goal_outcome = None;
        if let Some(RunEvent::Interrupt(level)) = event
            && level >= 32
        {
            self.goal_outcome = Some(Err(format!("interrupt level {level}: levels are 0-31")));
            return;
        }
        let now = self.now();
        self.goal = Some(RunGoal {
            event,
            start: now,
            deadline: now.saturating_add(cycles),
            running_at_start: [0, 1].map(|i| !self.machine.cpu[i].is_halted()),
            accepted_at_start: match event {
                Some(RunEvent::Interrupt(level)) => self.accepted(level),
                _ => 0,
            },
            met: None,
        });
        let what = self.goal.as_ref().map(RunGoal::describe).unwrap_or_default();
        self.log.push(now, LogKind::System, format!("run {what}"));
        self.run();
        if !self.running {
            // Nothing can run: the goal cannot be reached (unless it already is).
            if !self.settle_goal() {
                self.end_goal(Err("nothing to run: every processor is halted or held".into()));
            }
        }
    }

    /// End the goal if its event happened or its time is up; true when it ended.
    fn settle_goal(&mut self) -> bool {
        let Some(goal) = &self.goal else { return false };
        let now = self.now();
        let halted = ProcId::BOTH.into_iter().find(|x| {
            goal.running_at_start[x.index()] && matches!(self.machine.cpu[x.index()].state, RunState::Halted { .. })
        });
        let taken = match goal.event {
            Some(RunEvent::Interrupt(level)) => self.accepted(level) > goal.accepted_at_start,
            _ => false,
        };
        let halted_text = |x: ProcId| {
            let cpu = &self.machine.cpu[x.index()];
            format!("processor {x} {} at t = {}", state_text(&cpu.state), SpacecraftTime(cpu.time))
        };
        let outcome = match (&goal.met, goal.event, halted) {
            (Some(text), _, _) => Ok(text.clone()),
            (None, Some(RunEvent::Halt), Some(x)) => Ok(halted_text(x)),
            (None, Some(e), _) if taken => Ok(format!("{} taken by t = {}", e.describe(), SpacecraftTime(now))),
            _ if now >= goal.deadline => match goal.event {
                None => Ok(format!("ran to t = {}", SpacecraftTime(now))),
                Some(e) => Err(format!(
                    "no {} within {} (ran from t = {} to {})",
                    match e {
                        RunEvent::Halt => "processor halted".into(),
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
        self.machine.craft.counters.accepted.iter().filter_map(|per_level| per_level.get(level as usize)).sum()
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
        let text = match &outcome {
            Ok(t) => format!("reached: {t}; paused"),
            Err(e) => format!("{e}; paused"),
        };
        if self.running {
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
        if !self.running {
            self.run();
        }
        self.remember_registers();
        while self.goal.is_some() && self.running {
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
        self.behind = false;
        if !self.running {
            self.achieved = 0.0;
            self.emulation_time = Duration::ZERO;
            self.poll_lesson(false);
            return;
        }
        self.remember_registers();
        let started = Instant::now();
        let t0 = self.now();
        // A run to a temporary breakpoint (step over) goes flat out.
        let speed = if self.run_to.is_some() && self.run_to_fast { Speed::Max } else { self.speed };
        let target = match speed.cycles_per_second() {
            Some(c) => {
                self.sim_target += wall_dt.clamp(0.0, 0.25) * c;
                self.sim_target as u64
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
                self.behind = speed != Speed::Max;
                break;
            }
        }
        if let Some(c) = speed.cycles_per_second() {
            let now = self.now() as f64;
            // Falling behind by more than a quarter of a wall second: drop the backlog.
            if self.sim_target > now + 0.25 * c {
                self.sim_target = now + 0.25 * c;
            }
            // A WAI that jumped far ahead (a processor asleep until the hourly clock):
            // carry on from there rather than wait for the wall clock to catch up.
            if now > self.sim_target + 0.25 * c {
                self.sim_target = now;
            }
        }
        if self.goal.is_some() {
            self.past_scenario_end();
            self.settle_goal();
        } else if let Some(end) = self.stop_at
            && self.now() >= end
            && self.running
        {
            self.stop_at = None;
            self.pause(Some(format!("end of the scenario at {}: paused (Run carries on)", SpacecraftTime(end))));
        }
        self.compare_registers();
        self.emulation_time = started.elapsed();
        let dt = wall_dt.max(1e-3);
        self.achieved = (self.now().saturating_sub(t0)) as f64 / dt;
        if self.report_at.is_none_or(|t| t.elapsed() > Duration::from_millis(200)) || !self.running {
            self.refresh_report();
        }
        self.poll_lesson(false);
    }

    /// Run every processor to `limit` (or the first breakpoint, or just past the goal's
    /// event); false when the run stopped (breakpoint, goal, halt, nothing left to run).
    fn run_chunk(&mut self, limit: u64) -> bool {
        // Breakpoints and the goal's event stop the run in the session's run loop, once:
        // the machine is lent to the session for the run (a swap, no copy of memory).
        let session = &mut self.stops;
        session.clear_breakpoints();
        for &(x, a) in self.breakpoints.iter().chain(self.run_to.iter()) {
            session.set_breakpoint(x, ccs_core::Addr::wrapping(a));
        }
        for x in ProcId::BOTH {
            if let Some(t) = self.ignore[x.index()].take() {
                session.resume_at(x, t);
            }
        }
        session.set_goal(self.goal.as_ref().and_then(|g| g.event));
        std::mem::swap(session.machine_mut(), &mut self.machine);
        let stop = session.run_observed(limit, &mut self.watch);
        std::mem::swap(session.machine_mut(), &mut self.machine);
        let stops = session.stops();
        let hit = match stop {
            RunStop::Breakpoint { proc, addr } => Some((proc, addr.get())),
            _ => None,
        };
        self.after_run();
        if let Some((x, a)) = hit
            && self.machine.cpu[x.index()].regs.p.get() == a
        {
            let temporary = self.run_to == Some((x, a)) && !self.breakpoints.contains(&(x, a));
            let what = if temporary { "reached" } else { "breakpoint at" };
            self.focus = x;
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
        let outputs = self.machine.drain_outputs();
        if let Some(goal) = &mut self.goal
            && goal.met.is_none()
            && let Some(event) = goal.event
        {
            if let Some(o) = outputs.iter().find(|o| event.matches(o)) {
                let meaning = o.command.meaning().map_or(String::new(), |m| format!(" ({m})"));
                goal.met = Some(format!(
                    "{}{meaning} at t = {}",
                    output_text(o).split_once(": ").map_or(String::new(), |(_, what)| what.to_string()),
                    SpacecraftTime(o.time)
                ));
            }
            if let RunEvent::Interrupt(level) = event
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
        let delivered = self.machine.craft.env.delivered();
        let fresh: Vec<TimedInput> = delivered.get(self.delivered_seen..).unwrap_or_default().to_vec();
        self.delivered_seen = delivered.len();
        for ev in fresh {
            let kind = match ev.input {
                Input::Fault(_) | Input::Parity(_) | Input::Device { .. } => LogKind::Fault,
                _ => LogKind::Input,
            };
            if let Input::Fault(ccs_core::Fault::FlipMemoryBit { memory, addr, .. }) = ev.input {
                self.flipped.insert((memory, addr));
            }
            self.log.push(ev.time, kind, ev.input.to_string());
        }
    }

    // ----- faults -----

    fn inject(&mut self, input: Input) {
        let time = self.now();
        let at = self.machine.schedule(TimedInput { time, input });
        let state = if self.running { "" } else { " (delivered when the machine runs or steps)" };
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
        self.program.as_ref().map_or_else(BTreeMap::new, |p| ccs_lesson::open::dead_layout_words(p, &self.machine))
    }

    /// `ccs relocate` in the app: the program's sections placed around the dead words,
    /// the program assembled again and loaded, the same words killed again at time 0.
    fn relocate(&mut self) {
        let title = "cannot relocate";
        let Some(program) = &self.program else {
            return self.diagnostic(title, "no program is loaded", false);
        };
        let relocated = match ccs_lesson::open::relocate(program, &self.map.map, &self.machine) {
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
        self.machine.craft.faults.get(memory, addr)
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
        self.changed[x.index()].regs & (1 << reg as u32) != 0
    }
}

pub use ccs_lesson::headless::state_text;

#[cfg(test)]
mod tests {
    use super::*;
    use ccs_core::Reg;
    use ccs_core::{CYCLES_PER_SECOND, Jumpers};

    fn tick() -> AppState {
        let mut s = AppState::new();
        s.apply(UiEvent::LoadBundled(ccs_programs::TICK.path));
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
            s.apply(UiEvent::LoadBundled(e.path));
            assert!(s.diagnostics.is_empty(), "{}: {:?}", e.path, s.diagnostics);
            let program = s.program.as_ref().unwrap_or_else(|| panic!("{}: no program", e.path));
            assert!(s.machine.cpu.iter().any(|c| c.state == RunState::Running), "{}", e.path);
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
        s.apply(UiEvent::Relocate);
        assert_eq!(s.diagnostics.last().unwrap().text, "no program is loaded");
        s.apply(UiEvent::LoadBundled("tick.img"));
        s.apply(UiEvent::Relocate);
        assert!(s.diagnostics.last().unwrap().text.contains("open its source (.asm)"), "{:?}", s.diagnostics);
        s.apply(UiEvent::LoadBundled("scenarios/cruise-week.ron"));
        s.apply(UiEvent::Relocate);
        assert_eq!(
            s.diagnostics.last().unwrap().text,
            "no dead words in CCS-A: kill a range first (Inspector, Kill range)"
        );
        let before = s.program.as_ref().unwrap().labels.iter().find(|(_, l)| *l == "CMDB").map(|(a, _)| *a).unwrap();
        assert!(
            (0o1000..0o1400).contains(&before),
            "CMDB (the command decoder) starts in the stretch that will die: 0o{before:o}"
        );
        s.apply(UiEvent::KillRange { memory: ccs_a, start: 0o1000, len: 256 });
        s.apply(UiEvent::StepInto);
        assert_eq!(s.dead_layout_words().len(), 256);
        let errors = s.diagnostics.len();
        s.apply(UiEvent::Relocate);
        assert_eq!(s.diagnostics.len(), errors, "{:?}", s.diagnostics.last());
        let p = s.program.as_ref().unwrap();
        assert_eq!((p.name.as_str(), p.jumpers), ("flight/load.asm", Some(s.machine.cpu[0].jumpers)));
        let after = p.labels.iter().find(|(_, l)| *l == "CMDB").map(|(a, _)| *a).unwrap();
        assert!(!(0o1000..0o1400).contains(&after), "CMDB moved out: 0o{after:o}");
        assert!(p.images[0].0.words.iter().all(|w| !(0o1000..0o1400).contains(&w.0)), "no word on the dead stretch");
        assert_eq!(s.now(), 0, "restarted");
        assert!(s.script.is_some(), "the scenario's events stay");
        assert!(log_texts(&s).last().unwrap().contains("1173 words moved, the budget fits"), "{:?}", log_texts(&s));
        // The dead words are dead again from the first step, with the same pattern.
        s.apply(UiEvent::StepInto);
        assert_eq!(s.dead_layout_words().len(), 256);
        assert_eq!(s.machine.examine(ccs_a, 0o1000), ccs_core::script::DEFAULT_DEAD_PATTERN);
        // The relocated load answers the day-1 NOOP that the plain one halts on.
        s.apply(UiEvent::RunUntil {
            event: RunEvent::Output { channel: 0o12, value: Some(0o020001) },
            within: 2 * 86_400 * CYCLES_PER_SECOND,
        });
        s.finish_goal();
        assert!(matches!(s.goal_outcome.take(), Some(Ok(_))));
        assert!(!s.machine.cpu[0].is_halted());
    }

    #[test]
    fn a_bundled_scenario_brings_its_program_jumpers_models_and_length() {
        let mut s = AppState::new();
        s.apply(UiEvent::LoadBundled("scenarios/aacs-heartbeat-stops.ron"));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let program = s.program.as_ref().unwrap();
        assert_eq!(program.name, "flight/load.asm", "assembled from the bundled sources, includes and all");
        assert!(program.labels.values().any(|l| l == "AACB"), "labels of an included file (aacsin.asm)");
        let wp = ccs_core::Jumper::WriteProtected;
        assert_eq!(s.machine.cpu[0].jumpers, Jumpers([wp, wp, ccs_core::Jumper::ReadWrite]));
        assert_eq!(s.machine.cpu[1].state, RunState::Running, "the dual load runs on both (issue 19)");
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
        s.apply(UiEvent::SetSpeed(Speed::Max));
        s.apply(UiEvent::Run);
        for _ in 0..200 {
            if !s.running {
                break;
            }
            s.advance(1.0 / 60.0, Duration::from_millis(50));
        }
        assert!(!s.running);
        assert_eq!(s.now(), 60_000_000);
        assert_eq!(s.machine.craft.selections.selected(ccs_core::Unit::Aacs), 1);
        let texts = log_texts(&s);
        assert!(texts.iter().any(|t| t.contains("DCM 0o0001")), "the swap is logged");
        assert!(texts.iter().any(|t| t.contains("end of the scenario at 0:00:02:00.00")), "{:?}", texts.last());
        // Run again carries on past the end; Reset brings the stop back.
        s.apply(UiEvent::Run);
        s.advance(1.0 / 60.0, Duration::from_millis(50));
        assert!(s.now() > 60_000_000 && s.running);
        s.apply(UiEvent::Reset);
        assert_eq!((s.now(), s.stop_at), (0, Some(60_000_000)));
        assert_eq!(s.machine.cpu[0].jumpers, Jumpers([wp, wp, ccs_core::Jumper::ReadWrite]), "kept over a reset");
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
        s.apply(UiEvent::OpenPath(dir.join("s.ron")));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.program.as_ref().unwrap().name, dir.join("p.asm").display().to_string());
        assert_eq!(s.machine.cpu[0].jumpers.0[0], ccs_core::Jumper::ReadOnly);
        assert_eq!(s.stop_at, Some(500_000));
        s.apply(UiEvent::OpenPath(dir.join("bad.ron")));
        assert_eq!(s.diagnostics.len(), 1);
        assert!(s.diagnostics[0].text.contains("missing.asm"), "{}", s.diagnostics[0].text);
        assert_eq!(s.program.as_ref().unwrap().name, dir.join("p.asm").display().to_string(), "nothing lost");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn loading_the_bundled_program_enables_its_processor_and_checks_its_budget() {
        let s = tick();
        assert_eq!(s.machine.cpu[0].state, RunState::Running);
        assert_eq!(s.machine.cpu[1].state, RunState::Held);
        assert_eq!(s.machine.examine(MemoryId::Ccs(ProcId::A), 0o40), 0o005730);
        let report = s.report.as_ref().expect("a report");
        assert!(report.fits(), "{:?}", report.findings);
        // 23 words of 18 bits: 414 bits, 52 bytes.
        assert_eq!(ccs_programs::TICK.image().words.len(), 23);
        assert_eq!(s.used_bytes(), 52);
    }

    #[test]
    fn stepping_changes_p_and_highlights_it() {
        let mut s = tick();
        s.apply(UiEvent::StepInto);
        assert_eq!(s.machine.cpu[0].regs.p.get(), 0o41);
        assert!(s.reg_changed(ProcId::A, Reg::P));
        assert!(s.reg_changed(ProcId::A, Reg::MASK), "LML changed the mask");
        assert!(!s.reg_changed(ProcId::A, Reg::A));
        s.apply(UiEvent::StepInto);
        assert!(s.machine.cpu[0].regs.ie);
        assert!(s.reg_changed(ProcId::A, Reg::IE));
        assert!(!s.reg_changed(ProcId::A, Reg::MASK), "only the latest step counts");
    }

    #[test]
    fn running_paces_simulated_time_by_the_speed() {
        let mut s = tick();
        s.apply(UiEvent::SetLogClock(true));
        s.apply(UiEvent::SetSpeed(Speed::X10));
        s.apply(UiEvent::Run);
        for _ in 0..10 {
            s.advance(0.1, Duration::from_secs(5));
        }
        // One wall second at x10 is ten simulated seconds (the last WAI may end a tick later).
        let t = s.now();
        assert!((5_000_000..5_010_000).contains(&t), "t = {t}");
        assert_eq!(s.machine.examine(MemoryId::Ccs(ProcId::A), 0o61), 9, "SECS counts whole seconds handled");
        // The log holds the interrupts taken (levels 4 and 5).
        assert!(s.log.entries().any(|e| e.kind == LogKind::Interrupt && e.text.contains("level 5")));
        s.apply(UiEvent::Pause);
        let t = s.now();
        s.advance(0.1, Duration::from_secs(5));
        assert_eq!(s.now(), t, "paused: time stands still");
    }

    #[test]
    fn a_breakpoint_stops_before_the_instruction_and_run_resumes_past_it() {
        let mut s = tick();
        // The 1 s handler's first instruction.
        s.apply(UiEvent::ToggleBreakpoint(ProcId::A, 0o45));
        s.apply(UiEvent::SetSpeed(Speed::Max));
        s.apply(UiEvent::Run);
        for _ in 0..100 {
            s.advance(0.016, Duration::from_secs(5));
            if !s.running {
                break;
            }
        }
        assert!(!s.running);
        assert_eq!(s.machine.cpu[0].regs.p.get(), 0o45);
        assert_eq!(s.machine.examine(MemoryId::Ccs(ProcId::A), 0o61), 0, "SECS not yet incremented");
        let first = s.now();
        assert!((500_000..500_200).contains(&first), "first 1 s tick, t = {first}");
        s.apply(UiEvent::Run);
        for _ in 0..100 {
            s.advance(0.016, Duration::from_secs(5));
            if !s.running {
                break;
            }
        }
        assert_eq!(s.machine.cpu[0].regs.p.get(), 0o45);
        assert!((1_000_000..1_000_200).contains(&s.now()), "the next second, t = {}", s.now());
        assert_eq!(s.machine.examine(MemoryId::Ccs(ProcId::A), 0o61), 1);
    }

    #[test]
    fn step_over_a_call_runs_the_subroutine() {
        // CAL ROUT; HLT 1; ROUT: .word 0 (the return cell); LDI 7; JMP ROUT (returns).
        let src =
            "        .org 0o40\n        CAL ROUT\n        HLT 1\nROUT:   .word 0\n        LDI 7\n        JMP ROUT\n";
        let mut s = AppState::new();
        s.apply(UiEvent::OpenText { name: "call.asm".into(), text: src.into() });
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        s.apply(UiEvent::StepOver);
        for _ in 0..10 {
            s.advance(0.016, Duration::from_secs(5));
        }
        assert!(!s.running);
        assert_eq!(s.machine.cpu[0].regs.p.get(), 0o41, "stopped after the call");
        assert_eq!(s.machine.cpu[0].regs.a.get(), 7, "the subroutine ran");
    }

    #[test]
    fn bad_input_gives_diagnostics_with_the_cli_text_and_never_panics() {
        let mut s = tick();
        s.apply(UiEvent::OpenText { name: "bad.asm".into(), text: "        LDX\n".into() });
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
            s.apply(UiEvent::OpenText { name: name.into(), text: text.into() });
            assert_eq!(s.diagnostics.len(), before + 1, "{name}: {text:?}");
        }
        s.apply(UiEvent::OpenPath(PathBuf::from("/nonexistent/file.asm")));
        assert!(s.diagnostics.last().unwrap().text.contains("/nonexistent/file.asm"));
        // Addresses out of range are refused, not a panic.
        s.apply(UiEvent::Select(Some((MemoryId::Ccs(ProcId::A), 99_999))));
        assert_eq!(s.selection, None);
        s.apply(UiEvent::KillRange { memory: MemoryId::Fds(0), start: 9000, len: 4 });
        assert!(s.diagnostics.last().unwrap().text.contains("cannot kill"));
    }

    #[test]
    fn an_image_error_names_the_file_and_line_like_the_cli() {
        let mut s = AppState::new();
        s.apply(UiEvent::OpenText { name: "x.img".into(), text: "# ccs-image v1 target=A\n0040 9\n".into() });
        let d = s.diagnostics.last().unwrap();
        assert!(d.text.starts_with("x.img:2:1: malformed line"), "{}", d.text);
    }

    #[test]
    fn injected_faults_are_delivered_logged_and_marked() {
        let mut s = tick();
        let ccs_a = MemoryId::Ccs(ProcId::A);
        s.apply(UiEvent::Inject(Input::Fault(ccs_core::Fault::FlipMemoryBit { memory: ccs_a, addr: 0o61, bit: 3 })));
        s.apply(UiEvent::KillRange { memory: MemoryId::Fds(0), start: 0o4000, len: 8 });
        s.apply(UiEvent::StepInto);
        assert_eq!(s.machine.examine(ccs_a, 0o61), 8, "bit 3 flipped");
        assert!(s.flipped.contains(&(ccs_a, 0o61)));
        assert!(s.word_fault(MemoryId::Fds(0), 0o4007).is_some());
        assert!(s.word_fault(MemoryId::Fds(0), 0o4010).is_none());
        let faults: Vec<&str> = s.log.entries().filter(|e| e.kind == LogKind::Fault).map(|e| e.text.as_str()).collect();
        assert!(faults.iter().any(|t| t.starts_with("flip bit 3 of CCS-A 0o0061")), "{faults:?}");
        assert!(faults.iter().any(|t| t.contains("FDS-A 0o04000-0o04007 dead")), "{faults:?}");
        s.apply(UiEvent::Reset);
        assert!(s.flipped.is_empty());
        assert!(s.word_fault(MemoryId::Fds(0), 0o4007).is_none(), "a reset rebuilds the machine");
    }

    #[test]
    fn a_halt_fault_stops_the_run() {
        let mut s = tick();
        s.apply(UiEvent::SetSpeed(Speed::Max));
        s.apply(UiEvent::Run);
        s.advance(0.016, Duration::from_millis(50));
        s.apply(UiEvent::Inject(Input::Fault(ccs_core::Fault::Halt { proc: ProcId::A })));
        for _ in 0..5 {
            s.advance(0.016, Duration::from_millis(50));
        }
        assert!(!s.running);
        assert!(matches!(s.machine.cpu[0].state, RunState::Halted { .. }));
        assert!(s.log.entries().any(|e| e.kind == LogKind::System && e.text.contains("processor A halted")));
    }
}
