//! What holds an object: the shortest retaining path from a GC root, as DevTools' Retainers view
//! leads to it, and event listener arrays that grew between two snapshots.
//!
//! Distances are DevTools' (`calculateDistances` for the Retainers view): a breadth-first walk from
//! the root's user roots first, then from the root itself for what only the system reaches; weak
//! edges never retain, and three of DevTools' filters apply (a native context's
//! `sloppy_function_map`, the descriptor links of `(map descriptors)`, the first of the two edges
//! V8 writes for a WeakMap entry). The walk remembers the edge that reached each node, so the path
//! of any node is read back from it to the root: every node on it is one step nearer a root than
//! the next, which is the path DevTools shows when one follows the nearest retainer at each level.
//! Nodes and edges are named as that view names them: `edge :: node @id`, strings in quotes,
//! functions `name()`, plain objects `{a, b, …}`, elements `[3]`.

use super::HeapSnapshot;
use super::compare::{Comparison, Location};
use super::devtools::{format_property_name, js_len};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// DevTools' `baseSystemDistance`: distances of what only the system (not a user root) reaches.
pub const SYSTEM_DISTANCE: u32 = 100_000_000;
const NO_DISTANCE: u32 = u32::MAX;
const NO_EDGE: u32 = u32::MAX;
/// Node names in a path are cut to this many characters.
const SHOWN_NAME: usize = 120;

/// One step of a retaining path: the edge from the previous node and the node it reaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PathStep {
    /// `property`, `element`, `context`, `internal`, `hidden`, `shortcut` (weak edges never retain).
    pub edge_type: String,
    /// The edge's name as the Retainers view shows it: `headers`, `[12]`, `user-4213`.
    pub edge: String,
    /// The node as the Retainers view shows it: `CachedRequest`, `"session=…"`, `onReload()`.
    pub node: String,
    /// The node's row in the Summary and Comparison views.
    pub class: String,
    pub node_type: String,
    pub id: u32,
    pub self_size: u64,
}

impl std::fmt::Display for PathStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} :: {} @{}", self.edge, self.node, self.id)
    }
}

/// The retaining path of a representative new object of a growing row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetainerPath {
    /// The row: its class name and location.
    pub class: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The object whose path this is (of the row's largest new objects, the middle one by id).
    pub object_id: u32,
    /// Steps from the GC roots (user roots at 1; `SYSTEM_DISTANCE` and up for what only the system
    /// holds); `None` if nothing strong reaches it.
    pub distance: Option<u32>,
    /// From a child of the root (a GC root) to the object itself, which is the last step. Empty if
    /// unreachable.
    pub path: Vec<PathStep>,
}

impl RetainerPath {
    /// The path on one line, `(GC roots) → … → cache → user-4213 → CachedRequest`, eliding the
    /// middle of long paths.
    pub fn chain(&self, max_steps: usize) -> String {
        let Some(first) = self.path.first() else { return "not reachable from the GC roots".into() };
        let mut parts: Vec<String> = vec![first.node.clone()];
        let rest = &self.path[1..];
        let keep = max_steps.saturating_sub(2).max(1);
        if rest.len() > keep + 1 {
            parts.push("…".into());
            parts.extend(rest[rest.len() - keep..].iter().map(|s| s.edge.clone()));
        } else {
            parts.extend(rest.iter().map(|s| s.edge.clone()));
        }
        if self.path.len() > 1 {
            parts.push(self.class.clone());
        }
        parts.join(" → ")
    }
}

/// An event listener array that grew between the snapshots, named with its emitter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ListenerGrowth {
    /// The emitter's class (`EventEmitter`, `Server`, `Socket`...).
    pub emitter: String,
    pub emitter_id: u32,
    /// The event: the key in the emitter's `_events`.
    pub event: String,
    pub base_listeners: u64,
    pub target_listeners: u64,
    /// What holds the emitter.
    pub path: Vec<PathStep>,
}

