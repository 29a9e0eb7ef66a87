//! `ccs node ...`: the Node.js contrast. Record any Node server's heap under load (or watch one that
//! runs), check the timeline against a fixed budget and judge whether it leaks, and read V8 heap
//! snapshots the way DevTools' Summary, Comparison and Retainers views do. Built on the node-heap
//! crate: every figure here comes from it.

use crate::format::{Format, parse_cycles, thousands};
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use node_heap::leak::format_p;
use node_heap::record::{RecordEvent, RecordOptions, Recording, ServerKind};
use node_heap::report::RecordingReport;
use node_heap::snapshot::{Comparison, ReadOptions, RetainerPath, Rules};
use node_heap::timeline::format_ms;
use node_heap::{Field, HeapSnapshot, Timeline, Verdict, format_bytes, parse_size};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// What `--path`'s help puts between `{` and `n` so that clap prints them (see `RecordArgs::path`).
const WORD_JOINER: char = '\u{2060}';

#[derive(clap::Subcommand, Debug)]
pub enum NodeCommand {
    /// Run a Node server under load (your command, or a bundled one); record its memory timeline and heap snapshots
    Record(RecordArgs),
    /// Poll a running server's JSON health endpoint into a timeline that `check` judges
    Watch(WatchArgs),
    /// Check a timeline against a fixed budget and judge whether the heap grows without bound
    Check(CheckArgs),
    /// Summarise a V8 heap snapshot per constructor (DevTools' Summary view, shallow sizes)
    Summary(SummaryArgs),
    /// Compare two heap snapshots of one process (DevTools' Comparison view), and say what holds the growth
    Diff(DiffArgs),
    /// What holds the objects of one constructor (or one object, @ID) in a snapshot (DevTools' Retainers view)
    Retainers(RetainersArgs),
}

#[derive(clap::Args, Debug)]
pub struct RecordArgs {
    /// A bundled server instead of COMMAND: leaky (unbounded cache), bounded (LRU), listeners (listener leak), listeners-fixed
    #[arg(long, value_parser = server_parser(), conflicts_with = "command")]
    server: Option<ServerKind>,
    /// Requests to send (default: as many as --duration allows, 10s if neither is given)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    requests: Option<u64>,
    // clap turns every "{n}" of a help text into a line break and has no escape: a word
    // joiner (U+2060) keeps the braces apart on screen; --path drops it if pasted back.
    #[arg(
        long,
        value_name = "TEMPLATE",
        help = "Request path; {\u{2060}n} is replaced by the request number (default /profile?request={\u{2060}n})"
    )]
    path: Option<String>,
    /// Stop sending requests after this long: 10s, 2min...
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Requests in flight at once
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    concurrency: u32,
    /// Requests sent before the start mark and snapshot, so that start-up work is not counted
    #[arg(long, value_name = "N", default_value_t = 50)]
    warmup: u64,
    /// Folder for timeline.jsonl, the snapshots, server.log and recording.json (created if missing)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Also write start.heapsnapshot (after the warm-up) and end.heapsnapshot
    #[arg(long)]
    snapshots: bool,
    /// Add --max-old-space-size=MiB to NODE_OPTIONS, so that a leak crashes early and loudly
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u64).range(8..=1_048_576))]
    heap_limit: Option<u64>,
    /// Sampling interval of process.memoryUsage()
    #[arg(long, value_name = "MS", default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    interval: u64,
    /// The bounded server's maximum cache entries (default 500)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_entries: Option<u64>,
    /// How long the server may take to listen on $PORT (and to write a snapshot)
    #[arg(long, value_name = "D", default_value = "60s", value_parser = parse_duration)]
    startup_timeout: Duration,
    /// Budget for the check printed after recording
    #[arg(long, default_value = "64MiB", value_parser = parse_size)]
    budget: u64,
    /// The node executable for the bundled servers and the load driver (default: $CCS_NODE, or `node` on the PATH)
    #[arg(long, value_name = "PATH")]
    node: Option<PathBuf>,
    /// The server to record, after `--`: it must listen on $PORT (HOST is 127.0.0.1)
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

