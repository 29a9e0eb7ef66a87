//! The bundled Node programs, run for real: `node` records each server under load, and the timeline
//! verdicts and snapshot comparisons must tell the leaks from the fixes. Each test skips (with a
//! message) only when `node` is not installed. Servers listen on ephemeral ports of 127.0.0.1, so
//! the tests run in parallel.

use node_heap::record::{RecordError, RecordOptions, Recording, ServerKind, record};
use node_heap::{HeapSnapshot, LeakCriteria, Timeline, Verdict, analyze, compare};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

const MIB: u64 = 1 << 20;

/// `node`, if it runs.
fn node() -> Option<PathBuf> {
    let node = std::env::var_os("CCS_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    match node_heap::record::node_version(&node) {
        Ok(_) => Some(node),
        Err(e) => {
            eprintln!("skipping: {e}");
            None
        }
    }
}

fn run(
    node: &Path,
    server: ServerKind,
    requests: u64,
    dir: &Path,
    tweak: impl FnOnce(&mut RecordOptions),
) -> Recording {
    let mut opts = RecordOptions::new(server, requests, dir);
    opts.node = node.to_path_buf();
    opts.interval_ms = 20;
    tweak(&mut opts);
    let mut events = Vec::new();
    let rec = record(&opts, &AtomicBool::new(false), &mut |e| events.push(e)).expect("recording");
    assert!(
        matches!(events.first(), Some(node_heap::record::RecordEvent::Listening { port, .. }) if *port > 0),
        "{events:?}"
    );
    rec
}

/// The command `ccs demo` suggests: 40,000 requests, a few seconds. Both servers get a verdict.
/// The leaky one is recorded with snapshots: each is one baseline point with the mark before it
/// (Q109); counted apart, they had made this leak look levelled off.
#[test]
fn the_leaky_server_grows_without_bound_and_crosses_its_budget() {
    let Some(node) = node() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rec = run(&node, ServerKind::Leaky, 40_000, dir.path(), |o| {
        o.interval_ms = 50;
        o.snapshots = true;
    });
    assert!(rec.start_snapshot.is_some() && rec.end_snapshot.is_some());
    assert_eq!((rec.requests_done, rec.requests_failed, rec.load_error.as_deref()), (40_000, 0, None));
    assert_eq!(rec.server_exit.code, Some(0), "{:?}", rec.server_exit);
    assert!(!rec.crashed());
    let t = Timeline::read(&dir.path().join(&rec.timeline)).unwrap();
    let snapshots = t.samples.iter().filter(|s| s.gc == Some(node_heap::timeline::GcKind::Snapshot)).count();
    assert_eq!(snapshots, 2, "the sampler marks the samples after its snapshots");
    // each request keeps its ~2 KB cookie: 40,000 of them are > 80 MB
    let a = analyze(&t, 32 * MIB, &LeakCriteria::default());
    let Verdict::Grows { mib_per_min, evidence, crossed_at_ms: Some(crossed), .. } = a.verdict else {
        panic!("{} (baseline {:?})", a.verdict, a.baseline)
    };
    // a trend over many after-GC points, or a steady rise over a few of them
    let strong = match evidence {
        node_heap::leak::Evidence::Trend { p } => p < 0.01,
        node_heap::leak::Evidence::Steady { points } => points >= 3,
    };
    assert!(mib_per_min > 50.0 && strong, "{mib_per_min} {evidence:?}");
    let first_over = t.samples.iter().find(|s| s.heap_used > 32 * MIB).unwrap();
    assert_eq!(crossed, first_over.t - t.start());
    assert!(a.verdict.to_string().starts_with("grows without bound: +"), "{}", a.verdict);
}

