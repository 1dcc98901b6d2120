//! `threshold`: x <= threshold ? value : x.

use crate::kernel::prelude::*;

/// Threshold: `x <= threshold ? value : x` (both parameters required, as in
/// PyTorch), NaN propagating.
///
/// Backward `x <= threshold ? 0 : dy`. From the output only when
/// `value <= threshold` (otherwise a replaced element looks like a kept one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    /// Elements at or below this are replaced.
    pub threshold: f32,
    /// The replacement.
    pub value: f32,
}

impl Elementwise for Threshold {
    const INFO: Info = Info {
        name: "threshold",
        aliases: &[],
        family: Family::PiecewiseLinear,
        forward: "x <= threshold ? value : x",
        backward: "x <= threshold ? 0 : dy",
        params: &[
            Param::required("threshold", "elements at or below it are replaced"),
            Param::required("value", "the replacement"),
        ],
        from_output: FromOutput::When("value <= threshold"),
        accuracy: Accuracy::EXACT,
        examples: &[
            "threshold(threshold=0.5,value=-1)",
            "threshold(threshold=-1,value=2)",
            "threshold(threshold=0,value=0)",
        ],
    };

    fn from_params(v: &[ParamValue]) -> Self {
        Threshold {
            threshold: v[0].float(),
            value: v[1].float(),
        }
    }

    fn param(&self, index: usize) -> ParamValue {
        ParamValue::Float([self.threshold, self.value][index])
    }

    fn check_backward_from_output(&self) -> Result<(), &'static str> {
        if self.value <= self.threshold {
            Ok(())
        } else {
            Err("with value > threshold, a replaced element is indistinguishable from a kept one")
        }
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        l.select(l.le(x, l.splat(self.threshold)), l.splat(self.value), x)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        l.zero_where(l.le(x, l.splat(self.threshold)), dy)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        self.backward(l, y, dy)
    }
}
