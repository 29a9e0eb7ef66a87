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
