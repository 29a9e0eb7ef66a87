//! Environment scripts (spec §9.3): which default models run and a list of
//! (time, source, value) events. This module holds the data model and its checks;
//! reading RON or JSON text is the caller's business (see `ccs-files`).

use crate::bits::Word;
use crate::env::{Input, Models, TimedInput};
use crate::machine::{CYCLES_PER_SECOND, ProcId};
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
}

impl SourceName {
    /// Width of the value this source carries (`None`: it takes no value).
    pub const fn value_bits(self) -> Option<u32> {
        match self {
            SourceName::Uplink | SourceName::FdsRequest => Some(18),
            SourceName::AacsPower => Some(6),
            SourceName::RfMonitors => Some(4),
            SourceName::PowerStatus => Some(2),
            _ => None,
        }
    }
}

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
}

/// A whole script.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventScript {
    #[serde(default)]
    pub models: Models,
    #[serde(default)]
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

impl ScriptEvent {
    fn to_input(&self, number: usize) -> Result<TimedInput, ScriptError> {
        let fail = |message: String| ScriptError { number, message };
        let time = match (self.time, self.seconds) {
            (Some(t), None) => t,
            (None, Some(s)) if s.is_finite() && (0.0..=1e12).contains(&s) => {
                (s * CYCLES_PER_SECOND as f64).round() as u64
            }
            (None, Some(s)) => {
                return Err(fail(format!("seconds = {s} is not a time from 0 to 1e12")));
            }
            (Some(_), Some(_)) => {
                return Err(fail("give either `time` (cycles) or `seconds`, not both".into()));
            }
            (None, None) => return Err(fail("missing `time` (cycles) or `seconds`".into())),
        };
        let source = self.source.ok_or_else(|| {
            fail("missing `source` (uplink, aacs_power, rf_monitors, power_status, fds_request, parity, heartbeat_stop, heartbeat_start)".into())
        })?;
        let value = match (source.value_bits(), self.value) {
            (Some(bits), Some(v)) if v < 1 << bits => Some(Word::wrapping(v as u32)),
            (Some(bits), Some(v)) => {
                return Err(fail(format!("value {v} (0o{v:o}) does not fit the {bits}-bit {source:?} input")));
            }
            (Some(_), None) => return Err(fail(format!("{source:?} needs a `value`"))),
            (None, Some(_)) => return Err(fail(format!("{source:?} takes no `value`"))),
            (None, None) => None,
        };
        let need_unit = matches!(source, SourceName::HeartbeatStop | SourceName::HeartbeatStart);
        let unit = match (need_unit, self.unit) {
            (true, Some(u @ 0..=1)) => u,
            (true, Some(u)) => {
                return Err(fail(format!("unit {u} is not 0 (prime) or 1 (redundant)")));
            }
            (true, None) => {
                return Err(fail(format!("{source:?} needs a `unit` (0 prime, 1 redundant)")));
            }
            (false, Some(_)) => return Err(fail(format!("{source:?} takes no `unit`"))),
            (false, None) => 0,
        };
        match (source, self.processor) {
            (SourceName::Parity, None) => {
                return Err(fail("parity needs a `processor` (A or B)".into()));
            }
            (SourceName::Parity, Some(_)) => {}
            (_, Some(_)) => return Err(fail(format!("{source:?} takes no `processor`"))),
            _ => {}
        }
        let v = value.unwrap_or(Word::ZERO);
        let input = match source {
            SourceName::Uplink => Input::Uplink(v),
            SourceName::AacsPower => Input::AacsPower(v),
            SourceName::RfMonitors => Input::RfMonitors(v),
            SourceName::PowerStatus => Input::PowerStatus(v),
            SourceName::FdsRequest => Input::FdsRequest(v),
            SourceName::Parity => Input::Parity(self.processor.unwrap_or(ProcId::A)),
            SourceName::HeartbeatStop => Input::Heartbeat { unit, running: false },
            SourceName::HeartbeatStart => Input::Heartbeat { unit, running: true },
        };
        Ok(TimedInput { time, input })
    }
}

impl EventScript {
    /// The checked inputs, in script order (scheduling sorts them by time).
    pub fn inputs(&self) -> Result<Vec<TimedInput>, ScriptError> {
        self.events.iter().enumerate().map(|(i, e)| e.to_input(i + 1)).collect()
    }
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

    fn ev(source: SourceName) -> ScriptEvent {
        ScriptEvent { time: Some(10), source: Some(source), ..Default::default() }
    }

    #[test]
    fn checks_each_field() {
        let ok = ScriptEvent { value: Some(0o66), ..ev(SourceName::AacsPower) };
        assert_eq!(ok.to_input(1).unwrap().input, Input::AacsPower(Word::wrapping(0o66)));
        let wide = ScriptEvent { value: Some(0o100), ..ev(SourceName::AacsPower) };
        assert!(wide.to_input(2).unwrap_err().to_string().starts_with("event 2: value 64 (0o100) does not fit"));
        assert!(ev(SourceName::Parity).to_input(1).unwrap_err().message.contains("processor"));
        assert!(ev(SourceName::HeartbeatStop).to_input(1).unwrap_err().message.contains("unit"));
        let both = ScriptEvent { seconds: Some(1.0), ..ev(SourceName::Parity) };
        assert!(both.to_input(1).unwrap_err().message.contains("not both"));
        let secs = ScriptEvent { time: None, seconds: Some(2.5), processor: Some(ProcId::B), ..ev(SourceName::Parity) };
        assert_eq!(secs.to_input(1).unwrap(), TimedInput { time: 1_250_000, input: Input::Parity(ProcId::B) });
    }
}
