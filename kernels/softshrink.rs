//! `softshrink`: x > lambd ? x - lambd : x < -lambd ? x + lambd : 0.

use super::hardshrink::in_band;
use crate::kernel::prelude::*;

/// Soft shrink: `x > lambd ? x - lambd : x < -lambd ? x + lambd : 0`, NaN
/// propagating (SPEC.md's universal rule; the formula alone would give 0).
///
/// Backward `-lambd <= x <= lambd ? 0 : dy`. From the output: `y == 0 ? 0 :
/// dy`, exact because `x - lambd` is never 0 for `x > lambd`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Softshrink {
    /// The shrink amount and half-width of the zero band; not negative.
    pub lambd: f32,
}

impl Default for Softshrink {
    fn default() -> Self {
        Softshrink { lambd: 0.5 }
    }
}

impl Elementwise for Softshrink {
    const INFO: Info = Info {
        name: "softshrink",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "x > lambd ? x - lambd : x < -lambd ? x + lambd : 0",
        backward: "-lambd <= x <= lambd ? 0 : dy",
        params: &[Param::float("lambd", 0.5, "shrink amount (>= 0)")],
        from_output: FromOutput::Always,
        accuracy: Accuracy::EXACT,
        examples: &[
            "softshrink",
            "softshrink(lambd=1.5)",
            "softshrink(lambd=0)",
            "softshrink(lambd=inf)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Softshrink {
            lambd: v[0].float(),
        }
    }

    fn param(&self, _: usize) -> ParamValue {
        ParamValue::Float(self.lambd)
    }

    fn validate(&self) -> Result<(), Error> {
        check::<Self>(
            self.lambd >= 0.0,
            "lambd",
            self.lambd,
            "must not be negative",
        )
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        if self.lambd == f32::INFINITY {
            // Everything is in the band (inf - inf below would be NaN).
            return l.zero_where(l.le(l.abs(x), l.splat(f32::INFINITY)), x);
        }
        // x minus its clamp to the band: x ∓ lambd outside it (one
        // rounding, as the formula), x - x = +0 inside; `max` keeps a NaN
        // x (its second operand), and NaN - NaN is NaN.
        let lambd = l.splat(self.lambd);
        l.sub(x, l.min(lambd, l.max(l.neg(lambd), x)))
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        l.zero_where(in_band(l, self.lambd, x), dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        let zero = l.splat(0.0);
        l.zero_where(l.eq(y, zero), dy)
    }
}
