//! Record a bundled Node server under load: start it on an ephemeral port of 127.0.0.1, drive a
//! bounded number of requests at it, stop it, and leave in the output folder:
//!
//! - `timeline.jsonl`: the memory samples (written by the server as it runs, so a crash keeps them);
//! - `start.heapsnapshot`, `end.heapsnapshot` with `snapshots`;
//! - `server.log`: the server's standard error (warnings, V8's fatal error if it crashed);
//!
//! and return a [`Recording`]: what was run and how it ended. Its caller saves it as
//! `recording.json` beside them ([`Recording::to_json`]; the CLI writes it atomically with
//! `ccs_files::write_atomic`), where `ccs node check` finds it.
//!
//! The programs are the ones in `programs/node/`, built into this crate and unpacked into a
//! temporary folder for each recording. Both child processes are killed and reaped whatever
//! happens: on success, on error, on cancel, on panic (a guard kills them when dropped).

use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const TIMELINE: &str = "timeline.jsonl";
pub const START_SNAPSHOT: &str = "start.heapsnapshot";
pub const END_SNAPSHOT: &str = "end.heapsnapshot";
pub const SERVER_LOG: &str = "server.log";
pub const MANIFEST: &str = "recording.json";

/// The bundled programs, by their path under `programs/node/`.
pub const PROGRAMS: &[(&str, &str)] = &[
    ("lib/harness.js", include_str!("../../../programs/node/lib/harness.js")),
    ("lib/sampler.js", include_str!("../../../programs/node/lib/sampler.js")),
    ("lib/lru.js", include_str!("../../../programs/node/lib/lru.js")),
    ("lib/cached-request.js", include_str!("../../../programs/node/lib/cached-request.js")),
    ("leaky-server.js", include_str!("../../../programs/node/leaky-server.js")),
    ("bounded-server.js", include_str!("../../../programs/node/bounded-server.js")),
    ("listeners-server.js", include_str!("../../../programs/node/listeners-server.js")),
    ("listeners-fixed-server.js", include_str!("../../../programs/node/listeners-fixed-server.js")),
    ("load.js", include_str!("../../../programs/node/load.js")),
];

/// The recorded timeline of the leaky server bundled for `ccs demo` ("the Node contrast").
pub const RECORDED_LEAKY_TIMELINE: &str = include_str!("../../../programs/node/recorded/leaky-timeline.jsonl");
/// Its bounded counterpart.
pub const RECORDED_BOUNDED_TIMELINE: &str = include_str!("../../../programs/node/recorded/bounded-timeline.jsonl");

/// Which bundled server to record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerKind {
    /// An unbounded plain-object cache keyed by user id, keeping every request's headers.
    Leaky,
    /// The same cache as a bounded LRU.
    Bounded,
    /// A listener added to a long-lived emitter for every connection, never removed.
    Listeners,
    /// The same listeners, removed through an AbortController when the connection closes.
    ListenersFixed,
}

impl ServerKind {
    pub const ALL: [ServerKind; 4] =
        [ServerKind::Leaky, ServerKind::Bounded, ServerKind::Listeners, ServerKind::ListenersFixed];

    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Leaky => "leaky",
            ServerKind::Bounded => "bounded",
            ServerKind::Listeners => "listeners",
            ServerKind::ListenersFixed => "listeners-fixed",
        }
    }

    pub fn parse(name: &str) -> Option<ServerKind> {
        ServerKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The program's file under `programs/node/`.
    pub fn script(self) -> &'static str {
        match self {
            ServerKind::Leaky => "leaky-server.js",
            ServerKind::Bounded => "bounded-server.js",
            ServerKind::Listeners => "listeners-server.js",
            ServerKind::ListenersFixed => "listeners-fixed-server.js",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            ServerKind::Leaky => "unbounded cache: a plain object keyed by user id keeps every request's headers",
            ServerKind::Bounded => "bounded cache: an LRU with a maximum entry count",
            ServerKind::Listeners => {
                "listener leak: one listener per connection on a long-lived emitter, never removed"
            }
            ServerKind::ListenersFixed => "listeners removed through an AbortController when the connection closes",
        }
    }

    /// The listener servers leak per connection: load them with a new connection per request.
    fn per_connection(self) -> bool {
        matches!(self, ServerKind::Listeners | ServerKind::ListenersFixed)
    }
}

