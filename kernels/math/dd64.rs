//! Double-double arithmetic on f64 pairs, for the few per-activation
//! constants that need more than f64's 53 bits (soft_exponential's root,
//! whose neighbours are a cancellation against it).
//!
//! A [`Dd`] is an unevaluated sum `hi + lo` with `|lo|` at most half an ULP
//! of `hi`: about 106 significant bits. The operations below lose a few of
//! them (relative error about 2^-100 each). Scalar code, run once when an
//! activation is built, never in a vector loop; finite inputs only.

use core::ops::{Add, Div, Mul, Neg, Sub};

use crate::float::fma_f64;

/// An unevaluated sum `hi + lo` of two f64 values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dd {
    /// The value rounded to f64.
    pub hi: f64,
    /// The rest: `hi + lo` is the value.
    pub lo: f64,
}

/// `a + b = s + e` exactly (Knuth's TwoSum).
fn two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    Dd { hi: s, lo: e }
}

/// `a·b = p + e` exactly (unless it underflows).
fn two_product(a: f64, b: f64) -> Dd {
    let p = a * b;
    Dd {
        hi: p,
        lo: fma_f64(a, b, -p),
    }
}

/// ln 2 as a double-double (the f64 nearest, and the f64 nearest the rest).
const LN2: Dd = Dd {
    hi: core::f64::consts::LN_2,
    lo: 2.319_046_813_846_299_6e-17,
};

impl Dd {
    /// `v` exactly.
    pub fn new(v: f64) -> Dd {
        Dd { hi: v, lo: 0.0 }
    }

    /// The value rounded to f32, as three f32 whose sum carries about 72
    /// significant bits (the last ones may be 0 or denormal for tiny values).
    pub fn to_f32_triple(self) -> [f32; 3] {
        let a = self.hi as f32;
        // hi - a is exact in f64 (a is hi rounded to fewer bits).
        let r = (self.hi - a as f64) + self.lo;
        let b = r as f32;
        let c = (r - b as f64) as f32;
        [a, b, c]
    }

    /// The first two f32 of [`Dd::to_f32_triple`]: `hi` rounded to f32 and
    /// the rest rounded to f32, about 48 significant bits.
    pub fn to_f32_pair(self) -> (f32, f32) {
        let [a, b, _] = self.to_f32_triple();
        (a, b)
    }
}

impl Add for Dd {
    type Output = Dd;
    fn add(self, o: Dd) -> Dd {
        let s = two_sum(self.hi, o.hi);
        let t = two_sum(self.lo, o.lo);
        let s = two_sum(s.hi, s.lo + t.hi);
        two_sum(s.hi, s.lo + t.lo)
    }
}

impl Sub for Dd {
    type Output = Dd;
    fn sub(self, o: Dd) -> Dd {
        self + -o
    }
}

impl Neg for Dd {
    type Output = Dd;
    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
}

impl Mul for Dd {
    type Output = Dd;
    fn mul(self, o: Dd) -> Dd {
        let p = two_product(self.hi, o.hi);
        let cross = fma_f64(self.hi, o.lo, self.lo * o.hi);
        two_sum(p.hi, p.lo + cross)
    }
}

impl Div for Dd {
    type Output = Dd;
    /// The f64 quotient, then one correction from the remainder (exact
    /// but for the last terms).
    fn div(self, o: Dd) -> Dd {
        let q = self.hi / o.hi;
        let r = self - (two_product(q, o.hi) + Dd::new(q * o.lo));
        two_sum(q, (r.hi + r.lo) / o.hi)
    }
}

/// `Σ_j s2^j / (odd + 2j)` for `s2 <= 1/9`, to double-double precision.
fn odd_reciprocal_series(s2: Dd, odd: u32) -> Dd {
    // (1/9)^34 < 2^-107: enough terms for any s2 in range.
    const TERMS: u32 = 34;
    let mut acc = Dd::new(0.0);
    for j in (0..TERMS).rev() {
        let denominator = Dd::new(f64::from(odd + 2 * j));
        acc = acc * s2 + Dd::new(1.0) / denominator;
    }
    acc
}

/// `2·atanh(s) = ln((1 + s)/(1 - s))` for `|s| <= 1/3`.
pub fn two_atanh(s: Dd) -> Dd {
    let series = odd_reciprocal_series(s * s, 1);
    (s + s) * series
}

/// `2·atanh(s) - 2s = 2s³/3 + 2s⁵/5 + ...` for `|s| <= 1/3`, without the
/// cancellation of subtracting.
pub fn two_atanh_minus_linear(s: Dd) -> Dd {
    let s2 = s * s;
    let series = odd_reciprocal_series(s2, 3);
    (s + s) * s2 * series
}

/// `ln(y)` for a positive, finite, normal f64 `y`.
pub fn ln(y: f64) -> Dd {
    // y = m·2^e with m in [√½, √2), so s = (m - 1)/(m + 1) is within 0.172.
    let bits = y.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > core::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // m - 1 is exact (Sterbenz); m + 1 as an exact sum.
    let s = Dd::new(m - 1.0) / two_sum(m, 1.0);
    let e = e as f64;
    LN2 * Dd::new(e) + two_atanh(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `|got - want|` relative to `want`, both double-doubles.
    fn relative_error(got: Dd, want: Dd) -> f64 {
        let diff = got - want;
        ((diff.hi + diff.lo) / want.hi).abs()
    }

    #[test]
    fn ln_matches_mpmath_to_about_100_bits() {
        // (y, ln y as hi + lo from mpmath at 300 bits)
        let cases = [
            (0.75, -0.287_682_072_451_780_9, -2.607_160_616_442_564e-17),
            (
                1.192_092_896e-7,
                -15.942_385_152_465_866,
                2.436_901_164_089_007e-16,
            ),
            (
                0.999,
                -0.001_000_500_333_583_534_4,
                -2.564_477_700_367_779_8e-20,
            ),
            (1e-300, -690.775_527_898_213_7, -2.367_009_617_670_983_2e-14),
            (3.0, 1.098_612_288_668_109_8, -9.071_297_235_001_53e-17),
        ];
        for (y, hi, lo) in cases {
            let err = relative_error(ln(y), Dd { hi, lo });
            assert!(err < 2f64.powi(-98), "ln({y}): relative error {err:e}");
        }
        assert_eq!(ln(1.0), Dd::new(0.0));
    }

    #[test]
    fn the_atanh_series_agree_with_each_other_and_with_ln() {
        // 2·atanh(s) = ln((1 + s)/(1 - s)); for s = 1/3 that is ln 2.
        let third = Dd::new(1.0) / Dd::new(3.0);
        assert!(relative_error(two_atanh(third), LN2) < 2f64.powi(-100));
        // The tail form is the full series less 2s, without cancelling.
        for s in [1e-9, 1e-3, 0.1, 1.0 / 3.0] {
            let s = Dd::new(s);
            let tail = two_atanh_minus_linear(s) + (s + s);
            assert!(
                relative_error(tail, two_atanh(s)) < 2f64.powi(-100),
                "{s:?}"
            );
        }
    }

    #[test]
    fn a_triple_carries_72_bits() {
        let x = LN2 * Dd::new(1e-3);
        let [a, b, c] = x.to_f32_triple();
        let back = Dd::new(a as f64) + Dd::new(b as f64) + Dd::new(c as f64);
        assert!(relative_error(back, x) < 2f64.powi(-70));
        assert!(b.abs() <= a.abs() * 2f32.powi(-23) && c.abs() <= b.abs() * 2f32.powi(-23));
    }
}
