//! The lane math of SReLU (S-shaped ReLU, Jin et al. 2016) with per-channel
//! parameters; the typed API is [`crate::Srelu`].
//!
//! `y = x >= t_r ? t_r + a_r(x - t_r) : x <= t_l ? t_l + a_l(x - t_l) : x`,
//! each outer piece evaluated in f64 and rounded once (correctly rounded
//! but for f64's own rounding). `dx = x >= t_r ? a_r·dy : x <= t_l ?
//! a_l·dy : dy`; the parameter gradients are `Σ (1 - a)·dy` and
//! `Σ (x - t)·dy` over each piece, summed in f64.

use crate::channels::{ChannelMath, Wide};
use crate::kernel::prelude::*;

/// SReLU's lane math (parameters in the order t_left, a_left, t_right,
/// a_right).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SreluMath;

/// `t + a·(x - t)` in f64, rounded once; `a = 0` gives `t` (also at ±inf).
#[inline(always)]
fn piece<L: Lanes>(l: L, x: L::F, t: L::F, a: L::F) -> L::F {
    let (x0, x1) = l.widen(x);
    let (t0, t1) = l.widen(t);
    let (a0, a1) = l.widen(a);
    let y = l.narrow(
        l.add_d(t0, l.mul_d(a0, l.sub_d(x0, t0))),
        l.add_d(t1, l.mul_d(a1, l.sub_d(x1, t1))),
    );
    l.select(l.eq(a, l.splat(0.0)), t, y)
}

/// Terms of one piece: `dy` and `(x - t)·dy` where `m`, else 0 (`x` is
/// replaced by `t` elsewhere, so `x - t` is exactly 0 there).
#[inline(always)]
fn terms<L: Lanes>(l: L, x: L::F, dy: L::F, m: L::M, t: L::F) -> (Wide<L>, Wide<L>) {
    let (g0, g1) = l.widen(l.select(m, dy, l.splat(0.0)));
    let (x0, x1) = l.widen(l.select(m, x, t));
    let (t0, t1) = l.widen(t);
    (
        (g0, g1),
        (l.mul_d(l.sub_d(x0, t0), g0), l.mul_d(l.sub_d(x1, t1), g1)),
    )
}

impl ChannelMath<4, 4> for SreluMath {
    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F, p: &[L::F; 4]) -> L::F {
        let [tl, al, tr, ar] = *p;
        let right = l.ge(x, tr);
        let left = l.andnot_mask(l.le(x, tl), right);
        let y = l.select(left, piece(l, x, tl, al), x);
        l.select(right, piece(l, x, tr, ar), y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F, p: &[L::F; 4]) -> (L::F, [Wide<L>; 4]) {
        let [tl, al, tr, ar] = *p;
        let right = l.ge(x, tr);
        let left = l.andnot_mask(l.le(x, tl), right);
        let dx = l.select(right, l.mul(ar, dy), l.select(left, l.mul(al, dy), dy));
        let (gl, xl) = terms(l, x, dy, left, tl);
        let (gr, xr) = terms(l, x, dy, right, tr);
        (dx, [gl, xl, gr, xr])
    }

    fn finish(&self, p: &[f32; 4], s: &[f64; 4]) -> [f32; 4] {
        let [_, al, _, ar] = *p;
        [
            ((1.0 - al as f64) * s[0]) as f32,
            s[1] as f32,
            ((1.0 - ar as f64) * s[2]) as f32,
            s[3] as f32,
        ]
    }
}
