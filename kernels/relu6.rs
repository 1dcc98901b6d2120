//! `relu6`: min(max(0, x), 6).

use crate::kernel::prelude::*;

/// ReLU capped at 6: `min(max(0, x), 6)`, NaN propagating.
///
/// Backward `(x <= 0 or x >= 6) ? 0 : dy` (PyTorch computes relu6 as
/// `hardtanh(x, 0, 6)`); the output gives the same mask.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Relu6;

impl Elementwise for Relu6 {
    const INFO: Info = Info {
        name: "relu6",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "min(max(0, x), 6)",
        backward: "(x <= 0 or x >= 6) ? 0 : dy",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::EXACT,
        examples: &["relu6"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Relu6
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("relu6 has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        l.min(l.splat(6.0), l.max(l.splat(0.0), x))
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let outside = l.or_mask(l.le(x, l.splat(0.0)), l.ge(x, l.splat(6.0)));
        l.zero_where(outside, dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        self.backward(l, y, dy)
    }
}
