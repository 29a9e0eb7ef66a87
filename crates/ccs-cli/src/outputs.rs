//! Output files, checked before any work is done: none may be one of the inputs
//! (compared by canonical path, so `./x.asm`, `../d/x.asm` and a link to it are all
//! `x.asm`), no two may be the same file, and each is opened (its temporary file
//! created) before a long run, so that an unwritable path fails at once.

use crate::CliError;
use ccs_files::AtomicFile;
use std::path::{Path, PathBuf};

/// The canonical path of a file that exists, or of the file a path would create.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(std::fs::canonicalize(folder).ok()?.join(name))
}

/// Refuse an output that is one of `inputs`, or that another output also names.
/// `outputs` are (option, path): `("--listing", "t.lst")`. Inputs that are not on disk
/// (bundled programs) and outputs whose folder does not exist are skipped here: the
/// first cannot be overwritten, and the second fails when it is opened. Devices and
/// pipes (`/dev/null`) are written in place, not replaced, so several may name one.
pub fn check_distinct(inputs: &[&Path], outputs: &[(&str, &Path)]) -> Result<(), CliError> {
    let inputs: Vec<(PathBuf, &Path)> =
        inputs.iter().filter_map(|p| Some((std::fs::canonicalize(p).ok()?, *p))).collect();
    let mut seen: Vec<(PathBuf, &str)> = Vec::new();
    for &(option, path) in outputs {
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            continue;
        }
        let Some(c) = canonical(path) else { continue };
        if let Some((_, input)) = inputs.iter().find(|(i, _)| *i == c) {
            return Err(CliError::Input(format!(
                "{option} {}: that is the input {}; refusing to write over it",
                path.display(),
                input.display()
            )));
        }
        if let Some((_, other)) = seen.iter().find(|(s, _)| *s == c) {
            return Err(CliError::Input(format!("{other} and {option} both name {}", path.display())));
        }
        seen.push((c, option));
    }
    Ok(())
}

/// Check `outputs` against `inputs` ([`check_distinct`]), then open every one (its
/// temporary file beside it), in order. Nothing lands until each is committed; one
/// dropped (on an error) leaves no trace.
pub fn open_all(inputs: &[&Path], outputs: &[(&str, &Path)]) -> Result<Vec<AtomicFile>, CliError> {
    check_distinct(inputs, outputs)?;
    outputs.iter().map(|(_, path)| Ok(AtomicFile::create(path)?)).collect()
}

/// Whether `path` is a bundled program's file in a checkout (`.../programs/tick.img`),
/// which the tools must not overwrite unless told to: the build bundles that folder,
/// so touching it rebuilds the tools.
pub fn is_bundled_file(path: &Path) -> bool {
    let Some(c) = canonical(path) else { return false };
    c.ancestors().filter(|a| a.file_name().is_some_and(|n| n == "programs")).any(|programs| {
        c.strip_prefix(programs)
            .ok()
            .and_then(|rest| ccs_programs::file(&rest.to_string_lossy().replace('\\', "/")))
            .is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_and_shared_outputs_are_refused_by_canonical_path() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("x.asm");
        std::fs::write(&src, "NOP\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let roundabout = dir.path().join("sub/../x.asm");
        let e = check_distinct(&[&src], &[("-o", &roundabout)]).unwrap_err();
        assert!(e.to_string().contains("-o") && e.to_string().contains("refusing to write over it"), "{e}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.asm");
            std::os::unix::fs::symlink(&src, &link).unwrap();
            assert!(check_distinct(&[&src], &[("--listing", &link)]).is_err(), "a link to the input");
        }
        let a = dir.path().join("out.txt");
        let e = check_distinct(&[&src], &[("--listing", &a), ("--symbols", &dir.path().join("sub/../out.txt"))])
            .unwrap_err();
        assert_eq!(e.to_string(), format!("--listing and --symbols both name {}/sub/../out.txt", dir.path().display()));
        assert!(check_distinct(&[&src], &[("-o", &dir.path().join("x.img")), ("--listing", &a)]).is_ok());
        assert!(check_distinct(&[Path::new("not/on/disk.asm")], &[("-o", &a)]).is_ok());
    }

    #[test]
    fn bundled_files_are_recognised_in_a_checkout() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert!(is_bundled_file(&repo.join("programs/tick.img")));
        assert!(is_bundled_file(&repo.join("programs/flight/load.asm")));
        assert!(!is_bundled_file(&repo.join("programs/tick.lst")));
        assert!(!is_bundled_file(&repo.join("README.md")));
    }
}
