//! Activations on [`ndarray`] arrays of any dimension and memory layout
//! (the `ndarray` cargo feature).
//!
//! Arrays whose elements are contiguous in memory take the slice path in
//! one call. Others (a transposed view, every other column, ...) are
//! processed lane by lane along the last axis: a lane that is contiguous is
//! passed as a slice, any other is copied through a buffer of one lane, so
//! the whole array is never copied. Both give the same bits.
//!
//! Rowwise functions take their rows from the last axis: softmax and
//! log_softmax normalize along it, and maxout's output has the last axis
//! `k` times shorter. Per-channel prelu, srelu and apl take their layout
//! from the shape: `Layout::channels_first(array.shape())`.
//!
//! ```
//! use ndarray::{array, Array2};
//! use simd_activations::{Activate, ActivationFn, Executor, Relu, Softmax};
//!
//! let mut a = array![[-1.0f32, 2.0], [3.0, -4.0]];
//! a.activate(&Relu)?;
//! assert_eq!(a, array![[0.0, 2.0], [3.0, 0.0]]);
//!
//! // A transposed view: rows are the columns of `x`, never copied whole.
//! let x = array![[0.0f32, 1.0], [0.0, 1.0]];
//! let mut y = Array2::<f32>::zeros((2, 2));
//! Executor::global()?.forward_array(&Softmax::default(), &x.t(), &mut y)?;
//! assert_eq!(y, array![[0.5, 0.5], [0.5, 0.5]]);
//! # Ok::<(), simd_activations::Error>(())
//! ```

use crate::{ActivationFn, Error, Executor};
use ndarray::{ArrayBase, ArrayView1, ArrayViewMut1, Axis, Data, DataMut, Dimension};

/// `y = f(x)` in place on an array: `array.activate(&act)`.
pub trait Activate {
    /// Applies `act` to every element (rowwise functions along the last
    /// axis), on the default executor.
    ///
    /// # Errors
    /// As [`Executor::forward_array_inplace`].
    fn activate<A: ActivationFn + ?Sized>(&mut self, act: &A) -> Result<(), Error>;
}

impl<S: DataMut<Elem = f32>, D: Dimension> Activate for ArrayBase<S, D> {
    fn activate<A: ActivationFn + ?Sized>(&mut self, act: &A) -> Result<(), Error> {
        Executor::global()?.forward_array_inplace(act, self)
    }
}

/// The shapes must agree except, for maxout, in the last axis.
fn check_shapes(a: (&'static str, &[usize]), b: (&'static str, &[usize])) -> Result<(), Error> {
    let same_rank = a.1.len() == b.1.len();
    let lead = |s: &[usize]| s[..s.len().saturating_sub(1)].to_vec();
    if same_rank && lead(a.1) == lead(b.1) {
        Ok(())
    } else {
        Err(Error::InvalidShape {
            reason: format!(
                "{} has shape {:?} but {} has shape {:?}",
                a.0, a.1, b.0, b.1
            ),
        })
    }
}

/// The last axis (arrays of rank 0 are handled as one element).
fn last_axis(ndim: usize) -> Axis {
    Axis(ndim.saturating_sub(1))
}

/// Runs `f` on a lane as a slice: the lane itself when contiguous, else a
/// copy in `buf`.
fn lane<'a>(v: &'a ArrayView1<'a, f32>, buf: &'a mut Vec<f32>) -> &'a [f32] {
    match v.as_slice() {
        Some(s) => s,
        None => {
            buf.clear();
            buf.extend(v.iter());
            buf
        }
    }
}

/// Runs `f` with a mutable slice for `v` (a copy written back when `v` is
/// not contiguous); `load` says whether the copy must hold `v`'s values.
fn lane_mut(
    v: &mut ArrayViewMut1<'_, f32>,
    buf: &mut Vec<f32>,
    load: bool,
    f: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) -> Result<(), Error> {
    if let Some(s) = v.as_slice_mut() {
        return f(s);
    }
    buf.clear();
    if load {
        buf.extend(v.iter());
    } else {
        buf.resize(v.len(), 0.0);
    }
    f(buf)?;
    v.iter_mut().zip(buf.iter()).for_each(|(d, s)| *d = *s);
    Ok(())
}

