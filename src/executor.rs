//! Where and how a call runs: the backend, and the rayon split of large
//! buffers into chunks.

use crate::driver::ElementwisePass;
use crate::kernel::{validate_all, Elementwise, Family, Kernel};
use crate::lanes::Token;
use crate::pass::Pass;
use crate::stores::{Stores, DEFAULT_STREAMING_MIN_LEN};
use crate::{Activation, ActivationFn, Backend, Error};

/// Buffers shorter than this many elements stay on the calling thread by
/// default (1 Mi elements: 4 MiB per buffer). Below it the cost of waking
/// the pool is not repaid on the machines we measured (see README
/// "Parallel threshold and chunk length").
pub const DEFAULT_MIN_PARALLEL_LEN: usize = 1 << 20;

/// Default elements per parallel chunk (64 Ki elements: 256 KiB per
/// buffer, so a forward chunk's input and output fit in L2).
pub const DEFAULT_CHUNK_LEN: usize = 1 << 16;

/// Chunk lengths must be a multiple of this many elements (64 bytes, one
/// cache line), so no cache line is written by two threads.
pub const CHUNK_ALIGN: usize = 16;

/// The default chunk for transcendental activations (16 Ki elements, a
/// quarter of [`DEFAULT_CHUNK_LEN`], about 8 µs of sigmoid on one core):
/// small enough that a worker that wakes late still takes a share. They
/// split from [`DEFAULT_MIN_PARALLEL_LEN`] like the rest: from 256 Ki up a
/// split pays while the pool's workers are awake (1.3-1.9x on 2 threads),
/// but a call after the pool has gone idle first waits for a worker to
/// wake, which on a 2-vCPU VM made splits below 1 Mi up to 1.5x slower
/// than the serial call (`cargo run --release -- sweep --idle 1000`,
/// README "Parallel threshold and chunk length").
const TRANSCENDENTAL_CHUNK_LEN: usize = 1 << 14;

/// How calls run: on which backend, and whether buffers of at least
/// [`Executor::min_parallel_len`] elements are split across the current
/// rayon pool (the caller's `ThreadPool::install` is respected).
///
/// The calling thread takes part in a split (see README "Threads"). By
/// default, transcendental activations (sigmoid, gelu, ...) split in 4
/// times shorter chunks, since each element costs 5-25 times more;
/// setting either length applies both as given to every activation.
///
/// Results never depend on these choices: every backend computes the same
/// operations, and chunking changes no bit.
///
/// ```
/// use simd_activations::{Backend, Executor, Relu};
/// let exec = Executor::with_backend(Backend::Scalar)?.serial();
/// let x = [-1.0, 2.0];
/// let mut y = [0.0; 2];
/// exec.forward(&Relu, &x, &mut y)?;
/// assert_eq!(y, [0.0, 2.0]);
/// # Ok::<(), simd_activations::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Executor {
    token: Token,
    parallel: bool,
    min_parallel_len: usize,
    chunk_len: usize,
    /// Whether the caller set either length; until then transcendental
    /// activations take their own, shorter chunk.
    lengths_set: bool,
    stores: Stores,
    streaming_min_len: usize,
}

impl Executor {
    /// An executor on the process's backend ([`Backend::selected`]), parallel
    /// above the default threshold.
    ///
    /// # Errors
    /// If `SIMD_ACTIVATIONS_BACKEND` is invalid or names a backend this CPU
    /// lacks.
    pub fn new() -> Result<Executor, Error> {
        Executor::with_backend(Backend::selected()?)
    }

    /// An executor on `backend`.
    ///
    /// # Errors
    /// [`Error::BackendUnavailable`] if this CPU cannot run it.
    pub fn with_backend(backend: Backend) -> Result<Executor, Error> {
        let token = Token::new(backend).ok_or_else(|| Error::BackendUnavailable {
            backend,
            supported: Backend::supported(),
        })?;
        Ok(Executor {
            token,
            parallel: true,
            min_parallel_len: DEFAULT_MIN_PARALLEL_LEN,
            chunk_len: DEFAULT_CHUNK_LEN,
            lengths_set: false,
            stores: Stores::Auto,
            streaming_min_len: DEFAULT_STREAMING_MIN_LEN,
        })
    }

