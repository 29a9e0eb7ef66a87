//! Spacecraft time (cycles of the 500 kHz bit clock shown as days:hh:mm:ss.cc),
//! durations as people write them, and counts with thousands separators.

use crate::machine::CYCLES_PER_SECOND;

/// A time in cycles, displayed as `days:hh:mm:ss.cc` (hundredths of a second).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpacecraftTime(pub u64);

impl SpacecraftTime {
    pub fn seconds(self) -> f64 {
        self.0 as f64 / CYCLES_PER_SECOND as f64
    }
}

impl std::fmt::Display for SpacecraftTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let centis = self.0 / (CYCLES_PER_SECOND / 100);
        let (cc, s) = (centis % 100, centis / 100);
        let (ss, m) = (s % 60, s / 60);
        let (mm, h) = (m % 60, m / 60);
        let (hh, days) = (h % 24, h / 24);
        write!(f, "{days}:{hh:02}:{mm:02}:{ss:02}.{cc:02}")
    }
}

/// `30000000` as `30,000,000`: how every tool prints counts of cycles, words and bits.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A run length: cycles (`500000`, `500_000`, `500,000`) or a duration with units
/// (`10ms`, `60s`, `5min`, `2h`, `1d`, `1.5s`, and sums such as `14d1h` or `1h30min`),
/// at 500,000 cycles per second.
pub fn parse_cycles(text: &str) -> Result<u64, String> {
    let t = text.trim().replace(['_', ','], "");
    let shown = crate::text::abbreviate(text.trim());
    let bad = || format!("{shown:?} is not a number of cycles or a duration like 60s or 14d1h");
    let too_long = || {
        format!("{shown:?} is longer than the longest run, {} cycles (about 1.17 million years)", thousands(u64::MAX))
    };
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: the only way to fail is to be too large.
        return t.parse::<u64>().map_err(|_| too_long());
    }
    let mut rest = t.as_str();
    let mut total = 0f64;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let split = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        let (number, after) = rest.split_at(split);
        if number.is_empty() {
            return Err(bad());
        }
        let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let per_unit: u64 = match unit {
            "ms" => CYCLES_PER_SECOND / 1000,
            "s" => CYCLES_PER_SECOND,
            "min" | "m" => 60 * CYCLES_PER_SECOND,
            "h" => 3600 * CYCLES_PER_SECOND,
            "d" => 86_400 * CYCLES_PER_SECOND,
            "" => return Err(bad()),
            _ => return Err(format!("unknown unit {unit:?}: use cycles, or ms, s, min, h, d")),
        };
        total += number.parse::<f64>().map_err(|_| bad())? * per_unit as f64;
        rest = next;
    }
    if !(0.0..1.8e19).contains(&total) {
        return Err(too_long());
    }
    Ok(total.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::{SpacecraftTime, parse_cycles, thousands};

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(30_000_000), "30,000,000");
    }

    #[test]
    fn cycles_and_durations() {
        assert_eq!(parse_cycles("500000"), Ok(500_000));
        assert_eq!(parse_cycles("500_000"), Ok(500_000));
        assert_eq!(parse_cycles("10ms"), Ok(5_000));
        assert_eq!(parse_cycles("1.5s"), Ok(750_000));
        assert_eq!(parse_cycles("1d"), Ok(43_200_000_000));
        assert!(parse_cycles("12 parsecs").is_err());
        assert!(parse_cycles("-5").is_err());
        assert!(parse_cycles("").is_err());
        assert!(parse_cycles("ten").unwrap_err().contains("not a number of cycles"));
        assert_eq!(parse_cycles("14d1h"), Ok((14 * 86_400 + 3600) * 500_000));
        let huge = "9".repeat(300);
        let e = parse_cycles(&huge).unwrap_err();
        assert!(e.contains("is longer than the longest run") && e.contains("(300 characters)"), "{e}");
        assert!(e.len() < 200, "the 300 digits are not echoed: {e}");
        assert!(parse_cycles("99999999999999999999d").unwrap_err().contains("longer than the longest run"));
        assert_eq!(parse_cycles(&u64::MAX.to_string()), Ok(u64::MAX));
        assert_eq!(parse_cycles("1h30min"), Ok(5400 * 500_000));
        assert!(parse_cycles("5").is_ok() && parse_cycles("5s5").is_err());
    }

    #[test]
    fn formats_days_hours_minutes_seconds_hundredths() {
        assert_eq!(SpacecraftTime(0).to_string(), "0:00:00:00.00");
        assert_eq!(SpacecraftTime(5_000).to_string(), "0:00:00:00.01");
        assert_eq!(SpacecraftTime(4_999).to_string(), "0:00:00:00.00");
        assert_eq!(SpacecraftTime(30_000_000).to_string(), "0:00:01:00.00");
        let t = ((49 * 365 + 12) * 86_400 + 3 * 3600 + 25 * 60 + 7) * 500_000 + 250_000;
        assert_eq!(SpacecraftTime(t).to_string(), "17897:03:25:07.50");
    }
}
