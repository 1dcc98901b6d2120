//! `softmax` and `log_softmax` along the last dimension (rows).
//!
//! The lane math of each phase lives here; `src/rows.rs` runs the phases
//! over rows and, for few long rows, over segments of a row in parallel.
//! Every reduction uses the fixed layout of `src/reduce.rs`, so results are
//! identical on every backend and thread count.
//!
//! Forward, per row: the maximum `m`; then, in f64, `S' = Σ e^(x-m)` over
//! the elements below the maximum and the count `K` of elements equal to
//! it (each contributing exactly 1), with `x - m` carried exactly as
//! `hi + lo` and `e^(x-m)` rounded once (softmax stores it in `y`); then
//! softmax `y = e^(x-m)/(K + S')` with `1/(K+S')` as an f32 pair, or
//! log_softmax `y = (x - m) - log1p((K-1) + S')` in f64 (no cancellation
//! for the maximum element, whose result is `-log1p(S')` however small).
//!
//! Backward from the output: softmax `dx = y·(dy - Σdy·y)`, log_softmax
//! `dx = dy - e^y·Σdy`, with the sums exact (f64 double-double of exact
//! products) and the last step in f64 (`e^y` from
//! [`super::math::exp_wide`]), so cancellation costs no accuracy. Backward
//! from the input recomputes the probabilities in f64 from `x`, and
//! centres softmax's sum on the `dy` of the row's maximum (`Σ(dy-c)·y`
//! with `Σy = 1` used exactly), so a constant `dy` gives exactly 0 and a
//! probability within 1e-17 of 1 costs no accuracy.
//!
//! Special rows follow PyTorch: any NaN, or any `+inf`, makes the whole
//! row NaN; a row of only `-inf` is NaN; `-inf` elements of other rows give
//! 0 (softmax) and `-inf` (log_softmax).

use super::math::exp::exp_parts2;
use super::math::exp_wide::exp_wide;
use super::math::poly::scale_by_pow2;
use crate::kernel::prelude::*;
use crate::reduce::{first, for_blocks, load_n, store_n, Max16, Sum16, SumDd16, UnitSum16};
use crate::rows::{map2, map_io, Io, RowCall};
use alloc::string::String;

/// Softmax over the last dimension: `y_i = e^(x_i) / Σ_j e^(x_j)`,
/// computed as `e^(x_i - max)/Σ e^(x_j - max)`.
///
/// A [`Rowwise`] function: the slice methods of [`crate::ActivationFn`]
/// treat the buffer as one row (as `torch.softmax` on a 1-D tensor); the
/// `*_rows` methods take the row length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Softmax {
    /// PyTorch's `dim`; only -1 (the last dimension: the row) is
    /// supported, anything else is an `Err` at the call.
    pub dim: i32,
}

impl Default for Softmax {
    fn default() -> Self {
        Softmax { dim: -1 }
    }
}

/// Log-softmax over the last dimension:
/// `y_i = x_i - max - log Σ_j e^(x_j - max)`. Rowwise like [`Softmax`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogSoftmax {
    /// PyTorch's `dim`; only -1 is supported.
    pub dim: i32,
}

impl Default for LogSoftmax {
    fn default() -> Self {
        LogSoftmax { dim: -1 }
    }
}

const DIM: Param = Param::int(
    "dim",
    -1,
    "the dimension to normalize; only -1 (the last, the row) is supported",
);

fn check_dim<K: crate::kernel::Kernel>(dim: i32) -> Result<(), Error> {
    check::<K>(
        dim == -1,
        "dim",
        dim as f32,
        "is not supported: only dim=-1 (the last dimension: each row of the *_rows methods, \
         the whole buffer for the 1-D ones) is",
    )
}

impl Rowwise for Softmax {
    const INFO: Info = Info {
        name: "softmax",
        aliases: &[],
        family: Family::Parametric,
        forward: "e^(x_i - max) / Σ_j e^(x_j - max) along the row",
        backward: "y·(dy - Σ dy·y)",
        params: &[DIM],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(3, 2),
        examples: &["softmax", "softmax(dim=-1)"],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Softmax { dim: v[0].int() }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Int(self.dim)
    }

    fn validate(&self) -> Result<(), Error> {
        check_dim::<Self>(self.dim)
    }

