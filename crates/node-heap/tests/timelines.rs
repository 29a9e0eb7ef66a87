//! Timelines: parsing with errors that name the line, the per-field budget check, and the verdicts
//! on the two timelines bundled for `ccs demo` (recorded from the real servers).

use node_heap::record::{RECORDED_BOUNDED_TIMELINE, RECORDED_LEAKY_TIMELINE};
use node_heap::timeline::GcKind;
use node_heap::{Field, LeakCriteria, Timeline, TimelineError, Verdict, analyze};

const MIB: u64 = 1 << 20;

fn line(t: f64, used: u64) -> String {
    format!(
        r#"{{"t":{t},"rss":{},"heapTotal":{},"heapUsed":{used},"external":1,"arrayBuffers":1}}"#,
        used * 3,
        used * 2
    )
}

#[test]
fn parses_samples_and_gc_marks() {
    let text = format!(
        "{}\n\n{}\n{}\n",
        line(1000.5, 10),
        line(1050.0, 20),
        r#"{"t":1100,"rss":3,"heapTotal":2,"heapUsed":1,"external":0,"arrayBuffers":0,"gc":"major","extra":true}"#
    );
    let t = Timeline::parse(&text).unwrap();
    assert_eq!(t.samples.len(), 3);
    assert_eq!(
        (t.samples[0].t, t.samples[0].heap_used, t.samples[0].rss, t.samples[0].heap_total),
        (1000.5, 10, 30, 20)
    );
    assert_eq!((t.samples[2].gc, t.samples[1].gc), (Some(GcKind::Major), None));
    assert_eq!(t.duration_ms(), 99.5);
    assert_eq!(t.major_gcs(), vec![99.5]);
}

