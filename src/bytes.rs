//! Activations on byte buffers: tensors held as bytes (a memory-mapped
//! safetensors file, a network buffer) or as any other [`bytemuck::Pod`]
//! type that really holds f32 data.
//!
//! The buffers are viewed as `f32` without copying when they are 4-byte
//! aligned and a whole number of `f32` long. A buffer that is not aligned
//! is an [`Error::ByteBuffer`] by default; with [`Misaligned::Copy`] the
//! call copies it into an aligned temporary instead (and copies an output
//! back). A length that is not a multiple of 4 bytes is always an error.
//! Values are in the machine's byte order, as a cast gives them.
//!
//! ```
//! use simd_activations::{Executor, Misaligned, Relu};
//! let values = [-1.0f32, 2.0, -3.0, 4.0];
//! let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_ne_bytes()).collect();
//! let mut out = vec![0u8; bytes.len()];
//! let exec = Executor::global()?;
//! // A Vec<u8> need not be 4-byte aligned, so let the call copy if it is not.
//! exec.forward_bytes(&Relu, &bytes, &mut out, Misaligned::Copy)?;
//! let y: Vec<f32> = out.chunks(4).map(|c| f32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect();
//! assert_eq!(y, [0.0, 2.0, 0.0, 4.0]);
//!
//! // Offset by one byte, without permission to copy: an error that says why.
//! let err = exec.forward_bytes(&Relu, &bytes[1..13], &mut out[..12], Misaligned::Error);
//! assert!(err.unwrap_err().to_string().contains("alignment"));
//! # Ok::<(), simd_activations::Error>(())
//! ```

use crate::{ActivationFn, Error, Executor};
use alloc::borrow::Cow;
use alloc::{format, string::ToString, vec};
use bytemuck::{Pod, PodCastError};

/// What a byte-buffer call does with a buffer that is not 4-byte aligned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Misaligned {
    /// Return [`Error::ByteBuffer`]: nothing is copied behind the caller's
    /// back.
    #[default]
    Error,
    /// Copy the buffer into an aligned temporary (and an output back after
    /// the call): one extra read and write of the data.
    Copy,
}

/// How far `data` starts past a 4-byte boundary.
fn misalignment<T>(data: &[T]) -> usize {
    data.as_ptr() as usize % core::mem::align_of::<f32>()
}

/// The error for a buffer named `buffer` of `bytes` bytes starting
/// `offset` bytes past a 4-byte boundary, which bytemuck refused to cast.
fn byte_error(buffer: &'static str, bytes: usize, offset: usize, e: PodCastError) -> Error {
    let problem = match e {
        PodCastError::TargetAlignmentGreaterAndInputNotAligned => format!(
            "starts {offset} bytes past a 4-byte boundary, and f32 needs 4-byte alignment \
             (choose Misaligned::Copy to copy it instead)"
        ),
        _ => "is not a whole number of f32 (4 bytes each)".to_string(),
    };
    Error::ByteBuffer {
        buffer,
        bytes,
        problem,
    }
}

/// Whether `data` is a whole number of f32 that is only misaligned, and
/// `mode` allows a copy.
fn copy_instead<T>(data: &[T], mode: Misaligned) -> bool {
    mode == Misaligned::Copy
        && misalignment(data) != 0
        && core::mem::size_of_val(data).is_multiple_of(4)
}

/// `data` as f32 values, borrowed when it can be cast, copied when it is
/// only misaligned and `mode` allows it.
pub(crate) fn view<'a, T: Pod>(
    buffer: &'static str,
    data: &'a [T],
    mode: Misaligned,
) -> Result<Cow<'a, [f32]>, Error> {
    if core::mem::size_of_val(data) == 0 {
        // An empty Vec<u8> has a dangling, 1-aligned pointer: still empty.
        return Ok(Cow::Borrowed(&[]));
    }
    if copy_instead(data, mode) {
        let bytes: &[u8] = bytemuck::cast_slice(data);
        let mut v = vec![0.0f32; bytes.len() / 4];
        bytemuck::cast_slice_mut::<f32, u8>(&mut v).copy_from_slice(bytes);
        return Ok(Cow::Owned(v));
    }
    let (bytes, offset) = (core::mem::size_of_val(data), misalignment(data));
    bytemuck::try_cast_slice::<T, f32>(data)
        .map(Cow::Borrowed)
        .map_err(|e| byte_error(buffer, bytes, offset, e))
}

