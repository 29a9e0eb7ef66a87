//! Environment inputs (spec §9.3): a time-ordered list of input events plus the
//! default device models (AACS heartbeat, uplink rate).
//!
//! The environment only *produces* events; the machine delivers them (latch, PEND,
//! ERR) when simulated time reaches them. Everything here is deterministic data, so it
//! is saved and restored with the machine.

use crate::bits::Word;
use crate::fault::Fault;
use crate::io::{channel, level};
use crate::machine::{ProcId, Selections, Unit};
use serde::{Deserialize, Serialize};

/// AACS heartbeat period: power code 0o37 every 1,000,000 cycles (2 s).
pub const HEARTBEAT_PERIOD: u64 = 1_000_000;
/// The AACS heartbeat power code.
pub const HEARTBEAT_CODE: u32 = 0o37;
/// "The Omen" power code.
pub const OMEN_CODE: u32 = 0o66;
/// Uplink spacing: 18 bits at 16 bit/s = 1.125 s = 562,500 cycles.
pub const UPLINK_SPACING: u64 = 562_500;

/// One input to the CCS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// Uplink command word: latch 0o00, level 3.
    Uplink(Word),
    /// AACS power code: latch 0o01, level 2.
    AacsPower(Word),
    /// RF power monitors: latch 0o02, level 7.
    RfMonitors(Word),
    /// Power status: latch 0o03, level 1.
    PowerStatus(Word),
    /// FDS request word: latch 0o05, level 8.
    FdsRequest(Word),
    /// Injected parity error in one processor: ERR[2] and level 0.
    Parity(ProcId),
    /// A redundant unit (`index` 0 prime, 1 redundant) fails or is repaired: a failed
    /// AACS sends no heartbeat, a failed command receiver delivers no uplink, a failed
    /// RF unit shows no power on its monitor (with the RF model on).
    Device { unit: Unit, index: u8, working: bool },
    /// An injected fault (see [`Fault`]).
    Fault(Fault),
}

/// The input in words, as the tools log it: `AACS power code 0o37 (level 2)`.
impl std::fmt::Display for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Input::Uplink(w) => write!(f, "uplink word {w} (level {})", level::UPL),
            Input::AacsPower(w) => write!(f, "AACS power code 0o{:o} (level {})", w.get(), level::ACP),
            Input::RfMonitors(w) => write!(f, "RF power monitors 0b{:04b} (level {})", w.get(), level::RFM),
            Input::PowerStatus(w) => write!(f, "power status 0b{:02b} (level {})", w.get(), level::PWR),
            Input::FdsRequest(w) => write!(f, "FDS request word {w} (level {})", level::FDS),
            Input::Parity(p) => write!(f, "parity error in processor {p} (ERR[2], level {})", level::ERR),
            Input::Device { unit, index, working } => {
                let which = if index == 0 { "prime" } else { "redundant" };
                let what = if working { "is repaired" } else { "fails" };
                write!(f, "{} unit {index} ({which}) {what}", unit.name())
            }
            Input::Fault(fault) => write!(f, "{fault}"),
        }
    }
}

impl Input {
    /// The device channel whose latch this input sets, with the value.
    pub const fn latch(&self) -> Option<(u32, Word)> {
        Some(match *self {
            Input::Uplink(w) => (channel::UPLINK, w),
            Input::AacsPower(w) => (channel::AACS_POWER, w),
            Input::RfMonitors(w) => (channel::RF_MONITORS, w),
            Input::PowerStatus(w) => (channel::POWER_STATUS, w),
            Input::FdsRequest(w) => (channel::FDS_REQUEST, w),
            _ => return None,
        })
    }

    /// Interrupt level requested, if any: its channel's level (the channel table), or
    /// level 0 for a parity error.
    pub const fn level(&self) -> Option<u32> {
        match (self, self.latch()) {
            (Input::Parity(_), _) => Some(level::ERR),
            (_, Some((c, _))) => match crate::io::channel_info(c) {
                Some(info) => info.level(),
                None => None,
            },
            _ => None,
        }
    }

