//! Environment scripts (spec §9.3): which default models run and a list of
//! (time, source, value) events. This module holds the data model and its checks;
//! reading RON or JSON text is the caller's business (see `ccs-files`).

use crate::bits::Word;
use crate::env::{Input, Models, TimedInput};
use crate::fault::Fault;
use crate::io::{channel, channel_info, level};
use crate::machine::{CYCLES_PER_SECOND, ProcId, Unit};
use crate::observer::MemoryId;
use crate::registers::Reg;
use serde::{Deserialize, Serialize};

/// Event source names as written in a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceName {
    /// Uplink command word (channel 0o00, level 3), 18 bits.
    Uplink,
    /// AACS power code (channel 0o01, level 2), 6 bits: 0o37 heartbeat, 0o66 the Omen.
    AacsPower,
    /// RF power monitors (channel 0o02, level 7), 4 bits, 1 = power present.
    RfMonitors,
    /// Power status (channel 0o03, level 1), 2 bits: undervoltage, overload.
    PowerStatus,
    /// FDS request word (channel 0o05, level 8), 18 bits.
    FdsRequest,
    /// Injected parity error in `processor`: ERR[2] and level 0.
    Parity,
    /// AACS `unit` (0 prime, 1 redundant) stops sending its heartbeat.
    HeartbeatStop,
    /// AACS `unit` resumes its heartbeat.
    HeartbeatStart,
    /// Redundant `device` `unit` fails.
    DeviceFail,
    /// Redundant `device` `unit` is repaired.
    DeviceRestore,
    /// Flip `bit` of word `addr` of `memory`.
    FlipBit,
    /// Flip `bit` of `register` in `processor`.
    FlipRegister,
    /// Bits `mask` of word `addr` of `memory` stick at `value`.
    StuckAt,
    /// Words `addr .. addr + len` of `memory` die: they read `pattern`, writes are lost.
    DeadRange,
    /// `processor` stops dead.
    Halt,
    /// `processor` does nothing for `cycles`.
    Stall,
}

/// The optional fields of a script event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Value,
    Processor,
    Unit,
    Device,
    Memory,
    Addr,
    Bit,
    Register,
    Mask,
    Len,
    Pattern,
    Cycles,
}

impl Field {
    const fn name(self) -> &'static str {
        match self {
            Field::Value => "value",
            Field::Processor => "processor",
            Field::Unit => "unit",
            Field::Device => "device",
            Field::Memory => "memory",
            Field::Addr => "addr",
            Field::Bit => "bit",
            Field::Register => "register",
            Field::Mask => "mask",
            Field::Len => "len",
            Field::Pattern => "pattern",
            Field::Cycles => "cycles",
        }
    }
}

impl SourceName {
    /// The input sources that set a device latch, with their channels.
    pub const LATCHED: [(SourceName, u32); 5] = [
        (SourceName::Uplink, channel::UPLINK),
        (SourceName::AacsPower, channel::AACS_POWER),
        (SourceName::RfMonitors, channel::RF_MONITORS),
        (SourceName::PowerStatus, channel::POWER_STATUS),
        (SourceName::FdsRequest, channel::FDS_REQUEST),
    ];

    /// The channel whose latch this source sets.
    pub fn channel(self) -> Option<u32> {
        Self::LATCHED.iter().find(|(s, _)| *s == self).map(|&(_, c)| c)
    }

    /// Width of the value an input source carries: its channel's latch width.
    pub fn value_bits(self) -> Option<u32> {
        channel_info(self.channel()?)?.latch_bits()
    }

