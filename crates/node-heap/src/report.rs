//! Everything a recording folder says, in one call: [`open`] reads its timeline and manifest, judges
//! the heap, and when the folder has both heap snapshots, compares them (DevTools' rules) with the
//! retaining path of the top growing rows. The desktop app opens any recording folder with it.

use crate::leak::{LeakAnalysis, LeakCriteria, analyze};
use crate::record::{END_SNAPSHOT, Recording, START_SNAPSHOT, TIMELINE};
use crate::snapshot::{ClassDiff, Comparison, RetainerPath, compare, open_pair};
use crate::timeline::{Timeline, TimelineError};
use std::path::{Path, PathBuf};

/// What a recording folder holds, judged.
#[derive(Debug)]
pub struct RecordingReport {
    /// The timeline file read.
    pub timeline_path: PathBuf,
    pub timeline: Timeline,
    /// `recording.json`, when the folder has one.
    pub recording: Option<Recording>,
    pub analysis: LeakAnalysis,
    /// The Comparison of the start and end snapshots, with retaining paths, when both exist.
    pub comparison: Option<Comparison>,
    /// Why the snapshots could not be compared, if they could not.
    pub snapshot_error: Option<String>,
}

impl RecordingReport {
    /// The rows that grew most (by size delta), at most `n`.
    pub fn top_growers(&self, n: usize) -> Vec<&ClassDiff> {
        let Some(c) = &self.comparison else { return Vec::new() };
        let mut rows: Vec<&ClassDiff> = c.growing().collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.size_delta));
        rows.truncate(n);
        rows
    }

    /// What holds the top grower: the retaining path of one of its new objects.
    pub fn first_retainer(&self) -> Option<&RetainerPath> {
        let top = self.top_growers(1).into_iter().next()?;
        self.comparison.as_ref()?.retainers.iter().find(|r| r.class == top.name && r.location == top.location)
    }
}

/// Why a recording could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Timeline(#[from] TimelineError),
    #[error(transparent)]
    Manifest(#[from] crate::record::RecordError),
}

/// Rows whose retaining paths are computed.
pub const RETAINED_ROWS: usize = 5;

/// Open a recording folder (or a timeline file, with the folder it is in) and judge it against
/// `budget` bytes.
pub fn open(path: &Path, budget: u64) -> Result<RecordingReport, ReportError> {
    open_with(path, budget, crate::timeline::MAX_TIMELINE_BYTES)
}

/// [`open`], reading a timeline of at most `max_timeline_bytes`.
pub fn open_with(path: &Path, budget: u64, max_timeline_bytes: u64) -> Result<RecordingReport, ReportError> {
    let timeline_path = if path.is_dir() { path.join(TIMELINE) } else { path.to_path_buf() };
    let timeline = Timeline::read_with(&timeline_path, max_timeline_bytes)?;
    let recording = Recording::for_timeline(&timeline_path).transpose()?;
    let dir = timeline_path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    let analysis = analyze(&timeline, budget, &LeakCriteria::default());
    let (start, end) = match &recording {
        Some(r) => (r.start_snapshot.clone(), r.end_snapshot.clone()),
        None => (Some(START_SNAPSHOT.into()), Some(END_SNAPSHOT.into())),
    };
    let (mut comparison, mut snapshot_error) = (None, None);
    if let (Some(s), Some(e)) = (start, end) {
        let (base, target) = (dir.join(s), dir.join(e));
        if base.is_file() && target.is_file() {
            match open_pair(&base, &target) {
                (Ok(b), Ok(t)) => comparison = Some(compare(&b, &t).with_retainers(&b, &t, RETAINED_ROWS)),
                (Err(e), _) => snapshot_error = Some(format!("{}: {e}", base.display())),
                (_, Err(e)) => snapshot_error = Some(format!("{}: {e}", target.display())),
            }
        }
    }
    Ok(RecordingReport { timeline_path, timeline, recording, analysis, comparison, snapshot_error })
}