    /// The executor that [`ActivationFn`]'s methods use: [`Executor::new`],
    /// made once per process.
    ///
    /// # Errors
    /// As [`Executor::new`]; the same error on every call.
    pub fn global() -> Result<&'static Executor, Error> {
        #[cfg(feature = "std")]
        {
            static GLOBAL: std::sync::OnceLock<Result<Executor, Error>> =
                std::sync::OnceLock::new();
            GLOBAL
                .get_or_init(Executor::new)
                .as_ref()
                .map_err(Clone::clone)
        }
        #[cfg(not(feature = "std"))]
        {
            // No environment to read: the backend is the build target's
            // best, so this cannot fail, and a race only builds it twice.
            static GLOBAL: crate::once::RaceOnce<Executor> = crate::once::RaceOnce::new();
            GLOBAL.get_or_init(Executor::new)
        }
    }

    /// The backend calls run on.
    pub fn backend(&self) -> Backend {
        self.token.backend()
    }

    /// Keeps every call on the calling thread.
    pub fn serial(mut self) -> Executor {
        self.parallel = false;
        self
    }

    /// Splits buffers of at least [`Executor::min_parallel_len`] elements
    /// across the current rayon pool (the default).
    pub fn parallel(mut self) -> Executor {
        self.parallel = true;
        self
    }

    /// Whether large buffers are split across threads.
    pub fn is_parallel(&self) -> bool {
        self.parallel
    }

    /// Sets the length from which buffers are split (0 splits everything
    /// longer than one chunk), for every activation (the shorter default
    /// chunk for transcendental ones no longer applies).
    pub fn with_min_parallel_len(mut self, len: usize) -> Executor {
        self.min_parallel_len = len;
        self.lengths_set = true;
        self
    }

    /// The length from which buffers are split.
    pub fn min_parallel_len(&self) -> usize {
        self.min_parallel_len
    }

    /// Sets the elements per parallel chunk, for every activation (the
    /// shorter default for transcendental ones no longer applies).
    ///
    /// # Errors
    /// [`Error::InvalidOption`] unless `len` is a positive multiple of
    /// [`CHUNK_ALIGN`].
    pub fn with_chunk_len(mut self, len: usize) -> Result<Executor, Error> {
        if len == 0 || !len.is_multiple_of(CHUNK_ALIGN) {
            return Err(Error::InvalidOption {
                option: "chunk_len",
                value: len,
                rule: "must be a positive multiple of 16 elements (64 bytes)",
            });
        }
        self.chunk_len = len;
        self.lengths_set = true;
        Ok(self)
    }

    /// The elements per parallel chunk (by default, transcendental
    /// activations take a quarter of it; see [`Executor`]).
    pub fn chunk_len(&self) -> usize {
        self.chunk_len
    }

    /// Sets how out-of-place elementwise passes store their output (see
    /// [`Stores`]).
    pub fn with_stores(mut self, stores: Stores) -> Executor {
        self.stores = stores;
        self
    }

    /// How out-of-place elementwise passes store their output.
    pub fn stores(&self) -> Stores {
        self.stores
    }

    /// Sets the output length from which [`Stores::Auto`] streams.
    pub fn with_streaming_min_len(mut self, len: usize) -> Executor {
        self.streaming_min_len = len;
        self
    }

    /// The output length from which [`Stores::Auto`] streams.
    pub fn streaming_min_len(&self) -> usize {
        self.streaming_min_len
    }

    /// Whether a pass over `len` elements streams its output.
    pub(crate) fn streams(&self, len: usize) -> bool {
        match self.stores {
            Stores::Auto => len >= self.streaming_min_len,
            Stores::Cached => false,
            Stores::Streaming => true,
        }
    }

    /// The backend token, for the drivers of the typed and rowwise APIs.
    pub(crate) fn token(&self) -> Token {
        self.token
    }

    /// This executor with the chunk length for an elementwise kernel of
    /// `family`: shorter for transcendental ones, unless the caller set a
    /// length.
    pub(crate) fn for_family(&self, family: Family) -> Executor {
        let mut e = *self;
        if !e.lengths_set && family == Family::Transcendental {
            e.chunk_len = TRANSCENDENTAL_CHUNK_LEN;
        }
        e
    }

    /// Whether a call over `len` elements is split across the current pool.
    pub(crate) fn splits(&self, len: usize) -> bool {
        self.parallel
            && len >= self.min_parallel_len
            && len > self.chunk_len
            && crate::par::current_num_threads() > 1
    }

    /// `y = f(x)`.
    ///
    /// # Errors
    /// On a length mismatch or invalid parameters.
    pub fn forward<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &[f32],
        y: &mut [f32],
    ) -> Result<(), Error> {
        self.run(act.activation(), Pass::Forward { x, y }, None)
    }

    /// `x = f(x)`, in place.
    ///
    /// # Errors
    /// On invalid parameters.
    pub fn forward_inplace<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &mut [f32],
    ) -> Result<(), Error> {
        self.run(act.activation(), Pass::ForwardInPlace { xy: x }, None)
    }

    /// `dx = f'(x)·dy`, from the forward input.
    ///
    /// # Errors
    /// On a length mismatch or invalid parameters.
    pub fn backward<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<(), Error> {
        self.run(act.activation(), Pass::Backward { x, dy, dx }, None)
    }

    /// `dx` from the forward output `y` (so the input can be freed).
    ///
    /// # Errors
    /// [`Error::BackwardFromOutputUnsupported`] where `y` does not determine
    /// the gradient (see [`ActivationFn::backward_from_output`]), and on a
    /// length mismatch or invalid parameters.
    pub fn backward_from_output<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        y: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<(), Error> {
        self.run(
            act.activation(),
            Pass::BackwardFromOutput { y, dy, dx },
            None,
        )
    }

    /// `dy_dx = f'(x)·dy_dx`: the backward pass writing `dx` over `dy`, which
    /// saves a buffer in a training loop. Gives the same bits as
    /// [`Executor::backward`].
    ///
    /// Every elementwise activation supports it. softmax and log_softmax
    /// (whose `dx` needs a sum over the whole row of `dy` first) copy `dy`
    /// into a temporary buffer; maxout, whose `dx` is `k` times longer than
    /// its `dy`, is an `Err`.
    ///
    /// ```
    /// use simd_activations::{Executor, Relu};
    /// let x = [-1.0f32, 2.0, 0.0, 3.0];
    /// let mut g = [10.0f32, 20.0, 30.0, 40.0]; // dy in, dx out
    /// Executor::global()?.backward_inplace(&Relu, &x, &mut g)?;
    /// assert_eq!(g, [0.0, 20.0, 0.0, 40.0]);
    /// # Ok::<(), simd_activations::Error>(())
    /// ```
    ///
    /// # Errors
    /// On a length mismatch, invalid parameters, or for maxout.
    pub fn backward_inplace<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &[f32],
        dy_dx: &mut [f32],
    ) -> Result<(), Error> {
        self.run(
            act.activation(),
            Pass::BackwardInPlace { x, g: dy_dx },
            None,
        )
    }

    /// [`Executor::backward_from_output`] writing `dx` over `dy`; see
    /// [`Executor::backward_inplace`] for which activations support it.
    ///
    /// # Errors
    /// As [`Executor::backward_from_output`], and for maxout.
    pub fn backward_from_output_inplace<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        y: &[f32],
        dy_dx: &mut [f32],
    ) -> Result<(), Error> {
        self.run(
            act.activation(),
            Pass::BackwardFromOutputInPlace { y, g: dy_dx },
            None,
        )
    }

    /// `y = f(x)` on a `[rows, cols]` buffer: row-wise functions (softmax,
    /// log_softmax, maxout) apply to each row of `cols` elements;
    /// elementwise ones ignore the rows. `y` has `rows × output_cols`
    /// elements (`cols / k` for maxout, else `cols`).
    ///
    /// # Errors
    /// If `cols` is 0 (with a non-empty `x`), `x.len()` is not a multiple
    /// of `cols`, the function does not accept rows of `cols` (maxout:
    /// `cols % k != 0`), a buffer has the wrong length, or the parameters
    /// are invalid.
    pub fn forward_rows<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &[f32],
        y: &mut [f32],
        cols: usize,
    ) -> Result<(), Error> {
        self.run(act.activation(), Pass::Forward { x, y }, Some(cols))
    }

    /// `x = f(x)` in place on rows of `cols` elements.
    ///
    /// # Errors
    /// As [`Executor::forward_rows`], and for maxout (its output rows are
    /// shorter than its input rows).
    pub fn forward_rows_inplace<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &mut [f32],
        cols: usize,
    ) -> Result<(), Error> {
        self.run(act.activation(), Pass::ForwardInPlace { xy: x }, Some(cols))
    }

    /// `dx` from the input `x` and the output gradient `dy`, rows of `cols`
    /// input elements (`dy` has the output's shape).
    ///
    /// # Errors
    /// As [`Executor::forward_rows`].
    pub fn backward_rows<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        cols: usize,
    ) -> Result<(), Error> {
        self.run(act.activation(), Pass::Backward { x, dy, dx }, Some(cols))
    }

    /// `dx` from the output `y` and `dy`, rows of `cols` input elements.
    ///
    /// # Errors
    /// As [`Executor::forward_rows`] and [`Executor::backward_from_output`].
    pub fn backward_from_output_rows<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        y: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        cols: usize,
    ) -> Result<(), Error> {
        self.run(
            act.activation(),
            Pass::BackwardFromOutput { y, dy, dx },
            Some(cols),
        )
    }

    /// Runs `pass`; `cols` is the row length of the `*_rows` methods (for
    /// the 1-D methods, `None`: one row).
    fn run(&self, act: Activation, pass: Pass<'_>, cols: Option<usize>) -> Result<(), Error> {
        dispatch!(&act, k =>
            elementwise: {
                pass.check_lengths()?;
                if let Some(cols) = cols {
                    crate::rows::check_rows(k, pass.len(), cols)?;
                }
                self.run_kernel(k, pass)
            },
            rowwise: crate::rows::run(self, k, pass, cols),
        )
    }

    fn run_kernel<K: Elementwise + Kernel>(&self, kernel: &K, pass: Pass<'_>) -> Result<(), Error> {
        validate_all(kernel)?;
        if pass.is_from_output() {
            Elementwise::check_backward_from_output(kernel).map_err(|reason| {
                Error::BackwardFromOutputUnsupported {
                    activation: crate::spec::spec_string(kernel),
                    reason,
                }
            })?;
        }
        // The whole call's length decides, so every chunk stores alike.
        let stream = self.streams(pass.len());
        let this = self.for_family(<K as Elementwise>::INFO.family);
        let run = |pass: Pass<'_>| {
            this.token.vectorize(ElementwisePass {
                kernel,
                pass,
                stream,
            })
        };
        if this.splits(pass.len()) {
            split(pass, this.chunk_len, &run);
        } else {
            run(pass);
        }
        Ok(())
    }
}

/// Runs `pass` as chunks of `chunk_len` elements (the last may be shorter)
/// on the calling thread and the current rayon pool
/// ([`crate::par::for_each_piece`]). Chunk boundaries are fixed multiples
/// of `chunk_len`, whatever the number of threads.
///
/// `run` is a trait object so that the splitting machinery is compiled
/// once, not once per kernel (one indirect call per chunk costs nothing).
fn split(pass: Pass<'_>, chunk_len: usize, run: &(dyn Fn(Pass<'_>) + Sync)) {
    crate::par::for_each_piece(pass, chunk_len, run);
}
