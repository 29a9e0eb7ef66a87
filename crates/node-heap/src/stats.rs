//! The statistics behind the leak verdict: per-window minima, the Theil–Sen slope and the
//! Mann–Kendall trend test. Each is written for speed or robustness; the tests check them against
//! the textbook definitions computed naively.

/// The minimum of `values` within each of `windows` equal slices of time.
///
/// `times` must be non-decreasing and as long as `values`. The span from the first to the last time
/// is cut into `windows` half-open intervals (the last one closed); the result has one
/// `(time, value)` point per non-empty window: the window's smallest value and the time of its first
/// occurrence. For heapUsed sampled through garbage collections, these minima are the after-GC
/// baseline: the sawtooth's troughs.
pub fn window_minima(times: &[f64], values: &[f64], windows: usize) -> Vec<(f64, f64)> {
    let n = times.len().min(values.len());
    if n == 0 || windows == 0 {
        return Vec::new();
    }
    let (start, end) = (times[0], times[n - 1]);
    let span = end - start;
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(windows);
    let mut current: Option<(usize, f64, f64)> = None; // (window, time, value)
    for i in 0..n {
        let w = window_of(times[i], start, span, windows);
        match current {
            Some((cw, _, v)) if cw == w => {
                if values[i] < v {
                    current = Some((w, times[i], values[i]));
                }
            }
            _ => {
                if let Some((_, t, v)) = current {
                    out.push((t, v));
                }
                current = Some((w, times[i], values[i]));
            }
        }
    }
    if let Some((_, t, v)) = current {
        out.push((t, v));
    }
    out
}

/// The window (0-based) that time `t` falls in; see [`window_minima`].
pub fn window_of(t: f64, start: f64, span: f64, windows: usize) -> usize {
    if span <= 0.0 || !span.is_finite() {
        return 0;
    }
    // Multiply first: for whole-millisecond times the quotient is then exact at window boundaries.
    let w = ((t - start) * windows as f64 / span).floor();
    if w <= 0.0 { 0 } else { (w as usize).min(windows - 1) }
}

/// The Theil–Sen estimator of the slope through `points`: the median of the slopes of all pairs
/// with distinct x. `None` if there is no such pair. Robust: up to ~29% of the points can be
/// arbitrary without moving it far.
pub fn theil_sen(points: &[(f64, f64)]) -> Option<f64> {
    let mut slopes = Vec::with_capacity(points.len() * points.len().saturating_sub(1) / 2);
    for (i, &(xi, yi)) in points.iter().enumerate() {
        for &(xj, yj) in &points[i + 1..] {
            if xj != xi {
                slopes.push((yj - yi) / (xj - xi));
            }
        }
    }
    median_in_place(&mut slopes)
}

/// The median of `values` (mean of the middle two for an even count), reordering them; `None` if
/// empty. Linear time: selection rather than a full sort.
pub fn median_in_place(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    let (below, &mut upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = below.iter().copied().max_by(f64::total_cmp)?;
    Some(lower / 2.0 + upper / 2.0)
}

/// The Mann–Kendall test for a monotonic trend in a series ordered by time.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct MannKendall {
    /// Number of values.
    pub n: usize,
    /// S = Σ_{i<j} sign(x_j − x_i): concordant minus discordant pairs.
    pub s: i64,
    /// Variance of S under "no trend", corrected for ties.
    pub var_s: f64,
    /// The continuity-corrected normal score of S.
    pub z: f64,
    /// One-sided p-value for an increasing trend, P(Z ≥ z).
    pub p_increasing: f64,
    /// Two-sided p-value for any monotonic trend.
    pub p_two_sided: f64,
}

/// Run the Mann–Kendall test on `values` (in time order). O(n log n): S comes from counting
/// inversions with a merge sort, not from comparing every pair.
pub fn mann_kendall(values: &[f64]) -> MannKendall {
    let n = values.len();
    let s = mann_kendall_s(values);
    let var_s = mann_kendall_variance(values);
    let z = if var_s <= 0.0 {
        0.0
    } else if s > 0 {
        (s as f64 - 1.0) / var_s.sqrt()
    } else if s < 0 {
        (s as f64 + 1.0) / var_s.sqrt()
    } else {
        0.0
    };
    let p_increasing = if var_s <= 0.0 { 1.0 } else { normal_sf(z) };
    let p_two_sided = if var_s <= 0.0 { 1.0 } else { (2.0 * normal_sf(z.abs())).min(1.0) };
    MannKendall { n, s, var_s, z, p_increasing, p_two_sided }
}

/// S = (#pairs i<j with x_i < x_j) − (#pairs with x_i > x_j), computed as
/// total pairs − tied pairs − 2·inversions.
pub fn mann_kendall_s(values: &[f64]) -> i64 {
    let n = values.len() as i64;
    let total = n * (n - 1) / 2;
    let tied: i64 = tie_groups(values).iter().map(|&t| t * (t - 1) / 2).sum();
    let mut work = values.to_vec();
    let mut scratch = vec![0.0; values.len()];
    let inversions = count_inversions(&mut work, &mut scratch) as i64;
    // increasing pairs = total - tied - inversions; S = increasing - inversions
    total - tied - 2 * inversions
}

/// Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over groups of t tied values.
pub fn mann_kendall_variance(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let ties: f64 = tie_groups(values).iter().map(|&t| (t * (t - 1) * (2 * t + 5)) as f64).sum();
    (n * (n - 1.0) * (2.0 * n + 5.0) - ties) / 18.0
}

/// Sizes of the groups of equal values (groups of one included).
fn tie_groups(values: &[f64]) -> Vec<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut groups = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i + 1;
        while j < sorted.len() && sorted[j] == sorted[i] {
            j += 1;
        }
        groups.push((j - i) as i64);
        i = j;
    }
    groups
}

/// Number of pairs i<j with v[i] > v[j] (strictly), sorting `v` ascending on the way.
fn count_inversions(v: &mut [f64], scratch: &mut [f64]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let (left_scratch, right_scratch) = scratch.split_at_mut(mid);
    let mut count = {
        let (left, right) = v.split_at_mut(mid);
        count_inversions(left, left_scratch) + count_inversions(right, right_scratch)
    };
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid && j < n {
        // Equal values are not inversions: take from the left first.
        if v[i] <= v[j] {
            scratch[k] = v[i];
            i += 1;
        } else {
            scratch[k] = v[j];
            count += (mid - i) as u64;
            j += 1;
        }
        k += 1;
    }
    scratch[k..k + mid - i].copy_from_slice(&v[i..mid]);
    k += mid - i;
    scratch[k..k + n - j].copy_from_slice(&v[j..n]);
    v.copy_from_slice(&scratch[..n]);
    count
}

/// P(Z ≥ z) for a standard normal Z.
pub fn normal_sf(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tail_matches_tables() {
        assert!((normal_sf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_sf(1.959_963_984_540_054) - 0.025).abs() < 1e-12);
        assert!((normal_sf(-1.0) - 0.841_344_746_068_542_9).abs() < 1e-12);
        assert!((normal_sf(5.0) - 2.866_515_718_791_939e-7).abs() < 1e-18);
    }

    #[test]
    fn mann_kendall_of_a_strictly_increasing_series() {
        // n = 10: S = 45, Var(S) = 10·9·25/18 = 125, z = 44/√125 = 3.9355, p ≈ 4.15e-5
        let mk = mann_kendall(&(0..10).map(f64::from).collect::<Vec<_>>());
        assert_eq!(mk.s, 45);
        assert!((mk.var_s - 125.0).abs() < 1e-9);
        assert!((mk.z - 3.935_479_640_399_6).abs() < 1e-9);
        assert!((mk.p_increasing - 4.150_6e-5).abs() < 1e-8, "{}", mk.p_increasing);
        assert!((mk.p_two_sided - 2.0 * mk.p_increasing).abs() < 1e-15);
    }

    #[test]
    fn mann_kendall_with_ties_and_no_trend() {
        let mk = mann_kendall(&[3.0, 3.0, 3.0, 3.0]);
        assert_eq!(mk.s, 0);
        assert_eq!(mk.var_s, 0.0);
        assert_eq!(mk.p_increasing, 1.0);
        let mk = mann_kendall(&[1.0, 2.0, 2.0, 1.0]);
        // pairs: (1,2)+ (1,2)+ (1,1)0 (2,2)0 (2,1)- (2,1)- → S = 0
        assert_eq!(mk.s, 0);
        // groups {1,1} {2,2}: (4·3·13 − 2·(2·1·9)) / 18 = (156 − 36)/18
        assert!((mk.var_s - 120.0 / 18.0).abs() < 1e-12);
    }

    #[test]
    fn theil_sen_ignores_outliers() {
        let mut points: Vec<(f64, f64)> = (0..20).map(|i| (f64::from(i), 2.0 * f64::from(i) + 1.0)).collect();
        points[3].1 = 1000.0;
        points[15].1 = -1000.0;
        assert_eq!(theil_sen(&points), Some(2.0));
        assert_eq!(theil_sen(&[(1.0, 1.0), (1.0, 5.0)]), None);
        assert_eq!(theil_sen(&[]), None);
    }

    #[test]
    fn window_minima_pick_troughs() {
        let times = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        let values = [5.0, 9.0, 4.0, 8.0, 12.0, 6.0, 10.0, 14.0, 9.0];
        // span 8, 3 windows: [0, 2.67) [2.67, 5.33) [5.33, 8]
        assert_eq!(window_minima(&times, &values, 3), vec![(2.0, 4.0), (5.0, 6.0), (8.0, 9.0)]);
        assert_eq!(window_minima(&[], &[], 3), vec![]);
        assert_eq!(window_minima(&[1.0, 1.0], &[3.0, 2.0], 4), vec![(1.0, 2.0)]);
    }
}
