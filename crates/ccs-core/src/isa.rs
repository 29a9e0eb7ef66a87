//! The instruction set: one table (spec §6 and §8) from which decode, execution
//! dispatch, cycle counts, the assembler's operand rules, the disassembler and the
//! generated documentation are all derived.

use crate::bits::{Addr, Word};
use std::fmt::Write as _;

/// Timing class of spec §6. The class fixes the cost of every instruction except
/// the variable parts of shifts, WAI and XCT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimingClass {
    /// Register: fetch 18 + control 4.
    R,
    /// Memory or channel: fetch 18 + operand 18 + control 8.
    M,
    /// Read-modify-write: fetch 18 + read 18 + write 18 + control 8.
    Rmw,
    /// Dual: M + cross-strap 18.
    D,
    /// Dual read-modify-write: RMW + cross-strap 18.
    Drmw,
    /// Shift: 22 + n.
    S,
    /// Wait: 22 + idle.
    W,
    /// Execute: 26 + the target's cost.
    X,
}

impl TimingClass {
    /// Fixed part of the cost in cycles.
    pub const fn base_cycles(self) -> u32 {
        match self {
            TimingClass::R | TimingClass::S | TimingClass::W => 22,
            TimingClass::M => 44,
            TimingClass::Rmw | TimingClass::D => 62,
            TimingClass::Drmw => 80,
            TimingClass::X => 26,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            TimingClass::R => "R",
            TimingClass::M => "M",
            TimingClass::Rmw => "RMW",
            TimingClass::D => "D",
            TimingClass::Drmw => "DRMW",
            TimingClass::S => "S",
            TimingClass::W => "W",
            TimingClass::X => "X",
        }
    }

    /// Cost formula as written in the spec's table.
    pub const fn formula(self) -> &'static str {
        match self {
            TimingClass::R => "22",
            TimingClass::M => "44",
            TimingClass::Rmw => "62",
            TimingClass::D => "62",
            TimingClass::Drmw => "80",
            TimingClass::S => "22 + n",
            TimingClass::W => "22 + idle",
            TimingClass::X => "26 + target",
        }
    }
}

/// Costs outside the opcode rows (spec §6, §7.4, §7.5, §8.4), in cycles.
pub mod timing {
    use super::TimingClass;

    /// An instruction fetch (and the read of a trap cell at acceptance).
    pub const FETCH: u32 = 18;
    /// Interrupt acceptance: the trap-cell fetch, before the trap-cell instruction's own cost.
    pub const ACCEPTANCE: u32 = FETCH;
    /// XCT's own part (fetch + control), before its target's cost.
    pub const XCT: u32 = TimingClass::X.base_cycles();
    /// An illegal XCT chain costs what a memory-class instruction does.
    pub const ILLEGAL_CHAIN: u32 = TimingClass::M.base_cycles();
    /// The least a WAI lasts before it can complete: its R-class cost.
    pub const WAI_MIN: u32 = TimingClass::W.base_cycles();
    /// The fixed part of a shift; each position adds one.
    pub const SHIFT_BASE: u32 = TimingClass::S.base_cycles();

    /// The rows of the spec's timing table that are not an opcode class, for the docs.
    pub const OTHER_COSTS: [(&str, &str); 3] = [
        ("interrupt acceptance", "18 + the trap-cell instruction"),
        ("illegal XCT chain", "44"),
        ("WAI", "22 at least, until an unmasked level is pending"),
    ];

    const _: () = assert!(ACCEPTANCE == 18 && XCT == 26 && ILLEGAL_CHAIN == 44 && WAI_MIN == 22);
}

/// What the 12-bit field means to the hardware and the assembler (spec §3, §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperandKind {
    /// No operand; the field is ignored and assembled as 0.
    None,
    /// HLT: optional halt code 0..4095, default 0.
    HaltCode,
    /// A memory address 0..4095.
    Address,
    /// An I/O channel number 0..4095.
    Channel,
    /// A discrete-command number 0..4095.
    Discrete,
    /// `sx(a)`: -2048..2047, encoded modulo 4096.
    SignedImmediate,
    /// `a` zero-extended: 0..4095.
    UnsignedImmediate,
    /// An interrupt level 0..31 (`a[4:0]`).
    Level,
    /// A shift count 0..31 (`a[4:0]`).
    ShiftCount,
}

