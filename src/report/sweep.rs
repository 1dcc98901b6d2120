//! `simd-activations sweep`: how the parallel path's two settings (the
//! length from which a call splits, and the chunk length) play out on this
//! machine. For each activation and size it times the serial call and the
//! parallel call with each chunk length (every split allowed), on the
//! current pool, and prints ns per element with the speedup over serial;
//! the last column is the default executor (its own threshold and chunk).
//! The defaults (`DEFAULT_MIN_PARALLEL_LEN`, `DEFAULT_CHUNK_LEN`) were
//! chosen from this table; README "Parallel threshold and chunk length"
//! has the run behind them.

use super::measure::best_seconds;
use simd_activations::{Activation, Backend, Executor};

/// What to sweep.
pub struct Options {
    /// Activations, forward pass.
    pub ops: Vec<Activation>,
    /// Buffer lengths.
    pub sizes: Vec<usize>,
    /// Chunk lengths to try (multiples of 16).
    pub chunks: Vec<usize>,
    /// Thread count of the pool the parallel calls run on.
    pub threads: usize,
    /// Backend (the best one by default).
    pub backend: Backend,
}

/// Runs the sweep and prints a markdown table per activation.
pub fn run(opts: &Options) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .expect("thread pool");
    println!(
        "parallel sweep: {} backend, forward, {} threads; ns per element (speedup over serial)",
        opts.backend, opts.threads
    );
    let largest = opts.sizes.iter().copied().max().unwrap_or(0);
    let x: Vec<f32> = (0..largest)
        .map(|i| ((i * 7919) % 16001) as f32 / 1000.0 - 8.0)
        .collect();
    let mut y = vec![0.0f32; largest];
    let exec = Executor::with_backend(opts.backend).expect("supported backend");
    for act in &opts.ops {
        println!("\n{act}\n");
        let mut header = String::from("| n | serial |");
        let mut rule = String::from("|---|---|");
        for &c in &opts.chunks {
            header.push_str(&format!(" chunk {} |", super::args::size_name(c)));
            rule.push_str("---|");
        }
        header.push_str(" default |");
        rule.push_str("---|");
        println!("{header}\n{rule}");
        for &n in &opts.sizes {
            let (x, y) = (&x[..n], &mut y[..n]);
            let serial = exec.serial();
            let time_serial =
                |y: &mut [f32]| best_seconds(|| serial.forward(act, x, y).expect("ok"));
            let first = time_serial(y);
            let ns = |secs: f64| secs * 1e9 / n as f64;
            let par: Vec<f64> = opts
                .chunks
                .iter()
                .map(|&c| {
                    let par = exec
                        .with_min_parallel_len(0)
                        .with_chunk_len(c)
                        .expect("chunk lengths are checked when parsed");
                    pool.install(|| best_seconds(|| par.forward(act, x, y).expect("ok")))
                })
                .collect();
            // Serial timed before and after the parallel runs, the faster
            // counting: a cold first run (clock ramp, page cache) must not
            // flatter the parallel columns.
            let base = first.min(time_serial(y));
            let mut line = format!("| {} | {:.3} |", super::args::size_name(n), ns(base));
            for secs in par {
                line.push_str(&format!(" {:.3} ({:.2}x) |", ns(secs), base / secs));
            }
            let auto = pool.install(|| best_seconds(|| exec.forward(act, x, y).expect("ok")));
            line.push_str(&format!(" {:.3} ({:.2}x) |", ns(auto), base / auto));
            println!("{line}");
        }
    }
}
