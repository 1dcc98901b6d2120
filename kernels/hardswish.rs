//! `hardswish`: x <= -3 ? 0 : x >= 3 ? x : x(x+3)/6.

use crate::kernel::prelude::*;

/// Hard swish: `x <= -3 ? 0 : x >= 3 ? x : x·(x+3)/6`, NaN propagating.
///
/// Between the kinks `x·(x+3)/6` is evaluated in f64 and rounded once, so
/// the result is the correctly rounded value (PyTorch's three f32 roundings
/// are up to 2 ULP off); outside them it is exactly 0 or `x` (PyTorch's
/// `x·6/6` can be an ULP off, or overflow for huge `x`). The backward's
/// `x/3 + 1/2` cancels near `x = -1.5`, so it is also evaluated in f64. Backward `x <= -3 ? 0 : x < 3 ? dy·(x/3 + 1/2) : dy`, as
/// SPEC.md fixes the kinks. No backward from the output: hardswish is not
/// monotonic for `x` in (-3, -1.5).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hardswish;

impl Elementwise for Hardswish {
    const INFO: Info = Info {
        name: "hardswish",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "x <= -3 ? 0 : x >= 3 ? x : x(x+3)/6",
        backward: "x <= -3 ? 0 : x < 3 ? dy(x/3+1/2) : dy",
        params: &[],
        from_output: FromOutput::Never(
            "hardswish is not monotonic on (-3, -1.5), so y does not determine x",
        ),
        accuracy: Accuracy::ulps(1, 1),
        examples: &["hardswish"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Hardswish
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("hardswish has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let three = l.splat(3.0);
        let (lo, hi) = l.widen(x);
        // A function, not a closure: see math::poly::pow2_of_int.
        #[inline(always)]
        fn middle<L: Lanes>(l: L, x: L::D) -> L::D {
            l.mul_d(l.mul_d(x, l.add_d(x, l.splat_d(3.0))), l.splat_d(1.0 / 6.0))
        }
        let middle = l.narrow(middle(l, lo), middle(l, hi));
        let upper = l.select(l.ge(x, three), x, middle);
        let y = l.select(l.le(x, l.splat(-3.0)), l.splat(0.0), upper);
        l.select(l.is_nan(x), x, y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let three = l.splat(3.0);
        // dy·(x/3 + 1/2) = dy·(x + 1.5)/3, in f64.
        let ((x_lo, x_hi), (dy_lo, dy_hi)) = (l.widen(x), l.widen(dy));
        #[inline(always)]
        fn middle<L: Lanes>(l: L, x: L::D, dy: L::D) -> L::D {
            let slope = l.mul_d(l.add_d(x, l.splat_d(1.5)), l.splat_d(1.0 / 3.0));
            l.mul_d(dy, slope)
        }
        let middle = l.narrow(middle(l, x_lo, dy_lo), middle(l, x_hi, dy_hi));
        let upper = l.select(l.lt(x, three), middle, dy);
        l.select(l.le(x, l.splat(-3.0)), l.splat(0.0), upper)
    }
}
