//! `hardsigmoid`: x <= -3 ? 0 : x >= 3 ? 1 : x/6 + 1/2.

use crate::kernel::prelude::*;

/// Hard sigmoid: `x <= -3 ? 0 : x >= 3 ? 1 : x/6 + 1/2`, NaN propagating.
///
/// Computed as PyTorch does, `min(max(x + 3, 0), 6) / 6`, so the values are
/// PyTorch's bit for bit; `x + 3` may round, so the result is within 1 ULP
/// of the exact value. Backward `(-3 < x < 3) ? dy/6 : 0`. No backward from
/// the output: `y` rounds to exactly 0 or 1 just inside the kinks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hardsigmoid;

impl Elementwise for Hardsigmoid {
    const INFO: Info = Info {
        name: "hardsigmoid",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "x <= -3 ? 0 : x >= 3 ? 1 : x/6 + 1/2",
        backward: "(-3 < x < 3) ? dy/6 : 0",
        params: &[],
        from_output: FromOutput::Never(
            "y rounds to exactly 0 or 1 just inside -3 and 3, so it does not tell whether the gradient is 0",
        ),
        accuracy: Accuracy::ulps(1, 0),
        examples: &["hardsigmoid"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Hardsigmoid
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("hardsigmoid has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let shifted = l.add(x, l.splat(3.0));
        let clamped = l.min(l.splat(6.0), l.max(l.splat(0.0), shifted));
        // clamped/6, correctly rounded without a division (Markstein: q
        // within an ulp and 1/6 correctly rounded make the corrected
        // quotient the rounded one; clamped >= 2^-22 or 0, so nothing
        // underflows).
        let sixth = l.splat(1.0 / 6.0);
        let q = l.mul(clamped, sixth);
        let residual = l.mul_add(l.neg(q), l.splat(6.0), clamped);
        l.mul_add(residual, sixth, q)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let inside = l.and_mask(l.gt(x, l.splat(-3.0)), l.lt(x, l.splat(3.0)));
        l.select(inside, l.div(dy, l.splat(6.0)), l.splat(0.0))
    }
}
