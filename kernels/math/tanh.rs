//! `tanh x` on lanes, and its complement `1 - tanh|x|` as an exact-ish
//! pair for the kernels that need more than the rounded value (tanhshrink
//! `|x| - 1 + q`).
//!
//! [`tanh`] is one formula for every `x`: `tanh|x| = -u/(2 + u)` with
//! `u = e^-2|x| - 1`, from the exponential's reduction `e^-2|x| =
//! 2^n·(1 + m)` as `-u = (1 - 2^n) - 2^n·m` and `2 + u = (1 + 2^n) +
//! 2^n·m` (`1 ± 2^n` exact, each rounded once), so near 0 `u` keeps its
//! relative accuracy (`n = 0`: `-u = -m`) and no branch is needed. `|x|` is
//! capped at 9.1, where tanh rounds to 1, so the reduction needs no clamp.
//! Within 2 ULP (it was 1 with a polynomial branch below 0.55 and
//! `1 - 2/(1 + e^2|x|)` above, at 1.4x the time).
//!
//! The pair functions split at `|x| = 0.55`: below, an odd minimax
//! polynomial `x + x³·P(x²)` (the `x³` term is at most a tenth of the
//! result, so its rounding hardly shows); above, `tanh|x| = 1 - q`,
//! `q = 2e/(1+e) <= 1/2` with `e = e^-2|x|` (never overflows), so `1 - q`
//! does not cancel. [`tanh_complement`] keeps `e`, `1 + e` and `q` as pairs
//! for callers that need `q` itself to relative accuracy or `tanh` beyond
//! f32. Saturates to ±1 beyond |x| = 9.1; NaN propagates; the sign of zero
//! is kept.
//!
//! Accuracy (measured over every f32 through the `tanh` and `tanhshrink`
//! kernels): [`tanh`] within 2 ULP of the correctly rounded result;
//! [`tanh_complement`] within 2^-24 relative (2^-25 from `e`, the rest from
//! the quotient).

use super::dd::{div_dd, fast_two_sum};
use super::exp::{exp_parts2, exp_parts_of_minus_twice};
use super::poly::{horner, pow2i};
use crate::kernel::prelude::*;

/// `P` with `tanh x = x + x³·P(x²)` on `|x| <= 0.5625`; relative error of
/// the fit 2^-24 (`tools/polyfit.py tanh_core`).
const P: [f32; 5] = [
    -0.333_333_3,
    0.133_330_33,
    -0.053_894_3,
    0.021_220_65,
    -0.006_450_422_6,
];

/// Below this `|x|` the polynomial is used.
pub const SMALL: f32 = 0.55;

/// [`tanh`] treats `|x|` above this as this: tanh is 1 - 2.5e-8 there,
/// which rounds to 1 (and `2^n` stays at or above 2^-27).
const SATURATE: f32 = 9.1;

/// `(q0, q1, n)` with `1 - tanh(ax) = 2e/(1+e) = (q0 + q1)·2^n`,
/// `e = e^(-2·ax)`, for `ax >= 0` (any, also +inf: then `q0·2^n` is below
/// 2^-149). `q0` is within 1.5 ULP of the unscaled quotient, `q0 + q1` within
/// 2^-24 relative. Also returns `s = 2^max(n, -126)`: `q0·s` is the scaled
/// value wherever it is not negligible next to 1.
#[inline(always)]
pub fn tanh_complement<L: Lanes>(l: L, ax: L::F) -> (L::F, L::F, L::F, L::F) {
    let (ph, pl, n) = exp_parts2(l, l.mul(ax, l.splat(-2.0)));
    complement_from_exp(l, ph, pl, n)
}

/// [`tanh_complement`] from `e^(-2·ax) = (ph + pl)·2^n`.
#[inline(always)]
fn complement_from_exp<L: Lanes>(l: L, ph: L::F, pl: L::F, n: L::F) -> (L::F, L::F, L::F, L::F) {
    let one = l.splat(1.0);
    // e = (ph + pl)·2^n; below 2^-126 only 1 + e = 1 matters, so the
    // scale is capped to stay exact and normal.
    let s = pow2i(l, l.max(n, l.splat(-126.0)));
    let (eh, el) = (l.mul(ph, s), l.mul(pl, s));
    // 1 + e as dh + dl (Fast2Sum: e <= 1).
    let (dh, dl) = fast_two_sum(l, one, eh);
    let dl = l.add(dl, el);
    let (q0, q1) = div_dd(l, l.add(ph, ph), l.add(pl, pl), dh, dl);
    (q0, q1, n, s)
}

