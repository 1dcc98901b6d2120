//! `logsigmoid`: ln σ(x) = min(x, 0) - ln(1 + e^-|x|).

use super::math::exp::{exp_parts2_of_minus_abs, expm1};
use super::math::log1p::log1p_unit_pair;
use super::math::logistic::sigmoid_one_quotient;
use super::math::poly::Pow2;
use crate::kernel::prelude::*;

/// Log-sigmoid `ln σ(x) = min(x, 0) - ln(1 + e^-|x|)`: no overflow, and
/// for large `x` the result `≈ -e^-x` keeps its relative accuracy down to
/// the denormal range.
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
        let zero = l.splat(0.0);
        let (ph, pl, n) = exp_parts2_of_minus_abs(l, x);
        let pow2 = Pow2::new(l, n);
        // ln(1 + e) for e = (ph + pl)·2^n, as soft + soft_lo.
        let (soft, soft_lo) = log1p_unit_pair(l, pow2.scale(l, ph), pow2.scale(l, pl));
        // min(x, 0) - (soft + soft_lo): two roundings, of the same sign
        // (no cancellation: both terms are <= 0), so at most one ULP.
        let y = l.sub(l.min(x, zero), l.add(soft, soft_lo));
        // Far right, -ln(1 + e) = -e to f32 precision: scale last so tiny
        // results round once.
        let tiny = pow2.scale(l, l.neg(ph));
        // A NaN x needs no test: the exponential's clamp keeps it, and so
        // does soft.
        l.select(l.gt(x, l.splat(40.0)), tiny, y)
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
