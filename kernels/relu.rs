//! `relu`: max(0, x).

use crate::kernel::prelude::*;

/// Rectified linear unit: `max(0, x)`, NaN propagating.
///
/// Backward `x <= 0 ? 0 : dy` (PyTorch's `threshold_backward(dy, x, 0)`):
/// the gradient at 0 is 0, and a NaN input passes `dy`. From the output:
/// `y <= 0 ? 0 : dy`, the same values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Relu;

impl Elementwise for Relu {
    const INFO: Info = Info {
        name: "relu",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "max(0, x)",
        backward: "x <= 0 ? 0 : dy",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::EXACT,
        examples: &["relu"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Relu
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("relu has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        // max puts x second, so a NaN x comes through.
        l.max(l.splat(0.0), x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let zero = l.splat(0.0);
        l.zero_where(l.le(x, zero), dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        self.backward(l, y, dy)
    }
}
