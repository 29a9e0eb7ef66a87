//! Bundles every program, scenario, map and lesson under `programs/` into the tools, so
//! they work from any folder. Generated, so the list cannot drift from the folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// File kinds the tools read (the Node.js programs are bundled by node-heap).
const KINDS: [&str; 5] = ["asm", "img", "ron", "json", "md"];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "node") {
                walk(&p, out);
            }
        } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| KINDS.contains(&e)) {
            out.push(p);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../programs");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut code = String::from(
        "/// Every bundled file: (path below `programs/`, text).\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        let rel = f.strip_prefix(&root).expect("below programs/").to_string_lossy().replace('\\', "/");
        let abs = f.canonicalize().expect("readable");
        let _ = writeln!(code, "    ({rel:?}, include_str!({:?})),", abs.display().to_string());
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
