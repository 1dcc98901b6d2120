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
use std::time::{Duration, Instant};

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
    /// `--idle US`: time each cell as the median of single calls made from
    /// this thread (outside any pool, so the parallel ones split on the
    /// global pool as a training loop's call would), each after `US`
    /// microseconds without work, instead of the best of back-to-back calls
    /// inside the sweep's pool.
    pub idle: Option<Duration>,
}

/// Calls per cell with `--idle`.
const IDLE_CALLS: usize = 31;

/// The median time of single calls of `f`, each after `idle` without work:
/// spinning below a millisecond (a sleep oversleeps there), sleeping from
/// one up (the pool's workers go to sleep meanwhile either way).
fn median_after_idle(idle: Duration, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..IDLE_CALLS)
        .map(|_| {
            if idle >= Duration::from_millis(1) {
                std::thread::sleep(idle);
            } else {
                let t = Instant::now();
                while t.elapsed() < idle {
                    std::hint::spin_loop();
                }
            }
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[IDLE_CALLS / 2]
}

/// Runs the sweep and prints a markdown table per activation.
pub fn run(opts: &Options) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .expect("thread pool");
    if opts.idle.is_some() {
        // Calls from this thread split on the global pool: give it the
        // thread count asked for (nothing has used it yet).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build_global();
    }
    let how = match opts.idle {
        Some(idle) => format!(
            "median of {IDLE_CALLS} single calls from outside the pool, each after {} us idle",
            idle.as_micros()
        ),
        None => "best of back-to-back calls inside the pool".to_string(),
    };
    println!(
        "parallel sweep: {} backend, forward, {} threads, {how}; ns per element (speedup over serial)",
        opts.backend, opts.threads
    );
    // Times `f`, a serial call or one that may split (`pooled`).
    let time = |pooled: bool, f: &mut (dyn FnMut() + Send)| match opts.idle {
        Some(idle) => median_after_idle(idle, f),
        None if pooled => pool.install(|| best_seconds(f)),
        None => best_seconds(f),
    };
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
            let first = time(false, &mut || serial.forward(act, x, y).expect("ok"));
            let ns = |secs: f64| secs * 1e9 / n as f64;
            let par: Vec<f64> = opts
                .chunks
                .iter()
                .map(|&c| {
                    let par = exec
                        .with_min_parallel_len(0)
                        .with_chunk_len(c)
                        .expect("chunk lengths are checked when parsed");
                    time(true, &mut || par.forward(act, x, y).expect("ok"))
                })
                .collect();
            // Serial timed before and after the parallel runs, the faster
            // counting: a cold first run (clock ramp, page cache) must not
            // flatter the parallel columns.
            let base = first.min(time(false, &mut || serial.forward(act, x, y).expect("ok")));
            let mut line = format!("| {} | {:.3} |", super::args::size_name(n), ns(base));
            for secs in par {
                line.push_str(&format!(" {:.3} ({:.2}x) |", ns(secs), base / secs));
            }
            let auto = time(true, &mut || exec.forward(act, x, y).expect("ok"));
            line.push_str(&format!(" {:.3} ({:.2}x) |", ns(auto), base / auto));
            println!("{line}");
        }
    }
}