#[test]
fn the_bounded_server_is_stable() {
    let Some(node) = node() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rec = run(&node, ServerKind::Bounded, 40_000, dir.path(), |o| o.interval_ms = 50);
    assert_eq!(rec.requests_done, 40_000);
    let t = Timeline::read(&dir.path().join(&rec.timeline)).unwrap();
    let a = analyze(&t, 32 * MIB, &LeakCriteria::default());
    assert!(
        matches!(a.verdict, Verdict::Stable { .. }),
        "{} (baseline {:?}, {} major GCs)",
        a.verdict,
        a.baseline,
        a.major_gcs
    );
    // the sampler marked the full collections: the baseline is made of them
    assert!(a.exact && a.baseline.len() >= 3, "{} {:?}", a.exact, a.baseline);
    // the same load on the leaky server would hold ~90 MB; the bounded one stays far below
    let peak_baseline = a.baseline.iter().map(|b| b.1).max().unwrap();
    assert!(peak_baseline < 32 * MIB, "{peak_baseline}");
}

#[test]
fn a_snapshot_pair_of_the_leaky_server_shows_one_new_cached_request_per_user() {
    let Some(node) = node() else { return };
    let dir = tempfile::tempdir().unwrap();
    let n = 2_000;
    let rec = run(&node, ServerKind::Leaky, n, dir.path(), |o| o.snapshots = true);
    let (start, end) =
        (rec.start_snapshot.clone().expect("start snapshot"), rec.end_snapshot.clone().expect("end snapshot"));
    let (base, target) = node_heap::snapshot::open_pair(&dir.path().join(start), &dir.path().join(end));
    let (base, target) = (base.unwrap(), target.unwrap());
    let c = compare(&base, &target);
    assert_eq!(c.warning, None);
    assert!(c.overlap > 0.9, "{}", c.overlap);
    let cached = c.class("CachedRequest").expect("CachedRequest in the comparison");
    // N requests with distinct user ids: N new entries, none deleted, all of one size
    assert_eq!((cached.new_count, cached.deleted_count, cached.count_delta), (n, 0, n as i64));
    assert_eq!((cached.alloc_size % n, cached.freed_size), (0, 0));
    assert!((24..=128).contains(&(cached.alloc_size / n)), "{} bytes each", cached.alloc_size / n);
    assert_eq!(cached.size_delta, cached.alloc_size as i64);
    let top: Vec<&str> = c.growing().take(8).map(|r| r.name.as_str()).collect();
    assert!(top.contains(&"CachedRequest"), "top growing: {top:?}");
    // each entry keeps its request's headers: a plain object, named after its properties as
    // DevTools names it, and a ~2 KB cookie string
    let headers = c.class("{x-user-id, cookie, accept, host, connection}").expect("the headers' row");
    assert_eq!(headers.new_count, n);
    assert!(c.class("(string)").unwrap().size_delta > (n * 2048) as i64);
    // the summary of the end snapshot counts them too
    let s = target.summary();
    // (with the warm-up's, which came before the start snapshot)
    assert_eq!(s.classes.iter().find(|r| r.name == "CachedRequest").map(|r| r.count), Some(n + rec.warmup_requests));
    assert_eq!(
        base.summary().classes.iter().find(|r| r.name == "CachedRequest").map(|r| r.count),
        Some(rec.warmup_requests)
    );

    // one call opens the folder: verdict, top growers, and what holds the first
    std::fs::write(dir.path().join(node_heap::record::MANIFEST), rec.to_json()).unwrap();
    let report = node_heap::report::open(dir.path(), 64 * MIB).unwrap();
    assert_eq!(report.recording.as_ref(), Some(&rec));
    let top = report.top_growers(5);
    assert!(top.iter().any(|r| r.name == "CachedRequest"), "{top:?}");
    let held = report.first_retainer().expect("the path of the top grower");
    assert_eq!(held.class, top[0].name);
    assert!(held.path.len() >= 3, "{held:?}");
    assert_eq!(held.path.last().unwrap().id, held.object_id);
    // the leaked entries hang off the server's cache, keyed by user id
    let cached = report.comparison.as_ref().unwrap().retainers.iter().find(|r| r.class == "CachedRequest").unwrap();
    let edges: Vec<&str> = cached.path.iter().map(|s| s.edge.as_str()).collect();
    assert!(edges.contains(&"cache"), "{edges:?}");
    assert!(cached.path.last().unwrap().edge.starts_with("user-"), "{edges:?}");
    assert!(
        cached.chain(6).ends_with("→ cache → user-") || cached.chain(6).contains("cache → user-"),
        "{}",
        cached.chain(6)
    );
}

