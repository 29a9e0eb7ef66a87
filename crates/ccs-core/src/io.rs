//! The I/O of spec §7.1, §9.1 and §9.2 as data, in the manner of SIMH's device tables:
//! one table of interrupt levels, one of channels and one of discrete commands. The
//! executor, the environment, the event-script docs and `docs/io.md` all read them, so a
//! number is written once.

use crate::machine::{Mode, Unit};
use std::fmt::Write as _;

/// Interrupt levels with a hardware source (spec §7.1). Levels 10-31 are software levels.
pub mod level {
    /// Protection violation, illegal XCT chain, tandem disagreement, parity error.
    pub const ERR: u32 = 0;
    /// Power status word changes.
    pub const PWR: u32 = 1;
    /// AACS power code received.
    pub const ACP: u32 = 2;
    /// Uplink command word received.
    pub const UPL: u32 = 3;
    /// 10 ms clock.
    pub const T10: u32 = 4;
    /// 1 s clock.
    pub const T1S: u32 = 5;
    /// 1 h clock.
    pub const T1H: u32 = 6;
    /// RF power monitor word changes.
    pub const RFM: u32 = 7;
    /// FDS request word received.
    pub const FDS: u32 = 8;
    /// The other processor wrote this processor's mailbox.
    pub const OTH: u32 = 9;
}

/// Channel numbers (spec §9.1).
pub mod channel {
    pub const UPLINK: u32 = 0o00;
    pub const AACS_POWER: u32 = 0o01;
    pub const RF_MONITORS: u32 = 0o02;
    pub const POWER_STATUS: u32 = 0o03;
    pub const MAILBOX: u32 = 0o04;
    pub const FDS_REQUEST: u32 = 0o05;
    pub const STATUS: u32 = 0o06;
    pub const ERR: u32 = 0o07;
    pub const AACS_COMMAND: u32 = 0o10;
    pub const FDS_COMMAND: u32 = 0o11;
    pub const TELEMETRY: u32 = 0o12;
    pub const CONSOLE: u32 = 0o17;
    pub const FDS_LOAD_ADDRESS: u32 = 0o20;
    pub const FDS_DATA: u32 = 0o21;
    pub const AACS_LOAD_ADDRESS: u32 = 0o22;
    pub const AACS_DATA: u32 = 0o23;
}

/// One interrupt level of spec §7.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelInfo {
    pub level: u32,
    pub name: &'static str,
    pub requested_when: &'static str,
    /// The channel whose latch carries the event's data.
    pub channel: Option<u32>,
    /// Who gets the request.
    pub goes_to: &'static str,
}

/// The levels with a hardware source; 10-31 are `SW10`-`SW31`, requested only by SWI.
pub const LEVELS: [LevelInfo; 10] = [
    LevelInfo {
        level: level::ERR,
        name: "ERR",
        requested_when: "protection violation, illegal XCT chain, tandem disagreement or vote time-out, injected parity error",
        channel: Some(channel::ERR),
        goes_to: "the processor concerned (both for tandem errors)",
    },
    LevelInfo {
        level: level::PWR,
        name: "PWR",
        requested_when: "power status word changes",
        channel: Some(channel::POWER_STATUS),
        goes_to: "both",
    },
    LevelInfo {
        level: level::ACP,
        name: "ACP",
        requested_when: "AACS power code received (heartbeat, about every 2 s)",
        channel: Some(channel::AACS_POWER),
        goes_to: "both",
    },
    LevelInfo {
        level: level::UPL,
        name: "UPL",
        requested_when: "uplink command word received",
        channel: Some(channel::UPLINK),
        goes_to: "both",
    },
    LevelInfo { level: level::T10, name: "T10", requested_when: "10 ms clock", channel: None, goes_to: "both" },
    LevelInfo { level: level::T1S, name: "T1S", requested_when: "1 s clock", channel: None, goes_to: "both" },
    LevelInfo { level: level::T1H, name: "T1H", requested_when: "1 h clock", channel: None, goes_to: "both" },
    LevelInfo {
        level: level::RFM,
        name: "RFM",
        requested_when: "RF power monitor word changes",
        channel: Some(channel::RF_MONITORS),
        goes_to: "both",
    },
    LevelInfo {
        level: level::FDS,
        name: "FDS",
        requested_when: "FDS request word received",
        channel: Some(channel::FDS_REQUEST),
        goes_to: "both",
    },
    LevelInfo {
        level: level::OTH,
        name: "OTH",
        requested_when: "other processor wrote this processor's mailbox (OUT 0o04)",
        channel: Some(channel::MAILBOX),
        goes_to: "the processor addressed",
    },
];

