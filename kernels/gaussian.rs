//! `gaussian`: e^(-x²).

use super::math::exp::exp_parts2_of_sum;
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
        let (ph, pl, n) = Self::parts(l, x);
        let y = scale_by_pow2(l, l.add(ph, pl), n);
        // Past 11, e^(-x²) < 2^-150 (and x² may overflow).
        l.select(l.gt(l.abs(x), l.splat(11.0)), l.splat(0.0), y)
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
