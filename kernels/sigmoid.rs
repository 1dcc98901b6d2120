//! `sigmoid`: σ(x) = 1/(1 + e^-x).

use super::math::exp::exp_parts2;
use super::math::poly::ldexp;
use crate::kernel::prelude::*;

/// Logistic sigmoid `σ(x) = 1/(1 + e^-x)`.
///
/// With `e = e^-|x|` (never overflows): `1/(1+e)` for `x >= 0` and `e/(1+e)`
/// for `x < 0`, with `e` and `1 + e` carried as unevaluated sums so only
/// the final quotient rounds, and the power of two applied last so results
/// down to the denormal range (x > -104) round once. Backward
/// `dy·σ(x)·σ(-x) = dy·e/(1+e)²`, the same way; from the output
/// `dy·y·(1-y)`.
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
        let one = l.splat(1.0);
        // e = e^-|x| = (ph + pl)·2^n, kept unrounded.
        let (ph, pl, n) = exp_parts2(l, l.neg(l.abs(x)));
        let e = ldexp(l, ph, n);
        // 1 + e exactly, as dh + dl (Fast2Sum: e <= 1).
        let dh = l.add(one, e);
        let dl = l.add(l.sub(one, dh), e);
        // x >= 0: 1/(1+e); x < 0: e/(1+e) = ((ph + pl)/(1+e))·2^n, scaled
        // last so denormal results round once.
        let negative = l.lt(x, l.splat(0.0));
        let (nh, nl) = (l.select(negative, ph, one), l.select(negative, pl, l.splat(0.0)));
        // (nh + nl)/(dh + dl): a quotient, its exact remainder, one correction.
        let q = l.div(nh, dh);
        let rem = l.add(l.mul_add(l.neg(q), dh, nh), l.mul_add(l.neg(q), dl, nl));
        let y = l.add(q, l.div(rem, dh));
        l.select(negative, ldexp(l, y, n), y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let one = l.splat(1.0);
        let (ph, pl, n) = exp_parts2(l, l.neg(l.abs(x)));
        let e = ldexp(l, ph, n);
        // (1 + e)² = e·(e + 2) + 1, rounded once.
        let d2 = l.mul_add(e, l.add(e, l.splat(2.0)), one);
        // dy·e/(1+e)² with e = ((ph + pl)/2)·2^(n+1) applied last: halving
        // keeps dy·e finite for |dy| up to f32::MAX.
        let half_dy = l.mul(dy, l.splat(0.5));
        let num = l.mul_add(half_dy, ph, l.mul(half_dy, pl));
        ldexp(l, l.div(num, d2), l.add(n, one))
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        l.mul(l.mul(dy, y), l.sub(l.splat(1.0), y))
    }
}
