//! Polynomial evaluation and power-of-two scaling, shared by the other
//! building blocks.

use crate::kernel::prelude::*;

/// `c[0] + c[1]·x + ... + c[N-1]·x^(N-1)` by Horner's rule with fused
/// multiply-adds.
#[inline(always)]
pub fn horner<L: Lanes, const N: usize>(l: L, x: L::F, c: &[f32; N]) -> L::F {
    let mut acc = l.splat(c[N - 1]);
    for &ci in c[..N - 1].iter().rev() {
        acc = l.mul_add(acc, x, l.splat(ci));
    }
    acc
}

/// The polynomial of [`horner`] evaluated as a polynomial in `x²` whose
/// coefficients are the pairs `c[2i] + c[2i+1]·x` (the first level of
/// Estrin's scheme): one multiply more than Horner, but the pairs do not
/// wait on each other, so the chain of dependent operations is about half
/// as long. These kernels keep many vectors in flight, and the longer each
/// chain, the fewer fit in the out-of-order window: a shorter chain runs
/// faster even at one more operation.
#[inline(always)]
pub fn horner_pairs<L: Lanes, const N: usize>(l: L, x: L::F, c: &[f32; N]) -> L::F {
    let x2 = l.mul(x, x);
    let pair = |i: usize| {
        if 2 * i + 1 < N {
            l.mul_add(l.splat(c[2 * i + 1]), x, l.splat(c[2 * i]))
        } else {
            l.splat(c[2 * i])
        }
    };
    let pairs = N.div_ceil(2);
    let mut acc = pair(pairs - 1);
    for i in (0..pairs - 1).rev() {
        acc = l.mul_add(acc, x2, pair(i));
    }
    acc
}

/// `2^n` for lanes holding integers `n` in [-126, 127] (exact).
#[inline(always)]
pub fn pow2i<L: Lanes>(l: L, n: L::F) -> L::F {
    pow2_of_int(l, l.to_int(n))
}

/// [`pow2i`] of lanes already converted to integers.
///
/// (A function rather than a closure in its callers: a closure is not
/// always inlined, and out of line it loses the backend's target features,
/// so every intrinsic in it becomes a call.)
#[inline(always)]
pub fn pow2_of_int<L: Lanes>(l: L, k: L::I) -> L::F {
    l.bits_as_float(l.shl_i::<23>(l.add_i(k, l.splat_i(127))))
}

/// `v·2^n` for lanes holding integers `n` in [-252, 254], rounded once:
/// also correct where the result overflows or is denormal.
///
/// `n` is split into two halves that are each a normal power of two; `v`
/// (of magnitude about 1) times the larger half is exact, so only the second
/// product rounds.
#[inline(always)]
pub fn ldexp<L: Lanes>(l: L, v: L::F, n: L::F) -> L::F {
    let n = l.to_int(n);
    let low = l.shr_i::<1>(n);
    let high = l.sub_i(n, low);
    l.mul(l.mul(v, pow2_of_int(l, high)), pow2_of_int(l, low))
}

/// `v·2^n` for integral `n` in [-246, 254], rounded once like [`ldexp`] (so
/// the same bits), but as one multiply when every lane's `2^n` is a normal
/// f32: only vectors with a lane in the far tails take the two-step path.
#[inline(always)]
pub fn scale_by_pow2<L: Lanes>(l: L, v: L::F, n: L::F) -> L::F {
    Pow2::new(l, n).scale(l, v)
}

/// [`scale_by_pow2`] for several values with the same `n`: the far-tail
/// test and the power of two are computed once, the same bits on each.
#[derive(Clone, Copy)]
pub struct Pow2<L: Lanes> {
    n: L::F,
    /// `2^n` on the lanes whose `2^n` is a normal f32.
    factor: L::F,
    /// The lanes whose `2^n` is not a normal f32.
    tail_lanes: L::M,
    /// Some lane is in `tail_lanes`: scale those in two steps.
    tail: bool,
}

impl<L: Lanes> Pow2<L> {
    /// The scaling by `2^n`, integral `n` in [-246, 254].
    #[inline(always)]
    pub fn new(l: L, n: L::F) -> Pow2<L> {
        let tail_lanes = l.or_mask(l.lt(n, l.splat(-126.0)), l.gt(n, l.splat(127.0)));
        Pow2 {
            n,
            factor: pow2i(l, n),
            tail_lanes,
            tail: l.any(tail_lanes),
        }
    }

    /// `v·2^n`, rounded once, for any `v`: one instruction where the CPU
    /// has it ([`Lanes::scale_native`]; the computations of [`Pow2::new`]
    /// then go unused and the compiler drops them), else one multiply by
    /// the exact `2^n` on lanes where that is normal, and [`ldexp`]'s two
    /// steps on the others.
    ///
    /// The two steps are exact then rounded once on those far-tail lanes
    /// for any `v`: for `n <= -127` a nonzero result needs `v·2^n >=
    /// 2^-150`, so the first step `v·2^ceil(n/2)` is at least `2^-86`
    /// (normal); for `n >= 128` a nonzero `v >= 2^-149` times `2^64` or
    /// more is normal too. On lanes with a normal `2^n` they could round
    /// twice (a tiny `v` whose first step underflows), which is why those
    /// keep the one multiply even when a neighbour needs two: each lane's
    /// result depends on that lane alone, so every backend gives the same
    /// bits.
    #[inline(always)]
    pub fn scale(&self, l: L, v: L::F) -> L::F {
        if let Some(y) = l.scale_native(v, self.n) {
            return y;
        }
        let once = l.mul(v, self.factor);
        if self.tail {
            l.select(self.tail_lanes, ldexp(l, v, self.n), once)
        } else {
            once
        }
    }
}