    fn output_cols(&self, cols: usize) -> Result<usize, String> {
        Ok(cols)
    }

    fn supports_inplace(&self) -> bool {
        true
    }

    fn run(&self, call: RowCall<'_>) {
        crate::rows::softmax_family(call, false);
    }
}

impl Rowwise for LogSoftmax {
    const INFO: Info = Info {
        name: "log_softmax",
        aliases: &[],
        family: Family::Parametric,
        forward: "x_i - max - log Σ_j e^(x_j - max) along the row",
        backward: "dy - e^y·Σ dy",
        params: &[DIM],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 1),
        examples: &["log_softmax", "log_softmax(dim=-1)"],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        LogSoftmax { dim: v[0].int() }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Int(self.dim)
    }

    fn validate(&self) -> Result<(), Error> {
        check_dim::<Self>(self.dim)
    }

    fn output_cols(&self, cols: usize) -> Result<usize, String> {
        Ok(cols)
    }

    fn supports_inplace(&self) -> bool {
        true
    }

    fn run(&self, call: RowCall<'_>) {
        crate::rows::softmax_family(call, true);
    }
}

/// `x - m` as an exact sum `hi + lo` (TwoSum). `lo` is NaN where `hi` is
/// infinite: callers zero those lanes (`hi = -inf` is below [`DEAD`]; `+inf`
/// only comes with a NaN row).
#[inline(always)]
fn shifted<L: Lanes>(l: L, x: L::F, m: L::F) -> (L::F, L::F) {
    let hi = l.sub(x, m);
    let bp = l.sub(hi, x);
    let lo = l.add(l.sub(x, l.sub(hi, bp)), l.sub(l.neg(m), bp));
    (hi, lo)
}

/// Below this `x - m` the exponential is 0 in f32.
const DEAD: f32 = -104.0;

/// `e^(x - m) = (p_hi + p_lo)·2^n`, unrounded, for `x <= m`; the caller
/// zeroes the lanes with `x - m` below [`DEAD`] (the parts are NaN at -inf).
#[inline(always)]
fn exp_shifted<L: Lanes>(l: L, x: L::F, m: L::F) -> (L::F, L::F, L::F, L::F) {
    let (dh, dl) = shifted(l, x, m);
    let (ph, pl, n) = exp_parts2(l, dh);
    // e^(dh + dl) = e^dh·(1 + dl) to far below an ulp (|dl| <= 2^-24·|dh|).
    (dh, ph, l.mul_add(ph, dl, pl), n)
}

/// The maximum of a segment (NaN elements skipped; see `reduce::Max16`).
#[inline(always)]
pub(crate) fn seg_max<L: Lanes>(l: L, x: &[f32]) -> f32 {
    let mut acc = Max16::new(l);
    for_blocks!(L::WIDTH, x.len(), |j, at, n| {
        acc.add(l, j, load_n(l, x, at, n), n);
    });
    acc.total(l)
}

/// Combines segment maxima in order, as [`seg_max`] combines lanes.
pub(crate) fn fold_max(maxima: impl IntoIterator<Item = f32>) -> f32 {
    maxima
        .into_iter()
        .fold(f32::NEG_INFINITY, |m, v| if v > m { v } else { m })
}

/// `e^(x - m)` rounded once to f32 (0 below [`DEAD`]), and the masks of
/// the elements equal to the maximum and of those that enter `S'`.
#[inline(always)]
fn exp_term<L: Lanes>(l: L, x: L::F, m: L::F, n: usize) -> (L::F, L::M, L::M) {
    let zero = l.splat(0.0);
    let (dh, ph, pl, e) = exp_shifted(l, x, m);
    let mut top = l.eq(dh, zero);
    // Elements below the maximum whose exponential is not 0.
    let alive = l.ge(dh, l.splat(DEAD));
    let mut take = l.andnot_mask(alive, top);
    // NaN fails every comparison; let it into the sum.
    take = l.or_mask(take, l.is_nan(dh));
    if n < L::WIDTH {
        let valid = first(l, n);
        take = l.and_mask(take, valid);
        top = l.and_mask(top, valid);
    }
    let v = scale_by_pow2(l, l.add(ph, pl), e);
    (l.select(l.or_mask(alive, l.is_nan(dh)), v, zero), top, take)
}

