//! Test vectors in the format of spec §13: the `state` object (also written by
//! `ccs run --dump-state`), setting a machine up from it, running one step of
//! processor A and comparing every field.

use ccs_core::bits::Bits;
use ccs_core::{Jumper, Jumpers, Machine, Mode, Models, ProcId, Reg, RunState, Selections, Word};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `[[addr, value], ...]`
pub type Cells = Vec<(u64, u64)>;

/// The `state` object of spec §13.1.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[allow(non_snake_case)]
pub struct State {
    pub time: u64,
    pub A: u64,
    pub P: u64,
    pub L: u64,
    pub CC: u64,
    pub IE: u64,
    pub MASK: u64,
    pub PEND: u64,
    pub ERR: u64,
    pub halted: bool,
    pub mode: u64,
    pub sel: u64,
    pub memA: Cells,
    pub memB: Cells,
    #[serde(rename = "in")]
    pub inputs: Cells,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub FLA: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ALA: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fdsA: Option<Cells>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fdsB: Option<Cells>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aacsA: Option<Cells>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aacsB: Option<Cells>,
    /// Keys this runner does not know (reported, not fatal).
    #[serde(flatten, skip_serializing)]
    pub unknown: BTreeMap<String, Value>,
}

/// Jumpers of blocks 0-3 per processor (block 3 must be RW).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(non_snake_case)]
pub struct JumperConfig {
    pub A: [Jumper; 4],
    pub B: [Jumper; 4],
}

impl Default for JumperConfig {
    fn default() -> Self {
        JumperConfig { A: [Jumper::ReadWrite; 4], B: [Jumper::ReadWrite; 4] }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub jumpers: JumperConfig,
}

/// One output entry: `["OUT", channel, value]` or `["DCM", number]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OutEntry {
    Out(String, u64, u64),
    Dcm(String, u64),
}

impl std::fmt::Display for OutEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutEntry::Out(k, c, v) => write!(f, "[{k} 0o{c:o} {v}]"),
            OutEntry::Dcm(k, n) => write!(f, "[{k} 0o{n:o}]"),
        }
    }
}

/// One test of a vector file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vector {
    pub name: String,
    #[serde(default)]
    pub config: Config,
    pub initial: State,
    #[serde(rename = "final")]
    pub expected: State,
    #[serde(default)]
    pub out: Vec<OutEntry>,
    pub cycles: u64,
}

/// A vector that cannot be set up (a value too wide, a bad address...).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SetupError {
    pub field: String,
    pub message: String,
}

fn setup_err(field: impl Into<String>, message: impl std::fmt::Display) -> SetupError {
    SetupError { field: field.into(), message: message.to_string() }
}

/// One field whose actual value differs from the expected one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub field: String,
    pub expected: String,
    pub actual: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: expected {}, actual {}", self.field, self.expected, self.actual)
    }
}

fn num(v: u64) -> String {
    if v < 8 { v.to_string() } else { format!("{v} (0o{v:o})") }
}

fn bits<const W: u32>(field: &str, v: u64) -> Result<Bits<W>, SetupError> {
    Bits::try_from(v).map_err(|e| setup_err(field, e))
}

fn jumpers(field: &str, j: &[Jumper; 4]) -> Result<Jumpers, SetupError> {
    if j[3] != Jumper::ReadWrite {
        return Err(setup_err(field, "block 3 is always RW"));
    }
    Ok(Jumpers([j[0], j[1], j[2]]))
}

/// Channels whose latches the `in` list covers (C8).
const INPUT_CHANNELS: [u64; 6] = [0, 1, 2, 3, 4, 5];

