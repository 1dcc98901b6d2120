//! The lane math of APL (adaptive piecewise linear units, Agostinelli et
//! al. 2014) with `S` hinges per channel; the typed API is [`crate::Apl`].
//!
//! `y = max(0, x) + Σ_s a_s·max(0, b_s - x)`, with `b_s - x` exact and the
//! sum in f64, rounded once. `dx = (x <= 0 ? 0 : dy) - Σ_{x < b_s} a_s·dy`
//! (relu's rule at 0, so NaN passes `dy`; a hinge is active where
//! `b_s - x > 0`). Gradients: `da_s = Σ max(0, b_s - x)·dy`,
//! `db_s = a_s·Σ_{x < b_s} dy`, summed in f64.

use crate::channels::{ChannelMath, Wide};
use crate::kernel::prelude::*;

/// APL's lane math with `S` hinges; parameters `a_0..a_{S-1}` then
/// `b_0..b_{S-1}`, gradient sums `Σ max(0, b_s - x)·dy` then
/// `Σ_{x < b_s} dy` per hinge.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AplMath<const S: usize>;

#[inline(always)]
fn forward<L: Lanes, const S: usize, const P: usize>(l: L, x: L::F, p: &[L::F; P]) -> L::F {
    let zero = l.splat(0.0);
    let (mut s0, mut s1) = l.widen(l.max(zero, x));
    for s in 0..S {
        let (a, b) = (p[s], p[S + s]);
        // Active hinges with a nonzero slope: a·(b - x), with x moved to b
        // elsewhere so the term is exactly 0 (no 0·inf).
        let on = l.andnot_mask(l.gt(b, x), l.eq(a, zero));
        let (x0, x1) = l.widen(l.select(on, x, b));
        let (b0, b1) = l.widen(b);
        let (a0, a1) = l.widen(a);
        s0 = l.add_d(s0, l.mul_d(a0, l.sub_d(b0, x0)));
        s1 = l.add_d(s1, l.mul_d(a1, l.sub_d(b1, x1)));
    }
    l.narrow(s0, s1)
}

#[inline(always)]
fn backward<L: Lanes, const S: usize, const P: usize>(
    l: L,
    x: L::F,
    dy: L::F,
    p: &[L::F; P],
) -> (L::F, [Wide<L>; P]) {
    let zero = l.splat(0.0);
    let (mut k0, mut k1) = l.widen(l.select(l.le(x, zero), zero, l.splat(1.0)));
    let (g0, g1) = l.widen(dy);
    let mut terms = [(l.splat_d(0.0), l.splat_d(0.0)); P];
    for s in 0..S {
        let (a, b) = (p[s], p[S + s]);
        let on = l.gt(b, x);
        let (a0, a1) = l.widen(l.select(on, a, zero));
        k0 = l.sub_d(k0, a0);
        k1 = l.sub_d(k1, a1);
        let (x0, x1) = l.widen(l.select(on, x, b));
        let (b0, b1) = l.widen(b);
        let (d0, d1) = l.widen(l.select(on, dy, zero));
        terms[s] = (l.mul_d(l.sub_d(b0, x0), d0), l.mul_d(l.sub_d(b1, x1), d1));
        terms[S + s] = (d0, d1);
    }
    (l.narrow(l.mul_d(k0, g0), l.mul_d(k1, g1)), terms)
}

macro_rules! hinges {
    ($($s:literal => $p:literal),*) => {$(
        impl ChannelMath<$p, $p> for AplMath<$s> {
            #[inline(always)]
            fn forward<L: Lanes>(&self, l: L, x: L::F, p: &[L::F; $p]) -> L::F {
                forward::<L, $s, $p>(l, x, p)
            }

            #[inline(always)]
            fn backward<L: Lanes>(
                &self,
                l: L,
                x: L::F,
                dy: L::F,
                p: &[L::F; $p],
            ) -> (L::F, [Wide<L>; $p]) {
                backward::<L, $s, $p>(l, x, dy, p)
            }

            fn finish(&self, p: &[f32; $p], sums: &[f64; $p]) -> [f32; $p] {
                core::array::from_fn(|i| {
                    if i < $s {
                        sums[i] as f32
                    } else {
                        (p[i - $s] as f64 * sums[i]) as f32
                    }
                })
            }
        }
    )*};
}

hinges!(1 => 2, 2 => 4, 3 => 6, 4 => 8, 5 => 10, 6 => 12, 7 => 14, 8 => 16);
