//! V8 heap snapshots (`.heapsnapshot`, as written by `v8.writeHeapSnapshot()` or DevTools), read in
//! one streaming pass into a compact graph, then summarised, compared and searched for retainers the
//! way DevTools' Summary, Comparison and Retainers views do.
//!
//! The format is one JSON object: `snapshot` (with `meta`, the field layout), then flat integer
//! arrays `nodes`, `edges` and `locations`, then `strings`. The layout is read from `snapshot.meta`
//! by field name: the position of each node and edge field, and the node and edge type names, are
//! looked up, never assumed. What is kept, column by column (about 22 bytes a node and 9 an edge):
//! each node's type, name, id, self size, detachedness and first edge; each edge's type, name and
//! target; the locations; and the strings that are names of objects or of edges (the others, such
//! as string values, only by their first bytes, enough to show them).
//!
//! DevTools' rules ([`Rules::DEVTOOLS`], from `HeapSnapshot.ts` of chrome-devtools-frontend) are in
//! [`devtools`]: detached natives renamed, shallow sizes, plain objects named after their
//! properties, rows keyed by constructor location; [`compare`] and [`retainers`] build on them.

pub mod compare;
pub mod devtools;
pub mod retainers;
mod scan;

pub use compare::{ClassDiff, Comparison, Location, compare, compare_with};
pub use devtools::{InterfaceDefinition, Rules};
pub use retainers::{ListenerGrowth, PathStep, RetainerPath};

use scan::{Scanner, decode_prefix, decode_string};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Default read buffer: large enough that refills are rare, small against the memory target.
pub const DEFAULT_BUFFER: usize = 1 << 20;

/// Snapshots larger than this are refused unless the caller allows more ([`ReadOptions`]): the
/// graph kept in memory is about half the file's size.
pub const DEFAULT_MAX_BYTES: u64 = 4 << 30;

/// Strings that are neither object nor edge names (string values, code, numbers) keep only this
/// many bytes: enough to show them in a retainer path.
pub const SHOWN_STRING_BYTES: usize = 80;

/// Why a snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("could not read the snapshot: {0}")]
    Io(#[from] std::io::Error),
    #[error("truncated snapshot: the file ends at byte {offset}, inside {inside} (was it completely written?)")]
    Truncated { offset: u64, inside: &'static str },
    #[error("malformed snapshot at byte {offset}, in {inside}: {message}; near `{context}`")]
    Syntax { offset: u64, inside: &'static str, message: String, context: String },
    #[error("invalid snapshot: {0}")]
    Invalid(String),
    #[error(
        "the snapshot is larger than {} ({limit} bytes), the most this reader takes by default; \
         allow more with --max-snapshot-size",
        crate::format_bytes(*limit as f64)
    )]
    TooLarge { limit: u64 },
}

/// How to read a snapshot.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Read buffer size in bytes.
    pub buffer: usize,
    /// Refuse snapshots longer than this many bytes.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { buffer: DEFAULT_BUFFER, max_bytes: DEFAULT_MAX_BYTES }
    }
}

#[derive(Deserialize)]
struct Header {
    meta: Meta,
    node_count: Option<u64>,
    edge_count: Option<u64>,
    root_index: Option<u64>,
}

#[derive(Deserialize)]
struct Meta {
    node_fields: Vec<String>,
    node_types: Vec<serde_json::Value>,
    edge_fields: Vec<String>,
    #[serde(default)]
    edge_types: Vec<serde_json::Value>,
    #[serde(default)]
    location_fields: Vec<String>,
}

/// What a value of the nodes array is, by its position within a node.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Type,
    Name,
    Id,
    SelfSize,
    EdgeCount,
    Detachedness,
    Other,
}

/// What a value of the edges array is.
#[derive(Clone, Copy, PartialEq)]
enum EdgeRole {
    Type,
    Name,
    To,
    Other,
}

/// The field layout, from `snapshot.meta`.
struct Layout {
    roles: Vec<Role>,
    edge_roles: Vec<EdgeRole>,
    type_names: Vec<String>,
    edge_type_names: Vec<String>,
    /// Positions of object_index, script_id, line, column in `locations`.
    location_fields: Option<[usize; 4]>,
    location_field_count: usize,
    node_count: Option<u64>,
    edge_count: Option<u64>,
    root_index: u64,
}

