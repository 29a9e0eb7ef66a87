//! Spacecraft time: cycles of the 500 kHz bit clock shown as days:hh:mm:ss.cc.

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

#[cfg(test)]
mod tests {
    use super::SpacecraftTime;

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
