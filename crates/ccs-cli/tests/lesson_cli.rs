//! `ccs lesson check` (issue 17 item 6): every bundled lesson passes, a failing step is
//! reported with why and fails the run, bad lessons exit 2 at their file:line:column.

mod support;

use support::{ccs, repo, write};

#[test]
fn every_lesson_in_programs_lessons_passes() {
    let mut seen = 0;
    for entry in std::fs::read_dir(repo().join("programs/lessons")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let r = ccs(&["lesson", "check", path.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}\n{}{}", path.display(), r.stdout, r.stderr);
        let steps = r.stdout.lines().filter(|l| l.starts_with("step ")).count();
        assert!(steps > 0 && r.stdout.lines().filter(|l| l.contains(" OK ")).count() == steps, "{}", r.stdout);
        assert!(r.stdout.trim_end().ends_with(&format!("all {steps} steps OK")), "{}", r.stdout);
        seen += 1;
    }
    assert!(seen >= 4, "{seen} lessons");
}

#[test]
fn a_bundled_lesson_by_its_path_below_programs_and_verbose_outcomes() {
    let r = ccs(&["lesson", "check", "lessons/memory-discipline.ron", "--verbose"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("lesson lessons/memory-discipline.ron: "), "{}", r.stdout);
    assert!(r.stdout.contains("step  1 OK      69,632 bytes for everything"), "{}", r.stdout);
    assert!(r.stdout.contains("ok  run until DCM 0o0001"), "{}", r.stdout);
    assert!(r.stdout.contains("DCM 0o0001 (swap to the other (backup) AACS) at t = 0:00:00:30.00"), "{}", r.stdout);
}

#[test]
fn a_failing_step_says_why_and_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = write(
        &dir,
        "l.ron",
        r#"(title: "t", steps: [
            (title: "never", text: "x", actions: [open("tick.img"), run_until(event: dcm(0o0007), within: "10s"), run]),
            (title: "fine", text: "y", actions: [run_for("1s")]),
        ])"#,
    );
    let r = ccs(&["lesson", "check", &lesson]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[1], "step  1 FAILED  never", "{}", r.stdout);
    assert_eq!(
        lines[2].trim(),
        "run until DCM 0o0007 (at most 10s): no DCM 0o0007 within 0:00:00:10.00 (ran from t = 0:00:00:00.00 to \
         0:00:00:10.00)"
    );
    assert!(lines[3].contains("1 more action(s) not performed"), "{}", r.stdout);
    assert_eq!(lines[4], "step  2 OK      fine");
    assert_eq!(lines[5], "1 of 2 steps FAILED, 1 OK");
}

#[test]
fn bad_lessons_exit_2_at_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("syntax.ron", "(title: \"t\",\n steps: [(title: \"s\" text: \"x\")])", ":2:"),
        (
            "action.ron",
            "(title: \"t\", steps: [\n  (title: \"s\", text: \"x\", actions: [\n    zoom(\"fds\")])])",
            ":3:5: step 1 \"s\": zoom: memory \"fds\" is not",
        ),
        ("script.ron", "(events: [])", "not a lesson"),
    ];
    for (name, text, expected) in cases {
        let path = write(&dir, name, text);
        let r = ccs(&["lesson", "check", &path]);
        assert_eq!(r.code, 2, "{name}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.starts_with(&format!("ccs: {path}")), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{name}: {}", r.stderr);
    }
    let r = ccs(&["lesson", "check", "lessons/none.ron"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("lessons/none.ron"), "{}", r.stderr);
    let r = ccs(&["lesson", "check"]);
    assert_eq!(r.code, 2);
}
