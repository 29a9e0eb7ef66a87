//! Registers described by data (in the manner of SIMH): one table of names, widths and
//! roles, and one generic examine/deposit used by the vector runner, the state dump,
//! the CLI and the desktop app.

use crate::bits::{Bits, WidthError};
use crate::machine::Registers;

/// The thirteen registers of spec §4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Reg {
    A,
    P,
    L,
    CC,
    PEND,
    MASK,
    IE,
    ERR,
    DUMP,
    MAR,
    MDR,
    IR,
    SC,
}

/// Description of one register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegInfo {
    pub reg: Reg,
    pub name: &'static str,
    pub bits: u32,
    /// Architectural (compared by tests) or internal (debug only).
    pub architectural: bool,
    pub description: &'static str,
}

/// All registers in the order of spec §4.
pub const REGISTERS: [RegInfo; 13] = [
    RegInfo {
        reg: Reg::A,
        name: "A",
        bits: 18,
        architectural: true,
        description: "accumulator and one-word I/O buffer",
    },
    RegInfo { reg: Reg::P, name: "P", bits: 12, architectural: true, description: "program counter" },
    RegInfo { reg: Reg::L, name: "L", bits: 12, architectural: true, description: "link register (return address)" },
    RegInfo { reg: Reg::CC, name: "CC", bits: 4, architectural: true, description: "condition code: OVF NEG ODD NZ" },
    RegInfo { reg: Reg::PEND, name: "PEND", bits: 32, architectural: true, description: "pending interrupt levels" },
    RegInfo { reg: Reg::MASK, name: "MASK", bits: 32, architectural: true, description: "masked interrupt levels" },
    RegInfo { reg: Reg::IE, name: "IE", bits: 1, architectural: true, description: "interrupt enable" },
    RegInfo { reg: Reg::ERR, name: "ERR", bits: 18, architectural: true, description: "error status" },
    RegInfo {
        reg: Reg::DUMP,
        name: "DUMP",
        bits: 9,
        architectural: false,
        description: "level last accepted and saved CC",
    },
    RegInfo { reg: Reg::MAR, name: "MAR", bits: 12, architectural: false, description: "memory address register" },
    RegInfo { reg: Reg::MDR, name: "MDR", bits: 18, architectural: false, description: "memory data register" },
    RegInfo { reg: Reg::IR, name: "IR", bits: 18, architectural: false, description: "instruction register" },
    RegInfo { reg: Reg::SC, name: "SC", bits: 5, architectural: false, description: "shift / sequence counter" },
];

impl Reg {
    pub const fn info(self) -> &'static RegInfo {
        &REGISTERS[self as usize]
    }

    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// Register by name, case-insensitive.
    pub fn from_name(name: &str) -> Option<Reg> {
        REGISTERS.iter().find(|r| r.name.eq_ignore_ascii_case(name)).map(|r| r.reg)
    }
}

fn fit<const W: u32>(v: u64) -> Result<Bits<W>, WidthError> {
    Bits::try_from(v)
}

impl Registers {
    /// Examine a register.
    pub fn get(&self, reg: Reg) -> u64 {
        (match reg {
            Reg::A => self.a.get(),
            Reg::P => self.p.get(),
            Reg::L => self.l.get(),
            Reg::CC => self.cc.get(),
            Reg::PEND => self.pend,
            Reg::MASK => self.mask,
            Reg::IE => self.ie as u32,
            Reg::ERR => self.err.get(),
            Reg::DUMP => self.dump.get(),
            Reg::MAR => self.mar.get(),
            Reg::MDR => self.mdr.get(),
            Reg::IR => self.ir.get(),
            Reg::SC => self.sc.get(),
        }) as u64
    }

    /// Deposit into a register; a value wider than the register is refused.
    pub fn set(&mut self, reg: Reg, v: u64) -> Result<(), WidthError> {
        match reg {
            Reg::A => self.a = fit(v)?,
            Reg::P => self.p = fit(v)?,
            Reg::L => self.l = fit(v)?,
            Reg::CC => self.cc = fit(v)?,
            Reg::PEND => self.pend = fit::<32>(v)?.get(),
            Reg::MASK => self.mask = fit::<32>(v)?.get(),
            Reg::IE => self.ie = fit::<1>(v)?.get() == 1,
            Reg::ERR => self.err = fit(v)?,
            Reg::DUMP => self.dump = fit(v)?,
            Reg::MAR => self.mar = fit(v)?,
            Reg::MDR => self.mdr = fit(v)?,
            Reg::IR => self.ir = fit(v)?,
            Reg::SC => self.sc = fit(v)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_enum_order_and_widths_are_enforced() {
        let mut r = Registers::default();
        for (i, info) in REGISTERS.iter().enumerate() {
            assert_eq!(info.reg as usize, i);
            assert_eq!(Reg::from_name(&info.name.to_lowercase()), Some(info.reg));
            let max = if info.bits == 32 { u32::MAX as u64 } else { (1u64 << info.bits) - 1 };
            r.set(info.reg, max).unwrap();
            assert_eq!(r.get(info.reg), max, "{}", info.name);
            assert!(r.set(info.reg, max + 1).is_err(), "{} accepted a wide value", info.name);
        }
        assert_eq!(REGISTERS.iter().filter(|r| r.architectural).count(), 8);
    }
}
