//! `binary_step`: x >= 0 ? 1 : 0.

use crate::kernel::prelude::*;

/// Binary (Heaviside) step: `x >= 0 ? 1 : 0`, NaN propagating.
///
/// Its derivative is 0 wherever it exists, so backward gives `dx = 0` (also
/// from the output).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BinaryStep;

impl Elementwise for BinaryStep {
    const INFO: Info = Info {
        name: "binary_step",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "x >= 0 ? 1 : 0",
        backward: "0",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::EXACT,
        examples: &["binary_step"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        BinaryStep
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("binary_step has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let step = l.select(l.ge(x, l.splat(0.0)), l.splat(1.0), l.splat(0.0));
        l.select(l.is_nan(x), x, step)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, _: L::F, _: L::F) -> L::F {
        l.splat(0.0)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, _: L::F, _: L::F) -> L::F {
        l.splat(0.0)
    }
}
