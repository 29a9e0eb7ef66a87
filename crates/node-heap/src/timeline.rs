//! Timelines of `process.memoryUsage()`: one JSON object per line,
//! `{"t": ms since the Unix epoch, "rss", "heapTotal", "heapUsed", "external", "arrayBuffers"}`
//! (bytes), as written by `programs/node/lib/sampler.js`. A sample taken just after a major garbage
//! collection may also carry `"gc": "major"`.

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
    /// Any other kind named in the file.
    #[serde(other)]
    Other,
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
            let line_no = i + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let err = |message: String| TimelineError::Line { path: None, line: line_no, message };
            let sample: Sample = serde_json::from_str(trimmed).map_err(|e| {
                let what = if trimmed.starts_with('{') { "not a memory sample" } else { "not a JSON object" };
                err(format!(
                    "{what} ({e}); expected {{\"t\", \"rss\", \"heapTotal\", \"heapUsed\", \"external\", \"arrayBuffers\"}}"
                ))
            })?;
            if !sample.t.is_finite() {
                return Err(err(format!("t = {} is not a time", sample.t)));
            }
            if let Some(prev) = samples.last()
                && sample.t < prev.t
            {
                return Err(err(format!("t goes backwards ({} after {})", sample.t, prev.t)));
            }
            samples.push(sample);
        }
        if samples.is_empty() {
            return Err(TimelineError::Empty { path: None });
        }
        Ok(Timeline { samples })
    }

    /// Read and parse a timeline file; errors name the file.
    pub fn read(path: &Path) -> Result<Timeline, TimelineError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| TimelineError::Io { path: path.to_path_buf(), source })?;
        Timeline::parse(&text).map_err(|e| match e {
            TimelineError::Line { line, message, .. } => {
                TimelineError::Line { path: Some(path.to_path_buf()), line, message }
            }
            TimelineError::Empty { .. } => TimelineError::Empty { path: Some(path.to_path_buf()) },
            other => other,
        })
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
