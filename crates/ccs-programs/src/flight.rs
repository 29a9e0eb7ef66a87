//! The flight load's telemetry (`programs/flight/defs.asm`, `T_` names) as data: one
//! table of record tags, from which `ccs demo` and `ccs run --log` name what each
//! telemetry word reports, and from which the telemetry table of
//! `docs/flight-software.md` is generated ([`telemetry_markdown`]; a test checks the
//! doc, another checks the table against the load's own symbols).
//!
//! A record is a first word, tag in bits 17..12 and detail in bits 11..0, followed by
//! one value word for the tags that have one. Records from the two processors are
//! read apart (a [`TelemetryReader`] per source).

use ccs_core::{Source, Symbols};
use std::fmt::Write as _;

/// One record tag of the flight load's telemetry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TelemetryTag {
    /// Bits 17..12 of the first word.
    pub tag: u32,
    /// The load's name for it (`.equ` in defs.asm, = tag * 4096).
    pub symbol: &'static str,
    /// Whether an 18-bit value word follows.
    pub value_word: bool,
    /// Whether `ccs demo` lists it among the key events.
    pub key: bool,
    /// What the record reports (the doc's column).
    pub reports: &'static str,
}

macro_rules! tag {
    ($tag:literal, $symbol:literal, $value:literal, $key:literal, $reports:literal) => {
        TelemetryTag { tag: $tag, symbol: $symbol, value_word: $value, key: $key, reports: $reports }
    };
}

/// Every record tag, ascending.
pub const TELEMETRY: &[TelemetryTag] = &[
    tag!(0o01, "T_BOOT", false, true, "the reset entry ran; detail = the load's version"),
    tag!(0o02, "T_ACK", false, false, "an uplink command accepted; detail = its opcode"),
    tag!(0o03, "T_REJ", true, true, "an uplink command rejected; detail = the reason; value = the word that ended it"),
    tag!(0o04, "T_CKS", true, false, "a checksum; detail = its first address; value = the sum"),
    tag!(0o05, "T_ERR", true, true, "level 0 (ERROR); detail = the error count; value = ERR"),
    tag!(
        0o06,
        "T_AACS",
        false,
        true,
        "AACSIN; detail = event * 64 + power code (1 no heartbeat, 2 the Omen, 3 another code; + 4 while disarmed)"
    ),
    tag!(0o07, "T_CL", false, true, "CMDLOS; detail = the run 1..4, 5 = the backup mission load started"),
    tag!(0o10, "T_RF", false, true, "RFLOSS; detail = the RF monitor word"),
    tag!(0o11, "T_PWR", false, true, "PWRCHK; detail = the power status"),
    tag!(0o12, "T_TBL", false, true, "a table stopped for a bad entry; detail = its pointer"),
    tag!(
        0o13,
        "T_CCS",
        false,
        true,
        "DUAL, the pair; detail = event * 2 + sender (0 A, 1 B): 1 took over, 2 partner lost, 3 partner heard again, 4 stood down"
    ),
    tag!(0o14, "T_VOTE", false, true, "DUAL's vote check; detail = 1 A's tables good + 2 B's good + 4 B active"),
    tag!(
        0o15,
        "T_FDSR",
        false,
        true,
        "FDSREQ, an FDS request answered; detail = code * 64 + outcome (0 done, 1 refused)"
    ),
    tag!(
        0o16,
        "T_STAT",
        true,
        true,
        "FDSREQ's status report; detail = sender; value = 1 active + 2 partner lost + 4 partner's tables bad + 8 * mode"
    ),
];

/// The row of a tag.
pub fn tag(tag: u32) -> Option<&'static TelemetryTag> {
    TELEMETRY.iter().find(|t| t.tag == tag)
}

/// Whether a program's symbols define every tag with the table's value: its telemetry
/// can be read with this table.
pub fn speaks_flight_telemetry(symbols: &Symbols) -> bool {
    TELEMETRY.iter().all(|t| symbols.get(t.symbol) == Some(i64::from(t.tag << 12)))
}

/// Uplink opcodes by number (docs/flight-software.md, command format).
const OPCODES: [&str; 14] =
    ["-", "NOOP", "START", "STOP", "DCM", "MODE", "FAULT", "TIMER", "CCMD", "POKE", "LOADC", "LOADF", "LOADA", "CKSUM"];

const REJECT_REASONS: [&str; 7] =
    ["-", "even parity", "no such opcode", "bad argument", "check word mismatch", "a word overdue", "busy"];

fn processor(id: u32) -> &'static str {
    if id & 1 == 0 { "CCS-A" } else { "CCS-B" }
}