#[derive(clap::Args, Debug)]
pub struct WatchArgs {
    /// The health endpoint: http://HOST:PORT/PATH answering process.memoryUsage() fields (or heapUsedMB-style ones)
    url: String,
    /// Time between polls
    #[arg(long, value_name = "MS", default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    interval: u64,
    /// How long to watch
    #[arg(long, value_name = "S", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    seconds: u64,
    /// The timeline to write (JSON lines; `ccs node check` reads it)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Budget for the check printed at the end
    #[arg(long, default_value = "64MiB", value_parser = parse_size)]
    budget: u64,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// A timeline (JSON lines of process.memoryUsage()), or a recording folder holding timeline.jsonl
    timeline: PathBuf,
    /// The fixed budget: 64MiB, 100MB, 1GiB...
    #[arg(long, default_value = "64MiB", value_parser = parse_size)]
    budget: u64,
    /// Refuse timelines larger than this
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    max_size: u64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Which of DevTools' rules name and size the rows.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesArg {
    /// Today's Memory panel: detached natives, shallow sizes, property-named objects, rows by location
    Devtools,
    /// Older DevTools: V8's raw self sizes, plain objects all `Object`, rows by name
    Legacy,
}

impl RulesArg {
    fn rules(self) -> Rules {
        match self {
            RulesArg::Devtools => Rules::DEVTOOLS,
            RulesArg::Legacy => Rules::LEGACY,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct SnapshotArgs {
    /// DevTools' rules, or the older ones
    #[arg(long, value_enum, default_value_t = RulesArg::Devtools)]
    rules: RulesArg,
    /// Refuse snapshots larger than this (the graph kept in memory is about half the file)
    #[arg(long, value_name = "SIZE", default_value = "4GiB", value_parser = parse_size)]
    max_snapshot_size: u64,
}

impl SnapshotArgs {
    fn read_options(&self) -> ReadOptions {
        ReadOptions { max_bytes: self.max_snapshot_size, ..ReadOptions::default() }
    }
}

#[derive(clap::Args, Debug)]
pub struct SummaryArgs {
    /// A V8 heap snapshot (.heapsnapshot)
    snapshot: PathBuf,
    /// Constructors to list (0 for all)
    #[arg(long, default_value_t = 25)]
    top: usize,
    #[command(flatten)]
    snap: SnapshotArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The order of the Comparison's rows.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortArg {
    /// Alloc. Size, largest first (DevTools' default)
    Alloc,
    /// Size Delta, largest first
    Delta,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The earlier snapshot
    base: PathBuf,
    /// The later snapshot, of the same process
    target: PathBuf,
    /// Rows to list (0 for all)
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Row order
    #[arg(long, value_enum, default_value_t = SortArg::Alloc)]
    sort: SortArg,
    /// Also say what holds the first N growing rows (default 5) and which listener arrays grew
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "5")]
    retainers: Option<usize>,
    #[command(flatten)]
    snap: SnapshotArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct RetainersArgs {
    /// A V8 heap snapshot (.heapsnapshot)
    snapshot: PathBuf,
    /// A constructor as the Summary names it (`CachedRequest`, `{a, b}`, `(string)`), or an object id as @ID
    object: String,
    /// Paths to show: of the constructor's largest objects
    #[arg(long, default_value_t = 1)]
    paths: usize,
    /// Refuse snapshots larger than this
    #[arg(long, value_name = "SIZE", default_value = "4GiB", value_parser = parse_size)]
    max_snapshot_size: u64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn server_parser() -> impl TypedValueParser<Value = ServerKind> {
    PossibleValuesParser::new(ServerKind::ALL.map(ServerKind::name))
        .try_map(|s| ServerKind::parse(&s).ok_or_else(|| format!("unknown server {s:?}")))
}

/// A duration with a unit: `500ms`, `10s`, `2min`, `1h` (the run-length parser, which also takes
/// cycles, at 500,000 a second; a bare number is refused here).
fn parse_duration(text: &str) -> Result<Duration, String> {
    if text.trim().bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} has no unit: write {text}s, {text}ms or {text}min"));
    }
    let cycles = parse_cycles(text)?;
    Ok(Duration::from_micros(cycles.saturating_mul(2)))
}

pub fn run(command: NodeCommand, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    match command {
        NodeCommand::Record(a) => record(a, out, err),
        NodeCommand::Watch(a) => watch(a, out, err),
        NodeCommand::Check(a) => check(a, out),
        NodeCommand::Summary(a) => summary(a, out),
        NodeCommand::Diff(a) => diff(a, out),
        NodeCommand::Retainers(a) => retainers(a, out),
    }
}

/// Progress: a bar on a terminal; a few plain lines otherwise (CI, pipes, tests).
struct Progress<'a> {
    bar: Option<indicatif::ProgressBar>,
    err: &'a mut dyn Write,
    total: u64,
    reported: u64,
}

