//! Every activation on every backend against the f64 references: special
//! values, the floats around every kink, and 200,000 random inputs (the
//! stratified sweep over every exponent is in `accuracy_sweep.rs`).

use crate::common;
use crate::reference;

use common::*;
use reference::sweep::ulps;
use simd_activations::{Activation, ActivationFn, Error, Executor, Family};

/// Checks `got[i]` against `want(i)` within `tol` ULPs; panics listing the
/// first mismatches.
fn check(
    what: &str,
    got: &[f32],
    want: impl Fn(usize) -> f64,
    tol: u64,
    inputs: impl Fn(usize) -> String,
) {
    let mut bad = Vec::new();
    for (i, &g) in got.iter().enumerate() {
        let w = want(i) as f32;
        let d = ulps(g, w);
        if d > tol {
            bad.push(format!("{} -> got {g:?}, want {w:?} ({d} ulps)", inputs(i)));
        }
    }
    assert!(
        bad.is_empty(),
        "{what}: {} of {} results off by more than {tol} ulps, e.g.\n{}",
        bad.len(),
        got.len(),
        bad[..bad.len().min(8)].join("\n")
    );
}

fn inputs_for(act: &Activation) -> Vec<f32> {
    let mut x = special_inputs(act);
    x.extend(random_inputs(0x5EED ^ act.to_string().len() as u64));
    x
}

fn run_against_reference(exec: &Executor, act: &Activation) {
    let what = format!("{act} on {}", exec.backend());
    let acc = act.info().accuracy;
    let (tol, tol_back) = (acc.forward_ulps as u64, acc.backward_ulps as u64);
    let x: Vec<f32> = inputs_for(act)
        .into_iter()
        .filter(|v| v.is_nan() || v.abs() <= acc.domain)
        .collect();
    // Special gradients (inf, NaN, denormal) only where the kernels are
    // plain selects and products; elsewhere ordinary values.
    let dy = if matches!(
        act.info().family,
        Family::PiecewiseLinear | Family::Parametric
    ) {
        gradients(x.len(), 7)
    } else {
        let mut rng = Rng::new(7);
        (0..x.len()).map(|_| rng.range(-4.0, 4.0) as f32).collect()
    };
    assert!(
        reference::forward(act, 1.0).is_some(),
        "tests/suite/reference has no formula for {}",
        act.name()
    );

    let mut y = vec![0.0; x.len()];
    exec.forward(act, &x, &mut y).unwrap();
    check(
        &format!("{what} forward"),
        &y,
        |i| reference::forward(act, x[i] as f64).unwrap(),
        tol,
        |i| format!("x={:?}", x[i]),
    );

    let mut dx = vec![0.0; x.len()];
    exec.backward(act, &x, &dy, &mut dx).unwrap();
    let want_dx = |i: usize| reference::backward(act, x[i] as f64, dy[i] as f64).unwrap();
    check(&format!("{what} backward"), &dx, want_dx, tol_back, |i| {
        format!("x={:?} dy={:?}", x[i], dy[i])
    });

    let mut dx_out = vec![0.0; x.len()];
    let from_output = exec.backward_from_output(act, &y, &dy, &mut dx_out);
    if act.supports_backward_from_output() {
        from_output.unwrap();
        check(
            &format!("{what} backward_from_output"),
            &dx_out,
            |i| reference::backward_from_output(act, y[i] as f64, dy[i] as f64).unwrap(),
            tol_back,
            |i| format!("x={:?} y={:?} dy={:?}", x[i], y[i], dy[i]),
        );
    } else {
        match from_output {
            Err(Error::BackwardFromOutputUnsupported { activation, reason }) => {
                assert_eq!(activation, act.to_string());
                assert!(!reason.is_empty());
            }
            other => panic!("{what}: backward_from_output should be refused, got {other:?}"),
        }
    }
}

#[test]
fn every_activation_every_backend_matches_the_reference() {
    for exec in executors() {
        for act in all_examples() {
            run_against_reference(&exec, &act);
        }
    }
}

