//! The integration tests, as one test binary: one link, and every kernel
//! instantiated once rather than once per file (this halves CI's build).
//! Run one part with a filter: `cargo test --test suite rowwise::`.

mod common;
mod reference;

mod accuracy;
mod accuracy_sweep;
mod array;
mod bias;
mod bytes;
mod cli;
mod consistency;
mod derivatives;
mod docs;
mod errors;
mod fuzz_findings;
mod half;
mod hyperbolic;
mod miri;
mod parametric;
mod properties;
mod rowwise;
mod spec_strings;
mod stochastic;
mod trig;