/// About `1/d` for `d` in [1, 2], within 6% (the minimax line): enough for
/// a correction term a few ULPs in size, without a second division.
#[inline(always)]
pub fn rough_reciprocal<L: Lanes>(l: L, d: L::F) -> L::F {
    l.mul_add(l.splat(-8.0 / 17.0), d, l.splat(24.0 / 17.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lanes::{on_every_backend, LaneOp};

    /// `scale_by_pow2` and `ldexp` against `v·2^n` computed exactly in f64
    /// and rounded once to f32, bit for bit, on one backend: every exponent
    /// of their range with mantissas that round differently once the
    /// result is denormal, and vectors that mix far-tail lanes with
    /// ordinary ones.
    #[derive(Clone, Copy)]
    struct SameAsLdexp;

    impl LaneOp for SameAsLdexp {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let w = L::WIDTH;
            let values = [1.0f32, 0.7, 1.42, 1.000_000_1, 0.999_999_94, 1.234_567_9];
            let mut lanes = [0.0f32; 16];
            let mut powers = [0.0f32; 16];
            let mut got = [0.0f32; 16];
            let mut want = [0.0f32; 16];
            for n in -246..=254 {
                for (k, &v) in values.iter().enumerate() {
                    for i in 0..w {
                        lanes[i] = if i % 2 == 0 { v } else { -v * 1.5 };
                        // Odd lanes: an ordinary exponent next to `n`.
                        powers[i] = if i % 2 == 0 {
                            n as f32
                        } else {
                            (k as f32) - 3.0
                        };
                    }
                    let (v, p) = (l.load(&lanes[..w]), l.load(&powers[..w]));
                    l.store(scale_by_pow2(l, v, p), &mut got[..w]);
                    l.store(ldexp(l, v, p), &mut want[..w]);
                    for i in 0..w {
                        // Exact in f64 (2^-246..2^254 and 24-bit mantissas),
                        // so the cast is the one correct rounding.
                        let exact = (lanes[i] as f64 * (powers[i] as f64).exp2()) as f32;
                        let at = format!("v {} n {}", lanes[i], powers[i]);
                        assert_eq!(want[i].to_bits(), exact.to_bits(), "ldexp {at}");
                        assert_eq!(got[i].to_bits(), exact.to_bits(), "scale_by_pow2 {at}");
                    }
                }
            }
            // A tiny `v` (a product with a denormal gradient, say) and an
            // ordinary `n`, next to far-tail lanes: still rounded once
            // (ldexp's two steps would round its underflowing first step).
            let tiny = [1.0e-40f32, 3.3e-39, -7.7e-41, 1.1e-38];
            for n in -12..=12 {
                for (k, &v) in tiny.iter().enumerate() {
                    for i in 0..w {
                        let ordinary = i % 2 == 0 || w == 1;
                        lanes[i] = if ordinary { v } else { 1.25 };
                        powers[i] = if ordinary {
                            n as f32
                        } else {
                            -140.0 - k as f32
                        };
                    }
                    let (v, p) = (l.load(&lanes[..w]), l.load(&powers[..w]));
                    l.store(scale_by_pow2(l, v, p), &mut got[..w]);
                    for i in 0..w {
                        let exact = (lanes[i] as f64 * (powers[i] as f64).exp2()) as f32;
                        let at = format!("v {:e} n {} next to far tails", lanes[i], powers[i]);
                        assert_eq!(got[i].to_bits(), exact.to_bits(), "scale_by_pow2 {at}");
                    }
                }
            }
        }
    }

    #[test]
    fn scale_by_pow2_and_ldexp_round_once() {
        on_every_backend(SameAsLdexp);
    }

    /// [`horner_pairs`] and [`horner`] against the polynomial summed in
    /// f64, on one backend: an odd and an even number of coefficients
    /// (the last pair a lone constant, or not), alternating signs, `x` in
    /// [-1, 1]; within a few roundings of the largest term.
    #[derive(Clone, Copy)]
    struct PairsAgainstF64;

    fn check<L: Lanes, const N: usize>(l: L, c: &[f32; N]) {
        let w = L::WIDTH;
        let (mut xs, mut pairs, mut plain) = ([0.0f32; 16], [0.0f32; 16], [0.0f32; 16]);
        for k in 0..=64 {
            for (i, x) in xs[..w].iter_mut().enumerate() {
                *x = (k as f32 - 32.0) / 32.0 + i as f32 * 1e-3;
            }
            let x = l.load(&xs[..w]);
            l.store(horner_pairs(l, x, c), &mut pairs[..w]);
            l.store(horner(l, x, c), &mut plain[..w]);
            for i in 0..w {
                let x = xs[i] as f64;
                let want: f64 = c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci as f64);
                let scale: f64 = c.iter().map(|&ci| (ci as f64).abs()).sum();
                let tolerance = 8.0 * f32::EPSILON as f64 * scale;
                assert!(
                    (pairs[i] as f64 - want).abs() <= tolerance,
                    "pairs, N = {N}, x = {x}"
                );
                assert!(
                    (plain[i] as f64 - want).abs() <= tolerance,
                    "horner, N = {N}, x = {x}"
                );
            }
        }
    }

    impl LaneOp for PairsAgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            check(l, &[0.5, -1.25, 2.0]);
            check(l, &[1.0, -0.5, 0.333, -0.25, 0.2, -0.166, 0.143, -0.125]);
            check(l, &[-0.75, 3.0, -2.5, 1.5, 0.0625, -7.0, 0.01, 2.0, -1.0]);
        }
    }

    #[test]
    fn horner_pairs_matches_f64() {
        on_every_backend(PairsAgainstF64);
    }
}
