//! The leak verdict: does heapUsed grow without bound?
//!
//! heapUsed saws up and down: garbage accumulates, a collection throws it away. A leak is not in the
//! teeth but in the troughs, the after-GC baseline. The best baseline points are samples taken just
//! after a full collection, where heapUsed *is* the live heap: the bundled sampler marks them
//! (`"gc":"major"` after V8's own mark-compacts, `"gc":"forced"` after the recorder's start and end
//! marks, `"gc":"snapshot"` after the snapshot that follows a mark: one point with its mark). When
//! the recorder's marks are there (a `forced` sample) and there are at least two such points, the
//! verdict is made on them:
//!
//! - six or more: the Mann–Kendall test (is there a monotonic upward trend, how sure are we?) and the
//!   Theil–Sen slope (how fast, insensitive to a few odd points); the second half of the points
//!   must still be rising, or the heap levelled off like a bounded cache that filled up;
//! - three to five: exact values leave little room for noise, so a strong, steady rise is enough:
//!   every point higher than the one before by more than the noise (1% or 64 KiB), the rise over
//!   the recording above the growth threshold, and the last step still at a quarter of the average
//!   rate or more. A last point no higher than an earlier one is stable (levelled off);
//! - two (the start and end marks only): no growth is stable; growth falls back to the windows
//!   below, which see the whole sawtooth.
//!
//! Without marks (a timeline from `ccs node watch`, or another sampler), the timeline is cut into
//! equal windows of time and each window's minimum heapUsed is a baseline point, judged as six or
//! more points are above. A window must be long enough to contain a real trough: old-space garbage
//! is only thrown away by a major collection, so when the timeline marks some (but too few to judge
//! on) the windows are made at least 1.25 times the median gap between them.

use crate::stats::{MannKendall, mann_kendall, median_in_place, theil_sen, window_minima};
use crate::timeline::{Field, GcKind, Timeline, format_bytes, format_ms};
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
        /// Slope of the baseline (Theil–Sen, or first to last after-GC point).
        mib_per_min: f64,
        /// One-sided Mann–Kendall p-value (for a steady rise of n points, 1/n!).
        p: f64,
        /// What the verdict rests on.
        evidence: Evidence,
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

/// What a "grows" verdict rests on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// A significant Mann–Kendall trend over six or more baseline points.
    Trend { p: f64 },
    /// Three to five after-GC points, each clearly higher than the one before.
    Steady { points: usize },
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
            Verdict::Grows { mib_per_min, evidence, budget, crossed_at_ms, projected_at_ms, .. } => {
                let why = match evidence {
                    Evidence::Trend { p } => format_p(*p),
                    Evidence::Steady { points } => format!("{points} full collections, each higher than the last"),
                };
                write!(
                    f,
                    "grows without bound: +{mib_per_min:.1} MiB/min ({why}), budget of {}",
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
                "too short to judge: {windows} baseline point(s), {needed} needed to tell a leak from a cache \
                 filling up (record longer)"
            ),
        }
    }
}

/// Everything the verdict was made of.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeakAnalysis {
    /// The after-GC baseline: (ms since the first sample, heapUsed) per sample taken after a full
    /// collection, or per window, its minimum.
    pub baseline: Vec<(f64, u64)>,
    /// The baseline is made of samples taken after full collections, not of window minima.
    pub exact: bool,
    /// How long each window is (0 when the baseline is exact).
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

/// After-GC points closer than this are one measurement.
const MERGE_MS: f64 = 250.0;

/// Judge `timeline`'s heapUsed against `budget` bytes.
pub fn analyze(timeline: &Timeline, budget: u64, criteria: &LeakCriteria) -> LeakAnalysis {
    let after_gc = timeline.after_gc(MERGE_MS);
    let majors = timeline.major_gcs();
    // The recorder's forced marks bound the recording with exact values at both ends; timelines of
    // other samplers (V8's major collections only) are judged on windows, as they always were.
    let forced = timeline.samples.iter().any(|s| matches!(s.gc, Some(GcKind::Forced | GcKind::Snapshot)));
    if forced && after_gc.len() >= 2 {
        let exact = judge_exact(timeline, &after_gc, budget, criteria, majors.len());
        // two points that rose: the windows over the whole sawtooth may still decide
        if !(after_gc.len() == 2 && matches!(exact.verdict, Verdict::TooShort { .. })) {
            return exact;
        }
        let windowed = judge_windows(timeline, budget, criteria, &majors);
        return if matches!(windowed.verdict, Verdict::TooShort { .. }) { exact } else { windowed };
    }
    judge_windows(timeline, budget, criteria, &majors)
}

