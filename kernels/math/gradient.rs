//! Incoming gradients as large as f32 allows.
//!
//! Backward passes are linear in `dy`. Some form `dy` times a factor above
//! 1 (`α·e^x` as a mantissa in [0.7, 1.42] before its power of two,
//! `-2x`, a numerator over `(1 + e)²`) and overflow to infinity, or meet a
//! zero and give NaN, where the true result is finite. For such a `dy`
//! they run on `dy·2^-64` instead and add 64 to the power of two they
//! apply last (or scale the result by 2^64): exact (a `dy` that large has
//! no bits to lose), and the lanes with an ordinary `dy` add 0, so their
//! bits do not change.

use super::poly::scale_by_pow2;
use crate::kernel::prelude::*;

/// Above this `|dy|` (2^64, exactly) a lane runs scaled.
const HUGE: f32 = 1.844_674_4e19;

/// `(dy', shift)` with `dy = dy'·2^shift`: `dy·2^-64` and 64 on lanes with
/// `|dy| > 2^64`, `dy` and 0 elsewhere.
#[inline(always)]
pub fn tame<L: Lanes>(l: L, dy: L::F) -> (L::F, L::F) {
    let huge = l.gt(l.abs(dy), l.splat(HUGE));
    (
        l.select(huge, l.mul(dy, l.splat(1.0 / HUGE)), dy),
        l.select(huge, l.splat(64.0), l.splat(0.0)),
    )
}

/// `dy·p·2^n` for `e = p·2^n` as [`super::exp::exp_rounded`] gives it:
/// the product rounded once before the power of two (so results down to
/// the denormals round once more at most), and finite wherever the true
/// product is, for any finite `dy`.
#[inline(always)]
pub fn times_exp<L: Lanes>(l: L, dy: L::F, p: L::F, n: L::F) -> L::F {
    let (dy, shift) = tame(l, dy);
    // Past 2^254 (scale_by_pow2's range) the product overflows anyway: a
    // tamed dy is at least 1 and p at least 0.7.
    let n = l.min(l.add(n, shift), l.splat(254.0));
    scale_by_pow2(l, l.mul(dy, p), n)
}
