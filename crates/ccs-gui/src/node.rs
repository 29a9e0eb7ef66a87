//! The "two machines" view's state: a Node.js heap timeline (a bundled recording, a
//! file, or a live run of a bundled server) with its budget, leak verdict and, when the
//! recording has heap snapshots, the top growing constructors.
//!
//! A live run is `node_heap::record::record` on a worker thread: its guards kill and
//! reap both child processes whatever happens; Stop (or dropping the view, when the app
//! closes) cancels it and waits for the thread.

use node_heap::record::{RecordEvent, RecordOptions, Recording, ServerKind};
use node_heap::snapshot::{ClassDiff, RetainerPath};
use node_heap::{LeakAnalysis, LeakCriteria, Timeline, analyze};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The CCS's whole memory set, for the comparison line.
pub const CCS_BYTES: u64 = 69_632;
/// Constructors listed.
pub const TOP: usize = 8;

#[derive(Clone, Debug, PartialEq)]
pub enum NodeEvent {
    /// The bundled recording of the leaky (true) or the bounded (false) server.
    Recorded {
        leaky: bool,
    },
    /// A timeline file or a recording folder.
    Open(PathBuf),
    SetBudgetMib(u64),
    SetServer(ServerKind),
    SetRequests(u64),
    StartLive,
    StopLive,
    /// Record a bundled server live at once, with snapshots (a lesson's `node_record`,
    /// which waits for the recording anyway); how it went is left in
    /// [`NodeView::recorded`].
    RecordNow {
        server: ServerKind,
        requests: u64,
        /// The top grower's retaining path must pass through this edge or node.
        retained_by: Option<String>,
    },
}

/// What the worker thread reports.
#[derive(Clone, Debug, Default)]
pub struct LiveProgress {
    pub pid: Option<u32>,
    pub node_version: Option<String>,
    pub done: u64,
    pub failed: u64,
    pub stopping: bool,
}

/// What the worker thread returns: the recording and, with snapshots, their comparison.
type LiveResult = Result<(Recording, Option<Growers>), String>;

/// The top growing rows and what holds the first.
type Growers = (Vec<ClassDiff>, Option<RetainerPath>);

/// A live recording in progress.
pub struct Live {
    pub server: ServerKind,
    pub requests: u64,
    pub dir: PathBuf,
    cancel: Arc<AtomicBool>,
    pub progress: Arc<Mutex<LiveProgress>>,
    handle: Option<JoinHandle<LiveResult>>,
    last_poll: Option<Instant>,
    pub started: Instant,
}

