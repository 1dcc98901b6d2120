//! The slice API every activation shares: [`ActivationFn`].

use crate::kernel::{FromOutput, Info, Param, ParamValue};
use crate::{Activation, Error, Executor};
use alloc::vec::Vec;

/// Forward and backward over f32 slices, implemented by [`Activation`] and
/// by every typed activation struct ([`crate::Relu`], [`crate::LeakyRelu`], ...).
///
/// The methods run on the process's default [`Executor`] (the detected or
/// `SIMD_ACTIVATIONS_BACKEND` backend, parallel for large buffers); use
/// [`Executor`]'s methods of the same names to pick a backend or force
/// serial execution.
///
/// Every method validates first and returns `Err` instead of panicking: on
/// buffers of different lengths, invalid parameters, or an unusable
/// backend setting.
pub trait ActivationFn {
    /// This activation as an [`Activation`] value.
    fn activation(&self) -> Activation;

    /// Name, parameters and formulas.
    fn info(&self) -> &'static Info {
        self.activation().info()
    }

    /// `y = f(x)`; `x` and `y` must have the same length (for maxout, `y`
    /// has `x.len() / k` elements; rowwise functions treat the buffer as one
    /// row, see [`crate::Kind::Rowwise`]).
    fn forward(&self, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
        Executor::global()?.forward(self, x, y)
    }

    /// `x = f(x)`, in place.
    fn forward_inplace(&self, x: &mut [f32]) -> Result<(), Error> {
        Executor::global()?.forward_inplace(self, x)
    }

    /// `dx = f'(x)·dy` from the forward input `x`.
    fn backward(&self, x: &[f32], dy: &[f32], dx: &mut [f32]) -> Result<(), Error> {
        Executor::global()?.backward(self, x, dy, dx)
    }

    /// `dx` from the forward output `y` instead of the input, so a training
    /// loop can free `x` (oneDNN's `use_dst_for_bwd`).
    ///
    /// Available where `y` determines the gradient (the README tables'
    /// "from y" column): for example relu, sigmoid, tanh and softmax always,
    /// leaky_relu only with `negative_slope >= 0`, elu only with
    /// `alpha >= 0`; not for hardswish, silu, gelu or mish, whose output
    /// does not identify the input. Elsewhere it is an `Err`;
    /// [`ActivationFn::supports_backward_from_output`] tells in advance and
    /// each activation's [`Info::from_output`] says why.
    fn backward_from_output(&self, y: &[f32], dy: &[f32], dx: &mut [f32]) -> Result<(), Error> {
        Executor::global()?.backward_from_output(self, y, dy, dx)
    }

    /// [`ActivationFn::backward`] writing `dx` over `dy` (one buffer less in
    /// a training loop); see [`Executor::backward_inplace`].
    fn backward_inplace(&self, x: &[f32], dy_dx: &mut [f32]) -> Result<(), Error> {
        Executor::global()?.backward_inplace(self, x, dy_dx)
    }

    /// [`ActivationFn::backward_from_output`] writing `dx` over `dy`; see
    /// [`Executor::backward_inplace`].
    fn backward_from_output_inplace(&self, y: &[f32], dy_dx: &mut [f32]) -> Result<(), Error> {
        Executor::global()?.backward_from_output_inplace(self, y, dy_dx)
    }

    /// `y = f(x)` on a `[rows, cols]` buffer: softmax, log_softmax and
    /// maxout apply to each row of `cols` elements (maxout's `y` has
    /// `cols / k` per row); elementwise functions ignore the rows.
    ///
    /// ```
    /// use simd_activations::{ActivationFn, Softmax};
    /// let x = [0.0f32, 0.0, 1.0, 1.0, 1.0, 1.0];
    /// let mut y = [0.0f32; 6];
    /// Softmax::default().forward_rows(&x, &mut y, 2)?; // 3 rows of 2
    /// assert_eq!(y, [0.5; 6]);
    /// # Ok::<(), simd_activations::Error>(())
    /// ```
    fn forward_rows(&self, x: &[f32], y: &mut [f32], cols: usize) -> Result<(), Error> {
        Executor::global()?.forward_rows(self, x, y, cols)
    }

    /// `x = f(x)` in place on rows of `cols` elements (not for maxout).
    fn forward_rows_inplace(&self, x: &mut [f32], cols: usize) -> Result<(), Error> {
        Executor::global()?.forward_rows_inplace(self, x, cols)
    }

    /// `dx` from `x` and `dy` on rows of `cols` input elements.
    fn backward_rows(
        &self,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        cols: usize,
    ) -> Result<(), Error> {
        Executor::global()?.backward_rows(self, x, dy, dx, cols)
    }

    /// `dx` from `y` and `dy` on rows of `cols` input elements.
    fn backward_from_output_rows(
        &self,
        y: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        cols: usize,
    ) -> Result<(), Error> {
        Executor::global()?.backward_from_output_rows(self, y, dy, dx, cols)
    }

    /// Whether [`ActivationFn::backward_from_output`] works for this
    /// activation with these parameters.
    fn supports_backward_from_output(&self) -> bool {
        with_kernel!(&self.activation(), k => {
            crate::kernel::Kernel::check_backward_from_output(k).is_ok()
        })
    }
}

impl ActivationFn for Activation {
    fn activation(&self) -> Activation {
        *self
    }
}

impl Activation {
    /// Name, parameters and formulas of this activation.
    pub fn info(&self) -> &'static Info {
        with_kernel!(self, k => info_of(k))
    }

    /// Whether the function is elementwise or works on whole rows.
    pub fn kind(&self) -> crate::Kind {
        with_kernel!(self, k => kind_of(k))
    }

    /// The spec name, e.g. `leaky_relu`.
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// The parameters with their values, in `info().params` order.
    pub fn params(&self) -> Vec<(&'static Param, ParamValue)> {
        with_kernel!(self, k => params_of(k))
    }

    /// The value of the parameter called `name`, if it has one.
    pub fn param(&self, name: &str) -> Option<ParamValue> {
        with_kernel!(self, k => param_of(k, name))
    }

    /// Whether the function has a given form of backward-from-output at all
    /// (for some parameter values).
    pub fn has_backward_from_output(&self) -> bool {
        !matches!(self.info().from_output, FromOutput::Never(_))
    }
}

fn params_of<K: crate::kernel::Kernel>(k: &K) -> Vec<(&'static Param, ParamValue)> {
    K::INFO
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| (p, k.param(i)))
        .collect()
}

fn param_of<K: crate::kernel::Kernel>(k: &K, name: &str) -> Option<ParamValue> {
    let index = K::INFO.params.iter().position(|p| p.name == name)?;
    Some(k.param(index))
}

fn info_of<K: crate::kernel::Kernel>(_: &K) -> &'static Info {
    &K::INFO
}

fn kind_of<K: crate::kernel::Kernel>(_: &K) -> crate::Kind {
    K::KIND
}
