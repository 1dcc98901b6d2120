//! criterion benches: every activation, forward and backward, on the
//! scalar path, each SIMD backend this CPU has, and the parallel path, at
//! 4K, 64K, 1M and 16M elements, next to a plain copy of the same bytes.
//!
//! The fused operations (`fused/...`: bias + activation against the two
//! separate passes, backward in place against into a separate buffer) and,
//! with `--features half`, f16/bf16 buffers have groups of their own.
//!
//! `cargo bench` runs them all (long); `cargo bench -- relu/forward` runs a
//! subset, `cargo bench -- fused/` the fused ones. Each group is one (activation, pass, size), so criterion prints
//! the copy and every backend side by side in bytes per second.

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use simd_activations::{activations, Activation, Backend, Executor, ParamValue};
use std::hint::black_box;
use std::time::Duration;

const SIZES: [usize; 4] = [4 << 10, 64 << 10, 1 << 20, 16 << 20];
/// Row length for rowwise functions (elementwise ones ignore rows).
const COLS: usize = 1024;

/// A group of `bytes` per iteration at `n` elements, with the timing
/// every group here uses (fewer samples for the large sizes).
fn configure(
    c: &mut Criterion,
    name: String,
    bytes: u64,
    n: usize,
) -> BenchmarkGroup<'_, WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes));
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    if n >= 1 << 20 {
        group.sample_size(10);
    }
    group
}

fn inputs(n: usize) -> (Vec<f32>, Vec<f32>) {
    let x = (0..n)
        .map(|i| ((i * 7919) % 16001) as f32 / 1000.0 - 8.0)
        .collect();
    let dy = (0..n)
        .map(|i| ((i * 104729) % 2001) as f32 / 1000.0 - 1.0)
        .collect();
    (x, dy)
}

/// Serial executors for every supported backend, then the parallel path on
/// the detected backend.
fn executors() -> Vec<(String, Executor)> {
    let mut out: Vec<(String, Executor)> = Backend::supported()
        .into_iter()
        .map(|b| {
            (
                b.name().to_string(),
                Executor::with_backend(b).unwrap().serial(),
            )
        })
        .collect();
    let par = Executor::with_backend(Backend::detected()).unwrap();
    out.push((format!("parallel-{}", par.backend()), par));
    out
}

fn bench(c: &mut Criterion) {
    let ops: Vec<Activation> = activations()
        .map(|info| info.examples[0].parse().unwrap())
        .collect();
    let execs = executors();
    for &n in &SIZES {
        let (x, dy) = inputs(n);
        let mut y = vec![0.0f32; n];
        let mut dx = vec![0.0f32; n];
        for act in &ops {
            for pass in ["forward", "backward"] {
                let bytes = if pass == "forward" { 8 } else { 12 } * n as u64;
                let mut group = configure(c, format!("{}/{pass}", act.name()), bytes, n);
                group.bench_function(BenchmarkId::new("copy", n), |b| {
                    b.iter(|| y.copy_from_slice(black_box(&x)))
                });
                // Rowwise functions (softmax, maxout) on rows of 1024;
                // maxout's output is k times shorter.
                let k = match act.param("k") {
                    Some(ParamValue::Int(k)) => k as usize,
                    _ => 1,
                };
                let out = n / k;
                for (name, exec) in &execs {
                    group.bench_function(BenchmarkId::new(name, n), |b| {
                        if pass == "forward" {
                            b.iter(|| {
                                exec.forward_rows(act, black_box(&x), &mut y[..out], COLS)
                                    .unwrap()
                            })
                        } else {
                            b.iter(|| {
                                exec.backward_rows(act, black_box(&x), &dy[..out], &mut dx, COLS)
                                    .unwrap()
                            })
                        }
                    });
                }
                group.finish();
            }
        }
    }
}