impl Progress<'_> {
    fn new(err: &mut dyn Write, total: u64) -> Progress<'_> {
        let template = if total > 0 {
            "{spinner} {msg} [{bar:30}] {human_pos}/{human_len} requests ({eta} left)"
        } else {
            "{spinner} {msg} {human_pos} requests"
        };
        let bar = crate::progress::bar(total, template, "");
        Progress { bar, err, total, reported: 0 }
    }

    fn event(&mut self, event: RecordEvent) {
        match (&self.bar, event) {
            (Some(bar), RecordEvent::Listening { port, .. }) => bar.set_message(format!("127.0.0.1:{port}")),
            (Some(bar), RecordEvent::Progress { done, failed }) => bar.set_position(done + failed),
            (Some(bar), RecordEvent::Stopping) => bar.set_message("stopping (writing the end snapshot)"),
            (None, RecordEvent::Listening { port, pid, node_version }) => {
                let _ = writeln!(self.err, "server listening on 127.0.0.1:{port} (pid {pid}, Node {node_version})");
            }
            (None, RecordEvent::Progress { done, failed }) => {
                // a line at each quarter
                let quarter = (done + failed) * 4 / self.total.max(1);
                if self.total > 0 && quarter > self.reported && quarter < 4 {
                    self.reported = quarter;
                    let _ = writeln!(self.err, "{} of {} requests", thousands(done + failed), thousands(self.total));
                }
            }
            (None, RecordEvent::Stopping) => {
                let _ = writeln!(self.err, "load finished; stopping the server");
            }
        }
    }

    fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