impl OperandKind {
    /// Allowed assembler values (inclusive), or `None` when the operand is forbidden.
    pub const fn range(self) -> Option<(i64, i64)> {
        match self {
            OperandKind::None => None,
            OperandKind::HaltCode
            | OperandKind::Address
            | OperandKind::Channel
            | OperandKind::Discrete
            | OperandKind::UnsignedImmediate => Some((0, 4095)),
            OperandKind::SignedImmediate => Some((-2048, 2047)),
            OperandKind::Level | OperandKind::ShiftCount => Some((0, 31)),
        }
    }

    /// Whether the operand may be omitted (HLT's halt code defaults to 0).
    pub const fn optional(self) -> bool {
        matches!(self, OperandKind::HaltCode)
    }

    /// The field bits the hardware reads; the rest are ignored.
    pub const fn used_field_mask(self) -> u32 {
        match self {
            OperandKind::None => 0,
            OperandKind::Level | OperandKind::ShiftCount => 0o37,
            _ => 0o7777,
        }
    }

    pub const fn description(self) -> &'static str {
        match self {
            OperandKind::None => "none",
            OperandKind::HaltCode => "optional halt code",
            OperandKind::Address => "address",
            OperandKind::Channel => "channel",
            OperandKind::Discrete => "discrete command",
            OperandKind::SignedImmediate => "signed immediate",
            OperandKind::UnsignedImmediate => "unsigned immediate",
            OperandKind::Level => "level",
            OperandKind::ShiftCount => "shift count",
        }
    }
}

/// Which condition-code flags an instruction writes (spec §8.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlagEffect {
    /// CC unchanged.
    None,
    /// NEG, ODD, NZ from the result; OVF unchanged (loads and logic).
    Logic,
    /// All four flags (arithmetic).
    Arithmetic,
    /// All four loaded from memory (LCC).
    Load,
    /// Those of the executed target (XCT).
    Target,
}

impl FlagEffect {
    pub const fn description(self) -> &'static str {
        match self {
            FlagEffect::None => "-",
            FlagEffect::Logic => "NEG ODD NZ",
            FlagEffect::Arithmetic => "OVF NEG ODD NZ",
            FlagEffect::Load => "all four (loaded)",
            FlagEffect::Target => "target's",
        }
    }
}

/// One row of the instruction table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpInfo {
    pub opcode: Opcode,
    pub mnemonic: &'static str,
    pub class: TimingClass,
    pub operand: OperandKind,
    pub flags: FlagEffect,
    /// One-line operation, in the spec's words.
    pub summary: &'static str,
}

macro_rules! isa_table {
    ($( $code:literal $variant:ident $class:ident $operand:ident $flags:ident $summary:literal; )*) => {
        /// The 64 opcodes, numbered as in the opcode map of spec §8.1.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Opcode { $( $variant = $code, )* }

        /// The instruction table, indexed by opcode.
        pub const ISA: [OpInfo; 64] = [ $( OpInfo {
            opcode: Opcode::$variant,
            mnemonic: stringify!($variant),
            class: TimingClass::$class,
            operand: OperandKind::$operand,
            flags: FlagEffect::$flags,
            summary: $summary,
        }, )* ];

        impl Opcode {
            /// Decode bits 5..0 of a word (every code is defined).
            #[inline(always)]
            pub const fn from_bits(bits: u8) -> Opcode {
                match bits & 0o77 {
                    $( $code => Opcode::$variant, )*
                    _ => unreachable!(),
                }
            }
        }
    };
}

