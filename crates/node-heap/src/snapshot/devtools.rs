//! DevTools' rules for naming and sizing objects, ported from `HeapSnapshot.ts` of
//! chrome-devtools-frontend (1.0.1705227): `propagateDOMState`, `calculateShallowSizes`,
//! `calculateObjectNames`, `inferInterfaceDefinitions`, `applyInterfaceDefinitions` and
//! `classKeyInternal`. Each step follows the TypeScript closely, including its order of work where
//! that decides a result; the test `devtools_oracle` checks the outcome against DevTools' own code.

use super::{HeapSnapshot, bit, set_bit};
use crate::snapshot::compare::Location;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Which of DevTools' steps to apply. [`Rules::DEVTOOLS`] is today's Memory panel;
/// [`Rules::LEGACY`] the older rules (raw V8 self sizes, plain objects all `Object`, rows by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// Natives that V8 marks detached, and natives reachable only from them, are `Detached …`.
    pub detached_names: bool,
    /// Hidden and array nodes owned by exactly one object give their size to it (shallow sizes).
    pub shallow_sizes: bool,
    /// Plain `Object`s are named after their properties, `{a, b, c}`.
    pub interface_names: bool,
    /// Objects whose constructor location is recorded are rows of their own per location.
    pub locations: bool,
}

impl Rules {
    pub const DEVTOOLS: Rules =
        Rules { detached_names: true, shallow_sizes: true, interface_names: true, locations: true };
    pub const LEGACY: Rules =
        Rules { detached_names: true, shallow_sizes: false, interface_names: false, locations: false };
}

/// A named set of properties: plain objects with them are shown under `name`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceDefinition {
    pub name: String,
    pub properties: Vec<String>,
}

// DevTools' constants for inferInterfaceDefinitions.
const MIN_INTERFACE_PROPERTY_COUNT: usize = 1;
const MAX_INTERFACE_NAME_LENGTH: usize = 120;
const MIN_OBJECT_COUNT_PER_INTERFACE: f64 = 2.0;
const MIN_OBJECT_PROPORTION_PER_INTERFACE: f64 = 1000.0;

// DOMLinkState.
const ATTACHED: u8 = 1;
const DETACHED: u8 = 2;

/// JavaScript's string order (UTF-16 code units), which `Array.prototype.sort` and `<` use.
pub fn js_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() { a.cmp(b) } else { a.encode_utf16().cmp(b.encode_utf16()) }
}

/// JavaScript's `string.length`.
pub(crate) fn js_len(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.encode_utf16().count() }
}

/// `JSHeapSnapshotNode.formatPropertyName`: names with `,'"{}` are quoted as JSON.
pub(crate) fn format_property_name(name: &str) -> String {
    if name.contains([',', '\'', '"', '{', '}']) {
        serde_json::to_string(name).unwrap_or_else(|_| name.to_owned())
    } else {
        name.to_owned()
    }
}

/// Every node's class and (shallow) self size under some [`Rules`].
pub(crate) struct Classes {
    /// Class of each node.
    pub of: Vec<u32>,
    pub names: Vec<String>,
    pub locations: Vec<Option<Location>>,
    /// Self size of each node: shallow with [`Rules::shallow_sizes`], else as V8 wrote it.
    pub sizes: Vec<u64>,
}

#[derive(Default)]
struct ClassTable {
    names: Vec<String>,
    locations: Vec<Option<Location>>,
    index: HashMap<(String, Option<Location>), u32>,
}

impl ClassTable {
    fn intern(&mut self, name: &str, location: Option<Location>) -> u32 {
        if let Some(&c) = self.index.get(&(name.to_owned(), location)) {
            return c;
        }
        let c = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.locations.push(location);
        self.index.insert((name.to_owned(), location), c);
        c
    }
}

/// `applyInterfaceDefinitions`' property tree.
struct PropertyTree {
    nodes: Vec<TreeNode>,
}

#[derive(Default)]
struct TreeNode {
    next: HashMap<String, usize>,
    /// (definition index, property count)
    matches: Option<(usize, usize)>,
    greatest_next: Option<String>,
}

impl PropertyTree {
    fn new(definitions: &[InterfaceDefinition]) -> PropertyTree {
        let mut nodes = vec![TreeNode::default()];
        for (index, d) in definitions.iter().enumerate() {
            let mut properties = d.properties.clone();
            properties.sort_by(|a, b| js_cmp(a, b));
            let mut current = 0;
            for p in &properties {
                current = match nodes[current].next.get(p) {
                    Some(&n) => n,
                    None => {
                        let n = nodes.len();
                        nodes.push(TreeNode::default());
                        let node = &mut nodes[current];
                        node.next.insert(p.clone(), n);
                        if node.greatest_next.as_deref().is_none_or(|g| js_cmp(g, p) == Ordering::Less) {
                            node.greatest_next = Some(p.clone());
                        }
                        n
                    }
                };
            }
            if nodes[current].matches.is_none() {
                nodes[current].matches = Some((index, properties.len()));
            }
        }
        PropertyTree { nodes }
    }

