//! Record a Node server under load: the user's own command or a bundled server (`programs/node/`).
//!
//! The server is started with a free port of 127.0.0.1 in `PORT` (and `HOST=127.0.0.1`), the rest
//! of the environment passed through, and the sampler (`programs/node/lib/sampler.js`) preloaded
//! with `NODE_OPTIONS=--require …` (after the user's own NODE_OPTIONS). The recorder waits until the
//! sampler reports from the process that listens on that port, sends a few warm-up requests, takes
//! a full-GC mark (and the start snapshot), drives GET requests at `http://127.0.0.1:PORT` + the
//! path template, takes the end mark (and snapshot), stops the sampler, then stops the server:
//! SIGTERM to its whole process group, SIGKILL if it has not ended within five seconds. It leaves
//! in the output folder:
//!
//! - `timeline.jsonl`: the memory samples (written by the sampler as it runs, so a crash keeps them);
//! - `start.heapsnapshot`, `end.heapsnapshot` with `snapshots`;
//! - `server.log`: the server's standard output and error (warnings, V8's fatal error if it crashed);
//!
//! and returns a [`Recording`]: what was run and how it ended. Its caller saves it as
//! `recording.json` beside them ([`Recording::to_json`]; the CLI writes it atomically with
//! `ccs_files::write_atomic`), where `ccs node check` finds it.
//!
//! The recorder talks to the sampler over a control socket on 127.0.0.1 (JSON lines). Whatever
//! happens (success, error, cancel, panic), guards kill the server's process group and the load
//! driver, and the temporary folder of unpacked programs is removed.

use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
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
    pub fn per_connection(self) -> bool {
        matches!(self, ServerKind::Listeners | ServerKind::ListenersFixed)
    }
}

impl std::fmt::Display for ServerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What to run: the user's command, or a bundled server.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Bundled(ServerKind),
    /// A command and its arguments (the first is looked up on the PATH).
    Command(Vec<OsString>),
}

/// What to record.
#[derive(Clone, Debug)]
pub struct RecordOptions {
    /// The bundled server to run, unless `command` is set.
    pub server: ServerKind,
    /// The user's command; when set, `server` and `max_entries` are not used.
    pub command: Option<Vec<OsString>>,
    /// Requests the load driver sends; 0 for as many as `duration` allows.
    pub requests: u64,
    /// Stop sending requests after this long.
    pub duration: Option<Duration>,
    /// The request path, `{n}` replaced by the request number (default `/profile?request={n}`).
    pub path: Option<String>,
    /// Requests sent before the start mark and snapshot (they are numbered first).
    pub warmup: u64,
    pub out_dir: PathBuf,
    /// Write heap snapshots before and after the load.
    pub snapshots: bool,
    /// Add `--max-old-space-size` to NODE_OPTIONS, to make a leak crash early.
    pub heap_limit_mib: Option<u64>,
    /// The `node` executable (for the bundled servers and the load driver).
    pub node: PathBuf,
    pub interval_ms: u64,
    /// Requests in flight at once.
    pub concurrency: u32,
    /// The bounded server's cache size (its default is 500).
    pub max_entries: Option<u64>,
    /// The load driver gives up after this long.
    pub load_timeout: Duration,
    /// How long the server may take to start listening, and to write a snapshot.
    pub server_timeout: Duration,
}