/// `tanh(ax)` for `ax >= 0` as a pair `th + tl` (to about 2^-27 relative;
/// `th` is the f32 result).
#[inline(always)]
pub fn tanh_abs_dd<L: Lanes>(l: L, ax: L::F) -> (L::F, L::F) {
    let one = l.splat(1.0);
    // Small: ax + ax³·P(ax²), the small term rounded once.
    let x2 = l.mul(ax, ax);
    let c = l.mul(l.mul(ax, x2), horner(l, x2, &P));
    let (sh, sl) = fast_two_sum(l, ax, c);
    // Large: 1 - (q0 + q1)·2^n.
    let (q0, q1, _, s) = tanh_complement(l, ax);
    let (bh, bl) = fast_two_sum(l, one, l.neg(l.mul(q0, s)));
    let bl = l.sub(bl, l.mul(q1, s));
    let small = l.lt(ax, l.splat(SMALL));
    let (th, tl) = (l.select(small, sh, bh), l.select(small, sl, bl));
    // Renormalize so th is the rounded sum.
    fast_two_sum(l, th, tl)
}

/// `x` with the sign bit of `sign` (`|x|` is assumed positive or NaN).
#[inline(always)]
pub fn with_sign_of<L: Lanes>(l: L, x: L::F, sign: L::F) -> L::F {
    let bit = l.and_i(l.to_bits(sign), l.splat_i(i32::MIN));
    l.bits_as_float(l.or_i(l.to_bits(x), bit))
}

/// `(q, s)` with `1 - tanh(ax) ≈ q·s` for `ax` in [0, 9.1] (`s = 2^n`, an
/// exact power of two): `2e/(1+e)` for `e = e^-2ax = s·(1 - v)`
/// ([`exp_parts_of_minus_twice`]) as `2(1 - v)/((1 + s) - s·v)`, each side
/// and the quotient rounded once: within 2.7·2^-24 relative in the unit
/// test (the cheap sibling of [`tanh_complement`]). Above 9.1 it gives
/// the value at 9.1 (2.5e-8), which only matters next to a small addend.
#[inline(always)]
pub fn tanh_complement_rounded<L: Lanes>(l: L, ax: L::F) -> (L::F, L::F) {
    let one = l.splat(1.0);
    let (s, v) = exp_parts_of_minus_twice(l, l.min(l.splat(SATURATE), ax));
    let w = l.sub(one, v);
    let d = l.mul_add(l.neg(s), v, l.add(one, s));
    (l.div(l.add(w, w), d), s)
}

/// `tanh x`, within 2 ULP.
#[inline(always)]
pub fn tanh<L: Lanes>(l: L, x: L::F) -> L::F {
    let one = l.splat(1.0);
    let ax = l.abs(x);
    // e^-2|x| = s·(1 - v), s = 2^n, |x| capped.
    let (s, v) = exp_parts_of_minus_twice(l, l.min(l.splat(SATURATE), ax));
    // -u = 1 - e^-2|x| = (1 - s) + s·v and 2 + u = (1 + s) - s·v: 1 ± s is
    // exact for n >= -23 (and rounds harmlessly below), so each side
    // rounds once.
    let nu = l.mul_add(s, v, l.sub(one, s));
    let d = l.mul_add(l.neg(s), v, l.add(one, s));
    // NaN needs no test: min keeps it (its second operand), so the
    // arithmetic carries it through.
    with_sign_of(l, l.div(nu, d), x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lanes::{binade_sample, map_pairs, on_every_backend, LaneOp};

    /// [`tanh_complement_rounded`] against `1 - tanh(ax)` in f64
    /// (`2e/(1 + e)`, `e = e^-2ax`, without cancellation), on one backend:
    /// `ax` over every binade up to 9.1 with spread mantissas; `s` a power
    /// of two and `q·s` within 3·2^-24 relative (2.69·2^-24 seen, the same
    /// as the exponential-pair version this replaced).
    #[derive(Clone, Copy)]
    struct ComplementAgainstF64;

    impl LaneOp for ComplementAgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let ax: Vec<f32> = binade_sample(-149..=3, 2048, false)
                .into_iter()
                .map(|a| a.min(SATURATE))
                .collect();
            let (q, s) = map_pairs(l, &ax, &ax, |a, _| tanh_complement_rounded(l, a));
            let mut worst = 0.0f64;
            for i in 0..ax.len() {
                assert_eq!(s[i].to_bits() & 0x807F_FFFF, 0, "s at ax = {:e}", ax[i]);
                let e = (-2.0 * ax[i] as f64).exp();
                let want = 2.0 * e / (1.0 + e);
                let err = ((q[i] as f64 * s[i] as f64 - want) / want).abs();
                assert!(
                    err <= 3.0 * 2f64.powi(-24),
                    "off by {:.3}·2^-24 at ax = {:e}",
                    err * 2f64.powi(24),
                    ax[i]
                );
                worst = worst.max(err);
            }
            // Not exact everywhere: the test sees real rounding errors.
            assert!(worst > 2f64.powi(-25), "worst {worst:e}");
        }
    }

    #[test]
    fn tanh_complement_rounded_matches_f64() {
        on_every_backend(ComplementAgainstF64);
    }
}
