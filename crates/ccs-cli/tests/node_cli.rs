//! `ccs node ...`, run in-process: exit codes, the text and JSON reports, and clear errors for bad
//! input. The recording tests run the real `node` and skip (with a message) only if it is missing.

use std::path::{Path, PathBuf};

fn ccs(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut all = vec!["ccs", "node"];
    all.extend_from_slice(args);
    let code = ccs_cli::run(all, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn recorded(name: &str) -> String {
    format!("{}/../../programs/node/recorded/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn have_node() -> bool {
    let ok = std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipping: node is not installed");
    }
    ok
}

/// A tiny heap snapshot in V8's format: (type, name, id, self size) per node, fields in V8's order.
fn snapshot(nodes: &[(u32, u32, u32, u32)], strings: &[&str]) -> String {
    let node_values: Vec<String> = nodes.iter().map(|(t, n, i, s)| format!("{t},{n},{i},{s},0,0,0")).collect();
    format!(
        r#"{{"snapshot":{{"meta":{{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic"],"string","number","number","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]}},"node_count":{},"edge_count":0}},
"nodes":[{}],
"edges":[],
"strings":{}}}"#,
        nodes.len(),
        node_values.join("\n,"),
        serde_json::to_string(strings).unwrap()
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const STRINGS: &[&str] = &["", "CachedRequest", "Object", "hello"];

/// Base: 2 CachedRequest (ids 3, 5), 1 Object (7), 1 string (9). Target: CachedRequest 3 kept,
/// 5 deleted, 11 and 13 new; Object 7 kept; the string 9 gone; a new closure 15.
fn pair(dir: &Path) -> (PathBuf, PathBuf) {
    let base = snapshot(&[(9, 0, 1, 0), (3, 1, 3, 48), (3, 1, 5, 48), (3, 2, 7, 56), (2, 3, 9, 32)], STRINGS);
    let target = snapshot(
        &[(9, 0, 1, 0), (3, 1, 3, 48), (3, 1, 11, 48), (3, 1, 13, 48), (3, 2, 7, 56), (5, 3, 15, 64)],
        STRINGS,
    );
    (write(dir, "base.heapsnapshot", &base), write(dir, "target.heapsnapshot", &target))
}

#[test]
fn check_judges_the_bundled_leaky_timeline() {
    let (code, out, err) = ccs(&["check", &recorded("leaky-timeline.jsonl")]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("budget 64.0 MiB (67,108,864 bytes): first sample over it, per field"), "{out}");
    assert!(out.contains("  heapUsed      crossed at t = "), "{out}");
    assert!(out.contains("verdict: grows without bound: +"), "{out}");
    assert!(out.contains("budget of 64.0 MiB crossed at t = "), "{out}");
    assert!(out.contains("69,632 bytes"), "{out}");
}

#[test]
fn check_finds_the_bundled_bounded_timeline_stable() {
    let (code, out, _) = ccs(&["check", &recorded("bounded-timeline.jsonl")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("  heapUsed      never (peak "), "{out}");
    assert!(out.contains("verdict: stable: "), "{out}");
    // a budget below its peak fails the check even though the heap does not grow
    let (code, out, _) = ccs(&["check", &recorded("bounded-timeline.jsonl"), "--budget", "8MiB"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("verdict: stable: "), "{out}");
}

#[test]
fn check_as_json() {
    let (code, out, _) = ccs(&["check", &recorded("leaky-timeline.jsonl"), "--format", "json", "--budget", "1GiB"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["passed"], false);
    assert_eq!(v["budget"]["budget"], 1u64 << 30);
    assert_eq!(v["analysis"]["verdict"]["verdict"], "grows");
    assert_eq!(v["analysis"]["verdict"]["crossed_at_ms"], serde_json::Value::Null);
    assert!(v["analysis"]["verdict"]["projected_at_ms"].as_f64().unwrap() > 0.0);
    assert!(v["verdict_text"].as_str().unwrap().contains("not crossed yet"));
}

#[test]
fn check_reports_a_recorded_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(recorded("leaky-timeline.jsonl"), dir.path().join("timeline.jsonl")).unwrap();
    let manifest = serde_json::json!({
        "server": "leaky", "requests": 100000, "requests_done": 31000, "requests_failed": 1,
        "load_error": "request 31001: ECONNRESET", "cancelled": false, "node_version": "v20.0.0",
        "heap_limit_mib": 96, "interval_ms": 100, "started_ms": 0, "duration_ms": 5000,
        "timeline": "timeline.jsonl", "start_snapshot": null, "end_snapshot": null, "server_log": "server.log",
        "server_exit": { "code": null, "signal": 6, "description": "killed by signal 6 (SIGABRT)",
            "fatal_error": "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
            "killed_by_recorder": false }
    });
    write(dir.path(), "recording.json", &manifest.to_string());
    // the folder or the timeline inside it
    for target in [dir.path().to_path_buf(), dir.path().join("timeline.jsonl")] {
        let (code, out, _) = ccs(&["check", target.to_str().unwrap(), "--budget", "1GiB"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(
            "recorded: the leaky server, 31,000 of 100,000 requests answered, Node v20.0.0 --max-old-space-size=96"
        ));
        assert!(out.contains("the server crashed: killed by signal 6 (SIGABRT)"), "{out}");
        // V8 words it "Reached heap limit" or "Ineffective mark-compacts near heap limit",
        // depending on when the collector gives up.
        assert!(out.contains("V8 said: FATAL ERROR:") && out.contains("heap limit"), "{out}");
        assert!(out.contains("last samples:"), "{out}");
    }
    // a broken manifest is an error, not silently ignored
    write(dir.path(), "recording.json", "{");
    let (code, _, err) = ccs(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("recording.json: not a recording manifest"), "{err}");
}

#[test]
fn check_rejects_bad_timelines_and_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(recorded("bounded-timeline.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let bad = write(dir.path(), "bad.jsonl", &format!("{first}\n{first}\n{{\"t\": \"soon\"}}\n"));
    let (code, out, err) = ccs(&["check", bad.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.starts_with(&format!("ccs: {}: line 3: not a memory sample", bad.display())), "{err}");
    let (code, _, err) = ccs(&["check", &recorded("bounded-timeline.jsonl"), "--budget", "64"]);
    assert_eq!(code, 2);
    assert!(err.contains("has no unit"), "{err}");
    let (code, _, err) = ccs(&["check", "/nonexistent/timeline.jsonl"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/timeline.jsonl"), "{err}");
}

#[test]
fn summary_lists_constructors_by_shallow_size() {
    let dir = tempfile::tempdir().unwrap();
    let (_, target) = pair(dir.path());
    let (code, out, _) = ccs(&["summary", target.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(": 6 nodes, 0 edges, 4 strings"), "{out}");
    assert!(out.contains("5 objects with a self size, 264 B in all (264 bytes"), "{out}");
    let rows: Vec<Vec<&str>> = out.lines().skip(3).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(
        rows,
        [["CachedRequest", "3", "144", "54.5%"], ["Function", "1", "64", "24.2%"], ["Object", "1", "56", "21.2%"]]
    );
    let (code, out, _) = ccs(&["summary", target.to_str().unwrap(), "--format", "json", "--top", "1"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["classes"], serde_json::json!([{"name": "CachedRequest", "count": 3, "self_size": 144}]));
    assert_eq!(v["more_constructors"], 2);
}

#[test]
fn diff_shows_devtools_comparison_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (base, target) = pair(dir.path());
    let (code, out, _) = ccs(&["diff", base.to_str().unwrap(), target.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("matched by object id: 2 of the base's 4 objects are still there (50.0%)"), "{out}");
    assert!(!out.contains("warning"), "{out}");
    let header = out.lines().find(|l| l.starts_with("Constructor")).unwrap();
    assert_eq!(
        header.split("  ").map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>(),
        ["Constructor", "# New", "# Deleted", "# Delta", "Alloc. Size", "Freed Size", "Size Delta"]
    );
    let row = |name: &str| -> Vec<String> {
        out.lines().find(|l| l.starts_with(name)).unwrap().split_whitespace().map(String::from).collect()
    };
    assert_eq!(row("Function"), ["Function", "1", "0", "+1", "64", "0", "+64"]);
    assert_eq!(row("CachedRequest"), ["CachedRequest", "2", "1", "+1", "96", "48", "+48"]);
    assert_eq!(row("(string)"), ["(string)", "0", "1", "-1", "0", "32", "-32"]);
    assert!(!out.contains("\nObject"), "unchanged classes are not listed: {out}");
    let (code, out, _) =
        ccs(&["diff", base.to_str().unwrap(), target.to_str().unwrap(), "--format", "json", "--top", "2"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> =
        v["comparison"]["classes"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    // DevTools' order: Alloc. Size, largest first
    assert_eq!(names, ["CachedRequest", "Function"]);
    assert_eq!(v["comparison"]["classes"][0]["new_count"], 2);
    assert_eq!(v["comparison"]["common_ids"], 2);
    assert_eq!(v["more_constructors"], 1);
    assert_eq!(v["base"]["self_size"], 184);
}

#[test]
fn diff_warns_about_snapshots_of_different_processes() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = pair(dir.path());
    // the same ids, other classes
    let other = write(
        dir.path(),
        "other.heapsnapshot",
        &snapshot(&[(3, 3, 3, 48), (3, 3, 5, 48), (1, 0, 7, 56), (2, 3, 9, 32)], STRINGS),
    );
    let (code, out, _) = ccs(&["diff", base.to_str().unwrap(), other.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("warning: 75.0% of the object ids found in both snapshots belong to a different class"),
        "{out}"
    );
}

#[test]
fn broken_snapshots_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (base, target) = pair(dir.path());
    let text = std::fs::read_to_string(&target).unwrap();
    let cut = write(dir.path(), "cut.heapsnapshot", &text[..text.find("\"edges\"").unwrap() - 3]);
    let (code, out, err) = ccs(&["diff", base.to_str().unwrap(), cut.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains(&format!("ccs: {}: truncated snapshot: the file ends at byte", cut.display())), "{err}");
    assert!(err.contains("inside the nodes array"), "{err}");
    let (code, _, err) = ccs(&["summary", recorded("leaky-timeline.jsonl").as_str()]);
    assert_eq!(code, 2);
    assert!(err.contains("unexpected data after the end of the snapshot") || err.contains("invalid snapshot"), "{err}");
    let (code, _, err) = ccs(&["summary", "/nonexistent.heapsnapshot"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent.heapsnapshot: could not read the snapshot"), "{err}");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let (code, _, err) = ccs(&["record", "--server", "nope", "--requests", "10", "--out", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("possible values: leaky, bounded, listeners, listeners-fixed"), "{err}");
    let (code, _, err) = ccs(&["record", "--server", "leaky", "--out", "x", "--", "node", "app.js"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
    let (code, _, err) = ccs(&["record", "--requests", "10", "--out", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("say what to record: --server NAME") && err.contains("-- COMMAND"), "{err}");
    let (code, _, err) = ccs(&["record", "--requests", "10", "--path", "item/{n}", "--out", "x", "--", "node"]);
    assert_eq!(code, 2);
    assert!(err.contains("--path must start with /"), "{err}");
    let (code, _, err) = ccs(&["record", "--server", "leaky", "--duration", "10", "--out", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("has no unit: write 10s"), "{err}");
    let (code, _, err) = ccs(&["record", "--server", "leaky", "--requests", "0", "--out", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("0 is not in 1..="), "{err}");
    let (code, _, _) = ccs(&["diff", "only-one"]);
    assert_eq!(code, 2);
}

#[test]
fn record_help_shows_the_path_placeholder() {
    // clap turns a literal "{n}" in help into a line break; the help must still show it.
    let (code, out, _) = ccs(&["record", "--help"]);
    assert_eq!(code, 0);
    let visible = out.replace('\u{2060}', "");
    let flat = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Request path; {n} is replaced by the request number (default /profile?request={n})"),
        "{out}"
    );
}

#[test]
fn record_without_node_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("rec");
    let (code, _, err) = ccs(&[
        "record",
        "--server",
        "leaky",
        "--requests",
        "10",
        "--out",
        out_dir.to_str().unwrap(),
        "--node",
        "/nonexistent/node",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("could not run Node.js as `/nonexistent/node`") && err.contains("Install Node.js 18 or later"),
        "{err}"
    );
}

#[test]
fn record_then_check_and_diff_a_real_leak() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("leaky");
    let (code, out, err) = ccs(&[
        "record",
        "--server",
        "leaky",
        "--requests",
        "3000",
        "--snapshots",
        "--interval",
        "10",
        "--out",
        rec.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3,000 of 3,000 requests answered; server exit code 0"), "{out}");
    assert!(err.contains("server listening on 127.0.0.1:"), "{err}");
    for f in ["timeline.jsonl", "start.heapsnapshot", "end.heapsnapshot", "server.log", "recording.json"] {
        assert!(rec.join(f).is_file(), "{f} missing: {out}");
    }
    let (_, out, _) = ccs(&["check", rec.to_str().unwrap(), "--budget", "1GiB"]);
    assert!(out.contains("recorded: the leaky server, 3,000 of 3,000 requests answered"), "{out}");
    let (code, out, _) = ccs(&[
        "diff",
        rec.join("start.heapsnapshot").to_str().unwrap(),
        rec.join("end.heapsnapshot").to_str().unwrap(),
        "--format",
        "json",
        "--top",
        "0",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cached = v["comparison"]["classes"].as_array().unwrap().iter().find(|c| c["name"] == "CachedRequest").unwrap();
    assert_eq!((cached["new_count"].as_u64(), cached["deleted_count"].as_u64()), (Some(3000), Some(0)));
}

#[test]
fn record_keeps_the_crash_of_a_heap_limit() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("crash");
    let (code, out, err) = ccs(&[
        "record",
        "--server",
        "leaky",
        "--requests",
        "1000000",
        "--heap-limit",
        "24",
        "--out",
        rec.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("the server crashed: killed by signal"), "{out}");
    // V8 words it "Reached heap limit" or "Ineffective mark-compacts near heap limit",
    // depending on when the collector gives up.
    assert!(out.contains("V8 said: FATAL ERROR:") && out.contains("heap limit"), "{out}");
    assert!(out.contains("(it ran with --max-old-space-size=24"), "{out}");
    let (code, out, _) = ccs(&["check", rec.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("V8 said: FATAL ERROR"), "{out}");
    assert!(out.contains("last samples:"), "{out}");
}

/// Processes whose command line mentions `needle` (to check that none is left behind).
fn processes_with(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for p in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        if let Ok(cmd) = std::fs::read(p.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.contains(needle) {
                found.push(cmd);
            }
        }
    }
    found
}

/// A user's server, as a developer would write one: it listens on $PORT and remembers every URL.
const USER_SERVER: &str = r#"
const http = require('node:http');
const seen = new Map(); // url -> Entry, forever
class Entry { constructor(url) { this.url = url; this.at = Date.now(); this.body = (url + ' ').repeat(40); } }
http.createServer((req, res) => { seen.set(req.url, new Entry(req.url)); res.end('ok'); })
  .listen(Number(process.env.PORT), process.env.HOST);
"#;

#[test]
fn record_a_users_command_and_say_what_holds_its_leak() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let app = write(dir.path(), "app.js", USER_SERVER);
    let rec = dir.path().join("rec");
    let (code, out, err) = ccs(&[
        "record",
        "--requests",
        "3000",
        "--path",
        "/item/{n}",
        "--snapshots",
        "--out",
        rec.to_str().unwrap(),
        "--",
        "node",
        app.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3,000 of 3,000 requests answered; server stopped by the recorder (SIGTERM)"), "{out}");
    assert!(out.contains("verdict: "), "{out}");
    assert!(out.contains("grew most between the snapshots: ") && out.contains("Entry (+3,000"), "{out}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rec.join("recording.json")).unwrap()).unwrap();
    assert_eq!(manifest["command"][0], "node");
    assert_eq!(manifest["path"], "/item/{n}");
    assert!(processes_with(app.to_str().unwrap()).is_empty(), "{:?}", processes_with(app.to_str().unwrap()));

    let (code, out, _) = ccs(&[
        "diff",
        rec.join("start.heapsnapshot").to_str().unwrap(),
        rec.join("end.heapsnapshot").to_str().unwrap(),
        "--retainers",
        "8",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entry = v["comparison"]["classes"].as_array().unwrap().iter().find(|c| c["name"] == "Entry").unwrap();
    assert_eq!((entry["new_count"].as_u64(), entry["deleted_count"].as_u64()), (Some(3000), Some(0)));
    // DevTools keys Entry's row by its constructor's location in app.js
    assert!(entry["location"]["line"].as_u64().is_some(), "{entry}");
    let path = v["comparison"]["retainers"].as_array().unwrap().iter().find(|r| r["class"] == "Entry").unwrap();
    let steps = path["path"].as_array().unwrap();
    // ... → seen (the closure's context variable) → Map → its table → the Entry
    assert!(steps.iter().any(|s| s["edge"] == "seen" && s["node"] == "Map"), "{path}");
    assert_eq!(steps.last().unwrap()["class"], "Entry");
    assert_eq!(steps.last().unwrap()["id"], path["object_id"]);

    // the same in text, and the one-snapshot view of it
    let (code, out, _) = ccs(&["retainers", rec.join("end.heapsnapshot").to_str().unwrap(), "Entry"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("\nwhat holds Entry (the largest, @"), "{out}");
    assert!(out.contains(":: Map @"), "{out}");
    let (code, _, err) = ccs(&["retainers", rec.join("end.heapsnapshot").to_str().unwrap(), "NoSuchThing"]);
    assert_eq!(code, 2);
    assert!(err.contains("no object of constructor \"NoSuchThing\""), "{err}");
    let (code, _, err) = ccs(&["retainers", rec.join("end.heapsnapshot").to_str().unwrap(), "@4294967295"]);
    assert_eq!(code, 2);
    assert!(err.contains("no object has id @4294967295"), "{err}");
}

#[test]
fn servers_that_cannot_be_recorded_are_clear_errors_and_leave_nothing_behind() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("rec");
    let out = out_dir.to_str().unwrap();
    let silent = write(dir.path(), "silent-server.js", "console.error('starting up'); setInterval(() => {}, 1000);");
    let elsewhere = write(
        dir.path(),
        "elsewhere-server.js",
        "require('node:http').createServer((q, s) => s.end()).listen(0, '127.0.0.1', () => console.log('up'));",
    );
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = busy.local_addr().unwrap().port().to_string();
    let fixed = write(
        dir.path(),
        "fixed-port-server.js",
        &format!("require('node:http').createServer((q, s) => s.end()).listen({taken}, '127.0.0.1');"),
    );
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["--", "no-such-server-command"], vec!["could not start `no-such-server-command`"]),
        (vec!["--", "node", "-e", "process.exit(3)"], vec!["exited before it listened on 127.0.0.1:", "(exit code 3)"]),
        (
            vec!["--startup-timeout", "2s", "--", "node", silent.to_str().unwrap()],
            vec!["did not listen on 127.0.0.1:", "within 2 s; make it listen on the port in $PORT", "starting up"],
        ),
        (
            vec!["--startup-timeout", "2s", "--", "node", elsewhere.to_str().unwrap()],
            vec!["within 2 s (it listens on ", "instead)"],
        ),
        (vec!["--", "node", fixed.to_str().unwrap()], vec!["exited before it listened", "EADDRINUSE"]),
    ];
    for (args, wanted) in cases {
        let mut all = vec!["record", "--requests", "10", "--out", out];
        all.extend(args.iter().copied());
        let (code, _, err) = ccs(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        for w in wanted {
            assert!(err.contains(w), "{args:?}: {w:?} not in {err}");
        }
    }
    drop(busy);
    // a snapshot that cannot be written
    std::fs::create_dir_all(out_dir.join("start.heapsnapshot.partial")).unwrap();
    let (code, _, err) = ccs(&["record", "--server", "leaky", "--requests", "10", "--snapshots", "--out", out]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the start heap snapshot could not be written") && err.contains("EISDIR"), "{err}");
    // (the bundled server runs from a temporary folder of its own, with other tests' servers: the
    // user's scripts are the ones this test can name)
    for script in ["silent-server.js", "elsewhere-server.js", "fixed-port-server.js"] {
        let left = processes_with(&dir.path().join(script).display().to_string());
        assert!(left.is_empty(), "{script}: {left:?}");
    }
}

#[test]
fn a_listener_leak_is_reported_from_the_log_and_from_the_snapshots() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("listeners");
    let (code, out, err) =
        ccs(&["record", "--server", "listeners", "--requests", "300", "--snapshots", "--out", rec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("listener leak? MaxListenersExceededWarning: 11 `reload` listeners on an EventEmitter"),
        "{out}"
    );
    let (code, out, _) = ccs(&["check", rec.to_str().unwrap()]);
    assert!(out.contains("MaxListenersExceededWarning: 11 `reload` listeners"), "{code} {out}");
    let (_, out, _) = ccs(&[
        "diff",
        rec.join("start.heapsnapshot").to_str().unwrap(),
        rec.join("end.heapsnapshot").to_str().unwrap(),
        "--retainers",
    ]);
    // the warm-up's 50 connections are in the base; the 300 of the load were added after it
    let line = out.lines().find(|l| l.starts_with("listeners: EventEmitter @")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("`reload`: 50 → 350 listeners (+300)"), "{line}");
    assert!(out.contains("the emitter is held by: "), "{out}");
}

#[test]
fn watch_polls_a_health_endpoint_into_a_timeline() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let app = write(
        dir.path(),
        "health-server.js",
        r#"const keep = [];
require('node:http').createServer((q, s) => {
  if (q.url === '/health') return s.end(JSON.stringify(process.memoryUsage()));
  if (q.url === '/mb') return s.end(JSON.stringify({ status: 'ok', memory: { heapUsedMB: process.memoryUsage().heapUsed / 1048576 } }));
  s.end('<html>hello</html>');
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
setInterval(() => { for (let i = 0; i < 3000; i++) keep.push('z'.repeat(100) + i); }, 20);"#,
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new("node")
        .arg(&app)
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut ready).unwrap();
    let url = |p: &str| format!("http://127.0.0.1:{port}{p}");
    let timeline = dir.path().join("watched.jsonl");
    let (code, out, _) =
        ccs(&["watch", &url("/health"), "--interval", "100", "--seconds", "3", "--out", timeline.to_str().unwrap()]);
    let (code2, out2, _) = ccs(&["watch", &url("/mb"), "--interval", "100", "--seconds", "1", "--out", "/dev/null"]);
    let (code3, _, err3) =
        ccs(&["watch", &url("/"), "--seconds", "1", "--out", dir.path().join("x").to_str().unwrap()]);
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("samples over") && out.contains("verdict: grows without bound"), "{out}");
    let t = node_heap::Timeline::read(&timeline).unwrap();
    assert!(t.samples.len() >= 20, "{}", t.samples.len());
    assert!(t.samples.iter().all(|s| s.heap_used > 0 && s.rss > 0));
    let (code, out, _) = ccs(&["check", timeline.to_str().unwrap(), "--budget", "1GiB"]);
    assert_eq!(code, 1, "growing: {out}");
    assert_eq!(code2, 0, "{out2}");
    assert_eq!(code3, 2);
    assert!(err3.contains("did not answer a memory sample: not JSON") && err3.contains("<html>hello"), "{err3}");
    assert!(!dir.path().join("x").exists());
    let (code, _, err) = ccs(&["watch", "https://127.0.0.1/health", "--out", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("https is not supported"), "{err}");
}

#[test]
fn timelines_that_are_not_timelines_are_refused_early_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(recorded("bounded-timeline.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let bad = dir.path().join("bad-utf8.jsonl");
    let mut bytes = format!("{first}\n").into_bytes();
    bytes.extend_from_slice(b"{\"t\"\xff}\n");
    std::fs::write(&bad, bytes).unwrap();
    let (code, _, err) = ccs(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("line 2: invalid UTF-8 at byte 5 of the line"), "{err}");
    // a 1 GB sparse file: refused at its first line, without reading it
    let sparse = dir.path().join("sparse.jsonl");
    std::fs::File::create(&sparse).unwrap().set_len(1 << 30).unwrap();
    let (code, _, err) = ccs(&["check", sparse.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("line 1: longer than 64 KiB"), "{err}");
    let (code, _, err) = ccs(&["check", recorded("bounded-timeline.jsonl").as_str(), "--max-size", "1KiB"]);
    assert_eq!(code, 2);
    assert!(err.contains("larger than 1.0 KiB (1024 bytes)") && err.contains("--max-size"), "{err}");
}

#[test]
fn snapshot_sizes_and_edges_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let with = |nodes: &str, edges: &str, node_count: u32, edge_count: u32| {
        format!(
            r#"{{"snapshot":{{"meta":{{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","object","synthetic"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],"edge_types":[["property","weak"],"string_or_number","node"]}},
"node_count":{node_count},"edge_count":{edge_count}}},"nodes":[{nodes}],"edges":[{edges}],"strings":["","A"]}}"#
        )
    };
    let huge = write(
        dir.path(),
        "huge.heapsnapshot",
        &with("2,0,1,0,1, 1,1,3,18446744073709551615,0, 1,1,5,18446744073709551615,0", "0,1,5", 3, 1),
    );
    let (code, _, err) = ccs(&["summary", huge.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("the self sizes add up to more than 9223372036854775807 bytes, at node 1"), "{err}");
    let outside = write(dir.path(), "outside.heapsnapshot", &with("2,0,1,0,1, 1,1,3,16,0", "0,1,10", 2, 1));
    let (code, _, err) = ccs(&["summary", outside.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("edge 0 points to node 2, outside the node list (2 nodes)"), "{err}");
    let misaligned = write(dir.path(), "misaligned.heapsnapshot", &with("2,0,1,0,1, 1,1,3,16,0", "0,1,7", 2, 1));
    let (code, _, err) = ccs(&["summary", misaligned.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a multiple of the 5 node fields"), "{err}");
    let (code, _, err) = ccs(&["summary", huge.to_str().unwrap(), "--max-snapshot-size", "100B"]);
    assert_eq!(code, 2);
    assert!(err.contains("larger than 100 B") && err.contains("--max-snapshot-size"), "{err}");
}
