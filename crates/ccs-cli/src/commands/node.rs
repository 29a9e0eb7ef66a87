//! `ccs node ...`: the Node.js contrast. Record a bundled Node server's heap under load, check the
//! timeline against a fixed budget and judge whether it leaks, and read V8 heap snapshots the way
//! DevTools' Summary and Comparison views do. Built on the node-heap crate.

use crate::format::{Format, thousands};
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use node_heap::leak::format_p;
use node_heap::record::{RecordEvent, RecordOptions, Recording, ServerKind};
use node_heap::timeline::format_ms;
use node_heap::{Field, HeapSnapshot, LeakCriteria, Timeline, Verdict, format_bytes, parse_size};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[derive(clap::Subcommand, Debug)]
pub enum NodeCommand {
    /// Run a bundled Node server under load; record its memory timeline (and heap snapshots)
    Record(RecordArgs),
    /// Check a timeline against a fixed budget and judge whether the heap grows without bound
    Check(CheckArgs),
    /// Summarise a V8 heap snapshot per constructor (DevTools' Summary view, shallow sizes)
    Summary(SummaryArgs),
    /// Compare two heap snapshots of one process (DevTools' Comparison view)
    Diff(DiffArgs),
}

#[derive(clap::Args, Debug)]
pub struct RecordArgs {
    /// Which server: leaky (unbounded cache), bounded (LRU), listeners (listener leak), listeners-fixed
    #[arg(long, value_parser = server_parser())]
    server: ServerKind,
    /// Requests to send, each with a new user id (and, for the listener servers, a new connection)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    requests: u64,
    /// Folder for timeline.jsonl, the snapshots, server.log and recording.json (created if missing)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Also write start.heapsnapshot and end.heapsnapshot
    #[arg(long)]
    snapshots: bool,
    /// Run Node with --max-old-space-size=MiB, so that a leak crashes early and loudly
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u64).range(8..=1_048_576))]
    heap_limit: Option<u64>,
    /// Sampling interval of process.memoryUsage()
    #[arg(long, value_name = "MS", default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    interval: u64,
    /// Requests in flight at once
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    concurrency: u32,
    /// The bounded server's maximum cache entries (default 500)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_entries: Option<u64>,
    /// Budget for the check printed after recording
    #[arg(long, default_value = "64MiB", value_parser = parse_size)]
    budget: u64,
    /// The node executable (default: $CCS_NODE, or `node` on the PATH)
    #[arg(long, value_name = "PATH")]
    node: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// A timeline (JSON lines of process.memoryUsage()), or a recording folder holding timeline.jsonl
    timeline: PathBuf,
    /// The fixed budget: 64MiB, 100MB, 1GiB...
    #[arg(long, default_value = "64MiB", value_parser = parse_size)]
    budget: u64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct SummaryArgs {
    /// A V8 heap snapshot (.heapsnapshot)
    snapshot: PathBuf,
    /// Constructors to list (0 for all)
    #[arg(long, default_value_t = 25)]
    top: usize,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The earlier snapshot
    base: PathBuf,
    /// The later snapshot, of the same process
    target: PathBuf,
    /// Constructors to list, largest size delta first (0 for all)
    #[arg(long, default_value_t = 20)]
    top: usize,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn server_parser() -> impl TypedValueParser<Value = ServerKind> {
    PossibleValuesParser::new(ServerKind::ALL.map(ServerKind::name))
        .try_map(|s| ServerKind::parse(&s).ok_or_else(|| format!("unknown server {s:?}")))
}

pub fn run(command: NodeCommand, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    match command {
        NodeCommand::Record(a) => record(a, out, err),
        NodeCommand::Check(a) => check(a, out),
        NodeCommand::Summary(a) => summary(a, out),
        NodeCommand::Diff(a) => diff(a, out),
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
        let bar =
            crate::progress::bar(total, "{spinner} {msg} [{bar:30}] {human_pos}/{human_len} requests ({eta} left)", "");
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
                if quarter > self.reported && quarter < 4 {
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
    let mut opts = RecordOptions::new(a.server, a.requests, &a.out);
    opts.snapshots = a.snapshots;
    opts.heap_limit_mib = a.heap_limit;
    opts.node = node;
    opts.interval_ms = a.interval;
    opts.concurrency = a.concurrency;
    opts.max_entries = a.max_entries;
    writeln!(out, "recording the {} server: {}", a.server, a.server.describe())?;
    let cancel = AtomicBool::new(false);
    let mut progress = Progress::new(err, a.requests);
    let result = node_heap::record::record(&opts, &cancel, &mut |e| progress.event(e));
    progress.finish();
    let rec = result.map_err(|e| CliError::Input(e.to_string()))?;
    ccs_files::write_atomic(&a.out.join(node_heap::record::MANIFEST), rec.to_json().as_bytes())?;
    writeln!(
        out,
        "{} of {} requests answered{}; server {} after {}",
        thousands(rec.requests_done),
        thousands(rec.requests),
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
    let timeline_path = dir.join(&rec.timeline);
    let code = match Timeline::read(&timeline_path) {
        Ok(t) => {
            let analysis = node_heap::analyze(&t, a.budget, &LeakCriteria::default());
            writeln!(out, "{} samples over {}", t.samples.len(), format_ms(t.duration_ms()))?;
            writeln!(out, "verdict: {}", analysis.verdict)?;
            write_crash(out, &rec, &t)?;
            if rec.crashed() { EXIT_FAILED } else { EXIT_OK }
        }
        Err(e) => {
            writeln!(out, "no usable timeline: {e}")?;
            write_crash(out, &rec, &Timeline { samples: vec![] })?;
            EXIT_FAILED
        }
    };
    writeln!(out, "next: ccs node check {}", timeline_path.display())?;
    if let (Some(s), Some(e)) = (&rec.start_snapshot, &rec.end_snapshot) {
        writeln!(out, "      ccs node diff {} {}", dir.join(s).display(), dir.join(e).display())?;
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

fn check(a: CheckArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let path = if a.timeline.is_dir() { a.timeline.join(node_heap::record::TIMELINE) } else { a.timeline.clone() };
    let t = Timeline::read(&path).map_err(|e| CliError::Input(e.to_string()))?;
    let recording = match Recording::for_timeline(&path) {
        Some(Ok(r)) => Some(r),
        Some(Err(e)) => return Err(CliError::Input(e.to_string())),
        None => None,
    };
    let budget = t.check_budget(a.budget);
    let analysis = node_heap::analyze(&t, a.budget, &LeakCriteria::default());
    let crashed = recording.as_ref().is_some_and(Recording::crashed);
    let over = budget.field(Field::HeapUsed).first_over.is_some();
    let failed = over || analysis.verdict.is_growing() || crashed;

    if a.format == Format::Json {
        let report = serde_json::json!({
            "timeline": path,
            "samples": t.samples.len(),
            "duration_ms": t.duration_ms(),
            "budget": budget,
            "analysis": analysis,
            "verdict_text": analysis.verdict.to_string(),
            "recording": recording,
            "crashed": crashed,
            "passed": !failed,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&report).unwrap_or_default())?;
        return Ok(if failed { EXIT_FAILED } else { EXIT_OK });
    }

    let n = t.samples.len();
    let every = if n > 1 {
        format!(" (every {} on average)", format_ms(t.duration_ms() / (n - 1) as f64))
    } else {
        String::new()
    };
    writeln!(out, "{}: {n} samples over {}{every}", path.display(), format_ms(t.duration_ms()))?;
    if let Some(r) = &recording {
        writeln!(
            out,
            "recorded: the {} server, {} of {} requests answered, Node {}{}; server {}",
            r.server,
            thousands(r.requests_done),
            thousands(r.requests),
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
    if let Some(r) = &recording {
        write_crash(out, r, &t)?;
    }
    if let Verdict::Grows { .. } = analysis.verdict {
        writeln!(out, "the CCS, for contrast, has 69,632 bytes and never allocates: its memory use is a constant")?;
    }
    Ok(if failed { EXIT_FAILED } else { EXIT_OK })
}

fn open(path: &Path) -> Result<HeapSnapshot, CliError> {
    HeapSnapshot::open(path).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

fn top<T>(rows: &[T], n: usize) -> &[T] {
    if n == 0 { rows } else { &rows[..rows.len().min(n)] }
}

fn summary(a: SummaryArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let snap = open(&a.snapshot)?;
    let mut s = snap.summary();
    let more = s.classes.len().saturating_sub(if a.top == 0 { usize::MAX } else { a.top });
    s.classes.truncate(top(&s.classes, a.top).len());
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

fn diff(a: DiffArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let (base, target) = node_heap::snapshot::open_pair(&a.base, &a.target);
    let base = base.map_err(|e| CliError::Input(format!("{}: {e}", a.base.display())))?;
    let target = target.map_err(|e| CliError::Input(format!("{}: {e}", a.target.display())))?;
    let mut c = node_heap::compare(&base, &target);
    let more = c.classes.len().saturating_sub(if a.top == 0 { usize::MAX } else { a.top });
    c.classes.truncate(top(&c.classes, a.top).len());
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
    let width = c.classes.iter().map(|r| r.name.chars().count()).max().unwrap_or(0).clamp(11, 40);
    writeln!(
        out,
        "{:<width$}  {:>9}  {:>9}  {:>9}  {:>13}  {:>13}  {:>13}",
        "Constructor", "# New", "# Deleted", "# Delta", "Alloc. Size", "Freed Size", "Size Delta"
    )?;
    for r in &c.classes {
        writeln!(
            out,
            "{:<width$}  {:>9}  {:>9}  {:>9}  {:>13}  {:>13}  {:>13}",
            clip(&r.name, width),
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
    Ok(EXIT_OK)
}
