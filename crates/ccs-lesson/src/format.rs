//! The lesson format: a teacher's guided tour of the app, read from a RON file (the
//! format is in `programs/lessons/README.md`). A lesson is a title and a list of steps; a
//! step is text for the class and the actions performed when the step is entered.
//!
//! Everything a file can get wrong is found here, when the lesson is read: syntax,
//! unknown fields and actions, bad durations, events and addresses, files that do not
//! exist, each reported at its file, line and column. The checked [`Action`]s are carried
//! out by a [`Host`](crate::runner::Host): the desktop app, or [`Headless`](crate::Headless)
//! for `ccs lesson check` and tests.

use ccs_core::script::{EventScript, ScriptEvent};
use ccs_core::{CYCLES_PER_SECOND, Goal, Input, MemoryId, parse_cycles};
use ccs_files::FileError;
use ccs_files::kind::{PathPart, line_column, locate};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Which view fills the centre of the app's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    MemoryMap,
    TwoMachines,
}

/// The tabs of the app's right-hand panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SideTab {
    #[default]
    Inspector,
    Budget,
    Faults,
    Program,
}

impl SideTab {
    pub fn name(self) -> &'static str {
        match self {
            SideTab::Inspector => "Inspector",
            SideTab::Budget => "Budget",
            SideTab::Faults => "Faults",
            SideTab::Program => "Program",
        }
    }
}

/// How fast the emulator runs, in simulated time per wall time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Speed {
    /// Real time: 500,000 cycles per wall second.
    #[default]
    X1,
    X10,
    X1000,
    /// As fast as the frame's time slice allows.
    Max,
}

impl Speed {
    pub const ALL: [Speed; 4] = [Speed::X1, Speed::X10, Speed::X1000, Speed::Max];

    pub fn label(self) -> &'static str {
        match self {
            Speed::X1 => "x1",
            Speed::X10 => "x10",
            Speed::X1000 => "x1000",
            Speed::Max => "max",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Speed::X1 => "real time",
            Speed::X10 => "ten times real time",
            Speed::X1000 => "a thousand times real time",
            Speed::Max => "as fast as possible",
        }
    }

    /// Cycles per wall second (`None`: unlimited).
    pub fn cycles_per_second(self) -> Option<f64> {
        let c = CYCLES_PER_SECOND as f64;
        match self {
            Speed::X1 => Some(c),
            Speed::X10 => Some(10.0 * c),
            Speed::X1000 => Some(1000.0 * c),
            Speed::Max => None,
        }
    }
}

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
    NodeRecord(NodeRecordFile),
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
#[serde(rename = "node_record", deny_unknown_fields)]
struct NodeRecordFile {
    server: ServerName,
    requests: u64,
    #[serde(default)]
    retained_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename = "server", rename_all = "snake_case")]