fn record(a: RecordArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    let node = a.node.or_else(|| std::env::var_os("CCS_NODE").map(PathBuf::from)).unwrap_or_else(|| "node".into());
    let requests = a.requests.unwrap_or(0);
    let duration = a.duration.or((requests == 0).then_some(Duration::from_secs(10)));
    let mut opts = match (a.server, a.command.is_empty()) {
        (Some(server), true) => RecordOptions::new(server, requests, &a.out),
        (None, false) => RecordOptions::command(a.command.clone(), requests, &a.out),
        _ => {
            return Err(CliError::Input(
                "say what to record: --server NAME (a bundled server) or `-- COMMAND [ARGS...]` (your server, which \
                 must listen on $PORT)"
                    .into(),
            ));
        }
    };
    // The template as meant: without the word joiners of a copy of the help.
    let path = a.path.as_ref().map(|p| p.replace(WORD_JOINER, ""));
    if let Some(path) = &path
        && !path.starts_with('/')
    {
        return Err(CliError::Input(format!("--path must start with /: {path:?}")));
    }
    opts.duration = duration;
    opts.path = path;
    opts.warmup = a.warmup;
    opts.snapshots = a.snapshots;
    opts.heap_limit_mib = a.heap_limit;
    opts.node = node;
    opts.interval_ms = a.interval;
    opts.concurrency = a.concurrency;
    opts.max_entries = a.max_entries;
    opts.server_timeout = a.startup_timeout;
    match a.server {
        Some(s) => writeln!(out, "recording the {s} server: {}", s.describe())?,
        None => writeln!(
            out,
            "recording `{}` on 127.0.0.1 ($PORT)",
            a.command.iter().map(|c| c.to_string_lossy()).collect::<Vec<_>>().join(" ")
        )?,
    }
    let cancel = AtomicBool::new(false);
    let mut progress = Progress::new(err, requests);
    let result = node_heap::record::record(&opts, &cancel, &mut |e| progress.event(e));
    progress.finish();
    let rec = result.map_err(|e| CliError::Input(e.to_string()))?;
    ccs_files::write_atomic(&a.out.join(node_heap::record::MANIFEST), rec.to_json().as_bytes())?;
    writeln!(
        out,
        "{} of {} requests answered{}; server {} after {}",
        thousands(rec.requests_done),
        if rec.requests > 0 { thousands(rec.requests) } else { thousands(rec.requests_done + rec.requests_failed) },
        if rec.requests_failed > 0 { format!(", {} failed", thousands(rec.requests_failed)) } else { String::new() },
        rec.server_exit.description,
        format_ms(rec.duration_ms as f64)
    )?;
    if let Some(e) = &rec.load_error {
        writeln!(out, "the load stopped early: {e}")?;
    }
    let dir = &a.out;
    let mut files = vec![rec.timeline.clone()];
    files.extend(rec.start_snapshot.iter().cloned());
    files.extend(rec.end_snapshot.iter().cloned());
    files.extend([rec.server_log.clone(), node_heap::record::MANIFEST.to_string()]);
    writeln!(out, "wrote {}: {}", dir.display(), files.join(", "))?;
    let code = match node_heap::report::open(dir, a.budget) {
        Ok(report) => {
            writeln!(
                out,
                "{} samples over {}",
                report.timeline.samples.len(),
                format_ms(report.timeline.duration_ms())
            )?;
            writeln!(out, "verdict: {}", report.analysis.verdict)?;
            write_crash(out, &rec, &report.timeline)?;
            write_warnings(out, &rec)?;
            write_growers(out, &report)?;
            if rec.crashed() { EXIT_FAILED } else { EXIT_OK }
        }
        Err(e) => {
            writeln!(out, "no usable timeline: {e}")?;
            write_crash(out, &rec, &Timeline { samples: vec![] })?;
            EXIT_FAILED
        }
    };
    writeln!(out, "next: ccs node check {}", dir.display())?;
    if let (Some(s), Some(e)) = (&rec.start_snapshot, &rec.end_snapshot) {
        writeln!(out, "      ccs node diff {} {} --retainers", dir.join(s).display(), dir.join(e).display())?;
    }
    Ok(code)
}

/// The crash, if the server crashed: how it ended, V8's message, the last samples.
fn write_crash(out: &mut dyn Write, rec: &Recording, t: &Timeline) -> std::io::Result<()> {
    if !rec.crashed() {
        return Ok(());
    }
    writeln!(out, "the server crashed: {}", rec.server_exit.description)?;
    if let Some(f) = &rec.server_exit.fatal_error {
        writeln!(out, "  V8 said: {f}")?;
    }
    if let Some(mib) = rec.heap_limit_mib {
        writeln!(out, "  (it ran with --max-old-space-size={mib}: the heap limit made the leak crash early)")?;
    }
    if !t.samples.is_empty() {
        writeln!(out, "  last samples:")?;
        let start = t.start();
        for s in &t.samples[t.samples.len().saturating_sub(3)..] {
            writeln!(
                out,
                "    t = {:>9}  heapUsed {:>10}  heapTotal {:>10}  rss {:>10}",
                format_ms(s.t - start),
                format_bytes(s.heap_used as f64),
                format_bytes(s.heap_total as f64),
                format_bytes(s.rss as f64)
            )?;
        }
    }
    Ok(())
}

/// Node's listener warnings from the server's log.
fn write_warnings(out: &mut dyn Write, rec: &Recording) -> std::io::Result<()> {
    for w in &rec.warnings {
        writeln!(
            out,
            "listener leak? {w} (Node warns once, past {}; see `ccs node diff --retainers` for the real count)",
            w.listeners.saturating_sub(1)
        )?;
    }
    Ok(())
}

