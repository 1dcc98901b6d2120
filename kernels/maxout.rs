//! `maxout`: the maximum of each group of `k` consecutive elements.

use crate::kernel::prelude::*;
use crate::rows::RowCall;
use alloc::{format, string::String};

/// Maxout (Goodfellow et al. 2013) over the last dimension: a row of
/// `units·k` elements is split into `units` consecutive groups of `k`, and
/// `y[j] = max(x[j·k .. j·k + k])`.
///
/// A [`Rowwise`] function whose output rows are `k` times shorter: through
/// the slice methods of [`crate::ActivationFn`] the buffer is one row, so
/// `y.len()` must be `x.len() / k` (and `x.len()` a multiple of `k`); the
/// `*_rows` methods take the row length, which must be a multiple of `k`.
/// Anything else is an [`Error::InvalidShape`].
///
/// The maximum is NaN if the group holds a NaN (the first one). Backward
/// routes each `dy[j]` to the first element that attained the maximum (to
/// the first NaN if any); every other `dx` is 0. Not available from the
/// output (`y` does not say which element won), nor in place.
///
/// Vectorized for every `k`: the lanes hold `WIDTH` consecutive groups;
/// for k = 2, 4, 8 split from contiguous loads by `log2 k` rounds of
/// deinterleaving shuffles, otherwise gathered with a stride of `k`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Maxout {
    /// Elements per group (pieces per unit), at least 1.
    pub k: i32,
}

