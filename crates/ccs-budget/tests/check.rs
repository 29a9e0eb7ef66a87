//! Static and run-time checks against the default Voyager map, on small assembled
//! programs that fit exactly, overflow by exactly N words, or break a rule.

mod support;

use support::voyager;

use ccs_budget::{FindingKind, Program, Report, check, check_run};
use ccs_core::{MemoryId, ProcId, Session, Target};

fn assemble(src: &str) -> ccs_asm::Assembly {
    let out = ccs_asm::assemble_str("t.asm", src);
    assert!(out.diagnostics.iter().all(|d| d.kind.is_budget_finding()), "{}", out.render_diagnostics());
    out.assembly.expect("assembled")
}

fn budget(src: &str) -> Report {
    check(&Program::from_assembly("t.asm", &assemble(src), Target::A), &voyager())
}

fn region<'r>(report: &'r Report, memory: MemoryId, name: &str) -> &'r ccs_budget::RegionReport {
    report.regions.iter().find(|r| r.memory == memory && r.name == name).unwrap()
}

const CCS_A: MemoryId = MemoryId::Ccs(ProcId::A);

#[test]
fn a_program_that_fills_its_regions_exactly_fits() {
    // TRAPS full (32 words), FIXED full (2656 words), a section at exactly its limit.
    let report = budget(
        "        .section TRAPS
        .org 0
        .zero 32
        .section FIXED, 2656
        .org 0o40
        .zero 2656
        .section DATA
        .word 1, 2, 3",
    );
    assert!(report.fits(), "{}", report.to_text());
    assert_eq!(region(&report, CCS_A, "TRAPS").used, 32);
    assert_eq!(region(&report, CCS_A, "FIXED").used, 2656);
    assert_eq!(region(&report, CCS_A, "FIXED").percent(), 100.0);
    assert_eq!(region(&report, CCS_A, "DATA").used, 3);
    let text = report.to_text();
    assert!(text.contains("fits: every section lies in its region and within its limit"), "{text}");
    assert!(
        text.contains(
            "CCS-A   FIXED      0040-5177       fixed routines (ro)  2656  2656 100.0% [####################]"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "CCS-A   DATA       5200-5337       data                    3    96   3.1% [#...................]"
        ),
        "{text}"
    );
    assert!(text.contains("(nothing loaded into CCS-B, FDS-A, FDS-B, AACS-A, AACS-B)"), "{text}");
    assert_eq!(report.totals.bits_used, (32 + 2656 + 3) * 18);
    assert!(text.contains("spacecraft total: 48,438 of 557,056 bits used (8.7%)"), "{text}");
}

#[test]
fn a_section_that_spills_out_of_its_region_overflows_it_by_exactly_n_words() {
    // CMDLOS (212 words) starts 175 words before the end of FIXED: 37 words spill over.
    let report = budget(
        "        .section CMDLOS
        .org 0o5200 - 175
        .zero 212",
    );
    assert!(!report.fits());
    assert_eq!(report.findings.len(), 1, "{}", report.to_text());
    let f = &report.findings[0];
    assert_eq!(f.kind, FindingKind::SectionOutsideRegion);
    assert_eq!(f.words, 37);
    assert_eq!(f.message, "section CMDLOS (212 words) overflows region FIXED by 37 words: 0o5200-0o5244 (in DATA)");
}

#[test]
fn a_section_over_its_own_limit_is_a_finding_with_the_overflow() {
    let report = budget(
        "        .section CMDLOS, 175
        .org 0o100
        .zero 212",
    );
    assert_eq!(report.findings.len(), 1, "{}", report.to_text());
    assert_eq!(report.findings[0].kind, FindingKind::SectionOverLimit);
    assert_eq!(report.findings[0].words, 37);
    assert_eq!(report.findings[0].message, "section CMDLOS (212 words) is over its limit of 175 words by 37 words");
}

#[test]
fn sections_no_region_accepts_and_trap_cells_outside_the_table() {
    // The spec's tick program uses only the `main` section.
    let report = check(
        &Program::from_assembly(
            "tick.asm",
            &ccs_asm::assemble("../../programs/tick.asm", &ccs_asm::FileSystem).assembly.unwrap(),
            Target::A,
        ),
        &voyager(),
    );
    let kinds: Vec<FindingKind> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [FindingKind::SectionUnassigned, FindingKind::TrapCellOutsideTable, FindingKind::TrapCellOutsideTable]
    );
    assert_eq!(
        report.findings[0].message,
        "section main (23 words) is assigned to no region of CCS-A: its words at 0o0004-0o0005, 0o0040-0o0064 lie outside every region it may use"
    );
    assert_eq!(
        report.findings[1].message,
        "trap cell 0o0004 of CCS-A is set by section main, which does not belong in the trap table TRAPS"
    );
    // A section of FIXED reaching into the trap table is both out of its region and
    // setting trap cells.
    let report = budget(
        "        .section FIXED
        .org 0o36
        .zero 4",
    );
    let kinds: Vec<FindingKind> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [FindingKind::SectionOutsideRegion, FindingKind::TrapCellOutsideTable, FindingKind::TrapCellOutsideTable]
    );
    assert_eq!(
        report.findings[0].message,
        "section FIXED (4 words) starts before region FIXED by 2 words: 0o0036-0o0037 (in TRAPS)"
    );
}

