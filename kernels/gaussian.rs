//! `gaussian`: e^(-x²).

use super::math::dd::two_prod;
use super::math::exp::{expm1_reduced_plus, reduce};
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
    /// `(n, r)` with `e^(-x²) = 2^n·e^r`, `r` reduced and carrying the
    /// square's rounding error: `|x|` capped at 11, where `e^(-x²) <
    /// 2^-174` already rounds to 0 (-x² >= -121 needs no clamp in the
    /// exponential, and x² stays finite; a NaN is kept: min returns its
    /// second operand).
    #[inline(always)]
    fn reduced<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
        let t = l.min(l.splat(11.0), l.abs(x));
        let (sh, sl) = two_prod(l, t, l.neg(t));
        let (n, r) = reduce(l, sh);
        (n, l.add(r, sl))
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
        // e^(-x²) = 2^n·e^r, one value rounded once, its power of two
        // applied last.
        let (n, r) = Self::reduced(l, x);
        scale_by_pow2(l, expm1_reduced_plus(l, r, l.splat(1.0)), n)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        // (-2x·dy)·e^r with e^r as in the forward, its power of two applied
        // last; a huge dy runs scaled. (Not a·e^r = (a·r)·E(r) + a in one
        // step: an infinite a would meet -inf + inf there.)
        let (n, r) = Self::reduced(l, x);
        let (tamed, shift) = tame(l, dy);
        let a = l.mul(l.mul(x, l.splat(-2.0)), tamed);
        let p = expm1_reduced_plus(l, r, l.splat(1.0));
        let grad = scale_by_pow2(l, l.mul(a, p), l.add(n, shift));
        l.select(l.gt(l.abs(x), l.splat(11.0)), l.mul(dy, l.splat(0.0)), grad)
    }
}
