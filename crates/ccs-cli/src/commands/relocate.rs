//! `ccs relocate SRC --dead RANGE...`: lay a program out around dead memory.

use crate::commands::budget::load_map;
use crate::commands::run::parse_target;
use crate::faults::parse_range;
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use ccs_budget::{Relocation, relocate};
use ccs_core::{MemoryId, Target};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

/// A dead range: `[MEMORY:]START-END` or `[MEMORY:]START+LEN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadRange {
    pub memory: Option<MemoryId>,
    pub start: u32,
    pub len: u32,
}

pub fn parse_dead(text: &str) -> Result<DeadRange, String> {
    let (memory, range) = match text.split_once(':') {
        Some((m, r)) => (Some(MemoryId::parse(m).ok_or_else(|| format!("{m:?} is not a memory (ccs-a, ccs-b)"))?), r),
        None => (None, text),
    };
    let (start, len) = parse_range(range).map_err(|e| format!("{text:?}: {e}"))?;
    if len == 0 || start + len > 4096 {
        return Err(format!("{text:?}: a dead range must lie within the 4096 words of a CCS memory"));
    }
    Ok(DeadRange { memory, start: start as u32, len: len as u32 })
}

/// The dead words of `ranges` that fall in the memory a target lays out.
pub fn dead_words(ranges: &[DeadRange], target: Target) -> Result<BTreeSet<u32>, CliError> {
    let mut words = BTreeSet::new();
    for r in ranges {
        match r.memory {
            None | Some(MemoryId::Ccs(_)) => words.extend(r.start..r.start + r.len),
            Some(m) => {
                return Err(CliError::Input(format!(
                    "dead words in {}: relocation lays out the program in CCS memory (target {})",
                    m.name(),
                    target.name()
                )));
            }
        }
    }
    Ok(words)
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Assembly source to relocate
    src: PathBuf,
    /// Dead words to avoid: [MEMORY:]START-END or [MEMORY:]START+LEN, e.g. 0o1000+256
    #[arg(long, value_parser = parse_dead, value_name = "RANGE", num_args = 1.., required = true)]
    dead: Vec<DeadRange>,
    /// Allocation map (default: the bundled Voyager map)
    #[arg(long, value_name = "MAP")]
    map: Option<PathBuf>,
    /// Write the relocated image here
    #[arg(short, long, value_name = "IMAGE")]
    output: Option<PathBuf>,
    /// Processors the program is for
    #[arg(long, value_parser = parse_target, value_name = "A|B|AB", default_value = "A")]
    target: Target,
}

/// The relocation report as text.
pub fn report_text(r: &Relocation, dead: usize) -> String {
    let mut s = format!("laid out around {dead} dead words\n");
    for p in &r.placements {
        let from = p.from.map_or("-".into(), |f| format!("0o{f:04o}"));
        s += &format!(
            "  section {:<10} {:>5} words  {} -> 0o{:04o}  in {}\n",
            p.section, p.words, from, p.base, p.region
        );
    }
    s += &format!("words moved: {}\n", r.words_moved);
    for sp in r.space.iter().filter(|sp| sp.used > 0 || sp.dead > 0) {
        s += &format!(
            "  region {:<10} {:>5} used  {:>5} dead  {:>5} free of {}\n",
            sp.region, sp.used, sp.dead, sp.free, sp.capacity
        );
    }
    let free: u32 = r.space.iter().map(|sp| sp.free).sum();
    s += &format!("words left free: {free}\n");
    s
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, CliError> {
    let map = load_map(args.map.as_deref())?;
    let dead = dead_words(&args.dead, args.target)?;
    match relocate(&args.src, &ccs_programs::DiskThenBundled, &map, args.target, &dead) {
        Err(ccs_budget::RelocateError::Assembly(text)) => {
            Err(CliError::Input(format!("{} could not be assembled:\n{text}", args.src.display())))
        }
        Err(e) => {
            writeln!(out, "cannot relocate {}: {e}", args.src.display())?;
            Ok(EXIT_FAILED)
        }
        Ok(r) => {
            writeln!(out, "relocated {}", args.src.display())?;
            write!(out, "{}", report_text(&r, dead.len()))?;
            if let Some(p) = &args.output {
                ccs_files::write_atomic(p, r.assembly.image_text(args.target).as_bytes())?;
                writeln!(out, "wrote {}", p.display())?;
            }
            if r.budget.fits() {
                writeln!(out, "budget: fits")?;
                Ok(EXIT_OK)
            } else {
                write!(out, "{}", r.budget.to_text())?;
                Ok(EXIT_FAILED)
            }
        }
    }
}
