//! The "two machines" view's live mode with the real `node`: the bundled leaky server is
//! started from the app, its heap is plotted as it grows, Stop ends it, and the child
//! processes are always gone afterwards.

use ccs_gui::node::{NodeEvent, NodeView};
use node_heap::record::ServerKind;
use std::path::Path;
use std::time::{Duration, Instant};

fn wait_until(view: &mut NodeView, limit: Duration, mut done: impl FnMut(&NodeView) -> bool) {
    let start = Instant::now();
    while !done(view) {
        assert!(start.elapsed() < limit, "timed out; error: {:?}", view.error);
        view.poll();
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn a_live_run_plots_the_leak_and_finds_the_growing_constructors() {
    let mut view = NodeView::default();
    view.apply(NodeEvent::SetServer(ServerKind::Leaky));
    view.apply(NodeEvent::SetRequests(3000));
    view.apply(NodeEvent::StartLive);
    assert!(view.is_live(), "{:?}", view.error);
    let dir = view.live.as_ref().unwrap().dir.clone();
    let pid = {
        wait_until(&mut view, Duration::from_secs(60), |v| {
            v.live.as_ref().is_some_and(|l| l.progress.lock().unwrap().pid.is_some())
        });
        view.live.as_ref().unwrap().progress.lock().unwrap().pid.unwrap()
    };
    wait_until(&mut view, Duration::from_secs(180), |v| !v.is_live());
    view.poll();
    assert!(view.error.is_none(), "{:?}", view.error);
    let rec = view.recording.as_ref().expect("the recording");
    assert_eq!(rec.requests_done, 3000);
    assert!(view.timeline.as_ref().is_some_and(|t| t.samples.len() > 3));
    let growing = view.growing.as_ref().expect("constructors from the snapshots");
    assert!(!growing.is_empty());
    assert!(growing.iter().all(|c| c.size_delta > 0));
    let held = view.retainer.as_ref().expect("what holds the top grower");
    assert_eq!(held.class, growing[0].name);
    assert!(held.path.len() >= 2, "{held:?}");
    assert!(!pid_alive(pid), "the server process {pid} is still there");

    // The same folder opened as any recording is (issue 16 item 8): the same rows and path.
    let copy = std::env::temp_dir().join(format!("ccs-gui-node-copy-{}", std::process::id()));
    std::fs::create_dir_all(&copy).unwrap();
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let mut opened = NodeView::default();
    opened.apply(NodeEvent::Open(copy.clone()));
    assert!(opened.error.is_none(), "{:?}", opened.error);
    assert_eq!(opened.growing.as_ref().map(|g| g.len()), Some(growing.len()));
    assert_eq!(opened.growing.as_ref().unwrap()[0].name, growing[0].name);
    assert_eq!(opened.retainer.as_ref().map(|r| &r.path), Some(&held.path));
    std::fs::remove_dir_all(&copy).unwrap();
    drop(view);
    assert!(!dir.exists(), "the recording folder is removed with the view");
}

#[test]
fn stop_ends_a_live_run_and_its_processes() {
    let mut view = NodeView::default();
    view.apply(NodeEvent::SetServer(ServerKind::Bounded));
    view.apply(NodeEvent::SetRequests(1_000_000));
    view.apply(NodeEvent::StartLive);
    wait_until(&mut view, Duration::from_secs(60), |v| {
        v.live.as_ref().is_some_and(|l| l.progress.lock().unwrap().done > 0)
    });
    let pid = view.live.as_ref().unwrap().progress.lock().unwrap().pid.expect("a pid");
    assert!(pid_alive(pid));
    view.apply(NodeEvent::StopLive);
    wait_until(&mut view, Duration::from_secs(90), |v| !v.is_live());
    view.poll();
    assert!(!pid_alive(pid), "the server process {pid} is still there after Stop");
    let rec = view.recording.as_ref().expect("a cancelled recording is still a recording");
    assert!(rec.cancelled);
    assert!(rec.requests_done < 1_000_000);
}

#[test]
fn dropping_the_view_mid_run_cleans_up() {
    let mut view = NodeView::default();
    view.apply(NodeEvent::SetRequests(1_000_000));
    view.apply(NodeEvent::StartLive);
    wait_until(&mut view, Duration::from_secs(60), |v| {
        v.live.as_ref().is_some_and(|l| l.progress.lock().unwrap().pid.is_some())
    });
    let pid = view.live.as_ref().unwrap().progress.lock().unwrap().pid.unwrap();
    let dir = view.live.as_ref().unwrap().dir.clone();
    drop(view);
    assert!(!pid_alive(pid), "the server process {pid} outlived the app");
    assert!(!dir.exists());
}
