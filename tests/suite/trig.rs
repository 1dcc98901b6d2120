//! The hard inputs of the trigonometric kernels, on every backend, against
//! the f64 references: the f32 nearest the multiples of π/2 (where the
//! reduced argument is tiny and sin or cos must keep relative accuracy),
//! huge arguments (the Payne–Hanek path), the f32 nearest the roots of
//! tan x = x (where sinc's derivative cancels), and atan's outputs next to
//! ±π/2 (where cos y, for the backward from the output, is tiny).

use crate::common;
use crate::reference;

use common::{executors, Rng};
use reference::sweep::{ulps, DY};
use simd_activations::{Activation, ActivationFn, Executor};

/// `x` and its `k` neighbours on each side.
fn around(x: f64, k: u32, out: &mut Vec<f32>) {
    let mut lo = x as f32;
    let mut hi = lo;
    out.push(lo);
    for _ in 0..k {
        lo = lo.next_down();
        hi = hi.next_up();
        out.extend([lo, hi]);
    }
}

/// The largest error of each pass of `act` (forward, backward with dy = 1
/// and dy = -1/π, and from the output where it exists) over `xs`.
fn max_errors(exec: &Executor, act: &Activation, xs: &[f32]) -> Vec<(u64, f32)> {
    let n = xs.len();
    let mut y = vec![0.0; n];
    let mut dx = vec![0.0; n];
    exec.forward(act, xs, &mut y).unwrap();
    let worst = |got: &[f32], want: &dyn Fn(usize) -> f64| {
        (0..n)
            .map(|i| (ulps(got[i], want(i) as f32), xs[i]))
            .max_by_key(|e| e.0)
            .unwrap()
    };
    let mut out = vec![worst(&y, &|i| {
        reference::forward(act, xs[i] as f64).unwrap()
    })];
    for dy in [1.0, DY] {
        let dys = vec![dy; n];
        exec.backward(act, xs, &dys, &mut dx).unwrap();
        out.push(worst(&dx, &|i| {
            reference::backward(act, xs[i] as f64, dy as f64).unwrap()
        }));
        if act.supports_backward_from_output() {
            exec.backward_from_output(act, &y, &dys, &mut dx).unwrap();
            out.push(worst(&dx, &|i| {
                reference::backward_from_output(act, y[i] as f64, dy as f64).unwrap()
            }));
        }
    }
    out
}

fn check(name: &str, xs: &[f32]) {
    let act: Activation = name.parse().unwrap();
    let acc = act.info().accuracy;
    for exec in executors() {
        let errors = max_errors(&exec, &act, xs);
        eprintln!("{name} on {}: max ulps per pass {errors:?}", exec.backend());
        for (pass, &(e, x)) in errors.iter().enumerate() {
            let bound = if pass == 0 {
                acc.forward_ulps
            } else {
                acc.backward_ulps
            };
            assert!(
                e <= bound as u64,
                "{name} pass {pass} on {}: {e} ulps at x = {x:e} (bound {bound})",
                exec.backend()
            );
        }
    }
}

/// The f32 nearest `k·π/2` for every `k` the fast reduction serves, and
/// their neighbours.
fn near_multiples_of_half_pi() -> Vec<f32> {
    let mut xs = Vec::new();
    for k in 1..83_500 {
        let x = k as f64 * core::f64::consts::FRAC_PI_2;
        for s in [x, -x] {
            around(s, 2, &mut xs);
        }
    }
    xs
}

/// Random inputs from 2^17 to f32::MAX (the slow reduction), both signs.
fn huge() -> Vec<f32> {
    let mut rng = Rng::new(31);
    (0..200_000)
        .map(|i| {
            let bits = (rng.next_u64() as u32 % (0x7F7F_FFFF - 0x4800_0000)) + 0x4800_0000;
            let x = f32::from_bits(bits);
            if i % 2 == 0 {
                x
            } else {
                -x
            }
        })
        .collect()
}

#[test]
fn sinusoid_near_the_roots_of_sin_and_cos() {
    check("sinusoid", &near_multiples_of_half_pi());
}

#[test]
fn sinusoid_and_sinc_of_huge_arguments() {
    let xs = huge();
    check("sinusoid", &xs);
    check("sinc", &xs);
}

#[test]
fn sinc_near_the_roots_of_sin() {
    check("sinc", &near_multiples_of_half_pi());
}

#[test]
fn sinc_backward_near_the_roots_of_tan_x_equal_x() {
    // The roots of x cos x - sin x, by Newton's method from
    // (k + 1/2)π - 1/((k + 1/2)π), up to 2^17.
    let mut xs = Vec::new();
    for k in 1..41_700 {
        let m = (k as f64 + 0.5) * core::f64::consts::PI;
        let mut x = m - 1.0 / m;
        for _ in 0..4 {
            x -= (x * x.cos() - x.sin()) / (-x * x.sin());
        }
        around(x, 3, &mut xs);
        around(-x, 3, &mut xs);
    }
    check("sinc", &xs);
}

#[test]
fn arctan_near_its_limits() {
    // atan x near ±π/2 (from the output: cos y tiny), and around ±1.
    let mut xs = Vec::new();
    let mut x = 1.0f32;
    while x < f32::MAX / 2.0 {
        around(x as f64, 8, &mut xs);
        around(-x as f64, 8, &mut xs);
        x *= 1.7;
    }
    xs.extend([f32::MAX, f32::MIN, f32::INFINITY, f32::NEG_INFINITY]);
    check("arctan", &xs);
}

#[test]
fn special_values_exactly() {
    let (nan, inf) = (f32::NAN, f32::INFINITY);
    let half_pi = core::f32::consts::FRAC_PI_2;
    // (activation, x, forward, backward with dy = 1), compared bit for bit
    // (any NaN matches NaN).
    let cases: &[(&str, f32, f32, f32)] = &[
        ("sinusoid", 0.0, 0.0, 1.0),
        ("sinusoid", -0.0, -0.0, 1.0),
        ("sinusoid", 1e-45, 1e-45, 1.0),
        ("sinusoid", inf, nan, nan),
        ("sinusoid", -inf, nan, nan),
        ("sinusoid", nan, nan, nan),
        ("sinc", 0.0, 1.0, 0.0),
        ("sinc", 1e-45, 1.0, -0.0),
        ("sinc", inf, 0.0, 0.0),
        ("sinc", -inf, 0.0, 0.0),
        ("sinc", nan, nan, nan),
        ("arctan", 0.0, 0.0, 1.0),
        ("arctan", -0.0, -0.0, 1.0),
        ("arctan", inf, half_pi, 0.0),
        ("arctan", -inf, -half_pi, 0.0),
        ("arctan", f32::MAX, half_pi, 0.0),
        ("arctan", nan, nan, nan),
    ];
    let same = |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
    for exec in executors() {
        for &(name, x, want_y, want_dx) in cases {
            let act: Activation = name.parse().unwrap();
            let (mut y, mut dx) = ([0.0], [0.0]);
            exec.forward(&act, &[x], &mut y).unwrap();
            exec.backward(&act, &[x], &[1.0], &mut dx).unwrap();
            let b = exec.backend();
            assert!(
                same(y[0], want_y),
                "{name}({x:e}) = {:e} on {b}, want {want_y:e}",
                y[0]
            );
            assert!(
                same(dx[0], want_dx),
                "{name}'({x:e}) = {:e} on {b}, want {want_dx:e}",
                dx[0]
            );
        }
    }
}