/// The verdict on per-window minima.
fn judge_windows(timeline: &Timeline, budget: u64, criteria: &LeakCriteria, majors: &[f64]) -> LeakAnalysis {
    let times = timeline.relative_times();
    let used: Vec<f64> = timeline.samples.iter().map(|s| s.heap_used as f64).collect();
    let span = timeline.duration_ms();
    let mut gaps: Vec<f64> = majors.windows(2).map(|w| w[1] - w[0]).collect();
    let min_len =
        if gaps.len() >= 2 { median_in_place(&mut gaps).unwrap_or(0.0) * criteria.gc_gaps_per_window } else { 0.0 };
    let by_length = if min_len > 0.0 { (span / min_len).floor() as usize } else { usize::MAX };
    let windows = criteria.windows.min(timeline.samples.len() / 3).min(by_length).max(1);
    let points = window_minima(&times, &used, windows);
    let baseline: Vec<(f64, u64)> = points.iter().map(|&(t, v)| (t, v as u64)).collect();
    let mut analysis = LeakAnalysis {
        baseline,
        exact: false,
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
    judge_trend(timeline, &mut analysis, budget, criteria);
    analysis
}

/// Mann–Kendall and Theil–Sen on `analysis.baseline` (six points or more).
fn judge_trend(timeline: &Timeline, analysis: &mut LeakAnalysis, budget: u64, criteria: &LeakCriteria) {
    let points: Vec<(f64, f64)> = analysis.baseline.iter().map(|&(t, v)| (t, v as f64)).collect();
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
        grows(timeline, &points, slope, Evidence::Trend { p: mk.p_increasing }, budget)
    };
}

fn grows(timeline: &Timeline, points: &[(f64, f64)], slope: f64, evidence: Evidence, budget: u64) -> Verdict {
    let report = timeline.check_budget(budget);
    let crossed_at_ms = report.field(Field::HeapUsed).first_over.map(|c| c.t_ms);
    let (last_t, last_v) = points[points.len() - 1];
    let projected_at_ms = match crossed_at_ms {
        None if (budget as f64) > last_v => Some(last_t + (budget as f64 - last_v) / slope * 60_000.0),
        _ => None,
    };
    let p = match evidence {
        Evidence::Trend { p } => p,
        // the exact probability of a strictly increasing series of n points under "no trend"
        Evidence::Steady { points } => 1.0 / (1..=points).map(|k| k as f64).product::<f64>(),
    };
    Verdict::Grows { mib_per_min: slope / MIB, p, evidence, budget, crossed_at_ms, projected_at_ms }
}

