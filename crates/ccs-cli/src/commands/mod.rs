pub mod bench;
pub mod demo;
pub mod isa;
pub mod run;
pub mod vectors;