/// The name of a level: `T1S`, `SW12`, ...
pub fn level_name(level: u32) -> String {
    match LEVELS.get(level as usize) {
        Some(l) => l.name.to_string(),
        None => format!("SW{level}"),
    }
}

/// What INP from a channel does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFn {
    /// No input function: INP returns 0.
    None,
    /// A device latch shared by both processors, of this many bits, set by an
    /// environment input that requests `level`.
    Latch { bits: u32, level: u32 },
    /// This processor's mailbox latch (written by the other processor).
    Mailbox,
    /// The configuration/status word.
    Status,
    /// ERR, which the read clears.
    Err,
    /// A read of the attached memory at the load address, which then increments.
    MemoryRead,
}

/// What OUT to a channel does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFn {
    /// No output function: discarded (but logged, clarification C1).
    None,
    /// A voted-class coded command (spec §10.2).
    Voted,
    /// The other processor's mailbox, and its level 9.
    Mailbox,
    /// Logged only (telemetry to the FDS, the console).
    Logged,
    /// Sets the attached memory's load address.
    LoadAddress,
    /// A write to the attached memory at the load address, which then increments.
    MemoryWrite,
}

/// One I/O channel of spec §9.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelInfo {
    pub number: u32,
    pub name: &'static str,
    pub input: InputFn,
    pub output: OutputFn,
    /// INP's result, in the spec's words.
    pub reads: &'static str,
    /// OUT's effect, in the spec's words.
    pub writes: &'static str,
}

impl ChannelInfo {
    /// The level an input on this channel requests.
    pub const fn level(&self) -> Option<u32> {
        match self.input {
            InputFn::Latch { level, .. } => Some(level),
            InputFn::Mailbox => Some(level::OTH),
            InputFn::Err => Some(level::ERR),
            _ => None,
        }
    }

    /// Width of the channel's input latch, in bits.
    pub const fn latch_bits(&self) -> Option<u32> {
        match self.input {
            InputFn::Latch { bits, .. } => Some(bits),
            InputFn::Mailbox | InputFn::Status | InputFn::Err => Some(18),
            _ => None,
        }
    }

    pub const fn is_voted(&self) -> bool {
        matches!(self.output, OutputFn::Voted)
    }
}