fn other(id: u32) -> &'static str {
    processor(id ^ 1)
}

/// What a first word reports.
pub fn describe_first(word: u32) -> String {
    let (t, d) = (word >> 12 & 0o77, word & 0o7777);
    let Some(row) = tag(t) else {
        return format!("not a flight-load record (tag 0o{t:02o})");
    };
    match row.symbol {
        "T_BOOT" => format!("the CCS (re)started, load version {d}"),
        "T_ACK" => format!("command accepted: {}", OPCODES.get(d as usize).unwrap_or(&"?")),
        "T_REJ" => format!("command rejected: {}", REJECT_REASONS.get(d as usize).unwrap_or(&"?")),
        "T_CKS" => format!("checksum from 0o{d:04o}"),
        "T_ERR" => format!("error {d} (level 0)"),
        "T_AACS" => {
            let (event, code) = (d >> 6, d & 0o77);
            let what = match event & 3 {
                1 => "no heartbeat for 10 s".to_string(),
                2 => "the Omen".to_string(),
                _ => format!("power code 0o{code:02o}"),
            };
            let action = match (event & 3, event & 4) {
                (3, _) => "reported only",
                (_, 0) => "backup AACS selected",
                _ => "disarmed, no swap",
            };
            format!("AACS: {what}, {action}")
        }
        "T_CL" if d == 5 => "command loss: the backup mission load started".to_string(),
        "T_CL" => format!("command loss: run {d}"),
        "T_RF" => format!("RF monitors 0b{:04b}", d & 0o17),
        "T_PWR" => format!("power status 0b{:02b}", d & 3),
        "T_TBL" => format!("table stopped at 0o{d:04o}: bad entry or runaway"),
        "T_CCS" => {
            let me = processor(d);
            match d >> 1 {
                1 => format!("{me} took over: {} fell silent", other(d)),
                2 => format!("{me} carries on alone: its partner {} fell silent", other(d)),
                3 => format!("{me} hears its partner {} again", other(d)),
                4 => format!("{me} stands by: {} took over", other(d)),
                e => format!("{me}: pair event {e}"),
            }
        }
        "T_VOTE" => format!(
            "vote check: A's tables {}, B's {}; {} active",
            if d & 1 != 0 { "good" } else { "BAD" },
            if d & 2 != 0 { "good" } else { "BAD" },
            processor(d >> 2)
        ),
        "T_FDSR" => {
            let request = match d >> 6 {
                1 => "telemetry format",
                2 => "status",
                _ => "unknown",
            };
            format!("FDS request {} ({request}) {}", d >> 6, if d & 0o77 == 0 { "done" } else { "refused" })
        }
        "T_STAT" => format!("status of {}", processor(d)),
        _ => row.reports.to_string(),
    }
}

/// What the value word of a record with first word `first` reports.
pub fn describe_value(first: u32, value: u32) -> String {
    match tag(first >> 12 & 0o77).map(|t| t.symbol) {
        Some("T_REJ") => format!("the word that ended it: 0o{value:06o}"),
        Some("T_CKS") => format!("the sum 0o{value:06o}"),
        Some("T_ERR") => {
            let mut causes = Vec::new();
            if value & 1 != 0 {
                causes.push(format!("protection violation at 0o{:04o}", value >> 6));
            }
            if value & 2 != 0 {
                causes.push("vote mismatch".to_string());
            }
            if value & 4 != 0 {
                causes.push("parity error".to_string());
            }
            if value & 8 != 0 {
                causes.push(format!("illegal XCT chain at 0o{:04o}", value >> 6));
            }
            format!("ERR 0o{value:06o}: {}", if causes.is_empty() { "none".to_string() } else { causes.join(", ") })
        }
        Some("T_STAT") => format!(
            "{}, partner {}, partner's tables {}, mode {}",
            if value & 1 != 0 { "active" } else { "standby" },
            if value & 2 != 0 { "lost" } else { "heard" },
            if value & 4 != 0 { "bad" } else { "good" },
            ["INDIVIDUAL", "PARALLEL", "TANDEM", "?"][(value >> 3 & 3) as usize]
        ),
        _ => format!("value 0o{value:06o}"),
    }
}

/// The word one processor writes into the other's mailbox every second (DUAL).
pub fn describe_mailbox(word: u32) -> String {
    if word >> 12 == 1 {
        format!("heartbeat to the partner ({})", if word & 1 != 0 { "active" } else { "standby" })
    } else {
        format!("mailbox word 0o{word:06o}")
    }
}

