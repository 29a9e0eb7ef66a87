//! `ccs relocate` across regions (issue 18), end to end: the issue's command, the
//! proposed map (`--map-out`) that `ccs budget` accepts, the diff in the report, the
//! refusals, and outputs that never replace an input.

mod support;

use support::{Run, ccs, path, repo};

#[test]
fn the_issue_command_relocates_into_sequences_and_proposes_a_map_the_image_fits() {
    let dir = tempfile::tempdir().unwrap();
    let (img, map) = (path(&dir, "relocated.img"), path(&dir, "proposed.ron"));
    let r = ccs(&["relocate", "programs/flight/load.asm", "--dead", "0o5000-0o5377", "--map-out", &map, "-o", &img]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for line in [
        "laid out around 256 dead words of CCS-A",
        "  section VECTORS       44 words  0o5200 -> 0o7622  in SEQUENCES (moved out of DATA)",
        "  section SCRATCH       16 words  0o5340 -> 0o7760  in SEQUENCES (moved out of SCRATCH)",
        "words moved: 110",
        "proposed map voyager-relocated (changes):",
        "  CCS-A  FIXED      0o0040-0o5177 -> 0o0040-0o4777  shrank by 128 words (2656 -> 2528)",
        "  CCS-A  DEAD       new: 0o5000-0o5377 (256 words), spare, read-only",
        "  CCS-A  SEQUENCES  0o5400-0o7777 -> 0o5400-0o7621  shrank by 110 words (1280 -> 1170)",
        "  CCS-A  DATA       0o5200-0o5337 -> 0o7622-0o7757  moved, shrank by 2 words (96 -> 94)",
        "  CCS-A  SPARE      removed: 0o5360-0o5377 (16 words)",
    ] {
        assert!(r.stdout.lines().any(|l| l == line), "no line {line:?} in:\n{}", r.stdout);
    }
    assert!(r.stdout.ends_with(&format!("wrote {map}\nwrote {img}\nbudget: fits\n")), "{}", r.stdout);
    let text = std::fs::read_to_string(&map).unwrap();
    assert!(text.starts_with("// Proposed by `ccs relocate programs/flight/load.asm`:\n"), "{text}");
    assert!(text.contains("(name: \"DEAD\", start: 0o5000, end: 0o5377, purpose: spare, writable: false,"), "{text}");

    // The relocated image fits the proposed map; the plain load's sections do not.
    let b = ccs(&["budget", &img, "--map", &map]);
    assert_eq!(b.code, 0, "{}{}", b.stdout, b.stderr);
    assert!(b.stdout.contains("CCS-A   DATA       7622-7757       data                   94    94"), "{}", b.stdout);
    let b = ccs(&["budget", "programs/flight/load.asm", "--map", &map]);
    assert_eq!(b.code, 1, "{}", b.stdout);
    assert!(
        b.stdout.contains("section VECTORS (44 words) starts before region DATA by 44 words: 0o5200-0o5253 (in DEAD)"),
        "{}",
        b.stdout
    );
    // And it flies the week with the stretch dead, as the plain load does on healthy memory
    // (on CCS-A, whose memory the relocation is for; the scenario would run the pair).
    let week = ["--scenario", "programs/scenarios/cruise-week.ron", "--processors", "A"];
    let plain = ccs(&[&["run"], &week[..]].concat());
    let relocated = ccs(&[&["run", &img], &week[..], &["--dead", "ccs-a:0o5000-0o5377"]].concat());
    let last = |r: &Run| r.stdout.lines().last().unwrap_or("").to_string();
    assert!(last(&plain).contains("24,068,252 instructions, 907,368 interrupts taken"), "{}", plain.stdout);
    assert_eq!(last(&relocated).replace("P = 0120", "P = ?"), last(&plain).replace("P = 0120", "P = ?"));
}

#[test]
fn refusals_say_why_with_their_exit_status() {
    // No layout: exit 1, with what is missing and where free space is.
    let r = ccs(&["relocate", "tests/relocate/vector_call.asm", "--dead", "0o5200-0o7777"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with(
            "cannot relocate tests/relocate/vector_call.asm: no layout in CCS-A: 3 writable words are missing"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("the nearest free space is in FIXED (read-only, fixed routines)"), "{}", r.stdout);
    // Dead words in a memory the program is not laid out in: bad input.
    let r = ccs(&["relocate", "tests/relocate/vector_call.asm", "--dead", "ccs-b:0o5200-0o5337"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("dead words in CCS-B: the program (target A) is laid out in CCS-A"), "{}", r.stderr);
    // For B, the same dead words of CCS-B move its DATA; CCS-B's map changes.
    let r = ccs(&["relocate", "tests/relocate/vector_call.asm", "--target", "B", "--dead", "ccs-b:0o5200-0o5337"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("laid out around 96 dead words of CCS-B"), "{}", r.stdout);
    assert!(r.stdout.contains("  CCS-B  DEAD       new: 0o5200-0o5337 (96 words), spare, read-only"), "{}", r.stdout);
    assert!(!r.stdout.contains("CCS-A  "), "{}", r.stdout);
}

#[test]
fn outputs_never_replace_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let src = path(&dir, "p.asm");
    let original = std::fs::read_to_string(repo().join("tests/relocate/vector_call.asm")).unwrap();
    std::fs::write(&src, &original).unwrap();
    let r = ccs(&["relocate", &src, "--dead", "0o44+4", "-o", &src]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("that is the input") && r.stderr.contains("refusing to write over it"), "{}", r.stderr);
    let map = path(&dir, "m.ron");
    std::fs::copy(repo().join("programs/voyager.ron"), &map).unwrap();
    let r = ccs(&["relocate", &src, "--dead", "0o44+4", "--map", &map, "--map-out", &map]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(&src).unwrap(), original);
    assert_eq!(
        std::fs::read_to_string(&map).unwrap(),
        std::fs::read_to_string(repo().join("programs/voyager.ron")).unwrap()
    );
}