/// Runs `f` on `data` viewed as `&mut [f32]`: in place when it can be cast,
/// on a copy written back afterwards when it is only misaligned and `mode`
/// allows it. `load` says whether the copy must start from `data`'s values
/// (an in-place input) or may start from zeros (a pure output).
fn with_mut<T: Pod>(
    buffer: &'static str,
    data: &mut [T],
    mode: Misaligned,
    load: bool,
    f: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) -> Result<(), Error> {
    if core::mem::size_of_val(data) == 0 {
        return f(&mut []);
    }
    if copy_instead(data, mode) {
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(data);
        let mut v = vec![0.0f32; bytes.len() / 4];
        if load {
            bytemuck::cast_slice_mut::<f32, u8>(&mut v).copy_from_slice(bytes);
        }
        f(&mut v)?;
        bytes.copy_from_slice(bytemuck::cast_slice(&v));
        return Ok(());
    }
    let (bytes, offset) = (core::mem::size_of_val(data), misalignment(data));
    match bytemuck::try_cast_slice_mut::<T, f32>(data) {
        Ok(v) => f(v),
        Err(e) => Err(byte_error(buffer, bytes, offset, e)),
    }
}

impl Executor {
    /// [`Executor::forward`] on buffers of bytes or of any [`Pod`] type
    /// holding f32 data (see the [module docs](crate::bytes)).
    ///
    /// # Errors
    /// [`Error::ByteBuffer`] for a buffer that is not a whole number of
    /// f32, or that is misaligned with [`Misaligned::Error`]; otherwise as
    /// [`Executor::forward`].
    pub fn forward_bytes<A: ActivationFn + ?Sized, T: Pod, U: Pod>(
        &self,
        act: &A,
        x: &[T],
        y: &mut [U],
        mode: Misaligned,
    ) -> Result<(), Error> {
        let x = view("x", x, mode)?;
        with_mut("y", y, mode, false, |y| self.forward(act, &x, y))
    }

    /// [`Executor::forward_inplace`] on a byte (or other [`Pod`]) buffer.
    ///
    /// # Errors
    /// As [`Executor::forward_bytes`].
    pub fn forward_bytes_inplace<A: ActivationFn + ?Sized, T: Pod>(
        &self,
        act: &A,
        x: &mut [T],
        mode: Misaligned,
    ) -> Result<(), Error> {
        with_mut("x", x, mode, true, |x| self.forward_inplace(act, x))
    }

    /// [`Executor::backward`] on byte (or other [`Pod`]) buffers.
    ///
    /// # Errors
    /// As [`Executor::forward_bytes`] and [`Executor::backward`].
    pub fn backward_bytes<A: ActivationFn + ?Sized, T: Pod, U: Pod, V: Pod>(
        &self,
        act: &A,
        x: &[T],
        dy: &[U],
        dx: &mut [V],
        mode: Misaligned,
    ) -> Result<(), Error> {
        let x = view("x", x, mode)?;
        let dy = view("dy", dy, mode)?;
        with_mut("dx", dx, mode, false, |dx| self.backward(act, &x, &dy, dx))
    }

    /// [`Executor::backward_from_output`] on byte (or other [`Pod`]) buffers.
    ///
    /// # Errors
    /// As [`Executor::forward_bytes`] and [`Executor::backward_from_output`].
    pub fn backward_from_output_bytes<A: ActivationFn + ?Sized, T: Pod, U: Pod, V: Pod>(
        &self,
        act: &A,
        y: &[T],
        dy: &[U],
        dx: &mut [V],
        mode: Misaligned,
    ) -> Result<(), Error> {
        let y = view("y", y, mode)?;
        let dy = view("dy", dy, mode)?;
        with_mut("dx", dx, mode, false, |dx| {
            self.backward_from_output(act, &y, &dy, dx)
        })
    }
}
