//! DevTools' Comparison view: which objects of each class are new in the target snapshot, which
//! were deleted since the base, and their (shallow) self sizes.
//!
//! As `calculateSnapshotDiff` does: rows are class keys (the class name, and for objects whose
//! snapshot records their constructor's location, that location too); the base's objects are
//! classified with the *target's* interface definitions, so that both sides name plain objects
//! alike; within a row objects are matched by V8's object id: an id in the target but not in the
//! base is new (its size counts as allocated), one in the base but not the target was deleted (its
//! size counts as freed). One merge over both snapshots' objects in id order gives every row at
//! once: an id present in both under the same row is unchanged; under different rows it counts as
//! deleted from one and new in the other, exactly as DevTools' per-row walk counts it. Objects of
//! zero (shallow) size are left out on both sides. The default order is DevTools': Alloc. Size,
//! largest first, ties by name.

use super::devtools::{Rules, js_cmp};
use super::{HeapSnapshot, ListenerGrowth, RetainerPath};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Where a constructor is defined, as the snapshot's `locations` records it (0-based line and
/// column in script `script_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub script_id: u32,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "script {}, line {}, column {}", self.script_id, self.line + 1, self.column + 1)
    }
}

/// One row of the Comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassDiff {
    /// The constructor (class) name.
    pub name: String,
    /// The constructor's location, for rows DevTools keys by location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// "# New": objects in the target whose id is not in the base (in this row).
    pub new_count: u64,
    /// "# Deleted": objects in the base whose id is not in the target (in this row).
    pub deleted_count: u64,
    /// "# Delta" = new − deleted.
    pub count_delta: i64,
    /// "Alloc. Size": self sizes of the new objects.
    pub alloc_size: u64,
    /// "Freed Size": self sizes of the deleted objects.
    pub freed_size: u64,
    /// "Size Delta" = alloc − freed.
    pub size_delta: i64,
}

impl ClassDiff {
    /// DevTools' key of the row: `script,line,column,name` or `,name`.
    pub fn class_key(&self) -> String {
        match self.location {
            Some(l) => format!("{},{},{},{}", l.script_id, l.line, l.column, self.name),
            None => format!(",{}", self.name),
        }
    }
}

/// The Comparison of a target snapshot against a base snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub rules: Rules,
    /// Objects (non-zero self size) in the base and the target.
    pub base_objects: u64,
    pub target_objects: u64,
    /// Total self sizes of those objects.
    pub base_size: u64,
    pub target_size: u64,
    /// Object ids found in both.
    pub common_ids: u64,
    /// Of those, how many changed row: rare within one process, common across two.
    pub class_changes: u64,
    /// `common_ids / base_objects`: the share of the base's objects still there, by id.
    pub overlap: f64,
    /// Set when the snapshots look like they come from different processes.
    pub warning: Option<String>,
    /// Rows with at least one new or deleted object, in DevTools' order (Alloc. Size, largest first).
    pub classes: Vec<ClassDiff>,
    /// What holds the top growing rows, when asked for ([`Comparison::with_retainers`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retainers: Vec<RetainerPath>,
    /// Event listener arrays that grew, with their emitters (when retainers were asked for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub listeners: Vec<ListenerGrowth>,
    /// Per row (same order as `classes`): a representative new object's node in the target.
    #[serde(skip)]
    pub(crate) representatives: Vec<Option<u32>>,
}

impl Comparison {
    /// The rows that grew (size delta > 0), in the order shown.
    pub fn growing(&self) -> impl Iterator<Item = &ClassDiff> {
        self.classes.iter().filter(|c| c.size_delta > 0)
    }

    /// The first row named `name`.
    pub fn class(&self, name: &str) -> Option<&ClassDiff> {
        self.classes.iter().find(|c| c.name == name)
    }

    /// Sort the rows by size delta, largest first (ccs's order before DevTools' was adopted).
    pub fn sort_by_size_delta(&mut self) {
        let mut paired: Vec<(ClassDiff, Option<u32>)> =
            self.classes.drain(..).zip(self.representatives.drain(..)).collect();
        paired.sort_by(|(a, _), (b, _)| {
            b.size_delta.cmp(&a.size_delta).then_with(|| js_cmp(&a.name, &b.name)).then(a.location.cmp(&b.location))
        });
        (self.classes, self.representatives) = paired.into_iter().unzip();
    }

