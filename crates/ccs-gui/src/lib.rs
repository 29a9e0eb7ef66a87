//! The Voyager CCS desktop app (issue 7) and its "two machines" view (issue 8).
//!
//! State is kept apart from drawing, in the manner of MartyPC: [`state::AppState`] holds
//! the emulator and everything the app knows; the panels in [`ui`] read it and return
//! [`state::UiEvent`]s; [`app::CcsApp`] applies them and runs the emulator in time slices.
//! Tests drive the same state through the same events, headless.

pub mod app;
pub mod files;
pub mod lesson;
pub mod log;
pub mod node;
pub mod state;
pub mod ui;
pub mod watch;

pub use app::CcsApp;
pub use state::{AppState, Speed, UiEvent, View};
