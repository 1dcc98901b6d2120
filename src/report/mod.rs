//! The throughput report: every activation's passes on every backend and
//! on the parallel path, next to a plain memory copy of the same bytes.

pub mod accuracy;
pub mod args;
#[cfg(feature = "half")]
mod half;
mod measure;
pub mod sweep;

use args::{names, Op, Options};
use measure::{best_seconds, best_seconds_fresh, stream_2r1w, stream_2r1w_streaming, Buffers};
use rayon::prelude::*;
use simd_activations::{
    Activation, ActivationFn, Backend, Executor, Identity, Kind, Layout, NoisyRelu, ParamValue,
    Prelu, Rrelu, DEFAULT_CHUNK_LEN,
};
use std::collections::HashMap;

/// One measured row.
pub struct Row {
    pub backend: String,
    pub op: String,
    pub pass: &'static str,
    pub n: usize,
    pub threads: usize,
    pub ns_per_elem: f64,
    /// The whole call (`ns_per_elem · n`): what a small buffer costs.
    pub ns_per_call: f64,
    pub gb_per_s: f64,
    /// Whether the buffers hold 2-byte elements (f16, bf16): then the
    /// ratio is to the copy row of 2-byte elements.
    pub half: bool,
}

impl Row {
    fn new(
        backend: &str,
        op: &str,
        pass: &'static str,
        n: usize,
        threads: usize,
        bytes_per_elem: f64,
        secs: f64,
    ) -> Row {
        Row {
            backend: backend.to_string(),
            op: op.to_string(),
            pass,
            n,
            threads,
            ns_per_elem: secs * 1e9 / n as f64,
            ns_per_call: secs * 1e9,
            gb_per_s: bytes_per_elem * n as f64 / secs / 1e9,
            half: false,
        }
    }

    fn json(&self) -> String {
        format!(
            "{{\"system\":\"simd-activations\",\"backend\":\"{}\",\"op\":\"{}\",\"pass\":\"{}\",\"n\":{},\"threads\":{},\"ns_per_elem\":{:.4},\"ns_per_call\":{:.1},\"gb_per_s\":{:.3}}}",
            self.backend,
            self.op.replace('"', "\\\""),
            self.pass,
            self.n,
            self.threads,
            self.ns_per_elem,
            self.ns_per_call,
            self.gb_per_s
        )
    }
}

/// Bytes a pass moves per element: read x, write y (8); read two, write one (12).
fn bytes_per_elem(pass: &str) -> f64 {
    match pass {
        "forward" | "forward_inplace" | "copy" => 8.0,
        _ => 12.0,
    }
}