    /// The fields this source needs (optional ones are marked).
    fn fields(self) -> &'static [(Field, bool)] {
        use Field::*;
        match self {
            SourceName::Uplink
            | SourceName::AacsPower
            | SourceName::RfMonitors
            | SourceName::PowerStatus
            | SourceName::FdsRequest => &[(Value, true)],
            SourceName::Parity | SourceName::Halt => &[(Processor, true)],
            SourceName::HeartbeatStop | SourceName::HeartbeatStart => &[(Unit, true)],
            SourceName::DeviceFail | SourceName::DeviceRestore => &[(Device, true), (Unit, true)],
            SourceName::FlipBit => &[(Memory, true), (Addr, true), (Bit, true)],
            SourceName::FlipRegister => &[(Processor, true), (Register, true), (Bit, true)],
            SourceName::StuckAt => &[(Memory, true), (Addr, true), (Mask, true), (Value, true)],
            SourceName::DeadRange => &[(Memory, true), (Addr, true), (Len, true), (Pattern, false)],
            SourceName::Stall => &[(Processor, true), (Cycles, true)],
        }
    }
}

/// Garbage read from a dead word when the script gives no pattern.
pub const DEFAULT_DEAD_PATTERN: u32 = 0o525252;

/// One scripted event. Give the time as `time` (cycles) or `seconds`, not both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    pub source: Option<SourceName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor: Option<ProcId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Unit>,
    /// `ccs_a`, `ccs_b`, `fds_a`, `fds_b`, `aacs_a` or `aacs_b`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bit: Option<u64>,
    /// A register name of spec §4 (`A`, `P`, `MASK`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub len: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycles: Option<u64>,
}

/// What a scenario runs: set when a script is a whole scenario rather than just events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// The program (assembly source or image), relative to the script's folder. It
    /// loads where its image header says (a source: into A, or into the `processors`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "optional_program_path")]
    pub program: Option<String>,
    /// One program per processor, each loaded into its processor's memory:
    /// `{A: "a.asm", B: "b.img"}` (instead of `program`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "program_paths")]
    pub programs: Option<std::collections::BTreeMap<ProcId, String>>,
    /// Jumpers of blocks 0-2 of the running processors, e.g. `(WP, WP, RW)` in RON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jumpers: Option<[crate::Jumper; 3]>,
    /// Jumpers of one processor, instead of `jumpers` for it: `{B: (RW, RW, RW)}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor_jumpers: Option<std::collections::BTreeMap<ProcId, [crate::Jumper; 3]>>,
    /// Processors that run (default: those the programs load into).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processors: Option<crate::Target>,
    /// How long to run: cycles or a duration such as `"7d"` or `"14d1h"`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "checked_duration")]
    pub duration: Option<String>,
}

// The checks below run while the text is read, so that the reader's error carries the
// line and column of the bad value.

/// A program path that names a file: not empty, not a folder such as `.` or `lib/`.
fn check_program_path(path: &str) -> Result<(), String> {
    let last = path.rsplit(['/', '\\']).next().unwrap_or("");
    if matches!(last, "" | "." | "..") {
        return Err(format!(
            "program {:?} names no file: give the path of an image or an .asm source, relative to the scenario",
            crate::text::abbreviate(path)
        ));
    }
    Ok(())
}

fn optional_program_path<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let path = Option::<String>::deserialize(d)?;
    if let Some(p) = &path {
        check_program_path(p).map_err(serde::de::Error::custom)?;
    }
    Ok(path)
}

type ProgramsByProcessor = std::collections::BTreeMap<ProcId, String>;

fn program_paths<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ProgramsByProcessor>, D::Error> {
    let paths = Option::<ProgramsByProcessor>::deserialize(d)?;
    for p in paths.iter().flat_map(|m| m.values()) {
        check_program_path(p).map_err(serde::de::Error::custom)?;
    }
    Ok(paths)
}

fn checked_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let duration = Option::<String>::deserialize(d)?;
    if let Some(text) = &duration {
        crate::parse_cycles(text).map_err(|e| serde::de::Error::custom(format!("duration: {e}")))?;
    }
    Ok(duration)
}

/// The events, each checked as soon as it is read (`event 3: uplink needs `value``).
fn checked_events<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ScriptEvent>, D::Error> {
    struct Events;
    impl<'de> serde::de::Visitor<'de> for Events {
        type Value = Vec<ScriptEvent>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of events")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut events = Vec::new();
            while let Some(event) = seq.next_element::<ScriptEvent>()? {
                event.to_input(events.len() + 1).map_err(serde::de::Error::custom)?;
                events.push(event);
            }
            Ok(events)
        }
    }
    d.deserialize_seq(Events)
}

