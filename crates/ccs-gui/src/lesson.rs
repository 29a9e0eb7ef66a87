//! Lessons: a teacher's guided tour of the app, read from a RON file (the format is in
//! `programs/lessons/README.md`). A lesson is a title and a list of steps; a step is text
//! for the class and the actions the app performs when the step is entered.
//!
//! Everything a file can get wrong is found here, when the lesson is opened: syntax,
//! unknown fields and actions, bad durations, events and addresses, files that do not
//! exist. The checked [`Action`]s are then carried out by `AppState` through the same
//! [`UiEvent`](crate::state::UiEvent)s the panels send, so a lesson runs headless in tests
//! exactly as it runs on the projector.

use crate::log::LogKind;
use crate::node::NodeEvent;
use crate::state::{AppState, LeftTab, RunEvent, SideTab, Speed, UiEvent, View};
use ccs_core::SpacecraftTime;
use ccs_core::script::{EventScript, ScriptEvent};
use ccs_core::{Input, MemoryId, parse_cycles};
use serde::Deserialize;
use std::path::{Path, PathBuf};

// ----- the file, as written -----
//
// The serde names are the file's own words: errors say "in enum `action`", not a Rust
// type's name.

#[derive(Deserialize)]
#[serde(rename = "lesson", deny_unknown_fields)]
struct LessonFile {
    title: String,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    steps: Vec<StepFile>,
}

#[derive(Deserialize)]
#[serde(rename = "step", deny_unknown_fields)]
struct StepFile {
    title: String,
    text: String,
    #[serde(default)]
    actions: Vec<ActionFile>,
}

#[derive(Deserialize)]
#[serde(rename = "action", rename_all = "snake_case")]
enum ActionFile {
    Open(String),
    RunFor(String),
    RunUntil(RunUntilFile),
    Inject(ScriptEvent),
    KillRange(RangeFile),
    Relocate,
    NodeHeap(Recording),
    View(ViewName),
    Tab(TabName),
    Select(WordFile),
    Zoom(String),
    Speed(SpeedName),
    Run,
    Pause,
    Reset,
}

#[derive(Deserialize)]
#[serde(rename = "run_until", deny_unknown_fields)]
struct RunUntilFile {
    event: EventFile,
    within: String,
}

#[derive(Deserialize)]
#[serde(rename = "event", rename_all = "snake_case")]
enum EventFile {
    Dcm(u32),
    Output(OutputFile),
    Interrupt(u32),
    Halt,
}

#[derive(Deserialize)]
#[serde(rename = "output", deny_unknown_fields)]
struct OutputFile {
    channel: u32,
    #[serde(default)]
    value: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename = "kill_range", deny_unknown_fields)]
struct RangeFile {
    memory: String,
    addr: u32,
    len: u32,
}

#[derive(Deserialize)]
#[serde(rename = "select", deny_unknown_fields)]
struct WordFile {
    memory: String,
    addr: u32,
}

#[derive(Deserialize)]
#[serde(rename = "node_heap", rename_all = "snake_case")]
enum Recording {
    Leaky,
    Bounded,
}

#[derive(Deserialize)]
#[serde(rename = "view", rename_all = "snake_case")]
enum ViewName {
    MemoryMap,
    TwoMachines,
}

#[derive(Deserialize)]
#[serde(rename = "tab", rename_all = "snake_case")]
enum TabName {
    Inspector,
    Budget,
    Faults,
    Program,
}

#[derive(Deserialize)]
#[serde(rename = "speed", rename_all = "lowercase")]
enum SpeedName {
    X1,
    X10,
    X1000,
    Max,
}

// ----- the lesson, checked -----

/// A lesson ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The file it came from, as shown.
    pub name: String,
    pub title: String,
    pub audience: Option<String>,
    pub duration: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: String,
    /// The text, one entry per paragraph (see [`paragraphs`]).
    pub paragraphs: Vec<String>,
    pub actions: Vec<Action>,
}

/// Where an `open` action's file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenTarget {
    /// A bundled file, by its path below `programs/`.
    Bundled(&'static str),
    Disk(PathBuf),
}

/// What the app does when a step is entered.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Open a program, scenario, script, map or timeline; `written` is the path as the
    /// lesson gives it.
    Open {
        written: String,
        target: OpenTarget,
    },
    RunFor {
        written: String,
        cycles: u64,
    },
    RunUntil {
        event: RunEvent,
        written: String,
        within: u64,
    },
    /// Schedule an input or fault now.
    Inject(Input),
    KillRange {
        memory: MemoryId,
        start: u32,
        len: u32,
    },
    /// Lay the program out again around the dead words and load it (`ccs relocate`).
    Relocate,
    /// Show a bundled Node heap recording in the two-machines view.
    NodeHeap {
        leaky: bool,
    },
    View(View),
    Tab(SideTab),
    Select(MemoryId, u32),
    /// Show one memory alone, large (`None`: all six).
    Zoom(Option<MemoryId>),
    Speed(Speed),
    Run,
    Pause,
    Reset,
}