/// The channels with a function; every other channel reads 0 and discards OUT.
pub const CHANNELS: [ChannelInfo; 16] = [
    ChannelInfo {
        number: channel::UPLINK,
        name: "uplink",
        input: InputFn::Latch { bits: 18, level: level::UPL },
        output: OutputFn::None,
        reads: "uplink command word (18 bits)",
        writes: "-",
    },
    ChannelInfo {
        number: channel::AACS_POWER,
        name: "AACS power",
        input: InputFn::Latch { bits: 6, level: level::ACP },
        output: OutputFn::None,
        reads: "AACS power code in bits 5..0 (0o37 heartbeat, 0o66 \"the Omen\")",
        writes: "-",
    },
    ChannelInfo {
        number: channel::RF_MONITORS,
        name: "RF monitors",
        input: InputFn::Latch { bits: 4, level: level::RFM },
        output: OutputFn::None,
        reads: "RF power monitors: bit 0 S-band exciter, 1 S-band power amplifier, 2 X-band exciter, 3 X-band TWTA (1 = power present)",
        writes: "-",
    },
    ChannelInfo {
        number: channel::POWER_STATUS,
        name: "power status",
        input: InputFn::Latch { bits: 2, level: level::PWR },
        output: OutputFn::None,
        reads: "power status: bit 0 bus undervoltage, bit 1 overload",
        writes: "-",
    },
    ChannelInfo {
        number: channel::MAILBOX,
        name: "mailbox",
        input: InputFn::Mailbox,
        output: OutputFn::Mailbox,
        reads: "mailbox: last word written by the other processor",
        writes: "write A into the other processor's mailbox; request its level 9",
    },
    ChannelInfo {
        number: channel::FDS_REQUEST,
        name: "FDS request",
        input: InputFn::Latch { bits: 18, level: level::FDS },
        output: OutputFn::None,
        reads: "FDS request word",
        writes: "-",
    },
    ChannelInfo {
        number: channel::STATUS,
        name: "status",
        input: InputFn::Status,
        output: OutputFn::None,
        reads: "configuration/status word",
        writes: "-",
    },
    ChannelInfo {
        number: channel::ERR,
        name: "ERR",
        input: InputFn::Err,
        output: OutputFn::None,
        reads: "ERR, then ERR <- 0",
        writes: "-",
    },
    ChannelInfo {
        number: channel::AACS_COMMAND,
        name: "AACS command",
        input: InputFn::None,
        output: OutputFn::Voted,
        reads: "-",
        writes: "AACS coded command (voted class)",
    },
    ChannelInfo {
        number: channel::FDS_COMMAND,
        name: "FDS command",
        input: InputFn::None,
        output: OutputFn::Voted,
        reads: "-",
        writes: "FDS coded command (voted class)",
    },
    ChannelInfo {
        number: channel::TELEMETRY,
        name: "telemetry",
        input: InputFn::None,
        output: OutputFn::Logged,
        reads: "-",
        writes: "telemetry word to the FDS",
    },
    ChannelInfo {
        number: channel::CONSOLE,
        name: "console",
        input: InputFn::None,
        output: OutputFn::Logged,
        reads: "-",
        writes: "console/test word, logged with processor and t",
    },
    ChannelInfo {
        number: channel::FDS_LOAD_ADDRESS,
        name: "FDS load address",
        input: InputFn::None,
        output: OutputFn::LoadAddress,
        reads: "-",
        writes: "FDS load address FLA <- A[13:0]",
    },
    ChannelInfo {
        number: channel::FDS_DATA,
        name: "FDS data",
        input: InputFn::MemoryRead,
        output: OutputFn::MemoryWrite,
        reads: "FDS read (spec 9.4)",
        writes: "FDS write (spec 9.4)",
    },
    ChannelInfo {
        number: channel::AACS_LOAD_ADDRESS,
        name: "AACS load address",
        input: InputFn::None,
        output: OutputFn::LoadAddress,
        reads: "-",
        writes: "AACS load address ALA <- A[12:0]",
    },
    ChannelInfo {
        number: channel::AACS_DATA,
        name: "AACS data",
        input: InputFn::MemoryRead,
        output: OutputFn::MemoryWrite,
        reads: "AACS read (spec 9.4)",
        writes: "AACS write (spec 9.4)",
    },
];

/// Channels above this have no function.
const LAST_CHANNEL: usize = channel::AACS_DATA as usize;

/// Row of [`CHANNELS`] by channel number (`u8::MAX`: no function), built at compile time
/// so a lookup is one load.
const CHANNEL_ROW: [u8; LAST_CHANNEL + 1] = {
    let mut rows = [u8::MAX; LAST_CHANNEL + 1];
    let mut i = 0;
    while i < CHANNELS.len() {
        rows[CHANNELS[i].number as usize] = i as u8;
        i += 1;
    }
    rows
};

/// The row of a channel, if it has a function.
#[inline]
pub const fn channel_info(number: u32) -> Option<&'static ChannelInfo> {
    if number as usize > LAST_CHANNEL {
        return None;
    }
    match CHANNEL_ROW[number as usize] {
        u8::MAX => None,
        row => Some(&CHANNELS[row as usize]),
    }
}

