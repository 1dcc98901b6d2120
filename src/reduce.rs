//! Deterministic reductions: sums and maxima whose bits depend neither on
//! the backend, nor on the thread count, nor on how a call is chunked.
//!
//! A reduced range is cut into segments of [`SEG`] elements, counted from
//! its start. Within a segment, element `i` goes into partial result
//! `i % 16` (16 partial sums or maxima, laid out the same way on every
//! backend: two f32x8 vectors on AVX2, one f32x16 on AVX-512, sixteen
//! scalars on the scalar backend; f64 sums through [`Lanes::widen`]). The
//! 16 partials are combined in a fixed tree, and segment results in order.
//! Threads only ever take whole segments, so a parallel reduction computes
//! exactly the same operations as a serial one.

use crate::lanes::Lanes;

/// Elements per reduction segment (a multiple of 16). Fixed, so results
/// never depend on an executor's chunk length.
pub(crate) const SEG: usize = 4096;

/// Lane indices as floats, for tail masks.
const IOTA: [f32; 16] = [
    0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0,
];

/// The segments of `0..n`.
pub(crate) fn segments(n: usize) -> impl Iterator<Item = core::ops::Range<usize>> {
    (0..n.div_ceil(SEG)).map(move |s| s * SEG..((s + 1) * SEG).min(n))
}

/// Visits a range of `n` elements in blocks of 16: runs `$body` for
/// sub-vector `$j` (0..16/WIDTH) of each block, starting at element `$at`,
/// with `$count` valid lanes (`WIDTH`, except in the last block, where it
/// may be fewer, even 0). `$w` is the lane width.
///
/// A macro, not a function taking a closure: a closure is a function of its
/// own, compiled without the backend's target features, and LLVM does not
/// always inline it into the vectorized loop (the lane operations then
/// become calls). Every loop body holding lane operations must inline.
macro_rules! for_blocks {
    ($w:expr, $n:expr, |$j:ident, $at:ident, $count:ident| $body:block) => {{
        let w: usize = $w;
        let n: usize = $n;
        let full = n - n % 16;
        let mut start = 0;
        while start < full {
            for $j in 0..16 / w {
                let $at = start + $j * w;
                let $count = w;
                $body
            }
            start += 16;
        }
        if full < n {
            for $j in 0..16 / w {
                let $at = full + $j * w;
                let $count = n.saturating_sub($at).min(w);
                $body
            }
        }
    }};
}
pub(crate) use for_blocks;

/// Runs `$body` for each vector of a range of `n` elements: `$at` its
/// start, `$count` its valid lanes (`WIDTH`, then one shorter tail).
macro_rules! for_vectors {
    ($w:expr, $n:expr, |$at:ident, $count:ident| $body:block) => {{
        let w: usize = $w;
        let n: usize = $n;
        let full = n - n % w;
        let mut $at = 0;
        while $at < full {
            let $count = w;
            $body
            $at += w;
        }
        if full < n {
            let $at = full;
            let $count = n - full;
            $body
        }
    }};
}
pub(crate) use for_vectors;

/// Loads `count <= WIDTH` lanes of `s` from `at`; the other lanes are 0.
#[inline(always)]
pub(crate) fn load_n<L: Lanes>(l: L, s: &[f32], at: usize, count: usize) -> L::F {
    if count == L::WIDTH {
        l.load(&s[at..at + count])
    } else {
        let at = at.min(s.len());
        l.load_partial(&s[at..at + count])
    }
}

/// Stores the first `count <= WIDTH` lanes of `v` at `d[at..]`.
#[inline(always)]
pub(crate) fn store_n<L: Lanes>(l: L, v: L::F, d: &mut [f32], at: usize, count: usize) {
    if count == L::WIDTH {
        l.store(v, &mut d[at..at + count]);
    } else {
        let at = at.min(d.len());
        l.store_partial(v, &mut d[at..at + count]);
    }
}