/// Distances from the GC roots and the edge that first reached each node.
pub struct Retainers<'a> {
    snap: &'a HeapSnapshot,
    distance: Vec<u32>,
    parent_edge: Vec<u32>,
    renamed: Vec<u64>,
}

impl HeapSnapshot {
    /// The breadth-first walk behind every retaining path of this snapshot.
    pub fn retainers(&self) -> Retainers<'_> {
        let n = self.node_type.len();
        let mut distance = vec![NO_DISTANCE; n];
        let mut parent_edge = vec![NO_EDGE; n];
        let mut queue: Vec<u32> = Vec::with_capacity(n);
        let mut pending_ephemerons: HashSet<&str> = HashSet::new();
        for e in self.edges(self.root) {
            let child = self.edge_to[e];
            if self.is_user_root(child) && distance[child as usize] == NO_DISTANCE {
                distance[child as usize] = 1;
                parent_edge[child as usize] = e as u32;
                queue.push(child);
            }
        }
        self.walk(&mut queue, &mut distance, &mut parent_edge, &mut pending_ephemerons);
        queue.clear();
        if n == 0 {
            return Retainers { snap: self, distance, parent_edge, renamed: Vec::new() };
        }
        distance[self.root as usize] = if parent_edge.iter().any(|&p| p != NO_EDGE) { SYSTEM_DISTANCE } else { 0 };
        queue.push(self.root);
        self.walk(&mut queue, &mut distance, &mut parent_edge, &mut pending_ephemerons);
        Retainers { snap: self, distance, parent_edge, renamed: self.detached_natives() }
    }

    /// DevTools' `bfs` with the Retainers view's filter.
    fn walk<'s>(
        &'s self,
        queue: &mut Vec<u32>,
        distance: &mut [u32],
        parent_edge: &mut [u32],
        pending_ephemerons: &mut HashSet<&'s str>,
    ) {
        let mut at = 0;
        while at < queue.len() {
            let node = queue[at];
            at += 1;
            let d = distance[node as usize].saturating_add(1);
            for e in self.edges(node) {
                if Some(self.edge_type[e]) == self.edge_types.weak {
                    continue;
                }
                let child = self.edge_to[e];
                if distance[child as usize] != NO_DISTANCE {
                    continue;
                }
                if !self.retains(node, e, pending_ephemerons) {
                    continue;
                }
                distance[child as usize] = d;
                parent_edge[child as usize] = e as u32;
                queue.push(child);
            }
        }
    }

    /// `JSHeapSnapshot.calculateDistances`' filter.
    fn retains<'s>(&'s self, node: u32, e: usize, pending_ephemerons: &mut HashSet<&'s str>) -> bool {
        let t = self.types;
        let edge_name = || self.edge_name_text(e);
        if self.is_type(node, t.hidden)
            && self.name(node) == "system / NativeContext"
            && edge_name() == "sloppy_function_map"
        {
            return false;
        }
        if self.is_type(node, t.array) && self.name(node) == "(map descriptors)" {
            // parseInt of the edge's name: NaN for a string name, which keeps the edge
            return match edge_name().parse::<i64>() {
                Ok(index) => index < 2 || index % 3 != 1,
                Err(_) => true,
            };
        }
        if Some(self.edge_type[e]) == self.edge_types.internal
            && let Some(pair) = weak_map_pair(self.strings.get(self.edge_name[e]))
        {
            // V8 writes two edges to a WeakMap value (from the table and from the key): the first
            // one seen is skipped, so the value's distance comes from the second.
            if !pending_ephemerons.remove(pair) {
                pending_ephemerons.insert(pair);
                return false;
            }
        }
        true
    }

    /// An edge's name: its string, or its index for element and hidden edges.
    pub(crate) fn edge_name_text(&self, e: usize) -> String {
        let name = self.edge_name[e];
        if self.edge_types.named_by_string(self.edge_type[e]) {
            self.strings.get(name).to_owned()
        } else {
            name.to_string()
        }
    }

    /// The edge's name as the Retainers view shows it.
    fn shown_edge(&self, e: usize) -> String {
        let name = self.edge_name_text(e);
        if Some(self.edge_type[e]) == self.edge_types.element {
            format!("[{name}]")
        } else if name.is_empty() {
            "(empty)".into()
        } else {
            name
        }
    }

    /// `JSHeapSnapshotNode.name()` then `createObjectCell`: how the views show node `i`.
    pub(crate) fn shown_node(&self, i: u32, renamed: &[u64]) -> String {
        let t = self.types;
        let cut = |i: u32| if self.strings.is_cut(self.node_name[i as usize]) { "…" } else { "" };
        let name = if self.is_type(i, t.cons_string) {
            self.cons_string_name(i)
        } else if self.is_plain_object(i) {
            self.plain_object_name(i)
        } else {
            format!("{}{}", self.display_raw_name(i, renamed), cut(i))
        };
        let ty = Some(self.node_type[i as usize]);
        let shown = if ty == t.string || ty == t.cons_string {
            format!("\"{name}\"")
        } else if ty == t.regexp {
            format!("/{name}/")
        } else if ty == t.closure {
            format!("{name}()")
        } else if ty == t.array {
            if name.is_empty() { "(internal array)[]".into() } else { format!("{name}[]") }
        } else {
            name
        };
        if shown.chars().count() > SHOWN_NAME {
            let mut s: String = shown.chars().take(SHOWN_NAME - 1).collect();
            s.push('…');
            s
        } else {
            shown
        }
    }

    /// `consStringName`: the parts of a concatenated string, in order, up to 1024 characters.
    fn cons_string_name(&self, i: u32) -> String {
        let mut stack = vec![i];
        let mut name = String::new();
        let internal = self.edge_types.internal;
        while let Some(n) = stack.pop() {
            if name.len() >= 1024 {
                break;
            }
            if !self.is_type(n, self.types.cons_string) {
                name.push_str(self.name(n));
                continue;
            }
            let (mut first, mut second) = (None, None);
            for e in self.edges(n) {
                if Some(self.edge_type[e]) == internal {
                    match self.strings.get(self.edge_name[e]) {
                        "first" => first = Some(self.edge_to[e]),
                        "second" => second = Some(self.edge_to[e]),
                        _ => {}
                    }
                }
            }
            // DevTools pushes node 0 (the root, with an empty name) for a missing part
            stack.push(second.unwrap_or(self.root));
            stack.push(first.unwrap_or(self.root));
        }
        name
    }

    /// `#plainObjectName`: `{first, second, …, last}` within about 100 characters.
    fn plain_object_name(&self, i: u32) -> String {
        let edges: Vec<usize> = self
            .edges(i)
            .filter(|&e| {
                Some(self.edge_type[e]) == self.edge_types.property
                    && self.strings.get(self.edge_name[e]) != "__proto__"
            })
            .collect();
        let (mut start, mut end) = (String::from("{"), String::from("}"));
        let (mut from_start, mut from_end) = (0usize, edges.len());
        let mut next_from_end = false;
        while from_start < from_end {
            let e = if next_from_end { edges[from_end - 1] } else { edges[from_start] };
            let formatted = format_property_name(self.strings.get(self.edge_name[e]));
            if js_len(&start) > 1 && js_len(&start) + js_len(&end) + js_len(&formatted) > 100 {
                break;
            }
            if next_from_end {
                from_end -= 1;
                if js_len(&end) > 1 {
                    end = format!(", {end}");
                }
                end = format!("{formatted}{end}");
            } else {
                from_start += 1;
                if js_len(&start) > 1 {
                    start.push_str(", ");
                }
                start.push_str(&formatted);
            }
            next_from_end = !next_from_end;
        }
        if from_start < from_end {
            start.push_str(", …");
        }
        if js_len(&end) > 1 {
            start.push_str(", ");
        }
        start + &end
    }

    /// How many listeners each emitter (an object with `_events`) has, per event.
    fn listener_counts(&self) -> HashMap<u32, Vec<(String, u64)>> {
        let t = self.types;
        let property = |n: u32, name: &str| {
            self.edges(n).find(|&e| {
                Some(self.edge_type[e]) == self.edge_types.property && self.strings.get(self.edge_name[e]) == name
            })
        };
        let mut out = HashMap::new();
        for i in 0..self.node_type.len() as u32 {
            if !self.is_type(i, t.object) {
                continue;
            }
            let Some(events) = property(i, "_events").map(|e| self.edge_to[e]) else { continue };
            let mut per_event = Vec::new();
            for e in self.edges(events) {
                if Some(self.edge_type[e]) != self.edge_types.property {
                    continue;
                }
                let event = self.strings.get(self.edge_name[e]);
                if event == "__proto__" {
                    continue;
                }
                let value = self.edge_to[e];
                let count = if self.is_type(value, t.closure) {
                    1
                } else if self.is_type(value, t.object) && self.name(value) == "Array" {
                    // the listeners are element edges of the array, or of its elements store
                    let closures = |n: u32| {
                        self.edges(n)
                            .filter(|&x| {
                                Some(self.edge_type[x]) == self.edge_types.element
                                    && self.is_type(self.edge_to[x], t.closure)
                            })
                            .count() as u64
                    };
                    let store = self
                        .edges(value)
                        .find(|&e| {
                            Some(self.edge_type[e]) == self.edge_types.internal
                                && self.strings.get(self.edge_name[e]) == "elements"
                        })
                        .map(|e| self.edge_to[e]);
                    closures(value) + store.map_or(0, closures)
                } else {
                    continue;
                };
                per_event.push((event.to_owned(), count));
            }
            out.insert(self.node_id[i as usize], per_event);
        }
        out
    }
}