impl RunSpec {
    /// The duration in cycles, if given.
    pub fn cycles(&self) -> Result<Option<u64>, String> {
        self.duration.as_deref().map(crate::parse_cycles).transpose()
    }

    /// The programs to load: `(path, processor)` pairs, the processor `None` for the
    /// single `program` (it loads where its header says). Exactly one of `program`
    /// and `programs` must be given.
    pub fn program_paths(&self) -> Result<Vec<(&str, Option<ProcId>)>, String> {
        match (&self.program, &self.programs) {
            (Some(p), None) => Ok(vec![(p.as_str(), None)]),
            (None, Some(map)) if !map.is_empty() => Ok(map.iter().map(|(x, p)| (p.as_str(), Some(*x))).collect()),
            (None, _) => Err(
                "the `run:` block names no program: give `program: \"FILE\"` or `programs: {A: \"FILE\", B: \"FILE\"}`"
                    .into(),
            ),
            (Some(_), Some(_)) => Err("give either `program` or `programs` (one per processor), not both".into()),
        }
    }
}

/// A whole script.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventScript {
    /// Present when the script is a scenario: the program to run, its jumpers, the
    /// length of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunSpec>,
    #[serde(default)]
    pub models: Models,
    #[serde(default, deserialize_with = "checked_events")]
    pub events: Vec<ScriptEvent>,
}

/// A script event that does not make sense.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("event {number}: {message}")]
pub struct ScriptError {
    /// 1-based position in `events`.
    pub number: usize,
    pub message: String,
}

const SOURCES: &str = "uplink, aacs_power, rf_monitors, power_status, fds_request, parity, heartbeat_stop, \
heartbeat_start, device_fail, device_restore, flip_bit, flip_register, stuck_at, dead_range, halt, stall";

impl ScriptEvent {
    fn present(&self, field: Field) -> bool {
        match field {
            Field::Value => self.value.is_some(),
            Field::Processor => self.processor.is_some(),
            Field::Unit => self.unit.is_some(),
            Field::Device => self.device.is_some(),
            Field::Memory => self.memory.is_some(),
            Field::Addr => self.addr.is_some(),
            Field::Bit => self.bit.is_some(),
            Field::Register => self.register.is_some(),
            Field::Mask => self.mask.is_some(),
            Field::Len => self.len.is_some(),
            Field::Pattern => self.pattern.is_some(),
            Field::Cycles => self.cycles.is_some(),
        }
    }

    fn time(&self) -> Result<u64, String> {
        match (self.time, self.seconds) {
            (Some(t), None) => Ok(t),
            (None, Some(s)) if s.is_finite() && (0.0..=1e12).contains(&s) => {
                Ok((s * CYCLES_PER_SECOND as f64).round() as u64)
            }
            (None, Some(s)) => Err(format!("seconds = {s} is not a time from 0 to 1e12")),
            (Some(_), Some(_)) => Err("give either `time` (cycles) or `seconds`, not both".into()),
            (None, None) => Err("missing `time` (cycles) or `seconds`".into()),
        }
    }

    fn to_input(&self, number: usize) -> Result<TimedInput, ScriptError> {
        let fail = |message: String| ScriptError { number, message };
        let time = self.time().map_err(fail)?;
        let source = self.source.ok_or_else(|| fail(format!("missing `source` (one of {SOURCES})")))?;
        let name = serde_name(source);
        let fields = source.fields();
        for f in ALL_FIELDS {
            let wanted = fields.iter().find(|(g, _)| *g == f);
            match (wanted, self.present(f)) {
                (Some((_, true)), false) => return Err(fail(format!("{name} needs `{}`", f.name()))),
                (None, true) => return Err(fail(format!("{name} takes no `{}`", f.name()))),
                _ => {}
            }
        }
        let input = self.build(source, name).map_err(fail)?;
        Ok(TimedInput { time, input })
    }