impl Action {
    /// One line for the lesson panel.
    pub fn describe(&self) -> String {
        match self {
            Action::Open { written, .. } => format!("open {written}"),
            Action::RunFor { written, .. } => format!("run for {written}"),
            Action::RunUntil { event, written, .. } => format!("run until {} (at most {written})", event.describe()),
            Action::Inject(input) => format!("inject {}", input),
            Action::KillRange { memory, start, len } => {
                format!("kill {} 0o{start:o}-0o{:o} ({len} words)", memory.name(), start + len - 1)
            }
            Action::Relocate => "relocate the program around the dead words".into(),
            Action::NodeHeap { leaky } => {
                format!("show the Node heap of the {} server", if *leaky { "leaky" } else { "bounded" })
            }
            Action::View(View::MemoryMap) => "show the memory map".into(),
            Action::View(View::TwoMachines) => "show two machines".into(),
            Action::Tab(tab) => format!("show the {} tab", tab_name(*tab)),
            Action::Select(memory, addr) => format!("select {} 0o{addr:04o} for the inspector", memory.name()),
            Action::Zoom(Some(memory)) => format!("show {} alone", memory.name()),
            Action::Zoom(None) => "show all six memories".into(),
            Action::Speed(speed) => format!("speed {} ({})", speed.label(), speed.describe()),
            Action::Run => "run".into(),
            Action::Pause => "pause".into(),
            Action::Reset => "reset".into(),
        }
    }
}

pub fn tab_name(tab: SideTab) -> &'static str {
    match tab {
        SideTab::Inspector => "Inspector",
        SideTab::Budget => "Budget",
        SideTab::Faults => "Faults",
        SideTab::Program => "Program",
    }
}

/// Where a lesson was read from: its relative paths are looked up beside it, on the disk
/// or among the bundled files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Disk,
    Bundled,
}

/// Whether RON text is a lesson: its outermost structure has a `steps` field. Comments
/// and strings are skipped, so a lesson's text can talk about memories, events and runs
/// without being taken for a map or a script, and a script whose comment mentions steps
/// is still a script. A file with a syntax error deeper inside is still recognised, so it
/// gets the lesson parser's error.
pub fn looks_like_lesson(text: &str) -> bool {
    top_level_fields(text).iter().any(|f| f == "steps")
}

