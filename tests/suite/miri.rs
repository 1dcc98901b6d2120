//! The subset of tests meant for Miri (`cargo +nightly miri test --test
//! suite miri::`; README "Fuzzing and Miri"): small buffers through the scalar and
//! portable backends and through the glue that holds the crate's other
//! unsafe-adjacent code paths (the rayon split into chunks, in-place passes,
//! rowwise functions across threads, fused bias, byte buffers viewed as
//! f32 with and without alignment). It also runs in a plain `cargo test`,
//! where it is quick.
//!
//! The AVX2 and AVX-512 backends are not chosen here: under Miri runtime
//! feature detection reports only the features enabled at compile time, so
//! `Backend::supported()` is scalar and portable (checked below), and the
//! tests name their backends explicitly anyway.

use crate::reference;

use reference::sweep::ulps;
use simd_activations::{Activation, ActivationFn, Backend, Executor, Misaligned, Relu, Softmax};

/// Buffer lengths that reach every loop of the drivers on 8 lanes: the
/// unrolled blocks (32 elements), whole vectors, and a masked tail.
const LEN: usize = 32 + 8 + 5;

/// A rayon pool and chunking small enough that a 45-element buffer is split
/// across threads in chunks of 16.
fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
}

fn serial(backend: Backend) -> Executor {
    Executor::with_backend(backend).unwrap().serial()
}

fn split(backend: Backend) -> Executor {
    Executor::with_backend(backend)
        .unwrap()
        .parallel()
        .with_min_parallel_len(0)
        .with_chunk_len(16)
        .unwrap()
}

const BACKENDS: [Backend; 2] = [Backend::Scalar, Backend::Portable];

/// Ordinary values, kinks and special values (NaN, infinities, denormals).
fn inputs(n: usize) -> Vec<f32> {
    let special = [
        0.0,
        -0.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e-40,
        -1e-40,
        3.0,
        -3.0,
        f32::MAX,
    ];
    (0..n)
        .map(|i| {
            special
                .get(i)
                .copied()
                .unwrap_or((i as f32 * 0.37).sin() * 7.0)
        })
        .collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter()
        .map(|f| if f.is_nan() { 0x7FC0_0000 } else { f.to_bits() })
        .collect()
}

const SPECS: [&str; 6] = [
    "relu",
    "leaky_relu(negative_slope=0.2)",
    "hardtanh(min_val=-2,max_val=1.5)",
    "sigmoid",
    "elu(alpha=0.5)",
    "gelu(approximate=tanh)",
];

#[cfg(miri)]
#[test]
fn miri_sees_only_scalar_and_portable() {
    // Compile-time features only (no -C target-feature here): no AVX2.
    assert_eq!(
        Backend::supported(),
        [Backend::Scalar, Backend::Portable],
        "Miri would have to run AVX intrinsics"
    );
}

#[test]
fn every_pass_matches_the_f64_reference_at_every_offset() {
    let x_all = inputs(LEN + 3);
    let dy_all: Vec<f32> = (0..LEN + 3).map(|i| 1.5 - (i % 7) as f32 * 0.5).collect();
    for spec in SPECS {
        let act: Activation = spec.parse().unwrap();
        let acc = act.info().accuracy;
        for backend in BACKENDS {
            let exec = serial(backend);
            // Start offsets 0 and 3: aligned and misaligned for the lanes.
            for offset in [0, 3] {
                let x = &x_all[offset..offset + LEN];
                let dy = &dy_all[offset..offset + LEN];
                let what = format!("{act} on {backend} at offset {offset}");
                let mut y = vec![0.0f32; LEN];
                exec.forward(&act, x, &mut y).unwrap();
                let mut dx = vec![0.0f32; LEN];
                exec.backward(&act, x, dy, &mut dx).unwrap();
                for i in 0..LEN {
                    let want = reference::forward(&act, x[i] as f64).unwrap() as f32;
                    let d = ulps(y[i], want);
                    assert!(
                        d <= acc.forward_ulps as u64,
                        "{what}: f({}) = {} want {want} ({d} ULPs)",
                        x[i],
                        y[i]
                    );
                    let want = reference::backward(&act, x[i] as f64, dy[i] as f64).unwrap() as f32;
                    let d = ulps(dx[i], want);
                    assert!(
                        d <= acc.backward_ulps as u64,
                        "{what}: f'({}) = {} want {want} ({d} ULPs)",
                        x[i],
                        dx[i]
                    );
                }
                // In place: the bits of the out-of-place passes.
                let mut xy = x.to_vec();
                exec.forward_inplace(&act, &mut xy).unwrap();
                assert_eq!(bits(&xy), bits(&y), "{what}: forward in place");
                let mut g = dy.to_vec();
                exec.backward_inplace(&act, x, &mut g).unwrap();
                assert_eq!(bits(&g), bits(&dx), "{what}: backward in place");
                if act.supports_backward_from_output() {
                    let mut dxo = vec![0.0f32; LEN];
                    exec.backward_from_output(&act, &y, dy, &mut dxo).unwrap();
                    for i in 0..LEN {
                        let want = reference::backward_from_output(&act, y[i] as f64, dy[i] as f64)
                            .unwrap() as f32;
                        let d = ulps(dxo[i], want);
                        assert!(
                            d <= acc.backward_ulps as u64,
                            "{what}: from y = {}: {} want {want}",
                            y[i],
                            dxo[i]
                        );
                    }
                    let mut g = dy.to_vec();
                    exec.backward_from_output_inplace(&act, &y, &mut g).unwrap();
                    assert_eq!(bits(&g), bits(&dxo), "{what}: from output in place");
                }
            }
        }
    }
}