    /// The input, once the right fields are known to be present.
    fn build(&self, source: SourceName, name: &str) -> Result<Input, String> {
        let memory = || {
            let text = self.memory.as_deref().unwrap_or("");
            MemoryId::parse(text)
                .ok_or_else(|| format!("memory {text:?} is not ccs_a, ccs_b, fds_a, fds_b, aacs_a or aacs_b"))
        };
        let addr_in = |m: MemoryId| {
            let a = self.addr.unwrap_or(0);
            if a < m.words() as u64 {
                Ok(a as u32)
            } else {
                Err(format!("addr {a} (0o{a:o}) is outside {} (0-0o{:o})", m.name(), m.words() - 1))
            }
        };
        let word_in = |m: MemoryId, field: &str, v: u64| {
            if v <= m.word_mask() as u64 {
                Ok(v as u32)
            } else {
                Err(format!("{field} {v} (0o{v:o}) does not fit a {}-bit {} word", m.word_bits(), m.name()))
            }
        };
        let unit = || match self.unit.unwrap_or(0) {
            u @ 0..=1 => Ok(u),
            u => Err(format!("unit {u} is not 0 (prime) or 1 (redundant)")),
        };
        let processor = self.processor.unwrap_or(ProcId::A);
        Ok(match source {
            SourceName::Uplink
            | SourceName::AacsPower
            | SourceName::RfMonitors
            | SourceName::PowerStatus
            | SourceName::FdsRequest => {
                let bits = source.value_bits().unwrap_or(18);
                let v = self.value.unwrap_or(0);
                if v >= 1 << bits {
                    return Err(format!("value {v} (0o{v:o}) does not fit the {bits}-bit {name} input"));
                }
                let w = Word::wrapping(v as u32);
                match source {
                    SourceName::Uplink => Input::Uplink(w),
                    SourceName::AacsPower => Input::AacsPower(w),
                    SourceName::RfMonitors => Input::RfMonitors(w),
                    SourceName::PowerStatus => Input::PowerStatus(w),
                    _ => Input::FdsRequest(w),
                }
            }
            SourceName::Parity => Input::Parity(processor),
            SourceName::HeartbeatStop | SourceName::HeartbeatStart => {
                Input::Device { unit: Unit::Aacs, index: unit()?, working: source == SourceName::HeartbeatStart }
            }
            SourceName::DeviceFail | SourceName::DeviceRestore => Input::Device {
                unit: self.device.unwrap_or(Unit::Aacs),
                index: unit()?,
                working: source == SourceName::DeviceRestore,
            },
            SourceName::FlipBit => {
                let m = memory()?;
                let bit = self.bit.unwrap_or(0);
                if bit >= m.word_bits() as u64 {
                    return Err(format!("bit {bit} is outside a {}-bit {} word", m.word_bits(), m.name()));
                }
                Input::Fault(Fault::FlipMemoryBit { memory: m, addr: addr_in(m)?, bit: bit as u8 })
            }
            SourceName::FlipRegister => {
                let text = self.register.as_deref().unwrap_or("");
                let reg = Reg::from_name(text).ok_or_else(|| format!("register {text:?} is not one of spec §4"))?;
                let bit = self.bit.unwrap_or(0);
                if bit >= reg.info().bits as u64 {
                    return Err(format!("bit {bit} is outside the {}-bit register {}", reg.info().bits, reg.name()));
                }
                Input::Fault(Fault::FlipRegisterBit { proc: processor, reg, bit: bit as u8 })
            }
            SourceName::StuckAt => {
                let m = memory()?;
                let mask = word_in(m, "mask", self.mask.unwrap_or(0))?;
                let value = word_in(m, "value", self.value.unwrap_or(0))?;
                Input::Fault(Fault::StuckAt { memory: m, addr: addr_in(m)?, mask, value })
            }
            SourceName::DeadRange => {
                let m = memory()?;
                let start = addr_in(m)?;
                let len = self.len.unwrap_or(0);
                if len == 0 || start as u64 + len > m.words() as u64 {
                    return Err(format!(
                        "len {len} from addr 0o{start:o} is not 1 to {} words inside {}",
                        m.words() - start,
                        m.name()
                    ));
                }
                let pattern =
                    word_in(m, "pattern", self.pattern.unwrap_or(DEFAULT_DEAD_PATTERN as u64) & m.word_mask() as u64)?;
                Input::Fault(Fault::DeadRange { memory: m, start, len: len as u32, pattern })
            }
            SourceName::Halt => Input::Fault(Fault::Halt { proc: processor }),
            SourceName::Stall => Input::Fault(Fault::Stall { proc: processor, cycles: self.cycles.unwrap_or(0) }),
        })
    }
}

