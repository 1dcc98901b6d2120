//! Training mode of the randomized activations: [`RreluTraining`] and
//! [`NoisyReluTraining`], drawing from the counter-based generator of
//! [`crate::random`] keyed by (seed, element index).

use crate::kernels::math::random::keys;
use crate::kernels::{noisy_relu, rrelu};
use crate::lanes::{LaneOp, Lanes, Token};
use crate::reduce::{for_vectors, load_n, store_n};
use crate::stores::store_vectors;
use crate::{Error, Executor, NoisyRelu, Rrelu};
use alloc::format;

/// The buffers of one training pass.
enum Bufs<'a> {
    Forward {
        x: &'a [f32],
        y: &'a mut [f32],
    },
    InPlace {
        xy: &'a mut [f32],
    },
    Backward {
        x: &'a [f32],
        dy: &'a [f32],
        dx: &'a mut [f32],
    },
    FromOutput {
        y: &'a [f32],
        dy: &'a [f32],
        dx: &'a mut [f32],
    },
    WithNoise {
        x: &'a [f32],
        y: &'a mut [f32],
        noise: &'a mut [f32],
    },
    /// Backward from a stored noise buffer: no draws.
    NoiseBackward {
        x: &'a [f32],
        noise: &'a [f32],
        dy: &'a [f32],
        dx: &'a mut [f32],
    },
}

fn same(a: (&'static str, usize), b: (&'static str, usize)) -> Result<(), Error> {
    if a.1 == b.1 {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            expected_name: a.0,
            expected: a.1,
            found_name: b.0,
            found: b.1,
        })
    }
}

impl<'a> Bufs<'a> {
    fn len(&self) -> usize {
        match self {
            Bufs::Forward { y, .. } | Bufs::WithNoise { y, .. } => y.len(),
            Bufs::InPlace { xy } => xy.len(),
            Bufs::Backward { dx, .. } | Bufs::FromOutput { dx, .. } => dx.len(),
            Bufs::NoiseBackward { dx, .. } => dx.len(),
        }
    }

    fn check(&self) -> Result<(), Error> {
        match self {
            Bufs::Forward { x, y } => same(("x", x.len()), ("y", y.len())),
            Bufs::InPlace { .. } => Ok(()),
            Bufs::Backward { x, dy, dx } => {
                same(("x", x.len()), ("dy", dy.len()))?;
                same(("x", x.len()), ("dx", dx.len()))
            }
            Bufs::FromOutput { y, dy, dx } => {
                same(("y", y.len()), ("dy", dy.len()))?;
                same(("y", y.len()), ("dx", dx.len()))
            }
            Bufs::WithNoise { x, y, noise } => {
                same(("x", x.len()), ("y", y.len()))?;
                same(("x", x.len()), ("noise", noise.len()))
            }
            Bufs::NoiseBackward { x, noise, dy, dx } => {
                same(("noise", noise.len()), ("x", x.len()))?;
                same(("noise", noise.len()), ("dy", dy.len()))?;
                same(("noise", noise.len()), ("dx", dx.len()))
            }
        }
    }

