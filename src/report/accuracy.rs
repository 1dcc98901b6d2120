//! `simd-activations accuracy`: every pass of every activation against the
//! f64 references, in ULPs, on each backend: a stratified sample (seconds)
//! or every f32 bit pattern (`--exhaustive`, hours on 2 cores).

use crate::reference::sweep::{bit_range, new_stats, sampled_inputs, sweep, Stats, UNBOUNDED};
use rayon::prelude::*;
use simd_activations::{Activation, Backend, Executor};
use std::time::Instant;

/// Options of the accuracy sweep.
pub struct Options {
    pub ops: Vec<Activation>,
    pub backends: Vec<Backend>,
    pub exhaustive: bool,
    pub per_binade: usize,
    /// Also print a Markdown summary table (the README's accuracy table).
    pub markdown: bool,
}

/// Bit patterns per parallel work item of the exhaustive sweep.
const CHUNK: u64 = 1 << 20;

/// Runs the sweep and prints one row per (activation, backend, pass).
/// Returns whether every bound held.
pub fn run(opts: &Options) -> bool {
    let execs: Vec<Executor> = opts
        .backends
        .iter()
        .map(|&b| Executor::with_backend(b).expect("checked").serial())
        .collect();
    let mode = if opts.exhaustive {
        "every f32 bit pattern (2^32 inputs)".to_string()
    } else {
        format!(
            "both signs, every exponent, {} random mantissas each, and the special values",
            opts.per_binade
        )
    };
    println!("accuracy sweep: {mode}; dy = 1, -1/pi and 3e38; ULPs of the correctly rounded f64 reference");
    println!(
        "{:<34} {:<9} {:<22} {:>6} {:>9} {:>14} {:>14} {:>14} {:>10} {:>6} {:>9}",
        "op",
        "backend",
        "pass",
        "target",
        "max ulps",
        "at x",
        "got",
        "want",
        "over",
        "NaN",
        "beyond"
    );
    let mut all_ok = true;
    let mut summary = Vec::new();
    for act in &opts.ops {
        let started = Instant::now();
        if act.kind() == simd_activations::Kind::Rowwise {
            // Rows of random inputs of ordinary range instead of single
            // inputs (see tests/suite/reference/rows.rs).
            let scale = if opts.exhaustive {
                16
            } else {
                1 + opts.per_binade / 1024
            };
            for exec in &execs {
                for s in crate::reference::rows::row_sweep(exec, act, scale) {
                    all_ok &= s.over == 0;
                    println!(
                        "{:<34} {:<9} {:<22} {:>6} {:>9} {:>14e} {:>14e} {:>14e} {:>10} {:>6} {:>9}{}",
                        act.to_string(),
                        exec.backend().name(),
                        s.pass,
                        s.target,
                        s.max_ulps,
                        s.worst.2,
                        s.worst.3,
                        s.worst.4,
                        s.over,
                        0,
                        format!("cols {}", s.worst.0),
                        if s.over == 0 { "" } else { "  FAIL" }
                    );
                }
            }
            eprintln!("{act}: {:.1} s", started.elapsed().as_secs_f64());
            continue;
        }
        let stats = if opts.exhaustive {
            (0..(1u64 << 32) / CHUNK)
                .into_par_iter()
                .map(|c| {
                    let xs = bit_range(c * CHUNK, CHUNK);
                    let mut st: Vec<Vec<Stats>> = execs.iter().map(|_| new_stats(act)).collect();
                    sweep(&execs, act, &xs, &mut st);
                    st
                })
                .reduce(|| execs.iter().map(|_| new_stats(act)).collect(), merge)
        } else {
            let xs = sampled_inputs(opts.per_binade, 0x5EED);
            let mut st: Vec<Vec<Stats>> = execs.iter().map(|_| new_stats(act)).collect();
            sweep(&execs, act, &xs, &mut st);
            st
        };
        for (exec, per_pass) in execs.iter().zip(&stats) {
            for s in per_pass {
                all_ok &= s.ok();
                print_row(&act.to_string(), exec.backend(), s);
            }
        }
        summary.push(markdown_row(act, &stats));
        eprintln!("{act}: {:.1} s", started.elapsed().as_secs_f64());
    }
    println!(
        "{}",
        if all_ok {
            "all bounds hold"
        } else {
            "SOME BOUNDS FAIL (rows marked FAIL)"
        }
    );
    if opts.markdown {
        let names: Vec<&str> = opts.backends.iter().map(|b| b.name()).collect();
        println!("\n| activation | forward max / bound | backward max / bound | from y max / bound | results over bound |");
        println!("|---|---|---|---|---|");
        for row in &summary {
            println!("{row}");
        }
        println!(
            "\n(maximum over the backends {}; ULPs of the correctly rounded result)",
            names.join(", ")
        );
    }
    all_ok
}

/// One Markdown row: the largest error per pass kind over all backends.
fn markdown_row(act: &Activation, stats: &[Vec<Stats>]) -> String {
    let worst = |passes: &[usize]| -> Option<(u64, u64)> {
        let mut found: Option<(u64, u64)> = None;
        for per_pass in stats {
            for &p in passes {
                if let Some(s) = per_pass.get(p) {
                    let m = found.map_or(0, |(m, _)| m);
                    found = Some((m.max(s.max_ulps), s.target));
                }
            }
        }
        found
    };
    let cell = |w: Option<(u64, u64)>| match w {
        Some((m, t)) => format!("{m} / {t}"),
        None => "-".to_string(),
    };
    let over: u64 = stats.iter().flatten().map(|s| s.over).sum();
    format!(
        "| `{act}` | {} | {} | {} | {over} |",
        cell(worst(&[0])),
        cell(worst(&[1, 2])),
        cell(worst(&[4, 5]))
    )
}

fn merge(mut a: Vec<Vec<Stats>>, b: Vec<Vec<Stats>>) -> Vec<Vec<Stats>> {
    for (x, y) in a.iter_mut().zip(&b) {
        for (s, t) in x.iter_mut().zip(y) {
            s.merge(t);
        }
    }
    a
}

fn print_row(op: &str, backend: Backend, s: &Stats) {
    let beyond = if s.domain.is_finite() {
        format!("{} (|x|>{:e})", s.max_ulps_outside, s.domain)
    } else {
        "-".to_string()
    };
    println!(
        "{:<34} {:<9} {:<22} {:>6} {:>9} {:>14e} {:>14e} {:>14e} {:>10} {:>6} {:>9}{}",
        op,
        backend.name(),
        s.pass,
        if s.target == UNBOUNDED {
            "none".to_string()
        } else {
            s.target.to_string()
        },
        s.max_ulps,
        s.worst.0,
        s.worst.1,
        s.worst.2,
        s.over,
        s.nan_mismatches,
        beyond,
        if s.ok() { "" } else { "  FAIL" }
    );
    for (x, got, want) in &s.nan_examples {
        println!("    NaN mismatch at x={x:e}: got {got:e}, want {want:e}");
    }
}