impl Live {
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(|h| h.is_finished())
    }

    /// Cancel and wait for the worker (the recorder stops and reaps the processes).
    fn stop_and_join(&mut self) -> Option<LiveResult> {
        self.cancel.store(true, Ordering::Relaxed);
        self.handle.take().map(|h| h.join().unwrap_or_else(|_| Err("the recording thread panicked".into())))
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub struct NodeView {
    pub source: String,
    pub timeline: Option<Timeline>,
    /// The heapUsed budget in bytes.
    pub budget: u64,
    pub analysis: Option<LeakAnalysis>,
    pub recording: Option<Recording>,
    /// Top growing constructors (from the recording's snapshots).
    pub growing: Option<Vec<ClassDiff>>,
    /// What holds the top grower: the retaining path of one of its new objects.
    pub retainer: Option<RetainerPath>,
    /// Why there are no constructors, or what went wrong.
    pub note: Option<String>,
    pub error: Option<String>,
    pub server: ServerKind,
    pub requests: u64,
    pub live: Option<Live>,
    /// How the latest [`NodeEvent::RecordNow`] went: its summary, or why it failed.
    pub recorded: Option<Result<String, String>>,
}

impl Default for NodeView {
    fn default() -> Self {
        let mut v = NodeView {
            source: String::new(),
            timeline: None,
            budget: 64 << 20,
            analysis: None,
            recording: None,
            growing: None,
            retainer: None,
            note: None,
            error: None,
            server: ServerKind::Leaky,
            requests: 20_000,
            live: None,
            recorded: None,
        };
        v.apply(NodeEvent::Recorded { leaky: true });
        v
    }
}

impl NodeView {
    pub fn apply(&mut self, e: NodeEvent) {
        match e {
            NodeEvent::Recorded { leaky } => {
                let (name, text) = if leaky {
                    ("bundled recording of the leaky server", node_heap::record::RECORDED_LEAKY_TIMELINE)
                } else {
                    ("bundled recording of the bounded server", node_heap::record::RECORDED_BOUNDED_TIMELINE)
                };
                match Timeline::parse(text) {
                    Ok(t) => self.set_timeline(name.into(), t, None),
                    Err(e) => self.error = Some(format!("{name}: {e}")),
                }
                self.note = Some("this recording has no heap snapshots: record live to see the constructors".into());
            }
            NodeEvent::Open(path) => match crate::files::open_path(&path) {
                crate::files::Opened::Timeline { name, timeline, recording } => {
                    self.set_timeline(name, timeline, recording)
                }
                crate::files::Opened::Error { text, .. } => self.error = Some(text),
                _ => self.error = Some(format!("{}: not a Node timeline or recording folder", path.display())),
            },
            NodeEvent::SetBudgetMib(m) => {
                self.budget = m.clamp(1, 1 << 20) << 20;
                self.reanalyze();
            }
            NodeEvent::SetServer(s) => self.server = s,
            NodeEvent::SetRequests(n) => self.requests = n.clamp(1, 10_000_000),
            NodeEvent::StartLive => self.start_live(),
            NodeEvent::StopLive => {
                if let Some(live) = &self.live {
                    live.cancel.store(true, Ordering::Relaxed);
                }
            }
            NodeEvent::RecordNow { server, requests, retained_by } => {
                let recorded = ccs_lesson::node::record(server, requests, retained_by.as_deref());
                self.recorded = Some(recorded.map(|r| {
                    self.set_timeline(
                        format!("live: the {server} server"),
                        r.timeline,
                        Some((r.dir.clone(), r.recording)),
                    );
                    let _ = std::fs::remove_dir_all(&r.dir);
                    r.summary
                }));
            }
        }
    }

    /// Show a timeline (and the comparison of its recording's snapshots, if any).
    pub fn set_timeline(&mut self, name: String, timeline: Timeline, recording: Option<(PathBuf, Recording)>) {
        self.source = name;
        self.timeline = Some(timeline);
        self.error = None;
        self.growing = None;
        self.retainer = None;
        self.note = None;
        self.recording = None;
        if let Some((dir, rec)) = recording {
            match snapshots(&dir) {
                Ok(Some((g, r))) => (self.growing, self.retainer) = (Some(g), r),
                Ok(None) => self.note = Some("this recording has no heap snapshots".into()),
                Err(e) => self.note = Some(e),
            }
            self.recording = Some(rec);
        }
        self.reanalyze();
    }

    fn reanalyze(&mut self) {
        self.analysis = self.timeline.as_ref().map(|t| analyze(t, self.budget, &LeakCriteria::default()));
    }

    fn start_live(&mut self) {
        if self.live.as_ref().is_some_and(|l| !l.is_finished()) {
            return;
        }
        self.live = None;
        // One folder per run, unique in the process (several views may record at once).
        static RUNS: AtomicU32 = AtomicU32::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("ccs-gui-node-{}-{run}", std::process::id()));
        let mut opts = RecordOptions::new(self.server, self.requests, &dir);
        opts.snapshots = true;
        opts.server_timeout = Duration::from_secs(60);
        if let Some(node) = std::env::var_os("CCS_NODE") {
            opts.node = node.into();
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Mutex::new(LiveProgress::default()));
        let (c, p) = (cancel.clone(), progress.clone());
        let handle = std::thread::Builder::new().name("node-recording".into()).spawn(move || -> LiveResult {
            let rec = node_heap::record::record(&opts, &c, &mut |e| {
                if let Ok(mut p) = p.lock() {
                    match e {
                        RecordEvent::Listening { pid, node_version, .. } => {
                            p.pid = Some(pid);
                            p.node_version = Some(node_version);
                        }
                        RecordEvent::Progress { done, failed } => {
                            p.done = done;
                            p.failed = failed;
                        }
                        RecordEvent::Stopping => p.stopping = true,
                    }
                }
            })
            .map_err(|e| e.to_string())?;
            let _ = ccs_files::write_atomic(&opts.out_dir.join(node_heap::record::MANIFEST), rec.to_json().as_bytes());
            let growing = snapshots(&opts.out_dir).ok().flatten();
            Ok((rec, growing))
        });
        match handle {
            Ok(h) => {
                self.source = format!("live: the {} server ({})", self.server, self.server.describe());
                self.timeline = None;
                self.analysis = None;
                self.growing = None;
                self.retainer = None;
                self.recording = None;
                self.error = None;
                self.note = Some("recording: the constructors come from the heap snapshots at the end".into());
                self.live = Some(Live {
                    server: self.server,
                    requests: self.requests,
                    dir,
                    cancel,
                    progress,
                    handle: Some(h),
                    last_poll: None,
                    started: Instant::now(),
                });
            }
            Err(e) => self.error = Some(format!("cannot start the recording thread: {e}")),
        }
    }

    /// Called every frame: read the growing timeline of a live run, collect its end.
    pub fn poll(&mut self) {
        let Some(live) = &mut self.live else { return };
        if live.handle.is_none() {
            return;
        }
        if live.last_poll.is_none_or(|t| t.elapsed() > Duration::from_millis(250)) {
            live.last_poll = Some(Instant::now());
            if let Some(t) = read_partial(&live.dir.join(node_heap::record::TIMELINE)) {
                self.timeline = Some(t);
                self.reanalyze();
            }
        }
        let Some(live) = &mut self.live else { return };
        if !live.is_finished() {
            return;
        }
        match live.stop_and_join() {
            Some(Ok((rec, growing))) => {
                if let Some(t) = read_partial(&live.dir.join(&rec.timeline)) {
                    self.timeline = Some(t);
                }
                self.note = match &growing {
                    Some(_) => None,
                    None => Some("no heap snapshots were written (the server stopped early?)".into()),
                };
                if rec.crashed() {
                    self.error = Some(format!(
                        "the server crashed: {}{}",
                        rec.server_exit.description,
                        rec.server_exit.fatal_error.as_deref().map(|f| format!("; V8 said: {f}")).unwrap_or_default()
                    ));
                } else if let Some(e) = &rec.load_error {
                    self.error = Some(format!("the load stopped early: {e}"));
                }
                (self.growing, self.retainer) = match growing {
                    Some((g, r)) => (Some(g), r),
                    None => (None, None),
                };
                self.recording = Some(rec);
            }
            Some(Err(e)) => self.error = Some(e),
            None => {}
        }
        self.reanalyze();
    }

    pub fn is_live(&self) -> bool {
        self.live.as_ref().is_some_and(|l| !l.is_finished())
    }
}