    /// Whether this input, by itself, requests one of `levels` in processor `x`
    /// (levels 1-8 go to both; a parity event only to the processor it names).
    fn requests(&self, x: ProcId, levels: u32) -> bool {
        match (self, self.level()) {
            (Input::Parity(p), _) if *p != x => false,
            (_, Some(l)) => levels & (1 << l) != 0,
            (_, None) => false,
        }
    }
}

/// An input at a time in cycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimedInput {
    pub time: u64,
    pub input: Input,
}

/// Which default device models run (spec §9.3). Both off: only the clock runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Models {
    /// The active AACS sends power code 0o37 every 1,000,000 cycles, first at 1,000,000.
    pub aacs_heartbeat: bool,
    /// Uplink words are spaced at least 562,500 cycles apart (16 bit/s).
    pub uplink: bool,
    /// The RF power monitor word (channel 0o02) follows the health of the selected
    /// S-band and X-band units, and requests level 7 whenever it changes.
    pub rf_monitors: bool,
}

/// Failed redundant units: `[unit][index]`, index 0 prime, 1 redundant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    failed: [[bool; 2]; 6],
}

impl Health {
    pub fn working(&self, unit: Unit, index: usize) -> bool {
        !self.failed[unit as usize][index & 1]
    }

    /// Whether the unit selected in `sel` works.
    pub fn selected_working(&self, unit: Unit, sel: Selections) -> bool {
        self.working(unit, sel.selected(unit))
    }

    pub fn set(&mut self, unit: Unit, index: usize, working: bool) {
        self.failed[unit as usize][index & 1] = !working;
    }

    /// The RF monitor word: bit i set when the selected unit of RF device i works
    /// (S-band exciter, S-band amplifier, X-band exciter, X-band TWTA).
    pub fn rf_word(&self, sel: Selections) -> u32 {
        RF_UNITS.iter().enumerate().map(|(bit, &u)| (self.selected_working(u, sel) as u32) << bit).sum()
    }
}

/// The four RF units, in monitor-word bit order.
pub const RF_UNITS: [Unit; 4] = [Unit::SBandExciter, Unit::SBandAmplifier, Unit::XBandExciter, Unit::XBandTwta];

/// The event source: scripted inputs in time order and the default models.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// Pending scripted inputs, ascending by time; equal times keep insertion order.
    events: Vec<TimedInput>,
    /// Index of the first event not yet delivered.
    next: usize,
    models: Models,
    /// Health of the redundant units as of the delivered events.
    health: Health,
    /// Time of the latest uplink word scheduled (for the rate limit).
    last_uplink: Option<u64>,
    /// Time of the first pending fault or device change: the scheduler asks for it
    /// before every step, so it is kept rather than searched for.
    next_fault: Option<u64>,
}

/// Inputs the scheduler delivers before anyone acts past them.
fn is_fault(input: &Input) -> bool {
    matches!(input, Input::Fault(_) | Input::Device { .. })
}

impl Environment {
    pub fn new(models: Models) -> Self {
        Environment { models, ..Default::default() }
    }

    pub fn models(&self) -> Models {
        self.models
    }

    /// Inputs not yet delivered.
    pub fn pending(&self) -> &[TimedInput] {
        &self.events[self.next..]
    }

    /// Inputs already delivered that are still kept (all of them: scripts are small).
    pub fn delivered(&self) -> &[TimedInput] {
        &self.events[..self.next]
    }

    /// Health of the redundant units as of the events delivered so far.
    pub fn health(&self) -> Health {
        self.health
    }

