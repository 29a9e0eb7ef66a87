//! V8 heap snapshots (`.heapsnapshot`, as written by `v8.writeHeapSnapshot()` or DevTools), read in
//! one streaming pass into a compact table of objects, summarised per constructor and compared the
//! way DevTools' Summary and Comparison views do.
//!
//! The format is one JSON object: `snapshot` (with `meta`, the field layout), then flat integer
//! arrays `nodes` and `edges`, then `strings`. The layout is read from `snapshot.meta` by field
//! name: the position of `type`, `name`, `id`, `self_size` and `edge_count` in `node_fields`, and
//! the node type names in `node_types`, are looked up, never assumed. The edge array is counted and
//! checked, never stored. Only what a Summary or Comparison needs is kept: for every object with a
//! non-zero self size, its id, class and self size (16 bytes an object), plus the class names.

mod compare;
mod scan;

pub use compare::{ClassDiff, Comparison, compare};

use scan::{Scanner, decode_string};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Default read buffer: large enough that refills are rare, small against the memory target.
pub const DEFAULT_BUFFER: usize = 1 << 20;

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
}

#[derive(Deserialize)]
struct Header {
    meta: Meta,
    node_count: Option<u64>,
    edge_count: Option<u64>,
}

#[derive(Deserialize)]
struct Meta {
    node_fields: Vec<String>,
    node_types: Vec<serde_json::Value>,
    edge_fields: Vec<String>,
}

/// What a value of the nodes array is, by its position within a node.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Type,
    Name,
    Id,
    SelfSize,
    EdgeCount,
    Other,
}

/// How a node type is named in the class column.
#[derive(Clone, Debug)]
enum TypeClass {
    /// Named after the node's name: `object` (the constructor) and `native`.
    ByName,
    Fixed(String),
}

/// The field layout, from `snapshot.meta`.
struct Layout {
    roles: Vec<Role>,
    type_names: Vec<String>,
    type_classes: Vec<TypeClass>,
    edge_fields: usize,
    node_count: Option<u64>,
    edge_count: Option<u64>,
}

impl Layout {
    fn from_header(header: Header) -> Result<Layout, SnapshotError> {
        let meta = header.meta;
        let position = |name: &str| {
            meta.node_fields.iter().position(|f| f == name).ok_or_else(|| {
                SnapshotError::Invalid(format!(
                    "snapshot.meta.node_fields {:?} has no {name:?} field",
                    meta.node_fields
                ))
            })
        };
        let (type_at, name_at, id_at, size_at) =
            (position("type")?, position("name")?, position("id")?, position("self_size")?);
        let edge_count_at = meta.node_fields.iter().position(|f| f == "edge_count");
        let roles = (0..meta.node_fields.len())
            .map(|i| match i {
                _ if i == type_at => Role::Type,
                _ if i == name_at => Role::Name,
                _ if i == id_at => Role::Id,
                _ if i == size_at => Role::SelfSize,
                _ if Some(i) == edge_count_at => Role::EdgeCount,
                _ => Role::Other,
            })
            .collect();
        let type_names: Vec<String> = match meta.node_types.get(type_at) {
            Some(serde_json::Value::Array(names)) => {
                names.iter().map(|n| n.as_str().map(str::to_owned)).collect::<Option<_>>().ok_or_else(|| {
                    SnapshotError::Invalid("snapshot.meta.node_types: type names must be strings".into())
                })?
            }
            _ => {
                return Err(SnapshotError::Invalid(
                    "snapshot.meta.node_types has no list of type names for the \"type\" field".into(),
                ));
            }
        };
        let type_classes = type_names.iter().map(|t| type_class(t)).collect();
        if meta.edge_fields.is_empty() {
            return Err(SnapshotError::Invalid("snapshot.meta.edge_fields is empty".into()));
        }
        Ok(Layout {
            roles,
            type_names,
            type_classes,
            edge_fields: meta.edge_fields.len(),
            node_count: header.node_count,
            edge_count: header.edge_count,
        })
    }
}