fn type_list(meta_types: &[serde_json::Value], at: usize, what: &str) -> Result<Vec<String>, SnapshotError> {
    match meta_types.get(at) {
        Some(serde_json::Value::Array(names)) => names
            .iter()
            .map(|n| n.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| SnapshotError::Invalid(format!("snapshot.meta.{what}: type names must be strings"))),
        _ => Err(SnapshotError::Invalid(format!(
            "snapshot.meta.{what} has no list of type names for the \"type\" field"
        ))),
    }
}

impl Layout {
    fn from_header(header: Header) -> Result<Layout, SnapshotError> {
        let meta = header.meta;
        let position = |fields: &[String], name: &str, what: &str| {
            fields
                .iter()
                .position(|f| f == name)
                .ok_or_else(|| SnapshotError::Invalid(format!("snapshot.meta.{what} {fields:?} has no {name:?} field")))
        };
        let nf = &meta.node_fields;
        let (type_at, name_at, id_at, size_at) = (
            position(nf, "type", "node_fields")?,
            position(nf, "name", "node_fields")?,
            position(nf, "id", "node_fields")?,
            position(nf, "self_size", "node_fields")?,
        );
        let edge_count_at = position(nf, "edge_count", "node_fields")?;
        let detached_at = nf.iter().position(|f| f == "detachedness");
        let roles = (0..nf.len())
            .map(|i| match i {
                _ if i == type_at => Role::Type,
                _ if i == name_at => Role::Name,
                _ if i == id_at => Role::Id,
                _ if i == size_at => Role::SelfSize,
                _ if i == edge_count_at => Role::EdgeCount,
                _ if Some(i) == detached_at => Role::Detachedness,
                _ => Role::Other,
            })
            .collect();
        let ef = &meta.edge_fields;
        let (etype_at, ename_at, eto_at) = (
            position(ef, "type", "edge_fields")?,
            position(ef, "name_or_index", "edge_fields")?,
            position(ef, "to_node", "edge_fields")?,
        );
        let edge_roles = (0..ef.len())
            .map(|i| match i {
                _ if i == etype_at => EdgeRole::Type,
                _ if i == ename_at => EdgeRole::Name,
                _ if i == eto_at => EdgeRole::To,
                _ => EdgeRole::Other,
            })
            .collect();
        let type_names = type_list(&meta.node_types, type_at, "node_types")?;
        let edge_type_names = type_list(&meta.edge_types, etype_at, "edge_types")?;
        if type_names.len() > 255 || edge_type_names.len() > 255 {
            return Err(SnapshotError::Invalid("more than 255 node or edge types".into()));
        }
        let lf = &meta.location_fields;
        let location_fields =
            match ["object_index", "script_id", "line", "column"].map(|n| lf.iter().position(|f| f == n)) {
                [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
                _ => None,
            };
        let fields = nf.len() as u64;
        let root_index = header.root_index.unwrap_or(0);
        if !root_index.is_multiple_of(fields) {
            return Err(SnapshotError::Invalid(format!(
                "snapshot.root_index {root_index} is not a multiple of the {fields} node fields"
            )));
        }
        Ok(Layout {
            roles,
            edge_roles,
            type_names,
            edge_type_names,
            location_fields,
            location_field_count: lf.len(),
            node_count: header.node_count,
            edge_count: header.edge_count,
            root_index: root_index / fields,
        })
    }
}

/// Node type indexes, by name (`None` when the snapshot has no such type).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NodeTypes {
    pub hidden: Option<u8>,
    pub array: Option<u8>,
    pub string: Option<u8>,
    pub object: Option<u8>,
    pub code: Option<u8>,
    pub closure: Option<u8>,
    pub regexp: Option<u8>,
    pub native: Option<u8>,
    pub synthetic: Option<u8>,
    pub cons_string: Option<u8>,
    pub sliced_string: Option<u8>,
}

/// Edge type indexes, by name.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EdgeTypes {
    pub element: Option<u8>,
    pub property: Option<u8>,
    pub internal: Option<u8>,
    pub hidden: Option<u8>,
    pub weak: Option<u8>,
}