#[test]
fn special_values_exactly() {
    use simd_activations::*;
    let nan = f32::NAN;
    let inf = f32::INFINITY;
    // (activation, x, forward, backward with dy = 1)
    let cases: Vec<(Activation, f32, f32, f32)> = vec![
        (Relu.into(), nan, nan, 1.0),
        (Relu.into(), 0.0, 0.0, 0.0),
        (Relu.into(), -inf, 0.0, 0.0),
        (Relu.into(), inf, inf, 1.0),
        (Relu6.into(), 6.0, 6.0, 0.0),
        (Relu6.into(), nan, nan, 1.0),
        (LeakyRelu::default().into(), -inf, -inf, 0.01),
        (LeakyRelu::default().into(), nan, nan, 0.01),
        (
            LeakyRelu {
                negative_slope: 0.0,
            }
            .into(),
            -inf,
            0.0,
            0.0,
        ),
        (
            LeakyRelu {
                negative_slope: 0.0,
            }
            .into(),
            nan,
            nan,
            0.0,
        ),
        (Hardtanh::default().into(), nan, nan, 1.0),
        (Hardtanh::default().into(), -1.0, -1.0, 0.0),
        (Hardtanh::default().into(), 1.0, 1.0, 0.0),
        (
            Threshold {
                threshold: 0.5,
                value: -1.0,
            }
            .into(),
            0.5,
            -1.0,
            0.0,
        ),
        (
            Threshold {
                threshold: 0.5,
                value: -1.0,
            }
            .into(),
            nan,
            nan,
            1.0,
        ),
        (Hardsigmoid.into(), -3.0, 0.0, 0.0),
        (Hardsigmoid.into(), 3.0, 1.0, 0.0),
        (Hardsigmoid.into(), 0.0, 0.5, 1.0 / 6.0),
        (Hardsigmoid.into(), nan, nan, 0.0),
        (Hardsigmoid.into(), inf, 1.0, 0.0),
        (Hardswish.into(), -3.0, 0.0, 0.0),
        (Hardswish.into(), 3.0, 3.0, 1.0),
        (Hardswish.into(), f32::MAX, f32::MAX, 1.0),
        (Hardswish.into(), 0.0, 0.0, 0.5),
        (Hardswish.into(), nan, nan, 1.0),
        (Hardshrink::default().into(), 0.5, 0.0, 0.0),
        (Hardshrink::default().into(), nan, nan, 1.0),
        (Softshrink::default().into(), 0.5, 0.0, 0.0),
        (Softshrink::default().into(), 1.0, 0.5, 1.0),
        (Softshrink::default().into(), -inf, -inf, 1.0),
        (Softshrink::default().into(), nan, nan, 1.0),
        (BinaryStep.into(), 0.0, 1.0, 0.0),
        (BinaryStep.into(), -0.0, 1.0, 0.0),
        (BinaryStep.into(), nan, nan, 0.0),
        (Identity.into(), nan, nan, 1.0),
    ];
    for exec in executors() {
        for (act, x, want_y, want_dx) in &cases {
            let mut y = [0.0];
            let mut dx = [0.0];
            exec.forward(act, &[*x], &mut y).unwrap();
            exec.backward(act, &[*x], &[1.0], &mut dx).unwrap();
            let same = |a: f32, b: f32| a == b || (a.is_nan() && b.is_nan());
            assert!(
                same(y[0], *want_y),
                "{act}({x}) = {} on {}, want {want_y}",
                y[0],
                exec.backend()
            );
            assert!(
                same(dx[0], *want_dx),
                "{act}'({x}) = {} on {}, want {want_dx}",
                dx[0],
                exec.backend()
            );
        }
    }
}

#[test]
fn nan_propagates_through_every_forward() {
    for exec in executors() {
        for act in all_examples() {
            // Quiet NaNs of both signs, one with a payload, and signaling
            // ones (arithmetic quiets them; they must still come out NaN).
            let x = [
                f32::NAN,
                -f32::NAN,
                f32::from_bits(0x7FC0_0001),
                f32::from_bits(0x7F80_0001),
                f32::from_bits(0xFFA0_0000),
            ];
            let mut y = [0.0; 5];
            exec.forward(&act, &x, &mut y).unwrap();
            assert!(
                y.iter().all(|v| v.is_nan()),
                "{act} on {}: {y:?}",
                exec.backend()
            );
        }
    }
}
