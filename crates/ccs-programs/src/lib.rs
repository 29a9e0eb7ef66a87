//! Programs bundled with the tools (compiled in, so `ccs demo` and the benchmarks work
//! from any directory). The files themselves live in `programs/`.

use ccs_core::{Image, ImageKind};

/// A bundled program.
#[derive(Clone, Copy, Debug)]
pub struct Bundled {
    /// Path below `programs/`.
    pub path: &'static str,
    pub description: &'static str,
    pub text: &'static str,
}

impl Bundled {
    /// The program as an image (bundled images are checked by this crate's tests).
    pub fn image(&self) -> Image {
        Image::parse(self.text, ImageKind::Ccs).unwrap_or_else(|e| panic!("bundled {} is broken: {e}", self.path))
    }
}

/// The worked example of spec §14: 10 ms ticks counted by a trap cell, a 1 s handler.
pub const TICK: Bundled = Bundled {
    path: "tick.img",
    description: "spec §14: level 4 counts 10 ms ticks, level 5 runs a 1 s handler",
    text: include_str!("../../../programs/tick.img"),
};

/// The benchmark's instruction mix (no idle time).
pub const MIX: Bundled = Bundled {
    path: "bench/mix.img",
    description: "benchmark: a representative instruction mix with no idle time",
    text: include_str!("../../../programs/bench/mix.img"),
};

pub const ALL: &[Bundled] = &[TICK, MIX];

/// The default allocation map (`programs/voyager.ron`): Voyager's memory set region by
/// region.
pub const VOYAGER_MAP: &str = include_str!("../../../programs/voyager.ron");

/// Where [`VOYAGER_MAP`] lives below `programs/`.
pub const VOYAGER_MAP_PATH: &str = "voyager.ron";

#[cfg(test)]
mod tests {
    #[test]
    fn every_bundled_image_parses() {
        for b in super::ALL {
            assert!(!b.image().words.is_empty(), "{}", b.path);
        }
    }
}