/// The top growing rows of a recording's snapshots and what holds the first.
fn write_growers(out: &mut dyn Write, report: &RecordingReport) -> std::io::Result<()> {
    let top = report.top_growers(5);
    if top.is_empty() {
        return Ok(());
    }
    let names: Vec<String> =
        top.iter().map(|r| format!("{} ({}, {})", r.name, signed(r.count_delta), signed_bytes(r.size_delta))).collect();
    writeln!(out, "grew most between the snapshots: {}", names.join("; "))?;
    if let Some(path) = report.first_retainer() {
        writeln!(out, "held by: {}", path.chain(8))?;
    }
    Ok(())
}

fn watch(a: WatchArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    let opts = node_heap::watch::WatchOptions {
        url: a.url.clone(),
        interval: Duration::from_millis(a.interval),
        duration: Duration::from_secs(a.seconds),
        timeout: Duration::from_secs(5),
    };
    writeln!(out, "watching {} every {} for {} s", a.url, format_ms(a.interval as f64), a.seconds)?;
    let cancel = AtomicBool::new(false);
    let mut n = 0u64;
    let watched = node_heap::watch::watch(&opts, &cancel, &mut |s| {
        n += 1;
        if n == 1 {
            let _ = writeln!(err, "first sample: heapUsed {}", format_bytes(s.heap_used as f64));
        }
    })
    .map_err(|e| CliError::Input(e.to_string()))?;
    if let Some(e) = &watched.stopped {
        writeln!(out, "the endpoint stopped answering: {e}")?;
    }
    let mut text = String::new();
    for s in &watched.timeline.samples {
        text.push_str(&serde_json::to_string(s).unwrap_or_default());
        text.push('\n');
    }
    ccs_files::write_atomic(&a.out, text.as_bytes())?;
    let t = &watched.timeline;
    writeln!(out, "wrote {}: {} samples over {}", a.out.display(), t.samples.len(), format_ms(t.duration_ms()))?;
    let analysis = node_heap::analyze(t, a.budget, &node_heap::LeakCriteria::default());
    writeln!(out, "verdict: {}", analysis.verdict)?;
    writeln!(out, "next: ccs node check {}", a.out.display())?;
    Ok(EXIT_OK)
}

