//! Timelines of `process.memoryUsage()`: one JSON object per line,
//! `{"t": ms since the Unix epoch, "rss", "heapTotal", "heapUsed", "external", "arrayBuffers"}`
//! (bytes), as written by `programs/node/lib/sampler.js`. A sample taken just after a full garbage
//! collection may also carry `"gc"`: `"major"` (V8's own), `"forced"` (the recorder's mark) or
//! `"snapshot"` (a heap snapshot, which collects first).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// One sample of `process.memoryUsage()`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    /// When, in milliseconds since the Unix epoch.
    pub t: f64,
    /// Resident set size of the whole process.
    pub rss: u64,
    /// V8's heap, reserved.
    pub heap_total: u64,
    /// V8's heap, in use: live objects and not yet collected garbage.
    pub heap_used: u64,
    /// Memory of C++ objects bound to JavaScript objects (buffers and the like).
    pub external: u64,
    /// ArrayBuffer and SharedArrayBuffer memory (included in `external`).
    pub array_buffers: u64,
    /// Set on a sample taken just after a garbage collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gc: Option<GcKind>,
}

/// The collection a sample follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GcKind {
    /// A mark-compact of the whole heap: heapUsed is then the after-GC baseline itself.
    Major,
    /// A full collection the recorder asked for (its start and end marks): the after-GC
    /// baseline too. (Recordings made before `Snapshot` existed mark snapshots so as well.)
    Forced,
    /// The collection of a heap snapshot, taken right after a mark with nothing run between:
    /// the same measurement as that mark.
    Snapshot,
    /// Any other kind named in the file.
    #[serde(other)]
    Other,
}

impl GcKind {
    /// A collection of the whole heap, after which heapUsed is the live heap.
    pub fn is_full(self) -> bool {
        matches!(self, GcKind::Major | GcKind::Forced | GcKind::Snapshot)
    }
}

/// A field of a [`Sample`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Field {
    #[serde(rename = "rss")]
    Rss,
    #[serde(rename = "heapTotal")]
    HeapTotal,
    #[serde(rename = "heapUsed")]
    HeapUsed,
    #[serde(rename = "external")]
    External,
    #[serde(rename = "arrayBuffers")]
    ArrayBuffers,
}

impl Field {
    pub const ALL: [Field; 5] = [Field::Rss, Field::HeapTotal, Field::HeapUsed, Field::External, Field::ArrayBuffers];

    /// The name used in the JSON lines and by `process.memoryUsage()`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Rss => "rss",
            Field::HeapTotal => "heapTotal",
            Field::HeapUsed => "heapUsed",
            Field::External => "external",
            Field::ArrayBuffers => "arrayBuffers",
        }
    }

    pub fn of(self, s: &Sample) -> u64 {
        match self {
            Field::Rss => s.rss,
            Field::HeapTotal => s.heap_total,
            Field::HeapUsed => s.heap_used,
            Field::External => s.external,
            Field::ArrayBuffers => s.array_buffers,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a timeline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}line {line}: {message}", location(path))]
    Line { path: Option<PathBuf>, line: usize, message: String },
    #[error("{}no samples: the timeline is empty", location(path))]
    Empty { path: Option<PathBuf> },
    #[error(
        "{}: larger than {} ({limit} bytes), the most a timeline may be by default; allow more with --max-size",
        path.display(),
        format_bytes(*limit as f64)
    )]
    TooLarge { path: PathBuf, limit: u64 },
}

/// Timelines larger than this are refused unless the caller allows more: about 1.7 million
/// samples, a day at 50 ms.
pub const MAX_TIMELINE_BYTES: u64 = 256 << 20;
/// No sample line is longer than this (they are about 150 bytes).
pub const MAX_LINE_BYTES: usize = 64 << 10;

/// Read a small text file whole, refusing more than `max` bytes and invalid UTF-8 (with the line
/// and byte where it is).
pub fn read_capped(path: &Path, max: u64) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(format!("{}: larger than {} bytes", path.display(), max));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let column = at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        format!("{}: line {line}, byte {column}: invalid UTF-8 (byte {at} of the file)", path.display())
    })
}

fn location(path: &Option<PathBuf>) -> String {
    path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default()
}

/// A sequence of samples in time order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timeline {
    pub samples: Vec<Sample>,
}

