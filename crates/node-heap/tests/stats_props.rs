//! The statistics behind the leak verdict, checked against their textbook definitions computed
//! naively.

use node_heap::stats::{
    mann_kendall, mann_kendall_s, mann_kendall_variance, median_in_place, theil_sen, window_minima,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Median of all pairwise slopes, by sorting every one of them.
fn naive_theil_sen(points: &[(f64, f64)]) -> Option<f64> {
    let mut slopes = Vec::new();
    for i in 0..points.len() {
        for j in 0..points.len() {
            if i < j && points[i].0 != points[j].0 {
                slopes.push((points[j].1 - points[i].1) / (points[j].0 - points[i].0));
            }
        }
    }
    slopes.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = slopes.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(slopes[n / 2]),
        _ => Some((slopes[n / 2 - 1] + slopes[n / 2]) / 2.0),
    }
}

/// S = Σ_{i<j} sign(x_j − x_i).
fn naive_s(values: &[f64]) -> i64 {
    let mut s = 0;
    for i in 0..values.len() {
        for j in i + 1..values.len() {
            s += (values[j] - values[i]).partial_cmp(&0.0).unwrap() as i64;
        }
    }
    s
}

/// Var(S) with the tie correction, counting tie groups with a map.
fn naive_variance(values: &[f64]) -> f64 {
    let mut groups: BTreeMap<u64, i64> = BTreeMap::new();
    for v in values {
        *groups.entry(v.to_bits()).or_default() += 1;
    }
    let n = values.len() as f64;
    let ties: f64 = groups.values().map(|&t| (t * (t - 1) * (2 * t + 5)) as f64).sum();
    (n * (n - 1.0) * (2.0 * n + 5.0) - ties) / 18.0
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #[test]
    fn theil_sen_is_the_median_of_all_pairwise_slopes(
        points in prop::collection::vec((-50i32..50, -1e6f64..1e6), 0..40)
    ) {
        // integer x: repeated x values (pairs without a slope) are common
        let points: Vec<(f64, f64)> = points.into_iter().map(|(x, y)| (f64::from(x), y)).collect();
        match (theil_sen(&points), naive_theil_sen(&points)) {
            (None, None) => {}
            (Some(a), Some(b)) => prop_assert!(close(a, b), "{} vs {}", a, b),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
        }
    }

    #[test]
    fn median_by_selection_is_the_median_by_sorting(mut values in prop::collection::vec(-1e9f64..1e9, 1..50)) {
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let n = sorted.len();
        let want = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        prop_assert!(close(median_in_place(&mut values).unwrap(), want));
    }

    #[test]
    fn mann_kendall_s_counts_concordant_minus_discordant_pairs(
        values in prop::collection::vec(0u8..12, 0..80)
    ) {
        // few distinct values: many ties
        let values: Vec<f64> = values.into_iter().map(f64::from).collect();
        prop_assert_eq!(mann_kendall_s(&values), naive_s(&values));
        prop_assert!(close(mann_kendall_variance(&values), naive_variance(&values)));
    }

    #[test]
    fn mann_kendall_on_continuous_values(values in prop::collection::vec(-1e6f64..1e6, 2..60)) {
        let mk = mann_kendall(&values);
        prop_assert_eq!(mk.s, naive_s(&values));
        prop_assert!(close(mk.var_s, naive_variance(&values)));
        // continuity-corrected z, and the one-sided p-values of a series and its reverse add to 1
        let want_z = match mk.s { 0 => 0.0, s if s > 0 => (s - 1) as f64 / mk.var_s.sqrt(), s => (s + 1) as f64 / mk.var_s.sqrt() };
        prop_assert!(close(mk.z, want_z));
        let reversed: Vec<f64> = values.iter().rev().copied().collect();
        let rk = mann_kendall(&reversed);
        prop_assert_eq!(rk.s, -mk.s);
        if mk.s != 0 {
            prop_assert!((mk.p_increasing + rk.p_increasing - 1.0).abs() < 1e-12);
        }
        prop_assert!((0.0..=1.0).contains(&mk.p_two_sided) && (0.0..=1.0).contains(&mk.p_increasing));
    }

    #[test]
    fn window_minima_are_the_minima_of_each_window(
        steps in prop::collection::vec(0i64..200, 1..120),
        values in prop::collection::vec(0u32..1_000_000, 120),
        windows in 1usize..25,
    ) {
        // whole-millisecond times, non-decreasing (repeats allowed)
        let mut t = 1_700_000_000_000i64;
        let times: Vec<i64> = steps.iter().map(|s| { t += s; t }).collect();
        let values = &values[..times.len()];
        let got = window_minima(
            &times.iter().map(|&t| t as f64).collect::<Vec<_>>(),
            &values.iter().map(|&v| f64::from(v)).collect::<Vec<_>>(),
            windows,
        );
        // brute force, in exact integer arithmetic: window w holds start + span·w/W ≤ t < start + span·(w+1)/W
        let (start, span, w) = (times[0], times[times.len() - 1] - times[0], windows as i64);
        let mut want = Vec::new();
        for k in 0..w {
            let member = |&(t, _): &(i64, u32)| {
                if span == 0 {
                    return k == 0;
                }
                let scaled = (t - start) * w;
                scaled >= span * k && (scaled < span * (k + 1) || k == w - 1)
            };
            let inside: Vec<(i64, u32)> = times.iter().copied().zip(values.iter().copied()).filter(member).collect();
            // first occurrence of the minimum
            if let Some(&(tm, vm)) = inside.iter().min_by_key(|&&(_, v)| v) {
                want.push((tm as f64, f64::from(vm)));
            }
        }
        prop_assert_eq!(got, want);
    }
}