fn check(a: CheckArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let report =
        node_heap::report::open_with(&a.timeline, a.budget, a.max_size).map_err(|e| CliError::Input(e.to_string()))?;
    let (path, t, analysis, recording) = (&report.timeline_path, &report.timeline, &report.analysis, &report.recording);
    let budget = t.check_budget(a.budget);
    let crashed = recording.as_ref().is_some_and(Recording::crashed);
    let over = budget.field(Field::HeapUsed).first_over.is_some();
    let failed = over || analysis.verdict.is_growing() || crashed;

    if a.format == Format::Json {
        let report_json = serde_json::json!({
            "timeline": path,
            "samples": t.samples.len(),
            "duration_ms": t.duration_ms(),
            "budget": budget,
            "analysis": analysis,
            "verdict_text": analysis.verdict.to_string(),
            "recording": recording,
            "crashed": crashed,
            "top_growers": report.top_growers(5),
            "held_by": report.first_retainer(),
            "snapshot_error": report.snapshot_error,
            "passed": !failed,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&report_json).unwrap_or_default())?;
        return Ok(if failed { EXIT_FAILED } else { EXIT_OK });
    }

    let n = t.samples.len();
    let every = if n > 1 {
        format!(" (every {} on average)", format_ms(t.duration_ms() / (n - 1) as f64))
    } else {
        String::new()
    };
    writeln!(out, "{}: {n} samples over {}{every}", path.display(), format_ms(t.duration_ms()))?;
    if let Some(r) = recording {
        writeln!(
            out,
            "recorded: {}, {} of {} requests answered, Node {}{}; server {}",
            r.what(),
            thousands(r.requests_done),
            if r.requests > 0 { thousands(r.requests) } else { thousands(r.requests_done + r.requests_failed) },
            r.node_version,
            r.heap_limit_mib.map(|m| format!(" --max-old-space-size={m}")).unwrap_or_default(),
            r.server_exit.description
        )?;
    }
    writeln!(
        out,
        "budget {} ({} bytes): first sample over it, per field",
        format_bytes(a.budget as f64),
        thousands(a.budget)
    )?;
    for f in &budget.fields {
        match f.first_over {
            Some(c) => writeln!(
                out,
                "  {:<13} crossed at t = {:<9} (sample {}): {}",
                f.field.name(),
                format_ms(c.t_ms),
                c.index + 1,
                format_bytes(c.value as f64)
            )?,
            None => writeln!(
                out,
                "  {:<13} never (peak {} at t = {})",
                f.field.name(),
                format_bytes(f.peak.value as f64),
                format_ms(f.peak.t_ms)
            )?,
        }
    }
    if let (Some(first), Some(last)) = (analysis.baseline.first(), analysis.baseline.last()) {
        if analysis.exact {
            writeln!(
                out,
                "after-GC baseline of heapUsed ({} samples taken just after a full collection): {} → {}",
                analysis.baseline.len(),
                format_bytes(first.1 as f64),
                format_bytes(last.1 as f64)
            )?;
        } else {
            let marks = if analysis.major_gcs > 0 {
                format!("; {} samples mark a major GC", analysis.major_gcs)
            } else {
                String::new()
            };
            writeln!(
                out,
                "after-GC baseline of heapUsed (minimum per window of {}, {} windows{marks}): {} → {}",
                format_ms(analysis.window_ms),
                analysis.baseline.len(),
                format_bytes(first.1 as f64),
                format_bytes(last.1 as f64)
            )?;
        }
    }
    if let (Some(slope), Some(mk)) = (analysis.slope_bytes_per_min, analysis.trend) {
        writeln!(
            out,
            "Theil–Sen slope {:+.1} MiB/min; Mann–Kendall S = {}, z = {:.2}, {} (one-sided, increasing)",
            slope / (1024.0 * 1024.0),
            mk.s,
            mk.z,
            format_p(mk.p_increasing)
        )?;
    }
    writeln!(out, "verdict: {}", analysis.verdict)?;
    if let Some(r) = recording {
        write_crash(out, r, t)?;
        write_warnings(out, r)?;
    }
    write_growers(out, &report)?;
    if let Some(e) = &report.snapshot_error {
        writeln!(out, "the snapshots could not be compared: {e}")?;
    }
    if let Verdict::Grows { .. } = analysis.verdict {
        writeln!(out, "the CCS, for contrast, has 69,632 bytes and never allocates: its memory use is a constant")?;
    }
    Ok(if failed { EXIT_FAILED } else { EXIT_OK })
}

fn snapshot_error(path: &Path) -> impl FnOnce(node_heap::SnapshotError) -> CliError + '_ {
    move |e| CliError::Input(format!("{}: {e}", path.display()))
}

fn summary(a: SummaryArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let snap = HeapSnapshot::open_with(&a.snapshot, a.snap.read_options()).map_err(snapshot_error(&a.snapshot))?;
    let mut s = snap.summary_with(a.snap.rules.rules());
    let keep = if a.top == 0 { s.classes.len() } else { a.top.min(s.classes.len()) };
    let more = s.classes.len() - keep;
    s.classes.truncate(keep);
    if a.format == Format::Json {
        let report = serde_json::json!({ "snapshot": a.snapshot, "summary": s, "more_constructors": more });
        writeln!(out, "{}", serde_json::to_string_pretty(&report).unwrap_or_default())?;
        return Ok(EXIT_OK);
    }
    writeln!(
        out,
        "{}: {} nodes, {} edges, {} strings",
        a.snapshot.display(),
        thousands(s.node_count),
        thousands(s.edge_count),
        thousands(s.string_count)
    )?;
    writeln!(
        out,
        "{} objects with a self size, {} in all ({} bytes; DevTools' Summary, shallow sizes)",
        thousands(s.objects),
        format_bytes(s.total_self_size as f64),
        thousands(s.total_self_size)
    )?;
    let width = s.classes.iter().map(|c| c.name.chars().count()).max().unwrap_or(0).clamp(11, 48);
    writeln!(out, "{:<width$}  {:>10}  {:>14}  {:>6}", "Constructor", "Count", "Shallow Size", "%")?;
    for c in &s.classes {
        let share = if s.total_self_size == 0 { 0.0 } else { c.self_size as f64 * 100.0 / s.total_self_size as f64 };
        writeln!(
            out,
            "{:<width$}  {:>10}  {:>14}  {:>5.1}%",
            clip(&c.name, width),
            thousands(c.count),
            thousands(c.self_size),
            share
        )?;
    }
    if more > 0 {
        writeln!(out, "... and {more} more constructors (--top 0 lists all)")?;
    }
    Ok(EXIT_OK)
}

