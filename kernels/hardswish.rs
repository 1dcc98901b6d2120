//! `hardswish`: x <= -3 ? 0 : x >= 3 ? x : x(x+3)/6.

use crate::kernel::prelude::*;

/// 2^64/6 as an unevaluated f32 sum (to about 2^-50): the forward works
/// 2^64 times larger, so the small terms of `x(x+3)/6` do not underflow
/// where the result is near the bottom of the normal range.
const SIXTH_UP: (f32, f32) = (
    (1.0 / 6.0) * TWO_64,
    (1.0f64 / 6.0 - (1.0f32 / 6.0) as f64) as f32 * TWO_64,
);
const TWO_64: f32 = 18_446_744_073_709_551_616.0;

/// Hard swish: `x <= -3 ? 0 : x >= 3 ? x : x·(x+3)/6`, NaN propagating.
///
/// Between the kinks `x·(x+3)/6` is carried exactly in f32 (`x + 3` and
/// the product as unevaluated sums) and divided by 6 as a product with a
/// two-part 1/6, so only the last step rounds visibly: the correctly
/// rounded value for every input but 16, whose values lie within 4e-8 ULP
/// of a midpoint (two on one) and round to its other side; PyTorch's three
/// f32 roundings are up to 2 ULP off. Outside the kinks it is exactly 0 or
/// `x` (PyTorch's `x·6/6` can be an ULP off, or overflow for huge `x`).
///
/// Backward `x <= -3 ? 0 : x < 3 ? dy·(x/3 + 1/2) : dy`, as SPEC.md fixes
/// the kinks; `x/3 + 1/2` cancels near `x = -1.5`, so the middle piece is
/// evaluated in f64 and rounded once. No backward from the output:
/// hardswish is not monotonic for `x` in (-3, -1.5).
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
        // x + 3 = t + t_lo exactly (Fast2Sum: |x| < 3 in the band, and the
        // band is all this value is used for).
        let t = l.add(x, three);
        let t_lo = l.sub(x, l.sub(t, three));
        // x·(t + t_lo) = p + e, e rounded far below p's ulp.
        let p = l.mul(x, t);
        let e = l.mul_add(x, t_lo, l.mul_add(x, t, l.neg(p)));
        // (p + e)·2^64/6, the small terms first, rounded once at the end;
        // the exact 2^-64 after it rounds again only for denormal results.
        let (s0, s1) = (l.splat(SIXTH_UP.0), l.splat(SIXTH_UP.1));
        let small = l.mul_add(p, s1, l.mul(e, s0));
        let middle = l.mul(l.mul_add(p, s0, small), l.splat(1.0 / TWO_64));
        // x >= 3 and NaN fail `x < 3`: they keep x.
        let upper = l.select(l.lt(x, three), middle, x);
        l.zero_where(l.le(x, l.splat(-3.0)), upper)
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