/// Forward sums of a segment: `(S', K)` (see the module docs).
#[inline(always)]
pub(crate) fn seg_exp_sums<L: Lanes>(l: L, x: &[f32], m: f32) -> (f64, f64) {
    let (zero, one, mv) = (l.splat(0.0), l.splat(1.0), l.splat(m));
    // Plain f64 partials, not UnitSum16: S' may be tiny next to 1, and
    // log1p(S') needs it to its own relative accuracy.
    let mut rest = Sum16::new(l);
    let mut count = Sum16::new(l);
    for_blocks!(L::WIDTH, x.len(), |j, at, n| {
        let (e, top, take) = exp_term(l, load_n(l, x, at, n), mv, n);
        rest.add(l, j, l.select(take, e, zero));
        count.add(l, j, l.select(top, one, zero));
    });
    (rest.total(l), count.total(l))
}

/// softmax's second phase: stores each `e^(x - m)` in the output (the last
/// phase only scales it) and returns `(S, 0)` with `S = Σ e^(x - m)` over
/// the whole segment (softmax needs no split of the sum: see
/// [`Forward::new`]). The row's `S` is at least 1 (the maximum adds
/// exactly 1), which [`UnitSum16`]'s absolute error needs.
#[inline(always)]
pub(crate) fn seg_exp_store<L: Lanes>(l: L, io: Io<'_>, m: f32) -> (f64, f64) {
    let (zero, mv) = (l.splat(0.0), l.splat(m));
    let mut sum = UnitSum16::new(l);
    match io {
        Io::Out { x, y } => {
            for_blocks!(L::WIDTH, y.len(), |j, at, n| {
                let e = exp_all(l, load_n(l, x, at, n), mv);
                store_n(l, e, y, at, n);
                let e = if n < L::WIDTH {
                    l.select(first(l, n), e, zero)
                } else {
                    e
                };
                sum.add(l, j, e);
            });
        }
        Io::InPlace(xy) => {
            for_blocks!(L::WIDTH, xy.len(), |j, at, n| {
                let e = exp_all(l, load_n(l, xy, at, n), mv);
                store_n(l, e, xy, at, n);
                let e = if n < L::WIDTH {
                    l.select(first(l, n), e, zero)
                } else {
                    e
                };
                sum.add(l, j, e);
            });
        }
    }
    (sum.total(l), 0.0)
}

/// `e^(x - m)` rounded once to f32: 0 below [`DEAD`], NaN for NaN.
#[inline(always)]
fn exp_all<L: Lanes>(l: L, x: L::F, m: L::F) -> L::F {
    let (dh, ph, pl, e) = exp_shifted(l, x, m);
    let v = scale_by_pow2(l, l.add(ph, pl), e);
    l.select(l.lt(dh, l.splat(DEAD)), l.splat(0.0), v)
}

/// Per-row constants of the forward's last phase.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Forward {
    m: f32,
    inv_hi: f32,
    inv_lo: f32,
    lse: f64,
}

impl Forward {
    /// From the row's maximum and its sums `(S', K)`: the sum below the
    /// maximum and the count of maxima (log_softmax needs them apart for
    /// `log1p((K-1) + S')`; softmax passes `(S, 0)`).
    pub(crate) fn new(m: f32, rest: f64, count: f64) -> Forward {
        let inv = 1.0 / (count + rest);
        let inv_hi = inv as f32;
        Forward {
            m,
            inv_hi,
            inv_lo: (inv - inv_hi as f64) as f32,
            lse: crate::float::ln_1p_f64((count - 1.0) + rest),
        }
    }
}

/// `(x - m) - lse` in f64, rounded once.
#[inline(always)]
fn log_softmax_lanes<L: Lanes>(l: L, x: L::F, m: L::D, lse: L::D) -> L::F {
    let (x0, x1) = l.widen(x);
    l.narrow(l.sub_d(l.sub_d(x0, m), lse), l.sub_d(l.sub_d(x1, m), lse))
}