/// The field names of the outermost `( ... )` of RON text.
fn top_level_fields(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut fields = Vec::new();
    let mut depth = 0i32;
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == b'/' && next == Some(b'/') {
            i = text[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if c == b'/' && next == Some(b'*') {
            i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == b'r' && matches!(next, Some(b'#' | b'"')) && (i == 0 || !ident(b[i - 1])) {
            // A raw string: r"...", r#"..."#, ...
            let hashes = b[i + 1..].iter().take_while(|&&h| h == b'#').count();
            let open = i + 1 + hashes;
            if b.get(open) != Some(&b'"') {
                i += 1;
                continue;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            i = text[open + 1..].find(&close).map_or(b.len(), |n| open + 1 + n + close.len());
        } else if matches!(c, b'(' | b'[' | b'{') {
            depth += 1;
            i += 1;
        } else if matches!(c, b')' | b']' | b'}') {
            depth -= 1;
            i += 1;
        } else if ident(c) && !c.is_ascii_digit() {
            let start = i;
            while i < b.len() && ident(b[i]) {
                i += 1;
            }
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if depth == 1 && b.get(j) == Some(&b':') && b.get(j + 1) != Some(&b':') {
                fields.push(text[start..i].to_string());
            }
        } else {
            i += 1;
        }
    }
    fields
}

/// Read and check a lesson. Errors name the file: `PATH:LINE:COLUMN: message` for the
/// syntax (as for scripts and maps), `PATH: step N "title": action: message` for a
/// step's content.
pub fn parse(path: &Path, text: &str, origin: Origin) -> Result<Lesson, String> {
    let extensions = ron::extensions::Extensions::IMPLICIT_SOME | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES;
    let file: LessonFile = ron::Options::default().with_default_extension(extensions).from_str(text).map_err(|e| {
        ccs_files::FileError::Syntax {
            path: path.to_path_buf(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        }
        .to_string()
    })?;
    let name = path.display().to_string();
    if file.steps.is_empty() {
        return Err(format!("{name}: a lesson needs at least one step"));
    }
    let mut steps = Vec::with_capacity(file.steps.len());
    for (i, s) in file.steps.into_iter().enumerate() {
        let mut actions = Vec::with_capacity(s.actions.len());
        for a in s.actions {
            let action = check_action(a, path, origin)
                .map_err(|(what, e)| format!("{name}: step {} {:?}: {what}: {e}", i + 1, s.title))?;
            actions.push(action);
        }
        steps.push(Step { paragraphs: paragraphs(&s.text), title: s.title, actions });
    }
    Ok(Lesson { name, title: file.title, audience: file.audience, duration: file.duration, steps })
}

/// A step's text as paragraphs: blank lines separate paragraphs; the lines of a paragraph
/// are joined with spaces (so the file can wrap and indent them), except that a line
/// starting with `- ` (a list item) or `$ ` (a command to type, shown in monospace)
/// begins a new line.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(if line.starts_with("- ") || line.starts_with("$ ") { '\n' } else { ' ' });
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

type ActionError = (&'static str, String);

fn cycles(text: &str) -> Result<u64, String> {
    match parse_cycles(text)? {
        0 => Err(format!("{text:?} is no time at all")),
        c => Ok(c),
    }
}

fn memory(text: &str) -> Result<MemoryId, String> {
    MemoryId::parse(text).ok_or_else(|| format!("memory {text:?} is not ccs_a, ccs_b, fds_a, fds_b, aacs_a or aacs_b"))
}

fn check_action(a: ActionFile, path: &Path, origin: Origin) -> Result<Action, ActionError> {
    Ok(match a {
        ActionFile::Open(written) => {
            let target = resolve(&written, path, origin).map_err(|e| ("open", e))?;
            Action::Open { written, target }
        }
        ActionFile::RunFor(written) => {
            let cycles = cycles(&written).map_err(|e| ("run_for", e))?;
            Action::RunFor { written, cycles }
        }
        ActionFile::RunUntil(r) => {
            let fail = |e: String| ("run_until", e);
            let within = cycles(&r.within).map_err(|e| fail(format!("within: {e}")))?;
            let event = match r.event {
                EventFile::Dcm(n) if n <= 0o7777 => RunEvent::Dcm(n),
                EventFile::Dcm(n) => return Err(fail(format!("dcm 0o{n:o}: discrete commands are 0o0-0o7777"))),
                EventFile::Output(o) if o.channel > 0o7777 => {
                    return Err(fail(format!("output: channel 0o{:o} is not 0o0-0o7777", o.channel)));
                }
                EventFile::Output(OutputFile { value: Some(v), .. }) if v > 0o777777 => {
                    return Err(fail(format!("output: value 0o{v:o} does not fit 18 bits")));
                }
                EventFile::Output(o) => RunEvent::Output { channel: o.channel, value: o.value },
                EventFile::Interrupt(level) if level < 32 => RunEvent::Interrupt(level as u8),
                EventFile::Interrupt(level) => return Err(fail(format!("interrupt {level}: levels are 0-31"))),
                EventFile::Halt => RunEvent::Halt,
            };
            Action::RunUntil { event, written: r.within, within }
        }
        ActionFile::Inject(event) => Action::Inject(injected(event).map_err(|e| ("inject", e))?),
        ActionFile::KillRange(r) => {
            let fail = |e: String| ("kill_range", e);
            let m = memory(&r.memory).map_err(fail)?;
            if r.len == 0 || r.addr >= m.words() || r.len > m.words() - r.addr {
                return Err(fail(format!(
                    "{} has words 0o0-0o{:o}: cannot kill {} words from 0o{:o}",
                    m.name(),
                    m.words() - 1,
                    r.len,
                    r.addr
                )));
            }
            Action::KillRange { memory: m, start: r.addr, len: r.len }
        }
        ActionFile::Relocate => Action::Relocate,
        ActionFile::NodeHeap(r) => Action::NodeHeap { leaky: matches!(r, Recording::Leaky) },
        ActionFile::View(ViewName::MemoryMap) => Action::View(View::MemoryMap),
        ActionFile::View(ViewName::TwoMachines) => Action::View(View::TwoMachines),
        ActionFile::Tab(t) => Action::Tab(match t {
            TabName::Inspector => SideTab::Inspector,
            TabName::Budget => SideTab::Budget,
            TabName::Faults => SideTab::Faults,
            TabName::Program => SideTab::Program,
        }),
        ActionFile::Select(w) => {
            let m = memory(&w.memory).map_err(|e| ("select", e))?;
            if w.addr >= m.words() {
                return Err((
                    "select",
                    format!("{} has words 0o0-0o{:o}, not 0o{:o}", m.name(), m.words() - 1, w.addr),
                ));
            }
            Action::Select(m, w.addr)
        }
        ActionFile::Zoom(m) if m == "all" => Action::Zoom(None),
        ActionFile::Zoom(m) => Action::Zoom(Some(memory(&m).map_err(|e| ("zoom", format!("{e} (or \"all\")")))?)),
        ActionFile::Speed(s) => Action::Speed(match s {
            SpeedName::X1 => Speed::X1,
            SpeedName::X10 => Speed::X10,
            SpeedName::X1000 => Speed::X1000,
            SpeedName::Max => Speed::Max,
        }),
        ActionFile::Run => Action::Run,
        ActionFile::Pause => Action::Pause,
        ActionFile::Reset => Action::Reset,
    })
}

/// An event of the event-script format (docs/events.md, docs/faults.md), happening now.
fn injected(mut event: ScriptEvent) -> Result<Input, String> {
    if event.time.is_some() || event.seconds.is_some() {
        return Err("an injected event happens when the step is entered: leave out `time` and `seconds`".into());
    }
    event.time = Some(0);
    let script = EventScript { events: vec![event], ..EventScript::default() };
    let inputs = script.inputs().map_err(|e| e.message)?;
    inputs.first().map(|t| t.input).ok_or_else(|| "no event".into())
}

/// An `open` path: beside the lesson first (on the disk, or among the bundled files for a
/// bundled lesson), then a bundled path below `programs/` (`scenarios/cruise-week.ron`).
fn resolve(written: &str, lesson: &Path, origin: Origin) -> Result<OpenTarget, String> {
    let beside = ccs_asm::normalize_path(&lesson.parent().unwrap_or(Path::new("")).join(written));
    match origin {
        Origin::Disk if beside.exists() => return Ok(OpenTarget::Disk(beside)),
        Origin::Bundled => {
            if let Some(b) = ccs_programs::bundled_path(&beside) {
                return Ok(OpenTarget::Bundled(b));
            }
        }
        Origin::Disk => {}
    }
    if let Some(b) = ccs_programs::bundled_path(Path::new(written)) {
        return Ok(OpenTarget::Bundled(b));
    }
    Err(format!("no file {written:?}: not beside the lesson ({}) nor among the bundled programs", beside.display()))
}

// ----- running a lesson -----

/// One action of the current step: what it is, and how it went (`None`: under way, or
/// not reached yet; `Ok("")`: done, nothing to add).
#[derive(Clone, Debug, PartialEq)]
pub struct ActionResult {
    pub what: String,
    pub outcome: Option<Result<String, String>>,
}

/// An open lesson: which step is shown and what its actions did.
#[derive(Clone, Debug)]
pub struct LessonState {
    pub lesson: Lesson,
    /// The step shown (0-based).
    pub step: usize,
    /// The current step's actions, as far as they have been performed.
    pub results: Vec<ActionResult>,
    /// Actions of earlier steps that failed when the lesson was replayed to reach this one.
    pub earlier_failures: Vec<String>,
    next_action: usize,
    /// The latest action started a run; the next one waits for it.
    waiting: bool,
}

impl LessonState {
    fn new(lesson: Lesson) -> LessonState {
        LessonState {
            lesson,
            step: 0,
            results: Vec::new(),
            earlier_failures: Vec::new(),
            next_action: 0,
            waiting: false,
        }
    }

    pub fn current(&self) -> &Step {
        &self.lesson.steps[self.step.min(self.lesson.steps.len() - 1)]
    }

    /// A run of this step is under way.
    pub fn is_running(&self) -> bool {
        self.waiting
    }

    /// Every action of the step has been performed.
    pub fn is_done(&self) -> bool {
        !self.waiting && self.next_action >= self.current().actions.len()
    }

    /// The failures of this step's actions.
    pub fn failures(&self) -> impl Iterator<Item = &str> {
        self.results.iter().filter_map(|r| match &r.outcome {
            Some(Err(e)) => Some(e.as_str()),
            _ => None,
        })
    }
}

/// What performing an action led to.
enum Performed {
    Done(Result<String, String>),
    /// A run started; its outcome comes when it ends.
    Running,
}

impl AppState {
    pub(crate) fn open_lesson(&mut self, lesson: Lesson) {
        let text = format!("lesson {}: {:?}, {} steps", lesson.name, lesson.title, lesson.steps.len());
        self.log.push(self.now(), LogKind::System, text);
        self.lesson = Some(LessonState::new(lesson));
        self.left_tab = LeftTab::Lesson;
        self.enter_step(0, false);
    }

    pub(crate) fn lesson_next(&mut self) {
        let Some(next) = self.lesson.as_ref().map(|l| l.step + 1).filter(|&n| n < self.lesson_len()) else {
            return;
        };
        // Finish the step being left, so that the next one starts from the state it expects.
        self.lesson_finish_now();
        self.enter_step(next, false);
    }

    /// Step `target` as a run through the lesson leaves it: a reset, then every action
    /// of steps 1 to `target` + 1, at once.
    pub(crate) fn lesson_go(&mut self, target: usize) {
        if self.lesson.is_none() {
            return;
        }
        let target = target.min(self.lesson_len() - 1);
        if let Some(l) = &mut self.lesson {
            l.waiting = false;
        }
        // The machine and what the lesson's actions set in the view, as at the start.
        self.apply(UiEvent::Reset);
        self.apply(UiEvent::Zoom(None));
        let mut failures = Vec::new();
        for step in 0..=target {
            self.enter_step(step, true);
            if let Some(l) = &self.lesson
                && step < target
            {
                failures.extend(l.failures().map(|e| format!("step {}: {e}", step + 1)));
            }
        }
        if let Some(l) = &mut self.lesson {
            l.earlier_failures = failures;
        }
    }

    pub(crate) fn lesson_repeat(&mut self) {
        if let Some(step) = self.lesson.as_ref().map(|l| l.step) {
            if self.goal.is_some() {
                self.end_goal(Err("cancelled: the step started again".into()));
            }
            self.enter_step(step, false);
        }
    }

    /// Finish the step's run and perform its remaining actions, at once.
    pub(crate) fn lesson_finish_now(&mut self) {
        if self.lesson.as_ref().is_some_and(LessonState::is_running) {
            self.finish_goal();
        }
        self.poll_lesson(true);
    }

    fn lesson_len(&self) -> usize {
        self.lesson.as_ref().map_or(0, |l| l.lesson.steps.len())
    }

    fn enter_step(&mut self, step: usize, at_once: bool) {
        let Some(l) = &mut self.lesson else { return };
        l.step = step.min(l.lesson.steps.len() - 1);
        l.results.clear();
        l.next_action = 0;
        l.waiting = false;
        l.earlier_failures.clear();
        self.continue_lesson(at_once);
    }

    /// Take the outcome of a run the lesson waits for, once it has ended, and go on with
    /// the step's actions (`at_once`: runs finish at once rather than at the chosen speed).
    pub(crate) fn poll_lesson(&mut self, at_once: bool) {
        let Some(l) = &self.lesson else { return };
        if l.waiting {
            if self.goal.is_some() {
                return;
            }
            let outcome = self.goal_outcome.take().unwrap_or_else(|| Err("the run ended without an outcome".into()));
            self.record(outcome);
        }
        self.continue_lesson(at_once);
    }

    /// The outcome of the latest action; a failure ends the step (what follows it would
    /// not find the state it expects).
    fn record(&mut self, outcome: Result<String, String>) {
        let Some(l) = &mut self.lesson else { return };
        l.waiting = false;
        if outcome.is_err() {
            l.next_action = usize::MAX;
        }
        if let Some(last) = l.results.last_mut() {
            last.outcome = Some(outcome);
        }
    }

    fn continue_lesson(&mut self, at_once: bool) {
        loop {
            let Some(l) = &mut self.lesson else { return };
            if l.waiting {
                return;
            }
            let Some(action) = l.current().actions.get(l.next_action).cloned() else { return };
            l.next_action += 1;
            l.results.push(ActionResult { what: action.describe(), outcome: None });
            self.performing_lesson = true;
            let performed = self.perform(&action);
            self.performing_lesson = false;
            match performed {
                Performed::Done(outcome) => self.record(outcome),
                Performed::Running if at_once => {
                    self.finish_goal();
                    let outcome = self.goal_outcome.take().unwrap_or_else(|| Err("the run did not end".into()));
                    self.record(outcome);
                }
                Performed::Running => {
                    if let Some(l) = &mut self.lesson {
                        l.waiting = true;
                    }
                    return;
                }
            }
        }
    }

    /// Carry out an action through the events the panels use.
    fn perform(&mut self, action: &Action) -> Performed {
        let diagnostics = self.diagnostics.len();
        let new_error = |s: &AppState| s.diagnostics[diagnostics..].iter().rev().find(|d| !d.warning).cloned();
        let done = |r: Result<String, String>| Performed::Done(r);
        match action {
            Action::Open { target, .. } => {
                self.apply(match target {
                    OpenTarget::Bundled(path) => UiEvent::LoadBundled(path),
                    OpenTarget::Disk(path) => UiEvent::OpenPath(path.clone()),
                });
                match new_error(self) {
                    Some(d) => done(Err(d.text)),
                    None => done(Ok(self.log.entries().last().map_or_else(|| "opened".into(), |e| e.text.clone()))),
                }
            }
            Action::RunFor { cycles, .. } => self.start(UiEvent::RunFor(*cycles)),
            Action::RunUntil { event, within, .. } => self.start(UiEvent::RunUntil { event: *event, within: *within }),
            Action::Inject(input) => {
                self.apply(UiEvent::Inject(*input));
                done(Ok(format!("scheduled at t = {}", SpacecraftTime(self.now()))))
            }
            Action::KillRange { memory, start, len } => {
                self.apply(UiEvent::KillRange { memory: *memory, start: *start, len: *len });
                match new_error(self) {
                    Some(d) => done(Err(d.text)),
                    None => done(Ok(format!(
                        "from t = {} the words read 0o{:o} and lose every write",
                        SpacecraftTime(self.now()),
                        ccs_core::script::DEFAULT_DEAD_PATTERN & memory.word_mask()
                    ))),
                }
            }
            Action::Relocate => {
                self.apply(UiEvent::Relocate);
                match new_error(self) {
                    Some(d) => done(Err(d.text)),
                    None => done(Ok(self.log.entries().last().map_or_else(String::new, |e| e.text.clone()))),
                }
            }
            Action::NodeHeap { leaky } => {
                self.apply(UiEvent::Node(NodeEvent::Recorded { leaky: *leaky }));
                self.apply(UiEvent::SetView(View::TwoMachines));
                match (&self.node.error, &self.node.analysis) {
                    (Some(e), _) => done(Err(e.clone())),
                    (None, Some(a)) => done(Ok(crate::ui::node_view::plain(&format!("verdict: {}", a.verdict)))),
                    (None, None) => done(Err("no timeline to analyse".into())),
                }
            }
            Action::View(view) => {
                self.apply(UiEvent::SetView(*view));
                done(Ok(String::new()))
            }
            Action::Tab(tab) => {
                self.apply(UiEvent::SetView(View::MemoryMap));
                self.apply(UiEvent::SetSideTab(*tab));
                done(Ok(String::new()))
            }
            Action::Select(memory, addr) => {
                self.apply(UiEvent::Select(Some((*memory, *addr))));
                match self.selection {
                    Some(_) => done(Ok(format!("word {:06o}", self.machine.examine(*memory, *addr)))),
                    None => done(Err(format!("{} has no word 0o{addr:o}", memory.name()))),
                }
            }
            Action::Zoom(memory) => {
                self.apply(UiEvent::SetView(View::MemoryMap));
                self.apply(UiEvent::Zoom(*memory));
                done(Ok(String::new()))
            }
            Action::Speed(speed) => {
                self.apply(UiEvent::SetSpeed(*speed));
                done(Ok(String::new()))
            }
            Action::Run => {
                self.apply(UiEvent::Run);
                if self.running {
                    done(Ok(format!("running at {}", self.speed.label())))
                } else {
                    done(Err("nothing to run: every processor is halted or held".into()))
                }
            }
            Action::Pause => {
                self.apply(UiEvent::Pause);
                done(Ok(format!("paused at t = {}", SpacecraftTime(self.now()))))
            }
            Action::Reset => {
                self.apply(UiEvent::Reset);
                done(Ok("the machine as loaded, time 0".into()))
            }
        }
    }

    /// Start a run with an end; it may end at once (nothing to run).
    fn start(&mut self, event: UiEvent) -> Performed {
        self.apply(event);
        if self.goal.is_some() {
            Performed::Running
        } else {
            Performed::Done(self.goal_outcome.take().unwrap_or_else(|| Err("the run did not start".into())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccs_core::{Fault, ProcId};

    const MINIMAL: &str = r#"(
        title: "A first look",
        steps: [
            (title: "The map", text: "Six memories.", actions: [open("tick.img"), view(memory_map)]),
        ],
    )"#;

    fn parse_text(text: &str) -> Result<Lesson, String> {
        parse(Path::new("lessons/l.ron"), text, Origin::Bundled)
    }

    #[test]
    fn every_bundled_lesson_parses_and_is_recognised_as_a_lesson() {
        let lessons = ccs_programs::lessons();
        assert!(lessons.len() >= 2, "{lessons:?}");
        for l in lessons {
            let text = ccs_programs::file(l.path).unwrap();
            assert!(looks_like_lesson(text), "{}", l.path);
            let lesson = parse(Path::new(l.path), text, Origin::Bundled).unwrap_or_else(|e| panic!("{e}"));
            assert!(!lesson.steps.is_empty());
            for s in &lesson.steps {
                assert!(!s.title.is_empty() && !s.paragraphs.is_empty(), "{}: {:?}", l.path, s.title);
            }
        }
    }

    #[test]
    fn a_minimal_lesson_and_every_kind_of_action() {
        let lesson = parse_text(MINIMAL).unwrap();
        assert_eq!(lesson.title, "A first look");
        assert_eq!(
            lesson.steps[0].actions[0],
            Action::Open { written: "tick.img".into(), target: OpenTarget::Bundled("tick.img") }
        );
        let all = r#"(title: "t", audience: "year 9", duration: "45 min", steps: [(title: "s", text: "x", actions: [
            open("../scenarios/aacs-heartbeat-stops.ron"),
            run_for("1min"),
            run_until(event: dcm(0o0001), within: "2min"),
            run_until(event: output(channel: 0o12, value: 0o060100), within: "1h"),
            run_until(event: output(channel: 0o10), within: "1h"),
            run_until(event: interrupt(0), within: "10s"),
            run_until(event: halt, within: "2d"),
            inject(source: heartbeat_stop, unit: 0),
            inject(source: dead_range, memory: "fds_a", addr: 0o4000, len: 256),
            inject(source: flip_bit, memory: "ccs_a", addr: 0o61, bit: 3),
            inject(source: parity, processor: A),
            kill_range(memory: "fds_a", addr: 0o4000, len: 256),
            node_heap(leaky), node_heap(bounded),
            view(two_machines), tab(budget), select(memory: "ccs_a", addr: 0o61), speed(x1000),
            run, pause, reset, relocate, zoom("aacs_b"), zoom("all"),
        ])])"#;
        let lesson = parse_text(all).unwrap();
        assert_eq!(lesson.audience.as_deref(), Some("year 9"));
        let a = &lesson.steps[0].actions;
        assert_eq!(a.len(), 24);
        assert_eq!(a[21], Action::Relocate);
        assert_eq!(a[22], Action::Zoom(Some(MemoryId::Aacs(1))));
        assert_eq!((a[23].describe(), a[22].describe()), ("show all six memories".into(), "show AACS-B alone".into()));
        assert_eq!(
            a[0],
            Action::Open {
                written: "../scenarios/aacs-heartbeat-stops.ron".into(),
                target: OpenTarget::Bundled("scenarios/aacs-heartbeat-stops.ron")
            }
        );
        assert_eq!(a[1], Action::RunFor { written: "1min".into(), cycles: 30_000_000 });
        assert_eq!(a[2], Action::RunUntil { event: RunEvent::Dcm(1), written: "2min".into(), within: 60_000_000 });
        assert_eq!(
            a[4],
            Action::RunUntil {
                event: RunEvent::Output { channel: 0o10, value: None },
                written: "1h".into(),
                within: 1_800_000_000
            }
        );
        assert_eq!(
            a[8],
            Action::Inject(Input::Fault(Fault::DeadRange {
                memory: MemoryId::Fds(0),
                start: 0o4000,
                len: 256,
                pattern: 0o125252
            }))
        );
        assert_eq!(a[10], Action::Inject(Input::Parity(ProcId::A)));
        assert_eq!(a[16], Action::Select(MemoryId::Ccs(ProcId::A), 0o61));
        assert_eq!(a[17], Action::Speed(Speed::X1000));
        assert_eq!(a[2].describe(), "run until DCM 0o0001 (at most 2min)");
    }

    #[test]
    fn text_becomes_paragraphs_with_list_items_on_their_own_lines() {
        let p = paragraphs(
            "\n   One line\n   and its continuation.\n\n   Two:\n   - a\n     long\n   - b\n\n\n$ ccs run\n",
        );
        assert_eq!(p, ["One line and its continuation.", "Two:\n- a long\n- b", "$ ccs run"]);
    }

    #[test]
    fn lessons_are_told_apart_from_scripts_maps_and_scenarios() {
        assert!(looks_like_lesson(MINIMAL));
        assert!(looks_like_lesson("#![enable(implicit_some)]\n(steps: [], title: \"x\")"));
        // A syntax error deeper inside is still a lesson, for the lesson's error message.
        assert!(looks_like_lesson("(title: \"x\", steps: [(title: \"s\" text: oops)])"));
        for other in [
            ccs_programs::VOYAGER_MAP,
            ccs_programs::file("scenarios/aacs-heartbeat-stops.ron").unwrap(),
            "// these steps: none\n(events: [(seconds: 1, source: parity, processor: A)])",
            "(models: (aacs_heartbeat: true), events: [], notes: \"steps: 3\")",
            "(run: (program: \"p.asm\"), events: [(steps: 1)])",
            "(title: r#\"a \"steps:\" b\"#, events: [])",
            "",
        ] {
            assert!(!looks_like_lesson(other), "{other}");
        }
    }

    #[test]
    fn bad_lessons_say_where_and_what() {
        let cases: &[(&str, &str)] = &[
            ("(title: \"t\",\n steps: [(title: \"s\" text: \"x\")])", "lessons/l.ron:2:"),
            ("(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [frobnicate])])", "frobnicate"),
            ("(title: \"t\", steps: [(title: \"s\", text: \"x\", colour: 3)])", "colour"),
            ("(title: \"t\", steps: [])", "at least one step"),
            (
                "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [open(\"nowhere.asm\")])])",
                "lessons/l.ron: step 1 \"s\": open: no file \"nowhere.asm\"",
            ),
            ("(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [run_for(\"3 weeks\")])])", "run_for:"),
            ("(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [run_until(event: halt)])])", "within"),
            (
                "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [run_until(event: interrupt(40), within: \"1s\")])])",
                "levels are 0-31",
            ),
            (
                "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [inject(source: heartbeat_stop)])])",
                "inject: heartbeat_stop needs `unit`",
            ),
            (
                "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [inject(seconds: 3, source: parity, processor: A)])])",
                "leave out `time` and `seconds`",
            ),
            (
                "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [kill_range(memory: \"fds_a\", addr: 8000, len: 256)])])",
                "cannot kill 256 words",
            ),
            (
                "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [select(memory: \"core\", addr: 1)])])",
                "\"core\" is not ccs_a",
            ),
            (
                "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [zoom(\"fds\")])])",
                "zoom: memory \"fds\" is not ccs_a, ccs_b, fds_a, fds_b, aacs_a or aacs_b (or \"all\")",
            ),
            ("\u{0}\u{1}", "lessons/l.ron:1:"),
        ];
        for (text, expected) in cases {
            let e = parse_text(text).expect_err(text);
            assert!(e.contains(expected), "{text}\n  gave: {e}\n  expected: {expected}");
        }
    }

    // ----- running lessons headless -----

    use crate::state::AppState;
    use ccs_core::{RunState, Unit};
    use std::time::Duration;

    /// A bundled lesson opened in a fresh app.
    fn opened(path: &'static str) -> AppState {
        let mut s = AppState::new();
        s.apply(UiEvent::LoadBundled(path));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert!(s.lesson.is_some(), "{path} opens as a lesson");
        s
    }

    /// Finish the current step at once and check that every action succeeded; the
    /// outcomes, one string.
    fn finish_step(s: &mut AppState) -> String {
        s.apply(UiEvent::LessonFinishNow);
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
        s.machine.examine(MemoryId::Ccs(ProcId::A), addr)
    }

    #[test]
    fn every_action_of_the_memory_discipline_lesson_succeeds_and_the_text_is_true() {
        let mut s = opened("lessons/memory-discipline.ron");
        let steps = s.lesson.as_ref().unwrap().lesson.steps.len();
        assert!((10..=14).contains(&steps), "{steps} steps");
        let mut seen = Vec::new();
        for i in 0..steps {
            if i > 0 {
                s.apply(UiEvent::LessonNext);
            }
            let outcomes = finish_step(&mut s);
            let title = s.lesson.as_ref().unwrap().current().title.clone();
            let has = |t: &str| outcomes.contains(t);
            let program = s.program.as_ref().map_or("", |p| p.name.as_str()).to_string();
            match title.as_str() {
                "69,632 bytes for everything" => {
                    assert_eq!(program, "tick.img");
                    assert_eq!(s.view, View::MemoryMap);
                }
                "A program that never grows" => {
                    assert_eq!(s.selection, Some((MemoryId::Ccs(ProcId::A), 0o61)));
                    assert_eq!(s.now(), 30_000_000, "{outcomes}");
                    assert!((59..=60).contains(&word(&s, 0o61)), "SECS = {}", word(&s, 0o61));
                    assert_eq!(s.used_bytes(), 52, "23 words, 52 bytes");
                    assert_eq!(ccs_programs::TICK.image().words.len(), 23);
                }
                "A budget for every routine" => {
                    assert_eq!(program, "flight/load.asm");
                    assert_eq!(s.side_tab, SideTab::Budget);
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
                    assert!(has("OUT  0o10 300001") && has("at t = 0:00:30:00.00"), "{outcomes}");
                }
                "The heartbeat stops" => {
                    assert!(has("DCM 0o0001 (swap to the other (backup) AACS) at t = 0:00:00:30.00"), "{outcomes}");
                    assert_eq!(s.machine.craft.selections.selected(Unit::Aacs), 1, "the backup AACS");
                    assert!(!s.running, "paused just after the swap");
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
                    assert!(has("processor A halted") && has("at t = 1:00:00:00.86"), "{outcomes}");
                    assert!(matches!(s.machine.cpu[0].state, RunState::Halted { .. }));
                    assert!(s.word_fault(MemoryId::Ccs(ProcId::A), 0o1000).is_some());
                    assert!(s.word_fault(MemoryId::Ccs(ProcId::A), 0o1377).is_some());
                    assert!(s.word_fault(MemoryId::Ccs(ProcId::A), 0o1400).is_none());
                    assert_eq!(s.zoom, Some(MemoryId::Ccs(ProcId::A)), "CCS-A alone, for the back of the room");
                    assert!(has("word 525252"), "the Inspector shows a dead word: {outcomes}");
                }
                "Moving the code around the hole" => {
                    assert!(
                        has("relocated flight/load.asm around 256 dead words: 1173 words moved, the budget fits"),
                        "{outcomes}"
                    );
                    assert!(has("word 525252"), "the dead words stayed dead: {outcomes}");
                    assert!(has("OUT  0o12 020001") && has("at t = 1:00:00:00."), "the NOOP acknowledged: {outcomes}");
                    assert!(!matches!(s.machine.cpu[0].state, RunState::Halted { .. }), "{outcomes}");
                    assert_eq!(s.report.as_ref().map(|r| r.fits()), Some(true), "{outcomes}");
                }
                "Two machines" => {
                    assert_eq!(s.view, View::TwoMachines);
                    assert!(has("grows without bound: +1276.2 MiB/min") && has("crossed at t = 3.42 s"), "{outcomes}");
                }
                "A bounded server" => {
                    assert!(has("verdict: stable") && has("4.3 MiB → 5.9 MiB"), "{outcomes}");
                    let first = s.node.timeline.as_ref().unwrap().samples[0].rss;
                    assert_eq!(first / 69_632, 651, "about 650 times the spacecraft's memory: {first}");
                }
                "Discussion" => {
                    assert!(s.running && s.speed == Speed::X1000);
                    assert_eq!(s.zoom, None);
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
                s.apply(UiEvent::LessonNext);
            }
            all.push_str(&finish_step(&mut s));
            if i == 0 {
                assert_eq!(s.machine.craft.selections.selected(Unit::Aacs), 1, "the Omen swapped to the backup");
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
        assert_eq!(s.machine.craft.selections.selected(Unit::XBandTwta), 1);
        assert_eq!(s.side_tab, SideTab::Budget);
    }

    #[test]
    fn every_bundled_lesson_runs_to_its_last_step_and_going_to_a_step_replays_the_ones_before_it() {
        for l in ccs_programs::lessons() {
            let mut s = opened(l.path);
            let last = s.lesson.as_ref().unwrap().lesson.steps.len() - 1;
            s.apply(UiEvent::LessonGo(last));
            let state = s.lesson.as_ref().unwrap();
            assert_eq!(state.step, last);
            assert!(state.earlier_failures.is_empty(), "{}: {:?}", l.path, state.earlier_failures);
            assert_eq!(state.failures().count(), 0, "{}: {:?}", l.path, state.results);
        }
        // Step 5 of memory discipline (the heartbeat), reached directly: the backup AACS
        // is selected, as it is after Next, Next, Next, Next.
        let mut s = opened("lessons/memory-discipline.ron");
        s.apply(UiEvent::LessonGo(4));
        assert_eq!(s.machine.craft.selections.selected(Unit::Aacs), 1);
        // Paused just after the DCM (issued by the step that started at 15,000,758).
        assert!((15_000_758..15_001_000).contains(&s.now()), "t = {}", s.now());
        // Previous replays steps 1-4: the flight load is back on its prime AACS, mid-cruise.
        s.apply(UiEvent::LessonPrevious);
        assert_eq!(s.lesson.as_ref().unwrap().step, 3);
        assert_eq!(s.machine.craft.selections.selected(Unit::Aacs), 0);
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
        s.apply(UiEvent::OpenText { name: "l.ron".into(), text: text.into() });
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        s.apply(UiEvent::LessonFinishNow);
        let results = outcomes(&s);
        assert_eq!(results.len(), 2, "the select after the failure is not performed: {results:?}");
        assert!(matches!(&results[0], Some(Ok(_))));
        assert_eq!(
            results[1],
            Some(Err("no DCM 0o0007 within 0:00:00:10.00 (ran from t = 0:00:00:00.00 to 0:00:00:10.00)".into()))
        );
        assert_eq!((s.now(), s.running, s.selection), (5_000_000, false, None));
        assert_eq!(s.lesson.as_ref().unwrap().failures().count(), 1);
        s.apply(UiEvent::LessonNext);
        s.apply(UiEvent::LessonFinishNow);
        let e = outcomes(&s)[0].clone().unwrap().unwrap_err();
        assert!(e.starts_with("no processor halted within 0:00:00:01.00"), "{e}");
        // Going to step 2 directly reports step 1's failure.
        s.apply(UiEvent::LessonGo(1));
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
        s.apply(UiEvent::OpenText { name: "l.ron".into(), text: text.into() });
        assert!(s.running && s.lesson.as_ref().unwrap().is_running());
        assert_eq!(outcomes(&s).last(), Some(&None), "the run is under way");
        s.advance(0.1, Duration::from_secs(5));
        assert_eq!(s.now(), 500_000, "0.1 s of wall time at x10");
        s.apply(UiEvent::Pause);
        s.advance(0.1, Duration::from_secs(5));
        assert!(s.goal.is_some() && !s.running, "paused, still on its way");
        s.apply(UiEvent::Run);
        for _ in 0..3 {
            s.advance(0.1, Duration::from_secs(5));
        }
        assert_eq!(s.now(), 1_000_000);
        assert!(!s.running && s.goal.is_none());
        let l = s.lesson.as_ref().unwrap();
        assert!(l.is_done() && l.failures().count() == 0, "{:?}", l.results);
        assert_eq!(s.selection, Some((MemoryId::Ccs(ProcId::A), 0o61)), "the action after the run followed it");
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
        s.apply(UiEvent::OpenPath(dir.join("one.ron")));
        assert!(matches!(&outcomes(&s)[0], Some(Ok(t)) if t.contains("p.asm")), "{:?}", outcomes(&s));
        std::fs::remove_file(dir.join("p.asm")).unwrap();
        s.apply(UiEvent::LessonRepeat);
        let e = outcomes(&s)[0].clone().unwrap().unwrap_err();
        assert!(e.contains("p.asm"), "{e}");
        std::fs::write(dir.join("p.asm"), "        .org 0o40\n        HLT\n").unwrap();
        s.apply(UiEvent::OpenPath(dir.join("two.ron")));
        assert_eq!(s.lesson.as_ref().unwrap().lesson.title, "u");
        let e = outcomes(&s)[0].clone().unwrap().unwrap_err();
        assert!(e.contains("cannot open another lesson"), "{e}");
        assert_eq!(s.lesson.as_ref().unwrap().lesson.title, "u", "the lesson shown stays");
        // A broken lesson file is a diagnostic with its position; the open lesson stays.
        std::fs::write(dir.join("bad.ron"), "(title: \"b\",\n steps: [(title: \"s\" text: \"x\")])").unwrap();
        s.apply(UiEvent::OpenPath(dir.join("bad.ron")));
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