impl std::fmt::Display for ServerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What to record.
#[derive(Clone, Debug)]
pub struct RecordOptions {
    pub server: ServerKind,
    /// Requests the load driver sends (each with a distinct user id).
    pub requests: u64,
    pub out_dir: PathBuf,
    /// Write heap snapshots before and after the load.
    pub snapshots: bool,
    /// Pass `--max-old-space-size` to make a leak crash early.
    pub heap_limit_mib: Option<u64>,
    /// The `node` executable.
    pub node: PathBuf,
    pub interval_ms: u64,
    /// Requests in flight at once.
    pub concurrency: u32,
    /// The bounded server's cache size (its default is 500).
    pub max_entries: Option<u64>,
    /// The load driver gives up after this long.
    pub load_timeout: Duration,
    /// How long the server may take to start (including the start snapshot) and to stop (including
    /// the end snapshot) before it is killed.
    pub server_timeout: Duration,
}

impl RecordOptions {
    pub fn new(server: ServerKind, requests: u64, out_dir: impl Into<PathBuf>) -> RecordOptions {
        RecordOptions {
            server,
            requests,
            out_dir: out_dir.into(),
            snapshots: false,
            heap_limit_mib: None,
            node: PathBuf::from("node"),
            interval_ms: 50,
            concurrency: 8,
            max_entries: None,
            load_timeout: Duration::from_secs(30 * 60),
            server_timeout: Duration::from_secs(120),
        }
    }
}

/// What a recording reports as it goes.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordEvent {
    /// The server is up.
    Listening { port: u16, pid: u32, node_version: String },
    /// Requests answered and failed so far.
    Progress { done: u64, failed: u64 },
    /// The load is over; the server is stopping (and writing its end snapshot).
    Stopping,
}

/// How the server process ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerExit {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// "exit code 0", "killed by signal 6 (SIGABRT)".
    pub description: String,
    /// V8's fatal error line from the server's standard error, such as
    /// "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory".
    pub fatal_error: Option<String>,
    /// The recorder had to kill it (it did not stop in time).
    pub killed_by_recorder: bool,
}

/// The manifest of a recording, `recording.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    pub server: ServerKind,
    pub requests: u64,
    pub requests_done: u64,
    pub requests_failed: u64,
    /// Why the load stopped early, if it did.
    pub load_error: Option<String>,
    pub cancelled: bool,
    pub node_version: String,
    pub heap_limit_mib: Option<u64>,
    pub interval_ms: u64,
    /// Milliseconds since the Unix epoch.
    pub started_ms: u64,
    pub duration_ms: u64,
    /// File names, relative to the manifest's folder.
    pub timeline: String,
    pub start_snapshot: Option<String>,
    pub end_snapshot: Option<String>,
    pub server_log: String,
    pub server_exit: ServerExit,
}

impl Recording {
    /// The server died instead of being stopped: a crash such as V8's heap limit.
    pub fn crashed(&self) -> bool {
        self.server_exit.code != Some(0) && !self.server_exit.killed_by_recorder
    }

    /// The manifest as `recording.json` holds it.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    pub fn read(path: &Path) -> Result<Recording, RecordError> {
        let text =
            fs::read_to_string(path).map_err(|source| RecordError::Io { what: path.display().to_string(), source })?;
        serde_json::from_str(&text)
            .map_err(|e| RecordError::Manifest { path: path.to_path_buf(), message: e.to_string() })
    }

    /// The manifest of the recording `timeline` belongs to: `recording.json` in the same folder,
    /// if there is one and it names this timeline.
    pub fn for_timeline(timeline: &Path) -> Option<Result<Recording, RecordError>> {
        let dir = timeline.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let manifest = dir.join(MANIFEST);
        if !manifest.is_file() {
            return None;
        }
        match Recording::read(&manifest) {
            Ok(r) if timeline.file_name().is_some_and(|n| *n == *r.timeline) => Some(Ok(r)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Why a recording could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(
        "could not run Node.js as `{}`: {source}. Install Node.js 18 or later, or say where it is (--node PATH or CCS_NODE)",
        node.display()
    )]
    NodeMissing { node: PathBuf, source: std::io::Error },
    #[error("`{}` is Node.js {version}; the bundled programs need v18 or later", node.display())]
    NodeTooOld { node: PathBuf, version: String },
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
    #[error("the {server} server did not start: {detail}")]
    ServerStart { server: ServerKind, detail: String },
    #[error("{}: not a recording manifest: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> RecordError {
    let what = what.into();
    move |source| RecordError::Io { what, source }
}

/// The version of `node` (`v20.11.1`), checking that it runs and is recent enough.
pub fn node_version(node: &Path) -> Result<String, RecordError> {
    let output = Command::new(node)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|source| RecordError::NodeMissing { node: node.to_path_buf(), source })?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let major: Option<u32> = version.strip_prefix('v').and_then(|v| v.split('.').next()).and_then(|m| m.parse().ok());
    match major {
        Some(m) if m >= 18 && output.status.success() => Ok(version),
        _ => Err(RecordError::NodeTooOld { node: node.to_path_buf(), version }),
    }
}

