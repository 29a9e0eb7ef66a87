//! What the panels show and how: tabs, the selected word, the zoomed memory, the style,
//! the dialogs. Nothing here touches the machine; [`ViewState::apply`] carries out the
//! [`ViewEvent`]s.

use crate::events::ViewEvent;
use ccs_core::{MemoryId, ProcId};
pub use ccs_lesson::{SideTab, View};

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

/// The view state of the app.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewState {
    /// What fills the centre of the window.
    pub shown: View,
    pub side_tab: SideTab,
    pub bottom_tab: BottomTab,
    pub left_tab: LeftTab,
    /// The processor the machine panel, the disassembly and the debugger's steps are about.
    pub focus: ProcId,
    /// The disassembly line clicked (for run to cursor).
    pub cursor: Option<u32>,
    /// The word the Inspector shows.
    pub selection: Option<(MemoryId, u32)>,
    /// The memory shown alone, large.
    pub zoom: Option<MemoryId>,
    pub theme: Theme,
    pub font_scale: f32,
    /// View > Presentation (F5): the present-mode style of `ui::style`, text large enough
    /// for a projector; independent of the text scale.
    pub presentation: bool,
    pub show_help: bool,
    pub show_open: bool,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            shown: View::MemoryMap,
            side_tab: SideTab::Inspector,
            bottom_tab: BottomTab::Log,
            left_tab: LeftTab::Lesson,
            focus: ProcId::A,
            cursor: None,
            selection: None,
            zoom: None,
            theme: Theme::Dark,
            font_scale: 1.0,
            presentation: false,
            show_help: false,
            show_open: false,
        }
    }
}

impl ViewState {
    pub fn apply(&mut self, event: ViewEvent) {
        match event {
            ViewEvent::Select(selection) => {
                self.selection = selection.filter(|(m, a)| *a < m.words());
                if self.selection.is_some() {
                    self.side_tab = SideTab::Inspector;
                }
            }
            ViewEvent::Zoom(zoom) => {
                self.zoom = zoom;
                self.shown = View::MemoryMap;
            }
            ViewEvent::SetView(v) => self.shown = v,
            ViewEvent::SetSideTab(t) => {
                self.side_tab = t;
                self.shown = View::MemoryMap;
            }
            ViewEvent::SetBottomTab(t) => self.bottom_tab = t,
            ViewEvent::SetLeftTab(t) => self.left_tab = t,
            ViewEvent::SetTheme(t) => self.theme = t,
            ViewEvent::SetFontScale(f) => self.font_scale = f.clamp(0.75, 2.5),
            ViewEvent::SetPresentation(on) => self.presentation = on,
            ViewEvent::ShowHelp(b) => self.show_help = b,
            ViewEvent::ShowOpenDialog(b) => self.show_open = b,
        }
    }
}
