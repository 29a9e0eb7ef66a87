//! `ccs asm` and `ccs disasm` (to be implemented on top of the ccs-asm crate).

use crate::CliError;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct AsmArgs {
    /// Assembly source file
    src: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct DisasmArgs {
    /// Memory image
    image: PathBuf,
}

pub fn run_asm(args: AsmArgs, _out: &mut dyn Write, _err: &mut dyn Write) -> Result<u8, CliError> {
    Err(CliError::Input(format!("{}: the assembler is not built yet", args.src.display())))
}

pub fn run_disasm(args: DisasmArgs, _out: &mut dyn Write, _err: &mut dyn Write) -> Result<u8, CliError> {
    Err(CliError::Input(format!("{}: the disassembler is not built yet", args.image.display())))
}
