//! `ccs isa`: the instruction table (the source of docs/isa.md) and, with `--io`, the
//! I/O tables (the source of docs/io.md).

use crate::CliError;
use ccs_core::isa::{ISA, markdown_table};
use std::io::Write;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the Markdown table used in docs/isa.md
    #[arg(long)]
    markdown: bool,
    /// Print the interrupt-level, channel and discrete-command tables used in docs/io.md
    #[arg(long)]
    io: bool,
    /// Print the table of event-script input sources used in docs/events.md
    #[arg(long)]
    events: bool,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, CliError> {
    if args.events {
        write!(out, "{}", ccs_core::script::markdown_sources())?;
        return Ok(crate::EXIT_OK);
    }
    if args.io {
        write!(out, "{}", ccs_core::io::markdown_tables())?;
        return Ok(crate::EXIT_OK);
    }
    if args.markdown {
        write!(out, "{}", markdown_table())?;
        return Ok(crate::EXIT_OK);
    }
    writeln!(out, "op  mnemonic class cycles       operand             flags")?;
    for i in &ISA {
        writeln!(
            out,
            "{:02o}  {:<8} {:<5} {:<12} {:<19} {}",
            i.opcode as u8,
            i.mnemonic,
            i.class.name(),
            i.class.formula(),
            i.operand.description(),
            i.flags.description()
        )?;
    }
    Ok(crate::EXIT_OK)
}