impl Retainers<'_> {
    /// Steps from the GC roots to `node`, if something strong reaches it.
    pub fn distance(&self, node: u32) -> Option<u32> {
        Some(self.distance[node as usize]).filter(|&d| d != NO_DISTANCE)
    }

    /// The retaining path of `node`, from a child of the root to the node itself.
    pub fn path(&self, node: u32) -> Vec<PathStep> {
        let s = self.snap;
        if self.distance(node).is_none() {
            return Vec::new();
        }
        let mut steps = Vec::new();
        let mut at = node;
        // a path is at most as long as there are nodes: the walk gave each node one parent
        for _ in 0..s.node_type.len() {
            if at == s.root {
                break;
            }
            let e = self.parent_edge[at as usize];
            if e == NO_EDGE {
                break;
            }
            let e = e as usize;
            steps.push(self.step(e, at));
            at = s.edge_source(e);
        }
        steps.reverse();
        steps
    }

    fn step(&self, e: usize, node: u32) -> PathStep {
        let s = self.snap;
        PathStep {
            edge_type: s.edge_type_names.get(s.edge_type[e] as usize).cloned().unwrap_or_default(),
            edge: s.shown_edge(e),
            node: match s.shown_node(node, &self.renamed) {
                // nameless code and arrays: their row's name says what they are
                shown if shown.is_empty() => s.object_class_name(node, &self.renamed),
                shown => shown,
            },
            class: s.object_class_name(node, &self.renamed),
            node_type: s.type_names[s.node_type[node as usize] as usize].clone(),
            id: s.node_id[node as usize],
            self_size: s.raw_size(node),
        }
    }
}