/// Cut a long class name to `width` characters.
fn clip(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        return name.to_string();
    }
    let mut s: String = name.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", thousands(n as u64))
    } else if n < 0 {
        format!("-{}", thousands(n.unsigned_abs()))
    } else {
        "0".into()
    }
}

fn signed_bytes(n: i64) -> String {
    let text = format_bytes(n as f64);
    if n > 0 { format!("+{text}") } else { text }
}

fn diff(a: DiffArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let (base, target) = node_heap::snapshot::open_pair_with(&a.base, &a.target, a.snap.read_options());
    let base = base.map_err(snapshot_error(&a.base))?;
    let target = target.map_err(snapshot_error(&a.target))?;
    let mut c = node_heap::snapshot::compare_with(&base, &target, a.snap.rules.rules());
    if a.sort == SortArg::Delta {
        c.sort_by_size_delta();
    }
    if let Some(rows) = a.retainers {
        c = c.with_retainers(&base, &target, rows);
    }
    drop((base, target));
    let more = c.truncate(a.top);
    if a.format == Format::Json {
        let report = serde_json::json!({
            "base": { "snapshot": a.base, "objects": c.base_objects, "self_size": c.base_size },
            "target": { "snapshot": a.target, "objects": c.target_objects, "self_size": c.target_size },
            "comparison": c,
            "more_constructors": more,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&report).unwrap_or_default())?;
        return Ok(EXIT_OK);
    }
    write_comparison(out, &a, &c, more)?;
    Ok(EXIT_OK)
}

fn write_comparison(out: &mut dyn Write, a: &DiffArgs, c: &Comparison, more: usize) -> std::io::Result<()> {
    for (label, path, objects, size) in
        [("base:  ", &a.base, c.base_objects, c.base_size), ("target:", &a.target, c.target_objects, c.target_size)]
    {
        writeln!(out, "{label} {}: {} objects, {}", path.display(), thousands(objects), format_bytes(size as f64))?;
    }
    writeln!(
        out,
        "matched by object id: {} of the base's {} objects are still there ({:.1}%)",
        thousands(c.common_ids),
        thousands(c.base_objects),
        c.overlap * 100.0
    )?;
    if let Some(w) = &c.warning {
        writeln!(out, "warning: {w}")?;
    }
    // a row's location is shown when another row has the same name
    let label = |r: &node_heap::ClassDiff| match r.location {
        Some(l) if c.classes.iter().filter(|o| o.name == r.name).count() > 1 => format!("{} ({l})", r.name),
        _ => r.name.clone(),
    };
    let width = c.classes.iter().map(|r| label(r).chars().count()).max().unwrap_or(0).clamp(11, 48);
    writeln!(
        out,
        "{:<width$}  {:>9}  {:>9}  {:>9}  {:>13}  {:>13}  {:>13}",
        "Constructor", "# New", "# Deleted", "# Delta", "Alloc. Size", "Freed Size", "Size Delta"
    )?;
    for r in &c.classes {
        writeln!(
            out,
            "{:<width$}  {:>9}  {:>9}  {:>9}  {:>13}  {:>13}  {:>13}",
            clip(&label(r), width),
            thousands(r.new_count),
            thousands(r.deleted_count),
            signed(r.count_delta),
            thousands(r.alloc_size),
            thousands(r.freed_size),
            signed(r.size_delta)
        )?;
    }
    if more > 0 {
        writeln!(out, "... and {more} more constructors (--top 0 lists all)")?;
    }
    if c.classes.is_empty() {
        writeln!(out, "no object was allocated or freed between the two snapshots")?;
    }
    if a.retainers.is_some() {
        for p in &c.retainers {
            write_path(out, p, "a new one")?;
        }
        for l in &c.listeners {
            writeln!(
                out,
                "\nlisteners: {} @{} `{}`: {} → {} listeners ({})",
                l.emitter,
                l.emitter_id,
                l.event,
                thousands(l.base_listeners),
                thousands(l.target_listeners),
                signed(l.target_listeners as i64 - l.base_listeners as i64)
            )?;
            match l.path.len() {
                0 => writeln!(out, "  the emitter is not reachable from the GC roots")?,
                _ => writeln!(out, "  the emitter is held by: {}", steps_chain(&l.path))?,
            }
        }
    }
    Ok(())
}