/// One telemetry word, read in its stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelemetryWord {
    /// The record's first word (this word itself when it is one).
    pub first: u32,
    /// Whether this word is the record's value word.
    pub is_value: bool,
    /// What it reports.
    pub text: String,
}

impl TelemetryWord {
    pub fn tag(&self) -> Option<&'static TelemetryTag> {
        tag(self.first >> 12 & 0o77)
    }
}

/// Reads the telemetry words of each source in order, pairing a first word with its
/// value word.
#[derive(Clone, Debug, Default)]
pub struct TelemetryReader {
    /// Per source (A, B, AB): the first word whose value word comes next.
    pending: [Option<u32>; 3],
}

impl TelemetryReader {
    pub fn new() -> TelemetryReader {
        TelemetryReader::default()
    }

    pub fn word(&mut self, source: Source, word: u32) -> TelemetryWord {
        let slot = &mut self.pending[match source {
            Source::A => 0,
            Source::B => 1,
            Source::AB => 2,
        }];
        if let Some(first) = slot.take() {
            return TelemetryWord { first, is_value: true, text: describe_value(first, word) };
        }
        if tag(word >> 12 & 0o77).is_some_and(|t| t.value_word) {
            *slot = Some(word);
        }
        TelemetryWord { first: word, is_value: false, text: describe_first(word) }
    }
}

/// The tag table as Markdown (in docs/flight-software.md).
pub fn telemetry_markdown() -> String {
    let mut s = String::from("| Tag | Name | Value word | Reports |\n|---|---|---|---|\n");
    for t in TELEMETRY {
        let value = if t.value_word { "yes" } else { "-" };
        let _ = writeln!(s, "| 0o{:02o} | {} | {value} | {} |", t.tag, t.symbol, t.reports);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_loads_own() {
        let out = crate::assemble("flight/load.asm");
        let assembly = out.assembly.expect("the load assembles");
        let symbols = assembly.symbol_values();
        assert!(speaks_flight_telemetry(&symbols));
        for t in TELEMETRY {
            assert_eq!(symbols.get(t.symbol), Some(i64::from(t.tag) << 12), "{}", t.symbol);
        }
        // No T_ name of the load is missing from the table.
        let named = symbols.iter().filter(|(n, _)| n.starts_with("T_")).count();
        assert_eq!(named, TELEMETRY.len());
        assert!(TELEMETRY.windows(2).all(|w| w[0].tag < w[1].tag));
        // The pair's events as DUAL numbers them.
        for (name, event) in [("CE_TAKEOVER", 1), ("CE_LOST", 2), ("CE_BACK", 3), ("CE_YIELD", 4)] {
            assert_eq!(symbols.get(name), Some(event), "{name}");
        }
        assert!(!speaks_flight_telemetry(&Symbols::new()));
    }

    #[test]
    fn records_are_read_with_their_value_words_per_source() {
        let mut r = TelemetryReader::new();
        assert_eq!(r.word(Source::A, 0o050001).text, "error 1 (level 0)");
        // B's word between A's first and value words does not take A's value.
        assert_eq!(r.word(Source::B, 0o130003).text, "CCS-B took over: CCS-A fell silent");
        let v = r.word(Source::A, 0o000002);
        assert!(v.is_value && v.first == 0o050001);
        assert_eq!(v.text, "ERR 0o000002: vote mismatch");
        assert_eq!(r.word(Source::A, 0o140001).text, "vote check: A's tables good, B's BAD; CCS-A active");
        assert_eq!(r.word(Source::A, 0o130004).text, "CCS-A carries on alone: its partner CCS-B fell silent");
        assert_eq!(r.word(Source::A, 0o020002).text, "command accepted: START");
        assert_eq!(r.word(Source::A, 0o060100).text, "AACS: no heartbeat for 10 s, backup AACS selected");
        assert_eq!(r.word(Source::A, 0o160000).text, "status of CCS-A");
        assert_eq!(r.word(Source::A, 0o000021).text, "active, partner heard, partner's tables good, mode TANDEM");
        assert_eq!(describe_value(0o050001, 0o300001), "ERR 0o300001: protection violation at 0o3000");
        assert_eq!(describe_mailbox(0o010001), "heartbeat to the partner (active)");
    }

    #[test]
    fn docs_flight_software_telemetry_table_is_current() {
        let doc = include_str!("../../../docs/flight-software.md");
        assert!(
            doc.contains(&telemetry_markdown()),
            "docs/flight-software.md: paste ccs_programs::flight::telemetry_markdown()"
        );
    }
}
