//! `simd-activations`: the throughput report (`cargo run --release`).
//!
//! Run with `--help` for the options.

mod report;
// The f64 references and the sweep, shared with the tests.
#[path = "../tests/suite/reference/mod.rs"]
mod reference;

use report::args::{Options, USAGE};
use simd_activations::{Backend, BACKEND_ENV};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // SIMD_ACTIVATIONS_BACKEND narrows the report to that backend; a bad
    // value is an error here as it is for every library call.
    let default_backends = if std::env::var_os(BACKEND_ENV).is_some() {
        match Backend::selected() {
            Ok(b) => vec![b],
            Err(e) => fail(&e.to_string()),
        }
    } else {
        Backend::supported()
    };
    if args.first().map(String::as_str) == Some("accuracy") {
        match report::args::accuracy_options(&args[1..], default_backends) {
            Ok(opts) => {
                if !report::accuracy::run(&opts) {
                    std::process::exit(1);
                }
            }
            Err(msg) => fail(&msg),
        }
        return;
    }
    if args.first().map(String::as_str) == Some("sweep") {
        match report::args::sweep_options(&args[1..], &default_backends) {
            Ok(opts) => report::sweep::run(&opts),
            Err(msg) if msg == USAGE => print!("{USAGE}"),
            Err(msg) => fail(&msg),
        }
        return;
    }
    match Options::parse(&args, default_backends) {
        Ok(opts) => report::run(&opts),
        Err(msg) if msg == USAGE => print!("{USAGE}"),
        Err(msg) => fail(&msg),
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("simd-activations: {msg}");
    std::process::exit(2)
}