#[test]
fn backends_and_the_threaded_split_give_the_same_bits() {
    let x = inputs(LEN);
    let dy: Vec<f32> = (0..LEN).map(|i| (i as f32 * 0.11).cos()).collect();
    let pool = pool();
    for spec in SPECS {
        let act: Activation = spec.parse().unwrap();
        let mut results = Vec::new();
        for backend in BACKENDS {
            for threaded in [false, true] {
                let (mut y, mut dx) = (vec![0.0f32; LEN], vec![0.0f32; LEN]);
                let mut xy = x.clone();
                let run = |exec: Executor, y: &mut [f32], dx: &mut [f32], xy: &mut [f32]| {
                    exec.forward(&act, &x, y).unwrap();
                    exec.backward(&act, &x, &dy, dx).unwrap();
                    exec.forward_inplace(&act, xy).unwrap();
                };
                if threaded {
                    pool.install(|| run(split(backend), &mut y, &mut dx, &mut xy));
                } else {
                    run(serial(backend), &mut y, &mut dx, &mut xy);
                }
                assert_eq!(bits(&xy), bits(&y), "{act} {backend} threaded={threaded}");
                results.push((backend, threaded, bits(&y), bits(&dx)));
            }
        }
        for r in &results[1..] {
            assert_eq!(
                r.2,
                results[0].2,
                "{act} forward: {:?} vs scalar serial",
                (r.0, r.1)
            );
            assert_eq!(
                r.3,
                results[0].3,
                "{act} backward: {:?} vs scalar serial",
                (r.0, r.1)
            );
        }
    }
}

#[test]
fn rowwise_functions_match_their_references_serial_and_threaded() {
    let (rows, cols) = (3, 20);
    let x: Vec<f32> = (0..rows * cols)
        .map(|i| (i as f32 * 0.7).sin() * 5.0)
        .collect();
    let dy: Vec<f32> = (0..rows * cols).map(|i| (i as f32 * 0.3).cos()).collect();
    let pool = pool();
    for spec in ["softmax", "log_softmax", "maxout(k=4)"] {
        let act: Activation = spec.parse().unwrap();
        let acc = act.info().accuracy;
        let k = if spec.starts_with("maxout") { 4 } else { 1 };
        let out_cols = cols / k;
        let mut first: Option<(Vec<u32>, Vec<u32>)> = None;
        for backend in BACKENDS {
            for threaded in [false, true] {
                let exec = if threaded {
                    split(backend)
                } else {
                    serial(backend)
                };
                let mut y = vec![0.0f32; rows * out_cols];
                let mut dx = vec![0.0f32; rows * cols];
                let dy = &dy[..rows * out_cols];
                pool.install(|| {
                    exec.forward_rows(&act, &x, &mut y, cols).unwrap();
                    exec.backward_rows(&act, &x, dy, &mut dx, cols).unwrap();
                });
                for r in 0..rows {
                    let xr = &x[r * cols..(r + 1) * cols];
                    let want = reference::rows::forward(&act, xr).unwrap();
                    for (i, w) in want.iter().enumerate() {
                        let got = y[r * out_cols + i];
                        assert!(
                            ulps(got, *w as f32) <= acc.forward_ulps as u64,
                            "{act} {backend} row {r}: {got} want {w}"
                        );
                    }
                    let want =
                        reference::rows::backward(&act, xr, &dy[r * out_cols..(r + 1) * out_cols])
                            .unwrap();
                    for (i, w) in want.iter().enumerate() {
                        let got = dx[r * cols + i];
                        assert!(
                            ulps(got, *w as f32) <= acc.backward_ulps as u64,
                            "{act} {backend} row {r} dx: {got} want {w}"
                        );
                    }
                }
                let b = (bits(&y), bits(&dx));
                match &first {
                    None => first = Some(b),
                    Some(f) => assert_eq!(f, &b, "{act} {backend} threaded={threaded}"),
                }
            }
        }
    }
}

