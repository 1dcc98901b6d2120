//! `elu`: x > 0 ? x : α(e^x - 1).

use super::math::exp::{exp_rounded, expm1_of_nonpositive};
use super::math::gradient::tame;
use super::math::poly::scale_by_pow2;
use crate::kernel::prelude::*;

/// Exponential linear unit: `x > 0 ? x : α·(e^x - 1)` with `expm1`, so it
/// keeps its relative accuracy near 0.
///
/// Backward `x <= 0 ? dy·α·e^x : dy` (PyTorch's kink: the gradient at 0 is
/// `dy·α`); from the output `y <= 0 ? dy·(y + α) : dy`, available for
/// `alpha >= 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Elu {
    /// The negative saturation value is `-alpha`; finite.
    pub alpha: f32,
}

impl Default for Elu {
    fn default() -> Self {
        Elu { alpha: 1.0 }
    }
}

impl Elementwise for Elu {
    const INFO: Info = Info {
        name: "elu",
        aliases: &[],
        family: Family::Transcendental,
        forward: "x > 0 ? x : α(e^x - 1)",
        backward: "x <= 0 ? dy·α·e^x : dy; from y: y <= 0 ? dy(y + α) : dy",
        params: &[Param::float(
            "alpha",
            1.0,
            "saturation for x -> -inf (finite)",
        )],
        from_output: FromOutput::When("alpha >= 0"),
        accuracy: Accuracy::ulps(2, 4),
        examples: &["elu", "elu(alpha=0.5)", "elu(alpha=-0.7)"],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Elu {
            alpha: v[0].float(),
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.alpha)
    }

    fn validate(&self) -> Result<(), Error> {
        check::<Self>(
            self.alpha.is_finite(),
            "alpha",
            self.alpha,
            "must be finite",
        )
    }

    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        if self.alpha >= 0.0 {
            Ok(())
        } else {
            Err("with alpha < 0, y > 0 also for x < 0")
        }
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let negative = l.mul(l.splat(self.alpha), expm1_of_nonpositive(l, x));
        l.select(l.gt(x, l.splat(0.0)), x, negative)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let (p, n) = exp_rounded(l, x);
        let (tamed, shift) = tame(l, dy);
        let a = l.mul(tamed, l.splat(self.alpha));
        let grad = scale_by_pow2(l, l.mul(a, p), l.add(n, shift));
        l.select(l.le(x, l.splat(0.0)), grad, dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        let grad = l.mul(dy, l.add(y, l.splat(self.alpha)));
        l.select(l.le(y, l.splat(0.0)), grad, dy)
    }
}
