//! Assembler and disassembler for the CCS assembly language (spec §11).