/// The forward's last phase over (a part of) a row: log_softmax from the
/// input `x` (`io`), softmax by scaling the exponentials that
/// [`seg_exp_store`] left in the output (`io` is then the output alone,
/// in place).
#[inline(always)]
pub(crate) fn seg_forward<L: Lanes>(l: L, log: bool, io: Io<'_>, c: &Forward) {
    if log {
        let (m, lse) = (l.splat_d(c.m as f64), l.splat_d(c.lse));
        map_io!(l, io, |x| log_softmax_lanes(l, x, m, lse));
    } else {
        // e·(1/S) with 1/S as an f32 pair: 0·(1/S) is NaN for a NaN sum.
        let (inv_hi, inv_lo) = (l.splat(c.inv_hi), l.splat(c.inv_lo));
        map_io!(l, io, |e| l.mul_add(e, inv_hi, l.mul(e, inv_lo)));
    }
}

/// `Σ a·b` over a segment, exactly (to ~2^-100), as a double-double.
#[inline(always)]
pub(crate) fn seg_dot<L: Lanes>(l: L, a: &[f32], b: &[f32]) -> (f64, f64) {
    let mut acc = SumDd16::new(l);
    for_blocks!(L::WIDTH, a.len(), |j, at, n| {
        let (a0, a1) = l.widen(load_n(l, a, at, n));
        let (b0, b1) = l.widen(load_n(l, b, at, n));
        acc.add_wide(l, j, l.mul_d(a0, b0), l.mul_d(a1, b1));
    });
    acc.total(l)
}

/// `Σ a` over a segment, exactly, as a double-double.
#[inline(always)]
pub(crate) fn seg_sum<L: Lanes>(l: L, a: &[f32]) -> (f64, f64) {
    let mut acc = SumDd16::new(l);
    for_blocks!(L::WIDTH, a.len(), |j, at, n| {
        let (a0, a1) = l.widen(load_n(l, a, at, n));
        acc.add_wide(l, j, a0, a1);
    });
    acc.total(l)
}

/// log_softmax from the output: `dy - e^y·(s_hi + s_lo)` in f64.
#[inline(always)]
fn log_softmax_from_output<L: Lanes>(l: L, y: L::F, g: L::F, s_hi: L::D, s_lo: L::D) -> L::F {
    let (e0, e1) = exp_wide(l, y, l.splat(0.0));
    let (g0, g1) = l.widen(g);
    l.narrow(
        l.sub_d(l.sub_d(g0, l.mul_d(e0, s_hi)), l.mul_d(e0, s_lo)),
        l.sub_d(l.sub_d(g1, l.mul_d(e1, s_hi)), l.mul_d(e1, s_lo)),
    )
}

/// softmax from the output: `((dy - s_hi) - s_lo)·y` in f64.
#[inline(always)]
fn softmax_from_output<L: Lanes>(l: L, y: L::F, g: L::F, s_hi: L::D, s_lo: L::D) -> L::F {
    let (y0, y1) = l.widen(y);
    let (g0, g1) = l.widen(g);
    l.narrow(
        l.mul_d(l.sub_d(l.sub_d(g0, s_hi), s_lo), y0),
        l.mul_d(l.sub_d(l.sub_d(g1, s_hi), s_lo), y1),
    )
}

/// Backward from the output over (a part of) a row, given the row's
/// `s = Σ dy·y` (softmax) or `s = Σ dy` (log_softmax).
#[inline(always)]
pub(crate) fn seg_backward_from_output<L: Lanes>(
    l: L,
    log: bool,
    y: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    s: (f64, f64),
) {
    let (s_hi, s_lo) = (l.splat_d(s.0), l.splat_d(s.1));
    if log {
        map2!(l, y, dy, dx, |y, g| log_softmax_from_output(
            l, y, g, s_hi, s_lo
        ));
    } else {
        map2!(l, y, dy, dx, |y, g| softmax_from_output(
            l, y, g, s_hi, s_lo
        ));
    }
}

/// `e^(x - m)` in f64 for the backward from the input (0 for padded lanes).
#[inline(always)]
fn exp_wide_shifted<L: Lanes>(l: L, x: L::F, m: L::F, n: usize) -> (L::D, L::D) {
    let (dh, dl) = shifted(l, x, m);
    // exp_wide takes -inf to 0 only with a finite low part.
    let dl = l.select(l.lt(l.abs(dh), l.splat(f32::INFINITY)), dl, l.splat(0.0));
    let dh = if n < L::WIDTH {
        l.select(first(l, n), dh, l.splat(f32::NEG_INFINITY))
    } else {
        dh
    };
    exp_wide(l, dh, dl)
}