impl Timeline {
    /// Parse JSON lines (blank lines are ignored). Every sample must have all six fields, sizes as
    /// non-negative integers, and `t` must never go backwards.
    pub fn parse(text: &str) -> Result<Timeline, TimelineError> {
        let mut samples: Vec<Sample> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            push_line(&mut samples, line, i + 1).map_err(|message| TimelineError::Line {
                path: None,
                line: i + 1,
                message,
            })?;
        }
        if samples.is_empty() {
            return Err(TimelineError::Empty { path: None });
        }
        Ok(Timeline { samples })
    }

    /// Read and parse a timeline file of at most [`MAX_TIMELINE_BYTES`]; errors name the file.
    pub fn read(path: &Path) -> Result<Timeline, TimelineError> {
        Timeline::read_with(path, MAX_TIMELINE_BYTES)
    }

    /// [`Timeline::read`] of at most `max_bytes`, line by line: a line longer than
    /// [`MAX_LINE_BYTES`] is an error as soon as it is seen, whatever the file's size.
    pub fn read_with(path: &Path, max_bytes: u64) -> Result<Timeline, TimelineError> {
        use std::io::{BufRead, Read};
        let io = |source| TimelineError::Io { path: path.to_path_buf(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        if file.metadata().map_err(io)?.is_dir() {
            return Err(io(std::io::Error::new(std::io::ErrorKind::IsADirectory, "a folder, not a timeline file")));
        }
        let mut reader = std::io::BufReader::new(file);
        let mut samples = Vec::new();
        let mut buf = Vec::new();
        let mut total = 0u64;
        let mut line_no = 0usize;
        let line_error =
            |line: usize, message: String| TimelineError::Line { path: Some(path.to_path_buf()), line, message };
        loop {
            buf.clear();
            let n = reader.by_ref().take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            line_no += 1;
            total += n as u64;
            if total > max_bytes {
                return Err(TimelineError::TooLarge { path: path.to_path_buf(), limit: max_bytes });
            }
            if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
                return Err(line_error(
                    line_no,
                    format!("longer than {} KiB: not a line of memory samples", MAX_LINE_BYTES >> 10),
                ));
            }
            let text = std::str::from_utf8(&buf).map_err(|e| {
                line_error(
                    line_no,
                    format!(
                        "invalid UTF-8 at byte {} of the line (byte {} of the file)",
                        e.valid_up_to() + 1,
                        total - n as u64 + e.valid_up_to() as u64
                    ),
                )
            })?;
            push_line(&mut samples, text, line_no).map_err(|m| line_error(line_no, m))?;
        }
        if samples.is_empty() {
            return Err(TimelineError::Empty { path: Some(path.to_path_buf()) });
        }
        Ok(Timeline { samples })
    }

    /// Time of the first sample (ms since the epoch).
    pub fn start(&self) -> f64 {
        self.samples.first().map_or(0.0, |s| s.t)
    }

    /// Milliseconds from the first sample to the last.
    pub fn duration_ms(&self) -> f64 {
        self.samples.last().map_or(0.0, |s| s.t - self.start())
    }

    /// Times (ms since the first sample) of the samples taken just after a major GC.
    pub fn major_gcs(&self) -> Vec<f64> {
        let start = self.start();
        self.samples.iter().filter(|s| s.gc == Some(GcKind::Major)).map(|s| s.t - start).collect()
    }

    /// The samples taken just after a full collection (major, forced or snapshot), as (ms since
    /// the first sample, heapUsed): the after-GC baseline itself. Of several within `merge_ms` of
    /// the first of them, only the last is kept (a collector thrashing near the heap limit collects
    /// every few milliseconds; a forced mark is followed by V8's own report of that collection).
    ///
    /// A snapshot's sample is the same measurement as the mark before it: the recorder takes its
    /// start mark and start snapshot (and its end mark and end snapshot) back to back, with no
    /// load between, seconds apart when the snapshot is large. Counted as two points, they looked
    /// like a heap that stopped growing at both ends of a leak (Q109). The pair keeps the mark's
    /// time (where the load ended) and the snapshot's value (the heap where the load starts).
    pub fn after_gc(&self, merge_ms: f64) -> Vec<(f64, u64)> {
        let start = self.start();
        let mut out: Vec<(f64, u64)> = Vec::new();
        let mut group_start = f64::NEG_INFINITY;
        // the last point is a mark with its snapshot: its time stays the mark's
        let mut with_snapshot = false;
        for s in self.samples.iter().filter(|s| s.gc.is_some_and(GcKind::is_full)) {
            let (t, used) = (s.t - start, s.heap_used);
            match out.last_mut() {
                Some(last) if t - group_start <= merge_ms => {
                    *last = (if with_snapshot { last.0 } else { t }, used);
                }
                Some(last) if s.gc == Some(GcKind::Snapshot) => {
                    group_start = t;
                    with_snapshot = true;
                    last.1 = used;
                }
                _ => {
                    group_start = t;
                    with_snapshot = false;
                    out.push((t, used));
                }
            }
        }
        out
    }

    /// Sample times in milliseconds since the first sample.
    pub fn relative_times(&self) -> Vec<f64> {
        let start = self.start();
        self.samples.iter().map(|s| s.t - start).collect()
    }

    /// For every field, the first sample over `budget` bytes and the peak.
    pub fn check_budget(&self, budget: u64) -> BudgetReport {
        let start = self.start();
        let fields = Field::ALL
            .iter()
            .map(|&field| {
                let first_over = self
                    .samples
                    .iter()
                    .enumerate()
                    .find(|(_, s)| field.of(s) > budget)
                    .map(|(index, s)| Crossing { index, t_ms: s.t - start, value: field.of(s) });
                let (peak_index, peak) = self
                    .samples
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (i, field.of(s)))
                    .fold((0, 0), |best, (i, v)| if v > best.1 { (i, v) } else { best });
                FieldBudget {
                    field,
                    first_over,
                    peak: Crossing { index: peak_index, t_ms: self.samples[peak_index].t - start, value: peak },
                }
            })
            .collect();
        BudgetReport { budget, fields }
    }
}

