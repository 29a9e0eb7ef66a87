//! The streaming heap snapshot reader against synthetic snapshots (random field layouts, type
//! orders, section orders, whitespace and string escapes) with DevTools' rules applied naively as
//! the oracle; its errors on truncated and malformed input; and, when `node` is installed, a real
//! snapshot checked against the same rules computed by Node's own JSON.parse.

use node_heap::snapshot::{Rules, compare_with};
use node_heap::{HeapSnapshot, SnapshotError, compare};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write;

const NODE_FIELDS: [&str; 7] = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"];
const NODE_TYPES: [&str; 15] = [
    "hidden",
    "array",
    "string",
    "object",
    "code",
    "closure",
    "regexp",
    "number",
    "native",
    "synthetic",
    "concatenated string",
    "sliced string",
    "symbol",
    "bigint",
    "object shape",
];

#[derive(Clone, Debug)]
struct Node {
    ty: usize,
    name: usize,
    id: u32,
    size: u64,
    edges: u64,
}

/// A snapshot as V8 would write it, with its layout chosen by the test.
#[derive(Clone, Debug)]
struct Synth {
    fields: Vec<&'static str>,
    types: Vec<&'static str>,
    nodes: Vec<Node>,
    strings: Vec<String>,
    /// Write `strings` before `nodes` (legal JSON; V8 never does it).
    strings_first: bool,
    /// Whitespace between tokens: "" or "\n" or " \r\n\t".
    space: &'static str,
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

impl Synth {
    fn json(&self) -> String {
        let sp = self.space;
        let mut out = String::new();
        let fields: Vec<String> = self.fields.iter().map(|f| json_string(f)).collect();
        let types: Vec<String> = self.types.iter().map(|t| json_string(t)).collect();
        let mut node_types = vec![format!("[{}]", types.join(","))];
        node_types.extend(self.fields.iter().skip(1).map(|_| "\"number\"".to_string()));
        // node_types is positional: the type list sits at the position of "type"
        let type_at = self.fields.iter().position(|f| *f == "type").unwrap();
        node_types.rotate_right(type_at);
        let edge_count: u64 = self.nodes.iter().map(|n| n.edges).sum();
        write!(
            out,
            "{{{sp}\"snapshot\"{sp}:{sp}{{\"meta\":{{\"node_fields\":[{}],\"node_types\":[{}],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],\
             \"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"],\"string_or_number\",\"node\"],\
             \"sample_fields\":[\"timestamp_us\",\"last_assigned_id\"]}},\"node_count\":{},\"edge_count\":{},\"trace_function_count\":0}}",
            fields.join(","),
            node_types.join(","),
            self.nodes.len(),
            edge_count
        )
        .unwrap();
        let mut nodes = String::from("[");
        for (i, n) in self.nodes.iter().enumerate() {
            let values: Vec<String> = self
                .fields
                .iter()
                .map(|f| match *f {
                    "type" => n.ty.to_string(),
                    "name" => n.name.to_string(),
                    "id" => n.id.to_string(),
                    "self_size" => n.size.to_string(),
                    "edge_count" => n.edges.to_string(),
                    _ => "0".into(),
                })
                .collect();
            // like V8: one node a line
            write!(nodes, "{}{}{sp}", if i > 0 { "," } else { "" }, values.join(",")).unwrap();
        }
        nodes.push(']');
        let mut edges = String::from("[");
        for k in 0..edge_count as usize {
            write!(
                edges,
                "{}2,{},{}{sp}",
                if k > 0 { "," } else { "" },
                k % self.strings.len().max(1),
                (k % self.nodes.len().max(1)) * self.fields.len()
            )
            .unwrap();
        }
        edges.push(']');
        let strings =
            format!("[{}]", self.strings.iter().map(|s| json_string(s)).collect::<Vec<_>>().join(&format!(",{sp}")));
        let extra = format!(
            "\"trace_function_infos\":[],{sp}\"trace_tree\":[],\"samples\":[1,{sp}2],\"locations\":[[0],{{\"a\":\"]}}\"}}]"
        );
        if self.strings_first {
            write!(out, ",{sp}\"strings\":{strings},{sp}\"nodes\":{sp}{nodes},\"edges\":{edges},{extra}").unwrap();
        } else {
            write!(out, ",{sp}\"nodes\":{sp}{nodes},\"edges\":{edges},{extra},{sp}\"strings\":{strings}").unwrap();
        }
        out.push_str(sp);
        out.push('}');
        out.push_str(sp);
        out
    }