/// DevTools' class name for a node type: (system) for hidden, the node's name for object and
/// native, (compiled code) for code, Function for closures, RegExp for regexps, and the type in
/// parentheses for everything else: (string), (array), (number), (concatenated string)...
fn type_class(type_name: &str) -> TypeClass {
    TypeClass::Fixed(match type_name {
        "object" | "native" => return TypeClass::ByName,
        "hidden" => "(system)".into(),
        "code" => "(compiled code)".into(),
        "closure" => "Function".into(),
        "regexp" => "RegExp".into(),
        other => format!("({other})"),
    })
}

/// DevTools' class name for an object or native node named `name`: element names are cut to their
/// tag, `<div id="a">` → `<div>` and `Detached <div id="a">` → `Detached <div>`.
pub fn class_name_for(name: &str) -> String {
    let cut = |from: usize| name[from..].find(' ').map(|i| format!("{}>", &name[..from + i]));
    if name.starts_with('<') {
        if let Some(short) = cut(0) {
            return short;
        }
    } else if name.starts_with("Detached <")
        && let Some(short) = cut(10)
    {
        return short;
    }
    name.to_owned()
}

/// One object of a snapshot: what a Summary or Comparison needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeapObject {
    /// V8's object id: stable across snapshots of one process.
    pub id: u32,
    /// Index into [`HeapSnapshot::class_names`].
    pub class: u32,
    /// Shallow ("self") size in bytes.
    pub self_size: u64,
}

/// A parsed heap snapshot: every object with a non-zero self size (DevTools leaves out the others
/// too), sorted by id, and the class names.
#[derive(Clone, Debug)]
pub struct HeapSnapshot {
    /// All nodes, including those of zero self size.
    pub node_count: u64,
    pub edge_count: u64,
    pub string_count: u64,
    class_names: Vec<String>,
    objects: Vec<HeapObject>,
}

impl HeapSnapshot {
    /// Read a snapshot from `reader` in one streaming pass.
    pub fn read<R: Read>(reader: R) -> Result<HeapSnapshot, SnapshotError> {
        HeapSnapshot::read_with_buffer(reader, DEFAULT_BUFFER)
    }

    /// [`HeapSnapshot::read`] with a read buffer of `buffer` bytes (tests use tiny ones).
    pub fn read_with_buffer<R: Read>(reader: R, buffer: usize) -> Result<HeapSnapshot, SnapshotError> {
        Parser::default().run(Scanner::new(reader, buffer))
    }

    /// Open and read a snapshot file.
    pub fn open(path: &Path) -> Result<HeapSnapshot, SnapshotError> {
        HeapSnapshot::read(std::fs::File::open(path)?)
    }

    /// Objects with a non-zero self size, sorted by id.
    pub fn objects(&self) -> &[HeapObject] {
        &self.objects
    }

    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    pub fn class_name(&self, object: &HeapObject) -> &str {
        &self.class_names[object.class as usize]
    }

    /// Sum of all self sizes: DevTools' "Total" at the top of the Summary.
    pub fn total_self_size(&self) -> u64 {
        self.objects.iter().map(|o| o.self_size).sum()
    }

    /// Per-constructor count and shallow size, largest shallow size first.
    pub fn summary(&self) -> Summary {
        let mut per_class: Vec<ClassSummary> =
            self.class_names.iter().map(|name| ClassSummary { name: name.clone(), count: 0, self_size: 0 }).collect();
        for o in &self.objects {
            let c = &mut per_class[o.class as usize];
            c.count += 1;
            c.self_size += o.self_size;
        }
        per_class.retain(|c| c.count > 0);
        per_class.sort_by(|a, b| b.self_size.cmp(&a.self_size).then_with(|| a.name.cmp(&b.name)));
        Summary {
            node_count: self.node_count,
            edge_count: self.edge_count,
            string_count: self.string_count,
            objects: self.objects.len() as u64,
            total_self_size: self.total_self_size(),
            classes: per_class,
        }
    }
}

/// Open two snapshots at once, each on its own thread.
pub fn open_pair(
    base: &Path,
    target: &Path,
) -> (Result<HeapSnapshot, SnapshotError>, Result<HeapSnapshot, SnapshotError>) {
    std::thread::scope(|s| {
        let b = s.spawn(|| HeapSnapshot::open(base));
        let t = HeapSnapshot::open(target);
        let b = b.join().unwrap_or_else(|_| Err(SnapshotError::Invalid("the reading thread failed".into())));
        (b, t)
    })
}

