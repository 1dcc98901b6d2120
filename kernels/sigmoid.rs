//! `sigmoid`: σ(x) = 1/(1 + e^-x).

use super::math::logistic::{sigmoid_one_quotient, times_slope};
use crate::kernel::prelude::*;

/// Logistic sigmoid `σ(x) = 1/(1 + e^-x)`.
///
/// Forward by [`super::math::logistic::sigmoid_one_quotient`], `1/(1 +
/// e^-x)` as one rounded quotient (within 2 ULP, down to the denormal
/// range). Backward `dy·σ(x)·σ(-x) = dy·e/(1+e)²`
/// with `e = e^-|x|` kept unrounded and its power of two applied last
/// ([`super::math::logistic::times_slope`]); from the output `dy·y·(1-y)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sigmoid;

impl Elementwise for Sigmoid {
    const INFO: Info = Info {
        name: "sigmoid",
        aliases: &["logistic"],
        family: Family::Transcendental,
        forward: "1/(1 + e^-x)",
        backward: "dy·σ(x)·(1 - σ(x))",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &["sigmoid"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Sigmoid
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("sigmoid has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        sigmoid_one_quotient(l, x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        times_slope(l, l.abs(x), dy, 0.0)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        l.mul(l.mul(dy, y), l.sub(l.splat(1.0), y))
    }
}