const ALL_FIELDS: [Field; 12] = [
    Field::Value,
    Field::Processor,
    Field::Unit,
    Field::Device,
    Field::Memory,
    Field::Addr,
    Field::Bit,
    Field::Register,
    Field::Mask,
    Field::Len,
    Field::Pattern,
    Field::Cycles,
];

/// The name a source has in scripts (`flip_bit`).
fn serde_name(source: SourceName) -> &'static str {
    match source {
        SourceName::Uplink => "uplink",
        SourceName::AacsPower => "aacs_power",
        SourceName::RfMonitors => "rf_monitors",
        SourceName::PowerStatus => "power_status",
        SourceName::FdsRequest => "fds_request",
        SourceName::Parity => "parity",
        SourceName::HeartbeatStop => "heartbeat_stop",
        SourceName::HeartbeatStart => "heartbeat_start",
        SourceName::DeviceFail => "device_fail",
        SourceName::DeviceRestore => "device_restore",
        SourceName::FlipBit => "flip_bit",
        SourceName::FlipRegister => "flip_register",
        SourceName::StuckAt => "stuck_at",
        SourceName::DeadRange => "dead_range",
        SourceName::Halt => "halt",
        SourceName::Stall => "stall",
    }
}

impl EventScript {
    /// The checked inputs, in script order (scheduling sorts them by time).
    pub fn inputs(&self) -> Result<Vec<TimedInput>, ScriptError> {
        self.events.iter().enumerate().map(|(i, e)| e.to_input(i + 1)).collect()
    }
}

/// The script's input sources as Markdown, from the channel and level tables (the table
/// in `docs/events.md`; a unit test fails when it is stale).
pub fn markdown_sources() -> String {
    use std::fmt::Write as _;
    let mut s = String::from("| source | channel | level | value | effect |\n|---|---|---|---|---|\n");
    for (source, ch) in SourceName::LATCHED {
        let info = channel_info(ch).unwrap_or_else(|| unreachable!("a latched channel"));
        let level = info.level().map_or("-".into(), |l| l.to_string());
        let bits = info.latch_bits().map_or("-".into(), |b| format!("{b} bits"));
        let _ = writeln!(s, "| `{}` | 0o{ch:02o} | {level} | {bits} | {} |", serde_name(source), info.reads);
    }
    let _ = writeln!(
        s,
        "| `parity` | - | {} | `processor: A` or `B` | sets ERR[2] and requests level {} in that processor |",
        level::ERR,
        level::ERR
    );
    s.push_str("| `heartbeat_stop` / `heartbeat_start` | - | - | `unit: 0` (prime) or `1` (redundant) | that AACS stops or resumes its heartbeat |\n");
    s.push_str("| `device_fail` / `device_restore` | - | - | `device`, `unit` | a redundant unit fails or is repaired (below) |\n");
    s
}

