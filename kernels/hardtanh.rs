//! `hardtanh`: clamp(x, min_val, max_val).

use crate::kernel::prelude::*;
use alloc::format;

/// Hard tanh: `clamp(x, min_val, max_val)`, NaN propagating.
///
/// Backward `(x <= min_val or x >= max_val) ? 0 : dy` (PyTorch's
/// `hardtanh_backward`); the output gives the same mask.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hardtanh {
    /// Lower bound (may be -inf).
    pub min_val: f32,
    /// Upper bound, not below `min_val` (may be +inf).
    pub max_val: f32,
}

impl Default for Hardtanh {
    fn default() -> Self {
        Hardtanh {
            min_val: -1.0,
            max_val: 1.0,
        }
    }
}

impl Elementwise for Hardtanh {
    const INFO: Info = Info {
        name: "hardtanh",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "clamp(x, min_val, max_val)",
        backward: "(x <= min_val or x >= max_val) ? 0 : dy",
        params: &[
            Param::float("min_val", -1.0, "lower bound"),
            Param::float("max_val", 1.0, "upper bound (>= min_val)"),
        ],
        from_output: FromOutput::Always,
        accuracy: Accuracy::EXACT,
        examples: &[
            "hardtanh",
            "hardtanh(min_val=-2,max_val=3)",
            "hardtanh(min_val=0.5,max_val=0.5)",
            "hardtanh(min_val=-inf,max_val=0)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Hardtanh {
            min_val: v[0].float(),
            max_val: v[1].float(),
        }
    }

    fn param(&self, index: usize) -> ParamValue {
        ParamValue::Float([self.min_val, self.max_val][index])
    }

    fn validate(&self) -> Result<(), Error> {
        check::<Self>(
            self.min_val <= self.max_val,
            "min_val",
            self.min_val,
            &format!("must not be greater than max_val ({:?})", self.max_val),
        )
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        l.min(l.splat(self.max_val), l.max(l.splat(self.min_val), x))
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let outside = l.or_mask(
            l.le(x, l.splat(self.min_val)),
            l.ge(x, l.splat(self.max_val)),
        );
        l.zero_where(outside, dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        self.backward(l, y, dy)
    }
}
