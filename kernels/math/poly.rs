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

/// `2^n` for lanes holding integers `n` in [-126, 127] (exact).
#[inline(always)]
pub fn pow2i<L: Lanes>(l: L, n: L::F) -> L::F {
    let biased = l.add_i(l.to_int(n), l.splat_i(127));
    l.bits_as_float(l.shl_i::<23>(biased))
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
    let factor = |k| l.bits_as_float(l.shl_i::<23>(l.add_i(k, l.splat_i(127))));
    l.mul(l.mul(v, factor(high)), factor(low))
}
