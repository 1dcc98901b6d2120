//! `tanh`: the hyperbolic tangent.

use super::math::dd::pass_nan;
use super::math::exp_dd::exp_parts_sum;
use super::math::poly::ldexp;
use super::math::tanh::{complement_from_exp, tanh};
use crate::kernel::prelude::*;

/// Hyperbolic tangent `tanh x = (e^x - e^-x)/(e^x + e^-x)`.
///
/// Forward by [`super::math::tanh`] (odd polynomial near 0,
/// `1 - 2e/(1+e)` with `e = e^-2|x|` elsewhere, ±1 beyond 9.1).
/// Backward `dy·sech²x` computed as `q·(2 - q)` with `q = 1 - tanh|x| =
/// 2e/(1+e)` kept as an unscaled pair: no cancellation of `1 - tanh²x`
/// for large `|x|`, and the power of two of `e` applied last so denormal
/// results round once. From the output `dy·(1 - y²)` with `1 - y²` rounded
/// once.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tanh;

impl Elementwise for Tanh {
    const INFO: Info = Info {
        name: "tanh",
        aliases: &[],
        family: Family::Transcendental,
        forward: "tanh x",
        backward: "dy·(1 - tanh²x)",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &["tanh"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Tanh
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("tanh has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        tanh(l, x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let ax = l.abs(x);
        // e^-2|x| down to e^-120 (exp_parts2 stops at e^-104, too early
        // for dy·sech²x with |dy| > 1).
        let (ph, pl, n) = exp_parts_sum(l, l.mul(ax, l.splat(-2.0)), l.splat(0.0));
        let (q0, q1, n, s) = complement_from_exp(l, ph, pl, n);
        // 2 - q as a pair (Fast2Sum: q <= 1); below 2^-126 q is negligible.
        let two = l.splat(2.0);
        let qs = l.mul(q0, s);
        let rh = l.sub(two, qs);
        let rl = l.sub(l.sub(l.sub(two, rh), qs), l.mul(q1, s));
        // sech² = (q0 + q1)·(rh + rl)·2^n, the product rounded once; dy/8
        // keeps the unscaled product finite for any finite dy.
        let m = l.mul_add(q0, rh, l.mul_add(q0, rl, l.mul(q1, rh)));
        let dx = ldexp(
            l,
            l.mul(l.mul(dy, l.splat(0.125)), m),
            l.add(n, l.splat(3.0)),
        );
        // Beyond |x| = 60, sech² < 2^-170 (the exponential is clamped there):
        // exact for |dy| < 2^20.
        let dx = l.select(l.gt(ax, l.splat(60.0)), l.mul(dy, l.splat(0.0)), dx);
        pass_nan(l, x, dx)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        l.mul(dy, l.mul_add(l.neg(y), y, l.splat(1.0)))
    }
}