    fn split_at(self, mid: usize) -> (Bufs<'a>, Bufs<'a>) {
        match self {
            Bufs::Forward { x, y } => {
                let (x0, x1) = x.split_at(mid);
                let (y0, y1) = y.split_at_mut(mid);
                (
                    Bufs::Forward { x: x0, y: y0 },
                    Bufs::Forward { x: x1, y: y1 },
                )
            }
            Bufs::InPlace { xy } => {
                let (a, b) = xy.split_at_mut(mid);
                (Bufs::InPlace { xy: a }, Bufs::InPlace { xy: b })
            }
            Bufs::Backward { x, dy, dx } => {
                let (x0, x1) = x.split_at(mid);
                let (g0, g1) = dy.split_at(mid);
                let (d0, d1) = dx.split_at_mut(mid);
                (
                    Bufs::Backward {
                        x: x0,
                        dy: g0,
                        dx: d0,
                    },
                    Bufs::Backward {
                        x: x1,
                        dy: g1,
                        dx: d1,
                    },
                )
            }
            Bufs::FromOutput { y, dy, dx } => {
                let (y0, y1) = y.split_at(mid);
                let (g0, g1) = dy.split_at(mid);
                let (d0, d1) = dx.split_at_mut(mid);
                (
                    Bufs::FromOutput {
                        y: y0,
                        dy: g0,
                        dx: d0,
                    },
                    Bufs::FromOutput {
                        y: y1,
                        dy: g1,
                        dx: d1,
                    },
                )
            }
            Bufs::WithNoise { x, y, noise } => {
                let (x0, x1) = x.split_at(mid);
                let (y0, y1) = y.split_at_mut(mid);
                let (n0, n1) = noise.split_at_mut(mid);
                (
                    Bufs::WithNoise {
                        x: x0,
                        y: y0,
                        noise: n0,
                    },
                    Bufs::WithNoise {
                        x: x1,
                        y: y1,
                        noise: n1,
                    },
                )
            }
            Bufs::NoiseBackward { x, noise, dy, dx } => {
                let (x0, x1) = x.split_at(mid);
                let (n0, n1) = noise.split_at(mid);
                let (g0, g1) = dy.split_at(mid);
                let (d0, d1) = dx.split_at_mut(mid);
                (
                    Bufs::NoiseBackward {
                        x: x0,
                        noise: n0,
                        dy: g0,
                        dx: d0,
                    },
                    Bufs::NoiseBackward {
                        x: x1,
                        noise: n1,
                        dy: g1,
                        dx: d1,
                    },
                )
            }
        }
    }
}

/// The element math of a training-mode activation, given each element's
/// draw `r` (rrelu's slope, noisy_relu's ε).
trait Train: Copy + Send + Sync {
    fn draw<L: Lanes>(&self, l: L, start: u32, keys: (u32, u32)) -> L::F;
    fn forward<L: Lanes>(&self, l: L, x: L::F, r: L::F) -> L::F;
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F, r: L::F) -> L::F;
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F, r: L::F) -> L::F;
    /// PyTorch's noise buffer entry.
    fn noise<L: Lanes>(&self, l: L, x: L::F, r: L::F) -> L::F;
    /// The backward from a stored noise buffer entry.
    fn noise_backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F, noise: L::F) -> L::F;
}

#[derive(Clone, Copy)]
struct RreluMath {
    lower: f32,
    upper: f32,
}

impl Train for RreluMath {
    #[inline(always)]
    fn draw<L: Lanes>(&self, l: L, start: u32, keys: (u32, u32)) -> L::F {
        rrelu::slopes(l, start, keys, self.lower, self.upper)
    }
    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F, r: L::F) -> L::F {
        rrelu::train_forward(l, x, r)
    }
    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F, r: L::F) -> L::F {
        rrelu::train_backward(l, x, dy, r)
    }
    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F, r: L::F) -> L::F {
        // y <= 0 exactly where x <= 0, the slopes being >= 0.
        rrelu::train_backward(l, y, dy, r)
    }
    #[inline(always)]
    fn noise<L: Lanes>(&self, l: L, x: L::F, r: L::F) -> L::F {
        rrelu::noise(l, x, r)
    }
    #[inline(always)]
    fn noise_backward<L: Lanes>(&self, l: L, _x: L::F, dy: L::F, noise: L::F) -> L::F {
        l.mul(dy, noise)
    }
}

#[derive(Clone, Copy)]
struct NoisyMath {
    std: f32,
}

impl Train for NoisyMath {
    #[inline(always)]
    fn draw<L: Lanes>(&self, l: L, start: u32, keys: (u32, u32)) -> L::F {
        noisy_relu::noise(l, start, keys, self.std)
    }
    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F, eps: L::F) -> L::F {
        noisy_relu::train_forward(l, x, eps)
    }
    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F, eps: L::F) -> L::F {
        noisy_relu::train_backward(l, x, dy, eps)
    }
    #[inline(always)]
    fn backward_from_output<L: Lanes>(&self, l: L, y: L::F, dy: L::F, _eps: L::F) -> L::F {
        // y = max(0, x + ε) > 0 exactly where x + ε > 0.
        noisy_relu::train_backward(l, y, dy, l.splat(0.0))
    }
    #[inline(always)]
    fn noise<L: Lanes>(&self, _l: L, _x: L::F, eps: L::F) -> L::F {
        eps
    }
    #[inline(always)]
    fn noise_backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F, eps: L::F) -> L::F {
        noisy_relu::train_backward(l, x, dy, eps)
    }
}

