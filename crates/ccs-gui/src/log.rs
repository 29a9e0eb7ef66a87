//! The event log: interrupts taken, commands issued, inputs and faults delivered, and
//! what the app itself did. Bounded, filterable by kind and text.

use crate::watch::Taken;
use ccs_core::{Command, Output, ProcId, SpacecraftTime};
use std::collections::{BTreeMap, VecDeque};

/// What an entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogKind {
    Interrupt,
    Command,
    Fault,
    Input,
    System,
}

impl LogKind {
    pub const ALL: [LogKind; 5] =
        [LogKind::Interrupt, LogKind::Command, LogKind::Fault, LogKind::Input, LogKind::System];

    pub fn label(self) -> &'static str {
        match self {
            LogKind::Interrupt => "Interrupts",
            LogKind::Command => "Commands",
            LogKind::Fault => "Faults",
            LogKind::Input => "Inputs",
            LogKind::System => "App",
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            LogKind::Interrupt => "IRQ",
            LogKind::Command => "CMD",
            LogKind::Fault => "FAULT",
            LogKind::Input => "INPUT",
            LogKind::System => "APP",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Cycle time.
    pub time: u64,
    pub kind: LogKind,
    pub text: String,
}

impl LogEntry {
    /// The entry as one line: spacecraft time, kind, text.
    pub fn line(&self) -> String {
        format!("{} {:>5} {}", SpacecraftTime(self.time), self.kind.tag(), self.text)
    }
}

/// Which entries to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFilter {
    pub kinds: [bool; 5],
    /// Case-insensitive text the line must contain.
    pub text: String,
}

impl Default for LogFilter {
    fn default() -> Self {
        LogFilter { kinds: [true; 5], text: String::new() }
    }
}

impl LogFilter {
    pub fn shows(&self, kind: LogKind) -> bool {
        self.kinds[LogKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)]
    }

    pub fn set(&mut self, kind: LogKind, on: bool) {
        if let Some(i) = LogKind::ALL.iter().position(|k| *k == kind) {
            self.kinds[i] = on;
        }
    }

    /// Every entry passes: the log can be shown without a list of indexes.
    pub fn shows_all(&self) -> bool {
        self.text.is_empty() && self.kinds.iter().all(|&k| k)
    }
}

/// Entries kept at most; older ones are dropped.
pub const LOG_CAPACITY: usize = 20_000;
/// Acceptances of one level logged one by one per run slice; the rest are summed up.
const PER_LEVEL: usize = 4;

/// (The default leaves the clock levels out: `log_clock` is false.)
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    entries: VecDeque<LogEntry>,
    /// Entries dropped from the front.
    pub dropped: u64,
    /// Log the clock levels (4, 5, 6) too. Off by default: at any speed they would be
    /// most of the log, and the log would no longer tell what the spacecraft did.
    pub log_clock: bool,
    /// Acceptances per processor and level since the reset, logged or not.
    pub counts: BTreeMap<(ProcId, u8), u64>,
}

