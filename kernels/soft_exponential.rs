//! `soft_exponential`: α < 0: -ln(1 - α(x+α))/α; α = 0: x; α > 0: (e^(αx) - 1)/α + α.

use super::math::exp::{exp_parts2_of_sum, expm1};
use super::math::log1p::log1p;
use super::math::exact::{two_product, two_sum};
use super::math::poly::scale_by_pow2;
use crate::kernel::prelude::*;

/// Soft exponential (Godfrey & Gashler 2015), interpolating between the
/// logarithm (α < 0), the identity (α = 0) and the exponential (α > 0).
///
/// Products `αx` and `α(x + α)` are kept as unevaluated sums so the
/// exponential and logarithm do not amplify their rounding. For α >= 1 the
/// result is `(e^(αx) + α² - 1)/α` (two non-negative terms); for 0 < α < 1
/// it is `(1 - α²)·expm1(αx - u0)/α` with `u0 = ln(1 - α²)`, exact to the
/// root the function has there; the exponentials are scaled last, so the
/// result is finite wherever the true value is. Outside the domain of the
/// α < 0 branch forward and backward are NaN. (The constants depend on α
/// and are computed once per call, in f64.) For α < 0 the logarithm's argument is negative past
/// `x < -α - 1/|α|` (NaN, as the function is undefined there). Backward:
/// `dy/(1 - α(α + x))`, `dy`, `dy·e^(αx)`; from the output
/// `dy·e^(αy)` for α < 0 and `dy` for α = 0. For α > 0 there is no
/// backward from the output: `y` saturates at `α - 1/α`, where it no longer
/// determines the gradient to f32 precision.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SoftExponential {
    /// Selects the branch; finite, and 0 or of magnitude at least 2^-56.
    pub alpha: f32,
}

/// The smallest nonzero |α| accepted: measured, the sampled sweep holds
/// the 4 ULP bound down to here and fails from about 1e-19 (α > 0) and
/// 1e-18 (α < 0).
const MIN_ALPHA: f32 = 1.0 / (1u64 << 56) as f32;

/// An f64 constant as an unevaluated f32 sum.
fn pair(v: f64) -> (f32, f32) {
    let hi = v as f32;
    (hi, (v - hi as f64) as f32)
}

impl SoftExponential {
    /// `αv` as `(z, dz)` with `z + dz = αv` exactly.
    #[inline(always)]
    fn scaled<L: Lanes>(&self, l: L, v: L::F) -> (L::F, L::F) {
        two_product(l, l.splat(self.alpha), v)
    }

    /// α < 0: `u = -α(x + α)` as `(u, du)`, with `x + α` exact too (it
    /// cancels at the edge of the domain, where `1 + u` nears 0).
    #[inline(always)]
    fn log_argument<L: Lanes>(&self, l: L, x: L::F) -> (L::F, L::F) {
        let a = l.splat(-self.alpha);
        let (t, dt) = two_sum(l, x, l.splat(self.alpha));
        let (u, du) = two_product(l, a, t);
        (u, l.mul_add(a, dt, du))
    }
}

impl Elementwise for SoftExponential {
    const INFO: Info = Info {
        name: "soft_exponential",
        aliases: &[],
        family: Family::Transcendental,
        forward: "α<0: -ln(1-α(x+α))/α; α=0: x; α>0: (e^(αx)-1)/α + α",
        backward: "α<0: dy/(1-α(α+x)); α=0: dy; α>0: dy·e^(αx)",
        params: &[Param::float("alpha", 0.0, "log (< 0), identity (0), exp (> 0)")],
        from_output: FromOutput::When("alpha <= 0"),
        accuracy: Accuracy::ulps(4, 4),
        examples: &[
            "soft_exponential",
            "soft_exponential(alpha=-0.5)",
            "soft_exponential(alpha=0.7)",
            "soft_exponential(alpha=2)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        SoftExponential {
            alpha: v[0].float(),
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.alpha)
    }

