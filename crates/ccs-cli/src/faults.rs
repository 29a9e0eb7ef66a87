//! Fault flags of `ccs run`: compact `WHAT@TIME` forms turned into script events, so
//! they go through the same checks as a `--faults` file.
//!
//! ```text
//! --flip ccs-a:0o200:17@1s      flip bit 17 of CCS-A word 0o200 at 1 s
//! --flip-reg A:MASK:4@2s        flip bit 4 of processor A's MASK
//! --stuck fds-b:100:0o17:0@0    bits 0o17 of FDS-B word 100 stuck at 0
//! --dead fds-a:0o4000+256       256 dead words from FDS-A 0o4000, from the start
//! --dead ccs-a:0o7000-0o7377@5s a dead range given by its first and last word
//! --halt B@10s   --stall A:5000@3s   --parity A@1s   --fail x_band_twta:0@30s
//! ```

use crate::format::parse_cycles;
use ccs_core::script::{ScriptEvent, SourceName};
use ccs_core::{ProcId, Unit};

/// Which flag a value came from.
#[derive(Clone, Copy, Debug)]
pub enum FaultFlag {
    Flip,
    FlipRegister,
    Stuck,
    Dead,
    Halt,
    Stall,
    Parity,
    Fail,
}

/// A number in decimal, `0o` octal, `0x` hex or `0b` binary.
pub fn parse_number(text: &str) -> Result<u64, String> {
    let t = text.trim().replace('_', "");
    let lower = t.to_ascii_lowercase();
    let (digits, radix) = match lower.get(..2) {
        Some("0o") => (&lower[2..], 8),
        Some("0x") => (&lower[2..], 16),
        Some("0b") => (&lower[2..], 2),
        _ => (lower.as_str(), 10),
    };
    u64::from_str_radix(digits, radix).map_err(|_| format!("{text:?} is not a number"))
}

/// An address range: `START-END` (inclusive), `START+LEN` or a single `ADDR`.
/// Returns (start, length).
pub fn parse_range(text: &str) -> Result<(u64, u64), String> {
    if let Some((s, n)) = text.split_once('+') {
        Ok((parse_number(s)?, parse_number(n)?))
    } else if let Some((s, e)) = text.split_once('-') {
        let (s, e) = (parse_number(s)?, parse_number(e)?);
        if e < s {
            return Err("the range ends before it starts".into());
        }
        Ok((s, e - s + 1))
    } else {
        Ok((parse_number(text)?, 1))
    }
}

fn processor(text: &str) -> Result<ProcId, String> {
    match text.trim().to_ascii_uppercase().as_str() {
        "A" => Ok(ProcId::A),
        "B" => Ok(ProcId::B),
        _ => Err(format!("{text:?} is not processor A or B")),
    }
}

fn device(text: &str) -> Result<Unit, String> {
    let key: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    Ok(match key.as_str() {
        "aacs" => Unit::Aacs,
        "sbandexciter" => Unit::SBandExciter,
        "sbandamplifier" | "sbandpoweramplifier" => Unit::SBandAmplifier,
        "xbandexciter" => Unit::XBandExciter,
        "xbandtwta" | "twta" => Unit::XBandTwta,
        "commandreceiver" | "receiver" => Unit::CommandReceiver,
        _ => {
            return Err(format!(
                "{text:?} is not a device (aacs, s_band_exciter, s_band_amplifier, x_band_exciter, x_band_twta, command_receiver)"
            ));
        }
    })
}

/// Parse and check one flag value (the `value_parser` of each fault flag).
pub fn parse_checked(flag: FaultFlag, text: &str) -> Result<ccs_core::TimedInput, String> {
    let script = ccs_core::script::EventScript { events: vec![parse(flag, text)?], ..Default::default() };
    let mut inputs = script.inputs().map_err(|e| format!("{text:?}: {}", e.message))?;
    Ok(inputs.remove(0))
}