/// The mask of the first `count` lanes.
#[inline(always)]
pub(crate) fn first<L: Lanes>(l: L, count: usize) -> L::M {
    l.lt(l.load(&IOTA[..L::WIDTH]), l.splat(count as f32))
}

/// The sum of 16 values in a fixed tree: ((s0+s1)+(s2+s3))+...
#[inline(always)]
pub(crate) fn tree16(s: &[f64; 16]) -> f64 {
    let a: [f64; 8] = core::array::from_fn(|i| s[2 * i] + s[2 * i + 1]);
    let b: [f64; 4] = core::array::from_fn(|i| a[2 * i] + a[2 * i + 1]);
    (b[0] + b[1]) + (b[2] + b[3])
}

/// `a + b` exactly, as a rounded sum and its error (Knuth's TwoSum).
#[inline(always)]
pub(crate) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// Adds two double-double values `(hi, lo)`; an infinite or NaN sum drops
/// its (meaningless) low part.
#[inline(always)]
pub(crate) fn dd_add(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (s, e) = two_sum(a.0, b.0);
    if !s.is_finite() {
        return (s, 0.0);
    }
    let e = e + (a.1 + b.1);
    let hi = s + e;
    (hi, e - (hi - s))
}

/// 16 f64 partial sums, partial `i % 16` for element `i` of a segment.
#[derive(Clone, Copy)]
pub(crate) struct Sum16<L: Lanes> {
    lo: [L::D; 16],
    hi: [L::D; 16],
}

impl<L: Lanes> Sum16<L> {
    #[inline(always)]
    pub(crate) fn new(l: L) -> Self {
        Sum16 {
            lo: [l.splat_d(0.0); 16],
            hi: [l.splat_d(0.0); 16],
        }
    }

    /// Adds the f32 lanes of sub-vector `j` (exactly widened).
    #[inline(always)]
    pub(crate) fn add(&mut self, l: L, j: usize, v: L::F) {
        let (a, b) = l.widen(v);
        self.add_wide(l, j, a, b);
    }

    /// Adds f64 lanes: `a` the low half of sub-vector `j`, `b` the high half
    /// (ignored on the scalar backend).
    #[inline(always)]
    pub(crate) fn add_wide(&mut self, l: L, j: usize, a: L::D, b: L::D) {
        self.lo[j] = l.add_d(self.lo[j], a);
        if L::WIDTH > 1 {
            self.hi[j] = l.add_d(self.hi[j], b);
        }
    }

    /// The 16 partials in element order.
    #[inline(always)]
    pub(crate) fn slots(&self, l: L) -> [f64; 16] {
        let mut out = [0.0f64; 16];
        let w = L::WIDTH;
        for j in 0..16 / w {
            l.store_d(self.lo[j], &mut out[j * w..]);
            if w > 1 {
                l.store_d(self.hi[j], &mut out[j * w + L::D_LANES..]);
            }
        }
        out
    }

    /// The segment's sum.
    #[inline(always)]
    pub(crate) fn total(&self, l: L) -> f64 {
        tree16(&self.slots(l))
    }
}

/// Blocks of 16 elements per f32 stretch of [`UnitSum16`].
const STRETCH: usize = 16;

/// [`Sum16`] for values in [0, 1] (softmax's exponentials), with the
/// widening to f64 (two conversions per vector, as costly as the rest of
/// the sum on Zen 5) done once per stretch of [`STRETCH`] blocks instead of
/// per vector.
///
/// Within a stretch each partial runs in f32 as `hi + lo`, `hi` starting at
/// 1: then `hi >= 1 >= v`, so Fast2Sum leaves each addition's rounding
/// error exactly in `lo`. At a stretch's end `hi - 1` (exact: `hi` is in
/// [1, 17]) and `lo` join the f64 partial, in that order. `lo`'s own 16
/// roundings per stretch cost at most 2^-20 of `|lo|`, which is below both
/// 2^-16 and the sum of the stretch's values: an absolute error of at most
/// 2^-32 per 256 elements, small next to a sum of at least 1 (softmax's,
/// where the maximum adds exactly 1), but not a relative accuracy for sums
/// that may be tiny (log_softmax's sum without the maximum keeps
/// [`Sum16`]). A NaN value makes the sum NaN. Whole stretches are counted
/// from the segment's start, the same elements on every backend, so the
/// result is too.
pub(crate) struct UnitSum16<L: Lanes> {
    sum: Sum16<L>,
    hi: [L::F; 16],
    lo: [L::F; 16],
    /// Whole blocks added in the current stretch.
    blocks: usize,
}

