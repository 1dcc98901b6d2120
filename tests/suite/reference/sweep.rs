//! The accuracy sweep: every pass of an activation on several backends over
//! a set of inputs, compared in ULPs with the f64 references (computed once
//! per input and shared by the backends).

use super::{backward, backward_from_output, forward};
use simd_activations::{Activation, ActivationFn, Executor};

/// The non-trivial gradient of the sweep: -1/π, every mantissa bit in use.
pub const DY: f32 = -0.318_309_87;

/// A huge gradient (loss scaling gone far): products with it overflow or
/// meet zeros and infinities where a kernel multiplies `dy` in too early,
/// and tails that are only "small" become visible.
pub const HUGE_DY: f32 = 3.0e38;

/// The passes a sweep measures, in order.
pub const PASSES: [&str; 7] = [
    "forward",
    "backward(dy=1)",
    "backward(dy=-1/pi)",
    "backward(dy=3e38)",
    "from_output(dy=1)",
    "from_output(dy=-1/pi)",
    "from_output(dy=3e38)",
];

/// Maps f32 bits onto a line where adjacent floats differ by 1 and
/// `-0 == +0`.
fn ordinal(v: f32) -> i64 {
    let bits = v.to_bits();
    if bits & 0x8000_0000 != 0 {
        -((bits & 0x7FFF_FFFF) as i64)
    } else {
        bits as i64
    }
}

/// The distance in ULPs between `got` and `want`: 0 if both are NaN,
/// `u64::MAX` if exactly one is, or if one is infinite and the other a
/// number short of the largest finite one (an infinity next to `f32::MAX`
/// is a rounding at the overflow threshold, one ULP). Below the normal
/// range the unit is the denormal spacing, 2^-149.
pub fn ulps(got: f32, want: f32) -> u64 {
    let short_of_max = |v: f32| v.is_finite() && v.abs() < f32::MAX;
    let spurious_inf =
        (got.is_infinite() && short_of_max(want)) || (want.is_infinite() && short_of_max(got));
    match (got.is_nan(), want.is_nan()) {
        (true, true) => 0,
        (false, false) if !spurious_inf => ordinal(got).abs_diff(ordinal(want)),
        _ => u64::MAX,
    }
}

/// The target of a pass whose errors are measured and printed but not
/// bounded: only NaN and infinity mismatches fail it.
pub const UNBOUNDED: u64 = u64::MAX - 1;

/// The errors of one pass on one backend.
#[derive(Clone, Debug)]
pub struct Stats {
    pub pass: &'static str,
    /// The promised bound, in ULPs.
    pub target: u64,
    /// The bound holds for `|x| <= domain`.
    pub domain: f32,
    pub checked: u64,
    /// Largest error inside the domain (NaN mismatches excluded).
    pub max_ulps: u64,
    /// Where it occurs: input, result, correctly rounded reference.
    pub worst: (f32, f32, f32),
    /// Results inside the domain over the target (NaN mismatches included).
    pub over: u64,
    /// Largest error beyond the domain.
    pub max_ulps_outside: u64,
    pub worst_outside: (f32, f32, f32),
    /// NaN where the reference is a number, or a number where it is NaN;
    /// likewise an infinity where the reference is finite (see [`ulps`]).
    pub nan_mismatches: u64,
    pub nan_examples: Vec<(f32, f32, f32)>,
}

impl Stats {
    fn new(pass: &'static str, target: u64, domain: f32) -> Stats {
        Stats {
            pass,
            target,
            domain,
            checked: 0,
            max_ulps: 0,
            worst: (0.0, 0.0, 0.0),
            over: 0,
            max_ulps_outside: 0,
            worst_outside: (0.0, 0.0, 0.0),
            nan_mismatches: 0,
            nan_examples: Vec::new(),
        }
    }

    fn add(&mut self, x: f32, got: f32, want: f64) {
        let want = want as f32;
        let d = ulps(got, want);
        self.checked += 1;
        if d == u64::MAX {
            self.nan_mismatches += 1;
            if self.nan_examples.len() < 4 {
                self.nan_examples.push((x, got, want));
            }
            if x.abs() <= self.domain {
                self.over += 1;
            }
        } else if x.abs() <= self.domain {
            if d > self.target {
                self.over += 1;
            }
            if d > self.max_ulps {
                self.max_ulps = d;
                self.worst = (x, got, want);
            }
        } else if d > self.max_ulps_outside {
            self.max_ulps_outside = d;
            self.worst_outside = (x, got, want);
        }
    }

    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &Stats) {
        self.checked += other.checked;
        self.over += other.over;
        self.nan_mismatches += other.nan_mismatches;
        if other.max_ulps > self.max_ulps {
            self.max_ulps = other.max_ulps;
            self.worst = other.worst;
        }
        if other.max_ulps_outside > self.max_ulps_outside {
            self.max_ulps_outside = other.max_ulps_outside;
            self.worst_outside = other.worst_outside;
        }
        for e in &other.nan_examples {
            if self.nan_examples.len() < 4 {
                self.nan_examples.push(*e);
            }
        }
    }

    /// Whether the pass met its target inside the domain.
    pub fn ok(&self) -> bool {
        self.over == 0
    }
}