fn steps_chain(path: &[node_heap::snapshot::PathStep]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if let Some(first) = path.first() {
        parts.push(&first.node);
    }
    parts.extend(path.iter().skip(1).map(|s| s.edge.as_str()));
    parts.join(" → ")
}

/// A retaining path, one step a line, as DevTools' Retainers view shows them (`edge :: node @id`),
/// from a GC root to the object.
fn write_path(out: &mut dyn Write, p: &RetainerPath, which: &str) -> std::io::Result<()> {
    writeln!(out)?;
    match p.distance {
        None => {
            writeln!(
                out,
                "{} @{} ({which}) is not reachable from the GC roots: only weak edges hold it",
                p.class, p.object_id
            )
        }
        Some(d) => {
            let system = if d >= node_heap::snapshot::retainers::SYSTEM_DISTANCE {
                format!(
                    "held only by V8 itself, {} steps from the root",
                    d - node_heap::snapshot::retainers::SYSTEM_DISTANCE
                )
            } else {
                format!("{d} steps from the GC roots")
            };
            writeln!(out, "what holds {} ({which}, @{}), {system}: {}", p.class, p.object_id, p.chain(8))?;
            for (i, s) in p.path.iter().enumerate() {
                if i == 0 {
                    writeln!(out, "  {} @{}", s.node, s.id)?;
                } else {
                    writeln!(out, "  {:indent$}→ {s}", "", indent = (i - 1).min(12))?;
                }
            }
            Ok(())
        }
    }
}

fn retainers(a: RetainersArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let options = ReadOptions { max_bytes: a.max_snapshot_size, ..ReadOptions::default() };
    let snap = HeapSnapshot::open_with(&a.snapshot, options).map_err(snapshot_error(&a.snapshot))?;
    let paths: Vec<RetainerPath> = if let Some(id) = a.object.strip_prefix('@') {
        let id: u32 =
            id.parse().map_err(|_| CliError::Input(format!("{:?} is not an object id like @12345", a.object)))?;
        let path = node_heap::snapshot::retainers::object_retainers(&snap, id)
            .ok_or_else(|| CliError::Input(format!("{}: no object has id @{id}", a.snapshot.display())))?;
        vec![path]
    } else {
        let found = node_heap::snapshot::retainers::class_retainers(&snap, &a.object, a.paths.max(1));
        if found.is_empty() {
            return Err(CliError::Input(format!(
                "{}: no object of constructor {:?} (names as `ccs node summary` lists them)",
                a.snapshot.display(),
                a.object
            )));
        }
        found
    };
    if a.format == Format::Json {
        let report = serde_json::json!({ "snapshot": a.snapshot, "retainers": paths });
        writeln!(out, "{}", serde_json::to_string_pretty(&report).unwrap_or_default())?;
        return Ok(EXIT_OK);
    }
    for p in &paths {
        write_path(out, p, "the largest")?;
    }
    Ok(EXIT_OK)
}
