//! `arctan`: atan x.

use super::math::atan::atan;
use super::math::trig::{cos_tail, sin_tail, PIO2_1, PIO2_2};
use crate::kernel::prelude::*;

/// Arctangent `atan x`, a bounded odd sigmoid-shaped activation.
///
/// Forward: [`atan`] (range reduction `atan x = π/2 - atan(1/x)` above 1,
/// one minimax polynomial). Backward `dy/(1 + x²)`, with `1 + x²` by one
/// fused multiply-add; above `|x| = 2^13`, where the 1 no longer counts and
/// `x²` may overflow while the result is a denormal, `(dy/|x|)/|x|` (taken
/// only when some lane needs it). From the output `dy·cos²y`, with
/// `cos y = sin(π/2 - |y|)` for `|y| > π/4` so the small cosines near
/// `y = ±π/2` keep their relative accuracy.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Arctan;

impl Elementwise for Arctan {
    const INFO: Info = Info {
        name: "arctan",
        aliases: &["atan"],
        family: Family::Transcendental,
        forward: "atan x",
        backward: "dy/(1 + x²)",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &["arctan"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Arctan
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("arctan has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        atan(l, x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let dx = l.div(dy, l.mul_add(x, x, l.splat(1.0)));
        let ax = l.abs(x);
        let big = l.gt(ax, l.splat(8192.0));
        if l.any(big) {
            // 1 + x² = x²(1 + 2^-26 at most): dividing twice by |x| is
            // within 1.3 ULP, never overflows, and rounds denormals right.
            l.select(big, l.div(l.div(dy, ax), ax), dx)
        } else {
            dx
        }
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        let ay = l.abs(y);
        // |y| > π/4: cos y = sin u, u = π/2 - |y| = uh + ul exactly enough
        // (PIO2_1 - |y| is exact there, and |uh| >= |PIO2_2| unless uh = 0,
        // so Fast2Sum gives the rounding error of u).
        let near = l.gt(ay, l.splat(core::f32::consts::FRAC_PI_4));
        let uh = l.sub(l.splat(PIO2_1), ay);
        let u = l.add(uh, l.splat(PIO2_2));
        let ul = l.add(l.sub(uh, u), l.splat(PIO2_2));
        let v = l.select(near, u, y);
        let z = l.mul(v, v);
        // sin u = u + t and cos y = 1 + t, each as a sum hi + lo.
        let t = l.select(
            near,
            l.mul(l.mul(u, z), sin_tail(l, z)),
            l.mul(z, cos_tail(l, z)),
        );
        let base = l.select(near, u, l.splat(1.0));
        let hi = l.add(base, t);
        let lo = l.add(l.add(l.sub(base, hi), t), l.select(near, ul, l.splat(0.0)));
        // cos²y = hi² + 2·hi·lo, rounded once, then times dy.
        let c2 = l.mul_add(hi, hi, l.mul(l.add(hi, hi), lo));
        l.mul(dy, c2)
    }
}
