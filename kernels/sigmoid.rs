//! `sigmoid`: σ(x) = 1/(1 + e^-x).

use super::math::exp::exp_parts2;
use super::math::logistic::sigmoid_one_quotient;
use super::math::poly::scale_by_pow2;
use crate::kernel::prelude::*;

/// Logistic sigmoid `σ(x) = 1/(1 + e^-x)`.
///
/// Forward by [`super::math::logistic::sigmoid_one_quotient`] (within 2
/// ULP, down to the denormal range). Backward `dy·σ(x)·σ(-x) = dy·e/(1+e)²` with
/// `e = e^-|x|` kept unrounded and its power of two applied last; from the
/// output `dy·y·(1-y)`.
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
        let one = l.splat(1.0);
        let (ph, pl, n) = exp_parts2(l, l.neg(l.abs(x)));
        let e = scale_by_pow2(l, ph, n);
        // (1 + e)² = e·(e + 2) + 1, rounded once.
        let d2 = l.mul_add(e, l.add(e, l.splat(2.0)), one);
        // dy·e/(1+e)² with e = ((ph + pl)/2)·2^(n+1) applied last: halving
        // keeps dy·e finite for |dy| up to f32::MAX.
        let half_dy = l.mul(dy, l.splat(0.5));
        let num = l.mul_add(half_dy, ph, l.mul(half_dy, pl));
        scale_by_pow2(l, l.div(num, d2), l.add(n, one))
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        l.mul(l.mul(dy, y), l.sub(l.splat(1.0), y))
    }
}