/// DevTools' Summary view, without retained sizes and distances (those need the edge graph).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub node_count: u64,
    pub edge_count: u64,
    pub string_count: u64,
    /// Objects with a non-zero self size: the ones counted below.
    pub objects: u64,
    pub total_self_size: u64,
    pub classes: Vec<ClassSummary>,
}

/// One row of the Summary: a constructor (class), its object count and shallow size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassSummary {
    pub name: String,
    pub count: u64,
    pub self_size: u64,
}

/// A name index, or for types with a fixed class name `FIXED - type`.
const FIXED: u32 = u32::MAX;

#[derive(Default)]
struct Parser {
    layout: Option<Layout>,
    /// Objects with their class not yet resolved: `class` holds a name index or `FIXED - type`.
    objects: Vec<HeapObject>,
    node_count: u64,
    edge_count_sum: u64,
    edge_values: Option<u64>,
    /// Name indexes used by object and native nodes.
    needed: Vec<u64>,
    /// The strings kept: the needed ones (or all, if `strings` comes before `nodes`).
    strings: HashMap<u32, String>,
    string_count: Option<u64>,
}

fn set_bit(bits: &mut Vec<u64>, i: u32) {
    let word = (i / 64) as usize;
    if word >= bits.len() {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << (i % 64);
}

fn bit(bits: &[u64], i: u32) -> bool {
    bits.get((i / 64) as usize).is_some_and(|w| w & (1 << (i % 64)) != 0)
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

    fn header<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the snapshot header";
        let start = s.offset();
        let mut raw = Vec::new();
        s.skip_value(Some(&mut raw), 64 << 20)?;
        let header: Header = serde_json::from_slice(&raw).map_err(|e| {
            SnapshotError::Invalid(format!("the snapshot header at byte {start} is not what V8 writes: {e}"))
        })?;
        self.layout = Some(Layout::from_header(header)?);
        Ok(())
    }

    fn nodes<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the nodes array";
        let layout = self.layout.as_ref().ok_or_else(|| {
            SnapshotError::Invalid("the nodes array comes before snapshot.meta, which describes it".into())
        })?;
        if let Some(n) = layout.node_count {
            // A hint only: a lying header must not make us reserve absurd amounts.
            self.objects.reserve(n.min(1 << 24) as usize);
        }
        let fields = layout.roles.len();
        let types = layout.type_names.len() as u64;
        let (mut ty, mut name, mut id, mut size) = (0u64, 0u64, 0u64, 0u64);
        let mut at = 0usize;
        let (objects, needed, node_count, edge_sum) =
            (&mut self.objects, &mut self.needed, &mut self.node_count, &mut self.edge_count_sum);
        s.expect(b'[', "'[': nodes is an array of integers")?;
        s.uint_array(|v| {
            match layout.roles[at] {
                Role::Type => ty = v,
                Role::Name => name = v,
                Role::Id => id = v,
                Role::SelfSize => size = v,
                Role::EdgeCount => *edge_sum += v,
                Role::Other => {}
            }
            at += 1;
            if at < fields {
                return Ok(());
            }
            at = 0;
            *node_count += 1;
            if ty >= types {
                return Err(format!("node {} has type {ty}, but there are only {types} node types", *node_count - 1));
            }
            if size == 0 {
                return Ok(());
            }
            let id = u32::try_from(id).map_err(|_| format!("node id {id} does not fit 32 bits"))?;
            let class = match layout.type_classes[ty as usize] {
                TypeClass::ByName => {
                    let name = u32::try_from(name)
                        .ok()
                        .filter(|&n| n < FIXED - types as u32)
                        .ok_or_else(|| format!("name index {name} is out of range"))?;
                    set_bit(needed, name);
                    name
                }
                TypeClass::Fixed(_) => FIXED - ty as u32,
            };
            objects.push(HeapObject { id, class, self_size: size });
            Ok(())
        })?;
        if at != 0 {
            return Err(SnapshotError::Invalid(format!(
                "the nodes array ends in the middle of a node ({at} of {fields} fields)"
            )));
        }
        if let Some(n) = layout.node_count
            && n != self.node_count
        {
            return Err(SnapshotError::Invalid(format!(
                "snapshot.node_count is {n}, but the nodes array holds {} nodes",
                self.node_count
            )));
        }
        Ok(())
    }

    fn edges<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the edges array";
        s.expect(b'[', "'[': edges is an array of integers")?;
        self.edge_values = Some(s.uint_array(|_| Ok(()))?);
        Ok(())
    }

    fn strings<R: Read>(&mut self, s: &mut Scanner<R>) -> Result<(), SnapshotError> {
        s.section = "the strings array";
        // If the nodes are already known, keep only the names they use; otherwise keep everything.
        let keep_all = self.layout.is_none() || self.node_count == 0;
        s.expect(b'[', "'[': strings is an array of strings")?;
        let mut index: u64 = 0;
        let mut raw = Vec::new();
        if s.token()? == b']' {
            s.bump();
        } else {
            loop {
                s.expect(b'"', "a string")?;
                let i = u32::try_from(index).unwrap_or(FIXED);
                if keep_all || bit(&self.needed, i) {
                    raw.clear();
                    s.raw_string(&mut raw, 1 << 30)?;
                    let text = decode_string(&raw).map_err(|e| s.syntax(format!("string {index}: {e}")))?;
                    self.strings.insert(i, text);
                } else {
                    s.skip_string()?;
                }
                index += 1;
                if !s.more(b']', "in the strings array")? {
                    break;
                }
            }
        }
        self.string_count = Some(index);
        Ok(())
    }

    fn finish(self) -> Result<HeapSnapshot, SnapshotError> {
        let missing = |what: &str| SnapshotError::Invalid(format!("no {what} (not a V8 heap snapshot?)"));
        let layout = self.layout.ok_or_else(|| missing("\"snapshot\" header with the field layout"))?;
        let edge_values = self.edge_values.ok_or_else(|| missing("\"edges\" array"))?;
        let string_count = self.string_count.ok_or_else(|| missing("\"strings\" array"))?;
        if self.node_count == 0 && layout.node_count != Some(0) {
            return Err(missing("\"nodes\" array"));
        }
        if edge_values % layout.edge_fields as u64 != 0 {
            return Err(SnapshotError::Invalid(format!(
                "the edges array holds {edge_values} values, not a multiple of the {} edge fields",
                layout.edge_fields
            )));
        }
        let edges = edge_values / layout.edge_fields as u64;
        if let Some(n) = layout.edge_count
            && n != edges
        {
            return Err(SnapshotError::Invalid(format!(
                "snapshot.edge_count is {n}, but the edges array holds {edges} edges"
            )));
        }
        if layout.roles.contains(&Role::EdgeCount) && self.edge_count_sum != edges {
            return Err(SnapshotError::Invalid(format!(
                "the nodes' edge counts add up to {}, but the edges array holds {edges} edges",
                self.edge_count_sum
            )));
        }

        // Resolve classes: fixed names per type, names for object and native nodes, one index per
        // distinct class name.
        let mut class_names: Vec<String> = Vec::new();
        let mut by_name: HashMap<String, u32> = HashMap::new();
        let mut intern = |name: String| -> u32 {
            *by_name.entry(name).or_insert_with_key(|n| {
                class_names.push(n.clone());
                (class_names.len() - 1) as u32
            })
        };
        let types = layout.type_names.len() as u32;
        let fixed: Vec<Option<u32>> = layout
            .type_classes
            .iter()
            .map(|c| match c {
                TypeClass::Fixed(name) => Some(intern(name.clone())),
                TypeClass::ByName => None,
            })
            .collect();
        let mut named: HashMap<u32, u32> = HashMap::new();
        let mut objects = self.objects;
        for o in &mut objects {
            o.class = if o.class > FIXED - types {
                fixed[(FIXED - o.class) as usize].unwrap_or(0)
            } else {
                match named.get(&o.class) {
                    Some(&c) => c,
                    None => {
                        let name = self.strings.get(&o.class).ok_or_else(|| {
                            SnapshotError::Invalid(format!(
                                "a node's name is string {}, but there are only {string_count} strings",
                                o.class
                            ))
                        })?;
                        let c = intern(class_name_for(name));
                        named.insert(o.class, c);
                        c
                    }
                }
            };
        }
        if !objects.is_sorted_by_key(|o| o.id) {
            objects.sort_unstable_by_key(|o| o.id);
        }
        Ok(HeapSnapshot { node_count: self.node_count, edge_count: edges, string_count, class_names, objects })
    }
}