/// Sums of the backward from the input over a segment: `S = Σ e^(x-m)`
/// (f64) and, for softmax, `Σ (dy - c)·e^(x-m)`, for log_softmax `Σ dy`
/// (double-doubles).
#[inline(always)]
pub(crate) fn seg_backward_sums<L: Lanes>(
    l: L,
    log: bool,
    x: &[f32],
    dy: &[f32],
    m: f32,
    c: f32,
) -> (f64, (f64, f64)) {
    let (mv, cd) = (l.splat(m), l.splat_d(c as f64));
    let mut total = Sum16::new(l);
    let mut other = SumDd16::new(l);
    for_blocks!(L::WIDTH, x.len(), |j, at, n| {
        let (e0, e1) = exp_wide_shifted(l, load_n(l, x, at, n), mv, n);
        total.add_wide(l, j, e0, e1);
        let (g0, g1) = l.widen(load_n(l, dy, at, n));
        if log {
            other.add_wide(l, j, g0, g1);
        } else {
            other.add_wide(
                l,
                j,
                l.mul_d(l.sub_d(g0, cd), e0),
                l.mul_d(l.sub_d(g1, cd), e1),
            );
        }
    });
    (total.total(l), other.total(l))
}

/// Per-row constants of the backward from the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Backward {
    m: f32,
    c: f64,
    /// softmax: 1/S; log_softmax: Σdy/S.
    a: f64,
    /// softmax: Σ(dy-c)e/S.
    b: f64,
}

impl Backward {
    /// The centre of softmax's sum: the gradient of the row's (first)
    /// maximum, if finite. With it the dominant term `(dy_max - c)·y_max`
    /// of `Σ (dy - c)·y` is exactly 0, so rows where one probability is
    /// within 1e-17 of 1 keep their accuracy.
    pub(crate) fn centre(x: &[f32], dy: &[f32], m: f32) -> f32 {
        x.iter()
            .position(|&v| v == m)
            .map(|i| dy[i])
            .filter(|c| c.is_finite())
            .unwrap_or(0.0)
    }

    pub(crate) fn new(log: bool, m: f32, c: f32, total: f64, other: (f64, f64)) -> Backward {
        if log {
            Backward {
                m,
                c: 0.0,
                a: other.0 / total + other.1 / total,
                b: 0.0,
            }
        } else {
            Backward {
                m,
                c: c as f64,
                a: 1.0 / total,
                b: other.0 / total + other.1 / total,
            }
        }
    }
}

/// The backward from the input for one vector: log_softmax
/// `dy - e·a` with `e = e^(x-m)` in f64 (the difference may cancel, so `e`
/// needs f64 accuracy); softmax `e·a·((dy - c) - b)` in f64, where `e` is
/// only a factor and the f32 exponential (rounded once) suffices.
#[inline(always)]
fn backward_lanes<L: Lanes>(l: L, log: bool, x: L::F, g: L::F, m: L::F, k: [L::D; 3]) -> L::F {
    let [a, b, c] = k;
    let (g0, g1) = l.widen(g);
    if log {
        let (e0, e1) = exp_wide_shifted(l, x, m, L::WIDTH);
        l.narrow(l.sub_d(g0, l.mul_d(e0, a)), l.sub_d(g1, l.mul_d(e1, a)))
    } else {
        let (dh, ph, pl, n) = exp_shifted(l, x, m);
        let e = scale_by_pow2(l, l.add(ph, pl), n);
        let e = l.select(l.lt(dh, l.splat(DEAD)), l.splat(0.0), e);
        let (e0, e1) = l.widen(e);
        l.narrow(
            l.mul_d(l.mul_d(e0, a), l.sub_d(l.sub_d(g0, c), b)),
            l.mul_d(l.mul_d(e1, a), l.sub_d(l.sub_d(g1, c), b)),
        )
    }
}

/// The backward from the input over (a part of) a row.
#[inline(always)]
pub(crate) fn seg_backward<L: Lanes>(
    l: L,
    log: bool,
    x: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    k: &Backward,
) {
    let mv = l.splat(k.m);
    let consts = [l.splat_d(k.a), l.splat_d(k.b), l.splat_d(k.c)];
    map2!(l, x, dy, dx, |x, g| backward_lanes(
        l, log, x, g, mv, consts
    ));
}