    /// Schedule an input. With the uplink model on, an uplink word is delayed until
    /// 562,500 cycles after the previous one. `now` is the earliest time still
    /// undelivered: an input for an earlier time is delivered at `now`.
    /// Returns the time at which the input will be delivered.
    pub fn schedule(&mut self, now: u64, mut ev: TimedInput) -> u64 {
        ev.time = ev.time.max(now);
        if matches!(ev.input, Input::Uplink(_)) {
            if self.models.uplink
                && let Some(last) = self.last_uplink
            {
                ev.time = ev.time.max(last + UPLINK_SPACING);
            }
            self.last_uplink = Some(self.last_uplink.map_or(ev.time, |l| l.max(ev.time)));
        }
        let tail = &self.events[self.next..];
        let pos = self.next + tail.partition_point(|e| e.time <= ev.time);
        self.events.insert(pos, ev);
        if is_fault(&ev.input) {
            self.next_fault = Some(self.next_fault.map_or(ev.time, |t| t.min(ev.time)));
        }
        ev.time
    }

    /// Time of the next heartbeat at or after `from` (if the heartbeat model runs and
    /// the active AACS works).
    fn heartbeat_at_or_after(&self, from: u64, health: Health, sel: Selections) -> Option<u64> {
        (self.models.aacs_heartbeat && health.selected_working(Unit::Aacs, sel))
            .then(|| from.max(1).div_ceil(HEARTBEAT_PERIOD) * HEARTBEAT_PERIOD)
    }

    /// Earliest time >= `from` at which anything is delivered, or `u64::MAX`.
    pub fn next_time(&self, from: u64, sel: Selections) -> u64 {
        let scripted = self.events.get(self.next).map_or(u64::MAX, |e| e.time);
        let beat = self.heartbeat_at_or_after(from, self.health, sel).unwrap_or(u64::MAX);
        scripted.min(beat)
    }

    /// Time of the next undelivered injected fault or device change, or `u64::MAX`:
    /// the scheduler delivers up to it before letting a waiting processor sleep past it.
    pub fn next_fault_time(&self) -> u64 {
        self.next_fault.unwrap_or(u64::MAX)
    }

    /// Deliver, in time order, every input with `from <= time <= upto` to `sink`,
    /// with the unit health after it. Heartbeats come before a scripted input at the
    /// same time; a run of heartbeats with no scripted input between them is delivered
    /// once, at the time of the first (they all carry the same code).
    pub fn deliver(&mut self, from: u64, upto: u64, sel: Selections, mut sink: impl FnMut(TimedInput, &Health)) {
        let mut from = from;
        loop {
            let scripted = self.events.get(self.next).filter(|e| e.time <= upto).copied();
            let beat_limit = scripted.map_or(upto, |e| e.time);
            if let Some(beat) = self.heartbeat_at_or_after(from, self.health, sel)
                && beat <= beat_limit
            {
                sink(TimedInput { time: beat, input: Input::AacsPower(Word::wrapping(HEARTBEAT_CODE)) }, &self.health);
            }
            let Some(ev) = scripted else { break };
            self.next += 1;
            if is_fault(&ev.input) {
                self.next_fault = self.pending().iter().find(|e| is_fault(&e.input)).map(|e| e.time);
            }
            match ev.input {
                Input::Device { unit, index, working } => self.health.set(unit, index as usize, working),
                // With the RF model, a monitor word reports on the selected units.
                Input::RfMonitors(w) if self.models.rf_monitors => {
                    for (bit, &unit) in RF_UNITS.iter().enumerate() {
                        self.health.set(unit, sel.selected(unit), w.bit(bit as u32));
                    }
                }
                _ => {}
            }
            sink(ev, &self.health);
            from = ev.time + 1;
        }
    }