/// Build a machine in a vector's initial state: processor A configured from it,
/// processor B passive (held), device models off, events up to `time` delivered.
pub fn machine_from_state(state: &State, config: &Config) -> Result<Machine, SetupError> {
    let mut m = Machine::new();
    m.reset(ccs_core::Processors::A, Models::default());
    m.cpu[0].jumpers = jumpers("config.jumpers.A", &config.jumpers.A)?;
    m.cpu[1].jumpers = jumpers("config.jumpers.B", &config.jumpers.B)?;
    for (name, cells, x) in [("memA", &state.memA, 0), ("memB", &state.memB, 1)] {
        for &(a, v) in cells {
            let a = bits::<12>(&format!("{name} address"), a)?;
            m.cpu[x].memory.set(a.index(), bits(&format!("{name}[0o{:o}]", a.get()), v)?);
        }
    }
    let attached = [("fdsA", &state.fdsA), ("fdsB", &state.fdsB), ("aacsA", &state.aacsA), ("aacsB", &state.aacsB)];
    for (i, (name, cells)) in attached.into_iter().enumerate() {
        for &(a, v) in cells.iter().flatten() {
            let field = format!("{name}[0o{a:o}]");
            if i < 2 {
                let a = bits::<13>(&format!("{name} address"), a)?;
                m.craft.fds[i].set(a.index(), bits(&field, v)?);
            } else {
                let a = bits::<12>(&format!("{name} address"), a)?;
                m.craft.aacs[i - 2].set(a.index(), bits(&field, v)?);
            }
        }
    }
    let cpu = &mut m.cpu[0];
    for (reg, v) in [
        (Reg::A, state.A),
        (Reg::P, state.P),
        (Reg::L, state.L),
        (Reg::CC, state.CC),
        (Reg::IE, state.IE),
        (Reg::MASK, state.MASK),
        (Reg::PEND, state.PEND),
        (Reg::ERR, state.ERR),
    ] {
        cpu.regs.set(reg, v).map_err(|e| setup_err(reg.name(), e))?;
    }
    cpu.time = state.time;
    if state.halted {
        cpu.state = RunState::Halted { code: Bits::ZERO };
    }
    if let Some(v) = state.FLA {
        cpu.fla = bits("FLA", v)?;
    }
    if let Some(v) = state.ALA {
        cpu.ala = bits("ALA", v)?;
    }
    for &(ch, v) in &state.inputs {
        let w: Word = bits(&format!("in[0o{ch:o}]"), v)?;
        if ch == 4 {
            cpu.mailbox = w;
        } else if let Some(latch) = m.craft.latches.get_mut(ch as u32) {
            *latch = w;
        } else {
            return Err(setup_err("in", format!("channel 0o{ch:o} has no input latch (0o00-0o05)")));
        }
    }
    m.craft.mode = u32::try_from(state.mode)
        .ok()
        .and_then(Mode::from_code)
        .ok_or_else(|| setup_err("mode", format!("{} is not 0, 1 or 2", state.mode)))?;
    m.craft.selections = u32::try_from(state.sel)
        .ok()
        .and_then(Selections::from_status_bits)
        .ok_or_else(|| setup_err("sel", format!("{} uses bits outside 3..8", state.sel)))?;
    // Clock events at or before the initial time are already reflected in PEND.
    m.set_event_horizon(state.time + 1);
    Ok(m)
}

fn cells_of<const W: u32, const N: usize>(mem: &ccs_core::memory::Memory<W, N>) -> Cells {
    mem.nonzero().map(|(a, w)| (a as u64, w.get() as u64)).collect()
}

/// The state object of processor A (and the shared state) as the vectors see it.
/// Attached memories are included when `attached` or when nonzero.
pub fn state_of(m: &Machine, attached: bool) -> State {
    let cpu = &m.cpu[0];
    let r = &cpu.regs;
    let latch = |ch: u64| {
        if ch == 4 { cpu.mailbox } else { m.craft.latches.get(ch as u32).unwrap_or(Word::ZERO) }
    };
    let opt = |c: Cells| (attached || !c.is_empty()).then_some(c);
    let fds = [cells_of(&m.craft.fds[0]), cells_of(&m.craft.fds[1])];
    let aacs = [cells_of(&m.craft.aacs[0]), cells_of(&m.craft.aacs[1])];
    let any_attached = attached || fds.iter().chain(&aacs).any(|c| !c.is_empty());
    let [fds_a, fds_b] = fds;
    let [aacs_a, aacs_b] = aacs;
    State {
        time: cpu.time,
        A: r.get(Reg::A),
        P: r.get(Reg::P),
        L: r.get(Reg::L),
        CC: r.get(Reg::CC),
        IE: r.get(Reg::IE),
        MASK: r.get(Reg::MASK),
        PEND: r.get(Reg::PEND),
        ERR: r.get(Reg::ERR),
        halted: cpu.is_halted(),
        mode: m.craft.mode as u64,
        sel: m.craft.selections.status_bits() as u64,
        memA: cells_of(&cpu.memory),
        memB: cells_of(&m.cpu[1].memory),
        inputs: INPUT_CHANNELS.iter().map(|&ch| (ch, latch(ch).get() as u64)).filter(|&(_, v)| v != 0).collect(),
        FLA: any_attached.then_some(cpu.fla.get() as u64),
        ALA: any_attached.then_some(cpu.ala.get() as u64),
        fdsA: opt(fds_a),
        fdsB: opt(fds_b),
        aacsA: opt(aacs_a),
        aacsB: opt(aacs_b),
        unknown: BTreeMap::new(),
    }
}

/// The machine's output log in the vectors' form.
pub fn outputs_of(m: &Machine) -> Vec<OutEntry> {
    m.craft
        .outputs
        .iter()
        .map(|o| match o.command {
            ccs_core::Command::Out { channel, value } => {
                OutEntry::Out("OUT".into(), channel.get() as u64, value.get() as u64)
            }
            ccs_core::Command::Dcm { number } => OutEntry::Dcm("DCM".into(), number.get() as u64),
        })
        .collect()
}

/// Compare listed cells (which must match) and every other cell (which must be 0).
fn compare_cells(field: &str, expected: &Cells, actual: &Cells, out: &mut Vec<Mismatch>) {
    let exp: BTreeMap<u64, u64> = expected.iter().copied().collect();
    let act: BTreeMap<u64, u64> = actual.iter().copied().collect();
    for addr in exp.keys().chain(act.keys()).collect::<std::collections::BTreeSet<_>>() {
        let e = exp.get(addr).copied().unwrap_or(0);
        let a = act.get(addr).copied().unwrap_or(0);
        if e != a {
            out.push(Mismatch { field: format!("{field}[0o{addr:o}]"), expected: num(e), actual: num(a) });
        }
    }
}

