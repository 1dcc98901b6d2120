//! `celu`: max(0, x) + min(0, α(e^(x/α) - 1)).

use super::math::exp::{exp_rounded_of_sum, expm1, expm1_of_nonpositive};
use super::math::gradient::times_exp;
use crate::kernel::prelude::*;

/// Continuously differentiable ELU: `x > 0 ? x : α·(e^(x/α) - 1)`.
///
/// `x/α` is kept as an unevaluated sum (quotient and its exact remainder),
/// so the exponential does not amplify the quotient's rounding. Backward
/// `x <= 0 ? dy·e^(x/α) : dy`; from the output
/// `y <= 0 ? dy·(y + α)/α : dy`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Celu {
    /// Scale and saturation; finite and non-zero.
    pub alpha: f32,
}

impl Default for Celu {
    fn default() -> Self {
        Celu { alpha: 1.0 }
    }
}

impl Celu {
    /// `x/α` as `(q, dq)` with `q + dq = x/α` to about 2^-48.
    #[inline(always)]
    fn quotient<L: Lanes>(&self, l: L, x: L::F) -> (L::F, L::F) {
        if self.alpha == 1.0 {
            // What the general path gives for α = 1 (the remainder is +0, or
            // NaN where x is not finite, which the select below turns into
            // 0), without its two divisions.
            return (x, l.splat(0.0));
        }
        let alpha = l.splat(self.alpha);
        let q = l.div(x, alpha);
        let dq = l.div(l.mul_add(l.neg(q), alpha, x), alpha);
        let finite = l.lt(l.abs(q), l.splat(f32::INFINITY));
        (q, l.select(finite, dq, l.splat(0.0)))
    }
}

impl Elementwise for Celu {
    const INFO: Info = Info {
        name: "celu",
        aliases: &[],
        family: Family::Transcendental,
        forward: "max(0,x) + min(0, α(e^(x/α) - 1))",
        backward: "x <= 0 ? dy·e^(x/α) : dy",
        params: &[Param::float("alpha", 1.0, "scale (finite, non-zero)")],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &[
            "celu",
            "celu(alpha=0.3)",
            "celu(alpha=2.5)",
            "celu(alpha=-1.5)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Celu {
            alpha: v[0].float(),
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.alpha)
    }

    fn validate(&self) -> Result<(), Error> {
        let a = self.alpha;
        check::<Self>(
            a.is_finite() && a != 0.0,
            "alpha",
            a,
            "must be finite and non-zero",
        )
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let (q, dq) = self.quotient(l, x);
        // With α > 0, x <= 0 (the lanes kept below) gives q <= 0.
        let m = if self.alpha > 0.0 {
            expm1_of_nonpositive(l, q)
        } else {
            expm1(l, q)
        };
        let positive = l.gt(x, l.splat(0.0));
        if self.alpha == 1.0 {
            // What the general path gives for α = 1 (dq = +0, so the
            // correction below is exact but turns -0 into +0, and the
            // product by α is exact), in one operation.
            return l.select(positive, x, l.add(m, l.splat(0.0)));
        }
        // expm1(q + dq) = m + dq·(1 + m) (m = ±inf stays).
        let corrected = l.mul_add(dq, l.add(m, l.splat(1.0)), m);
        let m = l.select(l.eq(l.abs(m), l.splat(f32::INFINITY)), m, corrected);
        let negative = l.mul(l.splat(self.alpha), m);
        l.select(positive, x, negative)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let (q, dq) = self.quotient(l, x);
        let (p, n) = exp_rounded_of_sum(l, q, dq);
        let grad = times_exp(l, dy, p, n);
        l.select(l.le(x, l.splat(0.0)), grad, dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        let alpha = l.splat(self.alpha);
        let grad = l.mul(dy, l.div(l.add(y, alpha), alpha));
        l.select(l.le(y, l.splat(0.0)), grad, dy)
    }
}
