//! The report: `cargo run --release`.
fn main() {}
