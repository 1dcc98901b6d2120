//! `softsign`: x/(1 + |x|).

use crate::kernel::prelude::*;

/// Softsign `x/(1 + |x|)`; ±inf give ±1.
///
/// Backward `dy/(1 + |x|)²` as two divisions (no overflow of the square);
/// from the output `dy·(1 - |y|)²`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Softsign;

impl Elementwise for Softsign {
    const INFO: Info = Info {
        name: "softsign",
        aliases: &[],
        family: Family::Transcendental,
        forward: "x/(1 + abs(x))",
        backward: "dy/(1 + abs(x))²; from y: dy·(1 - |y|)²",
        params: &[],
        from_output: FromOutput::Always,
        accuracy: Accuracy::ulps(2, 4),
        examples: &["softsign"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Softsign
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("softsign has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let y = l.div(x, l.add(l.splat(1.0), l.abs(x)));
        // inf/inf would be NaN; the limit is ±1.
        let sign = l.select(l.lt(x, l.splat(0.0)), l.splat(-1.0), l.splat(1.0));
        l.select(l.eq(l.abs(x), l.splat(f32::INFINITY)), sign, y)
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let d = l.add(l.splat(1.0), l.abs(x));
        l.div(l.div(dy, d), d)
    }

    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        let c = l.sub(l.splat(1.0), l.abs(y));
        l.mul(l.mul(dy, c), c)
    }
}