/// The verdict on samples taken just after full collections.
fn judge_exact(
    timeline: &Timeline,
    after_gc: &[(f64, u64)],
    budget: u64,
    criteria: &LeakCriteria,
    majors: usize,
) -> LeakAnalysis {
    let mut analysis = LeakAnalysis {
        baseline: after_gc.to_vec(),
        exact: true,
        window_ms: 0.0,
        major_gcs: majors,
        slope_bytes_per_min: None,
        late_slope_bytes_per_min: None,
        trend: None,
        criteria: *criteria,
        verdict: Verdict::TooShort { windows: after_gc.len(), needed: criteria.min_windows },
    };
    if after_gc.len() >= criteria.min_windows.max(2) {
        judge_trend(timeline, &mut analysis, budget, criteria);
        return analysis;
    }
    let values: Vec<f64> = after_gc.iter().map(|p| p.1 as f64).collect();
    let (first, last) = (values[0], values[values.len() - 1]);
    let (t0, t1) = (after_gc[0].0, after_gc[after_gc.len() - 1].0);
    let needed = criteria.min_growth_bytes.max(criteria.min_growth_fraction * first);
    let range = format!("{} → {}", format_bytes(first), format_bytes(last));
    let span_min = (t1 - t0) / 60_000.0;
    let noise = |v: f64| (v * 0.01).max(64.0 * 1024.0);
    if last - first < needed {
        analysis.verdict = Verdict::Stable {
            reason: format!(
                "the after-GC baseline did not grow: {range} over {} ({} full collections measured)",
                format_ms(t1 - t0),
                after_gc.len()
            ),
        };
        return analysis;
    }
    let earlier_max = values[..values.len() - 1].iter().copied().fold(f64::MIN, f64::max);
    if values.len() >= 3 && last <= earlier_max + noise(earlier_max) {
        analysis.verdict = Verdict::Stable {
            reason: format!(
                "levels off: the after-GC baseline rose to {} and then stopped growing (last {}), like a bounded \
                 cache filling up",
                format_bytes(earlier_max),
                format_bytes(last)
            ),
        };
        return analysis;
    }
    let rising = values.windows(2).all(|w| w[1] - w[0] > noise(w[0]));
    let rate = (last - first) / span_min.max(f64::MIN_POSITIVE);
    let n = after_gc.len();
    let last_step = after_gc[n - 1].1 as f64 - after_gc[n - 2].1 as f64;
    let last_rate = last_step / ((after_gc[n - 1].0 - after_gc[n - 2].0) / 60_000.0).max(f64::MIN_POSITIVE);
    if n >= 3 && rising && last_rate >= rate / 4.0 {
        analysis.slope_bytes_per_min = Some(rate);
        analysis.late_slope_bytes_per_min = Some(last_rate);
        let points: Vec<(f64, f64)> = after_gc.iter().map(|&(t, v)| (t, v as f64)).collect();
        analysis.verdict = grows(timeline, &points, rate, Evidence::Steady { points: n }, budget);
    }
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

#[cfg(test)]
mod exact_tests {
    use super::*;
    use crate::timeline::{GcKind, Sample};

    /// Samples every 50 ms; those at `marks` (index, heapUsed) taken after a full collection.
    fn marked(n: usize, marks: &[(usize, u64)]) -> Timeline {
        let samples = (0..n)
            .map(|i| {
                let mark = marks.iter().find(|m| m.0 == i);
                Sample {
                    t: 1e12 + 50.0 * i as f64,
                    rss: 0,
                    heap_total: 0,
                    heap_used: mark.map_or(200 << 20, |m| m.1),
                    external: 0,
                    array_buffers: 0,
                    gc: mark.map(|_| GcKind::Forced),
                }
            })
            .collect();
        Timeline { samples }
    }

    #[test]
    fn a_steady_rise_over_four_full_collections_grows() {
        let t = marked(60, &[(0, 4 << 20), (15, 12 << 20), (30, 30 << 20), (59, 95 << 20)]);
        let a = analyze(&t, 64 << 20, &LeakCriteria::default());
        assert!(a.exact);
        let Verdict::Grows { evidence: Evidence::Steady { points: 4 }, .. } = a.verdict else {
            panic!("{}", a.verdict)
        };
        assert!(a.verdict.to_string().contains("(4 full collections, each higher than the last)"), "{}", a.verdict);
    }

    #[test]
    fn a_cache_that_filled_up_is_stable_and_no_growth_is_stable() {
        let t = marked(60, &[(0, 4 << 20), (15, 6 << 20), (30, 6 << 20), (59, 6 << 20)]);
        let Verdict::Stable { reason } = analyze(&t, 64 << 20, &LeakCriteria::default()).verdict else { panic!() };
        assert!(reason.starts_with("levels off"), "{reason}");
        let t = marked(60, &[(0, 4 << 20), (59, 4 << 20)]);
        let Verdict::Stable { reason } = analyze(&t, 64 << 20, &LeakCriteria::default()).verdict else { panic!() };
        assert!(reason.contains("did not grow"), "{reason}");
    }

    #[test]
    fn an_uneven_rise_over_few_points_cannot_be_judged() {
        // rises, dips, rises again: neither steady nor levelled off
        let t = marked(9, &[(0, 4 << 20), (3, 20 << 20), (5, 12 << 20), (8, 40 << 20)]);
        assert!(matches!(analyze(&t, 64 << 20, &LeakCriteria::default()).verdict, Verdict::TooShort { .. }));
    }
}