isa_table! {
    0o00 HLT R HaltCode None "halted <- 1; P <- N; the field is the halt code";
    0o01 NOP R None None "nothing";
    0o02 WAI W None None "idle until an unmasked level is pending (spec 7.5); P <- N";
    0o03 XCT X Address Target "execute M[a] as an instruction (spec 8.4)";
    0o04 EIN R None None "IE <- 1";
    0o05 DIN R None None "IE <- 0";
    0o06 SWI R Level None "PEND[n] <- 1";
    0o07 CLP R Level None "PEND[n] <- 0";
    0o10 JMP R Address None "P <- a; link rule";
    0o11 CAL M Address None "M[a] <- JMP N; link rule; P <- a + 1";
    0o12 CAD D Address None "as CAL, and the same word to M'[a]";
    0o13 RET R None None "P <- L; link rule (swaps P and L)";
    0o14 RTI M Address None "P <- M[a][17:6]; IE <- 1; L unchanged";
    0o15 INP M Channel Logic "A <- input(c)";
    0o16 OUT M Channel None "output(c, A)";
    0o17 DCM M Discrete None "issue discrete command n";
    0o20 JZE R Address None "jump if NZ = 0";
    0o21 JNZ R Address None "jump if NZ = 1";
    0o22 JMI R Address None "jump if NEG = 1";
    0o23 JPL R Address None "jump if NEG = 0";
    0o24 JOV R Address None "jump if OVF = 1";
    0o25 JNO R Address None "jump if OVF = 0";
    0o26 JOD R Address None "jump if ODD = 1";
    0o27 JEV R Address None "jump if ODD = 0";
    0o30 LML M Address None "MASK[15:0] <- M[a][15:0]";
    0o31 LMH M Address None "MASK[31:16] <- M[a][15:0]";
    0o32 SML M Address None "M[a] <- MASK[15:0]";
    0o33 SMH M Address None "M[a] <- MASK[31:16]";
    0o34 LCC M Address Load "CC <- M[a][3:0]";
    0o35 SCC M Address None "M[a] <- CC";
    0o36 LDL R None Logic "A <- L";
    0o37 STL R None None "L <- A[11:0]";
    0o40 LDA M Address Logic "A <- M[a]";
    0o41 LDI R SignedImmediate Logic "A <- sx(n)";
    0o42 LDX D Address Logic "A <- M'[a]";
    0o43 STA M Address None "M[a] <- A";
    0o44 STD D Address None "M[a] <- A and M'[a] <- A";
    0o45 MLD M Address None "M[a] <- A (memory-load write, allowed in WP)";
    0o46 XCH Rmw Address Logic "exchange A and M[a]";
    0o47 SAF Rmw Address None "M[a][17:6] <- A[11:0]";
    0o50 ADD M Address Arithmetic "A <- A + M[a]";
    0o51 SUB M Address Arithmetic "A <- A - M[a]";
    0o52 ADI R SignedImmediate Arithmetic "A <- A + sx(n)";
    0o53 CMP M Address Arithmetic "flags of A - M[a]";
    0o54 CPI R SignedImmediate Arithmetic "flags of A - sx(n)";
    0o55 NGA R None Arithmetic "A <- -A";
    0o56 CPL R None Logic "A <- A xor 0o777777";
    0o57 CLR R None Logic "A <- 0";
    0o60 AND M Address Logic "A <- A and M[a]";
    0o61 IOR M Address Logic "A <- A or M[a]";
    0o62 XOR M Address Logic "A <- A xor M[a]";
    0o63 ANI R UnsignedImmediate Logic "A <- A and a";
    0o64 ASL S ShiftCount Arithmetic "arithmetic shift left n";
    0o65 ASR S ShiftCount Arithmetic "arithmetic shift right n";
    0o66 LSL S ShiftCount Logic "logical shift left n";
    0o67 LSR S ShiftCount Logic "logical shift right n";
    0o70 ROL S ShiftCount Logic "rotate left n";
    0o71 ROR S ShiftCount Logic "rotate right n";
    0o72 INC Rmw Address Arithmetic "M[a] <- M[a] + 1";
    0o73 DEC Rmw Address Arithmetic "M[a] <- M[a] - 1";
    0o74 ISZ Rmw Address Arithmetic "M[a] <- M[a] + 1; skip if zero";
    0o75 DSZ Rmw Address Arithmetic "M[a] <- M[a] - 1; skip if zero";
    0o76 INA Rmw Address None "increment the address field of M[a]";
    0o77 IND Drmw Address Arithmetic "M[a] and M'[a] each + 1";
}