impl EdgeTypes {
    /// Element and hidden edges are named by a number; the others by a string.
    pub fn named_by_string(&self, t: u8) -> bool {
        Some(t) != self.element && Some(t) != self.hidden
    }
}

/// The strings kept: in full, or their first [`SHOWN_STRING_BYTES`] bytes.
#[derive(Default)]
pub(crate) struct Strings {
    text: String,
    /// Start of string `i` in `text`; one more entry than strings.
    starts: Vec<u64>,
    /// Strings kept only in part.
    cut: Vec<u64>,
}

impl Strings {
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.text[a as usize..b as usize],
            _ => "",
        }
    }

    /// Whether string `i` is kept only in part.
    pub fn is_cut(&self, i: u32) -> bool {
        bit(&self.cut, i)
    }

    fn push(&mut self, text: &str, cut: bool) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        if cut {
            let i = self.len() as u32;
            set_bit(&mut self.cut, i);
        }
        self.text.push_str(text);
        self.starts.push(self.text.len() as u64);
    }
}

/// A heap snapshot: the node and edge graph, column by column.
pub struct HeapSnapshot {
    pub node_count: u64,
    pub edge_count: u64,
    pub string_count: u64,
    pub(crate) types: NodeTypes,
    pub(crate) edge_types: EdgeTypes,
    pub(crate) type_names: Vec<String>,
    pub(crate) edge_type_names: Vec<String>,
    pub(crate) node_type: Vec<u8>,
    pub(crate) node_name: Vec<u32>,
    pub(crate) node_id: Vec<u32>,
    /// Self sizes that fit 32 bits; larger ones are `u32::MAX` here and in `big_sizes`.
    node_size: Vec<u32>,
    big_sizes: HashMap<u32, u64>,
    pub(crate) detachedness: Vec<u8>,
    /// The snapshot has a `detachedness` node field (Node 16 and later do).
    pub(crate) has_detachedness: bool,
    /// Edges of node `i`: `first_edge[i]..first_edge[i + 1]`.
    pub(crate) first_edge: Vec<u32>,
    pub(crate) edge_type: Vec<u8>,
    pub(crate) edge_name: Vec<u32>,
    pub(crate) edge_to: Vec<u32>,
    /// (node, script id, line, column), sorted by node.
    pub(crate) locations: Vec<(u32, u32, u32, u32)>,
    pub(crate) strings: Strings,
    pub(crate) root: u32,
    /// Node ordinals sorted by id.
    pub(crate) by_id: Vec<u32>,
}

/// Two bits a word.
pub(crate) fn set_bit(bits: &mut Vec<u64>, i: u32) {
    let word = (i / 64) as usize;
    if word >= bits.len() {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << (i % 64);
}

pub(crate) fn bit(bits: &[u64], i: u32) -> bool {
    bits.get((i / 64) as usize).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

impl std::fmt::Debug for HeapSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeapSnapshot")
            .field("node_count", &self.node_count)
            .field("edge_count", &self.edge_count)
            .field("string_count", &self.string_count)
            .finish_non_exhaustive()
    }
}

impl HeapSnapshot {
    /// Read a snapshot from `reader` in one streaming pass.
    pub fn read<R: Read>(reader: R) -> Result<HeapSnapshot, SnapshotError> {
        HeapSnapshot::read_with(reader, ReadOptions::default())
    }

    /// [`HeapSnapshot::read`] with a read buffer of `buffer` bytes (tests use tiny ones).
    pub fn read_with_buffer<R: Read>(reader: R, buffer: usize) -> Result<HeapSnapshot, SnapshotError> {
        HeapSnapshot::read_with(reader, ReadOptions { buffer, ..ReadOptions::default() })
    }

    pub fn read_with<R: Read>(reader: R, options: ReadOptions) -> Result<HeapSnapshot, SnapshotError> {
        Parser::default().run(Scanner::new(reader, options.buffer).with_limit(options.max_bytes))
    }

    /// Open and read a snapshot file.
    pub fn open(path: &Path) -> Result<HeapSnapshot, SnapshotError> {
        HeapSnapshot::open_with(path, ReadOptions::default())
    }