#[test]
fn fused_bias_is_the_two_passes_and_db_the_column_sums() {
    let (rows, cols) = (5, 9);
    let x: Vec<f32> = (0..rows * cols)
        .map(|i| (i as f32 * 0.9).sin() * 3.0)
        .collect();
    let bias: Vec<f32> = (0..cols).map(|j| j as f32 * 0.25 - 1.0).collect();
    let dy: Vec<f32> = (0..rows * cols).map(|i| 1.0 + (i % 3) as f32).collect();
    let act: Activation = "leaky_relu(negative_slope=0.125)".parse().unwrap();
    let pool = pool();
    for backend in BACKENDS {
        for exec in [serial(backend), split(backend)] {
            let xb: Vec<f32> = x
                .iter()
                .enumerate()
                .map(|(i, v)| v + bias[i % cols])
                .collect();
            let mut y = vec![0.0f32; x.len()];
            let mut y2 = x.clone();
            let mut dx = vec![0.0f32; x.len()];
            let mut db = vec![0.0f32; cols];
            pool.install(|| {
                exec.forward_bias(&act, &x, &bias, &mut y).unwrap();
                exec.forward_bias_inplace(&act, &mut y2, &bias).unwrap();
                exec.backward_bias(&act, &x, &bias, &dy, &mut dx, &mut db)
                    .unwrap();
            });
            for i in 0..x.len() {
                // leaky_relu is exact: y = f(x + b), dx = f'(x + b)·dy.
                let want = if xb[i] > 0.0 { xb[i] } else { xb[i] * 0.125 };
                assert_eq!(y[i], want, "{backend} y[{i}]");
                let want_dx = if xb[i] > 0.0 { dy[i] } else { dy[i] * 0.125 };
                assert_eq!(dx[i], want_dx, "{backend} dx[{i}]");
            }
            assert_eq!(bits(&y2), bits(&y), "{backend} in place");
            for j in 0..cols {
                let want: f64 = (0..rows).map(|r| dx[r * cols + j] as f64).sum();
                assert_eq!(db[j], want as f32, "{backend} db[{j}]");
            }
        }
    }
}

#[test]
fn byte_buffers_aligned_misaligned_and_copied() {
    let x = inputs(LEN);
    let mut want = vec![0.0f32; LEN];
    serial(Backend::Scalar)
        .forward(&Relu, &x, &mut want)
        .unwrap();
    // u32 storage keeps the bytes 4-aligned; bytes[1..] is misaligned.
    let mut store = vec![0u32; LEN + 1];
    for backend in BACKENDS {
        let exec = serial(backend);
        for start in [0usize, 1, 2] {
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut store);
            let window = &mut bytes[start..start + 4 * LEN];
            for (i, v) in x.iter().enumerate() {
                window[4 * i..4 * i + 4].copy_from_slice(&v.to_ne_bytes());
            }
            let mut y = vec![0u32; LEN];
            let aligned = start == 0;
            let r = exec.forward_bytes(&Relu, &*window, &mut y, Misaligned::Error);
            assert_eq!(r.is_ok(), aligned, "{backend} start {start}: {r:?}");
            exec.forward_bytes(&Relu, &*window, &mut y, Misaligned::Copy)
                .unwrap();
            let y: Vec<f32> = y.iter().map(|&b| f32::from_bits(b)).collect();
            assert_eq!(bits(&y), bits(&want), "{backend} start {start}");
            // In place on the (possibly misaligned) bytes themselves.
            exec.forward_bytes_inplace(&Relu, window, Misaligned::Copy)
                .unwrap();
            let back: Vec<f32> = window
                .chunks_exact(4)
                .map(|c| f32::from_ne_bytes(c.try_into().unwrap()))
                .collect();
            assert_eq!(
                bits(&back),
                bits(&want),
                "{backend} in place, start {start}"
            );
        }
    }
}

#[test]
fn softmax_in_place_and_errors_are_not_panics() {
    let exec = serial(Backend::Portable);
    let x = [1.0f32, 2.0, 3.0, 0.0, 0.0, f32::NEG_INFINITY];
    let mut y = [0.0f32; 6];
    exec.forward_rows(&Softmax::default(), &x, &mut y, 3)
        .unwrap();
    let mut xy = x;
    exec.forward_rows_inplace(&Softmax::default(), &mut xy, 3)
        .unwrap();
    assert_eq!(bits(&xy), bits(&y));
    assert_eq!(&y[3..], &[0.5, 0.5, 0.0]);
    let e = 1.0f64 + 1f64.exp() + 2f64.exp();
    for (i, want) in [1.0 / e, 1f64.exp() / e, 2f64.exp() / e].iter().enumerate() {
        assert!(ulps(y[i], *want as f32) <= 3, "{} vs {want}", y[i]);
    }
    assert!(exec.forward(&Relu, &x, &mut y[..5]).is_err());
    assert!(exec
        .forward_rows(&Softmax::default(), &x, &mut y, 4)
        .is_err());
}
