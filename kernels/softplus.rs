//! `softplus`: βx > threshold ? x : ln(1 + e^(βx))/β.

use super::math::exact::two_product;
use super::math::exp::{exp_parts2_of_sum, expm1};
use super::math::log1p::{log1p_exp_minus_abs, log1p_exp_near_zero, log1p_unit_pair};
use super::math::logistic::sigmoid_one_quotient_of_sum;
use super::math::poly::Pow2;
use crate::kernel::prelude::*;

/// Softplus `ln(1 + e^(βx))/β`, and `x` where `βx > threshold` (PyTorch's
/// linear branch, decided on the f32 product as PyTorch does).
///
/// `ln(1 + e^z)` is `max(z, 0) + ln(1 + e^-|z|)` (no overflow). With the
/// default `β = 1` the logarithm comes from the exponential's parts
/// without a division, and near 0 from a series (`forward_unit_beta`).
/// Otherwise `βx` is kept as an unevaluated sum (its rounding error from
/// an FMA), so `β != 1` loses no accuracy in the tails, and for `z < -40`
/// the result is `e^z/β` scaled last (denormal results round once). Backward
/// `dy·σ(βx)` (or `dy` on the linear branch); from the output
/// `dy·(1 - e^(-βy))`, available when `threshold >= 18`, where the branch is
/// recoverable from `y`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Softplus {
    /// The sharpness β; finite and non-zero.
    pub beta: f32,
    /// Above `β·x > threshold` the result is `x`.
    pub threshold: f32,
}

impl Default for Softplus {
    fn default() -> Self {
        Softplus {
            beta: 1.0,
            threshold: 20.0,
        }
    }
}

impl Softplus {
    /// The forward with `β = 1`: `ln(1 + e^-|x|)` from the exponential's
    /// parts without a division, plus `x` where `x >= 0`, and near 0 its
    /// own series (see [`log1p_exp_near_zero`]). Scaled last, so a result
    /// below the normal range rounds once.
    #[inline(always)]
    fn forward_unit_beta<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let small = log1p_exp_minus_abs(l, x);
        let y = l.select(l.lt(x, l.splat(0.0)), small, l.add(x, small));
        let (s, rest) = log1p_exp_near_zero(l, x);
        let y = l.select(l.lt(l.abs(x), l.splat(0.5)), l.add(s, rest), y);
        // A NaN x needs no test: the exponential's clamp keeps it, and
        // every branch above carries it.
        l.select(l.gt(x, l.splat(self.threshold)), x, y)
    }

    /// `βx` as `(z, dz)` with `z + dz = βx` exactly.
    #[inline(always)]
    fn scaled<L: Lanes>(&self, l: L, x: L::F) -> (L::F, L::F) {
        two_product(l, l.splat(self.beta), x)
    }
}

impl Elementwise for Softplus {
    const INFO: Info = Info {
        name: "softplus",
        aliases: &[],
        family: Family::Transcendental,
        forward: "βx > threshold ? x : log1p(e^(βx))/β",
        backward: "βx > threshold ? dy : dy·σ(βx)",
        params: &[
            Param::float("beta", 1.0, "sharpness (finite, non-zero)"),
            Param::float("threshold", 20.0, "linear above β·x > threshold"),
        ],
        from_output: FromOutput::When("threshold >= 18"),
        accuracy: Accuracy::ulps(2, 4),
        examples: &[
            "softplus",
            "softplus(beta=2.5,threshold=15)",
            "softplus(beta=0.3,threshold=5)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Softplus {
            beta: v[0].float(),
            threshold: v[1].float(),
        }
    }

    fn param(&self, index: usize) -> ParamValue {
        ParamValue::Float([self.beta, self.threshold][index])
    }

    fn validate(&self) -> Result<(), Error> {
        let b = self.beta;
        check::<Self>(
            b.is_finite() && b != 0.0,
            "beta",
            b,
            "must be finite and non-zero",
        )
    }

    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        if self.threshold >= 18.0 {
            Ok(())
        } else {
            Err("with threshold < 18, y just above the threshold may come from either branch")
        }
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        if self.beta == 1.0 {
            return self.forward_unit_beta(l, x);
        }
        let (z, dz) = self.scaled(l, x);
        let negative = l.lt(z, l.splat(0.0));
        // e^-|βx| = (ph + pl)·2^n.
        let minus_dz = l.select(negative, dz, l.neg(dz));
        let (ph, pl, n) = exp_parts2_of_sum(l, l.neg(l.abs(z)), minus_dz);
        let pow2 = Pow2::new(l, n);
        // ln(1 + e) as soft + soft_lo, with e's low part folded in.
        let (soft, soft_lo) = log1p_unit_pair(l, pow2.scale(l, ph), pow2.scale(l, pl));
        let beta = l.splat(self.beta);
        let inv_beta = l.div(l.splat(1.0), beta);
        // (soft + soft_lo)/β with one rounding: quotient and exact
        // remainder.
        let q = l.div(soft, beta);
        let small = l.add(
            q,
            l.div(l.add(l.mul_add(l.neg(q), beta, soft), soft_lo), beta),
        );
        // Where the quotient overflows (|β| near the denormals) it is the
        // answer; its remainder would be inf - inf = NaN.
        let small = l.select(l.lt(l.abs(q), l.splat(f32::INFINITY)), small, q);
        // z >= 0: x + ln(1 + e)/β (x itself, not z/β, is exact);
        // z < 0: ln(1 + e)/β, and e/β scaled last where ln(1 + e) = e.
        let positive = l.add(x, small);
        let tiny = pow2.scale(l, l.mul(l.add(ph, pl), inv_beta));
        let y = l.select(negative, small, positive);
        let y = l.select(l.lt(z, l.splat(-40.0)), tiny, y);
        // A NaN x needs no test: the exponential's clamp keeps it, and every
        // branch above carries it.
        l.select(l.gt(z, l.splat(self.threshold)), x, y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let (z, dz) = self.scaled(l, x);
        let grad = l.mul(dy, sigmoid_one_quotient_of_sum(l, z, dz));
        l.select(l.gt(z, l.splat(self.threshold)), dy, grad)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        // σ(βx) = 1 - e^(-βy) = -expm1(-βy), with βy = t + dt exactly.
        let (t, dt) = self.scaled(l, y);
        let g = l.neg(expm1(l, l.neg(t)));
        // d/dt (1 - e^-t) = e^-t = 1 - g.
        let g = l.mul_add(dt, l.sub(l.splat(1.0), g), g);
        let grad = l.mul(dy, g);
        l.select(l.gt(t, l.splat(self.threshold)), dy, grad)
    }
}