impl RecordOptions {
    /// Record a bundled server.
    pub fn new(server: ServerKind, requests: u64, out_dir: impl Into<PathBuf>) -> RecordOptions {
        RecordOptions {
            server,
            command: None,
            requests,
            duration: None,
            path: None,
            warmup: 50,
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

    /// Record the user's `command`.
    pub fn command(command: Vec<OsString>, requests: u64, out_dir: impl Into<PathBuf>) -> RecordOptions {
        RecordOptions { command: Some(command), ..RecordOptions::new(ServerKind::Leaky, requests, out_dir) }
    }

    pub fn target(&self) -> Target {
        match &self.command {
            Some(c) => Target::Command(c.clone()),
            None => Target::Bundled(self.server),
        }
    }
}

/// What a recording reports as it goes.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordEvent {
    /// The server is up (and the sampler in it).
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
    /// The recorder had to kill it (it did not stop within five seconds of SIGTERM).
    pub killed_by_recorder: bool,
    /// It ended before the recorder stopped it (a crash, or an exit of its own). `None` in
    /// manifests written before this was recorded.
    #[serde(default)]
    pub ended_on_its_own: Option<bool>,
}

/// `MaxListenersExceededWarning` in the server's log: Node's sign of a listener leak.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerWarning {
    /// The emitter's class, `EventEmitter`, `Socket`... (empty if Node did not say).
    pub emitter: String,
    pub event: String,
    /// Listeners when Node warned (it warns once per emitter and event, at the first one past the
    /// limit, 10 by default: the leak usually goes on far past it).
    pub listeners: u64,
    /// How many times the warning appeared.
    pub times: u64,
}

impl std::fmt::Display for ListenerWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let on = if self.emitter.is_empty() { "an emitter".to_string() } else { format!("an {}", self.emitter) };
        write!(f, "MaxListenersExceededWarning: {} `{}` listeners on {on}", self.listeners, self.event)?;
        if self.times > 1 {
            write!(f, " ({} warnings)", self.times)?;
        }
        Ok(())
    }
}

/// The listener warnings in a server's log, one per emitter and event.
pub fn listener_warnings(log: &str) -> Vec<ListenerWarning> {
    let mut out: Vec<ListenerWarning> = Vec::new();
    for line in log.lines() {
        let Some(at) = line.find("MaxListenersExceededWarning") else { continue };
        let rest = &line[at..];
        let Some(detected) = rest.find("detected. ") else { continue };
        let rest = &rest[detected + "detected. ".len()..];
        let Some((count, rest)) = rest.split_once(' ') else { continue };
        let Ok(listeners) = count.parse::<u64>() else { continue };
        let Some(end) = rest.find(" listeners added") else { continue };
        let event = rest[..end].to_string();
        let emitter = rest[end..]
            .split_once("added to [")
            .and_then(|(_, e)| e.split_once(']'))
            .map_or(String::new(), |(e, _)| e.to_string());
        match out.iter_mut().find(|w| w.event == event && w.emitter == emitter) {
            Some(w) => {
                w.times += 1;
                w.listeners = w.listeners.max(listeners);
            }
            None => out.push(ListenerWarning { emitter, event, listeners, times: 1 }),
        }
    }
    out
}

/// The manifest of a recording, `recording.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// The bundled server, if one was recorded.
    #[serde(default)]
    pub server: Option<ServerKind>,
    /// The user's command, if one was recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// The port it listened on, 127.0.0.1.
    #[serde(default)]
    pub port: u16,
    /// The request path template.
    #[serde(default)]
    pub path: String,
    /// Requests asked for (0: as many as the duration allowed).
    pub requests: u64,
    #[serde(default)]
    pub duration_limit_ms: Option<u64>,
    #[serde(default)]
    pub warmup_requests: u64,
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
    /// `MaxListenersExceededWarning`s in the server's log.
    #[serde(default)]
    pub warnings: Vec<ListenerWarning>,
}

/// The manifest is small: anything bigger is not one.
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;

impl Recording {
    /// The server died instead of being stopped: a crash such as V8's heap limit.
    pub fn crashed(&self) -> bool {
        let e = &self.server_exit;
        match e.ended_on_its_own {
            Some(own) => own && e.code != Some(0),
            None => e.code != Some(0) && !e.killed_by_recorder,
        }
    }

    /// What was recorded, for people: "the leaky server" or "`node app.js`".
    pub fn what(&self) -> String {
        match (&self.server, self.command.is_empty()) {
            (_, false) => format!("`{}`", self.command.join(" ")),
            (Some(s), true) => format!("the {s} server"),
            (None, true) => "a server".into(),
        }
    }

