//! Fused bias + activation: the bits of the two separate passes on every
//! backend and thread count, a bias gradient that matches an f64 column
//! sum and never depends on threads or backend, and clear errors.

use crate::common;

use common::*;
use simd_activations::{Activation, Error, Executor};

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter()
        .map(|f| if f.is_nan() { 0x7FC0_0000 } else { f.to_bits() })
        .collect()
}

fn data(rows: usize, cols: usize, seed: u64) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let x = (0..rows * cols)
        .map(|_| rng.range(-5.0, 5.0) as f32)
        .collect();
    let b = (0..cols).map(|_| rng.range(-1.0, 1.0) as f32).collect();
    (x, b, gradients(rows * cols, seed + 1))
}

/// The two separate passes: `t = x + b`, then the activation.
fn unfused(exec: &Executor, act: &Activation, x: &[f32], b: &[f32], dy: &[f32]) -> [Vec<f32>; 2] {
    let t: Vec<f32> = x
        .iter()
        .enumerate()
        .map(|(i, v)| v + b[i % b.len()])
        .collect();
    let mut y = vec![0.0; x.len()];
    exec.forward(act, &t, &mut y).unwrap();
    let mut dx = vec![0.0; x.len()];
    exec.backward(act, &t, dy, &mut dx).unwrap();
    [y, dx]
}

#[test]
fn fused_passes_equal_the_separate_ones_on_every_backend() {
    for exec in executors() {
        for act in all_examples() {
            for (rows, cols) in [(5, 1), (3, 7), (4, 33), (2, 100), (0, 4)] {
                let (x, b, dy) = data(rows, cols, 11);
                let [y, dx] = unfused(&exec, &act, &x, &b, &dy);
                let mut got = vec![0.0; x.len()];
                exec.forward_bias(&act, &x, &b, &mut got).unwrap();
                assert_eq!(
                    bits(&got),
                    bits(&y),
                    "{act} on {}, {rows}x{cols}",
                    exec.backend()
                );
                let mut inplace = x.clone();
                exec.forward_bias_inplace(&act, &mut inplace, &b).unwrap();
                assert_eq!(bits(&inplace), bits(&y), "{act} in place");
                let mut gx = vec![0.0; x.len()];
                let mut db = vec![0.0; cols];
                exec.backward_bias(&act, &x, &b, &dy, &mut gx, &mut db)
                    .unwrap();
                assert_eq!(bits(&gx), bits(&dx), "{act} dx on {}", exec.backend());
                // db: the column sums of dx, within an ULP of the f64 sum.
                for (c, &got) in db.iter().enumerate() {
                    let want: f64 = dx.iter().skip(c).step_by(cols).map(|&v| v as f64).sum();
                    let want32 = want as f32;
                    if want.is_nan() {
                        assert!(got.is_nan(), "{act} db[{c}]");
                    } else {
                        let ulp = (want32.abs() * f32::EPSILON).max(f32::from_bits(1));
                        assert!(
                            got == want32 || (got - want32).abs() <= ulp,
                            "{act} db[{c}] = {got}, want {want}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn bias_gradient_bits_do_not_depend_on_threads_or_backend() {
    // Enough rows for several fixed blocks of the gradient sums.
    let (rows, cols) = (3001, 70);
    let (x, b, dy) = data(rows, cols, 21);
    for act in ["relu", "gelu", "elu(alpha=0.5)", "sigmoid"] {
        let act: Activation = act.parse().unwrap();
        let mut results = Vec::new();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for exec in executors() {
                let exec = exec
                    .parallel()
                    .with_min_parallel_len(0)
                    .with_chunk_len(4096)
                    .unwrap();
                let (mut y, mut dx, mut db) =
                    (vec![0.0; x.len()], vec![0.0; x.len()], vec![0.0; cols]);
                pool.install(|| {
                    exec.forward_bias(&act, &x, &b, &mut y).unwrap();
                    exec.backward_bias(&act, &x, &b, &dy, &mut dx, &mut db)
                        .unwrap();
                });
                results.push((threads, exec.backend(), bits(&y), bits(&dx), bits(&db)));
            }
        }
        let first = &results[0];
        for r in &results[1..] {
            assert!(
                r.2 == first.2 && r.3 == first.3 && r.4 == first.4,
                "{act}: {} threads on {} differs from 1 thread on {}",
                r.0,
                r.1,
                first.1
            );
        }
    }
}

#[test]
fn bad_bias_calls_are_errors_that_say_why() {
    let exec = Executor::global().unwrap();
    let relu: Activation = "relu".parse().unwrap();
    let x = [0.0f32; 10];
    let mut y = [0.0f32; 10];
    let msg = exec
        .forward_bias(&relu, &x, &[0.0; 4], &mut y)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("4 features") && msg.contains("10 elements") && msg.contains("2 left over"),
        "{msg}"
    );
    let msg = exec
        .forward_bias(&relu, &x, &[], &mut y)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("empty bias"), "{msg}");
    let err = exec
        .forward_bias(&relu, &x, &[0.0; 5], &mut y[..9])
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::LengthMismatch {
                expected: 10,
                found: 9,
                ..
            }
        ),
        "{err}"
    );
    let (mut dx, mut db) = ([0.0f32; 10], [0.0f32; 4]);
    let err = exec
        .backward_bias(&relu, &x, &[0.0; 5], &x, &mut dx, &mut db)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "length mismatch: bias has 5 elements but db has 4"
    );
    let softmax: Activation = "softmax".parse().unwrap();
    let msg = exec
        .forward_bias(&softmax, &x, &[0.0; 5], &mut y)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("elementwise") && msg.contains("softmax"),
        "{msg}"
    );
    let bad = simd_activations::LeakyRelu {
        negative_slope: f32::NAN,
    };
    let msg = exec
        .forward_bias(&bad, &x, &[0.0; 5], &mut y)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("negative_slope"), "{msg}");
}
