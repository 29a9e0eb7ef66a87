//! `ccs asm` and `ccs disasm`.

use crate::commands::run::parse_target;
use crate::outputs;
use crate::{CliError, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK};
use ccs_asm::AsmOutput;
use ccs_core::Target;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct AsmArgs {
    /// Assembly source file (spec §11)
    src: PathBuf,
    /// Image to write (default: the source's name with .img, in the current folder)
    #[arg(short, long, value_name = "IMAGE")]
    output: Option<PathBuf>,
    /// Also write a listing: address, octal word, section, source line
    #[arg(long, value_name = "FILE")]
    listing: Option<PathBuf>,
    /// Also write the symbol table
    #[arg(long, value_name = "FILE")]
    symbols: Option<PathBuf>,
    /// Target written in the image header
    #[arg(long, value_parser = parse_target, value_name = "A|B|AB", default_value = "A")]
    target: Target,
    /// Lay sections without .org out in their map regions, first fit (a link step)
    #[arg(long, value_name = "MAP")]
    map: Option<PathBuf>,
    /// With --map: dead words the layout avoids, [MEMORY:]START-END or START+LEN
    #[arg(long, value_parser = crate::commands::relocate::parse_dead, value_name = "RANGE", requires = "map")]
    dead: Vec<crate::commands::relocate::DeadRange>,
}

#[derive(clap::Args, Debug)]
pub struct DisasmArgs {
    /// Memory image (spec §12)
    image: PathBuf,
    /// Write the source here instead of to standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Assemble a source file from disk (or a bundled one, below programs/).
pub fn assemble_file(src: &Path) -> AsmOutput {
    ccs_asm::assemble(src, &ccs_programs::DiskThenBundled)
}

/// Where the image goes: `-o`, else the source's name with `.img` in the current
/// folder (never beside the source unless asked, and never over a bundled program).
fn image_path(args: &AsmArgs) -> Result<PathBuf, CliError> {
    if let Some(path) = &args.output {
        return Ok(path.clone());
    }
    let name = args.src.file_name().ok_or_else(|| CliError::Input(format!("{}: not a file", args.src.display())))?;
    let path = PathBuf::from(name).with_extension("img");
    if outputs::is_bundled_file(&path) {
        return Err(CliError::Input(format!(
            "{} is a bundled program: give -o to write over it, or -o another file",
            path.display()
        )));
    }
    Ok(path)
}

pub fn run_asm(args: AsmArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    let mut output = assemble_file(&args.src);
    if let Some(map_path) = &args.map
        && output.diagnostics.is_empty()
        && let Some(plain) = &output.assembly
    {
        let map = crate::commands::budget::load_map(Some(map_path))?;
        let dead = crate::commands::relocate::dead_words(&args.dead, args.target)?;
        match ccs_budget::layout(plain, &map, args.target, &dead) {
            Ok((options, _)) => output = ccs_asm::assemble_with(&args.src, &ccs_programs::DiskThenBundled, &options),
            Err(e) => {
                writeln!(err, "{}: cannot lay the sections out in {}: {e}", args.src.display(), map_path.display())?;
                return Ok(EXIT_FAILED);
            }
        }
    }
    if !output.diagnostics.is_empty() {
        write!(err, "{}", output.render_diagnostics())?;
        let count = output.error_count();
        let plural = if count == 1 { "" } else { "s" };
        // Sections over their limits are a program that does not fit (1); anything
        // else is a source that does not assemble (2).
        let (what, code) = if output.has_errors() {
            (format!("{count} error{plural}"), EXIT_BAD_INPUT)
        } else {
            (
                format!("{count} section{plural} over {}", if count == 1 { "its limit" } else { "their limits" }),
                EXIT_FAILED,
            )
        };
        writeln!(err, "{}: {what}; no image written", args.src.display())?;
        return Ok(code);
    }
    let Some(assembly) = output.assembly else {
        return Err(CliError::Input(format!("{}: nothing assembled", args.src.display())));
    };
    let image_path = image_path(&args)?;
    let mut wanted: Vec<(&str, &Path, String)> = vec![("-o", &image_path, assembly.image_text(args.target))];
    if let Some(p) = &args.listing {
        wanted.push(("--listing", p, assembly.listing()));
    }
    if let Some(p) = &args.symbols {
        wanted.push(("--symbols", p, assembly.symbol_table()));
    }
    let inputs: Vec<&Path> = output.files.iter().map(|(_, f)| f.path()).chain(args.map.as_deref()).collect();
    let paths: Vec<(&str, &Path)> = wanted.iter().map(|(option, path, _)| (*option, *path)).collect();
    let files = outputs::open_all(&inputs, &paths)?;
    for (mut file, (_, path, text)) in files.into_iter().zip(&wanted) {
        file.write_all(text.as_bytes())
            .map_err(|source| ccs_files::FileError::Io { path: path.to_path_buf(), source })?;
        file.commit()?;
    }
    let written: Vec<String> = wanted.iter().map(|(_, path, _)| path.display().to_string()).collect();
    writeln!(out, "{}: {} words -> {}", args.src.display(), assembly.words().len(), written.join(", "))?;
    write!(out, "{}", assembly.section_report())?;
    Ok(EXIT_OK)
}

pub fn run_disasm(args: DisasmArgs, out: &mut dyn Write, _err: &mut dyn Write) -> Result<u8, CliError> {
    let image = ccs_files::load_image(&args.image)?;
    let source = ccs_asm::disassemble(&image).map_err(|e| CliError::Input(format!("{}: {e}", args.image.display())))?;
    match &args.output {
        Some(p) => {
            outputs::check_distinct(&[&args.image], &[("-o", p)])?;
            ccs_files::write_atomic(p, source.as_bytes())?;
        }
        None => write!(out, "{source}")?,
    }
    Ok(EXIT_OK)
}