    /// The manifest as `recording.json` holds it.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    pub fn read(path: &Path) -> Result<Recording, RecordError> {
        let text = crate::timeline::read_capped(path, MAX_MANIFEST_BYTES)
            .map_err(|e| RecordError::Manifest { path: path.to_path_buf(), message: e.to_string() })?;
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
    #[error("could not start `{command}`: {source}")]
    CommandMissing { command: String, source: std::io::Error },
    #[error("{what} exited before it listened on 127.0.0.1:{port} ({exit}); its last lines:\n{log}")]
    ExitedAtStart { what: String, port: u16, exit: String, log: String },
    #[error(
        "{what} did not listen on 127.0.0.1:{port} within {:.0} s{}; make it listen on the port in $PORT. Its last lines:\n{log}",
        timeout.as_secs_f64(),
        elsewhere(.listening)
    )]
    NeverListened { what: String, port: u16, timeout: Duration, listening: Vec<u16>, log: String },
    #[error(
        "{what} listens on 127.0.0.1:{port}, but the sampler did not report from it: is it a Node.js program, \
         and does NODE_OPTIONS reach it? Its last lines:\n{log}"
    )]
    NoSampler { what: String, port: u16, log: String },
    #[error("the {which} heap snapshot could not be written: {message}")]
    Snapshot { which: &'static str, message: String },
    #[error("the sampler in the server stopped answering: {0}")]
    Control(String),
    #[error("{}: not a recording manifest: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
}

