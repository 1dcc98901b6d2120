//! `bent_identity`: (√(x² + 1) - 1)/2 + x.

use crate::kernel::prelude::*;

/// Bent identity `(√(x²+1) - 1)/2 + x`.
///
/// Written without cancellation: `x + x²/(2(s + 1))` with `s = √(x²+1)` for
/// `x >= -1`, and `(x - 1 + 1/(s - x))/2` below (using
/// `s + x = 1/(s - x)`), with `s = |x|` past 2^32 where `x² + 1` would
/// overflow or round. Backward `dy·(x/(2s) + 1)`. Monotonic, but its inverse
/// is not cheap: no backward from the output.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BentIdentity;

/// `√(x² + 1)`, and `|x|` where that is the f32 result.
#[inline(always)]
fn hypot1<L: Lanes>(l: L, x: L::F) -> L::F {
    let s = l.sqrt(l.mul_add(x, x, l.splat(1.0)));
    l.select(l.gt(l.abs(x), l.splat(4_294_967_296.0)), l.abs(x), s)
}

impl Elementwise for BentIdentity {
    const INFO: Info = Info {
        name: "bent_identity",
        aliases: &[],
        family: Family::Transcendental,
        forward: "(√(x²+1) - 1)/2 + x",
        backward: "dy·(x/(2√(x²+1)) + 1)",
        params: &[],
        from_output: FromOutput::Never("its inverse has no cheap closed form here"),
        accuracy: Accuracy::ulps(2, 4),
        examples: &["bent_identity"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        BentIdentity
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("bent_identity has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let one = l.splat(1.0);
        let s = hypot1(l, x);
        let ax = l.abs(x);
        // One division for both sides: 1/(s + |x|) below -1, |x|/(s + 1)
        // above.
        let below = l.lt(x, l.splat(-1.0));
        let q = l.div(l.select(below, one, ax), l.add(s, l.select(below, ax, one)));
        // x²/(2(s+1)) as (|x|·(|x|/(s+1)))/2: no overflow.
        let upper = l.add(x, l.mul(l.mul(ax, q), l.splat(0.5)));
        let lower = l.mul(l.splat(0.5), l.add(l.sub(x, one), q));
        let y = l.select(below, lower, upper);
        // ±inf: the formulas give NaN (inf/inf, inf - inf); the limit is x.
        l.select(l.eq(ax, l.splat(f32::INFINITY)), x, y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let s = hypot1(l, x);
        let slope = l.mul_add(l.div(x, s), l.splat(0.5), l.splat(1.0));
        // ±inf: x/s is NaN; the limit of the slope is 1.5 or 0.5.
        let limit = l.select(l.gt(x, l.splat(0.0)), l.splat(1.5), l.splat(0.5));
        let slope = l.select(l.eq(l.abs(x), l.splat(f32::INFINITY)), limit, slope);
        l.mul(dy, slope)
    }
}
