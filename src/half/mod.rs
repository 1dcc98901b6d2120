//! Half-precision storage (the `half` feature): activations on buffers of
//! [`f16`](struct@f16) and [`bf16`], computed in f32.
//!
//! Every value is converted to f32 on load, goes through the same f32
//! kernels as the f32 API, and is rounded back to the buffer's type on
//! store (to nearest, ties to even; NaN stays NaN). The results are
//! therefore exactly those of converting the buffers to f32, calling the f32
//! method, and converting back with `half`'s `to_f32`/`from_f32`, on every
//! backend and for any thread count.
//!
//! The conversions use the CPU's instructions where it has them, detected
//! at run time like the backends: F16C (`vcvtph2ps`, `vcvtps2ph`) for f16
//! and AVX2 integer code for bf16 on the avx2 and avx512 backends; the
//! scalar and portable backends use `half`'s portable conversions. The data
//! goes through in blocks of a few KiB, converted into f32 buffers that
//! stay in cache, so it makes one trip through memory as 2-byte values;
//! large buffers are split across threads where the f32 API splits them.
//!
//! ```
//! use simd_activations::half::{bf16, f16};
//! use simd_activations::{Activation, Executor};
//!
//! let exec = Executor::global()?;
//! let gelu: Activation = "gelu".parse()?;
//! let x: Vec<bf16> = [-2.0f32, -0.5, 0.0, 1.5].iter().map(|&v| bf16::from_f32(v)).collect();
//! let mut y = vec![bf16::ZERO; x.len()];
//! exec.forward_half(&gelu, &x, &mut y)?;
//!
//! // The same bits as going through f32 and rounding once at the end.
//! let xf: Vec<f32> = x.iter().map(|v| v.to_f32()).collect();
//! let mut yf = vec![0.0f32; x.len()];
//! exec.forward(&gelu, &xf, &mut yf)?;
//! let expected: Vec<bf16> = yf.iter().map(|&v| bf16::from_f32(v)).collect();
//! assert_eq!(y, expected);
//!
//! // Backward, and rowwise functions on rows of `cols` (here softmax over 2 rows).
//! let dy = vec![bf16::ONE; x.len()];
//! let mut dx = vec![bf16::ZERO; x.len()];
//! exec.backward_half(&gelu, &x, &dy, &mut dx)?;
//! let logits: Vec<f16> = [0.0f32, 0.0, 1.0, 1.0].iter().map(|&v| f16::from_f32(v)).collect();
//! let mut p = vec![f16::ZERO; 4];
//! exec.forward_rows_half(&"softmax".parse::<Activation>()?, &logits, &mut p, 2)?;
//! assert_eq!(p, [f16::from_f32(0.5); 4]);
//!
//! // Mismatched lengths are errors, as in the f32 API.
//! assert!(exec.forward_half(&gelu, &x, &mut y[..3]).is_err());
//! # Ok::<(), simd_activations::Error>(())
//! ```

mod convert;
mod tiled;

use crate::pass::same_len;
use crate::{Activation, ActivationFn, Error, Executor, Kind, PreluChannels};
use alloc::{format, vec};
use convert::Conv;
use sealed::Format;
use tiled::{Job, Op};

/// The `half` crate's 16-bit float types, re-exported.
pub use half::{bf16, f16};

pub(crate) mod sealed {
    /// Which 16-bit format a [`super::HalfFloat`] is.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Format {
        /// IEEE binary16.
        F16,
        /// bfloat16.
        Bf16,
    }

    /// Only this crate implements [`super::HalfFloat`].
    pub trait Sealed {
        /// The format.
        const FORMAT: Format;
    }

    impl Sealed for half::f16 {
        const FORMAT: Format = Format::F16;
    }

    impl Sealed for half::bf16 {
        const FORMAT: Format = Format::Bf16;
    }
}