/// What a discrete command does when the output unit issues it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DcmEffect {
    /// Swap a redundant unit: toggles its status-word bit; the device models take
    /// their inputs from the newly selected unit.
    Swap(Unit),
    /// Set the operating mode; empties both pairing FIFOs.
    SetMode(Mode),
    /// Logged with no emulated effect (a command to a subsystem outside the CCS).
    Logged,
}

/// Where a discrete command's meaning comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DcmOrigin {
    /// Spec §9.2.
    Spec,
    /// The project's reconstruction of a command the bundled flight load issues to a
    /// subsystem outside the CCS (docs/spec-questions.md): named, logged, no effect.
    FlightLoad,
}

/// One discrete command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiscreteCommand {
    pub number: u32,
    pub name: &'static str,
    pub meaning: &'static str,
    pub effect: DcmEffect,
    pub origin: DcmOrigin,
}

macro_rules! dcm {
    ($number:literal, $name:literal, $meaning:literal, $effect:expr, $origin:ident) => {
        DiscreteCommand { number: $number, name: $name, meaning: $meaning, effect: $effect, origin: DcmOrigin::$origin }
    };
}

/// The discrete commands the project knows, ascending by number. Numbers not listed
/// are logged without effect.
pub const DISCRETE_COMMANDS: &[DiscreteCommand] = &[
    dcm!(0o0001, "SWAACS", "swap to the other (backup) AACS", DcmEffect::Swap(Unit::Aacs), Spec),
    dcm!(0o0002, "SWSBEX", "swap S-band exciter", DcmEffect::Swap(Unit::SBandExciter), Spec),
    dcm!(0o0003, "SWSBPA", "swap S-band power amplifier", DcmEffect::Swap(Unit::SBandAmplifier), Spec),
    dcm!(0o0004, "SWXBEX", "swap X-band exciter", DcmEffect::Swap(Unit::XBandExciter), Spec),
    dcm!(0o0005, "SWXTWT", "swap X-band TWTA", DcmEffect::Swap(Unit::XBandTwta), Spec),
    dcm!(0o0006, "SWCRX", "swap command receiver", DcmEffect::Swap(Unit::CommandReceiver), Spec),
    dcm!(0o0100, "INDIV", "set mode INDIVIDUAL", DcmEffect::SetMode(Mode::Individual), Spec),
    dcm!(0o0101, "PARALL", "set mode PARALLEL", DcmEffect::SetMode(Mode::Parallel), Spec),
    dcm!(0o0102, "TANDEM", "set mode TANDEM", DcmEffect::SetMode(Mode::Tandem), Spec),
    dcm!(0o0201, "SWCDU", "swap command detector unit", DcmEffect::Logged, FlightLoad),
    dcm!(0o0210, "SHED1", "load shedding: science heaters off", DcmEffect::Logged, FlightLoad),
    dcm!(0o0211, "SHED2", "load shedding: non-essential science instruments off", DcmEffect::Logged, FlightLoad),
    dcm!(0o0212, "SHED3", "load shedding: X-band TWTA to its low-power mode", DcmEffect::Logged, FlightLoad),
];

const _: () = {
    let mut i = 1;
    while i < DISCRETE_COMMANDS.len() {
        assert!(DISCRETE_COMMANDS[i - 1].number < DISCRETE_COMMANDS[i].number, "ascending, no duplicates");
        i += 1;
    }
};

/// The row of a discrete command, if the project knows it.
pub fn discrete_command(number: u32) -> Option<&'static DiscreteCommand> {
    DISCRETE_COMMANDS.binary_search_by_key(&number, |d| d.number).ok().map(|i| &DISCRETE_COMMANDS[i])
}

/// The discrete command with this effect (every swap and mode has one).
fn command_with(effect: DcmEffect) -> u32 {
    DISCRETE_COMMANDS
        .iter()
        .find(|d| d.effect == effect)
        .map(|d| d.number)
        .unwrap_or_else(|| unreachable!("the table has a command for {effect:?}"))
}

