pub mod asm;
pub mod bench;
pub mod budget;
pub mod demo;
pub mod isa;
pub mod node;
pub mod run;
pub mod vectors;