/// Fixed cost of each opcode (its class's base cycles), derived from [`ISA`] at
/// compile time so the executor needs one load per instruction.
pub const BASE_CYCLES: [u8; 64] = {
    let mut t = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        t[i] = ISA[i].class.base_cycles() as u8;
        i += 1;
    }
    t
};

// The table must be in opcode order: ISA[i] describes opcode i.
const _: () = {
    let mut i = 0;
    while i < 64 {
        assert!(ISA[i].opcode as usize == i);
        i += 1;
    }
};

impl Opcode {
    #[inline(always)]
    pub const fn info(self) -> &'static OpInfo {
        &ISA[self as usize]
    }

    pub const fn mnemonic(self) -> &'static str {
        self.info().mnemonic
    }

    /// Opcode by mnemonic, case-insensitive.
    pub fn from_mnemonic(text: &str) -> Option<Opcode> {
        ISA.iter().find(|i| i.mnemonic.eq_ignore_ascii_case(text)).map(|i| i.opcode)
    }

    /// Whether this is one of the dual (cross-strapped) instructions.
    pub const fn is_dual(self) -> bool {
        matches!(self.info().class, TimingClass::D | TimingClass::Drmw)
    }

    /// Encode with an operand field (bits the hardware ignores are kept as given).
    pub const fn encode(self, field: Addr) -> Word {
        Word::from_parts(field, self as u8)
    }

    /// Encode from an assembler value: range-checked as spec §11, negative
    /// immediates taken modulo 4096.
    pub fn encode_value(self, value: i64) -> Result<Word, OperandError> {
        match self.info().operand.range() {
            None if value == 0 => Ok(self.encode(Addr::ZERO)),
            None => Err(OperandError::Forbidden),
            Some((lo, hi)) if value < lo || value > hi => Err(OperandError::OutOfRange { lo, hi }),
            Some(_) => Ok(self.encode(Addr::wrapping(value.rem_euclid(4096) as u32))),
        }
    }
}

/// Why an operand value cannot be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OperandError {
    #[error("this instruction takes no operand")]
    Forbidden,
    #[error("operand out of range {lo}..{hi}")]
    OutOfRange { lo: i64, hi: i64 },
}

/// A decoded instruction word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub opcode: Opcode,
    pub field: Addr,
}

impl Instruction {
    #[inline(always)]
    pub const fn decode(word: Word) -> Instruction {
        Instruction { opcode: Opcode::from_bits(word.opcode_bits()), field: word.field() }
    }

    pub const fn encode(self) -> Word {
        self.opcode.encode(self.field)
    }

    /// Whether the field holds only bits the hardware reads (so the word has a
    /// canonical assembler spelling).
    pub const fn is_canonical(self) -> bool {
        self.field.get() & !self.opcode.info().operand.used_field_mask() == 0
    }

    /// The operand as an assembler value (signed for LDI/ADI/CPI), or `None` for
    /// instructions without one.
    pub fn operand_value(self) -> Option<i64> {
        let f = self.field.get();
        match self.opcode.info().operand {
            OperandKind::None => None,
            OperandKind::SignedImmediate => Some(self.field.sign_extended().signed() as i64),
            OperandKind::Level | OperandKind::ShiftCount => Some((f & 31) as i64),
            _ => Some(f as i64),
        }
    }

    /// Fixed cost in cycles where it does not depend on run-time state: all classes
    /// except W (idle time) and X (the target's cost).
    pub const fn static_cycles(self) -> Option<u32> {
        match self.opcode.info().class {
            TimingClass::S => Some(timing::SHIFT_BASE + self.field.low5()),
            TimingClass::W | TimingClass::X => None,
            c => Some(c.base_cycles()),
        }
    }
}

