//! The leak verdict: does heapUsed grow without bound?
//!
//! heapUsed saws up and down: garbage accumulates, a collection throws it away. A leak is not in the
//! teeth but in the troughs, the after-GC baseline. So the timeline is cut into equal windows of time,
//! each window's minimum heapUsed is taken as a baseline point, and two robust statistics judge the
//! baseline: the Mann–Kendall test (is there a monotonic upward trend, and how sure are we?) and the
//! Theil–Sen slope (how fast, in MiB per minute, insensitive to a few odd windows). A baseline that
//! rose and then levelled off, a bounded cache filling up, is not a leak: the second half of the
//! baseline must still be rising.
//!
//! A window must be long enough to contain a real trough: old-space garbage is only thrown away by a
//! major (mark-compact) collection, which may come every half second, so a window without one
//! finds only the bottom of a scavenge, high on the old-space slope. When the timeline marks the
//! samples taken just after major collections (`"gc": "major"`, as the bundled sampler does), the
//! windows are made at least 1.25 times the median gap between them; otherwise the timeline is cut
//! into `windows` equal windows.

use crate::stats::{MannKendall, mann_kendall, median_in_place, theil_sen, window_minima};
use crate::timeline::{Field, Timeline, format_bytes, format_ms};
use serde::Serialize;
use std::fmt;

const MIB: f64 = 1024.0 * 1024.0;

/// The thresholds of the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LeakCriteria {
    /// How many windows the timeline is cut into, at most (fewer if there are fewer than three
    /// samples per window).
    pub windows: usize,
    /// Fewer windows than this: too short to judge.
    pub min_windows: usize,
    /// Windows are at least this many median gaps between major GCs long (when the timeline marks them).
    pub gc_gaps_per_window: f64,
    /// Significance level of the Mann–Kendall test (one-sided, increasing).
    pub alpha: f64,
    /// The baseline must grow by at least this fraction of its first value over the recording...
    pub min_growth_fraction: f64,
    /// ...and by at least this many bytes.
    pub min_growth_bytes: f64,
}

impl Default for LeakCriteria {
    fn default() -> Self {
        LeakCriteria {
            windows: 20,
            min_windows: 6,
            gc_gaps_per_window: 1.25,
            alpha: 0.01,
            min_growth_fraction: 0.05,
            min_growth_bytes: 256.0 * 1024.0,
        }
    }
}

/// The verdict on a timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The after-GC baseline rises steadily, through the whole recording.
    Grows {
        /// Theil–Sen slope of the baseline.
        mib_per_min: f64,
        /// One-sided Mann–Kendall p-value.
        p: f64,
        budget: u64,
        /// When heapUsed first went over the budget (ms since the first sample).
        crossed_at_ms: Option<f64>,
        /// If not crossed yet: when the baseline would reach it at this rate (ms since the first sample).
        projected_at_ms: Option<f64>,
    },
    /// No leak: the reason says why.
    Stable { reason: String },
    /// Not enough samples to judge.
    TooShort { windows: usize, needed: usize },
}

impl Verdict {
    pub fn is_growing(&self) -> bool {
        matches!(self, Verdict::Grows { .. })
    }
}

/// A p-value as the verdict prints it.
pub fn format_p(p: f64) -> String {
    if p < 0.001 { "p < 0.001".into() } else { format!("p = {p:.3}") }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Grows { mib_per_min, p, budget, crossed_at_ms, projected_at_ms } => {
                write!(
                    f,
                    "grows without bound: +{mib_per_min:.1} MiB/min ({}), budget of {}",
                    format_p(*p),
                    format_bytes(*budget as f64)
                )?;
                match (crossed_at_ms, projected_at_ms) {
                    (Some(t), _) => write!(f, " crossed at t = {}", format_ms(*t)),
                    (None, Some(t)) => write!(f, " not crossed yet; at this rate, crossed at t ≈ {}", format_ms(*t)),
                    (None, None) => write!(f, " not crossed"),
                }
            }
            Verdict::Stable { reason } => write!(f, "stable: {reason}"),
            Verdict::TooShort { windows, needed } => write!(
                f,
                "too short to judge: {windows} window(s) of samples, {needed} needed (record longer or sample more often)"
            ),
        }
    }
}