    fn validate(&self) -> Result<(), Error> {
        check::<Self>(self.alpha.is_finite(), "alpha", self.alpha, "must be finite")?;
        check::<Self>(
            self.alpha == 0.0 || self.alpha.abs() >= MIN_ALPHA,
            "alpha",
            self.alpha,
            "must be 0 or of magnitude at least 2^-56 (1.39e-17): below it α² and αx fall \
             into the denormals and the stated accuracy is lost near the function's root",
        )
    }

    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        if self.alpha <= 0.0 {
            Ok(())
        } else {
            Err("with alpha > 0, y saturates at alpha - 1/alpha and no longer determines the gradient")
        }
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let alpha = l.splat(self.alpha);
        if self.alpha == 0.0 {
            return x;
        }
        if self.alpha < 0.0 {
            let (u, du) = self.log_argument(l, x);
            // ln(1 + u + du) = log1p(u) + du/(1 + u); 1 + u is exact where it
            // nears 0, and the sign of 1 + u + du decides the domain.
            let one_u = l.add(l.splat(1.0), u);
            let w = l.add(one_u, du);
            let ln = l.add(log1p(l, u), l.div(du, one_u));
            let ln = l.select(l.eq(w, l.splat(0.0)), l.splat(f32::NEG_INFINITY), ln);
            let ln = l.select(l.lt(w, l.splat(0.0)), l.splat(f32::NAN), ln);
            return l.neg(l.div(ln, alpha));
        }
        let (z, dz) = self.scaled(l, x);
        let a = self.alpha as f64;
        if self.alpha >= 1.0 {
            // (e^(αx) + (α² - 1))/α: both terms >= 0, no cancellation.
            let k = pair((a * a - 1.0) / a);
            let (ph, pl, n) = exp_parts2_of_sum(l, z, dz);
            let e = scale_by_pow2(l, l.div(ph, alpha), n);
            let e_lo = scale_by_pow2(l, l.div(pl, alpha), n);
            let y = l.add(e, l.add(l.splat(k.0), l.add(l.splat(k.1), e_lo)));
            return l.select(l.eq(e, l.splat(f32::INFINITY)), e, y);
        }
        // 0 < α < 1: e^u - (1 - α²) = (1 - α²)·expm1(u - u0) with
        // u0 = ln(1 - α²), where the function crosses 0: one term, no
        // cancellation, relative accuracy at the root.
        let u0 = pair(crate::float::ln_1p_f64(-(a * a)));
        let c = pair((1.0 - a * a) / a);
        // d = u - u0 as d + dd exactly.
        let (d, dd) = two_sum(l, z, l.splat(-u0.0));
        let dd = l.add(dd, l.sub(dz, l.splat(u0.1)));
        let m = expm1(l, d);
        let corrected = l.mul_add(dd, l.add(m, l.splat(1.0)), m);
        let m = l.select(l.eq(l.abs(m), l.splat(f32::INFINITY)), m, corrected);
        let moderate = l.mul_add(l.splat(c.0), m, l.mul(l.splat(c.1), m));
        // Large d: c·e^d scaled last (finite wherever the result is).
        let (ph, pl, n) = exp_parts2_of_sum(l, d, dd);
        let big = scale_by_pow2(l, l.mul(l.add(ph, pl), l.splat(c.0)), n);
        l.select(l.gt(d, l.splat(20.0)), big, moderate)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        if self.alpha == 0.0 {
            return dy;
        }
        if self.alpha < 0.0 {
            let (u, du) = self.log_argument(l, x);
            // 1 + u is exact where it cancels (Sterbenz). Where the
            // logarithm's argument is negative the function is undefined.
            let w = l.add(l.add(l.splat(1.0), u), du);
            return l.select(l.lt(w, l.splat(0.0)), l.splat(f32::NAN), l.div(dy, w));
        }
        let (z, dz) = self.scaled(l, x);
        let (ph, pl, n) = exp_parts2_of_sum(l, z, dz);
        scale_by_pow2(l, l.mul_add(dy, ph, l.mul(dy, pl)), n)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        if self.alpha == 0.0 {
            return dy;
        }
        let (z, dz) = self.scaled(l, y);
        let (ph, pl, n) = exp_parts2_of_sum(l, z, dz);
        scale_by_pow2(l, l.mul_add(dy, ph, l.mul(dy, pl)), n)
    }
}
