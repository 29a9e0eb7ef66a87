//! The Voyager CCS desktop app (issue 7) and its "two machines" view (issue 8).
//!
//! State is kept apart from drawing, in the manner of MartyPC: [`state::AppState`] holds
//! the session (the emulator with its breakpoints and run goal), the [`view::ViewState`]
//! and the lesson runner; the panels in [`ui`] read it and push [`events::UiEvent`]s, one
//! enum per domain; [`app::CcsApp`] applies them and runs the emulator in time slices.
//! Tests drive the same state through the same events, headless.

pub mod app;
pub mod events;
pub mod files;
pub mod lesson;
pub mod log;
pub mod node;
pub mod state;
pub mod ui;
pub mod view;
pub mod watch;

pub use app::CcsApp;
pub use events::{DebugEvent, Events, FaultsEvent, FileEvent, LessonEvent, LogEvent, RunEvent, UiEvent, ViewEvent};
pub use state::{AppState, Speed, View};
