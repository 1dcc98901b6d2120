//! One call's buffers: which pass runs, over which slices, and how to cut
//! them into chunks for the parallel split.

use crate::Error;

/// The buffers of one pass over an elementwise activation.
pub(crate) enum Pass<'a> {
    /// `y = f(x)`.
    Forward { x: &'a [f32], y: &'a mut [f32] },
    /// `x = f(x)`.
    ForwardInPlace { xy: &'a mut [f32] },
    /// `dx = f'(x)·dy`.
    Backward {
        x: &'a [f32],
        dy: &'a [f32],
        dx: &'a mut [f32],
    },
    /// `dx` from the output `y` and `dy`.
    BackwardFromOutput {
        y: &'a [f32],
        dy: &'a [f32],
        dx: &'a mut [f32],
    },
    /// `g = f'(x)·g`: `g` holds `dy` and receives `dx`.
    BackwardInPlace { x: &'a [f32], g: &'a mut [f32] },
    /// `g` = the gradient from the output `y` and `dy = g`.
    BackwardFromOutputInPlace { y: &'a [f32], g: &'a mut [f32] },
}

/// `Err` unless buffer `found_name` is as long as `expected_name`.
pub(crate) fn same_len(
    expected_name: &'static str,
    expected: usize,
    found_name: &'static str,
    found: usize,
) -> Result<(), Error> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            expected_name,
            expected,
            found_name,
            found,
        })
    }
}

impl<'a> Pass<'a> {
    /// Checks that all buffers have the same length.
    pub(crate) fn check_lengths(&self) -> Result<(), Error> {
        match self {
            Pass::Forward { x, y } => same_len("x", x.len(), "y", y.len()),
            Pass::ForwardInPlace { .. } => Ok(()),
            Pass::Backward { x, dy, dx } => {
                same_len("x", x.len(), "dy", dy.len())?;
                same_len("x", x.len(), "dx", dx.len())
            }
            Pass::BackwardFromOutput { y, dy, dx } => {
                same_len("y", y.len(), "dy", dy.len())?;
                same_len("y", y.len(), "dx", dx.len())
            }
            Pass::BackwardInPlace { x, g } => same_len("x", x.len(), "dy_dx", g.len()),
            Pass::BackwardFromOutputInPlace { y, g } => same_len("y", y.len(), "dy_dx", g.len()),
        }
    }

    /// Whether this is one of the backward passes from the output.
    pub(crate) fn is_from_output(&self) -> bool {
        matches!(
            self,
            Pass::BackwardFromOutput { .. } | Pass::BackwardFromOutputInPlace { .. }
        )
    }

    /// The number of elements (of the written buffer).
    pub(crate) fn len(&self) -> usize {
        match self {
            Pass::Forward { y, .. } => y.len(),
            Pass::ForwardInPlace { xy } => xy.len(),
            Pass::Backward { dx, .. } | Pass::BackwardFromOutput { dx, .. } => dx.len(),
            Pass::BackwardInPlace { g, .. } | Pass::BackwardFromOutputInPlace { g, .. } => g.len(),
        }
    }

    /// Splits every buffer at `mid` (lengths already checked equal).
    pub(crate) fn split_at(self, mid: usize) -> (Pass<'a>, Pass<'a>) {
        match self {
            Pass::Forward { x, y } => {
                let (x0, x1) = x.split_at(mid);
                let (y0, y1) = y.split_at_mut(mid);
                (
                    Pass::Forward { x: x0, y: y0 },
                    Pass::Forward { x: x1, y: y1 },
                )
            }
            Pass::ForwardInPlace { xy } => {
                let (a, b) = xy.split_at_mut(mid);
                (
                    Pass::ForwardInPlace { xy: a },
                    Pass::ForwardInPlace { xy: b },
                )
            }
            Pass::Backward { x, dy, dx } => {
                let (x0, x1) = x.split_at(mid);
                let (g0, g1) = dy.split_at(mid);
                let (d0, d1) = dx.split_at_mut(mid);
                (
                    Pass::Backward {
                        x: x0,
                        dy: g0,
                        dx: d0,
                    },
                    Pass::Backward {
                        x: x1,
                        dy: g1,
                        dx: d1,
                    },
                )
            }
            Pass::BackwardFromOutput { y, dy, dx } => {
                let (y0, y1) = y.split_at(mid);
                let (g0, g1) = dy.split_at(mid);
                let (d0, d1) = dx.split_at_mut(mid);
                (
                    Pass::BackwardFromOutput {
                        y: y0,
                        dy: g0,
                        dx: d0,
                    },
                    Pass::BackwardFromOutput {
                        y: y1,
                        dy: g1,
                        dx: d1,
                    },
                )
            }
            Pass::BackwardInPlace { x, g } => {
                let (x0, x1) = x.split_at(mid);
                let (g0, g1) = g.split_at_mut(mid);
                (
                    Pass::BackwardInPlace { x: x0, g: g0 },
                    Pass::BackwardInPlace { x: x1, g: g1 },
                )
            }
            Pass::BackwardFromOutputInPlace { y, g } => {
                let (y0, y1) = y.split_at(mid);
                let (g0, g1) = g.split_at_mut(mid);
                (
                    Pass::BackwardFromOutputInPlace { y: y0, g: g0 },
                    Pass::BackwardFromOutputInPlace { y: y1, g: g1 },
                )
            }
        }
    }
}

impl crate::par::Divisible for Pass<'_> {
    fn len(&self) -> usize {
        Pass::len(self)
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        Pass::split_at(self, mid)
    }
}