#[test]
fn bad_lines_are_named_by_number() {
    let good = line(1.0, 1);
    let cases = [
        (format!("{good}\n{good}\nnot json"), 3, "not a JSON object"),
        (format!("{good}\n{{\"t\":2,\"rss\":1}}"), 2, "missing field `heapTotal`"),
        (format!("{good}\n\n{}", line(2.0, 1).replace("\"heapUsed\":1", "\"heapUsed\":-5")), 3, "not a memory sample"),
        (format!("{good}\n{}", line(2.0, 1).replace("\"heapUsed\":1", "\"heapUsed\":1.5")), 2, "not a memory sample"),
        (format!("{}\n{}", line(5.0, 1), line(4.0, 1)), 2, "t goes backwards (4 after 5)"),
        (format!("{good}\n{}", &good[..good.len() - 4]), 2, "EOF while parsing"),
    ];
    for (text, line_no, message) in cases {
        match Timeline::parse(&text) {
            Err(TimelineError::Line { line, message: m, .. }) => {
                assert_eq!(line, line_no, "{m}");
                assert!(m.contains(message), "{m}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    assert!(matches!(Timeline::parse("\n \n"), Err(TimelineError::Empty { .. })));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    std::fs::write(&path, format!("{good}\n[]\n")).unwrap();
    let e = Timeline::read(&path).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}: line 2: not a JSON object", path.display())), "{e}");
    let e = Timeline::read(&dir.path().join("missing.jsonl")).unwrap_err().to_string();
    assert!(e.contains("missing.jsonl"), "{e}");
}

#[test]
fn the_budget_check_finds_the_first_sample_over_it_per_field() {
    let text: Vec<String> =
        [10, 30, 50, 40, 70].iter().enumerate().map(|(i, &u)| line(1000.0 + 100.0 * i as f64, u)).collect();
    let t = Timeline::parse(&text.join("\n")).unwrap();
    let r = t.check_budget(45);
    let used = r.field(Field::HeapUsed);
    assert_eq!(used.first_over.map(|c| (c.index, c.t_ms, c.value)), Some((2, 200.0, 50)));
    assert_eq!((used.peak.index, used.peak.value), (4, 70));
    // heapTotal is twice heapUsed: first over 45 at 30·2 = 60
    assert_eq!(r.field(Field::HeapTotal).first_over.map(|c| c.index), Some(1));
    assert_eq!(r.field(Field::Rss).first_over.map(|c| c.index), Some(1));
    assert_eq!(r.field(Field::External).first_over, None);
    // over means strictly over
    assert_eq!(t.check_budget(70).field(Field::HeapUsed).first_over, None);
}

#[test]
fn the_bundled_leaky_timeline_grows_and_crosses_64_mib() {
    let t = Timeline::parse(RECORDED_LEAKY_TIMELINE).unwrap();
    assert!(RECORDED_LEAKY_TIMELINE.len() < 16_000, "a few KB");
    let a = analyze(&t, 64 * MIB, &LeakCriteria::default());
    let Verdict::Grows { crossed_at_ms: Some(at), p, .. } = a.verdict else { panic!("{}", a.verdict) };
    assert!(p < 0.001);
    let first = t.samples.iter().find(|s| s.heap_used > 64 * MIB).unwrap();
    assert_eq!(at, first.t - t.start());
}

#[test]
fn the_bundled_bounded_timeline_is_stable() {
    let t = Timeline::parse(RECORDED_BOUNDED_TIMELINE).unwrap();
    assert!(RECORDED_BOUNDED_TIMELINE.len() < 16_000, "a few KB");
    let a = analyze(&t, 64 * MIB, &LeakCriteria::default());
    assert!(matches!(a.verdict, Verdict::Stable { .. }), "{}", a.verdict);
    assert!(a.major_gcs >= 3 && a.baseline.len() >= 6, "{} {}", a.major_gcs, a.baseline.len());
    assert!(t.check_budget(64 * MIB).field(Field::HeapUsed).first_over.is_none());
}

#[test]
fn after_gc_points_merge_within_a_window_not_a_chain() {
    // a collector thrashing every 20 ms for 1 s: one point per 250 ms, not one for the whole second
    let lines: Vec<String> = (0..50)
        .map(|i| {
            format!(
                r#"{{"t":{},"rss":1,"heapTotal":1,"heapUsed":{},"external":0,"arrayBuffers":0,"gc":"major"}}"#,
                1000 + 20 * i,
                100 + i
            )
        })
        .collect();
    let t = Timeline::parse(&lines.join("\n")).unwrap();
    let points = t.after_gc(250.0);
    assert_eq!(points.len(), 4, "{points:?}");
    // each keeps the last sample of its group
    assert_eq!(points[0], (240.0, 112));
    assert_eq!(points[3].1, 149);
}

/// A sample as the bundled sampler writes it, `gc` a mark or none.
fn marked(t: f64, used: u64, gc: &str) -> String {
    format!(r#"{{"t":{t},"rss":1,"heapTotal":1,"heapUsed":{used},"external":0,"arrayBuffers":0,"gc":"{gc}"}}"#)
}

/// The after-GC samples of a real recording with snapshots (`ccs node record --server leaky
/// --requests 20000 --snapshots`): start mark and snapshot before the load, two collections of
/// V8's own during it, end mark and snapshot (4.5 s to write) after it; plain samples between.
fn leaky_with_snapshots() -> Timeline {
    let gcs = [
        (637.5, 4_120_576, "forced"),
        (639.1, 4_149_816, "major"),
        (1_714.6, 4_119_096, "snapshot"),
        (1_719.4, 4_183_184, "major"),
        (3_423.0, 9_763_568, "major"),
        (4_043.6, 15_847_152, "major"),
        (9_622.8, 53_329_384, "forced"),
        (9_623.3, 53_405_184, "major"),
        (14_174.7, 53_297_920, "snapshot"),
        (14_175.3, 53_324_264, "major"),
    ];
    let mut lines = vec![line(0.0, 4_000_000)];
    for (i, &(t, used, gc)) in gcs.iter().enumerate() {
        lines.push(marked(t, used, gc));
        lines.push(line(t + 0.2, used + 1_000_000 * i as u64));
    }
    Timeline::parse(&lines.join("\n")).unwrap()
}

#[test]
fn a_mark_and_the_snapshot_after_it_are_one_baseline_point() {
    let t = leaky_with_snapshots();
    let points = t.after_gc(250.0);
    // start (mark + snapshot), two collections, end (mark + snapshot): the idle heap at each
    // end of the load once, at the first mark's time with the value after the snapshot
    assert_eq!(points, [(639.1, 4_183_184), (3_423.0, 9_763_568), (4_043.6, 15_847_152), (9_623.3, 53_324_264)]);
    let a = analyze(&t, 64 * MIB, &LeakCriteria::default());
    assert!(a.verdict.is_growing(), "{}", a.verdict);
}

#[test]
fn only_a_snapshot_joins_the_point_before_it() {
    // marks and V8's own collections each count; a snapshot's sample is its mark's measurement
    let lines = [
        marked(0.0, 4 * MIB, "forced"),
        marked(1_000.0, 5 * MIB, "major"),
        marked(2_000.0, 6 * MIB, "forced"),
        marked(3_000.0, 7 * MIB, "forced"),
        marked(5_000.0, 7 * MIB + 5, "snapshot"),
    ];
    let t = Timeline::parse(&lines.join("\n")).unwrap();
    assert_eq!(t.after_gc(250.0), [(0.0, 4 * MIB), (1_000.0, 5 * MIB), (2_000.0, 6 * MIB), (3_000.0, 7 * MIB + 5)]);
    assert_eq!(t.samples[4].gc, Some(GcKind::Snapshot));
}