    /// The definition a plain object with these (sorted) properties matches, if any.
    fn find(&self, properties: &[&str]) -> Option<usize> {
        // (property count, definition index): more properties win, then the earlier definition
        let better = |a: Option<(usize, usize)>, b: Option<(usize, usize)>| match (a, b) {
            (Some((ai, ac)), Some((bi, bc))) => {
                if ac > bc || (ac == bc && ai <= bi) {
                    a
                } else {
                    b
                }
            }
            (x, None) | (None, x) => x,
        };
        let mut states: Vec<usize> = vec![0];
        let mut best = self.nodes[0].matches;
        for p in properties {
            for s in states.clone() {
                let node = &self.nodes[s];
                if node.greatest_next.as_deref().is_none_or(|g| js_cmp(p, g) != Ordering::Less) {
                    states.retain(|&x| x != s);
                }
                if let Some(&n) = node.next.get(*p) {
                    if !states.contains(&n) {
                        states.push(n);
                    }
                    best = better(best, self.nodes[n].matches);
                }
            }
        }
        best.map(|(index, _)| index)
    }
}

impl HeapSnapshot {
    fn is_weak(&self, e: usize) -> bool {
        Some(self.edge_type[e]) == self.edge_types.weak
    }

    pub(crate) fn is_plain_object(&self, i: u32) -> bool {
        self.is_type(i, self.types.object) && self.name(i) == "Object"
    }

    /// `propagateDOMState`: the natives renamed `Detached <name>`, as a bit set.
    pub(crate) fn detached_natives(&self) -> Vec<u64> {
        let mut renamed = Vec::new();
        if !self.has_detachedness {
            return renamed;
        }
        let n = self.node_type.len();
        struct Walk {
            visited: Vec<u64>,
            state: Vec<u8>,
            attached: Vec<u32>,
            detached: Vec<u32>,
            renamed: Vec<u64>,
        }
        let mut w = Walk {
            visited: vec![0; n.div_ceil(64)],
            state: self.detachedness.clone(),
            attached: Vec::new(),
            detached: Vec::new(),
            renamed: Vec::new(),
        };
        // processNode: the state and name of a native; other nodes only end the propagation.
        let process = |w: &mut Walk, i: u32, new_state: u8| {
            if bit(&w.visited, i) {
                return;
            }
            set_bit(&mut w.visited, i);
            if !self.is_type(i, self.types.native) {
                return;
            }
            w.state[i as usize] = new_state;
            if new_state == ATTACHED {
                w.attached.push(i);
            } else if new_state == DETACHED {
                set_bit(&mut w.renamed, i);
                w.detached.push(i);
            }
        };
        for i in 0..n as u32 {
            let s = w.state[i as usize];
            if s != 0 {
                process(&mut w, i, s);
            }
        }
        let propagates = |t: u8| Some(t) != self.edge_types.hidden && Some(t) != self.edge_types.weak;
        while let Some(i) = w.attached.pop() {
            for e in self.edges(i) {
                if propagates(self.edge_type[e]) {
                    process(&mut w, self.edge_to[e], ATTACHED);
                }
            }
        }
        while let Some(i) = w.detached.pop() {
            if w.state[i as usize] == ATTACHED {
                continue;
            }
            for e in self.edges(i) {
                if propagates(self.edge_type[e]) {
                    process(&mut w, self.edge_to[e], DETACHED);
                }
            }
        }
        renamed = w.renamed;
        renamed
    }

    /// `JSHeapSnapshot.isUserRoot` for the root's children.
    pub(crate) fn is_user_root(&self, i: u32) -> bool {
        !self.is_type(i, self.types.synthetic) || self.name(i) == "(Document DOM trees)"
    }

