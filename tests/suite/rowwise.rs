//! softmax, log_softmax and maxout: against the f64 row references on every
//! backend, special rows, identical bits across backends, threads and
//! chunking, in place, finite differences, and shape errors.

use crate::common;
use crate::reference;

use common::*;
use reference::rows;
use reference::sweep::ulps;
use simd_activations::*;

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|f| f.to_bits()).collect()
}

/// `rows × cols` inputs of ordinary range: uniform in [-spread, spread].
fn matrix(rows: usize, cols: usize, spread: f64, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    (0..rows * cols)
        .map(|_| rng.range(-spread, spread) as f32)
        .collect()
}

/// Largest ULP error of `got` against `want` (f64 rounded to f32), with
/// the first offending index.
fn max_ulps(got: &[f32], want: &[f64]) -> (u64, usize) {
    let mut worst = (0, 0);
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let d = ulps(g, w as f32);
        if d > worst.0 {
            worst = (d, i);
        }
    }
    worst
}

const SOFTMAX: [&str; 2] = ["softmax", "log_softmax"];

/// Every pass of `act` on `exec` over `x` as `[rows, cols]`, checked row by
/// row against the references within the activation's bounds.
fn check_against_reference(exec: &Executor, act: &Activation, x: &[f32], dy: &[f32], cols: usize) {
    let acc = act.info().accuracy;
    let (tf, tb) = (acc.forward_ulps as u64, acc.backward_ulps as u64);
    let n = x.len();
    let mut y = vec![0.0f32; n];
    exec.forward_rows(act, x, &mut y, cols).unwrap();
    let mut dx = vec![0.0f32; n];
    exec.backward_rows(act, x, dy, &mut dx, cols).unwrap();
    let mut dxo = vec![0.0f32; n];
    exec.backward_from_output_rows(act, &y, dy, &mut dxo, cols)
        .unwrap();
    for r in 0..n / cols {
        let row = r * cols..(r + 1) * cols;
        let what = format!("{act} on {}, row {r} of {cols}", exec.backend());
        let want = rows::forward(act, &x[row.clone()]).unwrap();
        let (d, i) = max_ulps(&y[row.clone()], &want);
        assert!(
            d <= tf,
            "{what} forward: {d} ulps at x={:?}: got {:?}, want {:?}",
            x[r * cols + i],
            y[r * cols + i],
            want[i]
        );
        let want = rows::backward(act, &x[row.clone()], &dy[row.clone()]).unwrap();
        let (d, i) = max_ulps(&dx[row.clone()], &want);
        assert!(
            d <= tb,
            "{what} backward: {d} ulps at x={:?} dy={:?}: got {:?}, want {:?}",
            x[r * cols + i],
            dy[r * cols + i],
            dx[r * cols + i],
            want[i]
        );
        let want = rows::backward_from_output(act, &y[row.clone()], &dy[row.clone()]).unwrap();
        let (d, i) = max_ulps(&dxo[row.clone()], &want);
        assert!(
            d <= tb,
            "{what} from output: {d} ulps at y={:?} dy={:?}: got {:?}, want {:?}",
            y[r * cols + i],
            dy[r * cols + i],
            dxo[r * cols + i],
            want[i]
        );
    }
}

#[test]
fn softmax_and_log_softmax_match_the_reference_on_every_backend() {
    let shapes = [
        (64, 1),
        (40, 2),
        (30, 3),
        (20, 7),
        (10, 15),
        (10, 16),
        (10, 17),
        (8, 100),
        (4, 1000),
        (2, 4095),
        (2, 4097),
        (1, 10_000),
    ];
    for exec in executors() {
        for name in SOFTMAX {
            let act: Activation = name.parse().unwrap();
            for (i, &(rows, cols)) in shapes.iter().enumerate() {
                for (spread, dy_kind) in [(1.0, 0), (10.0, 1), (40.0, 2), (100.0, 3)] {
                    let x = matrix(rows, cols, spread, 100 + i as u64);
                    let dy: Vec<f32> = match dy_kind {
                        // Constant gradients: the backward cancels exactly.
                        0 => vec![1.0; x.len()],
                        3 => vec![-0.318_309_87; x.len()],
                        _ => matrix(rows, cols, 4.0, 200 + i as u64),
                    };
                    check_against_reference(&exec, &act, &x, &dy, cols);
                }
            }
        }
    }
}