impl std::fmt::Display for Instruction {
    /// Assembler text for one word: octal addresses (`LDA 0o0123`), decimal counts and
    /// immediates. `HLT` with code 0 prints bare.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mn = self.opcode.mnemonic();
        let v = self.field.get();
        match self.opcode.info().operand {
            OperandKind::None => f.write_str(mn),
            OperandKind::HaltCode if v == 0 => f.write_str(mn),
            OperandKind::HaltCode
            | OperandKind::Address
            | OperandKind::Channel
            | OperandKind::Discrete
            | OperandKind::UnsignedImmediate => write!(f, "{mn} 0o{v:04o}"),
            OperandKind::SignedImmediate => {
                write!(f, "{mn} {}", self.field.sign_extended().signed())
            }
            OperandKind::Level | OperandKind::ShiftCount => write!(f, "{mn} {}", v & 31),
        }
    }
}

/// The instruction table as Markdown (the source of `docs/isa.md`).
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| Op | Mnemonic | Class | Cycles | Operand | Flags | Operation |\n|---|---|---|---|---|---|---|\n",
    );
    for i in &ISA {
        let _ = writeln!(
            s,
            "| {:02o} | {} | {} | {} | {} | {} | {} |",
            i.opcode as u8,
            i.mnemonic,
            i.class.name(),
            i.class.formula(),
            i.operand.description(),
            i.flags.description(),
            i.summary
        );
    }
    s.push_str("\n| Other cost | Cycles |\n|---|---|\n");
    for (what, cycles) in timing::OTHER_COSTS {
        let _ = writeln!(s, "| {what} | {cycles} |");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_counts_match_the_spec() {
        let count = |c| ISA.iter().filter(|i| i.class == c).count();
        assert_eq!(count(TimingClass::R), 25);
        assert_eq!(count(TimingClass::M), 20);
        assert_eq!(count(TimingClass::Rmw), 7);
        assert_eq!(count(TimingClass::D), 3);
        assert_eq!(count(TimingClass::Drmw), 1);
        assert_eq!(count(TimingClass::S), 6);
        assert_eq!(count(TimingClass::W), 1);
        assert_eq!(count(TimingClass::X), 1);
    }

    #[test]
    fn mnemonics_are_unique_and_decode_round_trips() {
        for b in 0..64u8 {
            let op = Opcode::from_bits(b);
            assert_eq!(op as u8, b);
            assert_eq!(Opcode::from_mnemonic(&op.mnemonic().to_lowercase()), Some(op));
        }
        assert_eq!(Opcode::from_mnemonic("FOO"), None);
    }

    #[test]
    fn dual_set_is_cad_ldx_std_ind() {
        let dual: Vec<_> = ISA.iter().filter(|i| i.opcode.is_dual()).map(|i| i.mnemonic).collect();
        assert_eq!(dual, ["CAD", "LDX", "STD", "IND"]);
    }

    #[test]
    fn encode_matches_the_tick_program() {
        assert_eq!(Opcode::INC.encode_value(0o60).unwrap().get(), 0o006072);
        assert_eq!(Opcode::RTI.encode_value(0o44).unwrap().get(), 0o004414);
        assert_eq!(Opcode::LDI.encode_value(-1).unwrap().get(), 0o777741);
        assert_eq!(Opcode::NOP.encode_value(1), Err(OperandError::Forbidden));
        assert_eq!(Opcode::ASL.encode_value(32), Err(OperandError::OutOfRange { lo: 0, hi: 31 }));
    }

    #[test]
    fn display_uses_assembler_syntax() {
        let show = |w: u32| Instruction::decode(Word::wrapping(w)).to_string();
        assert_eq!(show(0o005730), "LML 0o0057");
        assert_eq!(show(0o777741), "LDI -1");
        assert_eq!(show(0o000000), "HLT");
        assert_eq!(show(0o000564), "ASL 5");
        assert_eq!(show(0o000057), "CLR");
    }

    #[test]
    fn docs_isa_table_is_current() {
        let doc = include_str!("../../../docs/isa.md");
        assert!(doc.contains(&markdown_table()), "docs/isa.md is stale: regenerate it with `ccs isa --markdown`");
    }
}