    /// Keep the first `n` rows (all with 0); returns how many were dropped.
    pub fn truncate(&mut self, n: usize) -> usize {
        let n = if n == 0 { self.classes.len() } else { n.min(self.classes.len()) };
        let dropped = self.classes.len() - n;
        self.classes.truncate(n);
        self.representatives.truncate(n);
        dropped
    }
}

/// Below this share of the base's ids found again in the target, warn.
pub const MIN_OVERLAP: f64 = 0.2;
/// Above this share of common ids whose class changed, warn.
pub const MAX_CLASS_CHANGES: f64 = 0.05;

/// Compare `target` against `base` (both from the same process, base taken first) with DevTools'
/// rules.
pub fn compare(base: &HeapSnapshot, target: &HeapSnapshot) -> Comparison {
    compare_with(base, target, Rules::DEVTOOLS)
}

#[derive(Default)]
struct Row {
    diff: Option<ClassDiff>,
    /// The base-only row's name comes from the base's own naming of its last (highest id) object,
    /// as DevTools' `aggregatesForDiff` reports it.
    last_base_node: Option<u32>,
    /// The largest new object's size, and how many new objects have it.
    largest: Option<(u64, u64)>,
}

/// [`compare`] under `rules`.
pub fn compare_with(base: &HeapSnapshot, target: &HeapSnapshot, rules: Rules) -> Comparison {
    let definitions = if rules.interface_names { target.interface_definitions(rules) } else { Vec::new() };
    let tc = target.classify(rules, &definitions);
    let bc = base.classify(rules, &definitions);

    // Unify the two sides' classes by (name, location).
    let mut rows: Vec<Row> = Vec::new();
    let mut by_key: HashMap<(String, Option<Location>), usize> = HashMap::new();
    let mut row_of = |name: &str, location: Option<Location>, rows: &mut Vec<Row>| -> usize {
        *by_key.entry((name.to_owned(), location)).or_insert_with(|| {
            rows.push(Row {
                diff: Some(ClassDiff {
                    name: name.to_owned(),
                    location,
                    new_count: 0,
                    deleted_count: 0,
                    count_delta: 0,
                    alloc_size: 0,
                    freed_size: 0,
                    size_delta: 0,
                }),
                ..Row::default()
            });
            rows.len() - 1
        })
    };
    let target_rows: Vec<usize> = tc.names.iter().zip(&tc.locations).map(|(n, &l)| row_of(n, l, &mut rows)).collect();
    let base_rows: Vec<usize> = bc.names.iter().zip(&bc.locations).map(|(n, &l)| row_of(n, l, &mut rows)).collect();

    let counted = |s: &HeapSnapshot, sizes: &[u64]| -> Vec<u32> {
        s.by_id.iter().copied().filter(|&n| sizes[n as usize] > 0).collect()
    };
    let (b, t) = (counted(base, &bc.sizes), counted(target, &tc.sizes));
    // Rows the target has objects in (new or not): DevTools takes their name from the target.
    let mut in_target = vec![false; rows.len()];
    for &y in &t {
        in_target[target_rows[tc.of[y as usize] as usize]] = true;
    }
    let (mut i, mut j) = (0, 0);
    let (mut common, mut changed) = (0u64, 0u64);
    // every new object with its row, in id (allocation) order
    let mut new_objects: Vec<(u32, u32)> = Vec::new();
    let deleted = |rows: &mut Vec<Row>, row: usize, node: u32, size: u64| {
        let r = &mut rows[row];
        if let Some(d) = r.diff.as_mut() {
            d.deleted_count += 1;
            d.freed_size += size;
        }
        r.last_base_node = Some(node);
    };
    let mut added = |rows: &mut Vec<Row>, row: usize, node: u32, size: u64| {
        let r = &mut rows[row];
        if let Some(d) = r.diff.as_mut() {
            d.new_count += 1;
            d.alloc_size += size;
        }
        match r.largest {
            Some((s, n)) if s == size => r.largest = Some((s, n + 1)),
            Some((s, _)) if s > size => {}
            _ => r.largest = Some((size, 1)),
        }
        new_objects.push((row as u32, node));
    };
    let base_row = |n: u32| base_rows[bc.of[n as usize] as usize];
    let target_row = |n: u32| target_rows[tc.of[n as usize] as usize];
    while i < b.len() && j < t.len() {
        let (x, y) = (b[i], t[j]);
        let (xid, yid) = (base.node_id[x as usize], target.node_id[y as usize]);
        if xid < yid {
            deleted(&mut rows, base_row(x), x, bc.sizes[x as usize]);
            i += 1;
        } else if xid > yid {
            added(&mut rows, target_row(y), y, tc.sizes[y as usize]);
            j += 1;
        } else {
            common += 1;
            let (rx, ry) = (base_row(x), target_row(y));
            if rx != ry {
                changed += 1;
                deleted(&mut rows, rx, x, bc.sizes[x as usize]);
                added(&mut rows, ry, y, tc.sizes[y as usize]);
            } else {
                rows[rx].last_base_node = Some(x);
            }
            i += 1;
            j += 1;
        }
    }
    for &x in &b[i..] {
        deleted(&mut rows, base_row(x), x, bc.sizes[x as usize]);
    }
    for &y in &t[j..] {
        added(&mut rows, target_row(y), y, tc.sizes[y as usize]);
    }

    // The object whose retaining path stands for a row: of its largest new objects, the middle
    // one in allocation order, away from start-up and shutdown work.
    let mut seen: Vec<u64> = vec![0; rows.len()];
    let mut representative: Vec<Option<u32>> = vec![None; rows.len()];
    for &(row, node) in &new_objects {
        let r = row as usize;
        if let Some((size, count)) = rows[r].largest
            && tc.sizes[node as usize] == size
        {
            if seen[r] == count / 2 {
                representative[r] = Some(node);
            }
            seen[r] += 1;
        }
    }
    drop(new_objects);

    // Rows only the base has objects in: DevTools names them as the base names its own objects.
    let base_only =
        (0..rows.len()).any(|r| !in_target[r] && rows[r].diff.as_ref().is_some_and(|d| d.deleted_count > 0));
    let base_own = (rules.interface_names && base_only).then(|| {
        let own = base.interface_definitions(rules);
        base.classify(rules, &own)
    });
    let mut classes = Vec::new();
    let mut representatives = Vec::new();
    for (index, r) in rows.into_iter().enumerate() {
        let Some(mut d) = r.diff else { continue };
        if d.new_count == 0 && d.deleted_count == 0 {
            continue;
        }
        if !in_target[index]
            && let (Some(own), Some(node)) = (&base_own, r.last_base_node)
        {
            d.name = own.names[own.of[node as usize] as usize].clone();
        }
        d.count_delta = d.new_count as i64 - d.deleted_count as i64;
        // no overflow: both sums are at most one snapshot's total size, checked to fit an i64
        d.size_delta = d.alloc_size as i64 - d.freed_size as i64;
        classes.push(d);
        representatives.push(representative[index]);
    }
    let mut paired: Vec<(ClassDiff, Option<u32>)> = classes.into_iter().zip(representatives).collect();
    paired.sort_by(|(a, _), (b, _)| {
        b.alloc_size.cmp(&a.alloc_size).then_with(|| js_cmp(&a.name, &b.name)).then(a.location.cmp(&b.location))
    });
    let (classes, representatives): (Vec<_>, Vec<_>) = paired.into_iter().unzip();

    let overlap = if b.is_empty() { 1.0 } else { common as f64 / b.len() as f64 };
    let change_share = if common == 0 { 0.0 } else { changed as f64 / common as f64 };
    let warning = if !b.is_empty() && !t.is_empty() && overlap < MIN_OVERLAP {
        Some(format!(
            "only {:.1}% of the base snapshot's object ids are in the target: these snapshots probably come \
             from different processes, and a Comparison only means something between snapshots of one process",
            overlap * 100.0
        ))
    } else if change_share > MAX_CLASS_CHANGES {
        Some(format!(
            "{:.1}% of the object ids found in both snapshots belong to a different class in each: these \
             snapshots probably come from different processes, and a Comparison only means something between \
             snapshots of one process",
            change_share * 100.0
        ))
    } else {
        None
    };
    let total = |s: &[u64], objects: &[u32]| objects.iter().map(|&n| s[n as usize]).sum();
    Comparison {
        rules,
        base_objects: b.len() as u64,
        target_objects: t.len() as u64,
        base_size: total(&bc.sizes, &b),
        target_size: total(&tc.sizes, &t),
        common_ids: common,
        class_changes: changed,
        overlap,
        warning,
        classes,
        retainers: Vec::new(),
        listeners: Vec::new(),
        representatives,
    }
}
