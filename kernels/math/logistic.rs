//! The logistic function σ(x) = 1/(1 + e^-x), its products and its slope,
//! for sigmoid, silu, gelu's tanh form, tanh's backward, silu's backward
//! and the gradients of logsigmoid and softplus.
//!
//! Two routes. [`sigmoid`] takes `e = e^-|x|` (never overflows): `1/(1+e)`
//! for `x >= 0` and `e/(1+e)` for `x < 0`, with `e` and `1 + e` carried as
//! unevaluated sums, the power of two of `e` applied last and the quotient
//! corrected: within 1 ULP. [`over_one_plus_exp`] (and the
//! `sigmoid_one_quotient` functions built on it) writes `f/(1 + e^z)` as
//! `(f/(2^m + e^r))·2^m` from `e^z = 2^-m·e^r`: one rounded quotient and
//! no select between the two signs, within 2 ULP over every f32 through
//! the kernels that use it (sigmoid, silu, gelu's tanh form), at about 45%
//! of [`sigmoid`]'s time. NaN propagates; σ(±inf) = 1, 0.

use super::exp::{exp_parts2_of_minus_abs, expm1_reduced_plus, reduce, reduce_negated};
use super::poly::{rough_reciprocal, Pow2};
use crate::kernel::prelude::*;

/// σ(x) within 1 ULP, for silu's backward, which adds a product to it
/// under a tight bound.
#[inline(always)]
pub fn sigmoid<L: Lanes>(l: L, x: L::F) -> L::F {
    let negative = l.lt(x, l.splat(0.0));
    let (ph, pl, n) = exp_parts2_of_minus_abs(l, x);
    from_exp_parts(l, negative, ph, pl, n)
}

/// σ(x) within 2 ULP: one rounded quotient `1/(1 + e^-x)`
/// ([`over_one_plus_exp`] with `f = 1`), the same for both signs of `x`.
///
/// [`sigmoid`] without its correction: 2 ULP at most over every f32 (1
/// for [`sigmoid`]), in less than half the time (0.28 -> 0.12 ns per
/// element at 64K on one Zen 5 core with AVX-512). The sigmoid kernel's
/// forward uses it; silu's backward, which adds a product to σ under a
/// tight bound, keeps the 1 ULP [`sigmoid`].
#[inline(always)]
pub fn sigmoid_one_quotient<L: Lanes>(l: L, x: L::F) -> L::F {
    sigmoid_one_quotient_of_sum(l, x, l.splat(0.0))
}

/// σ(x + dx) as one rounded quotient: [`sigmoid_one_quotient`] of an
/// argument given as an unevaluated sum (`dx` a rounding error of `x`,
/// folded into the exponential's reduced argument). For softplus's
/// backward, whose bound of 4 ULP leaves room for σ's 2 plus the product
/// with `dy`.
#[inline(always)]
pub fn sigmoid_one_quotient_of_sum<L: Lanes>(l: L, x: L::F, dx: L::F) -> L::F {
    // -x in [-80, 110]: beyond, σ rounds to 1 (x above 80) or to 0 (below
    // -110) whatever dx is. min and max keep a NaN (their second operand).
    let z = l.min(l.splat(110.0), l.max(l.splat(-80.0), l.neg(x)));
    over_one_plus_exp(l, l.splat(1.0), z, l.neg(dx))
}

/// `f/(1 + e^z) = f·σ(-z)` for `z = zh + zl` (`zl` a rounding error of
/// `zh`) in [-80, 170], as one rounded quotient whatever the sign of `z`:
/// with `e^z = 2^-m·e^r`, `f/(1 + e^z) = (f/(2^m + e^r))·2^m`, the
/// denominator `(e^r - 1) + (2^m + 1)` rounded once
/// ([`expm1_reduced_plus`]; `2^m + 1` is exact for `|m| <= 23`; beyond,
/// its rounding costs up to 2^-24 of `2^m + 1`, which is `2^-24/0.7` of the
/// denominator at worst, at `m = -24`). No select
/// between the two signs; `2^m` is below 2^-149 (so 0) only where `e^r`
/// alone is the denominator to f32 precision, and it stays finite (`m <=
/// 116`) for `z >= -80`, past which `f/(1 + e^z)` is `f` anyway (callers
/// clamp `z` there, not `f`). The scaling applied last lets results in
/// the denormal range round once more at most (a tie of the denormal
/// spacing). Within 2.04 ULP over the unit test's sample; gelu's tanh
/// form, its caller, is within 2 over every f32.
#[inline(always)]
pub fn over_one_plus_exp<L: Lanes>(l: L, f: L::F, zh: L::F, zl: L::F) -> L::F {
    let (m, r) = reduce_negated(l, zh);
    let pow2 = Pow2::new(l, m);
    let c = l.add(pow2.scale(l, l.splat(1.0)), l.splat(1.0));
    let d = expm1_reduced_plus(l, l.add(r, zl), c);
    pow2.scale(l, l.div(f, d))
}

