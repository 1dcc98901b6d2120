//! Helpers shared by the integration tests: input generators, ULP distance,
//! and the executors for every backend this machine has.
#![allow(dead_code)]

use simd_activations::{Activation, Backend, Executor, Kind, ParamValue};

/// A small deterministic generator (SplitMix64), so tests need no crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// A random sign times a magnitude log-uniform in [1e-30, 1e30].
    pub fn log_uniform(&mut self) -> f32 {
        let magnitude = 10f64.powf(self.range(-30.0, 30.0));
        let sign = if self.next_u64() & 1 == 0 { 1.0 } else { -1.0 };
        (sign * magnitude) as f32
    }
}

/// Executors for every backend this machine supports, serial.
pub fn executors() -> Vec<Executor> {
    let all: Vec<Executor> = Backend::supported()
        .into_iter()
        .map(|b| Executor::with_backend(b).expect("supported").serial())
        .collect();
    assert!(all.len() >= 2, "scalar and portable always exist");
    all
}

/// Every example spec of every registered activation, parsed, whatever
/// its kind.
pub fn every_example() -> Vec<Activation> {
    simd_activations::activations()
        .flat_map(|info| info.examples.iter())
        .map(|spec| {
            spec.parse()
                .unwrap_or_else(|e| panic!("example {spec}: {e}"))
        })
        .collect()
}

/// Every example spec of every elementwise activation, parsed: what the
/// elementwise tests (references per element, tails, chunking) iterate.
/// Rowwise functions (softmax, log_softmax, maxout) have their own tests.
pub fn all_examples() -> Vec<Activation> {
    every_example()
        .into_iter()
        .filter(|a| a.kind() == Kind::Elementwise)
        .collect()
}

/// Every example spec of every rowwise activation, parsed.
pub fn rowwise_examples() -> Vec<Activation> {
    every_example()
        .into_iter()
        .filter(|a| a.kind() == Kind::Rowwise)
        .collect()
}

/// The special values of SPEC.md plus, for each kink, the floats around
/// it. Kinks are taken from the activation's own float parameters (and
/// their negatives) and the fixed points of the family (0, ±0.5, ±1, ±1.5,
/// ±3, ±6).
pub fn special_inputs(act: &Activation) -> Vec<f32> {
    let mut kinks = vec![0.0f32, 0.5, 1.0, 1.5, 3.0, 6.0];
    for (_, value) in act.params() {
        if let ParamValue::Float(v) = value {
            if v.is_finite() {
                kinks.push(v);
            }
        }
    }
    let mut out = vec![
        0.0,
        -0.0,
        f32::from_bits(1),
        -f32::from_bits(1),
        f32::from_bits(0x007F_FFFF),
        -f32::from_bits(0x007F_FFFF),
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::MAX,
        f32::MIN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7FC0_1234),
        1e-30,
        -1e-30,
        1e30,
        -1e30,
    ];
    for k in kinks {
        for v in [k, -k] {
            out.extend([v, v.next_up(), v.next_down()]);
        }
    }
    out
}

/// The float parameter `name` of `act`.
pub fn float_param(act: &Activation, name: &str) -> f32 {
    match act.param(name) {
        Some(ParamValue::Float(v)) => v,
        other => panic!("{act}: parameter {name} is {other:?}"),
    }
}

/// 100,000 log-uniform inputs over 1e-30..1e30 and 100,000 uniform in
/// [-10, 10] (where the kinks are), from `seed`.
pub fn random_inputs(seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let mut out: Vec<f32> = (0..100_000).map(|_| rng.log_uniform()).collect();
    out.extend((0..100_000).map(|_| rng.range(-10.0, 10.0) as f32));
    out
}

/// Gradients to pair with inputs: mostly ordinary values, some special.
pub fn gradients(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| match i % 97 {
            0 => 0.0,
            1 => -0.0,
            2 => 1.0,
            3 => f32::INFINITY,
            4 => f32::NAN,
            5 => 1e-40,
            6 => f32::MAX,
            _ => rng.range(-4.0, 4.0) as f32,
        })
        .collect()
}