/// `rows × cols` peaked rows: every element the row's base value (in
/// [-1, 1]) but one, 5 to 80 above it. Without the maximum, softmax's sum
/// is then many equal tiny terms whose rounding errors do not average
/// out, and log_softmax's maximum element is about minus that sum.
fn peaked(rows: usize, cols: usize, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let mut x = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        let base = rng.range(-1.0, 1.0) as f32;
        let peak = base + rng.range(5.0, 80.0) as f32;
        let at = (r * 7919) % cols;
        x.extend((0..cols).map(|i| if i == at { peak } else { base }));
    }
    x
}

#[test]
fn peaked_rows_stay_within_the_bounds_on_every_backend() {
    for exec in executors() {
        for name in SOFTMAX {
            let act: Activation = name.parse().unwrap();
            for (i, &(rows, cols)) in [(16, 17), (16, 100), (16, 1024), (4, 4097), (2, 10_000)]
                .iter()
                .enumerate()
            {
                let x = peaked(rows, cols, 300 + i as u64);
                let dy = matrix(rows, cols, 2.0, 400 + i as u64);
                check_against_reference(&exec, &act, &x, &dy, cols);
            }
        }
    }
}

#[test]
fn rows_of_100_000_columns_stay_within_the_bounds() {
    let exec = Executor::new().unwrap().serial();
    for name in SOFTMAX {
        let act: Activation = name.parse().unwrap();
        for (spread, seed) in [(5.0, 1), (30.0, 2)] {
            let x = matrix(2, 100_000, spread, seed);
            let dy = matrix(2, 100_000, 1.0, seed + 10);
            check_against_reference(&exec, &act, &x, &dy, 100_000);
        }
    }
}

#[test]
fn special_rows_follow_pytorch() {
    let (inf, nan) = (f32::INFINITY, f32::NAN);
    let same = |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
    // (row, softmax, log_softmax)
    let cases: Vec<(Vec<f32>, Vec<f32>, Vec<f32>)> = vec![
        (vec![3.0], vec![1.0], vec![0.0]),
        (vec![-1e30], vec![1.0], vec![0.0]),
        (vec![inf], vec![nan], vec![nan]),
        (vec![-inf], vec![nan], vec![nan]),
        (vec![nan], vec![nan], vec![nan]),
        (vec![-inf, -inf, -inf], vec![nan; 3], vec![nan; 3]),
        (vec![0.0, -inf], vec![1.0, 0.0], vec![0.0, -inf]),
        (vec![-inf, 1.0, -inf, 1.0], vec![0.0, 0.5, 0.0, 0.5], {
            let l = -(2.0f64.ln()) as f32;
            vec![-inf, l, -inf, l]
        }),
        (vec![1.0, inf], vec![nan; 2], vec![nan; 2]),
        (vec![inf, inf], vec![nan; 2], vec![nan; 2]),
        (vec![-inf, inf], vec![nan; 2], vec![nan; 2]),
        (vec![nan, 0.0, -1000.0], vec![nan; 3], vec![nan; 3]),
        (vec![0.0, -1000.0], vec![1.0, 0.0], vec![0.0, -1000.0]),
        // The maximum element of log_softmax keeps its tiny value.
        (
            vec![0.0, -30.0],
            vec![1.0, (-30.0f64).exp() as f32],
            vec![
                -((-30.0f64).exp().ln_1p()) as f32,
                (-30.0 - (-30.0f64).exp().ln_1p()) as f32,
            ],
        ),
        (vec![f32::MAX, -f32::MAX], vec![1.0, 0.0], vec![0.0, -inf]),
    ];
    for exec in executors() {
        for (x, want_s, want_l) in &cases {
            for (name, want) in [("softmax", want_s), ("log_softmax", want_l)] {
                let act: Activation = name.parse().unwrap();
                let mut y = vec![0.0; x.len()];
                exec.forward(&act, x, &mut y).unwrap();
                assert!(
                    y.iter().zip(want.iter()).all(|(a, b)| same(*a, *b)),
                    "{name}({x:?}) on {} = {y:?}, want {want:?}",
                    exec.backend()
                );
                let mut z = x.clone();
                exec.forward_inplace(&act, &mut z).unwrap();
                assert_eq!(bits(&y), bits(&z), "{name} in place");
            }
        }
    }
}