/// Everything the verdict was made of.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeakAnalysis {
    /// The after-GC baseline: per window, (ms since the first sample, minimum heapUsed).
    pub baseline: Vec<(f64, u64)>,
    /// How long each window is.
    pub window_ms: f64,
    /// Samples marked as taken just after a major GC.
    pub major_gcs: usize,
    /// Theil–Sen slope of the baseline, bytes per minute.
    pub slope_bytes_per_min: Option<f64>,
    /// The same over the second half of the baseline.
    pub late_slope_bytes_per_min: Option<f64>,
    pub trend: Option<MannKendall>,
    pub criteria: LeakCriteria,
    pub verdict: Verdict,
}

/// Judge `timeline`'s heapUsed against `budget` bytes.
pub fn analyze(timeline: &Timeline, budget: u64, criteria: &LeakCriteria) -> LeakAnalysis {
    let times = timeline.relative_times();
    let used: Vec<f64> = timeline.samples.iter().map(|s| s.heap_used as f64).collect();
    let span = timeline.duration_ms();
    let majors = timeline.major_gcs();
    let mut gaps: Vec<f64> = majors.windows(2).map(|w| w[1] - w[0]).collect();
    let min_len =
        if gaps.len() >= 2 { median_in_place(&mut gaps).unwrap_or(0.0) * criteria.gc_gaps_per_window } else { 0.0 };
    let by_length = if min_len > 0.0 { (span / min_len).floor() as usize } else { usize::MAX };
    let windows = criteria.windows.min(timeline.samples.len() / 3).min(by_length).max(1);
    let points = window_minima(&times, &used, windows);
    let baseline: Vec<(f64, u64)> = points.iter().map(|&(t, v)| (t, v as u64)).collect();
    let mut analysis = LeakAnalysis {
        baseline,
        window_ms: span / windows as f64,
        major_gcs: majors.len(),
        slope_bytes_per_min: None,
        late_slope_bytes_per_min: None,
        trend: None,
        criteria: *criteria,
        verdict: Verdict::TooShort { windows: points.len(), needed: criteria.min_windows },
    };
    if points.len() < criteria.min_windows.max(2) {
        return analysis;
    }
    let per_min: Vec<(f64, f64)> = points.iter().map(|&(t, v)| (t / 60_000.0, v)).collect();
    let slope = theil_sen(&per_min);
    let late = theil_sen(&per_min[per_min.len() / 2..]);
    let values: Vec<f64> = points.iter().map(|p| p.1).collect();
    let mk = mann_kendall(&values);
    analysis.slope_bytes_per_min = slope;
    analysis.late_slope_bytes_per_min = late;
    analysis.trend = Some(mk);

    let first = values[0];
    let last = values[values.len() - 1];
    let span_min = (per_min[per_min.len() - 1].0 - per_min[0].0).max(0.0);
    let slope = slope.unwrap_or(0.0);
    let growth = slope * span_min;
    let needed = criteria.min_growth_bytes.max(criteria.min_growth_fraction * first);
    let range = format!("baseline {} → {}", format_bytes(first), format_bytes(last));
    analysis.verdict = if mk.p_increasing >= criteria.alpha || slope <= 0.0 {
        Verdict::Stable {
            reason: format!(
                "no significant upward trend in the after-GC baseline (Mann–Kendall {}); {range}",
                format_p(mk.p_increasing)
            ),
        }
    } else if growth < needed {
        Verdict::Stable {
            reason: format!(
                "the after-GC baseline rose by only {} over {} ({range})",
                format_bytes(growth),
                format_ms(span_min * 60_000.0)
            ),
        }
    } else if late.unwrap_or(0.0) <= 0.0 {
        Verdict::Stable {
            reason: format!(
                "levels off: the after-GC baseline rose early, then stopped growing in the second half ({range}), \
                 like a bounded cache filling up"
            ),
        }
    } else {
        let report = timeline.check_budget(budget);
        let crossed_at_ms = report.field(Field::HeapUsed).first_over.map(|c| c.t_ms);
        let (last_t, last_v) = points[points.len() - 1];
        let projected_at_ms = match crossed_at_ms {
            None if (budget as f64) > last_v => Some(last_t + (budget as f64 - last_v) / slope * 60_000.0),
            _ => None,
        };
        Verdict::Grows { mib_per_min: slope / MIB, p: mk.p_increasing, budget, crossed_at_ms, projected_at_ms }
    };
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Sample;

    fn timeline(used: impl Fn(usize) -> u64, n: usize) -> Timeline {
        let samples = (0..n)
            .map(|i| Sample {
                t: 1e12 + 50.0 * i as f64,
                rss: 0,
                heap_total: 0,
                heap_used: used(i),
                external: 0,
                array_buffers: 0,
                gc: None,
            })
            .collect();
        Timeline { samples }
    }

    /// A sawtooth whose troughs follow `trough(i)`.
    fn sawtooth(trough: impl Fn(usize) -> f64, n: usize) -> Timeline {
        timeline(|i| (trough(i) + (i % 7) as f64 * 3e6) as u64, n)
    }

    #[test]
    fn a_rising_baseline_grows_and_reports_the_crossing() {
        // 200 samples, 10 s; troughs rise 1 MB per second = 60 MB/min.
        let t = sawtooth(|i| 10e6 + i as f64 * 50e3, 200);
        let a = analyze(&t, 20 << 20, &LeakCriteria::default());
        let Verdict::Grows { mib_per_min, p, crossed_at_ms, .. } = a.verdict else { panic!("{}", a.verdict) };
        assert!((mib_per_min - 60e6 / MIB).abs() < 3.0, "{mib_per_min}");
        assert!(p < 1e-4);
        let crossed = crossed_at_ms.expect("crossed");
        // the first sample over 20 MiB = 20,971,520 bytes
        let first = t.samples.iter().position(|s| s.heap_used > 20 << 20).unwrap();
        assert_eq!(crossed, 50.0 * first as f64);
        assert!(a.verdict.to_string().starts_with("grows without bound: +"));
        assert!(a.verdict.to_string().contains("(p < 0.001), budget of 20.0 MiB crossed at t = "));
    }

    #[test]
    fn a_flat_sawtooth_is_stable() {
        let t = sawtooth(|_| 10e6, 200);
        let a = analyze(&t, 64 << 20, &LeakCriteria::default());
        assert!(matches!(a.verdict, Verdict::Stable { .. }), "{}", a.verdict);
    }

    #[test]
    fn a_baseline_that_levels_off_is_stable() {
        // fills up during the first third, flat after
        let t = sawtooth(|i| 10e6 + (i.min(60) as f64) * 200e3, 200);
        let a = analyze(&t, 64 << 20, &LeakCriteria::default());
        let Verdict::Stable { reason } = &a.verdict else { panic!("{}", a.verdict) };
        assert!(reason.starts_with("levels off"), "{reason}");
    }

    #[test]
    fn tiny_growth_is_not_a_leak() {
        let t = sawtooth(|i| 10e6 + i as f64 * 100.0, 200);
        let a = analyze(&t, 64 << 20, &LeakCriteria::default());
        let Verdict::Stable { reason } = &a.verdict else { panic!("{}", a.verdict) };
        assert!(reason.contains("rose by only"), "{reason}");
    }

    #[test]
    fn too_few_samples() {
        let t = sawtooth(|i| i as f64 * 1e6, 10);
        assert_eq!(analyze(&t, 1, &LeakCriteria::default()).verdict, Verdict::TooShort { windows: 3, needed: 6 });
    }

    #[test]
    fn projection_when_under_budget() {
        let t = timeline(|i| 10_000_000 + i as u64 * 10_000, 120); // +200 KB/s, 6 s
        let a = analyze(&t, 100_000_000, &LeakCriteria::default());
        let Verdict::Grows { crossed_at_ms: None, projected_at_ms: Some(p), .. } = a.verdict else {
            panic!("{}", a.verdict)
        };
        // reaches 100 MB at sample 9000, 450 s
        assert!((p - 450_000.0).abs() < 1_000.0, "{p}");
    }
}