impl Executor {
    /// `y = f(x)` on arrays of any dimension and layout (see the
    /// [module docs](crate::array)); `y` has `x`'s shape (for maxout, the
    /// last axis `k` times shorter).
    ///
    /// # Errors
    /// If the shapes do not agree, and as [`Executor::forward_rows`].
    pub fn forward_array<A, S, T, D>(
        &self,
        act: &A,
        x: &ArrayBase<S, D>,
        y: &mut ArrayBase<T, D>,
    ) -> Result<(), Error>
    where
        A: ActivationFn + ?Sized,
        S: Data<Elem = f32>,
        T: DataMut<Elem = f32>,
        D: Dimension,
    {
        check_shapes(("x", x.shape()), ("y", y.shape()))?;
        let cols = x.shape().last().copied().unwrap_or(1);
        if let (Some(xs), Some(ys)) = (x.as_slice(), y.as_slice_mut()) {
            return self.forward_rows(act, xs, ys, cols);
        }
        // Rank 0 is always contiguous, so from here on there is a last axis.
        let axis = last_axis(x.ndim());
        let (mut xb, mut yb) = (Vec::new(), Vec::new());
        for (xl, mut yl) in x.lanes(axis).into_iter().zip(y.lanes_mut(axis)) {
            let xs = lane(&xl, &mut xb);
            lane_mut(&mut yl, &mut yb, false, |ys| {
                self.forward_rows(act, xs, ys, cols)
            })?;
        }
        Ok(())
    }

    /// `x = f(x)` in place on an array of any dimension and layout.
    ///
    /// # Errors
    /// As [`Executor::forward_rows_inplace`] (maxout cannot run in place).
    pub fn forward_array_inplace<A, S, D>(
        &self,
        act: &A,
        x: &mut ArrayBase<S, D>,
    ) -> Result<(), Error>
    where
        A: ActivationFn + ?Sized,
        S: DataMut<Elem = f32>,
        D: Dimension,
    {
        let cols = x.shape().last().copied().unwrap_or(1);
        let axis = last_axis(x.ndim());
        if let Some(xs) = x.as_slice_mut() {
            return self.forward_rows_inplace(act, xs, cols);
        }
        let mut buf = Vec::new();
        for mut xl in x.lanes_mut(axis) {
            lane_mut(&mut xl, &mut buf, true, |xs| {
                self.forward_rows_inplace(act, xs, cols)
            })?;
        }
        Ok(())
    }

    /// `dx = f'(x)·dy` on arrays of any dimension and layout; `dy` has the
    /// forward output's shape, `dx` has `x`'s.
    ///
    /// # Errors
    /// If the shapes do not agree, and as [`Executor::backward_rows`].
    pub fn backward_array<A, S, T, U, D>(
        &self,
        act: &A,
        x: &ArrayBase<S, D>,
        dy: &ArrayBase<T, D>,
        dx: &mut ArrayBase<U, D>,
    ) -> Result<(), Error>
    where
        A: ActivationFn + ?Sized,
        S: Data<Elem = f32>,
        T: Data<Elem = f32>,
        U: DataMut<Elem = f32>,
        D: Dimension,
    {
        check_shapes(("x", x.shape()), ("dy", dy.shape()))?;
        if x.shape() != dx.shape() {
            return Err(Error::InvalidShape {
                reason: format!(
                    "x has shape {:?} but dx has shape {:?}",
                    x.shape(),
                    dx.shape()
                ),
            });
        }
        let cols = x.shape().last().copied().unwrap_or(1);
        if let (Some(xs), Some(gs), Some(ds)) = (x.as_slice(), dy.as_slice(), dx.as_slice_mut()) {
            return self.backward_rows(act, xs, gs, ds, cols);
        }
        let axis = last_axis(x.ndim());
        let (mut xb, mut gb, mut db) = (Vec::new(), Vec::new(), Vec::new());
        let lanes = x
            .lanes(axis)
            .into_iter()
            .zip(dy.lanes(axis))
            .zip(dx.lanes_mut(axis));
        for ((xl, gl), mut dl) in lanes {
            let xs = lane(&xl, &mut xb);
            let gs = lane(&gl, &mut gb);
            lane_mut(&mut dl, &mut db, false, |ds| {
                self.backward_rows(act, xs, gs, ds, cols)
            })?;
        }
        Ok(())
    }
}