impl EventLog {
    pub fn push(&mut self, time: u64, kind: LogKind, text: impl Into<String>) {
        if self.entries.len() >= LOG_CAPACITY {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(LogEntry { time, kind, text: text.into() });
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.dropped = 0;
    }

    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &LogEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Indexes of the entries a filter shows.
    pub fn filtered(&self, filter: &LogFilter) -> Vec<usize> {
        let needle = filter.text.to_lowercase();
        let matches =
            |e: &LogEntry| filter.shows(e.kind) && (needle.is_empty() || e.line().to_lowercase().contains(&needle));
        self.entries.iter().enumerate().filter(|(_, e)| matches(e)).map(|(i, _)| i).collect()
    }

    /// Clock acceptances (levels 4-6) per processor since the reset, logged or not.
    pub fn clock_counts(&self) -> [u64; 2] {
        let mut n = [0; 2];
        for (&(proc, level), &c) in &self.counts {
            if (4..=6).contains(&level) {
                n[proc.index()] += c;
            }
        }
        n
    }

    pub fn get(&self, i: usize) -> Option<&LogEntry> {
        self.entries.get(i)
    }

    /// Log the acceptances of one run slice: a few of each level one by one, then
    /// one line with how many more.
    pub fn push_interrupts(&mut self, taken: &[Taken], dropped: u64) {
        let mut seen: BTreeMap<(ProcId, u8), (usize, u64)> = BTreeMap::new();
        for t in taken {
            *self.counts.entry((t.proc, t.level)).or_default() += 1;
            if !self.log_clock && (4..=6).contains(&t.level) {
                continue;
            }
            let e = seen.entry((t.proc, t.level)).or_insert((0, 0));
            e.0 += 1;
            e.1 = t.time;
            if e.0 <= PER_LEVEL {
                self.push(
                    t.time,
                    LogKind::Interrupt,
                    format!("processor {} took level {}{}", t.proc, t.level, level_name(t.level)),
                );
            }
        }
        for ((proc, level), (n, last)) in seen {
            if n > PER_LEVEL {
                self.push(
                    last,
                    LogKind::Interrupt,
                    format!("... processor {proc} took level {level} {} more times", n - PER_LEVEL),
                );
            }
        }
        if dropped > 0 {
            let last = taken.last().map_or(0, |t| t.time);
            self.push(last, LogKind::Interrupt, format!("... and {dropped} more acceptances"));
        }
    }
}

/// What an interrupt level is for (spec §6), for the log.
pub fn level_name(level: u8) -> &'static str {
    match level {
        0 => " (error: parity, protection, tandem)",
        1 => " (power status)",
        2 => " (AACS power code)",
        3 => " (uplink command)",
        4 => " (10 ms clock)",
        5 => " (1 s clock)",
        6 => " (1 h clock)",
        7 => " (RF power monitors)",
        8 => " (FDS request)",
        _ => "",
    }
}

/// An output as `ccs run --log` describes it (without the time, which the log shows).
pub fn output_text(o: &Output) -> String {
    let what = match o.command {
        Command::Out { channel, value } => {
            format!("OUT {:>5} {} ({})", format!("0o{:o}", channel.get()), value, value.get())
        }
        Command::Dcm { number } => format!("DCM 0o{:04o}", number.get()),
    };
    format!("{:?}: {what}", o.source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrupts_are_summed_up_past_a_few_per_level() {
        let mut log = EventLog { log_clock: true, ..EventLog::default() };
        let taken: Vec<Taken> = (0..10)
            .map(|i| Taken { time: i * 5000, proc: ProcId::A, level: 4 })
            .chain([Taken { time: 7, proc: ProcId::B, level: 0 }])
            .collect();
        log.push_interrupts(&taken, 0);
        let lines: Vec<String> = log.entries().map(|e| e.text.clone()).collect();
        assert_eq!(lines.iter().filter(|l| l.starts_with("processor A took level 4")).count(), 4);
        assert!(lines.contains(&"... processor A took level 4 6 more times".to_string()), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("processor B took level 0 (error")));
        assert_eq!(log.counts[&(ProcId::A, 4)], 10);
        log.log_clock = false;
        log.clear();
        log.push_interrupts(&taken, 0);
        assert_eq!(log.len(), 1, "clock levels hidden");
        assert_eq!(log.counts[&(ProcId::A, 4)], 20, "but still counted");
        assert_eq!(log.clock_counts(), [20, 0]);
        assert!(!EventLog::default().log_clock, "the clock levels are left out unless asked for");
    }

    #[test]
    fn filters_by_kind_and_text_and_the_log_is_bounded() {
        let mut log = EventLog::default();
        log.push(1, LogKind::Fault, "flip bit 3 of CCS-A 0o0061");
        log.push(2, LogKind::Command, "A: DCM 0o0005");
        log.push(3, LogKind::System, "paused");
        let mut f = LogFilter::default();
        assert!(f.shows_all());
        assert_eq!(log.filtered(&f), [0, 1, 2]);
        f.set(LogKind::System, false);
        assert!(!f.shows_all());
        assert_eq!(log.filtered(&f), [0, 1]);
        f.text = "dcm".into();
        assert_eq!(log.filtered(&f), [1]);
        f.set(LogKind::System, true);
        assert!(!f.shows_all(), "text hides entries too");
        for i in 0..LOG_CAPACITY as u64 {
            log.push(i, LogKind::Input, "x");
        }
        assert_eq!(log.len(), LOG_CAPACITY);
        assert_eq!(log.dropped, 3);
        assert_eq!(log.entries().next().unwrap().kind, LogKind::Input);
    }
}