/// The discrete command that swaps `unit`.
pub fn swap_command(unit: Unit) -> u32 {
    command_with(DcmEffect::Swap(unit))
}

/// The discrete command that sets `mode`.
pub fn mode_command(mode: Mode) -> u32 {
    command_with(DcmEffect::SetMode(mode))
}

/// The three tables as Markdown (the source of `docs/io.md`; `ccs isa --io`).
pub fn markdown_tables() -> String {
    let mut s = String::from(
        "## Interrupt levels\n\n| Level | Name | Requested when | Data channel | Goes to |\n|---|---|---|---|---|\n",
    );
    for l in &LEVELS {
        let ch = l.channel.map_or("-".to_string(), |c| format!("0o{c:02o}"));
        let _ = writeln!(s, "| {} | {} | {} | {ch} | {} |", l.level, l.name, l.requested_when, l.goes_to);
    }
    s.push_str("| 10-31 | SW10-SW31 | only by SWI (or fault injection) | - | the processor |\n");
    s.push_str("\n## Channels\n\nEvery other channel reads 0 and discards OUT.\n\n| Ch | Name | INP returns | OUT does | Latch bits | Level | Voted |\n|---|---|---|---|---|---|---|\n");
    for c in &CHANNELS {
        let bits = c.latch_bits().map_or("-".to_string(), |b| b.to_string());
        let level = c.level().map_or("-".to_string(), |l| l.to_string());
        let voted = if c.is_voted() { "yes" } else { "-" };
        let _ = writeln!(
            s,
            "| 0o{:02o} | {} | {} | {} | {bits} | {level} | {voted} |",
            c.number, c.name, c.reads, c.writes
        );
    }
    s.push_str("\n## Discrete commands\n\nNumbers not listed are logged without emulated effect.\n\n| n | Name | Meaning | Effect | From |\n|---|---|---|---|---|\n");
    for d in DISCRETE_COMMANDS {
        let effect = match d.effect {
            DcmEffect::Swap(u) => format!("swaps the {}", u.name()),
            DcmEffect::SetMode(m) => format!("mode {}", m.name()),
            DcmEffect::Logged => "logged only".to_string(),
        };
        let origin = match d.origin {
            DcmOrigin::Spec => "spec 9.2",
            DcmOrigin::FlightLoad => "flight load (reconstruction)",
        };
        let _ = writeln!(s, "| 0o{:04o} | {} | {} | {effect} | {origin} |", d.number, d.name, d.meaning);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hardware_level_with_a_channel_is_that_channels_level() {
        for l in &LEVELS {
            if let Some(c) = l.channel {
                assert_eq!(channel_info(c).and_then(|c| c.level()), Some(l.level), "level {}", l.name);
            }
        }
        assert_eq!(level_name(5), "T1S");
        assert_eq!(level_name(17), "SW17");
    }

    #[test]
    fn the_tables_hold_the_spec_numbers() {
        assert_eq!(channel_info(channel::AACS_POWER).and_then(|c| c.latch_bits()), Some(6));
        assert!(channel_info(0o10).is_some_and(|c| c.is_voted()) && channel_info(0o11).is_some_and(|c| c.is_voted()));
        assert_eq!(CHANNELS.iter().filter(|c| c.is_voted()).count(), 2);
        assert!(channel_info(0o13).is_none());
        assert_eq!(swap_command(Unit::CommandReceiver), 0o6);
        assert_eq!(mode_command(Mode::Tandem), 0o102);
        assert_eq!(discrete_command(0o101).map(|d| d.effect), Some(DcmEffect::SetMode(Mode::Parallel)));
        assert_eq!(discrete_command(0o7777), None);
        for u in Unit::ALL {
            assert_eq!(discrete_command(swap_command(u)).map(|d| d.effect), Some(DcmEffect::Swap(u)));
        }
    }

    #[test]
    fn docs_io_tables_are_current() {
        let doc = include_str!("../../../docs/io.md");
        assert!(doc.contains(&markdown_tables()), "docs/io.md is stale: regenerate it with `ccs isa --io`");
    }
}
