//! What the budget tests share: the bundled map, small maps written for a test, and a run
//! of an image on processor A with words dead from the start if asked, through the one
//! door (`MachineSetup`, `Session`).
#![allow(dead_code)] // each test file uses its own part

use ccs_budget::AllocationMap;
use ccs_core::{Command, Fault, Image, Input, MachineSetup, MemoryId, ProcId, Session, Target, TimedInput};

/// The console words (OUT values) of `image` run on A for 2 s, with each `(start, len)`
/// stretch of `dead` words of CCS-A dead from time 0.
pub fn console(image: &Image, dead: impl IntoIterator<Item = (u32, u32)>) -> Vec<u32> {
    let faults = dead.into_iter().map(|(start, len)| TimedInput {
        time: 0,
        input: Input::Fault(Fault::DeadRange { memory: MemoryId::Ccs(ProcId::A), start, len, pattern: 0o525252 }),
    });
    let setup = MachineSetup::new().with_image_at(image.clone(), Target::A).expect("a CCS image").with_events(faults);
    let mut session = Session::new(setup);
    session.run_for(1_000_000);
    session
        .drain_outputs()
        .iter()
        .filter_map(|o| match o.command {
            Command::Out { value, .. } => Some(value.get()),
            _ => None,
        })
        .collect()
}

/// The bundled Voyager allocation map.
pub fn voyager() -> AllocationMap {
    AllocationMap::parse(ccs_programs::VOYAGER_MAP, "voyager").unwrap()
}

/// A map whose CCS-A is the RON region list `ccs_a`, the other memories one writable
/// data region each.
pub fn map_with(ccs_a: &str) -> AllocationMap {
    let others: String = MemoryId::ALL[1..]
        .iter()
        .map(|m| {
            format!(
                "(memory: \"{}\", regions: [(name: \"ALL\", start: 0, end: {}, purpose: data, writable: true)]),\n",
                m.name(),
                m.words() - 1
            )
        })
        .collect();
    AllocationMap::parse(&format!("(memories: [(memory: \"CCS-A\", regions: [{ccs_a}]),\n{others}])"), "t").unwrap()
}