/// The timeline written so far, without a last line still being written.
fn read_partial(path: &Path) -> Option<Timeline> {
    let text = std::fs::read_to_string(path).ok()?;
    let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    Timeline::parse(complete).ok()
}

/// The classes that grew between a recording folder's heap snapshots, largest first, and
/// the retaining path of the first (`node_heap::report`, the Comparison and Retainers of
/// `ccs node diff --retainers`); `None` if the folder has no pair of snapshots.
fn snapshots(dir: &Path) -> Result<Option<Growers>, String> {
    // The budget only sets the report's verdict, which the view computes itself.
    let report = node_heap::report::open(dir, 64 << 20).map_err(|e| format!("{}: {e}", dir.display()))?;
    if let Some(e) = &report.snapshot_error {
        return Err(e.clone());
    }
    if report.comparison.is_none() {
        return Ok(None);
    }
    let growing = report.top_growers(TOP).into_iter().cloned().collect();
    Ok(Some((growing, report.first_retainer().cloned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_recordings_give_opposite_verdicts() {
        let mut v = NodeView::default();
        assert!(v.analysis.as_ref().unwrap().verdict.is_growing(), "{}", v.analysis.as_ref().unwrap().verdict);
        v.apply(NodeEvent::Recorded { leaky: false });
        assert!(!v.analysis.as_ref().unwrap().verdict.is_growing(), "{}", v.analysis.as_ref().unwrap().verdict);
        v.apply(NodeEvent::Open(PathBuf::from("/nonexistent/timeline.jsonl")));
        assert!(v.error.as_ref().unwrap().contains("/nonexistent/timeline.jsonl"));
    }

    #[test]
    fn a_partial_last_line_is_ignored() {
        let dir = std::env::temp_dir().join(format!("ccs-gui-partial-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.jsonl");
        let mut text: String =
            node_heap::record::RECORDED_BOUNDED_TIMELINE.lines().take(3).map(|l| format!("{l}\n")).collect();
        text.push_str("{\"t\": 17");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(read_partial(&path).unwrap().samples.len(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
