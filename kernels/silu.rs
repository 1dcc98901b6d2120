//! `silu` (swish): x·σ(x).

use super::math::exp::exp_parts2_of_minus_abs;
use super::math::gradient::tame;
use super::math::logistic::over_one_plus_exp;
use super::math::poly::{horner, scale_by_pow2, Pow2};
use crate::kernel::prelude::*;

/// The root x0 = -1 - W(1/e) of `1 + x + e^x`, where silu' changes sign,
/// as three f32 parts (about 72 bits).
const ROOT: [f32; 3] = [-1.278_464_6, 1.297_928_3e-8, 1.125_746_6e-16];
/// `R(d) = ROOT_R0 + d·ROOT_R(d)` with `1 + x + e^x = d·R(d)` at `x = x0 +
/// d`, `|d| <= 1/4`; relative error 0.17·2^-24 with these f32 coefficients
/// (`tools/polyfit.py silu_root_f32`).
const ROOT_R0: f32 = 1.278_464_6;
const ROOT_R: [f32; 6] = [
    0.139_232_28,
    0.046_407_11,
    0.011_601_994,
    0.002_473_594,
    0.000_399_451_27,
    -0.001_553_107_8,
];
/// How far from x0 `d·R(d)` takes over from `(1 + x) + e^x`.
const ROOT_BAND: f32 = 0.25;

/// SiLU / swish `x·σ(x)`.
///
/// Forward `x/(1 + e^-x)` as one rounded quotient for both signs of `x`
/// ([`super::math::logistic::over_one_plus_exp`]: the power of two of
/// `e^-x` applied last, so denormal results, down to x ≈ -107, round once
/// more at most); within 2 ULP. Backward
/// `dy·σ(x)·(1 + x·σ(-x))`, which is `dy·(1 + e + x·e)/(1+e)²` for
/// `x >= 0` and `dy·e·N/(1+e)²` with `N = 1 + x + e^x` for `x < 0`; N
/// vanishes at x0 ≈ -1.2785, so within 1/4 of it N is `d·R(d)`, `d = x -
/// x0` (x0 to 72 bits) and `R` a polynomial, which keeps its relative
/// accuracy at the root. Not monotonic: no backward from the output.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Silu;

impl Elementwise for Silu {
    const INFO: Info = Info {
        name: "silu",
        aliases: &["swish"],
        family: Family::Transcendental,
        forward: "x·σ(x)",
        backward: "dy·σ(x)(1 + x(1 - σ(x)))",
        params: &[],
        from_output: FromOutput::Never(
            "silu has a minimum at x ≈ -1.28, so y does not determine x",
        ),
        accuracy: Accuracy::ulps(2, 4),
        examples: &["silu"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Silu
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("silu has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        // x/(1 + e^-x) as one rounded quotient. -x is taken in [-80, 110]:
        // above 80 the quotient is x exactly either way (also +inf); below
        // -110 the result rounds to -0, and capping the numerator at -110
        // keeps a huge negative x from lifting x·e^-110 off zero (and
        // -inf·0 away). min and max keep a NaN (their second operand).
        let z = l.min(l.splat(110.0), l.max(l.splat(-80.0), l.neg(x)));
        over_one_plus_exp(l, l.max(l.splat(-110.0), x), z, l.splat(-0.0))
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        // dy·(1 + e + x·e) and dy·N overflow for a huge dy: run on dy·2^-64.
        let (dy, shift) = tame(l, dy);
        let (one, zero) = (l.splat(1.0), l.splat(0.0));
        let (ph, pl, n) = exp_parts2_of_minus_abs(l, x);
        let pow2 = Pow2::new(l, n);
        let e = pow2.scale(l, ph);
        // (1 + e)² = e·(e + 2) + 1, rounded once.
        let d2 = l.mul_add(e, l.add(e, l.splat(2.0)), one);

        // x >= 0: dy·(1 + e + x·e)/(1+e)², all terms positive (the
        // numerator here, the quotient below).
        let capped = l.min(l.splat(1e30), x);
        let right = l.mul(dy, l.mul_add(capped, e, l.add(one, e)));

        // x < 0: dy·e·N/(1+e)², N = 1 + x + e^x (e = e^x there). Within
        // 1/4 of its root x0, N = d·R(d) with d = x - x0 (the first
        // difference exact); elsewhere |N| >= 0.3 and (1 + x) + e^x from
        // e's parts keeps its relative accuracy.
        let d = l.sub(
            l.sub(l.sub(x, l.splat(ROOT[0])), l.splat(ROOT[1])),
            l.splat(ROOT[2]),
        );
        let far = l.add(l.add(l.add(one, x), e), pow2.scale(l, pl));
        let near_root = l.le(l.abs(d), l.splat(ROOT_BAND));
        // d·R(d) = d·R0 + d²·ROOT_R(d): the leading term inside the FMA.
        let rest = l.mul(l.mul(d, d), horner(l, d, &ROOT_R));
        let big_n = l.select(near_root, l.mul_add(d, l.splat(ROOT_R0), rest), far);
        let a = l.mul(dy, big_n);
        let left = l.mul_add(a, ph, l.mul(a, pl));
        // One division for both sides; 2^n applied after it below zero.
        let negative = l.lt(x, zero);
        let q = l.div(l.select(negative, left, right), d2);
        let out = l.select(negative, pow2.scale(l, q), q);
        let out = l.select(l.lt(x, l.splat(-120.0)), l.mul(dy, l.splat(-0.0)), out);

        scale_by_pow2(l, out, shift)
    }
}