/// `tryParseWeakMapEdgeName`: the part shared by the two edges V8 writes for one WeakMap entry,
/// `N / part of key (… @K) -> value (… @V) pair in WeakMap (table @T)` without the leading `N`.
fn weak_map_pair(name: &str) -> Option<&str> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &name[digits..];
    let table = rest.strip_suffix(')')?.rsplit_once(" pair in WeakMap (table @")?.1;
    (digits > 0
        && rest.starts_with(" / part of key (")
        && rest.contains(") -> value (")
        && !table.is_empty()
        && table.bytes().all(|b| b.is_ascii_digit()))
    .then_some(rest)
}

impl Comparison {
    /// Add the retaining paths of the first `rows` growing rows (a representative new object of
    /// each) and the listener arrays that grew, with what holds their emitters.
    pub fn with_retainers(mut self, base: &HeapSnapshot, target: &HeapSnapshot, rows: usize) -> Comparison {
        let walk = target.retainers();
        let mut paths = Vec::new();
        for (row, representative) in self.classes.iter().zip(&self.representatives) {
            if paths.len() >= rows {
                break;
            }
            let Some(node) = *representative else { continue };
            if row.size_delta <= 0 {
                continue;
            }
            paths.push(RetainerPath {
                class: row.name.clone(),
                location: row.location,
                object_id: target.node_id[node as usize],
                distance: walk.distance(node),
                path: walk.path(node),
            });
        }
        self.retainers = paths;
        self.listeners = listener_growth(base, target, &walk);
        self
    }
}