    pub fn open_with(path: &Path, options: ReadOptions) -> Result<HeapSnapshot, SnapshotError> {
        HeapSnapshot::read_with(std::fs::File::open(path)?, options)
    }

    /// The self size of node `i` as V8 wrote it.
    pub(crate) fn raw_size(&self, i: u32) -> u64 {
        match self.node_size[i as usize] {
            u32::MAX => self.big_sizes.get(&i).copied().unwrap_or(u64::from(u32::MAX)),
            s => u64::from(s),
        }
    }

    /// Edges of node `i` (none for the root of a snapshot without nodes).
    pub(crate) fn edges(&self, i: u32) -> std::ops::Range<usize> {
        match (self.first_edge.get(i as usize), self.first_edge.get(i as usize + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    pub(crate) fn name(&self, i: u32) -> &str {
        self.strings.get(self.node_name[i as usize])
    }

    pub(crate) fn is_type(&self, i: u32, t: Option<u8>) -> bool {
        t.is_some_and(|t| self.node_type[i as usize] == t)
    }

    /// The node that edge `e` leaves from.
    pub(crate) fn edge_source(&self, e: usize) -> u32 {
        // the last node whose first edge is at or before e
        (self.first_edge.partition_point(|&f| f as usize <= e) - 1) as u32
    }

    /// The location of node `i`'s constructor, if the snapshot records one.
    pub(crate) fn location(&self, i: u32) -> Option<Location> {
        let at = self.locations.binary_search_by_key(&i, |l| l.0).ok()?;
        let (_, script_id, line, column) = self.locations[at];
        Some(Location { script_id, line, column })
    }

    /// The node with V8 object id `id`.
    pub fn node_of_id(&self, id: u32) -> Option<u32> {
        let at = self.by_id.binary_search_by_key(&id, |&n| self.node_id[n as usize]).ok()?;
        Some(self.by_id[at])
    }

    /// Sum of all self sizes, as V8 wrote them (fits an i64: checked when read).
    pub fn total_raw_size(&self) -> u64 {
        (0..self.node_type.len() as u32).map(|i| self.raw_size(i)).sum()
    }

    /// DevTools' Summary view with DevTools' rules.
    pub fn summary(&self) -> Summary {
        self.summary_with(Rules::DEVTOOLS)
    }

    /// Per-constructor count and shallow size under `rules`, largest shallow size first. Retained
    /// sizes and distances are not computed.
    pub fn summary_with(&self, rules: Rules) -> Summary {
        let definitions = if rules.interface_names { self.interface_definitions(rules) } else { Vec::new() };
        let classes = self.classify(rules, &definitions);
        let mut per_class: Vec<ClassSummary> = classes
            .names
            .iter()
            .zip(&classes.locations)
            .map(|(name, &location)| ClassSummary { name: name.clone(), location, count: 0, self_size: 0 })
            .collect();
        let mut objects = 0u64;
        let mut total = 0u64;
        for i in 0..self.node_type.len() {
            let size = classes.sizes[i];
            if size == 0 {
                continue;
            }
            let c = &mut per_class[classes.of[i] as usize];
            c.count += 1;
            c.self_size += size;
            objects += 1;
            total += size;
        }
        per_class.retain(|c| c.count > 0);
        per_class.sort_by(|a, b| {
            b.self_size
                .cmp(&a.self_size)
                .then_with(|| devtools::js_cmp(&a.name, &b.name))
                .then(a.location.cmp(&b.location))
        });
        Summary {
            node_count: self.node_count,
            edge_count: self.edge_count,
            string_count: self.string_count,
            objects,
            total_self_size: total,
            classes: per_class,
        }
    }
}

/// Open two snapshots at once, each on its own thread.
pub fn open_pair(
    base: &Path,
    target: &Path,
) -> (Result<HeapSnapshot, SnapshotError>, Result<HeapSnapshot, SnapshotError>) {
    open_pair_with(base, target, ReadOptions::default())
}

pub fn open_pair_with(
    base: &Path,
    target: &Path,
    options: ReadOptions,
) -> (Result<HeapSnapshot, SnapshotError>, Result<HeapSnapshot, SnapshotError>) {
    std::thread::scope(|s| {
        let b = s.spawn(|| HeapSnapshot::open_with(base, options));
        let t = HeapSnapshot::open_with(target, options);
        let b = b.join().unwrap_or_else(|_| Err(SnapshotError::Invalid("the reading thread failed".into())));
        (b, t)
    })
}

/// DevTools' Summary view, without retained sizes and distances.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub node_count: u64,
    pub edge_count: u64,
    pub string_count: u64,
    /// Objects with a non-zero (shallow) self size: the ones counted below.
    pub objects: u64,
    pub total_self_size: u64,
    pub classes: Vec<ClassSummary>,
}

/// One row of the Summary: a constructor (class), its object count and shallow size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassSummary {
    pub name: String,
    /// Where the constructor is defined, for objects whose snapshot records it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub count: u64,
    pub self_size: u64,
}

#[derive(Default)]
struct Parser {
    layout: Option<Layout>,
    types: NodeTypes,
    edge_types: EdgeTypes,
    node_type: Vec<u8>,
    node_name: Vec<u32>,
    node_id: Vec<u32>,
    node_size: Vec<u32>,
    big_sizes: HashMap<u32, u64>,
    detachedness: Vec<u8>,
    first_edge: Vec<u32>,
    total_size: u64,
    edge_type: Vec<u8>,
    edge_name: Vec<u32>,
    edge_to: Vec<u32>,
    edges_seen: bool,
    locations: Vec<(u32, u32, u32, u32)>,
    /// String indexes kept in full: names of nodes other than strings and code, names of edges.
    full: Vec<u64>,
    strings: Option<Strings>,
}

impl Parser {
    fn run<R: Read>(mut self, mut s: Scanner<R>) -> Result<HeapSnapshot, SnapshotError> {
        s.section = "the top-level object";
        s.expect(b'{', "'{': a heap snapshot is a JSON object")?;
        let mut seen: Vec<String> = Vec::new();
        if s.token()? == b'}' {
            s.bump();
        } else {
            loop {
                s.section = "the top-level object";
                s.expect(b'"', "a key")?;
                let mut raw = Vec::new();
                s.raw_string(&mut raw, 1024)?;
                let key = decode_string(&raw).map_err(|e| s.syntax(e))?;
                s.expect(b':', "':'")?;
                if seen.contains(&key) {
                    return Err(SnapshotError::Invalid(format!("the key {key:?} appears twice")));
                }
                match key.as_str() {
                    "snapshot" => self.header(&mut s)?,
                    "nodes" => self.nodes(&mut s)?,
                    "edges" => self.edges(&mut s)?,
                    "locations" => self.locations(&mut s)?,
                    "strings" => self.strings(&mut s)?,
                    _ => {
                        s.section = "a section this reader skips";
                        s.skip_value(None, 0)?;
                    }
                }
                seen.push(key);
                s.section = "the top-level object";
                if !s.more(b'}', "after a top-level value")? {
                    break;
                }
            }
        }
        s.skip_ws()?;
        if s.peek()?.is_some() {
            return Err(s.syntax("unexpected data after the end of the snapshot"));
        }
        self.finish()
    }

