//! `docs/spec.md` is the machine specification a newcomer reads: it must keep every
//! section of the normative reconstruction and every clarification.

#[test]
fn the_spec_keeps_every_section_and_clarification() {
    let spec = include_str!("../docs/spec.md");
    for n in 1..=17 {
        assert!(spec.contains(&format!("\n## {n}. ")), "section {n} is missing from docs/spec.md");
    }
    for c in 1..=14 {
        assert!(spec.contains(&format!("\n### C{c}. ")), "clarification C{c} is missing from docs/spec.md");
    }
    // The rules the code leans on most, word for word.
    for rule in [
        "a WAI whose wake time lies beyond `limit` does not complete in this run",
        "`run(limit)` stops each processor at its first boundary at or after `limit`",
        "Levels 1-8 are delivered to both processors.",
        "Illegal XCT chains cost 44",
    ] {
        assert!(spec.contains(rule), "docs/spec.md lost the rule {rule:?}");
    }
}