#[test]
fn listeners_leak_one_socket_per_connection_and_the_fix_releases_them() {
    let Some(node) = node() else { return };
    let n = 1_500;
    let sockets = |server| {
        let dir = tempfile::tempdir().unwrap();
        let rec = run(&node, server, n, dir.path(), |o| o.snapshots = true);
        assert_eq!(rec.requests_done, n);
        let base = HeapSnapshot::open(&dir.path().join(rec.start_snapshot.unwrap())).unwrap();
        let target = HeapSnapshot::open(&dir.path().join(rec.end_snapshot.unwrap())).unwrap();
        let log = std::fs::read_to_string(dir.path().join(&rec.server_log)).unwrap();
        (compare(&base, &target).class("Socket").map_or(0, |r| r.count_delta), log)
    };
    let (leaked, log) = sockets(ServerKind::Listeners);
    // every connection's socket stays reachable through its listener's closure (plus the server's
    // own standard input, a Socket opened after the start snapshot)
    assert!((n as i64..=n as i64 + 2).contains(&leaked), "{leaked} sockets leaked for {n} connections");
    assert!(log.contains("MaxListenersExceededWarning"), "{log}");
    let (kept, log) = sockets(ServerKind::ListenersFixed);
    assert!(kept <= 4, "{kept} sockets still held by the fixed server");
    assert!(!log.contains("MaxListenersExceededWarning"), "{log}");
}

#[test]
fn a_heap_limit_makes_the_leak_crash_early_and_the_recording_keeps_the_crash() {
    let Some(node) = node() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rec = run(&node, ServerKind::Leaky, 1_000_000, dir.path(), |o| o.heap_limit_mib = Some(24));
    assert!(rec.crashed(), "{:?}", rec.server_exit);
    assert!(rec.requests_done < 1_000_000);
    assert!(rec.load_error.is_some());
    assert_eq!(rec.heap_limit_mib, Some(24));
    let fatal = rec.server_exit.fatal_error.as_deref().unwrap_or_default();
    assert!(fatal.contains("heap out of memory"), "{:?}", rec.server_exit);
    // the samples up to the crash are there, and tell the story
    let t = Timeline::read(&dir.path().join(&rec.timeline)).unwrap();
    let last = t.samples.last().unwrap();
    assert!(last.heap_used > 16 * MIB, "{last:?}");
    assert!(analyze(&t, 16 * MIB, &LeakCriteria::default()).verdict.is_growing());
    // the manifest round-trips and is found beside the timeline
    std::fs::write(dir.path().join(node_heap::record::MANIFEST), rec.to_json()).unwrap();
    let found = Recording::for_timeline(&dir.path().join(&rec.timeline)).unwrap().unwrap();
    assert_eq!(found, rec);
}

#[test]
fn a_missing_node_is_a_clear_error_and_leaves_no_process() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = RecordOptions::new(ServerKind::Leaky, 10, dir.path());
    opts.node = PathBuf::from("/nonexistent/bin/node");
    let e = record(&opts, &AtomicBool::new(false), &mut |_| {}).unwrap_err();
    assert!(matches!(e, RecordError::NodeMissing { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("/nonexistent/bin/node") && text.contains("Install Node.js"), "{text}");
}

#[test]
fn cancelling_stops_the_load_and_still_stops_the_server_properly() {
    let Some(node) = node() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut opts = RecordOptions::new(ServerKind::Bounded, 5_000_000, dir.path());
    opts.node = node;
    let cancel = AtomicBool::new(false);
    let rec = record(&opts, &cancel, &mut |e| {
        if let node_heap::record::RecordEvent::Progress { done, .. } = e
            && done > 1_000
        {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    })
    .unwrap();
    assert!(rec.cancelled);
    assert!(rec.requests_done >= 1_000 && rec.requests_done < 5_000_000);
    assert_eq!(rec.server_exit.code, Some(0));
    assert!(!rec.crashed());
    assert!(Timeline::read(&dir.path().join(rec.timeline)).unwrap().samples.len() > 2);
}