/// The bundled programs unpacked into a temporary folder, removed when dropped.
pub struct Programs {
    dir: tempfile::TempDir,
}

impl Programs {
    pub fn unpack() -> Result<Programs, RecordError> {
        let dir = tempfile::Builder::new().prefix("ccs-node-").tempdir().map_err(io("creating a temporary folder"))?;
        for (name, text) in PROGRAMS {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io(parent.display().to_string()))?;
            }
            fs::write(&path, text).map_err(io(path.display().to_string()))?;
        }
        Ok(Programs { dir })
    }

    pub fn path(&self, program: &str) -> PathBuf {
        self.dir.path().join(program)
    }
}

/// A child process that is killed and reaped when dropped, unless it has already been waited for.
struct ChildGuard {
    child: Child,
    status: Option<ExitStatus>,
}

impl ChildGuard {
    fn new(child: Child) -> ChildGuard {
        ChildGuard { child, status: None }
    }

    fn try_wait(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Wait up to `timeout`; then kill. Returns the status and whether it had to be killed.
    fn wait_or_kill(&mut self, timeout: Duration) -> (Option<ExitStatus>, bool) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(s) = self.try_wait() {
                return (Some(s), false);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        self.status = self.child.wait().ok();
        (self.status, true)
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.try_wait().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Send every line of `from` to a channel, on a thread of its own.
fn lines_of(from: impl Read + Send + 'static) -> mpsc::Receiver<std::io::Result<String>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The last `n` lines of a text file (for error messages).
fn tail(path: &Path, n: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// V8's fatal error line in the server's log, if any.
pub fn fatal_error(log: &str) -> Option<String> {
    log.lines()
        .find(|l| l.contains("FATAL ERROR") || l.contains("JavaScript heap out of memory"))
        .map(|l| l.trim().to_string())
}

fn describe_exit(status: Option<ExitStatus>) -> (Option<i32>, Option<i32>, String) {
    let Some(status) = status else { return (None, None, "unknown (could not be waited for)".into()) };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let name = match sig {
                2 => " (SIGINT)",
                4 => " (SIGILL)",
                5 => " (SIGTRAP)",
                6 => " (SIGABRT)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                15 => " (SIGTERM)",
                _ => "",
            };
            return (None, Some(sig), format!("killed by signal {sig}{name}"));
        }
    }
    match status.code() {
        Some(c) => (Some(c), None, format!("exit code {c}")),
        None => (None, None, "ended without an exit code".into()),
    }
}

#[derive(Deserialize)]
struct ServerEvent {
    event: String,
    port: Option<u16>,
    pid: Option<u32>,
}

#[derive(Deserialize)]
struct LoadLine {
    event: Option<String>,
    done: Option<u64>,
    failed: Option<u64>,
    message: Option<String>,
}

/// Record `opts.server` under load. `cancel` stops the load early (the server is still stopped
/// properly and the recording written); `on_event` hears about progress.
pub fn record(
    opts: &RecordOptions,
    cancel: &AtomicBool,
    on_event: &mut dyn FnMut(RecordEvent),
) -> Result<Recording, RecordError> {
    let node_version = node_version(&opts.node)?;
    fs::create_dir_all(&opts.out_dir).map_err(io(opts.out_dir.display().to_string()))?;
    let out = opts.out_dir.canonicalize().map_err(io(opts.out_dir.display().to_string()))?;
    // Files of an earlier recording in this folder would be mistaken for this one's.
    for name in [TIMELINE, START_SNAPSHOT, END_SNAPSHOT, SERVER_LOG, MANIFEST] {
        match fs::remove_file(out.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(name)(e)),
            _ => {}
        }
    }
    let programs = Programs::unpack()?;
    let log_path = out.join(SERVER_LOG);
    let log = fs::File::create(&log_path).map_err(io(log_path.display().to_string()))?;

    let mut cmd = Command::new(&opts.node);
    if let Some(mib) = opts.heap_limit_mib {
        cmd.arg(format!("--max-old-space-size={mib}"));
    }
    cmd.arg(programs.path(opts.server.script()))
        .arg("--stop-on-stdin-end")
        .arg("--timeline")
        .arg(out.join(TIMELINE))
        .arg("--interval")
        .arg(opts.interval_ms.max(1).to_string());
    if opts.snapshots {
        cmd.arg("--snapshot-dir").arg(&out);
    }
    if let Some(n) = opts.max_entries {
        cmd.arg("--max-entries").arg(n.to_string());
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::from(log));
    let started_ms = now_ms();
    let started = Instant::now();
    let mut server =
        ChildGuard::new(cmd.spawn().map_err(|source| RecordError::NodeMissing { node: opts.node.clone(), source })?);
    let server_stdin = server.child.stdin.take();
    let server_lines = lines_of(server.child.stdout.take().expect("piped"));

    let start_failed = |detail: String| RecordError::ServerStart { server: opts.server, detail };
    let port = loop {
        match server_lines.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(line)) => {
                if let Ok(ServerEvent { event, port: Some(port), pid }) = serde_json::from_str::<ServerEvent>(&line)
                    && event == "listening"
                {
                    on_event(RecordEvent::Listening {
                        port,
                        pid: pid.unwrap_or(0),
                        node_version: node_version.clone(),
                    });
                    break port;
                }
            }
            Ok(Err(e)) => return Err(io("reading the server's output")(e)),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if started.elapsed() > opts.server_timeout {
                    return Err(start_failed(format!("no \"listening\" line within {:?}", opts.server_timeout)));
                }
                if cancel.load(Ordering::Relaxed) {
                    return Err(start_failed("cancelled".into()));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let (status, _) = server.wait_or_kill(Duration::from_secs(5));
                return Err(start_failed(format!(
                    "{}; its last words:\n{}",
                    describe_exit(status).2,
                    tail(&log_path, 12)
                )));
            }
        }
    };