    /// DevTools' class name, applied directly.
    fn class(&self, n: &Node) -> String {
        match self.types[n.ty] {
            "hidden" => "(system)".into(),
            "code" => "(compiled code)".into(),
            "closure" => "Function".into(),
            "regexp" => "RegExp".into(),
            "object" | "native" => {
                let name = &self.strings[n.name];
                if let (true, Some(sp)) = (name.starts_with('<'), name.find(' ')) {
                    format!("{}>", &name[..sp])
                } else if let (true, Some(sp)) =
                    (name.starts_with("Detached <"), name.get(10..).and_then(|r| r.find(' ')))
                {
                    format!("{}>", &name[..10 + sp])
                } else {
                    name.clone()
                }
            }
            other => format!("({other})"),
        }
    }

    fn naive_summary(&self) -> BTreeMap<String, (u64, u64)> {
        let mut m = BTreeMap::new();
        for n in self.nodes.iter().filter(|n| n.size > 0) {
            let e = m.entry(self.class(n)).or_insert((0, 0));
            e.0 += 1;
            e.1 += n.size;
        }
        m
    }

    fn objects_by_class(&self) -> BTreeMap<String, BTreeMap<u32, u64>> {
        let mut m: BTreeMap<String, BTreeMap<u32, u64>> = BTreeMap::new();
        for n in self.nodes.iter().filter(|n| n.size > 0) {
            m.entry(self.class(n)).or_default().insert(n.id, n.size);
        }
        m
    }
}

/// The rules these naive models apply: V8's self sizes, class names by node type and name only.
const PLAIN: Rules = Rules { detached_names: false, shallow_sizes: false, interface_names: false, locations: false };

fn summary_map(s: &HeapSnapshot) -> BTreeMap<String, (u64, u64)> {
    s.summary_with(PLAIN).classes.into_iter().map(|c| (c.name, (c.count, c.self_size))).collect()
}

fn names() -> impl Strategy<Value = Vec<String>> {
    let name = prop_oneof![
        Just("Object".to_string()),
        Just("CachedRequest".to_string()),
        Just("<div id=\"a\">".to_string()),
        Just("Detached <span class=x>".to_string()),
        Just("system / Context".to_string()),
        Just("quote \" back\\slash / tab\t nl\n".to_string()),
        Just("ünïcödé 😀".to_string()),
        "[a-zA-Z_ ]{0,12}",
    ];
    prop::collection::vec(name, 1..12)
}

fn synth(ids: impl Strategy<Value = Vec<u32>>) -> impl Strategy<Value = Synth> {
    (
        Just(NODE_FIELDS.to_vec()).prop_shuffle(),
        Just(NODE_TYPES.to_vec()).prop_shuffle(),
        names(),
        ids,
        prop::collection::vec((0usize..15, 0usize..1000, prop_oneof![Just(0u64), 1u64..5000], 0u64..4), 40),
        any::<bool>(),
        prop_oneof![Just(""), Just("\n"), Just(" \r\n\t")],
    )
        .prop_map(|(fields, types, strings, ids, attrs, strings_first, space)| {
            let nodes = ids
                .iter()
                .zip(attrs)
                .map(|(&id, (ty, name, size, edges))| Node { ty, name: name % strings.len(), id, size, edges })
                .collect();
            Synth { fields, types, nodes, strings, strings_first, space }
        })
}