/// A 16-bit float type the half-precision methods take: [`f16`](struct@f16) or
/// [`bf16`] (sealed: implemented for these two only).
pub trait HalfFloat:
    sealed::Sealed
    + bytemuck::Pod
    + Default
    + PartialEq
    + core::fmt::Debug
    + core::fmt::Display
    + Send
    + Sync
    + 'static
{
    /// The type's name as the report spells it: `f16` or `bf16`.
    const NAME: &'static str;
    /// The value as f32 (exact).
    fn to_f32(self) -> f32;
    /// `v` rounded to this type (to nearest, ties to even; NaN stays NaN).
    fn from_f32(v: f32) -> Self;
}

impl HalfFloat for f16 {
    const NAME: &'static str = "f16";
    fn to_f32(self) -> f32 {
        f16::to_f32(self)
    }
    fn from_f32(v: f32) -> Self {
        f16::from_f32(v)
    }
}

impl HalfFloat for bf16 {
    const NAME: &'static str = "bf16";
    fn to_f32(self) -> f32 {
        bf16::to_f32(self)
    }
    fn from_f32(v: f32) -> Self {
        bf16::from_f32(v)
    }
}

impl Executor {
    /// Which conversion code this executor uses for `H`: `"f16c"` (x86
    /// F16C), `"avx2"` (AVX2 integer code, bf16) or `"portable"` (the
    /// `half` crate's). The scalar and portable backends always convert
    /// portably, avx2 and avx512 with the instructions the CPU has.
    ///
    /// ```
    /// use simd_activations::{half::f16, Backend, Executor};
    /// let exec = Executor::with_backend(Backend::Scalar)?;
    /// assert_eq!(exec.half_conversion::<f16>(), "portable");
    /// # Ok::<(), simd_activations::Error>(())
    /// ```
    pub fn half_conversion<H: HalfFloat>(&self) -> &'static str {
        Conv::new(self.backend()).path::<H>()
    }

    /// `dst[i] = src[i]` as f32 (exact), with this executor's conversion
    /// code ([`Executor::half_conversion`]), split across threads like a
    /// forward pass.
    ///
    /// # Errors
    /// If the lengths differ.
    pub fn half_to_f32<H: HalfFloat>(&self, src: &[H], dst: &mut [f32]) -> Result<(), Error> {
        same_len("src", src.len(), "dst", dst.len())?;
        let conv = Conv::new(self.backend());
        tiled::par_zip(self, src, dst, &|s, d| conv.load_f32(s, d));
        Ok(())
    }

    /// `dst[i] = src[i]` rounded to `H` (to nearest, ties to even; NaN stays
    /// a quiet NaN), with this executor's conversion code.
    ///
    /// # Errors
    /// If the lengths differ.
    pub fn f32_to_half<H: HalfFloat>(&self, src: &[f32], dst: &mut [H]) -> Result<(), Error> {
        same_len("src", src.len(), "dst", dst.len())?;
        tiled::store(self, Conv::new(self.backend()), src, dst);
        Ok(())
    }

    /// [`Executor::forward`] on half-precision buffers (see the
    /// [module docs](crate::half)).
    ///
    /// # Errors
    /// As [`Executor::forward`].
    pub fn forward_half<A: ActivationFn + ?Sized, H: HalfFloat>(
        &self,
        act: &A,
        x: &[H],
        y: &mut [H],
    ) -> Result<(), Error> {
        self.run_half(act.activation(), Op::Forward, x, &[], y, None)
    }

    /// [`Executor::forward_inplace`] on a half-precision buffer.
    ///
    /// # Errors
    /// As [`Executor::forward_inplace`].
    pub fn forward_half_inplace<A: ActivationFn + ?Sized, H: HalfFloat>(
        &self,
        act: &A,
        x: &mut [H],
    ) -> Result<(), Error> {
        self.run_half(act.activation(), Op::ForwardInPlace, &[], &[], x, None)
    }

    /// [`Executor::backward`] on half-precision buffers.
    ///
    /// # Errors
    /// As [`Executor::backward`].
    pub fn backward_half<A: ActivationFn + ?Sized, H: HalfFloat>(
        &self,
        act: &A,
        x: &[H],
        dy: &[H],
        dx: &mut [H],
    ) -> Result<(), Error> {
        self.run_half(act.activation(), Op::Backward, x, dy, dx, None)
    }

    /// [`Executor::backward_from_output`] on half-precision buffers.
    ///
    /// # Errors
    /// As [`Executor::backward_from_output`].
    pub fn backward_from_output_half<A: ActivationFn + ?Sized, H: HalfFloat>(
        &self,
        act: &A,
        y: &[H],
        dy: &[H],
        dx: &mut [H],
    ) -> Result<(), Error> {
        self.run_half(act.activation(), Op::BackwardFromOutput, y, dy, dx, None)
    }

    /// [`Executor::forward_rows`] on half-precision buffers.
    ///
    /// # Errors
    /// As [`Executor::forward_rows`].
    pub fn forward_rows_half<A: ActivationFn + ?Sized, H: HalfFloat>(
        &self,
        act: &A,
        x: &[H],
        y: &mut [H],
        cols: usize,
    ) -> Result<(), Error> {
        self.run_half(act.activation(), Op::Forward, x, &[], y, Some(cols))
    }

    /// [`Executor::forward_rows_inplace`] on a half-precision buffer.
    ///
    /// # Errors
    /// As [`Executor::forward_rows_inplace`].
    pub fn forward_rows_half_inplace<A: ActivationFn + ?Sized, H: HalfFloat>(
        &self,
        act: &A,
        x: &mut [H],
        cols: usize,
    ) -> Result<(), Error> {
        let op = Op::ForwardInPlace;
        self.run_half(act.activation(), op, &[], &[], x, Some(cols))
    }

    /// [`Executor::backward_rows`] on half-precision buffers.
    ///
    /// # Errors
    /// As [`Executor::backward_rows`].
    pub fn backward_rows_half<A: ActivationFn + ?Sized, H: HalfFloat>(
        &self,
        act: &A,
        x: &[H],
        dy: &[H],
        dx: &mut [H],
        cols: usize,
    ) -> Result<(), Error> {
        self.run_half(act.activation(), Op::Backward, x, dy, dx, Some(cols))
    }

    /// [`Executor::backward_from_output_rows`] on half-precision buffers.
    ///
    /// # Errors
    /// As [`Executor::backward_from_output_rows`].
    pub fn backward_from_output_rows_half<A: ActivationFn + ?Sized, H: HalfFloat>(
        &self,
        act: &A,
        y: &[H],
        dy: &[H],
        dx: &mut [H],
        cols: usize,
    ) -> Result<(), Error> {
        let op = Op::BackwardFromOutput;
        self.run_half(act.activation(), op, y, dy, dx, Some(cols))
    }

    /// The f32 method for `op` on f32 buffers (`a`, `b` unused where the
    /// pass has none).
    fn call_f32(
        &self,
        act: &Activation,
        op: Op,
        a: &[f32],
        b: &[f32],
        out: &mut [f32],
        cols: Option<usize>,
    ) -> Result<(), Error> {
        match (op, cols) {
            (Op::Forward, None) => self.forward(act, a, out),
            (Op::Forward, Some(c)) => self.forward_rows(act, a, out, c),
            (Op::ForwardInPlace, None) => self.forward_inplace(act, out),
            (Op::ForwardInPlace, Some(c)) => self.forward_rows_inplace(act, out, c),
            (Op::Backward, None) => self.backward(act, a, b, out),
            (Op::Backward, Some(c)) => self.backward_rows(act, a, b, out, c),
            (Op::BackwardFromOutput, None) => self.backward_from_output(act, a, b, out),
            (Op::BackwardFromOutput, Some(c)) => self.backward_from_output_rows(act, a, b, out, c),
        }
    }

    /// Checks a half call (with the f32 API's rules and errors) and runs it.
    fn run_half<H: HalfFloat>(
        &self,
        act: Activation,
        op: Op,
        a: &[H],
        b: &[H],
        out: &mut [H],
        cols: Option<usize>,
    ) -> Result<(), Error> {
        let (a, b) = (bytemuck::cast_slice(a), bytemuck::cast_slice(b));
        self.run_bits(
            act,
            op,
            H::FORMAT,
            a,
            b,
            bytemuck::cast_slice_mut(out),
            cols,
        )
    }

    /// [`Executor::run_half`] on the values' bits: not generic, so the
    /// kernels it reaches are compiled in this crate only.
    #[allow(clippy::too_many_arguments)]
    fn run_bits(
        &self,
        act: Activation,
        op: Op,
        format: Format,
        a: &[u16],
        b: &[u16],
        out: &mut [u16],
        cols: Option<usize>,
    ) -> Result<(), Error> {
        // The buffer whose length sets the rows: the pass's input (dx for
        // backward from the output, as in the f32 API).
        let in_len = match op {
            Op::Forward | Op::Backward => a.len(),
            Op::ForwardInPlace | Op::BackwardFromOutput => out.len(),
        };
        if in_len == 0 {
            // Nothing to compute; let the f32 API judge the lengths and
            // parameters on empty (or, if wrongly sized, zero) buffers.
            let (fa, fb) = (vec![0.0f32; a.len()], vec![0.0f32; b.len()]);
            let mut fo = vec![0.0f32; out.len()];
            return self.call_f32(&act, op, &fa, &fb, &mut fo, cols);
        }
        let cols_or_all = cols.unwrap_or(in_len);
        // Parameters, the pass's support (backward from the output, in
        // place) and the row length's fit (maxout's k): the f32 API's
        // checks, on empty buffers, before anything is written.
        self.call_f32(&act, op, &[], &[], &mut [], Some(cols_or_all))?;
        let rowwise = act.kind() == Kind::Rowwise;
        let conv = Conv::new(self.backend());
        if !rowwise {
            match op {
                Op::Forward => same_len("x", a.len(), "y", out.len())?,
                Op::ForwardInPlace => {}
                Op::Backward => {
                    same_len("x", a.len(), "dy", b.len())?;
                    same_len("x", a.len(), "dx", out.len())?;
                }
                Op::BackwardFromOutput => {
                    same_len("y", a.len(), "dy", b.len())?;
                    same_len("y", a.len(), "dx", out.len())?;
                }
            }
            rows_of("the buffer", in_len, cols_or_all)?;
            let one = |used: bool| usize::from(used);
            let per_row = [one(op != Op::ForwardInPlace), one(is_backward(op)), 1];
            let job = Job {
                op,
                format,
                a,
                b,
                out,
                per_row,
            };
            // Where the f32 API would split this kernel's calls.
            let exec = self.for_family(act.info().family);
            let parallel = exec.splits(in_len);
            let token = self.token();
            return dispatch!(&act, k =>
                elementwise: {
                    let runner = tiled::Elementwise1 { token, kernel: k };
                    tiled::run(conv, &runner, job, exec.chunk_len(), parallel)
                },
                rowwise: {
                    let _ = k;
                    unreachable!("rowwise kernels take the path below")
                },
            );
        }
        let cols = cols_or_all;
        let input = if op == Op::BackwardFromOutput {
            "dx"
        } else {
            "x"
        };
        let rows = rows_of(input, in_len, cols)?;
        let out_cols = output_cols(&act, cols)?;
        let expect = |what: &str, len: usize, per_row: usize| {
            let want = rows * per_row;
            if len == want {
                Ok(())
            } else {
                Err(Error::InvalidShape {
                    reason: format!(
                        "{act} with {input} of {rows} × {cols}: {what} must have {want} elements \
                         ({rows} rows of {per_row}), found {len}"
                    ),
                })
            }
        };
        let per_row = match op {
            Op::Forward => [cols, 0, out_cols],
            Op::ForwardInPlace => [0, 0, cols],
            Op::Backward => [cols, out_cols, cols],
            Op::BackwardFromOutput => [out_cols, out_cols, cols],
        };
        match op {
            Op::Forward | Op::Backward => expect("x", a.len(), per_row[0])?,
            Op::BackwardFromOutput => expect("y", a.len(), per_row[0])?,
            Op::ForwardInPlace => {}
        }
        if is_backward(op) {
            expect("dy", b.len(), per_row[1])?;
        }
        let out_name = if op == Op::Forward { "y" } else { "dx" };
        expect(out_name, out.len(), per_row[2])?;
        let rows_per_task = (self.chunk_len() / cols).max(1);
        let parallel = self.splits(in_len) && rows > rows_per_task;
        // Across rows in parallel: each task's f32 calls stay on its thread.
        // Otherwise the f32 API may still split long rows itself.
        let exec = if parallel { self.serial() } else { *self };
        let runner = tiled::Rows { exec, act, cols };
        let job = Job {
            op,
            format,
            a,
            b,
            out,
            per_row,
        };
        tiled::run(conv, &runner, job, rows_per_task, parallel)
    }
}