/// Parse one flag value into a script event.
pub fn parse(flag: FaultFlag, text: &str) -> Result<ScriptEvent, String> {
    let (what, when) = match text.rsplit_once('@') {
        Some((w, t)) => (w, parse_cycles(t)?),
        None => (text, 0),
    };
    let parts: Vec<&str> = what.split(':').collect();
    let usage = |form: &str| format!("{text:?}: expected {form}[@TIME]");
    let mut ev = ScriptEvent { time: Some(when), ..Default::default() };
    match (flag, parts.as_slice()) {
        (FaultFlag::Flip, [m, a, b]) => {
            ev.source = Some(SourceName::FlipBit);
            ev.memory = Some(m.to_string());
            ev.addr = Some(parse_number(a)?);
            ev.bit = Some(parse_number(b)?);
        }
        (FaultFlag::Flip, _) => return Err(usage("MEMORY:ADDR:BIT")),
        (FaultFlag::FlipRegister, [p, r, b]) => {
            ev.source = Some(SourceName::FlipRegister);
            ev.processor = Some(processor(p)?);
            ev.register = Some(r.to_string());
            ev.bit = Some(parse_number(b)?);
        }
        (FaultFlag::FlipRegister, _) => return Err(usage("PROCESSOR:REGISTER:BIT")),
        (FaultFlag::Stuck, [m, a, mask, v]) => {
            ev.source = Some(SourceName::StuckAt);
            ev.memory = Some(m.to_string());
            ev.addr = Some(parse_number(a)?);
            ev.mask = Some(parse_number(mask)?);
            ev.value = Some(parse_number(v)?);
        }
        (FaultFlag::Stuck, _) => return Err(usage("MEMORY:ADDR:MASK:VALUE")),
        (FaultFlag::Dead, [m, range]) | (FaultFlag::Dead, [m, range, _]) => {
            ev.source = Some(SourceName::DeadRange);
            ev.memory = Some(m.to_string());
            let (start, len) = parse_range(range).map_err(|e| format!("{text:?}: {e}"))?;
            ev.addr = Some(start);
            ev.len = Some(len);
            if let [_, _, pattern] = parts.as_slice() {
                ev.pattern = Some(parse_number(pattern)?);
            }
        }
        (FaultFlag::Dead, _) => return Err(usage("MEMORY:START-END or MEMORY:START+LEN[:PATTERN]")),
        (FaultFlag::Halt | FaultFlag::Parity, [p]) => {
            ev.source = Some(if matches!(flag, FaultFlag::Halt) { SourceName::Halt } else { SourceName::Parity });
            ev.processor = Some(processor(p)?);
        }
        (FaultFlag::Halt | FaultFlag::Parity, _) => return Err(usage("PROCESSOR")),
        (FaultFlag::Stall, [p, c]) => {
            ev.source = Some(SourceName::Stall);
            ev.processor = Some(processor(p)?);
            ev.cycles = Some(parse_cycles(c)?);
        }
        (FaultFlag::Stall, _) => return Err(usage("PROCESSOR:CYCLES")),
        (FaultFlag::Fail, [d, u]) => {
            ev.source = Some(SourceName::DeviceFail);
            ev.device = Some(device(d)?);
            ev.unit = Some(parse_number(u)?.min(255) as u8);
        }
        (FaultFlag::Fail, _) => return Err(usage("DEVICE:UNIT")),
    }
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccs_core::{Fault, Input, MemoryId, Reg};

    fn input(flag: FaultFlag, text: &str) -> Result<ccs_core::TimedInput, String> {
        parse_checked(flag, text)
    }

    #[test]
    fn every_flag_form() {
        let flip = input(FaultFlag::Flip, "ccs-a:0o200:17@1s").unwrap();
        assert_eq!(flip.time, 500_000);
        assert_eq!(
            flip.input,
            Input::Fault(Fault::FlipMemoryBit { memory: MemoryId::Ccs(ProcId::A), addr: 0o200, bit: 17 })
        );
        let reg = input(FaultFlag::FlipRegister, "b:mask:4@2s").unwrap().input;
        assert_eq!(reg, Input::Fault(Fault::FlipRegisterBit { proc: ProcId::B, reg: Reg::MASK, bit: 4 }));
        let dead = input(FaultFlag::Dead, "fds-a:0o4000+256").unwrap();
        assert_eq!(dead.time, 0);
        assert_eq!(
            dead.input,
            Input::Fault(Fault::DeadRange { memory: MemoryId::Fds(0), start: 0o4000, len: 256, pattern: 0o125252 })
        );
        let dead = input(FaultFlag::Dead, "ccs_b:0o7000-0o7377:0@5s").unwrap().input;
        assert_eq!(
            dead,
            Input::Fault(Fault::DeadRange { memory: MemoryId::Ccs(ProcId::B), start: 0o7000, len: 0o400, pattern: 0 })
        );
        let stall = input(FaultFlag::Stall, "A:10ms@3s").unwrap();
        assert_eq!(
            (stall.time, stall.input),
            (1_500_000, Input::Fault(Fault::Stall { proc: ProcId::A, cycles: 5_000 }))
        );
        let fail = input(FaultFlag::Fail, "X_Band_TWTA:0@30s").unwrap().input;
        assert_eq!(fail, Input::Device { unit: Unit::XBandTwta, index: 0, working: false });
        assert_eq!(input(FaultFlag::Parity, "a").unwrap().input, Input::Parity(ProcId::A));
    }

    #[test]
    fn bad_flags_say_what_is_expected() {
        assert!(input(FaultFlag::Flip, "ccs-a:0o200").unwrap_err().contains("expected MEMORY:ADDR:BIT[@TIME]"));
        assert!(input(FaultFlag::Flip, "ccs-a:0o9:1").unwrap_err().contains("\"0o9\" is not a number"));
        assert!(input(FaultFlag::Flip, "ccs-a:4096:1").unwrap_err().contains("outside CCS-A"));
        assert!(input(FaultFlag::Halt, "C@1s").unwrap_err().contains("not processor A or B"));
        assert!(input(FaultFlag::Dead, "fds-a:10-5").unwrap_err().contains("ends before it starts"));
        assert!(input(FaultFlag::Fail, "warp:0").unwrap_err().contains("is not a device"));
        assert!(input(FaultFlag::Fail, "aacs:2").unwrap_err().contains("unit 2 is not 0"));
    }
}
