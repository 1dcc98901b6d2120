//! `identity`: x.

use crate::kernel::prelude::*;

/// Identity: `y = x`, `dx = dy`. Useful as a no-op in configs and as the
/// pure memory-traffic baseline of the report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Identity;

impl Elementwise for Identity {
    const INFO: Info = Info {
        name: "identity",
        aliases: &["linear"],
        family: Family::PiecewiseLinear,
        forward: "x",
        backward: "dy",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::EXACT,
        examples: &["identity"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Identity
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("identity has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, _: L, x: L::F) -> L::F {
        x
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, _: L, _: L::F, dy: L::F) -> L::F {
        dy
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, _: L, _: L::F, dy: L::F) -> L::F {
        dy
    }
}