/// Parse one line onto `samples` (blank lines are skipped).
fn push_line(samples: &mut Vec<Sample>, line: &str, _line_no: usize) -> Result<(), String> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Ok(());
    }
    let sample: Sample = serde_json::from_str(trimmed).map_err(|e| {
        let what = if trimmed.starts_with('{') { "not a memory sample" } else { "not a JSON object" };
        format!(
            "{what} ({e}); expected {{\"t\", \"rss\", \"heapTotal\", \"heapUsed\", \"external\", \"arrayBuffers\"}}"
        )
    })?;
    if !sample.t.is_finite() {
        return Err(format!("t = {} is not a time", sample.t));
    }
    if let Some(prev) = samples.last()
        && sample.t < prev.t
    {
        return Err(format!("t goes backwards ({} after {})", sample.t, prev.t));
    }
    samples.push(sample);
    Ok(())
}

/// A sample singled out: its index, time since the first sample, and the field's value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Crossing {
    pub index: usize,
    pub t_ms: f64,
    pub value: u64,
}

/// The budget check for one field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldBudget {
    pub field: Field,
    /// The first sample strictly over the budget, if any.
    pub first_over: Option<Crossing>,
    /// The largest value (its first occurrence).
    pub peak: Crossing,
}

/// A fixed budget checked against every field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BudgetReport {
    pub budget: u64,
    pub fields: Vec<FieldBudget>,
}

impl BudgetReport {
    pub fn field(&self, field: Field) -> &FieldBudget {
        self.fields.iter().find(|f| f.field == field).expect("every field is checked")
    }
}

/// Parse a size such as `64MiB`, `1.5 GiB`, `512KB`, `1000000B` into bytes. A unit is required:
/// B, KB/MB/GB (powers of 1000) or KiB/MiB/GiB (powers of 1024), case-insensitive.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 64MiB (a number, then B, KB, MB, KiB, MiB...)"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "kib" | "k" => 1024.0,
        "mib" | "m" => 1024.0 * 1024.0,
        "gib" | "g" => 1024.0 * 1024.0 * 1024.0,
        "" => return Err(format!("{text:?} has no unit: write {text}MiB, {text}MB or {text}B")),
        other => return Err(format!("unknown unit {other:?} in {text:?}: use B, KB, MB, GB, KiB, MiB or GiB")),
    };
    let bytes = (value * factor).round();
    if !bytes.is_finite() || bytes > u64::MAX as f64 {
        return Err(format!("{text:?} is too large"));
    }
    Ok(bytes as u64)
}

/// Bytes as a short human figure in binary units: `812 B`, `3.4 KiB`, `52.9 MiB`, `1.20 GiB`.
pub fn format_bytes(bytes: f64) -> String {
    let sign = if bytes < 0.0 { "-" } else { "" };
    let b = bytes.abs();
    const K: f64 = 1024.0;
    if b < K {
        format!("{sign}{b:.0} B")
    } else if b < K * K {
        format!("{sign}{:.1} KiB", b / K)
    } else if b < K * K * K {
        format!("{sign}{:.1} MiB", b / (K * K))
    } else {
        format!("{sign}{:.2} GiB", b / (K * K * K))
    }
}

/// Milliseconds as seconds or minutes: `850 ms`, `3.25 s`, `4.1 min`.
pub fn format_ms(ms: f64) -> String {
    if ms.abs() < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms.abs() < 120_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{:.1} min", ms / 60_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1.5 GiB"), Ok(3 << 29));
        assert_eq!(parse_size("512kb"), Ok(512_000));
        assert_eq!(parse_size("7B"), Ok(7));
        assert!(parse_size("64").unwrap_err().contains("no unit"));
        assert!(parse_size("64 parsecs").unwrap_err().contains("unknown unit"));
        assert!(parse_size("MiB").is_err());
        assert_eq!(format_bytes(812.0), "812 B");
        assert_eq!(format_bytes(64.0 * 1024.0 * 1024.0), "64.0 MiB");
        assert_eq!(format_bytes(-1536.0), "-1.5 KiB");
        assert_eq!(format_ms(3250.0), "3.25 s");
    }
}