impl Rowwise for Maxout {
    const INFO: Info = Info {
        name: "maxout",
        aliases: &[],
        family: Family::Parametric,
        forward: "y[j] = max(x[j·k .. j·k+k]) along the row",
        backward: "dx[j·k + first argmax] = dy[j], other dx 0",
        params: &[Param {
            name: "k",
            kind: ParamKind::Int,
            default: None,
            doc: "elements per group (>= 1); rows must be a multiple of k",
        }],
        from_output: FromOutput::Never("y does not say which element of a group was the maximum"),
        accuracy: Accuracy::EXACT,
        examples: &[
            "maxout(k=2)",
            "maxout(k=1)",
            "maxout(k=3)",
            "maxout(k=4)",
            "maxout(k=5)",
            "maxout(k=8)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Maxout { k: v[0].int() }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Int(self.k)
    }

    fn validate(&self) -> Result<(), Error> {
        check::<Self>(self.k >= 1, "k", self.k as f32, "must be at least 1")
    }

    fn output_cols(&self, cols: usize) -> Result<usize, String> {
        let k = self.k as usize;
        if cols.is_multiple_of(k) {
            Ok(cols / k)
        } else {
            Err(format!("{cols} is not a whole number of groups of k = {k}"))
        }
    }

    fn supports_inplace(&self) -> bool {
        self.k == 1
    }

    fn run(&self, call: RowCall<'_>) {
        crate::rows::maxout(call, self.k as usize);
    }
}

/// Whether `v` replaces the running maximum `best`: strictly greater, or
/// the first NaN.
#[inline(always)]
fn takes<L: Lanes>(l: L, v: L::F, best: L::F) -> L::M {
    l.or_mask(l.gt(v, best), l.andnot_mask(l.is_nan(v), l.is_nan(best)))
}

/// The maximum and the index of its first occurrence (as f32) of `WIDTH`
/// consecutive groups of `k` starting at `x[0]`.
#[inline(always)]
fn groups<L: Lanes>(l: L, x: &[f32], k: usize) -> (L::F, L::F) {
    if matches!(k, 2 | 4 | 8) {
        return groups_pow2(l, x, k);
    }
    let (mut best, mut index) = (l.load_strided(x, k), l.splat(0.0));
    for t in 1..k {
        take(l, l.load_strided(&x[t..], k), t, &mut best, &mut index);
    }
    (best, index)
}

/// Takes `v` (element `t` of each group) into the running maximum.
#[inline(always)]
fn take<L: Lanes>(l: L, v: L::F, t: usize, best: &mut L::F, index: &mut L::F) {
    let m = takes(l, v, *best);
    *best = l.select(m, v, *best);
    *index = l.select(m, l.splat(t as f32), *index);
}

/// Vector `i` of `x`.
#[inline(always)]
fn at<L: Lanes>(l: L, x: &[f32], i: usize) -> L::F {
    l.load(&x[i * L::WIDTH..(i + 1) * L::WIDTH])
}

/// [`groups`] for k = 2, 4, 8: `k` contiguous loads split into the `k`
/// strided vectors by `log2 k` rounds of [`Lanes::deinterleave`] (gathers
/// are slow on many x86 CPUs).
#[inline(always)]
fn groups_pow2<L: Lanes>(l: L, x: &[f32], k: usize) -> (L::F, L::F) {
    let mut t = [l.splat(0.0); 8];
    match k {
        2 => {
            (t[0], t[1]) = l.deinterleave(at(l, x, 0), at(l, x, 1));
        }
        4 => {
            let (e0, o0) = l.deinterleave(at(l, x, 0), at(l, x, 1));
            let (e1, o1) = l.deinterleave(at(l, x, 2), at(l, x, 3));
            (t[0], t[2]) = l.deinterleave(e0, e1);
            (t[1], t[3]) = l.deinterleave(o0, o1);
        }
        _ => {
            let (e0, o0) = l.deinterleave(at(l, x, 0), at(l, x, 1));
            let (e1, o1) = l.deinterleave(at(l, x, 2), at(l, x, 3));
            let (e2, o2) = l.deinterleave(at(l, x, 4), at(l, x, 5));
            let (e3, o3) = l.deinterleave(at(l, x, 6), at(l, x, 7));
            let (ee0, eo0) = l.deinterleave(e0, e1);
            let (ee1, eo1) = l.deinterleave(e2, e3);
            let (oe0, oo0) = l.deinterleave(o0, o1);
            let (oe1, oo1) = l.deinterleave(o2, o3);
            (t[0], t[4]) = l.deinterleave(ee0, ee1);
            (t[2], t[6]) = l.deinterleave(eo0, eo1);
            (t[1], t[5]) = l.deinterleave(oe0, oe1);
            (t[3], t[7]) = l.deinterleave(oo0, oo1);
        }
    }
    let (mut best, mut index) = (t[0], l.splat(0.0));
    for (i, &v) in t[..k].iter().enumerate().skip(1) {
        take(l, v, i, &mut best, &mut index);
    }
    (best, index)
}

/// The same rule for one group, in plain Rust (the tails).
#[inline(always)]
fn group(x: &[f32]) -> (f32, usize) {
    let (mut best, mut index) = (x[0], 0);
    for (t, &v) in x.iter().enumerate().skip(1) {
        if v > best || (v.is_nan() && !best.is_nan()) {
            best = v;
            index = t;
        }
    }
    (best, index)
}

/// `y[j] = max(x[j·k..j·k+k])` for every group of `x` (`y.len()` groups).
#[inline(always)]
pub(crate) fn forward<L: Lanes>(l: L, x: &[f32], y: &mut [f32], k: usize) {
    let (w, n) = (L::WIDTH, y.len());
    let full = n - n % w;
    for g in (0..full).step_by(w) {
        let (best, _) = groups(l, &x[g * k..(g + w) * k], k);
        l.store(best, &mut y[g..g + w]);
    }
    for g in full..n {
        y[g] = group(&x[g * k..g * k + k]).0;
    }
}

/// `dx` of every group of `x`: `dy[j]` at its first maximum, 0 elsewhere.
#[inline(always)]
pub(crate) fn backward<L: Lanes>(l: L, x: &[f32], dy: &[f32], dx: &mut [f32], k: usize) {
    let (w, n) = (L::WIDTH, dy.len());
    let full = n - n % w;
    let mut index = [0.0f32; 16];
    for g in (0..full).step_by(w) {
        let (_, at) = groups(l, &x[g * k..(g + w) * k], k);
        l.store(at, &mut index[..w]);
        let out = &mut dx[g * k..(g + w) * k];
        out.fill(0.0);
        for (i, &t) in index[..w].iter().enumerate() {
            out[i * k + t as usize] = dy[g + i];
        }
    }
    for g in full..n {
        let out = &mut dx[g * k..g * k + k];
        out.fill(0.0);
        out[group(&x[g * k..g * k + k]).1] = dy[g];
    }
}
