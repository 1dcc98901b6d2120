//! `selu`: scale·(x > 0 ? x : α(e^x - 1)) with Klambauer et al.'s constants.

use super::math::exact::times_pair;
use super::math::exp::{exp_rounded, expm1_of_nonpositive};
use super::math::gradient::tame;
use super::math::poly::scale_by_pow2;
use crate::kernel::prelude::*;

/// `scale` = 1.0507009873554804934193349852946, as an unevaluated f32 sum.
const SCALE: (f32, f32) = (1.050_701, -3.479_265_2e-8);
/// `scale·alpha` = 1.7580993408473768599402175208123, as an unevaluated f32 sum.
const SCALE_ALPHA: (f32, f32) = (1.758_099_3, 2.329_671_7e-8);

/// Scaled ELU: `scale·x` for `x > 0`, `scale·α·(e^x - 1)` otherwise, with
/// α = 1.6732632423543772848170429916717 and
/// scale = 1.0507009873554804934193349852946 carried to double precision
/// (so the results are the exact function's, not the f32 constants').
///
/// Backward `scale·(x <= 0 ? dy·α·e^x : dy)`; from the output
/// `y <= 0 ? dy·(y + scale·α) : dy·scale`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Selu;

impl Elementwise for Selu {
    const INFO: Info = Info {
        name: "selu",
        aliases: &[],
        family: Family::Transcendental,
        forward: "scale·(x > 0 ? x : α(e^x - 1))",
        backward: "scale·(x <= 0 ? dy·α·e^x : dy)",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &["selu"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Selu
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("selu has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let negative = times_pair(l, SCALE_ALPHA, expm1_of_nonpositive(l, x));
        l.select(l.gt(x, l.splat(0.0)), times_pair(l, SCALE, x), negative)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let (p, n) = exp_rounded(l, x);
        // dy·scale·α as a + da exactly (for a huge dy, of dy·2^-64).
        let (tamed, shift) = tame(l, dy);
        let a = l.mul(tamed, l.splat(SCALE_ALPHA.0));
        let da = l.mul_add(tamed, l.splat(SCALE_ALPHA.0), l.neg(a));
        let da = l.mul_add(tamed, l.splat(SCALE_ALPHA.1), da);
        let grad = scale_by_pow2(l, l.mul_add(a, p, l.mul(da, p)), l.add(n, shift));
        l.select(l.le(x, l.splat(0.0)), grad, times_pair(l, SCALE, dy))
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        // y + scale·α: the high part cancels exactly near saturation.
        let shifted = l.add(l.add(y, l.splat(SCALE_ALPHA.0)), l.splat(SCALE_ALPHA.1));
        let grad = l.mul(dy, shifted);
        l.select(l.le(y, l.splat(0.0)), grad, times_pair(l, SCALE, dy))
    }
}
