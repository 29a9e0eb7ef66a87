//! Number and duration formats shared by the commands.

use ccs_core::CYCLES_PER_SECOND;

/// `30000000` as `30,000,000`.
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

/// A run length: cycles (`500000`, `500_000`, `500,000`) or a duration with a unit
/// (`10ms`, `60s`, `5min`, `2h`, `1d`), converted at 500,000 cycles per second.
pub fn parse_cycles(text: &str) -> Result<u64, String> {
    let t = text.trim().replace(['_', ','], "");
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let bad = || format!("{text:?} is not a number of cycles or a duration like 60s");
    if number.is_empty() {
        return Err(bad());
    }
    let per_unit: u64 = match unit {
        "" => 1,
        "ms" => CYCLES_PER_SECOND / 1000,
        "s" => CYCLES_PER_SECOND,
        "min" | "m" => 60 * CYCLES_PER_SECOND,
        "h" => 3600 * CYCLES_PER_SECOND,
        "d" => 86_400 * CYCLES_PER_SECOND,
        _ => {
            return Err(format!("unknown unit {unit:?}: use cycles, or ms, s, min, h, d"));
        }
    };
    if unit.is_empty() {
        return number.parse::<u64>().map_err(|_| bad());
    }
    let value: f64 = number.parse().map_err(|_| bad())?;
    let cycles = value * per_unit as f64;
    if !(0.0..1.8e19).contains(&cycles) {
        return Err(bad());
    }
    Ok(cycles.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