enum ServerName {
    Leaky,
    Bounded,
    Listeners,
    ListenersFixed,
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
        event: Goal,
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
    /// Record a bundled Node server live (needs `node`; loopback only), with heap
    /// snapshots: its verdict, the Comparison's top growing constructor and what
    /// retains it.
    NodeRecord {
        server: node_heap::record::ServerKind,
        requests: u64,
        /// The top growing constructor's retaining path must pass through an edge or
        /// node of this name (the lesson's check that it found the leak it talks about).
        retained_by: Option<String>,
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
            Action::NodeRecord { server, requests, .. } => {
                format!("record the {server} Node server live for {requests} requests")
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
    tab.name()
}

/// Where a lesson was read from: its relative paths are looked up beside it, on the disk
/// or among the bundled files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Disk,
    Bundled,
}

/// Read and check a lesson. Every error is located: `PATH:LINE:COLUMN: message` for the
/// syntax (as for scripts and maps), `PATH:LINE:COLUMN: step N "title": action: message`
/// at the action for a step's content.
pub fn parse(path: &Path, text: &str, origin: Origin) -> Result<Lesson, FileError> {
    let extensions = ron::extensions::Extensions::IMPLICIT_SOME | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES;
    let file: LessonFile =
        ron::Options::default().with_default_extension(extensions).from_str(text).map_err(|e| FileError::Syntax {
            path: path.to_path_buf(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
    let at = |parts: &[PathPart], message: String| {
        let (line, column) = line_column(text, locate(text, parts).unwrap_or(0));
        FileError::Syntax { path: path.to_path_buf(), line, column, message }
    };
    if file.steps.is_empty() {
        return Err(at(&[PathPart::Field("steps")], "a lesson needs at least one step".into()));
    }
    let mut steps = Vec::with_capacity(file.steps.len());
    for (i, s) in file.steps.into_iter().enumerate() {
        let mut actions = Vec::with_capacity(s.actions.len());
        for (j, a) in s.actions.into_iter().enumerate() {
            let action = check_action(a, path, origin).map_err(|(what, e)| {
                let parts =
                    [PathPart::Field("steps"), PathPart::Index(i), PathPart::Field("actions"), PathPart::Index(j)];
                at(&parts, format!("step {} {:?}: {what}: {e}", i + 1, s.title))
            })?;
            actions.push(action);
        }
        steps.push(Step { paragraphs: paragraphs(&s.text), title: s.title, actions });
    }
    let name = path.display().to_string();
    Ok(Lesson { name, title: file.title, audience: file.audience, duration: file.duration, steps })
}

/// Read a lesson from the disk, or from the bundled files when a path below `programs/`
/// is not on the disk (as everywhere else); a file that is not a lesson is refused.
pub fn read(path: &Path) -> Result<Lesson, FileError> {
    let (text, origin) = match ccs_programs::bundled_path(path).filter(|_| !path.exists()) {
        Some(bundled) => (ccs_programs::file(bundled).unwrap_or_default().to_string(), Origin::Bundled),
        None => (ccs_files::read_text(path)?, Origin::Disk),
    };
    let shown = match origin {
        Origin::Bundled => PathBuf::from(ccs_programs::bundled_path(path).unwrap_or_default()),
        Origin::Disk => path.to_path_buf(),
    };
    if !ccs_files::kind::looks_like_lesson(&text) {
        return Err(FileError::invalid(
            &shown,
            "not a lesson: a lesson is a RON file with `title` and `steps` (programs/lessons/README.md)",
        ));
    }
    parse(&shown, &text, origin)
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
                EventFile::Dcm(n) if n <= 0o7777 => Goal::Dcm(n),
                EventFile::Dcm(n) => return Err(fail(format!("dcm 0o{n:o}: discrete commands are 0o0-0o7777"))),
                EventFile::Output(o) if o.channel > 0o7777 => {
                    return Err(fail(format!("output: channel 0o{:o} is not 0o0-0o7777", o.channel)));
                }
                EventFile::Output(OutputFile { value: Some(v), .. }) if v > 0o777777 => {
                    return Err(fail(format!("output: value 0o{v:o} does not fit 18 bits")));
                }
                EventFile::Output(o) => Goal::Output { channel: o.channel, value: o.value },
                EventFile::Interrupt(level) if level < 32 => Goal::Interrupt(level as u8),
                EventFile::Interrupt(level) => return Err(fail(format!("interrupt {level}: levels are 0-31"))),
                EventFile::Halt => Goal::Halt,
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
        ActionFile::NodeRecord(r) => {
            use node_heap::record::ServerKind;
            if !(100..=1_000_000).contains(&r.requests) {
                return Err(("node_record", format!("requests: {} is not 100-1000000", r.requests)));
            }
            let server = match r.server {
                ServerName::Leaky => ServerKind::Leaky,
                ServerName::Bounded => ServerKind::Bounded,
                ServerName::Listeners => ServerKind::Listeners,
                ServerName::ListenersFixed => ServerKind::ListenersFixed,
            };
            Action::NodeRecord { server, requests: r.requests, retained_by: r.retained_by }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use ccs_core::{Fault, ProcId};
    use ccs_files::kind::looks_like_lesson;

    const MINIMAL: &str = r#"(
        title: "A first look",
        steps: [
            (title: "The map", text: "Six memories.", actions: [open("tick.img"), view(memory_map)]),
        ],
    )"#;

    fn parse_text(text: &str) -> Result<Lesson, String> {
        parse(Path::new("lessons/l.ron"), text, Origin::Bundled).map_err(|e| e.to_string())
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
        assert_eq!(a[2], Action::RunUntil { event: Goal::Dcm(1), written: "2min".into(), within: 60_000_000 });
        assert_eq!(
            a[4],
            Action::RunUntil {
                event: Goal::Output { channel: 0o10, value: None },
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
            ("(title: \"t\", steps: [])", "lessons/l.ron:1:21: a lesson needs at least one step"),
            (
                "(title: \"t\", steps: [(title: \"s\", text: \"x\", actions: [open(\"nowhere.asm\")])])",
                "lessons/l.ron:1:56: step 1 \"s\": open: no file \"nowhere.asm\"",
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
}