fn elsewhere(ports: &[u16]) -> String {
    match ports {
        [] => String::new(),
        ports => {
            format!(" (it listens on {} instead)", ports.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "))
        }
    }
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

/// A child process (with its process group, for the server) that is killed and reaped when
/// dropped, unless it has already been waited for.
struct ChildGuard {
    child: Child,
    status: Option<ExitStatus>,
    /// The child leads its own process group: signals go to the whole group.
    group: bool,
}

impl ChildGuard {
    fn new(child: Child, group: bool) -> ChildGuard {
        ChildGuard { child, status: None, group }
    }

    fn try_wait(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    fn signal_group(&self, terminate: bool) {
        #[cfg(unix)]
        if self.group
            && let Some(pid) = rustix::process::Pid::from_raw(self.child.id() as i32)
        {
            let signal = if terminate { rustix::process::Signal::TERM } else { rustix::process::Signal::KILL };
            let _ = rustix::process::kill_process_group(pid, signal);
        }
    }

    /// Wait up to `timeout` for the child to end; then kill it (and its group).
    fn wait_or_kill(&mut self, timeout: Duration) -> (Option<ExitStatus>, bool) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(s) = self.try_wait() {
                self.signal_group(false); // whatever it started goes with it
                return (Some(s), false);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.signal_group(false);
        let _ = self.child.kill();
        self.status = self.child.wait().ok();
        (self.status, true)
    }

    /// SIGTERM to the group, then SIGKILL after `grace`.
    fn stop(&mut self, grace: Duration) -> (Option<ExitStatus>, bool) {
        if self.try_wait().is_none() {
            if self.group {
                self.signal_group(true);
            } else {
                let _ = self.child.kill();
            }
        }
        self.wait_or_kill(grace)
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.signal_group(false);
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

/// The last `n` non-blank lines of a text file (for error messages), each cut to 300 characters;
/// only the file's last 64 KiB are read.
fn tail(path: &Path, n: usize) -> String {
    let text = read_tail(path, 64 << 10);
    let lines: Vec<String> =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.chars().take(300).collect()).collect();
    let last = &lines[lines.len().saturating_sub(n)..];
    if last.is_empty() { "(nothing)".into() } else { last.join("\n") }
}

/// The last `max` bytes of a file, as text.
fn read_tail(path: &Path, max: u64) -> String {
    use std::io::{Seek, SeekFrom};
    let Ok(mut f) = fs::File::open(path) else { return String::new() };
    let len = f.metadata().map_or(0, |m| m.len());
    let _ = f.seek(SeekFrom::Start(len.saturating_sub(max)));
    let mut bytes = Vec::new();
    let _ = f.take(max).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
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

/// A free TCP port on 127.0.0.1, as the system hands them out.
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

fn accepts(port: u16) -> bool {
    TcpStream::connect_timeout(&SocketAddr::from((Ipv4Addr::LOCALHOST, port)), Duration::from_millis(100)).is_ok()
}

/// TCP ports on which the processes of group `group` listen (Linux: from /proc).
fn listening_ports(group: u32) -> Vec<u16> {
    #[cfg(target_os = "linux")]
    {
        let mut inodes = std::collections::HashSet::new();
        let Ok(procs) = fs::read_dir("/proc") else { return Vec::new() };
        for p in procs.flatten() {
            let pid = p.file_name();
            let Some(pid) = pid.to_str().filter(|s| s.bytes().all(|b| b.is_ascii_digit())) else { continue };
            let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            // fields after the command, which is in parentheses: state ppid pgrp ...
            let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else { continue };
            if after.split_whitespace().nth(2).and_then(|g| g.parse::<u32>().ok()) != Some(group) {
                continue;
            }
            let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else { continue };
            for fd in fds.flatten() {
                if let Ok(link) = fs::read_link(fd.path())
                    && let Some(inode) = link.to_str().and_then(|l| l.strip_prefix("socket:[")?.strip_suffix(']'))
                {
                    inodes.insert(inode.to_string());
                }
            }
        }
        let mut ports = Vec::new();
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let Ok(text) = fs::read_to_string(table) else { continue };
            for line in text.lines().skip(1) {
                let f: Vec<&str> = line.split_whitespace().collect();
                // local_address rem_address st ... inode (the tenth field)
                if f.len() > 9
                    && f[3] == "0A"
                    && inodes.contains(f[9])
                    && let Some(port) = f[1].rsplit_once(':').and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
                    && !ports.contains(&port)
                {
                    ports.push(port);
                }
            }
        }
        ports.sort_unstable();
        ports
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = group;
        Vec::new()
    }
}

/// The recorder's end of the control socket to the sampler in the server.
struct Control {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
    pending: String,
}

#[derive(Deserialize)]
struct Reply {
    event: String,
    pid: Option<u32>,
    node: Option<String>,
    message: Option<String>,
}

impl Control {
    fn new(stream: TcpStream) -> std::io::Result<Control> {
        stream.set_nonblocking(false)?;
        stream.set_read_timeout(Some(Duration::from_millis(50)))?;
        Ok(Control { reader: BufReader::new(stream.try_clone()?), stream, pending: String::new() })
    }

    /// The next reply, waiting up to `timeout`; `None` if the server died first.
    fn reply(&mut self, timeout: Duration, server: &mut ChildGuard) -> Result<Option<Reply>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.reader.read_line(&mut self.pending) {
                Ok(0) => return Ok(None),
                Ok(_) if self.pending.ends_with('\n') => {
                    let line = std::mem::take(&mut self.pending);
                    return serde_json::from_str(&line).map(Some).map_err(|e| format!("{e}: {line}"));
                }
                Ok(_) => {}
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => return Err(e.to_string()),
            }
            if server.try_wait().is_some() {
                return Ok(None);
            }
            if Instant::now() > deadline {
                return Err(format!("no answer within {:.0} s", timeout.as_secs_f64()));
            }
        }
    }

    fn command(
        &mut self,
        command: serde_json::Value,
        timeout: Duration,
        server: &mut ChildGuard,
    ) -> Result<Option<Reply>, String> {
        writeln!(self.stream, "{command}").map_err(|e| e.to_string())?;
        self.reply(timeout, server)
    }
}

#[derive(Deserialize)]
struct LoadLine {
    event: Option<String>,
    done: Option<u64>,
    failed: Option<u64>,
    message: Option<String>,
}

/// How a run of the load driver went.
#[derive(Default)]
struct LoadOutcome {
    done: u64,
    failed: u64,
    error: Option<String>,
    cancelled: bool,
}

/// Run `load.js`: `requests` requests (0: until `duration`), numbered from `first`.
#[allow(clippy::too_many_arguments)]
fn drive(
    opts: &RecordOptions,
    programs: &Programs,
    port: u16,
    first: u64,
    requests: u64,
    duration: Option<Duration>,
    cancel: &AtomicBool,
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<LoadOutcome, RecordError> {
    let mut cmd = Command::new(&opts.node);
    cmd.arg(programs.path("load.js"))
        .args(["--port", &port.to_string()])
        .args(["--requests", &requests.to_string()])
        .args(["--first", &first.to_string()])
        .args(["--path", opts.path.as_deref().unwrap_or(DEFAULT_PATH)])
        .args(["--concurrency", &opts.concurrency.max(1).to_string()])
        .args(["--timeout-ms", &opts.load_timeout.as_millis().max(1).to_string()])
        .args(["--progress-ms", "100"]);
    if let Some(d) = duration {
        cmd.args(["--duration-ms", &d.as_millis().max(1).to_string()]);
    }
    if let Target::Bundled(server) = opts.target() {
        cmd.arg("--user-headers");
        if server.per_connection() {
            cmd.arg("--close");
        }
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut load = ChildGuard::new(
        cmd.spawn().map_err(|source| RecordError::NodeMissing { node: opts.node.clone(), source })?,
        false,
    );
    let lines = lines_of(load.child.stdout.take().expect("piped"));
    let mut stderr = load.child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut outcome = LoadOutcome::default();
    let deadline = Instant::now() + opts.load_timeout + Duration::from_secs(10);
    loop {
        match lines.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(line)) => {
                let Ok(l) = serde_json::from_str::<LoadLine>(&line) else { continue };
                outcome.done = l.done.unwrap_or(outcome.done);
                outcome.failed = l.failed.unwrap_or(outcome.failed);
                if l.event.as_deref() == Some("error") {
                    outcome.error = l.message.or(Some("the load driver stopped".into()));
                }
                on_progress(outcome.done, outcome.failed);
            }
            Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if cancel.load(Ordering::Relaxed) {
                    outcome.cancelled = true;
                    outcome.error = Some("cancelled".into());
                    break;
                }
                if Instant::now() > deadline {
                    outcome.error = Some(format!("the load driver did not finish within {:?}", opts.load_timeout));
                    break;
                }
            }
        }
    }
    let (status, _) = load.wait_or_kill(if outcome.cancelled { Duration::ZERO } else { Duration::from_secs(5) });
    let stderr = errors.join().unwrap_or_default();
    if outcome.error.is_none() && !status.is_some_and(|s| s.success()) {
        outcome.error = Some(format!("the load driver failed ({}): {}", describe_exit(status).2, stderr.trim()));
    }
    Ok(outcome)
}

/// The request path of the bundled servers' load.
pub const DEFAULT_PATH: &str = "/profile?request={n}";

/// `NODE_OPTIONS` for the server: the user's own, then the sampler (and the heap limit).
fn node_options(existing: Option<OsString>, sampler: &Path, heap_limit: Option<u64>) -> OsString {
    let mut options = existing.unwrap_or_default();
    if !options.is_empty() {
        options.push(" ");
    }
    // NODE_OPTIONS takes double-quoted values with backslash escapes
    let quoted = sampler.display().to_string().replace('\\', "\\\\").replace('"', "\\\"");
    options.push(format!("--require \"{quoted}\""));
    if let Some(mib) = heap_limit {
        options.push(format!(" --max-old-space-size={mib}"));
    }
    options
}

/// Record `opts.target()` under load. `cancel` stops the load early (the server is still stopped
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
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io(out.join(name).display().to_string())(e));
            }
            _ => {}
        }
    }
    let programs = Programs::unpack()?;
    let log_path = out.join(SERVER_LOG);
    let log = fs::File::create(&log_path).map_err(io(log_path.display().to_string()))?;
    let log_too = log.try_clone().map_err(io(log_path.display().to_string()))?;

    let control = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(io("opening the control socket"))?;
    control.set_nonblocking(true).map_err(io("opening the control socket"))?;
    let control_port = control.local_addr().map_err(io("opening the control socket"))?.port();
    let port = free_port().map_err(io("finding a free port on 127.0.0.1"))?;

    let target = opts.target();
    let (mut cmd, what, command_text) = match &target {
        Target::Bundled(server) => {
            let mut cmd = Command::new(&opts.node);
            cmd.arg(programs.path(server.script()));
            if let Some(n) = opts.max_entries {
                cmd.arg("--max-entries").arg(n.to_string());
            }
            (cmd, format!("the {server} server"), Vec::new())
        }
        Target::Command(argv) => {
            let Some((program, args)) = argv.split_first() else {
                return Err(RecordError::CommandMissing {
                    command: String::new(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no command given"),
                });
            };
            let mut cmd = Command::new(program);
            cmd.args(args);
            let text: Vec<String> = argv.iter().map(|a| a.to_string_lossy().into_owned()).collect();
            (cmd, format!("`{}`", text.join(" ")), text)
        }
    };
    cmd.env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("CCS_NODE_PORT", port.to_string())
        .env("CCS_NODE_CONTROL", format!("127.0.0.1:{control_port}"))
        .env("CCS_NODE_TIMELINE", out.join(TIMELINE))
        .env("CCS_NODE_INTERVAL_MS", opts.interval_ms.max(1).to_string())
        .env(
            "NODE_OPTIONS",
            node_options(std::env::var_os("NODE_OPTIONS"), &programs.path("lib/sampler.js"), opts.heap_limit_mib),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_too));
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let started_ms = now_ms();
    let started = Instant::now();
    let spawned = cmd.spawn().map_err(|source| match &target {
        Target::Bundled(_) => RecordError::NodeMissing { node: opts.node.clone(), source },
        Target::Command(_) => RecordError::CommandMissing { command: command_text.join(" "), source },
    })?;
    let mut server = ChildGuard::new(spawned, cfg!(unix));
    let group = server.child.id();

    // Wait for the sampler's word from the process listening on the port.
    let mut listening_since: Option<Instant> = None;
    let (mut channel, pid, server_node) = loop {
        if let Some(status) = server.try_wait() {
            server.signal_group(false);
            return Err(RecordError::ExitedAtStart {
                what,
                port,
                exit: describe_exit(Some(status)).2,
                log: tail(&log_path, 12),
            });
        }
        match control.accept() {
            Ok((stream, _)) => {
                let mut channel = Control::new(stream).map_err(io("the control socket"))?;
                match channel.reply(Duration::from_secs(10), &mut server) {
                    Ok(Some(Reply { event, pid, node, .. })) if event == "listening" => {
                        break (channel, pid.unwrap_or(group), node.unwrap_or_default());
                    }
                    Ok(_) => continue,
                    Err(e) => return Err(RecordError::Control(e)),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(io("the control socket")(e)),
        }
        // Probing connects to the server (a connection may be what it leaks): only when the
        // sampler is slow to report.
        if listening_since.is_none() && started.elapsed() > Duration::from_secs(1) && accepts(port) {
            listening_since = Some(Instant::now());
        }
        if listening_since.is_some_and(|t| t.elapsed() > Duration::from_secs(5)) {
            return Err(RecordError::NoSampler { what, port, log: tail(&log_path, 12) });
        }
        if started.elapsed() > opts.server_timeout {
            return Err(RecordError::NeverListened {
                what,
                port,
                timeout: opts.server_timeout,
                listening: listening_ports(group),
                log: tail(&log_path, 12),
            });
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(RecordError::Control("cancelled before the server listened".into()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let node_version = if server_node.is_empty() { node_version } else { server_node };
    on_event(RecordEvent::Listening { port, pid, node_version: node_version.clone() });

    // Warm up, then the start mark and snapshot.
    let mut outcome = LoadOutcome::default();
    if opts.warmup > 0 {
        let warm = drive(opts, &programs, port, 1, opts.warmup, None, cancel, &mut |_, _| {})?;
        if warm.error.is_some() {
            outcome = warm;
        }
    }
    let snapshot = |channel: &mut Control, server: &mut ChildGuard, which: &'static str, name: &str| {
        let path = out.join(name);
        let reply = channel
            .command(serde_json::json!({"cmd": "snapshot", "path": path}), opts.server_timeout, server)
            .map_err(RecordError::Control)?;
        match reply {
            Some(r) if r.event == "snapshot" => Ok(true),
            Some(r) => {
                let _ = fs::remove_file(out.join(format!("{name}.partial")));
                Err(RecordError::Snapshot { which, message: r.message.unwrap_or(r.event) })
            }
            None => Ok(false), // the server died: the recording says how
        }
    };
    let mark = |channel: &mut Control, server: &mut ChildGuard| -> Result<(), RecordError> {
        channel
            .command(serde_json::json!({"cmd": "mark"}), opts.server_timeout, server)
            .map_err(RecordError::Control)
            .map(drop)
    };
    if outcome.error.is_none() {
        mark(&mut channel, &mut server)?;
        if opts.snapshots {
            snapshot(&mut channel, &mut server, "start", START_SNAPSHOT)?;
        }
        outcome = drive(
            opts,
            &programs,
            port,
            opts.warmup + 1,
            opts.requests,
            opts.duration,
            cancel,
            &mut |done, failed| on_event(RecordEvent::Progress { done, failed }),
        )?;
    }

    // The end mark and snapshot, the last sample; then stop the server.
    on_event(RecordEvent::Stopping);
    let alive = server.try_wait().is_none();
    if alive {
        mark(&mut channel, &mut server)?;
        if opts.snapshots {
            snapshot(&mut channel, &mut server, "end", END_SNAPSHOT)?;
        }
        let _ = channel.command(serde_json::json!({"cmd": "stop"}), Duration::from_secs(10), &mut server);
    }
    let ended_on_its_own = server.try_wait().is_some();
    let (status, killed) = server.stop(Duration::from_secs(5));
    let (code, signal, mut description) = describe_exit(status);
    if !ended_on_its_own && signal == Some(15) {
        description = "stopped by the recorder (SIGTERM)".into();
    }
    let log_text = read_tail(&log_path, 4 << 20);
    let exists = |name: &str| out.join(name).is_file().then(|| name.to_string());
    Ok(Recording {
        server: match target {
            Target::Bundled(s) => Some(s),
            Target::Command(_) => None,
        },
        command: command_text,
        port,
        path: opts.path.clone().unwrap_or_else(|| DEFAULT_PATH.into()),
        requests: opts.requests,
        duration_limit_ms: opts.duration.map(|d| d.as_millis() as u64),
        warmup_requests: opts.warmup,
        requests_done: outcome.done,
        requests_failed: outcome.failed,
        load_error: outcome.error,
        cancelled: outcome.cancelled,
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
            ended_on_its_own: Some(ended_on_its_own),
        },
        warnings: listener_warnings(&log_text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listener_warnings_are_parsed_and_grouped() {
        let log = "(node:12) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 reload \
                   listeners added to [EventEmitter]. MaxListeners is 10. Use emitter.setMaxListeners() to increase limit\n\
                   (Use `node --trace-warnings ...` to show where the warning was created)\n\
                   (node:12) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 close listeners added. \
                   Use emitter.setMaxListeners() to increase limit\n\
                   (node:12) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 12 reload \
                   listeners added to [EventEmitter]. Use emitter.setMaxListeners() to increase limit\n";
        let w = listener_warnings(log);
        assert_eq!(
            w,
            [
                ListenerWarning { emitter: "EventEmitter".into(), event: "reload".into(), listeners: 12, times: 2 },
                ListenerWarning { emitter: String::new(), event: "close".into(), listeners: 11, times: 1 },
            ]
        );
        assert_eq!(
            w[0].to_string(),
            "MaxListenersExceededWarning: 12 `reload` listeners on an EventEmitter (2 warnings)"
        );
    }

    #[test]
    fn node_options_keep_the_users_own() {
        let o = node_options(Some("--enable-source-maps".into()), Path::new("/tmp/a b/s.js"), Some(64));
        assert_eq!(o, "--enable-source-maps --require \"/tmp/a b/s.js\" --max-old-space-size=64");
        assert_eq!(node_options(None, Path::new("/s.js"), None), "--require \"/s.js\"");
    }
}