    /// `calculateShallowSizes`: every node's self size after hidden and array nodes owned by one
    /// object gave theirs to it. Only for snapshots with user roots, as DevTools does.
    pub(crate) fn shallow_sizes(&self, renamed: &[u64]) -> Vec<u64> {
        let n = self.node_type.len();
        let mut sizes: Vec<u64> = (0..n as u32).map(|i| self.raw_size(i)).collect();
        if !self.edges(self.root).any(|e| self.is_user_root(self.edge_to[e])) {
            return sizes;
        }
        const UNVISITED: u32 = u32::MAX;
        const MULTIPLE: u32 = u32::MAX - 1;
        let t = self.types;
        let mut owners = vec![UNVISITED; n];
        let mut worklist: Vec<u32> = Vec::new();
        for i in 0..n as u32 {
            let owned = self.is_type(i, t.hidden)
                || self.is_type(i, t.array)
                || (self.is_type(i, t.native) && !bit(renamed, i) && self.name(i) == "system / ExternalStringData");
            if !owned {
                owners[i as usize] = i;
                worklist.push(i);
            }
        }
        while let Some(id) = worklist.pop() {
            let owner = owners[id as usize];
            for e in self.edges(id) {
                if self.is_weak(e) {
                    continue;
                }
                let target = self.edge_to[e];
                match owners[target as usize] {
                    UNVISITED => {
                        owners[target as usize] = owner;
                        worklist.push(target);
                    }
                    o if o == target || o == owner || o == MULTIPLE => {}
                    _ => {
                        owners[target as usize] = MULTIPLE;
                        worklist.push(target);
                    }
                }
            }
        }
        for i in 0..n {
            let owner = owners[i];
            if owner == UNVISITED || owner == MULTIPLE || owner as usize == i {
                continue;
            }
            if self.is_type(owner, t.synthetic) || owner == self.root {
                continue;
            }
            let moved = std::mem::take(&mut sizes[i]);
            // no overflow: every sum of sizes is at most the snapshot's total, checked to fit an i64
            sizes[owner as usize] += moved;
        }
        sizes
    }

    /// The name of node `i` after `propagateDOMState` (`Detached …` for renamed natives).
    pub(crate) fn display_raw_name(&self, i: u32, renamed: &[u64]) -> String {
        if bit(renamed, i) { format!("Detached {}", self.name(i)) } else { self.name(i).to_owned() }
    }

    /// `calculateObjectNames` for one node.
    pub(crate) fn object_class_name(&self, i: u32, renamed: &[u64]) -> String {
        let t = self.types;
        let ty = Some(self.node_type[i as usize]);
        if ty == t.hidden {
            "(system)".into()
        } else if ty == t.object || ty == t.native {
            let name = self.display_raw_name(i, renamed);
            let cut = |from: usize| name[from..].find(' ').map(|sp| format!("{}>", &name[..from + sp]));
            if name.starts_with('<') {
                cut(0).unwrap_or(name)
            } else if name.starts_with("Detached <") {
                cut(10).unwrap_or(name)
            } else {
                name
            }
        } else if ty == t.code {
            "(compiled code)".into()
        } else if ty == t.closure {
            "Function".into()
        } else if ty == t.regexp {
            "RegExp".into()
        } else {
            format!("({})", self.type_names[self.node_type[i as usize] as usize])
        }
    }

    /// Names of the property edges of node `i`, in edge order (`__proto__` included).
    pub(crate) fn property_names(&self, i: u32) -> impl Iterator<Item = &str> {
        self.edges(i)
            .filter(move |&e| Some(self.edge_type[e]) == self.edge_types.property)
            .map(move |e| self.strings.get(self.edge_name[e]))
    }