fn unique_ids(max: u32) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::btree_set(1..max, 0..40).prop_map(|s| s.into_iter().collect::<Vec<_>>()).prop_shuffle()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn summaries_follow_devtools_rules_for_any_layout(s in synth(unique_ids(u32::MAX)), buffer in 1usize..64) {
        let json = s.json();
        let snap = HeapSnapshot::read_with_buffer(json.as_bytes(), buffer).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert_eq!(summary_map(&snap), s.naive_summary());
        prop_assert_eq!(snap.node_count, s.nodes.len() as u64);
        prop_assert_eq!(snap.edge_count, s.nodes.iter().map(|n| n.edges).sum::<u64>());
        prop_assert_eq!(snap.string_count, s.strings.len() as u64);
    }

    #[test]
    fn comparisons_match_per_class_id_sets(
        base in synth(unique_ids(60)),
        target in synth(unique_ids(60)),
    ) {
        let b = HeapSnapshot::read(base.json().as_bytes()).unwrap();
        let t = HeapSnapshot::read(target.json().as_bytes()).unwrap();
        let c = compare_with(&b, &t, PLAIN);
        let (bo, to) = (base.objects_by_class(), target.objects_by_class());
        let mut want: BTreeMap<String, (u64, u64, u64, u64)> = BTreeMap::new();
        let empty = BTreeMap::new();
        for class in bo.keys().chain(to.keys()) {
            let (bs, ts) = (bo.get(class).unwrap_or(&empty), to.get(class).unwrap_or(&empty));
            let new: Vec<u64> = ts.iter().filter(|(id, _)| !bs.contains_key(id)).map(|(_, s)| *s).collect();
            let gone: Vec<u64> = bs.iter().filter(|(id, _)| !ts.contains_key(id)).map(|(_, s)| *s).collect();
            if !new.is_empty() || !gone.is_empty() {
                want.insert(class.clone(), (new.len() as u64, gone.len() as u64, new.iter().sum(), gone.iter().sum()));
            }
        }
        let got: BTreeMap<String, (u64, u64, u64, u64)> =
            c.classes.iter().map(|r| (r.name.clone(), (r.new_count, r.deleted_count, r.alloc_size, r.freed_size))).collect();
        prop_assert_eq!(got, want);
        for r in &c.classes {
            prop_assert_eq!(r.count_delta, r.new_count as i64 - r.deleted_count as i64);
            prop_assert_eq!(r.size_delta, r.alloc_size as i64 - r.freed_size as i64);
        }
        // DevTools' order: Alloc. Size, largest first
        prop_assert!(c.classes.windows(2).all(|w| w[0].alloc_size >= w[1].alloc_size));
    }

    #[test]
    fn corrupted_snapshots_give_errors_not_panics(s in synth(unique_ids(1000)), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = s.json().into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Err(e) = HeapSnapshot::read_with_buffer(&bytes[..], 7) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

fn small() -> Synth {
    Synth {
        fields: NODE_FIELDS.to_vec(),
        types: NODE_TYPES.to_vec(),
        nodes: vec![
            Node { ty: 9, name: 0, id: 1, size: 0, edges: 2 },
            Node { ty: 3, name: 1, id: 3, size: 48, edges: 1 },
            Node { ty: 3, name: 1, id: 5, size: 48, edges: 0 },
            Node { ty: 2, name: 2, id: 7, size: 32, edges: 0 },
            Node { ty: 5, name: 3, id: 9, size: 64, edges: 0 },
            Node { ty: 8, name: 4, id: 10, size: 100, edges: 0 },
        ],
        strings: vec!["".into(), "CachedRequest".into(), "hello".into(), "handler".into(), "<div id=\"x\">".into()],
        strings_first: false,
        space: "\n",
    }
}

#[test]
fn a_small_snapshot_in_detail() {
    let snap = HeapSnapshot::read(small().json().as_bytes()).unwrap();
    let s = snap.summary();
    assert_eq!((s.node_count, s.edge_count, s.string_count, s.objects, s.total_self_size), (6, 3, 5, 5, 292));
    let rows: Vec<(&str, u64, u64)> = s.classes.iter().map(|c| (c.name.as_str(), c.count, c.self_size)).collect();
    assert_eq!(rows, vec![("<div>", 1, 100), ("CachedRequest", 2, 96), ("Function", 1, 64), ("(string)", 1, 32)]);
}

#[test]
fn every_truncation_is_an_error_naming_the_offset() {
    let json = small().json();
    let end = json.trim_end().len();
    for cut in 0..end {
        let e = HeapSnapshot::read_with_buffer(&json.as_bytes()[..cut], 5).unwrap_err();
        let SnapshotError::Truncated { offset, .. } = e else { panic!("cut at {cut}: not a truncation: {e}") };
        assert_eq!(offset, cut as u64, "cut at {cut}");
        assert!(e.to_string().contains(&format!("ends at byte {cut}")), "{e}");
    }
    let in_nodes = json.find("\"nodes\"").unwrap() + 20;
    let e = HeapSnapshot::read(&json.as_bytes()[..in_nodes]).unwrap_err().to_string();
    assert!(e.contains("truncated snapshot") && e.contains("inside the nodes array"), "{e}");
    let in_strings = json.rfind("CachedRequest").unwrap();
    let e = HeapSnapshot::read(&json.as_bytes()[..in_strings]).unwrap_err().to_string();
    assert!(e.contains("inside the strings array"), "{e}");
}

fn error_of(json: &str) -> String {
    HeapSnapshot::read_with_buffer(json.as_bytes(), 4).unwrap_err().to_string()
}

#[test]
fn malformed_snapshots_are_explained() {
    let good = small().json();
    // a letter in the nodes array: the byte offset and the bytes around it
    let bad = good.replacen(",48,", ",4x,", 1);
    let at = bad.find("4x").unwrap() + 1;
    let e = error_of(&bad);
    assert!(e.contains(&format!("at byte {at}, in the nodes array: expected a non-negative integer")), "{e}");
    // (with a 4-byte buffer, the bytes before come from earlier buffers)
    assert!(e.contains("near `3,1,3,4<HERE>x`"), "{e}");
    let e = HeapSnapshot::read(bad.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("4<HERE>x,1,0,0"), "{e}");
    // layout problems, by name
    let e = error_of(&good.replacen("\"self_size\"", "\"size\"", 1));
    assert!(e.contains("has no \"self_size\" field"), "{e}");
    let e = error_of(&good.replacen("\"node_count\":6", "\"node_count\":7", 1));
    assert!(e.contains("snapshot.node_count is 7, but the nodes array holds 6 nodes"), "{e}");
    let e = error_of(&good.replacen("\"edge_count\":3", "\"edge_count\":4", 1));
    assert!(e.contains("edge_count is 4, but the edges array holds 3 edges"), "{e}");
    // a node type past the list of types
    let e = error_of(&good.replacen("\n,3,1,3,48", "\n,99,1,3,48", 1));
    assert!(e.contains("has type 99, but there are only 15 node types"), "{e}");
    // a name past the strings
    let e = error_of(&good.replacen("\n,3,1,3,48", "\n,3,77,3,48", 1));
    assert!(e.contains("string 77, but there are only 5 strings"), "{e}");
    // sections out of order, missing, duplicated, or not JSON at all
    let nodes_first = good.replacen("\"snapshot\"", "\"nodes\":[],\"snapshot\"", 1);
    assert!(error_of(&nodes_first).contains("comes before snapshot.meta"), "{}", error_of(&nodes_first));
    assert!(error_of("{}").contains("no \"snapshot\" header"));
    assert!(error_of("[1,2]").contains("a heap snapshot is a JSON object"));
    assert!(error_of(&format!("{good} x")).contains("unexpected data after the end"));
    let twice = good.replacen("\"edges\":[", "\"strings\":[],\"edges\":[", 1);
    assert!(error_of(&twice).contains("appears twice"), "{}", error_of(&twice));
    let e = error_of(&good.replacen("\"snapshot\"\n:\n{\"meta\"", "\"snapshot\"\n:\n{\"mota\"", 1));
    assert!(e.contains("header at byte") && e.contains("missing field `meta`"), "{e}");
    // an I/O error is reported as one
    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    assert!(matches!(HeapSnapshot::read(Failing), Err(SnapshotError::Io(_))));
}

#[test]
fn the_class_change_test_spots_snapshots_of_different_processes() {
    // Same ids, but half of them now belong to another class: what two processes started the same
    // way look like (V8 numbers objects the same way in both).
    let base = small();
    let mut other = small();
    other.nodes[1].name = 2; // CachedRequest id 3 -> a "hello" object
    other.nodes[3].ty = 1; // (string) id 7 -> (array)
    let c = compare(
        &HeapSnapshot::read(base.json().as_bytes()).unwrap(),
        &HeapSnapshot::read(other.json().as_bytes()).unwrap(),
    );
    assert_eq!((c.common_ids, c.class_changes), (5, 2));
    assert!(c.warning.as_deref().unwrap_or_default().contains("different processes"), "{:?}", c.warning);
    // and disjoint ids
    let mut far = small();
    for (i, n) in far.nodes.iter_mut().enumerate() {
        n.id = 1000 + 2 * i as u32;
    }
    let c = compare(
        &HeapSnapshot::read(base.json().as_bytes()).unwrap(),
        &HeapSnapshot::read(far.json().as_bytes()).unwrap(),
    );
    assert_eq!(c.common_ids, 0);
    assert!(c.warning.as_deref().unwrap_or_default().contains("only 0.0% of the base snapshot's object ids"));
    // the same snapshot against itself: nothing new, nothing deleted, no warning
    let s = HeapSnapshot::read(base.json().as_bytes()).unwrap();
    let c = compare(&s, &s);
    assert_eq!((c.classes.len(), c.warning, c.overlap), (0, None, 1.0));
}

#[test]
fn a_real_node_snapshot_matches_json_parse() {
    let node = std::env::var_os("CCS_NODE").map_or_else(|| "node".into(), std::path::PathBuf::from);
    if node_heap::record::node_version(&node).is_err() {
        eprintln!("skipping: node is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&node).args(args).current_dir(dir.path()).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    run(&[
        "-e",
        "class Leaky { constructor(i) { this.i = i; this.s = 'x'.repeat(100) + i } };\
         globalThis.keep = []; const v8 = require('v8'); v8.writeHeapSnapshot('a.heapsnapshot');\
         for (let i = 0; i < 500; i++) keep.push(new Leaky(i)); v8.writeHeapSnapshot('b.heapsnapshot');",
    ]);
    let reference = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/reference.js");
    let a = dir.path().join("a.heapsnapshot");
    let b = dir.path().join("b.heapsnapshot");
    let want: BTreeMap<String, (u64, u64)> =
        serde_json::from_str(&run(&[reference, "summary", b.to_str().unwrap()])).unwrap();
    let target = HeapSnapshot::open(&b).unwrap();
    assert_eq!(summary_map(&target), want);
    let want: BTreeMap<String, (u64, u64, u64, u64)> =
        serde_json::from_str(&run(&[reference, "diff", a.to_str().unwrap(), b.to_str().unwrap()])).unwrap();
    let c = compare_with(&HeapSnapshot::open(&a).unwrap(), &target, PLAIN);
    let got: BTreeMap<String, (u64, u64, u64, u64)> = c
        .classes
        .iter()
        .map(|r| (r.name.clone(), (r.new_count, r.deleted_count, r.alloc_size, r.freed_size)))
        .collect();
    assert_eq!(got, want);
    assert_eq!(c.class("Leaky").map(|r| (r.new_count, r.deleted_count)), Some((500, 0)));
}
