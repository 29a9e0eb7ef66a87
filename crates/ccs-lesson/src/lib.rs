//! Lessons and the files the tools open, for every front end: the lesson format and its
//! checks ([`format`]), opening any file the tools know ([`open`]), the step-by-step
//! runner that carries a lesson's actions out on a [`runner::Host`] ([`runner`]), and
//! [`Headless`], a host with no window, for `ccs lesson check` and tests. The desktop app
//! is another host. Nothing here draws or prints.

pub mod format;
pub mod headless;
pub mod node;
pub mod open;
pub mod runner;

pub use format::{Action, Lesson, OpenTarget, Origin, SideTab, Speed, Step, View, parse, read};
pub use headless::{Headless, StepReport, check};
pub use open::{LoadedProgram, LoadedScript, Opened};
pub use runner::{ActionResult, Host, LessonState, Performed};
