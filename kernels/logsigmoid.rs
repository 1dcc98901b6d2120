//! `logsigmoid`: ln σ(x) = min(x, 0) - ln(1 + e^-|x|).

use super::math::exp::expm1;
use super::math::log1p::{log1p_exp_minus_abs, log1p_exp_near_zero};
use super::math::logistic::sigmoid_one_quotient;
use crate::kernel::prelude::*;

/// Log-sigmoid `ln σ(x) = min(x, 0) - ln(1 + e^-|x|)`: no overflow, and
/// for large `x` the result `≈ -e^-x` keeps its relative accuracy down to
/// the denormal range. The logarithm is softplus's (`logsigmoid(x) =
/// -softplus(-x)`): from the exponential's parts without a division, and
/// near 0 from a series.
///
/// Backward `dy·σ(-x)`; from the output `-dy·expm1(y)` (since
/// `σ(-x) = 1 - e^y`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Logsigmoid;

impl Elementwise for Logsigmoid {
    const INFO: Info = Info {
        name: "logsigmoid",
        aliases: &[],
        family: Family::Transcendental,
        forward: "min(x,0) - log1p(e^-abs(x))",
        backward: "dy·σ(-x); from y: -dy·expm1(y)",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &["logsigmoid"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Logsigmoid
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("logsigmoid has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        // -ln(1 + e^-|x|) without a division, scaled last, so a result
        // below the normal range rounds once.
        let small = log1p_exp_minus_abs(l, x);
        // x <= 0: x - ln(1 + e^x), one rounding of two terms of the same
        // sign, except near 0, where the logarithm's error is as large as
        // the result's ULP: there -softplus(-x) from its series.
        let y = l.select(l.gt(x, l.splat(0.0)), l.neg(small), l.sub(x, small));
        let (s, rest) = log1p_exp_near_zero(l, l.neg(x));
        // A NaN x needs no test: the exponential's clamp keeps it, and so
        // does every branch.
        l.select(l.lt(l.abs(x), l.splat(0.5)), l.neg(l.add(s, rest)), y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        l.mul(dy, sigmoid_one_quotient(l, l.neg(x)))
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        l.neg(l.mul(dy, expm1(l, y)))
    }
}