    // Drive the load.
    let mut load_cmd = Command::new(&opts.node);
    load_cmd
        .arg(programs.path("load.js"))
        .args(["--port", &port.to_string()])
        .args(["--requests", &opts.requests.to_string()])
        .args(["--concurrency", &opts.concurrency.max(1).to_string()])
        .args(["--timeout-ms", &opts.load_timeout.as_millis().max(1).to_string()])
        .args(["--progress-ms", "100"]);
    if opts.server.per_connection() {
        load_cmd.arg("--close");
    }
    load_cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut load = ChildGuard::new(
        load_cmd.spawn().map_err(|source| RecordError::NodeMissing { node: opts.node.clone(), source })?,
    );
    let load_lines = lines_of(load.child.stdout.take().expect("piped"));
    let mut load_stderr = load.child.stderr.take().expect("piped");
    let load_errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = load_stderr.read_to_string(&mut text);
        text
    });
    let (mut done, mut failed) = (0u64, 0u64);
    let mut load_error: Option<String> = None;
    let mut cancelled = false;
    let load_deadline = Instant::now() + opts.load_timeout + Duration::from_secs(10);
    loop {
        match load_lines.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(line)) => {
                let Ok(l) = serde_json::from_str::<LoadLine>(&line) else { continue };
                done = l.done.unwrap_or(done);
                failed = l.failed.unwrap_or(failed);
                if l.event.as_deref() == Some("error") {
                    load_error = l.message.or(Some("the load driver stopped".into()));
                }
                on_event(RecordEvent::Progress { done, failed });
            }
            Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if cancel.load(Ordering::Relaxed) {
                    cancelled = true;
                    load_error = Some("cancelled".into());
                    break;
                }
                if Instant::now() > load_deadline {
                    load_error = Some(format!("the load driver did not finish within {:?}", opts.load_timeout));
                    break;
                }
            }
        }
    }
    let (load_status, _) = load.wait_or_kill(if cancelled { Duration::ZERO } else { Duration::from_secs(5) });
    let load_stderr = load_errors.join().unwrap_or_default();
    if load_error.is_none() && !load_status.is_some_and(|s| s.success()) {
        load_error = Some(format!("the load driver failed ({}): {}", describe_exit(load_status).2, load_stderr.trim()));
    }

    // Stop the server: closing its standard input makes it take the end snapshot and exit.
    on_event(RecordEvent::Stopping);
    drop(server_stdin);
    let (status, killed) = server.wait_or_kill(opts.server_timeout);
    let (code, signal, description) = describe_exit(status);
    let log_text = fs::read_to_string(&log_path).unwrap_or_default();
    let exists = |name: &str| out.join(name).is_file().then(|| name.to_string());
    let recording = Recording {
        server: opts.server,
        requests: opts.requests,
        requests_done: done,
        requests_failed: failed,
        load_error,
        cancelled,
        node_version,
        heap_limit_mib: opts.heap_limit_mib,
        interval_ms: opts.interval_ms,
        started_ms,
        duration_ms: started.elapsed().as_millis() as u64,
        timeline: TIMELINE.into(),
        start_snapshot: exists(START_SNAPSHOT),
        end_snapshot: exists(END_SNAPSHOT),
        server_log: SERVER_LOG.into(),
        server_exit: ServerExit {
            code,
            signal,
            description,
            fatal_error: fatal_error(&log_text),
            killed_by_recorder: killed,
        },
    };
    Ok(recording)
}