/// One piece of a training pass whose element indices `first, first + 1,
/// ...` share their high 32 bits.
struct TrainOp<'a, T> {
    math: T,
    bufs: Bufs<'a>,
    first: u64,
    seed: u64,
    /// Whether this pass needs the draws at all.
    draws: bool,
    /// Stream the output (see [`crate::Stores`]).
    stream: bool,
}

/// The draws of the vector at element `i` (0 if the pass needs none).
#[inline(always)]
fn draw<L: Lanes, T: Train>(
    l: L,
    t: &T,
    draws: bool,
    base: u32,
    i: usize,
    keys: (u32, u32),
) -> L::F {
    if draws {
        t.draw(l, base.wrapping_add(i as u32), keys)
    } else {
        l.splat(0.0)
    }
}

impl<T: Train> LaneOp for TrainOp<'_, T> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) {
        let TrainOp {
            math: t,
            bufs,
            first,
            seed,
            draws,
            stream,
        } = self;
        let keys = keys(seed, (first >> 32) as u32);
        let base = first as u32;
        // The draws depend only on the indices, so the tail (partial
        // loads and stores) gives what a whole vector would. Loop bodies
        // are macros, not closures, so the lane code inlines.
        let w = L::WIDTH;
        let n = bufs.len();
        match bufs {
            Bufs::Forward { x, y } => store_vectors!(l, stream, y, |i, c| {
                t.forward(l, load_n(l, x, i, c), draw(l, &t, draws, base, i, keys))
            }),
            Bufs::InPlace { xy } => {
                for_vectors!(w, n, |i, c| {
                    let v = t.forward(l, load_n(l, xy, i, c), draw(l, &t, draws, base, i, keys));
                    store_n(l, v, xy, i, c);
                })
            }
            Bufs::Backward { x, dy, dx } => store_vectors!(l, stream, dx, |i, c| {
                t.backward(
                    l,
                    load_n(l, x, i, c),
                    load_n(l, dy, i, c),
                    draw(l, &t, draws, base, i, keys),
                )
            }),
            Bufs::FromOutput { y, dy, dx } => store_vectors!(l, stream, dx, |i, c| {
                t.backward_from_output(
                    l,
                    load_n(l, y, i, c),
                    load_n(l, dy, i, c),
                    draw(l, &t, draws, base, i, keys),
                )
            }),
            // Two outputs, each with its own alignment: ordinary stores.
            Bufs::WithNoise { x, y, noise } => {
                for_vectors!(w, n, |i, c| {
                    let (v, r) = (load_n(l, x, i, c), draw(l, &t, draws, base, i, keys));
                    store_n(l, t.forward(l, v, r), y, i, c);
                    store_n(l, t.noise(l, v, r), noise, i, c);
                })
            }
            Bufs::NoiseBackward { x, noise, dy, dx } => store_vectors!(l, stream, dx, |i, c| {
                t.noise_backward(
                    l,
                    load_n(l, x, i, c),
                    load_n(l, dy, i, c),
                    load_n(l, noise, i, c),
                )
            }),
        }
        if stream {
            l.stream_fence();
        }
    }
}

