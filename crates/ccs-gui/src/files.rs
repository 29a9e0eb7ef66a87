//! Reading what the user opens. Opening itself is ccs-lesson's ([`ccs_lesson::open`]),
//! shared with the CLI's lesson check; the open dialog's listing is here.

use ccs_files::kind::extension;
pub use ccs_lesson::open::{EXTENSIONS, Opened, open_bundled, open_path, open_text};
use std::path::{Path, PathBuf};

/// One row of the open dialog's listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub path: PathBuf,
    pub is_dir: bool,
}

/// The folders and openable files of a folder, folders first, by name.
pub fn list_dir(dir: &Path) -> Result<Vec<DirEntry>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out: Vec<DirEntry> = read
        .filter_map(Result::ok)
        .filter_map(|e| {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = path.is_dir();
            if name.starts_with('.') {
                return None;
            }
            (is_dir || EXTENSIONS.contains(&extension(&path).as_str())).then_some(DirEntry { name, path, is_dir })
        })
        .collect();
    out.sort_by_key(|e| (!e.is_dir, e.name.to_lowercase()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dialog_lists_folders_first_and_only_openable_files() {
        let dir = std::env::temp_dir().join(format!("ccs-gui-list-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for f in ["b.asm", "a.img", "notes.txt", ".hidden.asm"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let names: Vec<String> = list_dir(&dir).unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["sub", "a.img", "b.asm"]);
        assert!(list_dir(&dir.join("missing")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
