//! `hardshrink`: -lambd <= x <= lambd ? 0 : x.

use crate::kernel::prelude::*;

/// Hard shrink: `-lambd <= x <= lambd ? 0 : x`, NaN propagating.
///
/// Backward `-lambd <= x <= lambd ? 0 : dy`. From the output: `y == 0 ? 0 :
/// dy`, exact because an element outside the band keeps its non-zero value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hardshrink {
    /// Half-width of the band set to zero; not negative.
    pub lambd: f32,
}

impl Default for Hardshrink {
    fn default() -> Self {
        Hardshrink { lambd: 0.5 }
    }
}

impl Elementwise for Hardshrink {
    const INFO: Info = Info {
        name: "hardshrink",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "-lambd <= x <= lambd ? 0 : x",
        backward: "-lambd <= x <= lambd ? 0 : dy",
        params: &[Param::float(
            "lambd",
            0.5,
            "half-width of the zero band (>= 0)",
        )],
        from_output: FromOutput::Always,
        accuracy: Accuracy::EXACT,
        examples: &["hardshrink", "hardshrink(lambd=2)", "hardshrink(lambd=0)"],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Hardshrink {
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
        l.zero_where(in_band(l, self.lambd, x), x)
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

/// `-lambd <= x <= lambd`, as `|x| <= lambd` (false for NaN).
#[inline(always)]
pub(crate) fn in_band<L: Lanes>(l: L, lambd: f32, x: L::F) -> L::M {
    l.le(l.abs(x), l.splat(lambd))
}