    /// `inferInterfaceDefinitions`: the property sets common enough among plain objects to name
    /// them, most common first.
    pub fn interface_definitions(&self, _rules: Rules) -> Vec<InterfaceDefinition> {
        struct Candidate {
            first: usize,
            properties: Vec<String>,
            count: u64,
        }
        let mut candidates: HashMap<String, Candidate> = HashMap::new();
        let mut total = 0u64;
        for i in 0..self.node_type.len() as u32 {
            if !self.is_plain_object(i) {
                continue;
            }
            total += 1;
            let mut name = String::from("{");
            let mut name_len = 1;
            let mut properties: Vec<&str> = Vec::new();
            for p in self.property_names(i) {
                if p == "__proto__" {
                    continue;
                }
                let formatted = format_property_name(p);
                let formatted_len = js_len(&formatted);
                if name_len > MIN_INTERFACE_PROPERTY_COUNT && name_len + formatted_len > MAX_INTERFACE_NAME_LENGTH {
                    break;
                }
                if name_len != 1 {
                    name.push_str(", ");
                    name_len += 2;
                }
                name.push_str(&formatted);
                name_len += formatted_len;
                properties.push(p);
            }
            if properties.is_empty() {
                continue;
            }
            name.push('}');
            let next = candidates.len();
            candidates.entry(name).and_modify(|c| c.count += 1).or_insert_with(|| Candidate {
                first: next,
                properties: properties.iter().map(|p| p.to_string()).collect(),
                count: 1,
            });
        }
        let mut sorted: Vec<(String, Candidate)> = candidates.into_iter().collect();
        // Array.prototype.sort is stable: ties keep the order in which they were first seen.
        sorted.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.1.first.cmp(&b.1.first)));
        let min_count = MIN_OBJECT_COUNT_PER_INTERFACE.max(total as f64 / MIN_OBJECT_PROPORTION_PER_INTERFACE);
        sorted
            .into_iter()
            .take_while(|(_, c)| c.count as f64 >= min_count)
            .map(|(name, c)| InterfaceDefinition { name, properties: c.properties })
            .collect()
    }

    /// Every node's class and size under `rules`, plain objects named by `definitions` (the
    /// snapshot's own, or for a Comparison's base, the target's).
    pub(crate) fn classify(&self, rules: Rules, definitions: &[InterfaceDefinition]) -> Classes {
        let renamed = if rules.detached_names { self.detached_natives() } else { Vec::new() };
        let sizes = if rules.shallow_sizes {
            self.shallow_sizes(&renamed)
        } else {
            (0..self.node_type.len() as u32).map(|i| self.raw_size(i)).collect()
        };
        let tree = rules.interface_names.then(|| PropertyTree::new(definitions));
        let mut table = ClassTable::default();
        // (type, name string, renamed) -> class, for everything named without looking at edges
        let mut cache: HashMap<(u8, u32, bool), u32> = HashMap::new();
        let mut of = Vec::with_capacity(self.node_type.len());
        let mut properties: Vec<&str> = Vec::new();
        // interned without a lookup by text for each object: by definition, by (class, location)
        let mut by_definition: Vec<Option<u32>> = vec![None; definitions.len()];
        let mut located: HashMap<(u32, Location), u32> = HashMap::new();
        for i in 0..self.node_type.len() as u32 {
            let ty = self.node_type[i as usize];
            let named_by_name = Some(ty) == self.types.object || Some(ty) == self.types.native;
            let key = (ty, if named_by_name { self.node_name[i as usize] } else { 0 }, bit(&renamed, i));
            let mut class = match cache.get(&key) {
                Some(&c) => c,
                None => {
                    let c = table.intern(&self.object_class_name(i, &renamed), None);
                    cache.insert(key, c);
                    c
                }
            };
            if let Some(tree) = &tree
                && self.is_plain_object(i)
            {
                properties.clear();
                properties.extend(self.property_names(i));
                properties.sort_by(|a, b| js_cmp(a, b));
                if let Some(d) = tree.find(&properties) {
                    class = *by_definition[d].get_or_insert_with(|| table.intern(&definitions[d].name, None));
                }
            }
            if rules.locations
                && Some(ty) == self.types.object
                && let Some(location) = self.location(i)
            {
                class = match located.get(&(class, location)) {
                    Some(&c) => c,
                    None => {
                        let name = table.names[class as usize].clone();
                        let c = table.intern(&name, Some(location));
                        located.insert((class, location), c);
                        c
                    }
                };
            }
            of.push(class);
        }
        Classes { of, names: table.names, locations: table.locations, sizes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_string_order() {
        // U+FF01 sorts after U+1F600 in UTF-8 and code points, before it in UTF-16
        assert_eq!(js_cmp("\u{FF01}", "\u{1F600}"), Ordering::Greater);
        assert_eq!(js_cmp("b", "a"), Ordering::Greater);
        assert_eq!(js_cmp("A", "a"), Ordering::Less);
        assert_eq!(js_len("😀a"), 3);
        assert_eq!(format_property_name("a,b"), "\"a,b\"");
        assert_eq!(format_property_name("x-user-id"), "x-user-id");
    }

    #[test]
    fn the_property_tree_prefers_more_properties_then_earlier_definitions() {
        let d = |name: &str, p: &[&str]| InterfaceDefinition {
            name: name.into(),
            properties: p.iter().map(|s| s.to_string()).collect(),
        };
        let defs = [d("{a}", &["a"]), d("{b, a}", &["b", "a"]), d("{a, b}", &["a", "b"]), d("{c}", &["c"])];
        let tree = PropertyTree::new(&defs);
        assert_eq!(tree.find(&["a", "b", "z"]), Some(1));
        assert_eq!(tree.find(&["a"]), Some(0));
        assert_eq!(tree.find(&["a", "c"]), Some(0));
        assert_eq!(tree.find(&["b", "c"]), Some(3));
        assert_eq!(tree.find(&["z"]), None);
    }
}
