//! `atan x` on lanes.
//!
//! `atan x = t + t³·A(t²)` with `t = |x|` for `|x| <= 1`, and
//! `π/2 - atan(1/|x|)` above (π/2 in two f32 parts, the low one added
//! first), then the sign of `x`. `A` is a degree-8 minimax fit on [0, 1]
//! (`tools/polyfit.py atan_core`, relative error 1.7e-8).
//!
//! Accuracy (measured through `arctan` by `cargo run --release --
//! accuracy`): within 2 ULP of the correctly rounded result for every f32;
//! `±inf` gives `±π/2` rounded, `-0` gives `-0`, NaN propagates.

use super::poly::horner;
use super::trig::{PIO2_1, PIO2_2};
use crate::kernel::prelude::*;

/// `A(z)` with `atan t = t + t³·A(t²)` on [0, 1].
const A: [f32; 8] = [
    -0.333_331_53,
    0.199_937_69,
    -0.142_110_24,
    0.106_658_93,
    -0.075_519_934,
    0.043_209_426,
    -0.016_366_52,
    0.002_920_359_8,
];

/// `atan x`.
#[inline(always)]
pub fn atan<L: Lanes>(l: L, x: L::F) -> L::F {
    let one = l.splat(1.0);
    let ax = l.abs(x);
    let big = l.gt(ax, one);
    let t = l.select(big, l.div(one, ax), ax);
    let z = l.mul(t, t);
    let a = l.mul_add(l.mul(t, z), horner(l, z, &A), t);
    // π/2 - a, with the low part of π/2 taken in first.
    let y = l.select(big, l.add(l.splat(PIO2_1), l.sub(l.splat(PIO2_2), a)), a);
    // The sign of x (also of -0 and NaN).
    let sign = l.and_i(l.to_bits(x), l.splat_i(i32::MIN));
    l.bits_as_float(l.or_i(l.to_bits(y), sign))
}