/// The fused operations next to what they replace: bias + activation
/// (forward, and backward with the bias gradient) against the bias add and
/// the activation as separate passes, and the backward in place against
/// the backward into a separate buffer. Rows of 1024 features, at 64K, 1M
/// and 16M elements, on the detected backend serially and in parallel.
fn bench_fused(c: &mut Criterion) {
    const FEATURES: usize = 1024;
    let best = Executor::with_backend(Backend::detected()).unwrap();
    let execs = [
        (best.backend().name().to_string(), best.serial()),
        (format!("parallel-{}", best.backend()), best),
    ];
    let bias: Vec<f32> = (0..FEATURES)
        .map(|i| i as f32 / FEATURES as f32 - 0.5)
        .collect();
    for &n in &SIZES[1..] {
        let (x, dy) = inputs(n);
        let (mut y, mut dx, mut t) = (vec![0.0f32; n], vec![0.0f32; n], vec![0.0f32; n]);
        let mut db = vec![0.0f32; FEATURES];
        for spec in ["relu", "gelu", "silu"] {
            let act: Activation = spec.parse().unwrap();
            for pass in ["forward", "backward"] {
                let bytes = if pass == "forward" { 8 } else { 12 } * n as u64;
                let mut group = configure(c, format!("fused/{spec}[bias]/{pass}"), bytes, n);
                for (name, exec) in &execs {
                    group.bench_function(BenchmarkId::new(format!("{name}-fused"), n), |b| {
                        if pass == "forward" {
                            b.iter(|| {
                                exec.forward_bias(&act, black_box(&x), &bias, &mut y)
                                    .unwrap()
                            })
                        } else {
                            b.iter(|| {
                                exec.backward_bias(
                                    &act,
                                    black_box(&x),
                                    &bias,
                                    &dy,
                                    &mut dx,
                                    &mut db,
                                )
                                .unwrap()
                            })
                        }
                    });
                    // The unfused pair: t = x + b (one pass), then the
                    // activation (and, backward, the column sums of dx).
                    let add_bias = |t: &mut [f32]| {
                        for (t, x) in t.chunks_exact_mut(FEATURES).zip(x.chunks_exact(FEATURES)) {
                            for ((t, x), b) in t.iter_mut().zip(x).zip(&bias) {
                                *t = x + b;
                            }
                        }
                    };
                    group.bench_function(BenchmarkId::new(format!("{name}-unfused"), n), |b| {
                        if pass == "forward" {
                            b.iter(|| {
                                add_bias(&mut y);
                                exec.forward_inplace(&act, black_box(&mut y)).unwrap()
                            })
                        } else {
                            b.iter(|| {
                                add_bias(&mut t);
                                exec.backward(&act, &t, &dy, &mut dx).unwrap();
                                db.fill(0.0);
                                for row in dx.chunks_exact(FEATURES) {
                                    for (d, g) in db.iter_mut().zip(row) {
                                        *d += g;
                                    }
                                }
                                black_box(&db);
                            })
                        }
                    });
                }
                group.finish();
            }
            let mut group = configure(
                c,
                format!("fused/{spec}/backward_inplace"),
                12 * n as u64,
                n,
            );
            for (name, exec) in &execs {
                group.bench_function(BenchmarkId::new(format!("{name}-into-dx"), n), |b| {
                    b.iter(|| exec.backward(&act, black_box(&x), &dy, &mut dx).unwrap())
                });
                group.bench_function(BenchmarkId::new(format!("{name}-in-place"), n), |b| {
                    // A fresh dy each time (copied outside the timing), so
                    // repeated gradients never drift towards denormals.
                    b.iter_batched_ref(
                        || dy.clone(),
                        |g| exec.backward_inplace(&act, black_box(&x), g).unwrap(),
                        BatchSize::LargeInput,
                    )
                });
            }
            group.finish();
        }
    }
}

/// f16 and bf16 buffers (the `half` feature): relu, sigmoid and gelu
/// forward and backward at 64K and 16M elements, each group next to a copy
/// of the same 2-byte elements. `cargo bench --features half -- half/`.
#[cfg(feature = "half")]
fn bench_half(c: &mut Criterion) {
    use simd_activations::half::{bf16, f16, HalfFloat};

    fn typed<H: HalfFloat>(c: &mut Criterion, execs: &[(String, Executor)]) {
        for n in [64 << 10, 16 << 20] {
            let (xf, dyf) = inputs(n);
            let x: Vec<H> = xf.iter().map(|&v| H::from_f32(v)).collect();
            let dy: Vec<H> = dyf.iter().map(|&v| H::from_f32(v)).collect();
            let mut y = vec![H::default(); n];
            let mut dx = vec![H::default(); n];
            for spec in ["relu", "sigmoid", "gelu"] {
                let act: Activation = spec.parse().unwrap();
                for pass in ["forward", "backward"] {
                    let bytes = if pass == "forward" { 4 } else { 6 } * n as u64;
                    let mut group =
                        configure(c, format!("half/{spec}/{}/{pass}", H::NAME), bytes, n);
                    group.bench_function(BenchmarkId::new("copy", n), |b| {
                        b.iter(|| y.copy_from_slice(black_box(&x)))
                    });
                    for (name, exec) in execs {
                        group.bench_function(BenchmarkId::new(name, n), |b| {
                            if pass == "forward" {
                                b.iter(|| exec.forward_half(&act, black_box(&x), &mut y).unwrap())
                            } else {
                                b.iter(|| {
                                    exec.backward_half(&act, black_box(&x), &dy, &mut dx)
                                        .unwrap()
                                })
                            }
                        });
                    }
                    group.finish();
                }
            }
        }
    }

    // The detected backend (hardware conversions) serially and in parallel,
    // and the portable backend (portable conversions) serially.
    let best = Executor::with_backend(Backend::detected()).unwrap();
    let execs = vec![
        (
            "portable".to_string(),
            Executor::with_backend(Backend::Portable).unwrap().serial(),
        ),
        (best.backend().name().to_string(), best.serial()),
        (format!("parallel-{}", best.backend()), best),
    ];
    typed::<f16>(c, &execs);
    typed::<bf16>(c, &execs);
}

#[cfg(feature = "half")]
criterion_group!(benches, bench, bench_fused, bench_half);
#[cfg(not(feature = "half"))]
criterion_group!(benches, bench, bench_fused);
criterion_main!(benches);
