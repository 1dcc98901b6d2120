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

use std::cell::Cell;

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

/// One family file's references: forward, backward, backward from output.
type Family = (
    fn(&Activation, f64) -> Option<f64>,
    fn(&Activation, f64, f64) -> Option<f64>,
    fn(&Activation, f64, f64) -> Option<f64>,
);

const FAMILIES: [Family; 5] = [
    (
        piecewise::forward,
        piecewise::backward,
        piecewise::backward_from_output,
    ),
    (
        exponential::forward,
        exponential::backward,
        exponential::backward_from_output,
    ),
    (
        parametric::forward,
        parametric::backward,
        parametric::backward_from_output,
    ),
    (trig::forward, trig::backward, trig::backward_from_output),
    (
        hyperbolic::forward,
        hyperbolic::backward,
        hyperbolic::backward_from_output,
    ),
];

/// The family file that knows `act`. The sweeps call the references once
/// per input, so the last answer is cached per thread (keyed by the name's
/// address) instead of matching the name against every file each time.
fn family(act: &Activation) -> Option<&'static Family> {
    thread_local! {
        static LAST: Cell<(usize, usize)> = const { Cell::new((0, usize::MAX)) };
    }
    let key = act.name().as_ptr() as usize;
    let (last_key, last) = LAST.get();
    if last_key == key {
        return FAMILIES.get(last);
    }
    let index = FAMILIES
        .iter()
        .position(|f| (f.0)(act, 0.5).is_some())
        .unwrap_or(usize::MAX);
    LAST.set((key, index));
    FAMILIES.get(index)
}

/// `f(x)` in f64, or `None` if no file knows the activation.
pub fn forward(act: &Activation, x: f64) -> Option<f64> {
    (family(act)?.0)(act, x)
}

/// `f'(x)·dy` in f64, with SPEC.md's kink conventions.
pub fn backward(act: &Activation, x: f64, dy: f64) -> Option<f64> {
    (family(act)?.1)(act, x, dy)
}

/// The gradient from the output `y` (an f32 forward result) in f64.
pub fn backward_from_output(act: &Activation, y: f64, dy: f64) -> Option<f64> {
    (family(act)?.2)(act, y, dy)
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