/// Listener arrays of emitters present in both snapshots that hold more listeners in the target,
/// most growth first.
fn listener_growth(base: &HeapSnapshot, target: &HeapSnapshot, walk: &Retainers) -> Vec<ListenerGrowth> {
    let before = base.listener_counts();
    let after = target.listener_counts();
    let mut out = Vec::new();
    for (&id, events) in &after {
        let Some(old) = before.get(&id) else { continue };
        for (event, count) in events {
            let was = old.iter().find(|(e, _)| e == event).map_or(0, |&(_, c)| c);
            if *count > was {
                let Some(node) = target.node_of_id(id) else { continue };
                out.push(ListenerGrowth {
                    emitter: target.object_class_name(node, &walk.renamed),
                    emitter_id: id,
                    event: event.clone(),
                    base_listeners: was,
                    target_listeners: *count,
                    path: walk.path(node),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (b.target_listeners - b.base_listeners)
            .cmp(&(a.target_listeners - a.base_listeners))
            .then(a.emitter_id.cmp(&b.emitter_id))
            .then_with(|| a.event.cmp(&b.event))
    });
    out
}

/// Retaining paths of the objects of one class in one snapshot: the `count` largest (first by id
/// among equals), under DevTools' rules.
pub fn class_retainers(snap: &HeapSnapshot, class: &str, count: usize) -> Vec<RetainerPath> {
    let rules = super::Rules::DEVTOOLS;
    let own = snap.interface_definitions(rules);
    let classes = snap.classify(rules, &own);
    let mut objects: Vec<u32> = snap
        .by_id
        .iter()
        .copied()
        .filter(|&n| classes.sizes[n as usize] > 0 && classes.names[classes.of[n as usize] as usize] == class)
        .collect();
    // largest first; the sort is stable, so the first by id among equals
    objects.sort_by(|&a, &b| classes.sizes[b as usize].cmp(&classes.sizes[a as usize]));
    objects.truncate(count);
    let walk = snap.retainers();
    objects
        .into_iter()
        .map(|n| RetainerPath {
            class: class.to_owned(),
            location: classes.locations[classes.of[n as usize] as usize],
            object_id: snap.node_id[n as usize],
            distance: walk.distance(n),
            path: walk.path(n),
        })
        .collect()
}

/// The object with id `id` and its retaining path.
pub fn object_retainers(snap: &HeapSnapshot, id: u32) -> Option<RetainerPath> {
    let node = snap.node_of_id(id)?;
    let walk = snap.retainers();
    Some(RetainerPath {
        class: snap.object_class_name(node, &walk.renamed),
        location: snap.location(node),
        object_id: id,
        distance: walk.distance(node),
        path: walk.path(node),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_map_edge_names() {
        let name = "12 / part of key (Object @3) -> value (Array @5) pair in WeakMap (table @7)";
        assert_eq!(
            weak_map_pair(name),
            Some(" / part of key (Object @3) -> value (Array @5) pair in WeakMap (table @7)")
        );
        assert_eq!(weak_map_pair("elements"), None);
        assert_eq!(weak_map_pair(" / part of key (a @1) -> value (b @2) pair in WeakMap (table @7)"), None);
    }
}