/// Runs a training pass: checks the lengths, then cuts the buffers where
/// the high half of the element index changes and, for large buffers,
/// into chunks on the current rayon pool (neither changes a bit).
fn run<T: Train>(
    exec: &Executor,
    math: T,
    bufs: Bufs<'_>,
    seed: u64,
    offset: u64,
) -> Result<(), Error> {
    bufs.check()?;
    let n = bufs.len();
    if offset.checked_add(n as u64).is_none() {
        return Err(Error::InvalidShape {
            reason: format!("element indices from offset {offset} for {n} elements exceed u64"),
        });
    }
    /// What every piece of the call shares.
    #[derive(Clone, Copy)]
    struct Plan<T> {
        token: Token,
        math: T,
        seed: u64,
        draws: bool,
        stream: bool,
        chunk: usize,
        parallel: bool,
    }
    fn go<T: Train>(plan: Plan<T>, bufs: Bufs<'_>, first: u64) {
        let n = bufs.len();
        // Indices sharing their high half: up to the next multiple of 2^32.
        let block_end = ((first >> 32) + 1) << 32;
        let in_block = (block_end - first).min(n as u64) as usize;
        if in_block < n {
            let (a, b) = bufs.split_at(in_block);
            go(plan, a, first);
            go(plan, b, block_end);
        } else if plan.parallel && n > plan.chunk {
            let mid = n.div_ceil(plan.chunk) / 2 * plan.chunk;
            let (a, b) = bufs.split_at(mid);
            crate::par::join(|| go(plan, a, first), || go(plan, b, first + mid as u64));
        } else {
            plan.token.vectorize(TrainOp {
                math: plan.math,
                bufs,
                first,
                seed: plan.seed,
                draws: plan.draws,
                stream: plan.stream,
            });
        }
    }
    let plan = Plan {
        token: exec.token(),
        math,
        seed,
        draws: !matches!(bufs, Bufs::NoiseBackward { .. }),
        // The whole call's length decides, so every piece stores alike.
        stream: exec.streams(n) && !matches!(bufs, Bufs::InPlace { .. } | Bufs::WithNoise { .. }),
        chunk: exec.chunk_len(),
        parallel: exec.splits(n),
    };
    go(plan, bufs, offset);
    Ok(())
}

/// The executor a typed API runs on.
fn executor(exec: &Option<Executor>) -> Result<Executor, Error> {
    match exec {
        Some(e) => Ok(*e),
        None => Executor::global().copied(),
    }
}

/// rrelu in training mode: each element with `x <= 0` gets its own slope
/// `r ~ U(lower, upper)`, `y = r·x`, `dx = r·dy`; positives pass through.
///
/// The slopes come from the counter-based generator of
/// [`crate::random`], keyed by `(seed, offset + i)` for element `i`: the
/// same seed gives the same bits whatever the thread count, chunking or
/// backend, and [`RreluTraining::backward`] regenerates the slopes instead
/// of reading a stored buffer. For PyTorch's style (a `noise` buffer
/// holding `r` for `x <= 0` and 1 elsewhere) use
/// [`RreluTraining::forward_with_noise`] and
/// [`RreluTraining::backward_with_noise`].
///
/// ```
/// use simd_activations::{ActivationFn, LeakyRelu, Rrelu};
/// let x = [-1.0f32, -2.0, 3.0, -4.0];
/// let dy = [1.0f32; 4];
/// let rrelu = Rrelu { lower: 0.1, upper: 0.3 };
/// let train = rrelu.training(42);
/// let (mut y, mut dx) = ([0.0f32; 4], [0.0f32; 4]);
/// train.forward(&x, &mut y)?;
/// train.backward(&x, &dy, &mut dx)?; // the same slopes, regenerated
/// for i in 0..4 {
///     let r = train.slope(i as u64);
///     assert!((0.1..=0.3).contains(&r));
///     if x[i] <= 0.0 {
///         assert_eq!((y[i], dx[i]), (r * x[i], r));
///     }
/// }
/// assert_eq!(y[2], 3.0);
/// // Eval mode is leaky_relu with slope (lower + upper)/2.
/// rrelu.forward(&x, &mut y)?;
/// let mut z = [0.0f32; 4];
/// LeakyRelu { negative_slope: 0.2 }.forward(&x, &mut z)?;
/// assert_eq!(y, z);
/// # Ok::<(), simd_activations::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RreluTraining {
    /// The eval-mode parameters (the slopes' range).
    pub rrelu: Rrelu,
    /// The generator's seed.
    pub seed: u64,
    /// The index of the first element (for buffers processed in pieces).
    pub offset: u64,
    exec: Option<Executor>,
}