    /// Earliest time >= `from` (and < `bound`) of an input that requests one of
    /// `levels` in processor `x`, given the unit selections `sel` and whether the RF
    /// model runs; `u64::MAX` if none comes before `bound`.
    pub fn first_request(&self, from: u64, bound: u64, sel: Selections, x: ProcId, levels: u32) -> u64 {
        let wants_beat = levels & (1 << 2) != 0;
        let wants_rf = levels & (1 << 7) != 0 && self.models.rf_monitors;
        let mut health = self.health;
        let mut from = from;
        for ev in &self.events[self.next..] {
            if ev.time >= bound {
                break;
            }
            if wants_beat
                && let Some(beat) = self.heartbeat_at_or_after(from, health, sel)
                && beat <= ev.time
            {
                return beat;
            }
            let wakes = match ev.input {
                Input::RfMonitors(w) if self.models.rf_monitors => {
                    for (bit, &unit) in RF_UNITS.iter().enumerate() {
                        health.set(unit, sel.selected(unit), w.bit(bit as u32));
                    }
                    ev.input.requests(x, levels)
                }
                // A word through a failed receiver is lost.
                Input::Uplink(_) => health.selected_working(Unit::CommandReceiver, sel) && ev.input.requests(x, levels),
                Input::Device { unit, index, working } => {
                    let before = health.rf_word(sel);
                    health.set(unit, index as usize, working);
                    wants_rf && health.rf_word(sel) != before
                }
                _ => ev.input.requests(x, levels),
            };
            if wakes {
                return ev.time;
            }
            from = ev.time + 1;
        }
        let beat = if wants_beat { self.heartbeat_at_or_after(from, health, sel) } else { None };
        beat.filter(|&b| b < bound).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Unit;

    proptest::proptest! {
        /// The kept time of the next fault is what a search of the pending inputs gives,
        /// however scheduling and delivery interleave.
        #[test]
        fn the_next_fault_time_is_the_first_pending_fault(
            ops in proptest::collection::vec((0u64..50, 0u8..3, proptest::bool::ANY), 1..60),
        ) {
            let mut env = Environment::new(Models::default());
            let mut now = 0;
            for (time, kind, deliver) in ops {
                if deliver {
                    env.deliver(now, now + time, Selections::default(), |_, _| {});
                    now += time + 1;
                } else {
                    let input = match kind {
                        0 => Input::Uplink(Word::wrapping(1)),
                        1 => Input::Fault(Fault::Halt { proc: crate::ProcId::A }),
                        _ => Input::Device { unit: Unit::Aacs, index: 0, working: false },
                    };
                    env.schedule(now, TimedInput { time: now + time, input });
                }
                let searched = env.pending().iter().find(|e| is_fault(&e.input)).map_or(u64::MAX, |e| e.time);
                proptest::prop_assert_eq!(env.next_fault_time(), searched);
            }
        }
    }

    #[test]
    fn inputs_faults_and_discrete_commands_read_as_words() {
        use crate::{Addr, Command, MemoryId};
        let dead = Fault::DeadRange { memory: MemoryId::Fds(1), start: 0o100, len: 256, pattern: 0o52 };
        assert_eq!(Input::Fault(dead).to_string(), "FDS-B 0o00100-0o00477 dead (256 words read 0o52, writes lost)");
        assert_eq!(
            Input::Device { unit: Unit::Aacs, index: 0, working: false }.to_string(),
            "AACS unit 0 (prime) fails"
        );
        assert_eq!(Input::PowerStatus(Word::wrapping(1)).to_string(), "power status 0b01 (level 1)");
        let dcm = |n| Command::Dcm { number: Addr::wrapping(n) };
        assert_eq!(dcm(0o5).meaning(), Some("swap X-band TWTA"));
        assert_eq!(dcm(0o102).meaning(), Some("set mode TANDEM"));
        assert_eq!(dcm(0o7).meaning(), None, "not in the spec's table");
        assert_eq!(Command::Out { channel: Addr::wrapping(0o10), value: Word::ZERO }.meaning(), None);
    }

    fn uplink(time: u64, v: u32) -> TimedInput {
        TimedInput { time, input: Input::Uplink(Word::wrapping(v)) }
    }

    fn collect(env: &mut Environment, from: u64, upto: u64) -> Vec<TimedInput> {
        let mut v = vec![];
        env.deliver(from, upto, Selections::default(), |e, _| v.push(e));
        v
    }

    #[test]
    fn uplink_model_spaces_words() {
        let mut env = Environment::new(Models { uplink: true, ..Models::default() });
        assert_eq!(env.schedule(0, uplink(100, 1)), 100);
        assert_eq!(env.schedule(0, uplink(200, 2)), 100 + UPLINK_SPACING);
        assert_eq!(env.schedule(0, uplink(2_000_000, 3)), 2_000_000);
        let mut off = Environment::new(Models::default());
        off.schedule(0, uplink(100, 1));
        assert_eq!(off.schedule(0, uplink(200, 2)), 200);
    }

    #[test]
    fn heartbeats_merge_with_scripted_inputs_in_time_order() {
        let mut env = Environment::new(Models { aacs_heartbeat: true, ..Models::default() });
        let omen = TimedInput { time: 2_000_000, input: Input::AacsPower(Word::wrapping(OMEN_CODE)) };
        env.schedule(0, omen);
        let got = collect(&mut env, 0, 3_500_000);
        let times: Vec<u64> = got.iter().map(|e| e.time).collect();
        // Heartbeat at 1e6 and 2e6 (before the Omen at the same time), then 3e6.
        assert_eq!(times, [1_000_000, 2_000_000, 3_000_000]);
        assert_eq!(got[1], omen);
        assert_eq!(env.next_time(3_500_001, Selections::default()), 4_000_000);
    }

    #[test]
    fn a_failed_aacs_sends_no_heartbeat_and_its_backup_does() {
        let mut env = Environment::new(Models { aacs_heartbeat: true, ..Models::default() });
        env.schedule(
            0,
            TimedInput { time: 1_500_000, input: Input::Device { unit: Unit::Aacs, index: 0, working: false } },
        );
        let prime = Selections::default();
        let mut backup = prime;
        backup.swap(Unit::Aacs);
        assert_eq!(env.first_request(0, u64::MAX, prime, ProcId::A, 1 << 2), 1_000_000);
        assert_eq!(env.first_request(1_000_001, u64::MAX, prime, ProcId::A, 1 << 2), u64::MAX);
        assert_eq!(env.first_request(1_000_001, u64::MAX, backup, ProcId::A, 1 << 2), 2_000_000);
        let got = collect(&mut env, 0, 5_000_000);
        assert_eq!(got.len(), 2, "one heartbeat, then the failure: {got:?}");
        assert!(!env.health().working(Unit::Aacs, 0));
    }

    #[test]
    fn uplink_through_a_failed_receiver_wakes_nobody() {
        let mut env = Environment::new(Models::default());
        let fail = Input::Device { unit: Unit::CommandReceiver, index: 0, working: false };
        env.schedule(0, TimedInput { time: 10, input: fail });
        env.schedule(0, uplink(20, 1));
        let sel = Selections::default();
        assert_eq!(env.first_request(0, u64::MAX, sel, ProcId::A, 1 << 3), u64::MAX);
        let mut other = sel;
        other.swap(Unit::CommandReceiver);
        assert_eq!(env.first_request(0, u64::MAX, other, ProcId::A, 1 << 3), 20);
    }

    #[test]
    fn rf_monitor_word_follows_the_selected_units() {
        let mut h = Health::default();
        let sel = Selections::default();
        assert_eq!(h.rf_word(sel), 0b1111);
        h.set(Unit::XBandTwta, 0, false);
        assert_eq!(h.rf_word(sel), 0b0111);
        let mut swapped = sel;
        swapped.swap(Unit::XBandTwta);
        assert_eq!(h.rf_word(swapped), 0b1111);
    }

    #[test]
    fn parity_requests_only_its_processor() {
        let mut env = Environment::new(Models::default());
        env.schedule(0, TimedInput { time: 50, input: Input::Parity(ProcId::B) });
        let sel = Selections::default();
        assert_eq!(env.first_request(0, u64::MAX, sel, ProcId::A, 1), u64::MAX);
        assert_eq!(env.first_request(0, u64::MAX, sel, ProcId::B, 1), 50);
        assert_eq!(env.first_request(0, 50, sel, ProcId::B, 1), u64::MAX, "bound is exclusive");
    }
}
