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
