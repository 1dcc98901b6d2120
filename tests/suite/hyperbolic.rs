//! Special values of the tanh- and erf-based activations on every backend:
//! the limits at ±inf, saturation, zero and its sign, and the gradients
//! there (exact, not within ULPs).

use crate::common;

use common::executors;
use simd_activations::{Activation, ActivationFn};

/// `(spec, x, f(x), f'(x))`.
const CASES: &[(&str, f32, f32, f32)] = &[
    ("tanh", f32::INFINITY, 1.0, 0.0),
    ("tanh", f32::NEG_INFINITY, -1.0, 0.0),
    ("tanh", 0.0, 0.0, 1.0),
    ("tanh", -0.0, -0.0, 1.0),
    ("tanh", 10.0, 1.0, 8.244_615e-9),
    ("tanh", -200.0, -1.0, 0.0),
    ("tanh", 1e-45, 1e-45, 1.0),
    ("tanhshrink", f32::INFINITY, f32::INFINITY, 1.0),
    ("tanhshrink", f32::NEG_INFINITY, f32::NEG_INFINITY, 1.0),
    ("tanhshrink", 0.0, 0.0, 0.0),
    ("tanhshrink", 200.0, 199.0, 1.0),
    ("tanhshrink", -200.0, -199.0, 1.0),
    ("mish", f32::INFINITY, f32::INFINITY, 1.0),
    ("mish", f32::NEG_INFINITY, 0.0, 0.0),
    ("mish", 0.0, 0.0, 0.6),
    ("mish", 200.0, 200.0, 1.0),
    ("mish", -200.0, 0.0, 0.0),
    ("mish", f32::MAX, f32::MAX, 1.0),
    ("gelu", f32::INFINITY, f32::INFINITY, 1.0),
    ("gelu", f32::NEG_INFINITY, 0.0, 0.0),
    ("gelu", 0.0, 0.0, 0.5),
    // Near zero: x/2 exactly (the x²/√(2π) term is far below an ULP).
    ("gelu", 1e-30, 5e-31, 0.5),
    ("gelu", 20.0, 20.0, 1.0),
    ("gelu", -20.0, 0.0, 0.0),
    ("gelu", f32::MAX, f32::MAX, 1.0),
    // x/2 exactly at a tie: rounds to even (zero).
    ("gelu", -1e-45, 0.0, 0.5),
    ("gelu(approximate=tanh)", f32::INFINITY, f32::INFINITY, 1.0),
    ("gelu(approximate=tanh)", f32::NEG_INFINITY, 0.0, 0.0),
    ("gelu(approximate=tanh)", 0.0, 0.0, 0.5),
    ("gelu(approximate=tanh)", 20.0, 20.0, 1.0),
    ("gelu(approximate=tanh)", -20.0, 0.0, 0.0),
    ("gelu(approximate=tanh)", f32::MAX, f32::MAX, 1.0),
];

#[test]
fn limits_saturation_and_zeros() {
    // Equal, and zeros of the same sign.
    let same = |a: f32, b: f32| a.to_bits() == b.to_bits() || (a == b && a != 0.0);
    for exec in executors() {
        for &(spec, x, want_y, want_dx) in CASES {
            let act: Activation = spec.parse().unwrap();
            let (mut y, mut dx) = ([0.0], [0.0]);
            exec.forward(&act, &[x], &mut y).unwrap();
            exec.backward(&act, &[x], &[1.0], &mut dx).unwrap();
            // Zeros must match in sign only where the expected value says so
            // (tanh keeps the sign of zero; elsewhere either zero is fine).
            let ok_y = if want_y == 0.0 && spec != "tanh" {
                y[0] == 0.0
            } else {
                same(y[0], want_y)
            };
            assert!(
                ok_y,
                "{spec}({x:e}) = {:e} on {}, want {want_y:e}",
                y[0],
                exec.backend()
            );
            assert!(
                dx[0] == want_dx,
                "{spec}'({x:e}) = {:e} on {}, want {want_dx:e}",
                dx[0],
                exec.backend()
            );
        }
    }
}

#[test]
fn tanh_from_output_at_saturation_and_zero() {
    let act: Activation = "tanh".parse().unwrap();
    for exec in executors() {
        let mut dx = [0.0; 4];
        exec.backward_from_output(&act, &[1.0, -1.0, 0.0, -0.0], &[1.0; 4], &mut dx)
            .unwrap();
        assert_eq!(dx, [0.0, 0.0, 1.0, 1.0], "on {}", exec.backend());
    }
}

#[test]
fn nan_in_nan_out_including_backward() {
    for spec in [
        "tanh",
        "tanhshrink",
        "mish",
        "gelu",
        "gelu(approximate=tanh)",
    ] {
        let act: Activation = spec.parse().unwrap();
        let (mut y, mut dx) = ([0.0], [0.0]);
        act.forward(&[f32::NAN], &mut y).unwrap();
        act.backward(&[f32::NAN], &[1.0], &mut dx).unwrap();
        assert!(y[0].is_nan() && dx[0].is_nan(), "{spec}: {y:?} {dx:?}");
    }
}