impl Rrelu {
    /// Training mode with `seed`.
    pub fn training(&self, seed: u64) -> RreluTraining {
        RreluTraining {
            rrelu: *self,
            seed,
            offset: 0,
            exec: None,
        }
    }
}

impl RreluTraining {
    /// The same, with element `i` of every buffer drawing as element
    /// `offset + i` (to process a tensor in pieces).
    pub fn with_offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// The same, running on `exec` (backend, serial or parallel) instead of
    /// [`Executor::global`].
    pub fn on(mut self, exec: Executor) -> Self {
        self.exec = Some(exec);
        self
    }

    /// The slope that element `index` gets where `x <= 0`.
    pub fn slope(&self, index: u64) -> f32 {
        crate::random::with_scalar(|l| {
            let k = keys(self.seed, (index >> 32) as u32);
            rrelu::slopes(l, index as u32, k, self.rrelu.lower, self.rrelu.upper)
        })
    }

    fn math(&self) -> Result<RreluMath, Error> {
        crate::kernel::validate_all(&self.rrelu)?;
        Ok(RreluMath {
            lower: self.rrelu.lower,
            upper: self.rrelu.upper,
        })
    }

    fn go(&self, bufs: Bufs<'_>) -> Result<(), Error> {
        run(
            &executor(&self.exec)?,
            self.math()?,
            bufs,
            self.seed,
            self.offset,
        )
    }

    /// `y = x <= 0 ? r·x : x`.
    ///
    /// # Errors
    /// On a length mismatch, invalid parameters or an unusable backend.
    pub fn forward(&self, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
        self.go(Bufs::Forward { x, y })
    }

    /// `x = x <= 0 ? r·x : x`, in place.
    ///
    /// # Errors
    /// On invalid parameters or an unusable backend.
    pub fn forward_inplace(&self, x: &mut [f32]) -> Result<(), Error> {
        self.go(Bufs::InPlace { xy: x })
    }

    /// `dx = x <= 0 ? r·dy : dy`, the slopes regenerated from the seed.
    ///
    /// # Errors
    /// As [`RreluTraining::forward`].
    pub fn backward(&self, x: &[f32], dy: &[f32], dx: &mut [f32]) -> Result<(), Error> {
        self.go(Bufs::Backward { x, dy, dx })
    }

    /// `dx` from the output: `y <= 0 ? r·dy : dy`.
    ///
    /// # Errors
    /// [`Error::BackwardFromOutputUnsupported`] if `lower < 0` (a negative
    /// slope makes `y > 0` for `x < 0`); else as [`RreluTraining::forward`].
    pub fn backward_from_output(&self, y: &[f32], dy: &[f32], dx: &mut [f32]) -> Result<(), Error> {
        if self.rrelu.lower < 0.0 {
            return Err(Error::BackwardFromOutputUnsupported {
                activation: format!("{} (training)", self.rrelu),
                reason: "with lower < 0, y > 0 also for some x < 0",
            });
        }
        self.go(Bufs::FromOutput { y, dy, dx })
    }

    /// The forward, also writing PyTorch's `noise` buffer (`r` where
    /// `x <= 0`, else 1).
    ///
    /// # Errors
    /// As [`RreluTraining::forward`].
    pub fn forward_with_noise(
        &self,
        x: &[f32],
        y: &mut [f32],
        noise: &mut [f32],
    ) -> Result<(), Error> {
        self.go(Bufs::WithNoise { x, y, noise })
    }

