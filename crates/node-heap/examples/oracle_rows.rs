//! Scratch: print a Comparison in the oracle's row format.
use node_heap::snapshot::{Rules, compare_with, open_pair};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let t0 = std::time::Instant::now();
    let (b, t) = open_pair(a[1].as_ref(), a[2].as_ref());
    let (b, t) = (b.unwrap(), t.unwrap());
    eprintln!("read {:?}", t0.elapsed());
    let rules = if a.get(3).map(String::as_str) == Some("legacy") { Rules::LEGACY } else { Rules::DEVTOOLS };
    let c = compare_with(&b, &t, rules);
    eprintln!("compared {:?}", t0.elapsed());
    let c = c.with_retainers(&b, &t, 5);
    eprintln!("retainers {:?}", t0.elapsed());
    let rows: Vec<_> = c.classes.iter().map(|r| serde_json::json!({"constructor": r.name, "class_key": r.class_key(), "new": r.new_count, "deleted": r.deleted_count, "delta": r.count_delta, "alloc_size": r.alloc_size, "freed_size": r.freed_size, "size_delta": r.size_delta})).collect();
    println!("{}", serde_json::to_string_pretty(&rows).unwrap());
    for p in &c.retainers {
        eprintln!("{}: {}", p.class, p.chain(12));
    }
    for l in &c.listeners {
        eprintln!("{} @{} {}: {} -> {}", l.emitter, l.emitter_id, l.event, l.base_listeners, l.target_listeners);
    }
}
