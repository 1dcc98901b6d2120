//! An independent check of every backward formula: the kernels' gradients
//! against central finite differences of the f64 forward reference, at
//! points away from kinks.

use crate::common;
use crate::reference;

use common::{all_examples, Rng};
use simd_activations::{Activation, Backend, Executor, ParamValue};

/// Where an activation is not differentiable (or its formula switches):
/// 0, ±3, ±6, each float parameter and its negative, softplus's
/// threshold point and soft_exponential's pole.
fn kinks(act: &Activation) -> Vec<f64> {
    let mut k = vec![0.0, 3.0, -3.0, 6.0, -6.0];
    for (_, v) in act.params() {
        if let ParamValue::Float(v) = v {
            k.extend([v as f64, -(v as f64)]);
        }
    }
    if act.name() == "softplus" {
        k.push(reference::param(act, "threshold") / reference::param(act, "beta"));
    }
    if act.name() == "soft_exponential" {
        // For α < 0 the domain ends at a pole, x = 1/α - α, where the
        // derivative grows without bound and a finite difference with a
        // fixed step loses its accuracy.
        let a = reference::param(act, "alpha");
        if a < 0.0 {
            k.push(1.0 / a - a);
        }
    }
    k
}

#[test]
fn backward_matches_finite_differences_of_the_forward_reference() {
    let exec = Executor::with_backend(Backend::Scalar).unwrap().serial();
    let mut rng = Rng::new(99);
    for act in all_examples() {
        let kinks = kinks(&act);
        let domain = act.info().accuracy.domain.min(30.0) as f64;
        let xs: Vec<f32> = (0..4000)
            .map(|i| {
                if i % 2 == 0 {
                    rng.range(-8.0, 8.0)
                } else {
                    rng.range(-domain, domain)
                }
            })
            .filter(|x| {
                kinks
                    .iter()
                    .all(|k| (x - k).abs() > 1e-2 * k.abs().max(1.0))
            })
            .map(|x| x as f32)
            .collect();
        let dy = vec![1.0f32; xs.len()];
        let mut dx = vec![0.0f32; xs.len()];
        exec.backward(&act, &xs, &dy, &mut dx).unwrap();
        for (&x, &g) in xs.iter().zip(&dx) {
            let x = x as f64;
            let h = 1e-5 * x.abs().max(1.0);
            let f = |v: f64| reference::forward(&act, v).unwrap();
            let fd = (f(x + h) - f(x - h)) / (2.0 * h);
            if fd.is_nan() {
                // Outside the function's domain: no derivative either.
                assert!(
                    g.is_nan(),
                    "{act}: backward at x={x} is {g} where f is undefined"
                );
                continue;
            }
            let tolerance = 1e-5 * fd.abs().max(1.0);
            assert!(
                (g as f64 - fd).abs() <= tolerance,
                "{act}: backward at x={x} is {g}, finite difference {fd}"
            );
        }
    }
}