/// Prints rows as they come, with ratios to the reference rows of the same
/// size and thread count.
struct Printer {
    json: bool,
    copy: f64,
    /// GB/s of the copy of 2-byte elements (for f16 and bf16 rows).
    copy_half: f64,
    stream: f64,
    /// Scalar ns/elem by (op, pass, n), from the 1-thread rows.
    scalar: HashMap<(String, &'static str, usize), f64>,
    /// ns/elem of the 1-thread rows by (op, pass, n, backend), for the
    /// scaling of the rows on more threads.
    one_thread: HashMap<(String, &'static str, usize, String), f64>,
    /// ns/elem of the unfused bias rows by (the fused op's label, pass, n,
    /// threads, backend), for the fused rows that follow them.
    unfused: HashMap<(String, &'static str, usize, usize, String), f64>,
}

impl Printer {
    fn header(&self, n: usize, threads: usize) {
        if !self.json {
            let place = if n * 8 <= 1 << 20 {
                "cache-resident"
            } else {
                "main memory"
            };
            println!("\nn = {n} ({place}), threads = {threads}");
            println!(
                "{:<40} {:<21} {:<9} {:>9} {:>11} {:>9} {:>8} {:>8} {:>9} {:>8} {:>10}",
                "op",
                "pass",
                "backend",
                "ns/elem",
                "us/call",
                "GB/s",
                "vs copy",
                "vs 2r1w",
                "vs scalar",
                "vs 1 thr",
                "vs unfused"
            );
        }
    }

    fn row(&mut self, row: &Row) {
        if self.json {
            println!("{}", row.json());
            return;
        }
        let ratio = |reference: f64| format!("{:.2}", row.gb_per_s / reference);
        let vs_copy = ratio(if row.half { self.copy_half } else { self.copy });
        let vs_stream = if bytes_per_elem(row.pass) == 12.0 && !row.half {
            ratio(self.stream)
        } else {
            String::new()
        };
        let key = (row.op.clone(), row.pass, row.n);
        if row.backend == "scalar" && row.threads == 1 {
            self.scalar.insert(key.clone(), row.ns_per_elem);
        }
        let vs_scalar = self
            .scalar
            .get(&key)
            .map(|s| format!("{:.1}x", s / row.ns_per_elem))
            .unwrap_or_default();
        let key = (row.op.clone(), row.pass, row.n, row.backend.clone());
        if row.threads == 1 {
            self.one_thread.insert(key.clone(), row.ns_per_elem);
        }
        let vs_one_thread = match self.one_thread.get(&key) {
            Some(one) if row.threads > 1 => format!("{:.2}x", one / row.ns_per_elem),
            _ => String::new(),
        };
        let fused_label = row.op.replace(",unfused]", "]");
        let key = (
            fused_label,
            row.pass,
            row.n,
            row.threads,
            row.backend.clone(),
        );
        let vs_unfused = if row.op.contains(",unfused]") {
            self.unfused.insert(key, row.ns_per_elem);
            String::new()
        } else {
            self.unfused
                .get(&key)
                .map(|u| format!("{:.2}x", u / row.ns_per_elem))
                .unwrap_or_default()
        };
        println!(
            "{:<40} {:<21} {:<9} {:>9.4} {:>11.3} {:>9.2} {:>8} {:>8} {:>9} {:>8} {:>10}",
            row.op,
            row.pass,
            row.backend,
            row.ns_per_elem,
            row.ns_per_call / 1e3,
            row.gb_per_s,
            vs_copy,
            vs_stream,
            vs_scalar,
            vs_one_thread,
            vs_unfused
        );
    }
}

/// Runs `f` on a pool of `threads` threads (or directly for 1).
pub(crate) fn on_threads<R: Send>(
    pool: Option<&rayon::ThreadPool>,
    f: impl FnOnce() -> R + Send,
) -> R {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// The copy and stream_2r1w reference rows for one size and thread count.
fn reference_rows(
    buf: &mut Buffers,
    threads: usize,
    pool: Option<&rayon::ThreadPool>,
    best: Backend,
) -> (Row, Row) {
    let n = buf.x.len();
    let chunk = simd_activations::DEFAULT_CHUNK_LEN;
    let (x, y, dy, dx) = (&buf.x, &mut buf.y, &buf.dy, &mut buf.dx);
    let memcpy = on_threads(pool, || {
        best_seconds(|| {
            if threads > 1 {
                y.par_chunks_mut(chunk)
                    .zip(x.par_chunks(chunk))
                    .for_each(|(y, x)| y.copy_from_slice(x));
            } else {
                y.copy_from_slice(x);
            }
        })
    });
    let exec = Executor::with_backend(best).expect("supported");
    let exec = if threads > 1 {
        exec.with_min_parallel_len(0)
    } else {
        exec.serial()
    };
    let lanes_loop = on_threads(pool, || {
        best_seconds(|| exec.forward(&Identity, x, y).expect("copy"))
    });
    let (name, secs) = if lanes_loop < memcpy {
        ("loop", lanes_loop)
    } else {
        ("memcpy", memcpy)
    };
    let copy = Row::new(name, "copy", "copy", n, threads, 8.0, secs);
    // The faster of a plain loop and a streaming one, like the copy row.
    let mut two_reads = |streaming: bool| {
        let run = |a: &[f32], b: &[f32], out: &mut [f32]| {
            if !streaming {
                stream_2r1w(a, b, out);
            } else {
                stream_2r1w_streaming(best, a, b, out).expect("a streaming backend");
            }
        };
        on_threads(pool, || {
            best_seconds(|| {
                if threads > 1 {
                    dx.par_chunks_mut(chunk)
                        .zip(x.par_chunks(chunk).zip(dy.par_chunks(chunk)))
                        .for_each(|(out, (a, b))| run(a, b, out));
                } else {
                    run(x, dy, dx);
                }
            })
        })
    };
    let plain = two_reads(false);
    let can_stream = stream_2r1w_streaming(best, &[], &[], &mut []).is_some();
    let streaming = if can_stream {
        two_reads(true)
    } else {
        f64::INFINITY
    };
    let (name, secs) = if streaming < plain {
        ("stream", streaming)
    } else {
        ("loop", plain)
    };
    let stream = Row::new(name, "stream_2r1w", "stream_2r1w", n, threads, 12.0, secs);
    (copy, stream)
}

/// Times one pass of `act` on `exec`; `None` if the pass is not defined.
fn time_pass(
    exec: &Executor,
    act: &Activation,
    pass: &str,
    buf: &mut Buffers,
    pool: Option<&rayon::ThreadPool>,
) -> Option<f64> {
    let Buffers {
        x,
        y,
        dy,
        dx,
        scratch,
    } = buf;
    if pass == "backward_from_output" {
        if !act.supports_backward_from_output() {
            return None;
        }
        exec.forward(act, x, y).expect("forward");
    }
    Some(on_threads(pool, || {
        if pass == "forward_inplace" {
            return best_seconds_fresh(|reset| {
                if reset {
                    scratch.copy_from_slice(x);
                } else {
                    exec.forward_inplace(act, scratch).expect("validated op");
                }
            });
        }
        best_seconds(|| {
            match pass {
                "forward" => exec.forward(act, x, y),
                "backward" => exec.backward(act, x, dy, dx),
                _ => exec.backward_from_output(act, y, dy, dx),
            }
            .expect("validated op")
        })
    }))
}

/// Times one pass of a rowwise `act` on rows of `cols`: `(seconds, bytes
/// per input element, elements)`.
fn time_rows(
    exec: &Executor,
    act: &Activation,
    cols: usize,
    pass: &str,
    buf: &mut Buffers,
    pool: Option<&rayon::ThreadPool>,
) -> Option<(f64, f64, usize)> {
    let k = match act.param("k") {
        Some(ParamValue::Int(k)) => k as usize,
        _ => 1,
    };
    let n = buf.x.len();
    let cols = (cols.min(n) / k * k).max(k);
    let m = n / cols * cols;
    if m == 0 {
        return None;
    }
    let out = m / k;
    let (x, y, dy, dx, scratch) = (
        &buf.x[..m],
        &mut buf.y[..out],
        &buf.dy[..out],
        &mut buf.dx[..m],
        &mut buf.scratch[..m],
    );
    let ratio = 1.0 / k as f64;
    let bytes = match pass {
        "forward" => 4.0 + 4.0 * ratio,
        "forward_inplace" => 8.0,
        _ => 8.0 + 4.0 * ratio,
    };
    match pass {
        "forward_inplace" => {
            scratch.copy_from_slice(x);
            exec.forward_rows_inplace(act, scratch, cols).ok()?;
        }
        "backward_from_output" => {
            if !act.supports_backward_from_output() {
                return None;
            }
            exec.forward_rows(act, x, y, cols).expect("forward");
        }
        _ => {}
    }
    let secs = on_threads(pool, || {
        if pass == "forward_inplace" {
            return best_seconds_fresh(|reset| {
                if reset {
                    scratch.copy_from_slice(x);
                } else {
                    let r = exec.forward_rows_inplace(act, scratch, cols);
                    r.expect("validated op");
                }
            });
        }
        best_seconds(|| {
            match pass {
                "forward" => exec.forward_rows(act, x, y, cols),
                "backward" => exec.backward_rows(act, x, dy, dx, cols),
                _ => exec.backward_from_output_rows(act, y, dy, dx, cols),
            }
            .expect("validated op")
        })
    });
    Some((secs, bytes, m))
}

/// Times one pass of `op` on `exec`: `(seconds, bytes per element,
/// elements)`, or `None` if the pass is not defined for it.
fn time_op(
    exec: &Executor,
    op: &Op,
    pass: &str,
    buf: &mut Buffers,
    #[cfg(feature = "half")] halves: &mut half::Halves,
    pool: Option<&rayon::ThreadPool>,
) -> Option<(f64, f64, usize)> {
    let n = buf.x.len();
    match op {
        #[cfg(feature = "half")]
        Op::Half { act, cols, dtype } => {
            half::time(exec, act, *cols, *dtype, pass, buf, halves, pool)
        }
        #[cfg(not(feature = "half"))]
        Op::Half { .. } => None,
        Op::Spec { act, cols } if act.kind() == Kind::Rowwise => {
            time_rows(exec, act, *cols, pass, buf, pool)
        }
        Op::Spec { act, .. } => {
            time_pass(exec, act, pass, buf, pool).map(|s| (s, bytes_per_elem(pass), n))
        }
        Op::Stores { act, stores } => time_pass(&exec.with_stores(*stores), act, pass, buf, pool)
            .map(|s| (s, bytes_per_elem(pass), n)),
        Op::PreluChannels { channels, last } => {
            let c = *channels;
            let m = n / c * c;
            if m == 0 || pass == "backward_from_output" {
                return None;
            }
            let layout = if *last {
                Layout::ChannelsLast { channels: c }
            } else {
                // Eight samples where the buffer allows: [8, C, m/(8C)].
                let samples = if m >= 8 * c * 64 { 8 } else { 1 };
                let m = m / (samples * c) * (samples * c);
                Layout::ChannelsFirst {
                    channels: c,
                    inner: m / (samples * c),
                }
            };
            let m = match layout {
                Layout::ChannelsFirst { channels, inner } => {
                    m / (channels * inner) * (channels * inner)
                }
                Layout::ChannelsLast { .. } => m,
            };
            let weights: Vec<f32> = (0..c).map(|i| 0.25 + 0.01 * i as f32).collect();
            let prelu = Prelu::per_channel(&weights, layout)
                .expect("valid")
                .on(*exec);
            let mut dw = vec![0.0f32; c];
            let (x, y, dy, dx, scratch) = buf.prefix(m);
            let secs = on_threads(pool, || {
                if pass == "forward_inplace" {
                    return best_seconds_fresh(|reset| {
                        if reset {
                            scratch.copy_from_slice(x);
                        } else {
                            prelu.forward_inplace(scratch).expect("validated op");
                        }
                    });
                }
                best_seconds(|| {
                    match pass {
                        "forward" => prelu.forward(x, y),
                        _ => prelu.backward(x, dy, dx, &mut dw),
                    }
                    .expect("validated op")
                })
            });
            Some((secs, bytes_per_elem(pass), m))
        }
        Op::Bias {
            act,
            features,
            unfused,
        } => {
            let f = *features;
            let m = n / f * f;
            if m == 0 || pass == "backward_from_output" {
                return None;
            }
            let bias: Vec<f32> = (0..f).map(|i| (i as f32 / f as f32) - 0.5).collect();
            let mut db = vec![0.0f32; f];
            let (x, y, dy, dx, scratch) = buf.prefix(m);
            let parallel = pool.is_some();
            let secs = on_threads(pool, || {
                if pass == "forward_inplace" {
                    return best_seconds_fresh(|reset| {
                        if reset {
                            scratch.copy_from_slice(x);
                        } else if *unfused {
                            add_bias_inplace(scratch, &bias, parallel);
                            exec.forward_inplace(act, scratch).expect("validated op");
                        } else {
                            exec.forward_bias_inplace(act, scratch, &bias)
                                .expect("validated op");
                        }
                    });
                }
                best_seconds(|| match (pass, *unfused) {
                    ("forward", false) => exec.forward_bias(act, x, &bias, y).expect("valid"),
                    ("forward", true) => {
                        add_bias(x, &bias, y, parallel);
                        exec.forward_inplace(act, y).expect("validated op");
                    }
                    (_, false) => exec
                        .backward_bias(act, x, &bias, dy, dx, &mut db)
                        .expect("validated op"),
                    (_, true) => {
                        add_bias(x, &bias, scratch, parallel);
                        exec.backward(act, scratch, dy, dx).expect("validated op");
                        column_sums(dx, &mut db, parallel);
                    }
                })
            });
            Some((secs, bytes_per_elem(pass), m))
        }
        Op::Training(act) => {
            let Buffers {
                x,
                y,
                dy,
                dx,
                scratch,
            } = buf;
            let param = |name| act.param(name).map_or(0.0, |v| v.float());
            let train = if act.name() == "rrelu" {
                Training::Rrelu(
                    Rrelu {
                        lower: param("lower"),
                        upper: param("upper"),
                    }
                    .training(42)
                    .on(*exec),
                )
            } else {
                Training::Noisy(NoisyRelu { std: param("std") }.training(42).on(*exec))
            };
            let (x, dy): (&[f32], &[f32]) = (x, dy);
            if pass == "backward_from_output" {
                train
                    .run("forward", x, y, dy, dx, scratch)
                    .expect("forward");
            }
            let secs = on_threads(pool, || {
                if pass == "forward_inplace" {
                    return best_seconds_fresh(|reset| {
                        if reset {
                            scratch.copy_from_slice(x);
                        } else {
                            train
                                .run(pass, x, y, dy, dx, scratch)
                                .expect("validated op");
                        }
                    });
                }
                best_seconds(|| {
                    train
                        .run(pass, x, y, dy, dx, scratch)
                        .expect("validated op")
                })
            });
            Some((secs, bytes_per_elem(pass), n))
        }
    }
}

/// Runs the report with `opts`.
pub fn run(opts: &Options) {
    let best = *opts.backends.last().expect("at least one backend");
    if !opts.json {
        println!("simd-activations report");
        println!(
            "CPU: {} ({}), {} hardware threads",
            cpu_name(),
            std::env::consts::ARCH,
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        println!("features: {}", simd_activations::cpu::features().join(" "));
        println!(
            "backends: supported {}; detected {}; measuring {}",
            names(&Backend::supported()),
            Backend::detected(),
            names(&opts.backends)
        );
        println!("ratios: GB/s over the copy row of the same element size (and, for f32 backward passes, the stream_2r1w row) of the same size and threads; vs scalar, vs 1 thr (the same backend on one thread) and vs unfused (the bias add and the activation as separate passes, timed just before): the other row's time over this row's");
    }
    let mut printer = Printer {
        json: opts.json,
        copy: 0.0,
        copy_half: 0.0,
        stream: 0.0,
        scalar: HashMap::new(),
        one_thread: HashMap::new(),
        unfused: HashMap::new(),
    };
    for &n in &opts.sizes {
        let mut buf = Buffers::new(n);
        #[cfg(feature = "half")]
        let mut halves = half::Halves::default();
        for &threads in &opts.threads {
            let pool = (threads > 1).then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("thread pool")
            });
            let pool = pool.as_ref();
            let (copy, stream) = reference_rows(&mut buf, threads, pool, best);
            printer.copy = copy.gb_per_s;
            printer.stream = stream.gb_per_s;
            printer.header(n, threads);
            printer.row(&copy);
            printer.row(&stream);
            #[cfg(feature = "half")]
            if opts.has_half() {
                let secs = half::copy_seconds(n, threads, pool);
                let mut row = Row::new("memcpy", "copy[2-byte]", "copy", n, threads, 4.0, secs);
                row.half = true;
                printer.copy_half = row.gb_per_s;
                printer.row(&row);
            }
            // One thread: every backend serially. More: the parallel path on
            // the best backend, as a caller's pool.install would run it.
            let execs: Vec<Executor> = if threads == 1 {
                let large = n > args::SLOW_BACKENDS_MAX_LEN && !opts.explicit_backends;
                opts.backends
                    .iter()
                    .filter(|&&b| !large || b == best)
                    .map(|&b| Executor::with_backend(b).expect("supported").serial())
                    .collect()
            } else {
                vec![Executor::with_backend(best).expect("supported")]
            };
            for op in &opts.ops {
                let label = op.to_string();
                for &pass in &opts.passes {
                    for exec in &execs {
                        let Some((secs, bytes, m)) = time_op(
                            exec,
                            op,
                            pass,
                            &mut buf,
                            #[cfg(feature = "half")]
                            &mut halves,
                            pool,
                        ) else {
                            continue;
                        };
                        let mut row =
                            Row::new(exec.backend().name(), &label, pass, m, threads, bytes, secs);
                        row.half = matches!(op, Op::Half { .. });
                        printer.row(&row);
                    }
                }
            }
        }
    }
}

/// The CPU's model name, where the OS tells it.
fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

/// A training-mode activation of the report.
enum Training {
    Rrelu(simd_activations::RreluTraining),
    Noisy(simd_activations::NoisyReluTraining),
}

impl Training {
    /// Runs `pass` (for `backward_from_output`, `y` holds the forward).
    fn run(
        &self,
        pass: &str,
        x: &[f32],
        y: &mut [f32],
        dy: &[f32],
        dx: &mut [f32],
        scratch: &mut [f32],
    ) -> Result<(), simd_activations::Error> {
        match (self, pass) {
            (Training::Rrelu(t), "forward") => t.forward(x, y),
            (Training::Rrelu(t), "forward_inplace") => t.forward_inplace(scratch),
            (Training::Rrelu(t), "backward") => t.backward(x, dy, dx),
            (Training::Rrelu(t), _) => t.backward_from_output(y, dy, dx),
            (Training::Noisy(t), "forward") => t.forward(x, y),
            (Training::Noisy(t), "forward_inplace") => t.forward_inplace(scratch),
            (Training::Noisy(t), "backward") => t.backward(x, dy, dx),
            (Training::Noisy(t), _) => t.backward_from_output(y, dy, dx),
        }
    }
}

/// `out = x + bias` over rows (the unfused pair's first pass), split over
/// the pool's threads when `parallel`.
fn add_bias(x: &[f32], bias: &[f32], out: &mut [f32], parallel: bool) {
    let f = bias.len();
    let rows = |x: &[f32], out: &mut [f32]| {
        for (x, out) in x.chunks_exact(f).zip(out.chunks_exact_mut(f)) {
            for ((o, &v), &b) in out.iter_mut().zip(x).zip(bias) {
                *o = v + b;
            }
        }
    };
    if parallel {
        let per_task = (DEFAULT_CHUNK_LEN / f).max(1) * f;
        out.par_chunks_mut(per_task)
            .zip(x.par_chunks(per_task))
            .for_each(|(out, x)| rows(x, out));
    } else {
        rows(x, out);
    }
}

/// `x += bias` over rows.
fn add_bias_inplace(x: &mut [f32], bias: &[f32], parallel: bool) {
    let f = bias.len();
    let rows = |x: &mut [f32]| {
        for row in x.chunks_exact_mut(f) {
            for (v, &b) in row.iter_mut().zip(bias) {
                *v += b;
            }
        }
    };
    if parallel {
        let per_task = (DEFAULT_CHUNK_LEN / f).max(1) * f;
        x.par_chunks_mut(per_task).for_each(rows);
    } else {
        rows(x);
    }
}

/// `db = Σ_rows dx` (the unfused pair's extra pass for the bias gradient),
/// split over the pool's threads when `parallel`.
fn column_sums(dx: &[f32], db: &mut [f32], parallel: bool) {
    let f = db.len();
    let sums = |dx: &[f32]| {
        let mut s = vec![0.0f32; f];
        for row in dx.chunks_exact(f) {
            for (d, &v) in s.iter_mut().zip(row) {
                *d += v;
            }
        }
        s
    };
    let total = if parallel {
        let per_task = (DEFAULT_CHUNK_LEN / f).max(1) * f;
        dx.par_chunks(per_task).map(sums).reduce(
            || vec![0.0f32; f],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
                a
            },
        )
    } else {
        sums(dx)
    };
    db.copy_from_slice(&total);
}