#[test]
fn target_ab_checks_both_memories_and_counts_both() {
    let asm = assemble("        .section DATA\n        .org 0o5200\n        .word 1, 2\n");
    let report = check(&Program::from_assembly("t", &asm, Target::AB), &voyager());
    assert!(report.fits());
    assert_eq!(region(&report, MemoryId::Ccs(ProcId::B), "DATA").used, 2);
    assert_eq!(report.totals.bits_used, 4 * 18);
}

#[test]
fn attached_memory_images_count_toward_the_spacecraft_total() {
    let mut program = Program::from_assembly(
        "t",
        &assemble("        .section DATA\n        .org 0o5200\n        .word 7\n"),
        Target::A,
    );
    let fds = ccs_core::Image::parse("# fds-image v1 target=B\n00000 000001\n17777 177777\n", ccs_core::ImageKind::Ccs)
        .unwrap();
    program.add_image(&fds, Target::B);
    let report = check(&program, &voyager());
    assert!(report.fits());
    assert_eq!(report.totals.bits_used, 18 + 2 * 16);
    assert_eq!(region(&report, MemoryId::Fds(1), "FDSPROG").used, 1);
    assert_eq!(region(&report, MemoryId::Fds(1), "FDSBUF").used, 1);
    assert_eq!(report.loaded, ["CCS-A", "FDS-B"]);
}

/// A program running from the reset address that stores into the routines' region
/// (forbidden), into DATA (allowed), and then halts.
const STORES: &str = "        .section FIXED
        .org 0o40
START:  LDI  5
        STA  0o4000         ; forbidden: FIXED is not writable by program stores
        STA  0o4001         ; forbidden
        STA  0o4000         ; forbidden, same word
        MLD  0o4002         ; a memory load: allowed
        STA  0o5200         ; DATA: allowed
        CLR
        STA  0o5201         ; DATA, a zero
        HLT";

fn run(src: &str, jumpers: [ccs_core::Jumper; 3]) -> Report {
    let asm = assemble(src);
    let mut session = Session::new(asm.setup(Target::A).with_jumpers(ProcId::A, ccs_core::Jumpers(jumpers)));
    check_run(&Program::from_assembly("t.asm", &asm, Target::A), &voyager(), &mut session, 100_000)
}

#[test]
fn run_time_check_finds_stores_into_regions_that_are_not_writable() {
    use ccs_core::Jumper::*;
    let report = run(STORES, [ReadWrite, ReadWrite, ReadWrite]);
    assert_eq!(report.findings.len(), 1, "{}", report.to_text());
    let f = &report.findings[0];
    assert_eq!(f.kind, FindingKind::ForbiddenWrite);
    assert_eq!(
        f.message,
        "3 program stores into region FIXED of CCS-A, which is not writable: 2 words (0o4000-0o4001), first by A at t = 22 into 0o4000"
    );
    let fixed = region(&report, CCS_A, "FIXED").run.clone().unwrap();
    assert_eq!(fixed.writes, 4, "3 stores and 1 memory load took effect");
    assert_eq!(fixed.forbidden_writes, 3);
    assert_eq!(fixed.high_water, Some(0o4002));
    // 9 program words, 8 of them nonzero (HLT is the zero word), then 0o4000..0o4002
    // became nonzero.
    assert_eq!(fixed.peak_occupancy, 8 + 3);
    let data = region(&report, CCS_A, "DATA").run.clone().unwrap();
    assert_eq!((data.writes, data.forbidden_writes, data.high_water), (2, 0, Some(0o5201)));
    assert_eq!(data.peak_occupancy, 1, "the zero store adds nothing");
    assert_eq!(data.untouched, 96 - 2);
    let traps = region(&report, CCS_A, "TRAPS").run.clone().unwrap();
    assert_eq!(traps.untouched, 32);
    let text = report.to_text();
    assert!(text.contains("WRITES DENIED HIGH-WATER  PEAK UNTOUCHED"), "{text}");
    assert!(text.contains("processor A: halted with code 0"), "{text}");
}

#[test]
fn suppressed_stores_are_still_reported() {
    use ccs_core::Jumper::*;
    let report = run(STORES, [ReadWrite, ReadWrite, WriteProtected]);
    assert!(report.findings[0].message.contains("(all suppressed by the jumpers)"), "{}", report.findings[0].message);
    let fixed = region(&report, CCS_A, "FIXED").run.clone().unwrap();
    assert_eq!(fixed.writes, 1, "only the MLD took effect in the WP block");
}

#[test]
fn json_report_has_the_same_findings() {
    let report = budget("        .section CMDLOS\n        .org 0o5200 - 175\n        .zero 212\n");
    let v: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(v["findings"][0]["kind"], "section_outside_region");
    assert_eq!(v["findings"][0]["words"], 37);
    assert_eq!(v["findings"][0]["memory"], "CCS-A");
    assert_eq!(v["totals"]["bits_capacity"], 557_056);
    let fixed =
        v["regions"].as_array().unwrap().iter().find(|r| r["name"] == "FIXED" && r["memory"] == "CCS-A").unwrap();
    assert_eq!(fixed["used"], 175);
    assert_eq!(fixed["capacity"], 2656);
}
