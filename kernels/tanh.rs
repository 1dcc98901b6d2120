//! `tanh`: the hyperbolic tangent.

use super::math::dd::pass_nan;
use super::math::logistic::times_slope;
use super::math::tanh::tanh;
use crate::kernel::prelude::*;

/// Hyperbolic tangent `tanh x = (e^x - e^-x)/(e^x + e^-x)`.
///
/// Forward by [`super::math::tanh`] (`-u/(2 + u)` with
/// `u = e^-2|x| - 1` from the exponential's parts, ±1 beyond 9.1).
/// Backward `dy·sech²x = 4·dy·e/(1+e)²` with `e = e^-2|x|`, as sigmoid's
/// backward at `2x` ([`super::math::logistic::times_slope`]): no
/// cancellation of `1 - tanh²x` for large `|x|`, and the power of two of
/// `e` applied last so denormal results round once. From the output
/// `dy·(1 - y²)` with `1 - y²` rounded once.
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
        // sech²x = 4σ'(2x): 2|x| is exact (or inf, where sech² is 0).
        let dx = times_slope(l, l.add(ax, ax), dy, 2.0);
        // Beyond |x| = 85 (2|x| past the exponential's clamp at 170) sech²
        // is below 2^-243: 0, exact for |dy| < 2^93.
        let dx = l.select(l.gt(ax, l.splat(85.0)), l.mul(dy, l.splat(0.0)), dx);
        pass_nan(l, x, dx)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        l.mul(dy, l.mul_add(l.neg(y), y, l.splat(1.0)))
    }
}