/// Empty statistics for each pass `act` has (from-output passes only where
/// it is available).
pub fn new_stats(act: &Activation) -> Vec<Stats> {
    let acc = act.info().accuracy;
    let (f, b) = (acc.forward_ulps as u64, acc.backward_ulps as u64);
    let passes = if act.supports_backward_from_output() {
        7
    } else {
        4
    };
    // The kernels round the derivative to f32 before multiplying by dy, so
    // with a huge dy a derivative below f32's range (e^-105, say) shows as
    // an absolute error of up to |dy|·2^-149: those passes are measured,
    // and must give no NaN or infinity where the reference is finite.
    PASSES[..passes]
        .iter()
        .enumerate()
        .map(|(i, pass)| {
            let target = match i {
                0 => f,
                3 | 6 => UNBOUNDED,
                _ => b,
            };
            Stats::new(pass, target, acc.domain)
        })
        .collect()
}

/// Runs every pass of `act` over `xs` on each executor and adds the errors
/// to `stats[executor][pass]` (made by [`new_stats`]).
pub fn sweep(execs: &[Executor], act: &Activation, xs: &[f32], stats: &mut [Vec<Stats>]) {
    let n = xs.len();
    let from_output = act.supports_backward_from_output();
    // References: f(x), f'(x), and f'(y) at each backend's own y below.
    let want_y: Vec<f64> = xs
        .iter()
        .map(|&x| forward(act, x as f64).expect("reference"))
        .collect();
    let want_dx: Vec<f64> = xs
        .iter()
        .map(|&x| backward(act, x as f64, 1.0).expect("reference"))
        .collect();
    let ones = vec![1.0f32; n];
    let dys = vec![DY; n];
    let huge = vec![HUGE_DY; n];
    let (mut y, mut dx) = (vec![0.0f32; n], vec![0.0f32; n]);
    for (exec, stats) in execs.iter().zip(stats.iter_mut()) {
        exec.forward(act, xs, &mut y).expect("forward");
        for i in 0..n {
            stats[0].add(xs[i], y[i], want_y[i]);
        }
        for (k, dy) in [(1, &ones), (2, &dys), (3, &huge)] {
            exec.backward(act, xs, dy, &mut dx).expect("backward");
            for i in 0..n {
                stats[k].add(xs[i], dx[i], want_dx[i] * dy[i] as f64);
            }
        }
        if from_output {
            let want: Vec<f64> = y
                .iter()
                .map(|&v| backward_from_output(act, v as f64, 1.0).expect("reference from y"))
                .collect();
            for (k, dy) in [(4, &ones), (5, &dys), (6, &huge)] {
                exec.backward_from_output(act, &y, dy, &mut dx)
                    .expect("backward_from_output");
                for i in 0..n {
                    stats[k].add(xs[i], dx[i], want[i] * dy[i] as f64);
                }
            }
        }
    }
}

/// A stratified sample: both signs, every exponent (denormals, infinities
/// and NaNs included), `per_binade` random mantissas each plus the first and
/// last, and the special values.
pub fn sampled_inputs(per_binade: usize, seed: u64) -> Vec<f32> {
    let mut state = seed | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(512 * (per_binade + 2) + 16);
    for sign in [0u32, 1] {
        for exponent in 0..=255u32 {
            let base = (sign << 31) | (exponent << 23);
            out.push(f32::from_bits(base));
            out.push(f32::from_bits(base | 0x007F_FFFF));
            for _ in 0..per_binade {
                out.push(f32::from_bits(base | (next() as u32 & 0x007F_FFFF)));
            }
        }
    }
    out.extend([
        0.0,
        -0.0,
        1.0,
        -1.0,
        f32::MIN_POSITIVE,
        f32::MAX,
        f32::MIN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ]);
    out
}

/// Every f32 whose bits lie in `[start, start + len)`.
pub fn bit_range(start: u64, len: u64) -> Vec<f32> {
    (start..start + len)
        .map(|b| f32::from_bits(b as u32))
        .collect()
}
