//! What the panels ask for, by domain (the MartyPC pattern): windows push events, and
//! [`AppState::apply`](crate::state::AppState::apply) hands each domain's events to the
//! part of the state that owns it. A lesson's actions are the same events: one
//! conversion, [`UiEvent::from`] an [`Action`], so the lesson crate and the app do not
//! write the actions twice.

use crate::node::NodeEvent;
use crate::view::{BottomTab, LeftTab, Theme};
use ccs_core::{Goal, Input, MemoryId, ProcId};
use ccs_lesson::format::{Action, OpenTarget};
use ccs_lesson::{SideTab, Speed, View};
use std::path::PathBuf;

/// Every event a panel, a shortcut, a command-line option or a lesson can send.
#[derive(Clone, Debug, PartialEq)]
pub enum UiEvent {
    Run(RunEvent),
    Debug(DebugEvent),
    View(ViewEvent),
    Log(LogEvent),
    File(FileEvent),
    Faults(FaultsEvent),
    Lesson(LessonEvent),
    Node(NodeEvent),
}

/// Running the machine: the session's runs, paced by the speed.
#[derive(Clone, Debug, PartialEq)]
pub enum RunEvent {
    Run,
    Pause,
    /// Run when paused, pause when running (Space).
    Toggle,
    /// The program reloaded, time 0.
    Reset,
    SetSpeed(Speed),
    /// Run `cycles` more cycles, then pause.
    For(u64),
    /// Run until the goal is met, for at most `within` cycles, then pause.
    Until {
        goal: Goal,
        within: u64,
    },
}

/// The debugger: steps, breakpoints, the processor and line shown.
#[derive(Clone, Debug, PartialEq)]
pub enum DebugEvent {
    StepInto,
    StepOver,
    RunToCursor,
    SetFocus(ProcId),
    ToggleBreakpoint(ProcId, u32),
    ClearBreakpoints,
    /// The disassembly cursor (for run to cursor).
    SetCursor(Option<u32>),
}

/// What the panels show: no effect on the machine.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewEvent {
    Select(Option<(MemoryId, u32)>),
    /// Show one memory alone, large (`None`: all six); the memory map comes to the front.
    Zoom(Option<MemoryId>),
    SetView(View),
    /// A tab of the right-hand panel; the memory map (the panel's view) comes to the front.
    SetSideTab(SideTab),
    SetBottomTab(BottomTab),
    SetLeftTab(LeftTab),
    SetTheme(Theme),
    SetFontScale(f32),
    /// The large fonts of View > Presentation, or the normal ones.
    SetPresentation(bool),
    ShowHelp(bool),
    ShowOpenDialog(bool),
}

/// The bottom panel's event log and diagnostics.
#[derive(Clone, Debug, PartialEq)]
pub enum LogEvent {
    Clear,
    ClearDiagnostics,
    /// Log the clock's interrupts too.
    ShowClock(bool),
}

/// Opening files.
#[derive(Clone, Debug, PartialEq)]
pub enum FileEvent {
    /// A bundled file, by its path below `programs/`.
    LoadBundled(&'static str),
    /// The bundled allocation map.
    UseBundledMap,
    OpenPath(PathBuf),
    /// Open text as if it were a file of this name (tests, drag and drop).
    OpenText {
        name: String,
        text: String,
    },
}

/// Faults, and the relocation that works around dead words.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultsEvent {
    /// Schedule an input now (a fault, a device change, a parity error).
    Inject(Input),
    /// Kill words `start .. start + len` of a memory.
    KillRange { memory: MemoryId, start: u32, len: u32 },
    /// Lay the program out again around the dead words of its CCS memory (`ccs relocate`)
    /// and load it; the machine restarts from time 0 with the same dead words.
    Relocate,
}

/// Moving through the open lesson.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonEvent {
    /// The next step: the current one is finished at once, then the next one's actions
    /// are performed (a run at the chosen speed).
    Next,
    /// The step before, as [`LessonEvent::Go`] leaves it.
    Previous,
    /// Step N (0-based) as a run through the lesson leaves it: a reset, then the actions
    /// of steps 1 to N+1 performed at once.
    Go(usize),
    /// The current step's actions once more, from the state the machine is in now.
    Repeat,
    /// Finish the step's run (and its remaining actions) at once.
    FinishNow,
    Close,
}

macro_rules! domain {
    ($($domain:ident => $variant:ident),* $(,)?) => {$(
        impl From<$domain> for UiEvent {
            fn from(e: $domain) -> UiEvent {
                UiEvent::$variant(e)
            }
        }
    )*};
}

domain!(
    RunEvent => Run,
    DebugEvent => Debug,
    ViewEvent => View,
    LogEvent => Log,
    FileEvent => File,
    FaultsEvent => Faults,
    LessonEvent => Lesson,
    NodeEvent => Node,
);

impl From<&Action> for UiEvent {
    /// The event that carries a lesson's action out; the lesson runner then reads what it
    /// did from the state ([`crate::lesson`]).
    fn from(action: &Action) -> UiEvent {
        match action {
            Action::Open { target: OpenTarget::Bundled(path), .. } => FileEvent::LoadBundled(path).into(),
            Action::Open { target: OpenTarget::Disk(path), .. } => FileEvent::OpenPath(path.clone()).into(),
            Action::RunFor { cycles, .. } => RunEvent::For(*cycles).into(),
            Action::RunUntil { event, within, .. } => RunEvent::Until { goal: *event, within: *within }.into(),
            Action::Inject(input) => FaultsEvent::Inject(*input).into(),
            Action::KillRange { memory, start, len } => {
                FaultsEvent::KillRange { memory: *memory, start: *start, len: *len }.into()
            }
            Action::Relocate => FaultsEvent::Relocate.into(),
            Action::NodeHeap { leaky } => NodeEvent::Recorded { leaky: *leaky }.into(),
            Action::NodeRecord { server, requests, retained_by } => {
                NodeEvent::RecordNow { server: *server, requests: *requests, retained_by: retained_by.clone() }.into()
            }
            Action::View(view) => ViewEvent::SetView(*view).into(),
            Action::Tab(tab) => ViewEvent::SetSideTab(*tab).into(),
            Action::Select(memory, addr) => ViewEvent::Select(Some((*memory, *addr))).into(),
            Action::Zoom(memory) => ViewEvent::Zoom(*memory).into(),
            Action::Speed(speed) => RunEvent::SetSpeed(*speed).into(),
            Action::Run => RunEvent::Run.into(),
            Action::Pause => RunEvent::Pause.into(),
            Action::Reset => RunEvent::Reset.into(),
        }
    }
}

/// The events a frame's panels push, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Events(Vec<UiEvent>);

impl Events {
    pub fn push(&mut self, event: impl Into<UiEvent>) {
        self.0.push(event.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, UiEvent> {
        self.0.iter()
    }
}

impl<E: Into<UiEvent>> Extend<E> for Events {
    fn extend<I: IntoIterator<Item = E>>(&mut self, events: I) {
        self.0.extend(events.into_iter().map(Into::into));
    }
}

impl IntoIterator for Events {
    type Item = UiEvent;
    type IntoIter = std::vec::IntoIter<UiEvent>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
