//! Fixed-width unsigned values: the machine's words, addresses and small registers.
//!
//! `Bits<W>` cannot hold a value of more than `W` bits: every constructor either masks
//! (`wrapping`) or checks (`new`, deserialisation). The width is part of the type, so an
//! 18-bit word can never be stored where a 12-bit address is expected.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An unsigned value of exactly `W` bits (1 <= W <= 32).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Bits<const W: u32>(u32);

/// An 18-bit CCS (or AACS) memory word.
pub type Word = Bits<18>;
/// A 12-bit CCS address (P, L, MAR and every address field).
pub type Addr = Bits<12>;
/// A 16-bit FDS memory word.
pub type FdsWord = Bits<16>;

impl<const W: u32> Bits<W> {
    /// Bit mask of the valid bits.
    pub const MASK: u32 = if W >= 32 { u32::MAX } else { (1u32 << W) - 1 };
    /// Number of distinct values (`2^W`).
    pub const MODULUS: u64 = 1u64 << W;
    pub const ZERO: Self = Bits(0);
    pub const MAX: Self = Bits(Self::MASK);

    /// The value if it fits in `W` bits.
    #[inline]
    pub const fn new(value: u32) -> Option<Self> {
        if value & !Self::MASK == 0 { Some(Bits(value)) } else { None }
    }

    /// The low `W` bits of `value` (arithmetic modulo `2^W`).
    #[inline(always)]
    pub const fn wrapping(value: u32) -> Self {
        Bits(value & Self::MASK)
    }

    /// The low `W` bits of a wider value.
    #[inline(always)]
    pub const fn wrapping_u64(value: u64) -> Self {
        Bits((value & Self::MASK as u64) as u32)
    }

    #[inline(always)]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// `index` as a table index (always `< 2^W`).
    #[inline(always)]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    #[inline(always)]
    pub const fn wrapping_add(self, n: u32) -> Self {
        Self::wrapping(self.0.wrapping_add(n))
    }

    #[inline(always)]
    pub const fn wrapping_sub(self, n: u32) -> Self {
        Self::wrapping(self.0.wrapping_sub(n))
    }

    #[inline(always)]
    pub const fn bit(self, i: u32) -> bool {
        (self.0 >> i) & 1 == 1
    }
}

impl Word {
    pub const SIGN: u32 = 0o400000;

    /// Two's-complement value, -131072..=131071 (the spec's `s(x)`).
    #[inline(always)]
    pub const fn signed(self) -> i32 {
        ((self.0 << 14) as i32) >> 14
    }

    /// Word holding the two's-complement pattern of `v` modulo `2^18`.
    #[inline(always)]
    pub const fn from_signed(v: i64) -> Self {
        Self::wrapping_u64(v as u64)
    }

    /// Opcode field, bits 5..0.
    #[inline(always)]
    pub const fn opcode_bits(self) -> u8 {
        (self.0 & 0o77) as u8
    }

    /// Address / operand field `a`, bits 17..6.
    #[inline(always)]
    pub const fn field(self) -> Addr {
        Bits(self.0 >> 6)
    }

    /// `64 * field + opcode`.
    #[inline(always)]
    pub const fn from_parts(field: Addr, opcode: u8) -> Self {
        Bits((field.0 << 6) | (opcode as u32 & 0o77))
    }

    /// Odd parity: the spec's `parity(x)`, 1 when the number of one bits is odd.
    #[inline(always)]
    pub const fn odd_parity(self) -> bool {
        self.0.count_ones() & 1 == 1
    }

    #[inline(always)]
    pub const fn is_negative(self) -> bool {
        self.0 & Self::SIGN != 0
    }
}

impl Addr {
    /// `sx(a)`: the 12-bit field sign-extended to an 18-bit word.
    #[inline(always)]
    pub const fn sign_extended(self) -> Word {
        if self.0 < 2048 { Bits(self.0) } else { Bits(self.0 + 0o770000) }
    }

    /// Low five bits: the count of shifts, SWI and CLP.
    #[inline(always)]
    pub const fn low5(self) -> u32 {
        self.0 & 31
    }

    /// Protection block, bits 11..10.
    #[inline(always)]
    pub const fn block(self) -> usize {
        (self.0 >> 10) as usize
    }
}