/// `dy·σ'(t)·2^k = dy·e/(1+e)²·2^k` with `e = e^-|t|`, from `at = |t|`,
/// for integral `k` in [0, 8]: sigmoid's backward (`k = 0`) and tanh's
/// (`tanh'(x) = 4σ'(2x)`, `k = 2`).
///
/// `e = p·2^n` with `p` one rounded value ([`expm1_reduced_plus`]) and its
/// power of two applied last, so denormal results round once, and `dy` is
/// halved first so `dy·p` stays finite for |dy| up to f32::MAX. Within 3
/// ULP (the sweeps of sigmoid and tanh, over every f32; `p` as an
/// unrounded pair gave the same maxima at 1.4x the time). Beyond `at` =
/// 170 (the exponential's clamp, `max` keeping a NaN) it is the value at
/// 170, about `dy·2^(k-245)`: below 2^-150, so 0, for |dy| < 2^(95-k).
#[inline(always)]
pub fn times_slope<L: Lanes>(l: L, at: L::F, dy: L::F, k: f32) -> L::F {
    let one = l.splat(1.0);
    // exp::exp_rounded of -at, with the clamp's unneeded upper end left
    // out: through exp_rounded this ran 3-11% slower (one more min).
    let (n, r) = reduce(l, l.max(l.splat(-170.0), l.neg(at)));
    let p = expm1_reduced_plus(l, r, one);
    let e = Pow2::new(l, n).scale(l, p);
    // (1 + e)² = e·(e + 2) + 1, rounded once.
    let d2 = l.mul_add(e, l.add(e, l.splat(2.0)), one);
    // dy·e/(1+e)² with e = (p/2)·2^(n+1).
    let num = l.mul(l.mul(dy, l.splat(0.5)), p);
    Pow2::new(l, l.add(n, l.splat(1.0 + k))).scale(l, l.div(num, d2))
}

/// σ from `e = e^-|x| = (ph + pl)·2^n` and the sign of `x`.
#[inline(always)]
fn from_exp_parts<L: Lanes>(l: L, negative: L::M, ph: L::F, pl: L::F, n: L::F) -> L::F {
    let pow2 = Pow2::new(l, n);
    let y = unscaled(l, negative, ph, pl, &pow2);
    l.select(negative, pow2.scale(l, y), y)
}

/// σ before its final scaling: `1/(1+e)` for `x >= 0`, `σ·2^-n` below.
/// `pl` must lie within half an ULP of `ph` (a normalized pair): the
/// quotient's correction is scaled by a reciprocal good to only 6%.
#[inline(always)]
fn unscaled<L: Lanes>(l: L, negative: L::M, ph: L::F, pl: L::F, pow2: &Pow2<L>) -> L::F {
    let one = l.splat(1.0);
    // One far-tail test for both scalings by 2^n.
    let e = pow2.scale(l, ph);
    // 1 + e exactly, as dh + dl (Fast2Sum: e <= 1).
    let dh = l.add(one, e);
    let dl = l.add(l.sub(one, dh), e);
    // x >= 0: 1/(1+e); x < 0: e/(1+e) = ((ph + pl)/(1+e))·2^n.
    let nh = l.select(negative, ph, one);
    let nl = l.select(negative, pl, l.splat(0.0));
    // (nh + nl)/(dh + dl) = q + (exact remainder + nl - q·dl)/dh; the
    // correction is a few ULPs, so a 6% reciprocal of dh is enough for it.
    let q = l.div(nh, dh);
    let rem = l.add(l.mul_add(l.neg(q), dh, nh), l.mul_add(l.neg(q), dl, nl));
    l.mul_add(rem, rough_reciprocal(l, dh), q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lanes::{binade_sample, map_pairs, on_every_backend, ulps_off, LaneOp};

    /// [`over_one_plus_exp`] against `f/(1 + e^(zh + zl))` in f64, on one
    /// backend: `z` over every binade up to 2^7 of both signs, in [-80,
    /// 170] (results from `f` down to the denormal range and to zero), `zl`
    /// a rounding error of `zh` (2^-26 of it), `f` spread over several
    /// binades of both signs; within 2.5 ULP (2.04 seen: the quotient's half
    /// ULP, the denominator's rounding, and where `2^m + 1` drops `2^m =
    /// 2^-24`, that too).
    #[derive(Clone, Copy)]
    struct OverOnePlusExpAgainstF64;

    impl LaneOp for OverOnePlusExpAgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let z: Vec<f32> = binade_sample(-30..=6, 1024, true)
                .into_iter()
                .map(|z| z.clamp(-80.0, 170.0))
                .collect();
            // f over 2^-3..2^3, a third of it negative.
            let f: Vec<f32> = (0..z.len())
                .map(|i| {
                    let sign = if i % 3 == 0 { -1.0 } else { 1.0 };
                    let mantissa = 1.0 + (i as f64 * 0.414_214).fract();
                    (sign * mantissa * 2f64.powi(i as i32 % 7 - 3)) as f32
                })
                .collect();
            let low = |zh: L::F| l.mul(zh, l.splat(2f32.powi(-26)));
            let (y, _) = map_pairs(l, &z, &f, |z, f| (over_one_plus_exp(l, f, z, low(z)), z));
            let mut worst = 0.0f64;
            for i in 0..z.len() {
                let zi = z[i] as f64 * (1.0 + 2f64.powi(-26));
                let want = f[i] as f64 / (1.0 + zi.exp());
                let err = ulps_off(y[i], want);
                assert!(
                    err < 2.5,
                    "off by {err} ULP at z = {:e}, f = {:e}",
                    z[i],
                    f[i]
                );
                worst = worst.max(err);
            }
            // Not exact everywhere: the test sees real rounding errors.
            assert!(worst > 0.5, "worst {worst}");
        }
    }

    #[test]
    fn over_one_plus_exp_matches_f64() {
        on_every_backend(OverOnePlusExpAgainstF64);
    }
}
