//! `tanhshrink`: x - tanh x.

use super::math::dd::{pass_nan, two_prod};
use super::math::poly::horner;
use super::math::tanh::{tanh_abs_dd, tanh_complement_rounded, with_sign_of};
use crate::kernel::prelude::*;

/// `P` with `x - tanh x = x³/3 + x⁵·P(x²)` on `|x| <= 1.0625`; relative
/// error of the fit 2^-24 (`tools/polyfit.py tanhshrink_core`).
const P: [f32; 8] = [
    -0.133_333_33,
    0.053_967_53,
    -0.021_858_338,
    0.008_796_926,
    -0.003_394_584_6,
    0.001_124_831_5,
    -0.000_257_892_07,
    0.000_027_366_119,
];

/// 1/3 as `THIRD_HI + THIRD_LO`.
const THIRD_HI: f32 = 0.333_333_34;
const THIRD_LO: f32 = -9.934_108e-9;

/// Tanh shrink `x - tanh x`.
///
/// Near 0 the difference cancels (it is about `x³/3`), so for `|x| < 1` it
/// is `x³/3 + x⁵·P(x²)` with a minimax `P`, `x³` and 1/3 as exact pairs; beyond,
/// `(|x| - 1) + q` with `q = 1 - tanh|x|` from [`super::math::tanh`] as a
/// pair (`|x| - 1` is exact). Backward `dy·tanh²x` with `tanh x` as a pair,
/// squared with one rounding. Not available from the output: recovering
/// `x` from `y` needs an iterative solve.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tanhshrink;

impl Elementwise for Tanhshrink {
    const INFO: Info = Info {
        name: "tanhshrink",
        aliases: &[],
        family: Family::Transcendental,
        forward: "x - tanh x",
        backward: "dy·tanh²x",
        params: &[],
        from_output: FromOutput::Never(
            "x - tanh x has no closed-form inverse, so x cannot be recovered from y cheaply",
        ),
        accuracy: Accuracy::ulps(4, 4),
        examples: &["tanhshrink"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Tanhshrink
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("tanhshrink has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let ax = l.abs(x);
        // |x| < 1: |x|³·(1/3 + x²·P(x²)) with |x|³ = ch + cl and 1/3 as
        // pairs, so only the x⁵ term and the final sum round.
        let (x2h, x2l) = two_prod(l, ax, ax);
        let (ch, cl) = two_prod(l, ax, x2h);
        let cl = l.mul_add(ax, x2l, cl);
        let tail = l.mul(l.mul(ch, x2h), horner(l, x2h, &P));
        let small = l.mul_add(
            ch,
            l.splat(THIRD_HI),
            l.mul_add(
                ch,
                l.splat(THIRD_LO),
                l.mul_add(cl, l.splat(THIRD_HI), tail),
            ),
        );
        // |x| >= 1: (|x| - 1) + (q0 + q1)·2^n.
        let (q, s) = tanh_complement_rounded(l, ax);
        let big = l.mul_add(q, s, l.sub(ax, l.splat(1.0)));
        let y = l.select(l.lt(ax, l.splat(1.0)), small, big);
        pass_nan(l, x, with_sign_of(l, y, x))
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let (th, tl) = tanh_abs_dd(l, l.abs(x));
        let t2 = l.mul_add(th, th, l.mul(l.add(th, th), tl));
        pass_nan(l, x, l.mul(dy, t2))
    }
}
