//! A campaign's results: what ran, which share of it, every trial, the table; shards
//! of one campaign merged into the report the whole campaign gives.

use crate::plan::{Plan, Shard, memory_name};
use crate::{FaultClass, Outcome, Setup};
use ccs_core::{MemoryId, thousands};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hasher;

/// Counts by fault class and outcome (classes and outcomes without a trial left out).
pub type Table = BTreeMap<FaultClass, BTreeMap<Outcome, u32>>;

/// What a campaign is: the same for every shard of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// The program, as named on the command line.
    pub program: String,
    pub plan: Plan,
    /// Length of every run, in cycles.
    pub cycles: u64,
    /// Trials of the whole campaign.
    pub trials: usize,
    /// A digest of everything the outcomes depend on: the images, processors, jumpers,
    /// models, scenario inputs, run length, the map's regions and the plan (FNV-1a, 64
    /// bits, of their JSON: the same on every machine).
    pub fingerprint: String,
}

impl Campaign {
    pub fn new(setup: &Setup, program: &str, plan: Plan) -> Campaign {
        /// An image as the digest sees it: kind, processors, (address, word) pairs.
        type ImageIdentity<'a> = (ccs_core::ImageKind, ccs_core::Target, &'a [(u32, u32)]);
        #[derive(Serialize)]
        struct Identity<'a> {
            images: Vec<ImageIdentity<'a>>,
            jumpers: &'a [ccs_core::Jumpers; 2],
            running: ccs_core::Processors,
            models: ccs_core::Models,
            inputs: &'a [ccs_core::TimedInput],
            cycles: u64,
            regions: Vec<(&'a str, &'static str, u32, u32, bool)>,
            plan: &'a Plan,
        }
        let identity = Identity {
            images: setup.machine.images.iter().map(|(i, t)| (i.kind, *t, i.words.as_slice())).collect(),
            jumpers: &setup.machine.jumpers,
            running: setup.machine.running(),
            models: setup.machine.models,
            inputs: &setup.machine.events,
            cycles: setup.cycles,
            regions: setup
                .map
                .regions
                .iter()
                .map(|r| (r.name.as_str(), r.memory.name(), r.start, r.end, r.writable))
                .collect(),
            plan: &plan,
        };
        let mut hasher = fnv::FnvHasher::default();
        hasher.write(&serde_json::to_vec(&identity).expect("plain data serializes"));
        Campaign {
            program: program.to_string(),
            trials: plan.trials(),
            plan,
            cycles: setup.cycles,
            fingerprint: format!("{:016x}", hasher.finish()),
        }
    }
}

/// A flipped memory bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BitFlip {
    #[serde(with = "memory_name")]
    pub memory: MemoryId,
    pub addr: u32,
    pub bit: u8,
}

/// One trial: a fault and its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trial {
    pub index: usize,
    pub class: FaultClass,
    /// The fault as it was injected, in words, with its time.
    pub fault: String,
    /// The word and bit, for a memory bit flip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flip: Option<BitFlip>,
    pub outcome: Outcome,
    /// Why it was classified so.
    pub reason: String,
}

/// How long a share of a campaign took where it ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub shard: Shard,
    pub trials: usize,
    /// Wall time of the trials (the golden run included).
    pub seconds: f64,
    pub threads: usize,
}

impl Timing {
    pub fn trials_per_second(&self) -> f64 {
        if self.seconds > 0.0 { self.trials as f64 / self.seconds } else { 0.0 }
    }
}

/// A campaign's results, or one shard's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub campaign: Campaign,
    pub shard: Shard,
    pub table: Table,
    /// In index order.
    pub trials: Vec<Trial>,
    /// One entry per shard that ran (one for an unsharded run).
    pub timing: Vec<Timing>,
}

/// Counts of `trials` by class and outcome.
pub fn table_of(trials: &[Trial]) -> Table {
    let mut t = Table::new();
    for trial in trials {
        *t.entry(trial.class).or_default().entry(trial.outcome).or_default() += 1;
    }
    t
}