impl<const W: u32> fmt::Debug for Bits<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0o{:o}", self.0)
    }
}

impl<const W: u32> fmt::Display for Bits<W> {
    /// Octal with the digit count of the width (18 bits: 6 digits, 12 bits: 4 digits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = W.div_ceil(3) as usize;
        write!(f, "{:0digits$o}", self.0)
    }
}

impl<const W: u32> fmt::Octal for Bits<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Octal::fmt(&self.0, f)
    }
}

/// Error for a value wider than its register or memory word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("value {value} does not fit in {width} bits (maximum {max})")]
pub struct WidthError {
    pub value: u64,
    pub width: u32,
    pub max: u64,
}

impl<const W: u32> TryFrom<u64> for Bits<W> {
    type Error = WidthError;
    fn try_from(value: u64) -> Result<Self, WidthError> {
        if value <= Self::MASK as u64 {
            Ok(Bits(value as u32))
        } else {
            Err(WidthError { value, width: W, max: Self::MASK as u64 })
        }
    }
}

/// Widths are types: numbers convert to words and addresses with a check.
impl<const W: u32> TryFrom<u32> for Bits<W> {
    type Error = WidthError;
    fn try_from(value: u32) -> Result<Self, WidthError> {
        Bits::try_from(value as u64)
    }
}

impl<const W: u32> TryFrom<i32> for Bits<W> {
    type Error = WidthError;
    /// A negative value is taken as its two's-complement pattern when it fits in `W` bits
    /// signed (`-1` is the all-ones word).
    fn try_from(value: i32) -> Result<Self, WidthError> {
        let err = WidthError { value: value as i64 as u64, width: W, max: Bits::<W>::MASK as u64 };
        if value >= 0 {
            return Bits::try_from(value as u64).map_err(|_| err);
        }
        let min = -(1i64 << (W - 1));
        if (value as i64) < min {
            return Err(err);
        }
        Ok(Bits::wrapping(value as u32))
    }
}

impl<const W: u32> From<Bits<W>> for u32 {
    fn from(b: Bits<W>) -> u32 {
        b.0
    }
}

impl<const W: u32> Serialize for Bits<W> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

impl<'de, const W: u32> Deserialize<'de> for Bits<W> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u64::deserialize(d)?;
        Bits::try_from(v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_enforce_the_width() {
        assert_eq!(Word::new(0o777777).map(Word::get), Some(0o777777));
        assert_eq!(Word::new(0o1000000), None);
        assert_eq!(Word::wrapping(0o1000001).get(), 1);
        assert_eq!(Addr::wrapping(4096 + 7).get(), 7);
        assert!(Bits::<4>::try_from(16u64).is_err());
    }

    #[test]
    fn signed_view_matches_the_spec() {
        assert_eq!(Word::wrapping(0o377777).signed(), 131071);
        assert_eq!(Word::wrapping(0o400000).signed(), -131072);
        assert_eq!(Word::wrapping(0o777777).signed(), -1);
        assert_eq!(Word::from_signed(-1).get(), 0o777777);
    }

    #[test]
    fn sign_extension_of_the_field() {
        assert_eq!(Addr::wrapping(2047).sign_extended().get(), 2047);
        assert_eq!(Addr::wrapping(2048).sign_extended().get(), 0o774000);
        assert_eq!(Addr::wrapping(0o7777).sign_extended().get(), 0o777777);
    }

    #[test]
    fn fields_and_display() {
        let w = Word::from_parts(Addr::wrapping(0o0123), 0o40);
        assert_eq!(w.get(), 0o012340);
        assert_eq!(w.field().get(), 0o123);
        assert_eq!(w.opcode_bits(), 0o40);
        assert_eq!(w.to_string(), "012340");
        assert_eq!(Addr::wrapping(0o43).to_string(), "0043");
    }

    #[test]
    fn deserialising_rejects_wide_values() {
        let ok: Result<Word, _> = serde_json::from_str("262143");
        assert!(ok.is_ok());
        let bad: Result<Word, _> = serde_json::from_str("262144");
        assert!(bad.unwrap_err().to_string().contains("does not fit in 18 bits"));
    }
}