impl<L: Lanes> UnitSum16<L> {
    #[inline(always)]
    pub(crate) fn new(l: L) -> Self {
        UnitSum16 {
            sum: Sum16::new(l),
            hi: [l.splat(1.0); 16],
            lo: [l.splat(0.0); 16],
            blocks: 0,
        }
    }

    /// Adds sub-vector `j` (as [`Sum16::add`]): values in [0, 1] or NaN,
    /// with padded lanes already 0.
    #[inline(always)]
    pub(crate) fn add(&mut self, l: L, j: usize, v: L::F) {
        let hi = l.add(self.hi[j], v);
        self.lo[j] = l.add(self.lo[j], l.sub(v, l.sub(hi, self.hi[j])));
        self.hi[j] = hi;
        if j + 1 == 16 / L::WIDTH {
            self.blocks += 1;
            if self.blocks == STRETCH {
                self.flush(l);
            }
        }
    }

    /// Moves the f32 stretch into the f64 partials.
    #[inline(always)]
    fn flush(&mut self, l: L) {
        let one = l.splat(1.0);
        for j in 0..16 / L::WIDTH {
            self.sum.add(l, j, l.sub(self.hi[j], one));
            self.sum.add(l, j, self.lo[j]);
            self.hi[j] = one;
            self.lo[j] = l.splat(0.0);
        }
        self.blocks = 0;
    }

    /// The segment's sum.
    #[inline(always)]
    pub(crate) fn total(mut self, l: L) -> f64 {
        self.flush(l);
        self.sum.total(l)
    }
}

/// 16 compensated f64 partial sums (each a double-double built with
/// TwoSum), for sums that must be exact to ~2^-100 (the dot products of
/// softmax's backward, where the result may cancel to almost nothing).
pub(crate) struct SumDd16<L: Lanes> {
    sum: Sum16<L>,
    err: Sum16<L>,
}

impl<L: Lanes> SumDd16<L> {
    #[inline(always)]
    pub(crate) fn new(l: L) -> Self {
        SumDd16 {
            sum: Sum16::new(l),
            err: Sum16::new(l),
        }
    }

    #[inline(always)]
    fn two_sum(l: L, s: L::D, t: L::D) -> (L::D, L::D) {
        let u = l.add_d(s, t);
        let bb = l.sub_d(u, s);
        let e = l.add_d(l.sub_d(s, l.sub_d(u, bb)), l.sub_d(t, bb));
        (u, e)
    }

    /// Adds f64 lanes (as [`Sum16::add_wide`]), keeping the rounding errors.
    #[inline(always)]
    pub(crate) fn add_wide(&mut self, l: L, j: usize, a: L::D, b: L::D) {
        let (s, e) = Self::two_sum(l, self.sum.lo[j], a);
        self.sum.lo[j] = s;
        self.err.lo[j] = l.add_d(self.err.lo[j], e);
        if L::WIDTH > 1 {
            let (s, e) = Self::two_sum(l, self.sum.hi[j], b);
            self.sum.hi[j] = s;
            self.err.hi[j] = l.add_d(self.err.hi[j], e);
        }
    }

    /// The segment's sum as a double-double, partials combined in order.
    #[inline(always)]
    pub(crate) fn total(&self, l: L) -> (f64, f64) {
        let (s, e) = (self.sum.slots(l), self.err.slots(l));
        let mut acc = (0.0, 0.0);
        for i in 0..16 {
            acc = dd_add(acc, (s[i], e[i]));
        }
        acc
    }
}