#[test]
fn every_backend_thread_count_and_chunking_gives_identical_bits() {
    // Many short rows, a few long rows (split within the row), one huge row.
    let shapes = [(3000, 37), (2, 70_000), (1, 300_001), (5, 16_384)];
    for (rows, cols) in shapes {
        let x = matrix(rows, cols, 20.0, cols as u64);
        let dy = matrix(rows, cols, 2.0, rows as u64);
        for name in SOFTMAX {
            let act: Activation = name.parse().unwrap();
            let run = |exec: &Executor| {
                let n = x.len();
                let (mut y, mut dx, mut dxo) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
                exec.forward_rows(&act, &x, &mut y, cols).unwrap();
                exec.backward_rows(&act, &x, &dy, &mut dx, cols).unwrap();
                exec.backward_from_output_rows(&act, &y, &dy, &mut dxo, cols)
                    .unwrap();
                let mut z = x.clone();
                exec.forward_rows_inplace(&act, &mut z, cols).unwrap();
                assert_eq!(bits(&y), bits(&z), "{act} in place");
                (bits(&y), bits(&dx), bits(&dxo))
            };
            let want = run(&Executor::with_backend(Backend::Scalar).unwrap().serial());
            for backend in Backend::supported() {
                let serial = Executor::with_backend(backend).unwrap().serial();
                assert!(run(&serial) == want, "{act} {rows}x{cols} on {backend}");
                for threads in [2, 3] {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap();
                    for chunk in [1024, 65_536] {
                        let par = serial
                            .parallel()
                            .with_min_parallel_len(0)
                            .with_chunk_len(chunk)
                            .unwrap();
                        let got = pool.install(|| run(&par));
                        assert!(
                            got == want,
                            "{act} {rows}x{cols} on {backend}, {threads} threads, chunk {chunk}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn rows_equal_separate_calls_on_each_row() {
    let exec = Executor::new().unwrap();
    for act in rowwise_examples() {
        let k = match act.param("k") {
            Some(ParamValue::Int(k)) => k as usize,
            _ => 1,
        };
        let cols = 12 * k;
        let x = matrix(9, cols, 6.0, 3);
        let out_cols = if act.name() == "maxout" {
            cols / k
        } else {
            cols
        };
        let mut y = vec![0.0; 9 * out_cols];
        exec.forward_rows(&act, &x, &mut y, cols).unwrap();
        for r in 0..9 {
            let mut row = vec![0.0; out_cols];
            exec.forward(&act, &x[r * cols..(r + 1) * cols], &mut row)
                .unwrap();
            assert_eq!(
                bits(&row),
                bits(&y[r * out_cols..(r + 1) * out_cols]),
                "{act}"
            );
        }
    }
}

#[test]
fn softmax_backward_matches_finite_differences() {
    // L = Σ dy·f(x); dL/dx_i by central differences of the f64 reference.
    let mut rng = Rng::new(77);
    for name in SOFTMAX {
        let act: Activation = name.parse().unwrap();
        for cols in [1, 2, 5, 33] {
            let x: Vec<f32> = (0..cols).map(|_| rng.range(-3.0, 3.0) as f32).collect();
            let dy: Vec<f32> = (0..cols).map(|_| rng.range(-1.0, 1.0) as f32).collect();
            let mut dx = vec![0.0f32; cols];
            act.backward(&x, &dy, &mut dx).unwrap();
            let loss = |x: &[f64]| {
                let xs: Vec<f32> = x.iter().map(|&v| v as f32).collect();
                // The reference in f64 directly, to keep the perturbation.
                let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let s: f64 = x.iter().map(|v| (v - m).exp()).sum();
                let _ = xs;
                x.iter()
                    .zip(&dy)
                    .map(|(v, &g)| {
                        let f = if name == "softmax" {
                            (v - m).exp() / s
                        } else {
                            v - m - s.ln()
                        };
                        f * g as f64
                    })
                    .sum::<f64>()
            };
            let xd: Vec<f64> = x.iter().map(|&v| v as f64).collect();
            for i in 0..cols {
                let h = 1e-6;
                let (mut a, mut b) = (xd.clone(), xd.clone());
                a[i] += h;
                b[i] -= h;
                let fd = (loss(&a) - loss(&b)) / (2.0 * h);
                assert!(
                    (dx[i] as f64 - fd).abs() <= 1e-6 * fd.abs().max(1.0),
                    "{name} cols {cols} i {i}: {} vs {fd}",
                    dx[i]
                );
            }
        }
    }
}

#[test]
fn maxout_matches_the_reference_for_every_k() {
    let mut rng = Rng::new(8);
    for exec in executors() {
        for k in 1..=9usize {
            let act: Activation = format!("maxout(k={k})").parse().unwrap();
            for groups in [1, 7, 8, 9, 16, 17, 100] {
                // Few distinct values, so ties are common; some NaNs.
                let x: Vec<f32> = (0..groups * k)
                    .map(|i| match rng.next_u64() % 23 {
                        0 if i % 5 == 0 => f32::NAN,
                        1 => f32::NEG_INFINITY,
                        2 => -0.0,
                        3 => 0.0,
                        r => (r % 4) as f32,
                    })
                    .collect();
                let dy: Vec<f32> = (0..groups).map(|j| j as f32 + 0.5).collect();
                let mut y = vec![0.0; groups];
                exec.forward(&act, &x, &mut y).unwrap();
                let want = rows::forward(&act, &x).unwrap();
                for (j, (&g, &w)) in y.iter().zip(&want).enumerate() {
                    assert!(
                        g.to_bits() == (w as f32).to_bits() || (g.is_nan() && w.is_nan()),
                        "{act} on {} group {j}: {g} vs {w}",
                        exec.backend()
                    );
                }
                let mut dx = vec![f32::NAN; x.len()];
                exec.backward(&act, &x, &dy, &mut dx).unwrap();
                let want = rows::backward(&act, &x, &dy).unwrap();
                assert_eq!(
                    dx,
                    want.iter().map(|&v| v as f32).collect::<Vec<_>>(),
                    "{act} backward on {}: x = {x:?}",
                    exec.backend()
                );
            }
        }
    }
}

#[test]
fn maxout_routes_ties_to_the_first_and_nan_to_the_first_nan() {
    let act: Activation = "maxout(k=4)".parse().unwrap();
    let nan = f32::NAN;
    let x = [
        1.0, 3.0, 3.0, 2.0, // tie: index 1
        -0.0, 0.0, 0.0, -1.0, // -0 == +0: index 0, value -0
        2.0, nan, 5.0, nan, // first NaN: index 1
        nan, 1.0, 2.0, 3.0, // index 0
    ];
    let dy = [10.0, 20.0, 30.0, 40.0];
    for exec in executors() {
        let mut y = [0.0f32; 4];
        exec.forward(&act, &x, &mut y).unwrap();
        assert_eq!(y[0], 3.0);
        assert_eq!(y[1].to_bits(), (-0.0f32).to_bits());
        assert!(y[2].is_nan() && y[3].is_nan());
        let mut dx = [f32::NAN; 16];
        exec.backward(&act, &x, &dy, &mut dx).unwrap();
        let mut want = [0.0f32; 16];
        want[1] = 10.0;
        want[4] = 20.0;
        want[9] = 30.0;
        want[12] = 40.0;
        assert_eq!(dx, want, "on {}", exec.backend());
    }
}

#[test]
fn maxout_is_identical_across_backends_and_threads() {
    for k in [2, 3, 4, 8] {
        let act: Activation = format!("maxout(k={k})").parse().unwrap();
        let groups = 200_003;
        let x = matrix(1, groups * k, 5.0, k as u64);
        let dy = matrix(1, groups, 1.0, 9);
        let run = |exec: &Executor| {
            let (mut y, mut dx) = (vec![0.0; groups], vec![0.0; groups * k]);
            exec.forward(&act, &x, &mut y).unwrap();
            exec.backward(&act, &x, &dy, &mut dx).unwrap();
            (bits(&y), bits(&dx))
        };
        let want = run(&Executor::with_backend(Backend::Scalar).unwrap().serial());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        for backend in Backend::supported() {
            let exec = Executor::with_backend(backend).unwrap();
            assert!(run(&exec.serial()) == want, "{act} on {backend}");
            let par = exec.with_min_parallel_len(0).with_chunk_len(4096).unwrap();
            assert!(
                pool.install(|| run(&par)) == want,
                "{act} parallel on {backend}"
            );
        }
    }
}

#[test]
fn shapes_that_do_not_divide_are_errors() {
    let x = vec![0.0f32; 12];
    let mut y = vec![0.0f32; 12];
    let maxout: Activation = "maxout(k=5)".parse().unwrap();
    let e = maxout.forward(&x, &mut y[..2]).unwrap_err();
    assert!(matches!(e, Error::InvalidShape { .. }), "{e}");
    assert!(
        e.to_string().contains("12") && e.to_string().contains("k = 5"),
        "{e}"
    );
    let maxout: Activation = "maxout(k=3)".parse().unwrap();
    // y must have 4 elements.
    let e = maxout.forward(&x, &mut y).unwrap_err().to_string();
    assert!(e.contains("y must have 4 elements, found 12"), "{e}");
    maxout.forward(&x, &mut y[..4]).unwrap();
    // Rows of 6 are whole groups; rows of 4 are not; 12 is not rows of 5.
    maxout.forward_rows(&x, &mut y[..4], 6).unwrap();
    assert!(maxout.forward_rows(&x, &mut y[..4], 4).is_err());
    let e = maxout
        .forward_rows(&x, &mut y[..4], 5)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a whole number of rows of 5"), "{e}");
    assert!(maxout.forward_rows(&x, &mut y[..4], 0).is_err());
    assert!(maxout.forward_inplace(&mut y).is_err());
    assert!(maxout
        .backward_from_output(&y[..4], &y[..4], &mut y.clone())
        .is_err());
    let mut dx = vec![0.0f32; 12];
    assert!(maxout.backward(&x, &y[..3], &mut dx).is_err());
    assert!(maxout.backward(&x, &y[..4], &mut dx[..11]).is_err());
    let softmax: Activation = "softmax".parse().unwrap();
    assert!(softmax.forward(&x, &mut y[..11]).is_err());
    assert!(softmax.forward_rows(&x, &mut y, 5).is_err());
    softmax.forward_rows(&x, &mut y, 4).unwrap();
    softmax.forward(&[], &mut []).unwrap();
    // Elementwise functions accept rows that tile the buffer.
    let relu: Activation = "relu".parse().unwrap();
    relu.forward_rows(&x, &mut y, 3).unwrap();
    assert!(relu.forward_rows(&x, &mut y, 5).is_err());
}

#[test]
fn spec_strings_for_rowwise_functions() {
    for (spec, printed) in [
        ("softmax", "softmax(dim=-1)"),
        ("softmax(dim=-1)", "softmax(dim=-1)"),
        ("log_softmax( dim = -1 )", "log_softmax(dim=-1)"),
        ("maxout(k=2)", "maxout(k=2)"),
        ("maxout(k=+8)", "maxout(k=8)"),
    ] {
        let act: Activation = spec.parse().unwrap();
        assert_eq!(act.to_string(), printed);
        assert_eq!(act.kind(), Kind::Rowwise);
    }
    assert_eq!("softmax".parse::<Softmax>().unwrap(), Softmax::default());
    for (bad, needle) in [
        ("softmax(dim=0)", "only dim=-1"),
        ("softmax(dim=1)", "only dim=-1"),
        ("softmax(dim=-1.0)", "expects an integer"),
        ("maxout", "needs parameter \"k\""),
        ("maxout(k=0)", "at least 1"),
        ("maxout(k=2.5)", "expects an integer"),
        ("maxout(pieces=2)", "unknown parameter"),
    ] {
        let e = bad.parse::<Activation>().unwrap_err().to_string();
        assert!(e.contains(needle), "{bad}: {e}");
    }
    // A typed value with an unsupported dim is refused at the call.
    let e = Softmax { dim: 0 }
        .forward(&[1.0], &mut [0.0])
        .unwrap_err()
        .to_string();
    assert!(e.contains("only dim=-1"), "{e}");
}
