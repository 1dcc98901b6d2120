//! `gaussian`: e^(-x²).

use super::math::dd::two_prod;
use super::math::exp::{exp_parts2_of_sum, expm1_reduced_plus, reduce};
use super::math::gradient::tame;
use super::math::poly::scale_by_pow2;
use crate::kernel::prelude::*;

/// Gaussian `e^(-x²)`.
///
/// `x²` is split exactly into `hi + lo` with an FMA, so the exponential does
/// not amplify the square's rounding (which would cost `x²/2` ULPs), and
/// the power of two is applied last so denormal results round once.
/// Backward `dy·(-2x)·e^(-x²)`. Not monotonic: no backward from the output.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gaussian;

impl Gaussian {
    /// `e^(-x²) = (hi + lo)·2^n`; beyond |x| > 11 the result is 0.
    #[inline(always)]
    fn parts<L: Lanes>(l: L, x: L::F) -> (L::F, L::F, L::F) {
        let sq = l.mul(x, x);
        let sq_lo = l.mul_add(x, x, l.neg(sq));
        exp_parts2_of_sum(l, l.neg(sq), l.neg(sq_lo))
    }
}

impl Elementwise for Gaussian {
    const INFO: Info = Info {
        name: "gaussian",
        aliases: &[],
        family: Family::Transcendental,
        forward: "e^(-x²)",
        backward: "dy·(-2x)·e^(-x²)",
        params: &[],
        from_output: FromOutput::Never("e^(-x²) is even, so y does not give the sign of x"),
        accuracy: Accuracy::ulps(2, 4),
        examples: &["gaussian"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Gaussian
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("gaussian has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        // |x| capped at 11, where e^(-x²) < 2^-174 already rounds to 0:
        // -x² >= -121 needs no clamp in the exponential, and x² stays
        // finite (a NaN is kept: min returns its second operand).
        let t = l.min(l.splat(11.0), l.abs(x));
        let (sh, sl) = two_prod(l, t, l.neg(t));
        // e^(sh + sl) = 2^n·e^(r + sl), one value rounded once, its power
        // of two applied last.
        let (n, r) = reduce(l, sh);
        let p = expm1_reduced_plus(l, l.add(r, sl), l.splat(1.0));
        scale_by_pow2(l, p, n)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let (ph, pl, n) = Self::parts(l, x);
        let (tamed, shift) = tame(l, dy);
        let a = l.mul(l.mul(x, l.splat(-2.0)), tamed);
        let grad = scale_by_pow2(l, l.mul_add(a, ph, l.mul(a, pl)), l.add(n, shift));
        l.select(l.gt(l.abs(x), l.splat(11.0)), l.mul(dy, l.splat(0.0)), grad)
    }
}