    /// `dx = dy·noise` from the buffer [`RreluTraining::forward_with_noise`]
    /// wrote (PyTorch's backward; no draws).
    ///
    /// # Errors
    /// On a length mismatch or an unusable backend.
    pub fn backward_with_noise(
        &self,
        noise: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<(), Error> {
        self.go(Bufs::NoiseBackward {
            x: noise,
            noise,
            dy,
            dx,
        })
    }
}

/// noisy_relu in training mode: `y = max(0, x + ε)`, `ε ~ N(0, std²)`,
/// `dx = (x + ε) > 0 ? dy : 0`.
///
/// The noise comes from the counter-based generator of [`crate::random`]
/// keyed by `(seed, offset + i)`, like [`RreluTraining`]'s slopes; backward
/// regenerates it. [`NoisyReluTraining::forward_with_noise`] also stores ε
/// for callers who prefer a buffer.
///
/// ```
/// use simd_activations::NoisyRelu;
/// let x = [-1.0f32, 0.5, 2.0];
/// let train = NoisyRelu { std: 0.1 }.training(7);
/// let mut y = [0.0f32; 3];
/// train.forward(&x, &mut y)?;
/// for i in 0..3 {
///     assert_eq!(y[i], (x[i] + train.noise(i as u64)).max(0.0));
/// }
/// # Ok::<(), simd_activations::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct NoisyReluTraining {
    /// The eval-mode parameters (the noise's standard deviation).
    pub noisy_relu: NoisyRelu,
    /// The generator's seed.
    pub seed: u64,
    /// The index of the first element.
    pub offset: u64,
    exec: Option<Executor>,
}

impl NoisyRelu {
    /// Training mode with `seed`.
    pub fn training(&self, seed: u64) -> NoisyReluTraining {
        NoisyReluTraining {
            noisy_relu: *self,
            seed,
            offset: 0,
            exec: None,
        }
    }
}

impl NoisyReluTraining {
    /// The same, element `i` drawing as element `offset + i`.
    pub fn with_offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// The same, running on `exec`.
    pub fn on(mut self, exec: Executor) -> Self {
        self.exec = Some(exec);
        self
    }

    /// The noise ε that element `index` gets.
    pub fn noise(&self, index: u64) -> f32 {
        crate::random::with_scalar(|l| {
            let k = keys(self.seed, (index >> 32) as u32);
            noisy_relu::noise(l, index as u32, k, self.noisy_relu.std)
        })
    }

    fn go(&self, bufs: Bufs<'_>) -> Result<(), Error> {
        crate::kernel::validate_all(&self.noisy_relu)?;
        let math = NoisyMath {
            std: self.noisy_relu.std,
        };
        run(&executor(&self.exec)?, math, bufs, self.seed, self.offset)
    }

    /// `y = max(0, x + ε)`.
    ///
    /// # Errors
    /// On a length mismatch, invalid parameters or an unusable backend.
    pub fn forward(&self, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
        self.go(Bufs::Forward { x, y })
    }

    /// `x = max(0, x + ε)`, in place.
    ///
    /// # Errors
    /// As [`NoisyReluTraining::forward`].
    pub fn forward_inplace(&self, x: &mut [f32]) -> Result<(), Error> {
        self.go(Bufs::InPlace { xy: x })
    }

    /// `dx = (x + ε) > 0 ? dy : 0`, ε regenerated from the seed.
    ///
    /// # Errors
    /// As [`NoisyReluTraining::forward`].
    pub fn backward(&self, x: &[f32], dy: &[f32], dx: &mut [f32]) -> Result<(), Error> {
        self.go(Bufs::Backward { x, dy, dx })
    }

    /// `dx = y > 0 ? dy : 0` (no draws needed).
    ///
    /// # Errors
    /// As [`NoisyReluTraining::forward`].
    pub fn backward_from_output(&self, y: &[f32], dy: &[f32], dx: &mut [f32]) -> Result<(), Error> {
        self.go(Bufs::FromOutput { y, dy, dx })
    }

    /// The forward, also storing each element's ε in `noise`.
    ///
    /// # Errors
    /// As [`NoisyReluTraining::forward`].
    pub fn forward_with_noise(
        &self,
        x: &[f32],
        y: &mut [f32],
        noise: &mut [f32],
    ) -> Result<(), Error> {
        self.go(Bufs::WithNoise { x, y, noise })
    }

    /// `dx = (x + noise) > 0 ? dy : 0` from a stored noise buffer.
    ///
    /// # Errors
    /// As [`NoisyReluTraining::forward`].
    pub fn backward_with_noise(
        &self,
        x: &[f32],
        noise: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<(), Error> {
        self.go(Bufs::NoiseBackward { x, noise, dy, dx })
    }
}