/// Every difference between an expected state and an actual one.
pub fn compare(expected: &State, actual: &State) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let scalars = [
        ("time", expected.time, actual.time),
        ("A", expected.A, actual.A),
        ("P", expected.P, actual.P),
        ("L", expected.L, actual.L),
        ("CC", expected.CC, actual.CC),
        ("IE", expected.IE, actual.IE),
        ("MASK", expected.MASK, actual.MASK),
        ("PEND", expected.PEND, actual.PEND),
        ("ERR", expected.ERR, actual.ERR),
        ("mode", expected.mode, actual.mode),
        ("sel", expected.sel, actual.sel),
    ];
    for (field, e, a) in scalars {
        if e != a {
            out.push(Mismatch { field: field.into(), expected: num(e), actual: num(a) });
        }
    }
    if expected.halted != actual.halted {
        out.push(Mismatch {
            field: "halted".into(),
            expected: expected.halted.to_string(),
            actual: actual.halted.to_string(),
        });
    }
    for (field, e, a) in [("FLA", expected.FLA, actual.FLA), ("ALA", expected.ALA, actual.ALA)] {
        if let Some(e) = e
            && Some(e) != a
        {
            out.push(Mismatch { field: field.into(), expected: num(e), actual: num(a.unwrap_or(0)) });
        }
    }
    compare_cells("memA", &expected.memA, &actual.memA, &mut out);
    compare_cells("memB", &expected.memB, &actual.memB, &mut out);
    compare_cells("in", &expected.inputs, &actual.inputs, &mut out);
    let attached = [
        ("fdsA", &expected.fdsA, &actual.fdsA),
        ("fdsB", &expected.fdsB, &actual.fdsB),
        ("aacsA", &expected.aacsA, &actual.aacsA),
        ("aacsB", &expected.aacsB, &actual.aacsB),
    ];
    for (field, e, a) in attached {
        let none = Cells::new();
        compare_cells(field, e.as_ref().unwrap_or(&none), a.as_ref().unwrap_or(&none), &mut out);
    }
    out
}

/// Result of running one vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail(Vec<Mismatch>),
    /// The vector itself is unusable.
    Invalid(SetupError),
}

impl Vector {
    /// Set up, run exactly one step of processor A, and compare (spec §13.1).
    pub fn run(&self) -> Verdict {
        let mut m = match machine_from_state(&self.initial, &self.config) {
            Ok(m) => m,
            Err(e) => return Verdict::Invalid(e),
        };
        m.step(ProcId::A);
        let actual = state_of(&m, true);
        let mut diffs = compare(&self.expected, &actual);
        let out = outputs_of(&m);
        if out != self.out {
            let show = |v: &[OutEntry]| format!("[{}]", v.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", "));
            diffs.push(Mismatch { field: "out".into(), expected: show(&self.out), actual: show(&out) });
        }
        let cycles = actual.time.wrapping_sub(self.initial.time);
        if cycles != self.cycles {
            diffs.push(Mismatch { field: "cycles".into(), expected: num(self.cycles), actual: num(cycles) });
        }
        if diffs.is_empty() { Verdict::Pass } else { Verdict::Fail(diffs) }
    }

    /// Keys of the initial and final states this runner ignored.
    pub fn unknown_keys(&self) -> Vec<String> {
        let i = self.initial.unknown.keys().map(|k| format!("initial.{k}"));
        i.chain(self.expected.unknown.keys().map(|k| format!("final.{k}"))).collect()
    }
}

/// A vector file that cannot be read or parsed (a [`ccs_files::FileError`]: the file,
/// and the line and column of a syntax error).
pub use ccs_files::FileError as LoadError;

/// Parse the text of one vector file (a JSON array of tests).
pub fn parse_vectors(path: &Path, text: &str) -> Result<Vec<Vector>, LoadError> {
    serde_json::from_str(text).map_err(|e| LoadError::json(path, &e))
}

/// The `.json` files named by `paths`: files as given, folders searched
/// recursively, in sorted order.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
        let io = |source| LoadError::Io { path: dir.to_path_buf(), source };
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(dir).map_err(io)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>().map_err(io)?;
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| LoadError::Io { path: p.clone(), source })?;
        if meta.is_dir() { walk(p, &mut files)? } else { files.push(p.clone()) }
    }
    Ok(files)
}

/// The most a vector file may hold: [`ccs_files::DEFAULT_DATA_LIMIT`] (some 100,000
/// vectors), raised by the `CCS_MAX_INPUT` environment variable.
pub fn file_limit() -> Result<ccs_files::ReadLimit, LoadError> {
    ccs_files::data_limit("a vectors file (set CCS_MAX_INPUT to raise it)")
}

/// Read and parse one vector file.
pub fn load_file(path: &Path) -> Result<Vec<Vector>, LoadError> {
    parse_vectors(path, &ccs_files::read_text_limited(path, file_limit()?)?)
}