/// 16 f32 partial maxima. NaN inputs are skipped (callers get NaN
/// results through their sums instead); ties between `-0` and `+0` are
/// resolved by position, the same way on every backend.
pub(crate) struct Max16<L: Lanes> {
    m: [L::F; 16],
}

impl<L: Lanes> Max16<L> {
    #[inline(always)]
    pub(crate) fn new(l: L) -> Self {
        Max16 {
            m: [l.splat(f32::NEG_INFINITY); 16],
        }
    }

    /// Takes sub-vector `j`'s first `count` lanes into account.
    #[inline(always)]
    pub(crate) fn add(&mut self, l: L, j: usize, v: L::F, count: usize) {
        let v = if count == L::WIDTH {
            v
        } else {
            l.select(first(l, count), v, l.splat(f32::NEG_INFINITY))
        };
        self.m[j] = l.max(v, self.m[j]);
    }

    /// The segment's maximum (-inf if it has no number).
    #[inline(always)]
    pub(crate) fn total(&self, l: L) -> f32 {
        let mut out = [0.0f32; 16];
        let w = L::WIDTH;
        for j in 0..16 / w {
            l.store(self.m[j], &mut out[j * w..j * w + w]);
        }
        out.iter()
            .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lanes::{LaneOp, Token};
    use crate::Backend;
    use alloc::vec::Vec;

    /// [`UnitSum16`] over one segment of `values`, as the softmax kernels
    /// run it.
    #[derive(Clone, Copy)]
    struct UnitSum<'a> {
        values: &'a [f32],
    }

    impl LaneOp for UnitSum<'_> {
        type Output = f64;

        fn run<L: Lanes>(self, l: L) -> f64 {
            let x = self.values;
            let mut sum = UnitSum16::new(l);
            for_blocks!(L::WIDTH, x.len(), |j, at, n| {
                sum.add(l, j, load_n(l, x, at, n));
            });
            sum.total(l)
        }
    }

    /// Values in [0, 1]: a hash's bits as fractions, with exact 0s, 1s and
    /// denormals mixed in.
    fn unit_values(n: usize, seed: u32) -> Vec<f32> {
        (0..n as u32)
            .map(|i| {
                let h = (i ^ seed).wrapping_mul(0x9E37_79B9).rotate_left(13) ^ seed;
                match h % 11 {
                    0 => 1.0,
                    1 => 0.0,
                    2 => f32::from_bits(h % 0x0080_0000),
                    _ => (h >> 8) as f32 / (1u32 << 24) as f32,
                }
            })
            .collect()
    }

    /// Within 2^-34 of the exact sum of the values, relative to the sum
    /// (or to 1 if it is smaller; the f64 sum of up to 4096 values in
    /// [0, 1] is itself within 2^-40 of it, relative), the same bits on
    /// every backend, and NaN when a value is NaN.
    #[test]
    fn unit_sum_is_near_exact_and_the_same_on_every_backend() {
        for n in [0usize, 1, 15, 16, 17, 255, 256, 257, 1000, 4095, SEG] {
            let mut values = unit_values(n, n as u32 + 7);
            let exact: f64 = values.iter().map(|&v| v as f64).sum();
            let mut first = None;
            for backend in Backend::supported() {
                let token = Token::new(backend).expect("a supported backend has a token");
                let got = token.vectorize(UnitSum { values: &values });
                assert!(
                    (got - exact).abs() <= exact.max(1.0) * 2f64.powi(-34),
                    "{backend:?}, n = {n}: {got} against {exact}"
                );
                let bits = *first.get_or_insert(got.to_bits());
                assert_eq!(got.to_bits(), bits, "{backend:?}, n = {n}");
            }
            if n > 0 {
                values[n / 2] = f32::NAN;
                for backend in Backend::supported() {
                    let token = Token::new(backend).expect("a supported backend has a token");
                    assert!(token.vectorize(UnitSum { values: &values }).is_nan());
                }
            }
        }
    }
}
