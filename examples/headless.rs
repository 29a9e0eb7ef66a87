//! The emulator as a library, headless: assemble a program, run it, look inside.
//!
//! `cargo run --release --example headless` — every `assert!` here is something the
//! machine must do; the program exits non-zero if one fails. See docs/library.md.

use voyager_ccs::prelude::*;

/// The spec's worked example (§14), written inline: the 10 ms clock (level 4) counts
/// ticks, the 1 s clock (level 5) calls a handler that counts seconds.
const TICK: &str = "
        .org 0o0004
        INC  TICKS      ; trap cell 4: count a 10 ms tick
        CAL  SECH       ; trap cell 5: call the 1 s handler
        .org 0o0040
START:  LML  MASKW      ; unmask levels 4 and 5 only
        EIN
IDLE:   WAI             ; sleep until an interrupt
        JMP  IDLE
SECH:   .word 0         ; return cell, written by CAL
        LDA  TICKS
        STA  LASTT      ; ticks counted during the last second
        CLR
        STA  TICKS
        INC  SECS
        RTI  SECH       ; back to the interrupted P, IE <- 1
MASKW:  .word 0o177717  ; bits 4 and 5 clear = unmasked
TICKS:  .word 0
SECS:   .word 0
LASTT:  .word 0
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One call assembles the source and loads it into processor A (B is held).
    let mut session = voyager_ccs::assemble(TICK)?;

    // Run three simulated seconds. The boundary rule: a run to t stops at the first step
    // boundary at or after t, so the tick *at* 3 s is pending but not yet handled...
    let stop = session.run_for(3 * CYCLES_PER_SECOND);
    assert_eq!(stop, RunStop::Limit);
    assert_eq!(session.word("SECS")?, 2, "the third tick is pending at the boundary");
    // ...and a little more time lets its handler run.
    session.run_for(5_000);
    assert_eq!(session.word("SECS")?, 3);
    assert_eq!(session.word("LASTT")?, 100, "100 ticks of 10 ms in a second");
    println!("after {} cycles: SECS = {}", session.now(), session.word("SECS")?);

    // Registers by name.
    let mask = session.register(ProcId::A, "MASK")?;
    assert_eq!(mask & 0o60, 0, "levels 4 and 5 unmasked");

    // A breakpoint stops *before* the instruction at its address; run again to go on.
    let handler = session.symbol("SECH")? as u32 + 1;
    session.set_breakpoint(ProcId::A, handler.try_into()?);
    let stop = session.run_for(2 * CYCLES_PER_SECOND);
    assert_eq!(stop, RunStop::Breakpoint { proc: ProcId::A, addr: handler.try_into()? });
    println!("{stop} at t = {}", session.now());
    session.clear_breakpoints();

    // A watchpoint stops after the step that writes a word.
    let secs = session.symbol("SECS")? as u32;
    session.set_watchpoint(MemoryId::Ccs(ProcId::A), secs, Access::Write);
    let stop = session.run_for(2 * CYCLES_PER_SECOND);
    assert!(matches!(stop, RunStop::Watchpoint { addr, access: Access::Write, .. } if addr == secs));
    assert_eq!(session.word("SECS")?, 4);
    session.clear_watchpoints();

    // Or run until any condition on the machine holds, checked after every step.
    let stop = session.run_until(|m| m.examine(MemoryId::Ccs(ProcId::A), secs) == 10, 60 * CYCLES_PER_SECOND);
    assert_eq!(stop, RunStop::Condition);
    println!("SECS reached 10 at t = {} ({})", session.now(), voyager_ccs::core::SpacecraftTime(session.now()));

    // Bundled programs and scenarios open by path from any folder.
    let mut cruise = voyager_ccs::open("scenarios/cruise-week.ron")?;
    cruise.run_for(60 * CYCLES_PER_SECOND);
    let commands = cruise.drain_outputs();
    println!("the flight load's first minute of cruise: {} outputs", commands.len());
    assert!(!commands.is_empty());
    Ok(())
}
