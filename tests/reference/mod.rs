//! f64 references for every activation, written from SPEC.md's formulas and
//! independent of the kernels (no shared code, no lane tricks), plus the
//! sweep that compares a backend against them. Shared by the tests and by
//! `cargo run --release -- accuracy` (which includes this directory).
//!
//! Each family's file answers for its own activations and `None` for the
//! rest; the functions below ask each file in turn.
#![allow(dead_code)]

mod exponential;
mod hyperbolic;
mod parametric;
mod piecewise;
pub mod rows;
pub mod sweep;
mod trig;

use simd_activations::{Activation, ParamValue};

/// The float parameter `name` of `act`, as f64.
pub fn param(act: &Activation, name: &str) -> f64 {
    match act.param(name) {
        Some(ParamValue::Float(v)) => v as f64,
        other => panic!("{act}: parameter {name} is {other:?}"),
    }
}

/// The choice parameter `name` of `act`.
pub fn choice(act: &Activation, name: &str) -> &'static str {
    match act.param(name) {
        Some(ParamValue::Choice(c)) => c,
        other => panic!("{act}: parameter {name} is {other:?}"),
    }
}

/// `f(x)` in f64, or `None` if no file knows the activation.
pub fn forward(act: &Activation, x: f64) -> Option<f64> {
    piecewise::forward(act, x)
        .or_else(|| exponential::forward(act, x))
        .or_else(|| parametric::forward(act, x))
        .or_else(|| trig::forward(act, x))
        .or_else(|| hyperbolic::forward(act, x))
}

/// `f'(x)·dy` in f64, with SPEC.md's kink conventions.
pub fn backward(act: &Activation, x: f64, dy: f64) -> Option<f64> {
    piecewise::backward(act, x, dy)
        .or_else(|| exponential::backward(act, x, dy))
        .or_else(|| parametric::backward(act, x, dy))
        .or_else(|| trig::backward(act, x, dy))
        .or_else(|| hyperbolic::backward(act, x, dy))
}

/// The gradient from the output `y` (an f32 forward result) in f64.
pub fn backward_from_output(act: &Activation, y: f64, dy: f64) -> Option<f64> {
    piecewise::backward_from_output(act, y, dy)
        .or_else(|| exponential::backward_from_output(act, y, dy))
        .or_else(|| parametric::backward_from_output(act, y, dy))
        .or_else(|| trig::backward_from_output(act, y, dy))
        .or_else(|| hyperbolic::backward_from_output(act, y, dy))
}

/// `σ(x) = 1/(1 + e^-x)` in f64, without overflow.
pub fn sigma(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}
