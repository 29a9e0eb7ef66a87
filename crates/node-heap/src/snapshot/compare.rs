//! DevTools' Comparison view: which objects of each class are new in the target snapshot, which
//! were deleted since the base, and their self sizes.
//!
//! DevTools matches objects by V8's object id within each class (`calculateDiffForClass` in its
//! HeapSnapshot.ts walks both classes' id lists in order): an id in the target but not in the base
//! is new (its self size counts as allocated), an id in the base but not the target was deleted (its
//! self size counts as freed). Both snapshots list their objects sorted by id here, so one merge
//! over all ids gives the same result for every class at once: an id present in both under the same
//! class is unchanged; under different classes it counts as deleted from one and new in the other,
//! exactly as the per-class walk would count it. Objects of zero self size are left out on both
//! sides, as DevTools does.

use super::HeapSnapshot;
use serde::Serialize;
use std::collections::HashMap;

/// One row of the Comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassDiff {
    /// The constructor (class) name.
    pub name: String,
    /// "# New": objects in the target whose id is not in the base (in this class).
    pub new_count: u64,
    /// "# Deleted": objects in the base whose id is not in the target (in this class).
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

/// The Comparison of a target snapshot against a base snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Objects (non-zero self size) in the base and the target.
    pub base_objects: u64,
    pub target_objects: u64,
    /// Object ids found in both.
    pub common_ids: u64,
    /// Of those, how many changed class: rare within one process, common across two.
    pub class_changes: u64,
    /// `common_ids / base_objects`: the share of the base's objects still there, by id.
    pub overlap: f64,
    /// Set when the snapshots look like they come from different processes.
    pub warning: Option<String>,
    /// Classes with at least one new or deleted object, largest size delta first.
    pub classes: Vec<ClassDiff>,
}

impl Comparison {
    /// The classes that grew (size delta > 0), largest first.
    pub fn growing(&self) -> impl Iterator<Item = &ClassDiff> {
        self.classes.iter().filter(|c| c.size_delta > 0)
    }

    pub fn class(&self, name: &str) -> Option<&ClassDiff> {
        self.classes.iter().find(|c| c.name == name)
    }
}

/// Below this share of the base's ids found again in the target, warn.
pub const MIN_OVERLAP: f64 = 0.2;
/// Above this share of common ids whose class changed, warn.
pub const MAX_CLASS_CHANGES: f64 = 0.05;

/// The row of class `name`, added if new.
fn row_of<'a>(rows: &mut Vec<ClassDiff>, by_name: &mut HashMap<&'a str, usize>, name: &'a str) -> usize {
    *by_name.entry(name).or_insert_with(|| {
        rows.push(ClassDiff {
            name: name.to_owned(),
            new_count: 0,
            deleted_count: 0,
            count_delta: 0,
            alloc_size: 0,
            freed_size: 0,
            size_delta: 0,
        });
        rows.len() - 1
    })
}

/// Compare `target` against `base` (both from the same process, base taken first).
pub fn compare(base: &HeapSnapshot, target: &HeapSnapshot) -> Comparison {
    // Unify the two snapshots' class indexes by name.
    let mut rows: Vec<ClassDiff> = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let base_rows: Vec<usize> = base.class_names().iter().map(|n| row_of(&mut rows, &mut by_name, n)).collect();
    let target_rows: Vec<usize> = target.class_names().iter().map(|n| row_of(&mut rows, &mut by_name, n)).collect();

    let (b, t) = (base.objects(), target.objects());
    let (mut i, mut j) = (0, 0);
    let (mut common, mut changed) = (0u64, 0u64);
    let deleted = |rows: &mut Vec<ClassDiff>, row: usize, size: u64| {
        rows[row].deleted_count += 1;
        rows[row].freed_size += size;
    };
    let added = |rows: &mut Vec<ClassDiff>, row: usize, size: u64| {
        rows[row].new_count += 1;
        rows[row].alloc_size += size;
    };
    while i < b.len() && j < t.len() {
        let (x, y) = (&b[i], &t[j]);
        if x.id < y.id {
            deleted(&mut rows, base_rows[x.class as usize], x.self_size);
            i += 1;
        } else if x.id > y.id {
            added(&mut rows, target_rows[y.class as usize], y.self_size);
            j += 1;
        } else {
            common += 1;
            let (rx, ry) = (base_rows[x.class as usize], target_rows[y.class as usize]);
            if rx != ry {
                changed += 1;
                deleted(&mut rows, rx, x.self_size);
                added(&mut rows, ry, y.self_size);
            }
            i += 1;
            j += 1;
        }
    }
    for x in &b[i..] {
        deleted(&mut rows, base_rows[x.class as usize], x.self_size);
    }
    for y in &t[j..] {
        added(&mut rows, target_rows[y.class as usize], y.self_size);
    }

    for r in &mut rows {
        r.count_delta = r.new_count as i64 - r.deleted_count as i64;
        r.size_delta = r.alloc_size as i64 - r.freed_size as i64;
    }
    rows.retain(|r| r.new_count > 0 || r.deleted_count > 0);
    rows.sort_by(|a, b| {
        b.size_delta
            .cmp(&a.size_delta)
            .then_with(|| b.count_delta.cmp(&a.count_delta))
            .then_with(|| a.name.cmp(&b.name))
    });

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
    Comparison {
        base_objects: b.len() as u64,
        target_objects: t.len() as u64,
        common_ids: common,
        class_changes: changed,
        overlap,
        warning,
        classes: rows,
    }
}
