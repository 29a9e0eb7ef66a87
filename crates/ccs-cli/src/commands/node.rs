//! `ccs node ...` (to be implemented on top of the node-heap crate).

use crate::CliError;
use std::io::Write;

#[derive(clap::Subcommand, Debug)]
pub enum NodeCommand {
    /// Not built yet
    Check,
}

pub fn run(_command: NodeCommand, _out: &mut dyn Write, _err: &mut dyn Write) -> Result<u8, CliError> {
    Err(CliError::Input("ccs node is not built yet".into()))
}
