//! `ccs node diff` against DevTools' own code: every bundled server is recorded with snapshots, and
//! the Comparison of each pair must equal, row for row and column for column and in the same order,
//! the one computed by Chrome DevTools' heap snapshot worker (chrome-devtools-frontend, bundled by
//! `tools/devtools-oracle`, driven as its Comparison grid drives it), with today's rules and with
//! the older ones (`--legacy`).
//!
//! Needs node and npm: it skips, saying so, only when node is missing. The oracle is installed from
//! its lock file (`npm ci`) and built on first use; `.ci/run` does both before the tests.

use node_heap::record::{RecordOptions, ServerKind, record};
use node_heap::snapshot::{Comparison, Rules, compare_with, open_pair};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/devtools-oracle")
}

fn node() -> Option<PathBuf> {
    let node = std::env::var_os("CCS_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    match node_heap::record::node_version(&node) {
        Ok(_) => Some(node),
        Err(e) => {
            eprintln!("skipping the DevTools oracle test: {e}");
            None
        }
    }
}

/// `npm ci` and `node build.mjs` in the oracle's folder, unless already done.
fn build_oracle(node: &Path) {
    let dir = oracle_dir();
    if dir.join("build/devtools-heap.mjs").is_file() {
        return;
    }
    if !dir.join("node_modules/chrome-devtools-frontend").is_dir() {
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .expect("npm is needed to install the DevTools oracle (it comes with node)");
        assert!(out.status.success(), "npm ci in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    }
    let out = Command::new(node).arg("build.mjs").current_dir(&dir).output().unwrap();
    assert!(out.status.success(), "node build.mjs: {}", String::from_utf8_lossy(&out.stderr));
}

/// The oracle's rows for a pair.
fn oracle(node: &Path, base: &Path, target: &Path, legacy: bool) -> Vec<serde_json::Value> {
    let mut cmd = Command::new(node);
    cmd.arg(oracle_dir().join("devtools-compare.mjs")).arg(base).arg(target);
    if legacy {
        cmd.arg("--legacy");
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "devtools-compare.mjs: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Our rows in the oracle's shape.
fn rows(c: &Comparison, legacy: bool) -> Vec<serde_json::Value> {
    c.classes
        .iter()
        .map(|r| {
            let mut row = serde_json::json!({
                "constructor": r.name,
                "new": r.new_count,
                "deleted": r.deleted_count,
                "delta": r.count_delta,
                "alloc_size": r.alloc_size,
                "freed_size": r.freed_size,
                "size_delta": r.size_delta,
            });
            if !legacy {
                row["class_key"] = r.class_key().into();
            }
            row
        })
        .collect()
}

fn without_merge_count(mut rows: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    for r in &mut rows {
        if let Some(o) = r.as_object_mut() {
            o.remove("class_keys");
            o.remove("class_key").filter(|k| !k.is_null()).map(|k| o.insert("class_key".into(), k));
        }
    }
    rows
}

#[test]
fn every_row_and_column_equals_devtools_on_every_bundled_server() {
    let Some(node) = node() else { return };
    build_oracle(&node);
    let loads = [
        (ServerKind::Leaky, 1_500),
        (ServerKind::Bounded, 3_000),
        (ServerKind::Listeners, 600),
        (ServerKind::ListenersFixed, 600),
    ];
    let dirs: Vec<tempfile::TempDir> = loads.iter().map(|_| tempfile::tempdir().unwrap()).collect();
    std::thread::scope(|s| {
        for ((server, requests), dir) in loads.iter().zip(&dirs) {
            let node = node.clone();
            s.spawn(move || {
                let mut opts = RecordOptions::new(*server, *requests, dir.path());
                opts.node = node;
                opts.snapshots = true;
                let rec = record(&opts, &AtomicBool::new(false), &mut |_| {}).expect("recording");
                assert!(rec.start_snapshot.is_some() && rec.end_snapshot.is_some(), "{server}: {rec:?}");
            });
        }
    });
    for ((server, _), dir) in loads.iter().zip(&dirs) {
        let (base_path, target_path) = (dir.path().join("start.heapsnapshot"), dir.path().join("end.heapsnapshot"));
        let (base, target) = open_pair(&base_path, &target_path);
        let (base, target) = (base.unwrap(), target.unwrap());
        for legacy in [false, true] {
            let rules = if legacy { Rules::LEGACY } else { Rules::DEVTOOLS };
            let ours = rows(&compare_with(&base, &target, rules), legacy);
            let theirs = without_merge_count(oracle(&node, &base_path, &target_path, legacy));
            let differing: Vec<String> = ours
                .iter()
                .zip(&theirs)
                .filter(|(a, b)| a != b)
                .map(|(a, b)| format!("  ccs      {a}\n  DevTools {b}"))
                .collect();
            assert!(
                ours.len() == theirs.len() && differing.is_empty(),
                "{server} ({}): {} rows here, {} in DevTools; rows that differ, in order:\n{}",
                if legacy { "legacy rules" } else { "DevTools' rules" },
                ours.len(),
                theirs.len(),
                differing.join("\n")
            );
            assert!(ours.len() > 30, "{server}: {} rows", ours.len());
        }
    }
}