impl Report {
    /// The table as text: one row per class the plan draws from, one column per outcome.
    pub fn table_text(&self) -> String {
        let mut s = format!("{:<18}", "FAULT CLASS");
        for o in Outcome::ALL {
            s += &format!(" {:>23}", o.name());
        }
        let w = thousands(self.trials.len() as u64).len().max(6);
        s += &format!(" {:>w$}\n", "TOTAL");
        let mut totals = [0u32; 5];
        for &class in self.campaign.plan.classes() {
            let row = self.table.get(&class);
            let count = |o: Outcome| row.and_then(|r| r.get(&o)).copied().unwrap_or(0);
            s += &format!("{:<18}", class.name());
            let mut total = 0;
            for (i, o) in Outcome::ALL.into_iter().enumerate() {
                s += &format!(" {:>23}", thousands(count(o) as u64));
                totals[i] += count(o);
                total += count(o);
            }
            s += &format!(" {:>w$}\n", thousands(total as u64));
        }
        s += &format!("{:<18}", "all");
        for t in totals {
            s += &format!(" {:>23}", thousands(t as u64));
        }
        s += &format!(" {:>w$}\n", thousands(totals.iter().sum::<u32>() as u64));
        s
    }
}

/// Why shard results cannot be merged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("no shard results to merge")]
    Empty,
    #[error("{file} is of another campaign than {first}: its {what}")]
    OtherCampaign { file: String, first: String, what: String },
    #[error(
        "{file} is shard {shard} but {first} is shard {first_shard}: the shards of one run are K/N with the same N"
    )]
    OtherSplit { file: String, shard: Shard, first: String, first_shard: Shard },
    #[error("{file} and {other} are both shard {shard}")]
    Duplicate { file: String, other: String, shard: Shard },
    #[error("shard{} {} {} missing", if missing.len() == 1 { "" } else { "s" }, list(missing), if missing.len() == 1 { "is" } else { "are" })]
    Missing { n: usize, missing: Vec<Shard> },
    #[error("{file} (shard {shard}) is incomplete: it has {got} of the shard's {expected} trials")]
    Incomplete { file: String, shard: Shard, expected: usize, got: usize },
}

fn list(shards: &[Shard]) -> String {
    let names: Vec<String> = shards.iter().map(Shard::to_string).collect();
    names.join(", ")
}

/// Combine the shard results of one campaign, each named by its file, into the report
/// the whole campaign gives (its timing: every shard's). Refuses shards of different
/// campaigns or splits, duplicates, missing shards and shards missing trials.
pub fn merge(shards: Vec<(String, Report)>) -> Result<Report, MergeError> {
    let Some((first, head)) = shards.first().map(|(f, r)| (f.clone(), r.clone())) else {
        return Err(MergeError::Empty);
    };
    let mut seen: BTreeMap<usize, &str> = BTreeMap::new();
    for (file, r) in &shards {
        let (a, b) = (&head.campaign, &r.campaign);
        let what = if a.program != b.program {
            Some(format!("program differs ({} against {})", b.program, a.program))
        } else if a.plan != b.plan || a.trials != b.trials {
            Some("plan differs (its faults, words or fault time)".into())
        } else if a.cycles != b.cycles {
            Some(format!("run length differs ({} cycles against {})", thousands(b.cycles), thousands(a.cycles)))
        } else if a.fingerprint != b.fingerprint {
            Some(format!(
                "images, processors, jumpers, scenario or map differ (fingerprint {} against {})",
                b.fingerprint, a.fingerprint
            ))
        } else {
            None
        };
        if let Some(what) = what {
            return Err(MergeError::OtherCampaign { file: file.clone(), first: first.clone(), what });
        }
        if r.shard.n != head.shard.n {
            return Err(MergeError::OtherSplit {
                file: file.clone(),
                shard: r.shard,
                first: first.clone(),
                first_shard: head.shard,
            });
        }
        if let Some(other) = seen.insert(r.shard.k, file) {
            return Err(MergeError::Duplicate { file: file.clone(), other: other.to_string(), shard: r.shard });
        }
        let expected: BTreeSet<usize> = r.shard.indices(r.campaign.trials).collect();
        let got: BTreeSet<usize> = r.trials.iter().map(|t| t.index).filter(|i| expected.contains(i)).collect();
        if got.len() != expected.len() || r.trials.len() != expected.len() {
            return Err(MergeError::Incomplete {
                file: file.clone(),
                shard: r.shard,
                expected: expected.len(),
                got: got.len(),
            });
        }
    }
    let n = head.shard.n;
    let missing: Vec<Shard> = (1..=n).filter(|k| !seen.contains_key(k)).map(|k| Shard { k, n }).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing { n, missing });
    }
    let mut trials: Vec<Trial> = Vec::with_capacity(head.campaign.trials);
    let mut timing = Vec::new();
    for (_, r) in shards {
        trials.extend(r.trials);
        timing.extend(r.timing);
    }
    trials.sort_by_key(|t| t.index);
    timing.sort_by_key(|t| t.shard);
    Ok(Report { campaign: head.campaign, shard: Shard::ALL, table: table_of(&trials), trials, timing })
}