    /// The layout, taken out while a section is read (an error ends the whole read).
    fn take_layout(&mut self, what: &str) -> Result<Layout, SnapshotError> {
        self.layout.take().ok_or_else(|| {
            SnapshotError::Invalid(format!("the {what} array comes before snapshot.meta, which describes it"))
        })
    }

    fn header<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the snapshot header";
        let start = s.offset();
        let mut raw = Vec::new();
        s.skip_value(Some(&mut raw), 64 << 20)?;
        let header: Header = serde_json::from_slice(&raw).map_err(|e| {
            SnapshotError::Invalid(format!("the snapshot header at byte {start} is not what V8 writes: {e}"))
        })?;
        let layout = Layout::from_header(header)?;
        let t = |name: &str| layout.type_names.iter().position(|n| n == name).map(|p| p as u8);
        self.types = NodeTypes {
            hidden: t("hidden"),
            array: t("array"),
            string: t("string"),
            object: t("object"),
            code: t("code"),
            closure: t("closure"),
            regexp: t("regexp"),
            native: t("native"),
            synthetic: t("synthetic"),
            cons_string: t("concatenated string"),
            sliced_string: t("sliced string"),
        };
        let e = |name: &str| layout.edge_type_names.iter().position(|n| n == name).map(|p| p as u8);
        self.edge_types = EdgeTypes {
            element: e("element"),
            property: e("property"),
            internal: e("internal"),
            hidden: e("hidden"),
            weak: e("weak"),
        };
        self.layout = Some(layout);
        Ok(())
    }