impl crate::Machine {
    /// Schedule every event of a checked script (the models are chosen at reset).
    pub fn schedule_all(&mut self, inputs: &[TimedInput]) {
        for &ev in inputs {
            self.schedule(ev);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_events_table_is_current() {
        let doc = include_str!("../../../docs/events.md");
        assert!(
            doc.contains(&markdown_sources()),
            "docs/events.md is stale: paste `ccs isa --events` over its table of sources"
        );
        assert_eq!(SourceName::AacsPower.value_bits(), Some(6));
        assert_eq!(SourceName::Parity.value_bits(), None);
    }

    fn ev(source: SourceName) -> ScriptEvent {
        ScriptEvent { time: Some(10), source: Some(source), ..Default::default() }
    }

    #[test]
    fn checks_each_field() {
        let ok = ScriptEvent { value: Some(0o66), ..ev(SourceName::AacsPower) };
        assert_eq!(ok.to_input(1).unwrap().input, Input::AacsPower(Word::wrapping(0o66)));
        let wide = ScriptEvent { value: Some(0o100), ..ev(SourceName::AacsPower) };
        assert!(wide.to_input(2).unwrap_err().to_string().starts_with("event 2: value 64 (0o100) does not fit"));
        assert_eq!(ev(SourceName::Parity).to_input(1).unwrap_err().message, "parity needs `processor`");
        assert_eq!(ev(SourceName::HeartbeatStop).to_input(1).unwrap_err().message, "heartbeat_stop needs `unit`");
        let extra = ScriptEvent { value: Some(1), processor: Some(ProcId::A), ..ev(SourceName::Halt) };
        assert_eq!(extra.to_input(1).unwrap_err().message, "halt takes no `value`");
        let both = ScriptEvent { seconds: Some(1.0), ..ev(SourceName::Parity) };
        assert!(both.to_input(1).unwrap_err().message.contains("not both"));
        let secs = ScriptEvent { time: None, seconds: Some(2.5), processor: Some(ProcId::B), ..ev(SourceName::Parity) };
        assert_eq!(secs.to_input(1).unwrap(), TimedInput { time: 1_250_000, input: Input::Parity(ProcId::B) });
    }

    #[test]
    fn fault_sources_check_their_ranges() {
        let flip = |memory: &str, addr, bit| ScriptEvent {
            memory: Some(memory.into()),
            addr: Some(addr),
            bit: Some(bit),
            ..ev(SourceName::FlipBit)
        };
        let ok = flip("fds-b", 8191, 15).to_input(1).unwrap();
        assert_eq!(ok.input, Input::Fault(Fault::FlipMemoryBit { memory: MemoryId::Fds(1), addr: 8191, bit: 15 }));
        assert!(flip("fds_b", 8191, 16).to_input(1).unwrap_err().message.contains("bit 16 is outside a 16-bit FDS-B"));
        assert!(flip("ccs_a", 4096, 0).to_input(1).unwrap_err().message.contains("outside CCS-A"));
        assert!(flip("core", 0, 0).to_input(1).unwrap_err().message.contains("\"core\" is not ccs_a"));
        let dead =
            ScriptEvent { memory: Some("FDS_A".into()), addr: Some(8000), len: Some(256), ..ev(SourceName::DeadRange) };
        assert!(dead.to_input(3).unwrap_err().message.contains("len 256 from addr 0o17500 is not 1 to 192 words"));
        let dead = ScriptEvent { len: Some(192), ..dead };
        assert_eq!(
            dead.to_input(3).unwrap().input,
            Input::Fault(Fault::DeadRange { memory: MemoryId::Fds(0), start: 8000, len: 192, pattern: 0o125252 })
        );
        let reg = ScriptEvent {
            processor: Some(ProcId::B),
            register: Some("cc".into()),
            bit: Some(4),
            ..ev(SourceName::FlipRegister)
        };
        assert!(reg.to_input(1).unwrap_err().message.contains("bit 4 is outside the 4-bit register CC"));
        let device = ScriptEvent { device: Some(Unit::XBandTwta), unit: Some(0), ..ev(SourceName::DeviceFail) };
        assert_eq!(
            device.to_input(1).unwrap().input,
            Input::Device { unit: Unit::XBandTwta, index: 0, working: false }
        );
    }
}