fn is_backward(op: Op) -> bool {
    matches!(op, Op::Backward | Op::BackwardFromOutput)
}

/// `len` elements as rows of `cols`: the row count, or the f32 API's error.
fn rows_of(what: &str, len: usize, cols: usize) -> Result<usize, Error> {
    let reason = if cols == 0 {
        format!("{what} has {len} elements but rows of 0 columns were asked for")
    } else if !len.is_multiple_of(cols) {
        format!("{what} has {len} elements, not a whole number of rows of {cols}")
    } else {
        return Ok(len / cols);
    };
    Err(Error::InvalidShape { reason })
}

/// Output elements per row of `cols` inputs.
fn output_cols(act: &Activation, cols: usize) -> Result<usize, Error> {
    dispatch!(act, k =>
        elementwise: { let _ = k; Ok(cols) },
        rowwise: crate::kernel::Rowwise::output_cols(k, cols).map_err(|why| Error::InvalidShape {
            reason: format!("{act} on rows of {cols}: {why}"),
        }),
    )
}

impl PreluChannels<'_> {
    /// [`PreluChannels::forward`] on half-precision buffers. Converts the
    /// whole input to f32 (a temporary as large as `x` in f32), runs the
    /// f32 pass and rounds the output back; the bits are those of doing so
    /// by hand.
    ///
    /// # Errors
    /// As [`PreluChannels::forward`].
    pub fn forward_half<H: HalfFloat>(&self, x: &[H], y: &mut [H]) -> Result<(), Error> {
        same_len("x", x.len(), "y", y.len())?;
        let exec = self.executor()?;
        let conv = Conv::new(exec.backend());
        let mut xf = tiled::to_vec(&exec, conv, x);
        self.forward_inplace(&mut xf)?;
        tiled::store(&exec, conv, &xf, y);
        Ok(())
    }

    /// [`PreluChannels::forward_inplace`] on a half-precision buffer (through
    /// an f32 temporary, as [`PreluChannels::forward_half`]).
    ///
    /// # Errors
    /// As [`PreluChannels::forward_inplace`].
    pub fn forward_half_inplace<H: HalfFloat>(&self, x: &mut [H]) -> Result<(), Error> {
        let exec = self.executor()?;
        let conv = Conv::new(exec.backend());
        let mut xf = tiled::to_vec(&exec, conv, x);
        self.forward_inplace(&mut xf)?;
        tiled::store(&exec, conv, &xf, x);
        Ok(())
    }

    /// [`PreluChannels::backward`] on half-precision `x`, `dy` and `dx`
    /// (through f32 temporaries); the weight gradient `dw` stays f32, as the
    /// weights are.
    ///
    /// # Errors
    /// As [`PreluChannels::backward`].
    pub fn backward_half<H: HalfFloat>(
        &self,
        x: &[H],
        dy: &[H],
        dx: &mut [H],
        dw: &mut [f32],
    ) -> Result<(), Error> {
        same_len("x", x.len(), "dy", dy.len())?;
        same_len("x", x.len(), "dx", dx.len())?;
        let exec = self.executor()?;
        let conv = Conv::new(exec.backend());
        let xf = tiled::to_vec(&exec, conv, x);
        let dyf = tiled::to_vec(&exec, conv, dy);
        let mut dxf = vec![0.0f32; dx.len()];
        self.backward(&xf, &dyf, &mut dxf, dw)?;
        tiled::store(&exec, conv, &dxf, dx);
        Ok(())
    }
}