    fn nodes<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the nodes array";
        let layout_owned = self.take_layout("nodes")?;
        let layout = &layout_owned;
        if let Some(n) = layout.node_count {
            // A hint only: a lying header must not make us reserve absurd amounts.
            let n = n.min(1 << 24) as usize;
            self.node_type.reserve(n);
            self.node_name.reserve(n);
            self.node_id.reserve(n);
            self.node_size.reserve(n);
            self.first_edge.reserve(n + 1);
        }
        let fields = layout.roles.len();
        let types = layout.type_names.len() as u64;
        let text_types = [self.types.string, self.types.cons_string, self.types.sliced_string, self.types.code];
        let (mut ty, mut name, mut id, mut size, mut edges, mut detached) = (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
        let mut at = 0usize;
        let mut edge_sum = 0u64;
        let p = &mut *self;
        p.first_edge.push(0);
        s.expect(b'[', "'[': nodes is an array of integers")?;
        s.uint_array(|v| {
            match layout.roles[at] {
                Role::Type => ty = v,
                Role::Name => name = v,
                Role::Id => id = v,
                Role::SelfSize => size = v,
                Role::EdgeCount => edges = v,
                Role::Detachedness => detached = v,
                Role::Other => {}
            }
            at += 1;
            if at < fields {
                return Ok(());
            }
            at = 0;
            let node = p.node_type.len() as u64;
            if node >= u64::from(u32::MAX) {
                return Err("more than 4,294,967,294 nodes".into());
            }
            if ty >= types {
                return Err(format!("node {node} has type {ty}, but there are only {types} node types"));
            }
            let id = u32::try_from(id).map_err(|_| format!("node {node} has id {id}, which does not fit 32 bits"))?;
            let name = u32::try_from(name)
                .ok()
                .filter(|&n| n < u32::MAX)
                .ok_or_else(|| format!("node {node} has name index {name}, out of range"))?;
            p.total_size = p
                .total_size
                .checked_add(size)
                .filter(|&t| t <= i64::MAX as u64)
                .ok_or_else(|| format!("the self sizes add up to more than {} bytes, at node {node}", i64::MAX))?;
            edge_sum += edges;
            let first = u32::try_from(edge_sum)
                .map_err(|_| format!("the nodes' edge counts add up to more than {} edges", u32::MAX))?;
            let ty = ty as u8;
            p.node_type.push(ty);
            p.node_name.push(name);
            p.node_id.push(id);
            if size >= u64::from(u32::MAX) {
                p.big_sizes.insert(node as u32, size);
                p.node_size.push(u32::MAX);
            } else {
                p.node_size.push(size as u32);
            }
            p.detachedness.push(detached.min(3) as u8);
            p.first_edge.push(first);
            if !text_types.contains(&Some(ty)) {
                set_bit(&mut p.full, name);
            }
            Ok(())
        })?;
        if at != 0 {
            return Err(SnapshotError::Invalid(format!(
                "the nodes array ends in the middle of a node ({at} of {fields} fields)"
            )));
        }
        let count = self.node_type.len() as u64;
        if let Some(n) = layout.node_count
            && n != count
        {
            return Err(SnapshotError::Invalid(format!(
                "snapshot.node_count is {n}, but the nodes array holds {count} nodes"
            )));
        }
        self.layout = Some(layout_owned);
        Ok(())
    }

