//! A lesson's live Node heap recording (`node_record`): a bundled server recorded with
//! heap snapshots before and after the load, its leak verdict, the Comparison's top
//! growing constructor and what retains it. The desktop app and [`Headless`] both record
//! through here.
//!
//! [`Headless`]: crate::Headless

use crate::headless::{NODE_BUDGET, plain};
use node_heap::record::{RecordOptions, Recording, ServerKind};
use node_heap::snapshot::{HeapSnapshot, compare, open_pair};
use node_heap::{LeakCriteria, Timeline, analyze};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// What a recording found.
pub struct Recorded {
    /// Where the recording was written (timeline, snapshots, manifest).
    pub dir: PathBuf,
    pub recording: Recording,
    pub timeline: Timeline,
    /// One line for the lesson: the verdict, the top growing constructor and its
    /// retaining path.
    pub summary: String,
}

/// Steps of a retaining path shown on one line.
const PATH_STEPS: usize = 6;

/// Record a bundled server for `requests` requests (loopback only), with snapshots; when
/// `retained_by` is given, the top growing constructor's retaining path must pass
/// through an edge or node of that name.
pub fn record(server: ServerKind, requests: u64, retained_by: Option<&str>) -> Result<Recorded, String> {
    // One folder per recording, unique in the process.
    static RUNS: AtomicU32 = AtomicU32::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ccs-lesson-node-{}-{run}", std::process::id()));
    let mut opts = RecordOptions::new(server, requests, &dir);
    opts.snapshots = true;
    opts.server_timeout = std::time::Duration::from_secs(60);
    if let Some(node) = std::env::var_os("CCS_NODE") {
        opts.node = node.into();
    }
    let recording = node_heap::record::record(&opts, &AtomicBool::new(false), &mut |_| {})
        .map_err(|e| format!("recording the {server} server: {e}"))?;
    if let Some(e) = &recording.load_error {
        return Err(format!("the {server} server: the load stopped early: {e}"));
    }
    let timeline =
        Timeline::read(&dir.join(&recording.timeline)).map_err(|e| format!("the {server} server's timeline: {e}"))?;
    let _ = ccs_files::write_atomic(&dir.join(node_heap::record::MANIFEST), recording.to_json().as_bytes());
    let verdict = analyze(&timeline, NODE_BUDGET, &LeakCriteria::default()).verdict;
    let mut summary = plain(&format!("verdict: {verdict}"));
    if let (Some(s), Some(e)) = (&recording.start_snapshot, &recording.end_snapshot) {
        let (base, target) = open_pair(&dir.join(s), &dir.join(e));
        let base: HeapSnapshot = base.map_err(|e| format!("the start snapshot: {e}"))?;
        let target: HeapSnapshot = target.map_err(|e| format!("the end snapshot: {e}"))?;
        let c = compare(&base, &target).with_retainers(&base, &target, 1);
        if let Some(top) = c.growing().next() {
            summary.push_str(&format!("; top growing: {} (+{} objects)", top.name, top.count_delta));
        }
        let path = c.retainers.first();
        if let Some(path) = path {
            summary.push_str(&format!("; retained by {}", plain(&path.chain(PATH_STEPS))));
        }
        if let Some(name) = retained_by
            && !path.is_some_and(|p| p.path.iter().any(|step| step.edge == name || step.node == name))
        {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!("the top growing constructor is not retained through `{name}`: {summary}"));
        }
    } else if retained_by.is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(format!("the {server} server wrote no heap snapshots"));
    }
    Ok(Recorded { dir, recording, timeline, summary })
}
