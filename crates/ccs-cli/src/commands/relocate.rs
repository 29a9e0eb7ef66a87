//! `ccs relocate SRC --dead RANGE... [--map-out MAP]`: lay a program out around dead
//! memory, across regions where its own cannot hold it, and propose the map it fits.

use crate::commands::budget::load_map;
use crate::commands::run::parse_target;
use crate::faults::parse_range;
use crate::outputs;
use crate::{CliError, EXIT_FAILED, EXIT_OK};
use ccs_budget::{DeadWords, Relocation, layout_memory, relocate_around};
use ccs_core::{MemoryId, Target};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// The dead words of `ranges`, per CCS memory the target loads; a range without a
/// memory is in the memory the target lays out ([`layout_memory`]).
pub fn dead_per_memory(ranges: &[DeadRange], target: Target) -> Result<DeadWords, CliError> {
    let loaded: Vec<MemoryId> = target.units().iter().map(|&p| MemoryId::Ccs(p)).collect();
    let mut words = DeadWords::new();
    for r in ranges {
        let memory = r.memory.unwrap_or(layout_memory(target));
        if !loaded.contains(&memory) {
            let names: Vec<&str> = loaded.iter().map(|m| m.name()).collect();
            return Err(CliError::Input(format!(
                "dead words in {}: the program (target {}) is laid out in {}",
                memory.name(),
                target.name(),
                names.join(" and ")
            )));
        }
        words.entry(memory).or_default().extend(r.start..r.start + r.len);
    }
    Ok(words)
}

/// The dead words of `ranges` a layout for `target` avoids: those of every memory it loads.
pub fn dead_words(ranges: &[DeadRange], target: Target) -> Result<BTreeSet<u32>, CliError> {
    Ok(dead_per_memory(ranges, target)?.into_values().flatten().collect())
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Assembly source to relocate
    src: PathBuf,
    /// Dead words to avoid: [MEMORY:]START-END or [MEMORY:]START+LEN, e.g. 0o1000+256
    /// (without a memory: the one the target is laid out in, CCS-A or for B CCS-B)
    #[arg(long, value_parser = parse_dead, value_name = "RANGE", num_args = 1.., required = true)]
    dead: Vec<DeadRange>,
    /// Allocation map (default: the bundled Voyager map)
    #[arg(long, value_name = "MAP")]
    map: Option<PathBuf>,
    /// Write the relocated image here
    #[arg(short, long, value_name = "IMAGE")]
    output: Option<PathBuf>,
    /// Write the proposed allocation map here (RON, the map format): the map the
    /// relocated program fits, with the dead words marked
    #[arg(long, value_name = "MAP")]
    map_out: Option<PathBuf>,
    /// Processors the program is for
    #[arg(long, value_parser = parse_target, value_name = "A|B|AB", default_value = "A")]
    target: Target,
}

/// The relocation report as text: placements, space, and the proposed map's changes.
pub fn report_text(r: &Relocation, dead: &DeadWords) -> String {
    let counts: Vec<String> = dead.iter().map(|(m, w)| format!("{} dead words of {}", w.len(), m.name())).collect();
    let mut s = format!("laid out around {}\n", counts.join(" and "));
    for p in &r.placements {
        let from = p.from.map_or("-".into(), |f| format!("0o{f:04o}"));
        let across = if p.moved_across() { format!(" (moved out of {})", p.home) } else { String::new() };
        s += &format!(
            "  section {:<10} {:>5} words  {} -> 0o{:04o}  in {}{across}\n",
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
    if r.changes.is_empty() {
        s += "proposed map: no change\n";
    } else {
        s += &format!("proposed map {} (changes):\n", r.proposed.name);
        for c in &r.changes {
            s += &format!("  {c}\n");
        }
    }
    s
}

/// The comment at the top of a proposed map.
fn map_comment(src: &Path, original: &str, dead: &DeadWords) -> String {
    let ranges: Vec<String> = dead
        .iter()
        .map(|(m, words)| {
            let words: Vec<u32> = words.iter().copied().collect();
            format!("{} {}", m.name(), ccs_budget::ranges_text(*m, &words))
        })
        .collect();
    format!(
        "Proposed by `ccs relocate {}`:\nthe map {original}, with the dead words {} marked DEAD\nand the relocated sections where they now lie.",
        src.display(),
        ranges.join(", ")
    )
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, CliError> {
    let map = load_map(args.map.as_deref())?;
    let dead = dead_per_memory(&args.dead, args.target)?;
    let output = ccs_asm::assemble(&args.src, &ccs_programs::DiskThenBundled);
    let plain = match output.assembly {
        Some(a) if !output.has_errors() => a,
        _ => {
            return Err(CliError::Input(format!(
                "{} could not be assembled:\n{}",
                args.src.display(),
                output.render_diagnostics()
            )));
        }
    };
    let mut inputs: Vec<PathBuf> = plain.files().iter().map(|(_, f)| f.path().to_path_buf()).collect();
    inputs.extend(args.map.clone());
    let wanted: Vec<(&str, &Path)> = [("-o", &args.output), ("--map-out", &args.map_out)]
        .into_iter()
        .filter_map(|(option, p)| Some((option, p.as_deref()?)))
        .collect();
    outputs::check_distinct(&inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>(), &wanted)?;
    match relocate_around(&plain, &map, args.target, &dead) {
        Err(e) => {
            writeln!(out, "cannot relocate {}: {e}", args.src.display())?;
            Ok(EXIT_FAILED)
        }
        Ok(r) => {
            writeln!(out, "relocated {}", args.src.display())?;
            write!(out, "{}", report_text(&r, &dead))?;
            if let Some(p) = &args.map_out {
                let text = r.proposed.to_ron(&map_comment(&args.src, &map.name, &dead));
                ccs_files::write_atomic(p, text.as_bytes())?;
                writeln!(out, "wrote {}", p.display())?;
            }
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