    fn edges<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the edges array";
        let layout_owned = self.take_layout("edges")?;
        let layout = &layout_owned;
        let fields = layout.edge_roles.len();
        let node_fields = layout.roles.len() as u64;
        let edge_types = layout.edge_type_names.len() as u64;
        // Before the nodes (legal JSON, never written by V8), targets are checked at the end.
        let nodes = if self.node_type.is_empty() { None } else { Some(self.node_type.len() as u64) };
        if let Some(n) = layout.edge_count {
            let n = n.min(1 << 26) as usize;
            self.edge_type.reserve(n);
            self.edge_name.reserve(n);
            self.edge_to.reserve(n);
        }
        let (mut ty, mut name, mut to) = (0u64, 0u64, 0u64);
        let mut at = 0usize;
        let p = &mut *self;
        let named = p.edge_types;
        s.expect(b'[', "'[': edges is an array of integers")?;
        s.uint_array(|v| {
            match layout.edge_roles[at] {
                EdgeRole::Type => ty = v,
                EdgeRole::Name => name = v,
                EdgeRole::To => to = v,
                EdgeRole::Other => {}
            }
            at += 1;
            if at < fields {
                return Ok(());
            }
            at = 0;
            let edge = p.edge_type.len();
            if ty >= edge_types {
                return Err(format!("edge {edge} has type {ty}, but there are only {edge_types} edge types"));
            }
            if !to.is_multiple_of(node_fields) {
                return Err(format!(
                    "edge {edge} points to node index {to}, which is not a multiple of the {node_fields} node fields"
                ));
            }
            let target = to / node_fields;
            if nodes.is_some_and(|n| target >= n) || target >= u64::from(u32::MAX) {
                return Err(format!(
                    "edge {edge} points to node {target}, outside the node list ({} nodes)",
                    nodes.unwrap_or(0)
                ));
            }
            let name = u32::try_from(name).map_err(|_| format!("edge {edge} has name {name}, out of range"))?;
            if p.edge_type.len() >= u32::MAX as usize {
                return Err("more than 4,294,967,295 edges".into());
            }
            let ty = ty as u8;
            if named.named_by_string(ty) {
                set_bit(&mut p.full, name);
            }
            p.edge_type.push(ty);
            p.edge_name.push(name);
            p.edge_to.push(target as u32);
            Ok(())
        })?;
        if at != 0 {
            return Err(SnapshotError::Invalid(format!(
                "the edges array ends in the middle of an edge ({at} of {fields} fields)"
            )));
        }
        self.edges_seen = true;
        self.layout = Some(layout_owned);
        Ok(())
    }

    fn locations<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the locations array";
        let layout_owned = self.take_layout("locations")?;
        let layout = &layout_owned;
        let Some(positions) = layout.location_fields else {
            // Without a layout for them, locations cannot be read: skip them.
            self.layout = Some(layout_owned);
            return s.skip_value(None, 0);
        };
        let fields = layout.location_field_count;
        let node_fields = layout.roles.len() as u64;
        let mut record = vec![0u64; fields];
        let mut at = 0usize;
        let out = &mut self.locations;
        s.expect(b'[', "'[': locations is an array of integers")?;
        s.uint_array(|v| {
            record[at] = v;
            at += 1;
            if at < fields {
                return Ok(());
            }
            at = 0;
            let [node, script, line, column] = positions.map(|p| record[p]);
            if !node.is_multiple_of(node_fields) {
                return Err(format!("a location's object_index {node} is not a multiple of the node fields"));
            }
            let fit = |v: u64| u32::try_from(v).map_err(|_| format!("a location field {v} does not fit 32 bits"));
            out.push((fit(node / node_fields)?, fit(script)?, fit(line)?, fit(column)?));
            Ok(())
        })?;
        if at != 0 {
            return Err(SnapshotError::Invalid("the locations array ends in the middle of a location".into()));
        }
        self.layout = Some(layout_owned);
        Ok(())
    }

    fn strings<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the strings array";
        let keep_all = self.layout.is_none() || self.node_type.is_empty() || !self.edges_seen;
        s.expect(b'[', "'[': strings is an array of strings")?;
        let mut strings = Strings::default();
        strings.starts.push(0);
        let mut raw = Vec::new();
        if s.token()? == b']' {
            s.bump();
        } else {
            loop {
                s.expect(b'"', "a string")?;
                let index = strings.len();
                let i = u32::try_from(index).unwrap_or(u32::MAX);
                raw.clear();
                if keep_all || bit(&self.full, i) {
                    s.raw_string(&mut raw, 1 << 30)?;
                    let text = decode_string(&raw).map_err(|e| s.syntax(format!("string {index}: {e}")))?;
                    strings.push(&text, false);
                } else {
                    let cut = s.string_prefix(&mut raw, SHOWN_STRING_BYTES)?;
                    let text = if cut { decode_prefix(&raw) } else { decode_string(&raw) }
                        .map_err(|e| s.syntax(format!("string {index}: {e}")))?;
                    strings.push(&text, cut);
                }
                if !s.more(b']', "in the strings array")? {
                    break;
                }
            }
        }
        self.strings = Some(strings);
        Ok(())
    }

    fn finish(self) -> Result<HeapSnapshot, SnapshotError> {
        let missing = |what: &str| SnapshotError::Invalid(format!("no {what} (not a V8 heap snapshot?)"));
        let layout = self.layout.ok_or_else(|| missing("\"snapshot\" header with the field layout"))?;
        let strings = self.strings.ok_or_else(|| missing("\"strings\" array"))?;
        if !self.edges_seen {
            return Err(missing("\"edges\" array"));
        }
        let nodes = self.node_type.len() as u64;
        if nodes == 0 && layout.node_count != Some(0) {
            return Err(missing("\"nodes\" array"));
        }
        let edges = self.edge_type.len() as u64;
        if let Some(n) = layout.edge_count
            && n != edges
        {
            return Err(SnapshotError::Invalid(format!(
                "snapshot.edge_count is {n}, but the edges array holds {edges} edges"
            )));
        }
        let edge_sum = u64::from(*self.first_edge.last().unwrap_or(&0));
        if edge_sum != edges {
            return Err(SnapshotError::Invalid(format!(
                "the nodes' edge counts add up to {edge_sum}, but the edges array holds {edges} edges"
            )));
        }
        if let Some((e, &to)) = self.edge_to.iter().enumerate().find(|&(_, &to)| u64::from(to) >= nodes) {
            return Err(SnapshotError::Invalid(format!(
                "edge {e} points to node {to}, outside the node list ({nodes} nodes)"
            )));
        }
        if nodes > 0 && layout.root_index >= nodes {
            return Err(SnapshotError::Invalid(format!(
                "snapshot.root_index points to node {}, outside the node list ({nodes} nodes)",
                layout.root_index
            )));
        }
        let string_count = strings.len() as u64;
        if let Some((node, &name)) = self.node_name.iter().enumerate().find(|&(_, &n)| u64::from(n) >= string_count) {
            return Err(SnapshotError::Invalid(format!(
                "node {node}'s name is string {name}, but there are only {string_count} strings"
            )));
        }
        let edge_types = self.edge_types;
        if let Some((e, name)) = (0..self.edge_name.len())
            .map(|e| (e, self.edge_name[e]))
            .find(|&(e, n)| edge_types.named_by_string(self.edge_type[e]) && u64::from(n) >= string_count)
        {
            return Err(SnapshotError::Invalid(format!(
                "edge {e}'s name is string {name}, but there are only {string_count} strings"
            )));
        }
        let mut locations = self.locations;
        if let Some(l) = locations.iter().find(|l| u64::from(l.0) >= nodes) {
            return Err(SnapshotError::Invalid(format!(
                "a location is for node {}, outside the node list ({nodes} nodes)",
                l.0
            )));
        }
        locations.sort_unstable_by_key(|l| l.0);
        locations.dedup_by_key(|l| l.0);
        let mut by_id: Vec<u32> = (0..nodes as u32).collect();
        by_id.sort_unstable_by_key(|&n| self.node_id[n as usize]);
        Ok(HeapSnapshot {
            node_count: nodes,
            edge_count: edges,
            string_count,
            types: self.types,
            edge_types: self.edge_types,
            type_names: layout.type_names,
            edge_type_names: layout.edge_type_names,
            node_type: self.node_type,
            node_name: self.node_name,
            node_id: self.node_id,
            node_size: self.node_size,
            big_sizes: self.big_sizes,
            detachedness: self.detachedness,
            has_detachedness: layout.roles.contains(&Role::Detachedness),
            first_edge: self.first_edge,
            edge_type: self.edge_type,
            edge_name: self.edge_name,
            edge_to: self.edge_to,
            locations,
            strings,
            root: layout.root_index as u32,
            by_id,
        })
    }
}
