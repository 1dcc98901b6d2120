//! Does a large learning rate kill ReLU units, and do the leaky,
//! parametric and randomized variants avoid it? (The claim of the
//! project's source article: "if your learning rate is large, as many as
//! 40% of your network's neurons can die".)
//!
//! Trains the same small multilayer perceptron (20 → 64 → 64 → 4, plain
//! minibatch SGD, the same initial weights) on a synthetic classification
//! task it generates (four interleaved 2-D spirals embedded in 20
//! dimensions), once with a small and once with a large learning rate, for
//! relu, leaky_relu, prelu (one learned weight per unit), rrelu (random
//! slopes in training, their mean in eval) and elu, and prints a table:
//! test accuracy, and the fraction of hidden units that are dead: zero
//! output for every training example (for relu that means no gradient
//! ever again), plus those whose input is <= 0 for every example (the
//! "dead side" that leaky variants can still leave, since they pass a
//! gradient there).
//!
//! The activations, the softmax cross-entropy and their gradients are the
//! crate's; the matrix products are plain loops.
//!
//! `cargo run --release --example dying_relu` (about a minute on 2 cores)
//! or `-- --quick` (a few seconds; what CI runs).

use simd_activations::{Activation, ActivationFn, Layout, LogSoftmax, Prelu, PreluChannels, Rrelu};

/// SplitMix64: data, initial weights and batch order, all from fixed seeds.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-300), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

const FEATURES: usize = 20;
const CLASSES: usize = 4;

/// `n` points of four interleaved spirals in 2-D, embedded in 20-D by a
/// fixed random linear map, plus a little noise in every dimension.
fn spirals(n: usize, seed: u64) -> (Vec<f32>, Vec<usize>) {
    let mut rng = Rng(seed);
    let mut embed = Rng(7);
    let map: Vec<f64> = (0..2 * FEATURES).map(|_| embed.normal()).collect();
    let mut x = Vec::with_capacity(n * FEATURES);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let class = (rng.next() % CLASSES as u64) as usize;
        let t = rng.unit();
        let r = 0.2 + 2.0 * t;
        let angle =
            class as f64 * std::f64::consts::TAU / CLASSES as f64 + 4.0 * t + 0.25 * rng.normal();
        let p = [r * angle.cos(), r * angle.sin()];
        for f in 0..FEATURES {
            let v = p[0] * map[2 * f] + p[1] * map[2 * f + 1];
            x.push((v / 2.0 + 0.05 * rng.normal()) as f32);
        }
        labels.push(class);
    }
    (x, labels)
}

/// `c[m×n] = a[m×k]·b[k×n] + bias`.
fn matmul_bias(a: &[f32], b: &[f32], bias: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    for i in 0..m {
        let row = &mut c[i * n..(i + 1) * n];
        row.copy_from_slice(bias);
        for p in 0..k {
            let a = a[i * k + p];
            for (c, &b) in row.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                *c += a * b;
            }
        }
    }
}

/// `c[k×n] = aᵀ·g` for `a[m×k]`, `g[m×n]`.
fn matmul_at(a: &[f32], g: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    c.fill(0.0);
    for i in 0..m {
        for p in 0..k {
            let a = a[i * k + p];
            for (c, &g) in c[p * n..(p + 1) * n].iter_mut().zip(&g[i * n..(i + 1) * n]) {
                *c += a * g;
            }
        }
    }
}

/// `c[m×k] = g·bᵀ` for `g[m×n]`, `b[k×n]`.
fn matmul_bt(g: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    for i in 0..m {
        for p in 0..k {
            c[i * k + p] = g[i * n..(i + 1) * n]
                .iter()
                .zip(&b[p * n..(p + 1) * n])
                .map(|(g, b)| g * b)
                .sum();
        }
    }
}

/// The hidden activation under test.
#[derive(Clone)]
enum Hidden {
    /// An elementwise activation from a spec string.
    Plain(Activation),
    /// prelu with one weight per unit of each hidden layer (learned).
    Prelu(Vec<Vec<f32>>),
    /// rrelu: random slopes while training, their mean in eval.
    Rrelu(Rrelu),
}

struct Net {
    sizes: Vec<usize>,
    w: Vec<Vec<f32>>,
    b: Vec<Vec<f32>>,
    hidden: Hidden,
}

/// One minibatch's activations, kept for the backward pass.
struct Tape {
    /// Layer inputs: x, then each hidden layer's output.
    inputs: Vec<Vec<f32>>,
    /// Hidden pre-activations.
    z: Vec<Vec<f32>>,
    /// Log-probabilities.
    logp: Vec<f32>,
}

impl Net {
    fn new(sizes: &[usize], hidden: Hidden, seed: u64) -> Net {
        let mut rng = Rng(seed);
        let mut w = Vec::new();
        let mut b = Vec::new();
        for pair in sizes.windows(2) {
            // He initialization.
            let std = (2.0 / pair[0] as f64).sqrt();
            w.push(
                (0..pair[0] * pair[1])
                    .map(|_| (std * rng.normal()) as f32)
                    .collect(),
            );
            b.push(vec![0.0; pair[1]]);
        }
        Net {
            sizes: sizes.to_vec(),
            w,
            b,
            hidden,
        }
    }

    /// The forward pass over `m` examples; `step` seeds rrelu's training
    /// draws (`None`: eval mode).
    fn forward(&self, x: &[f32], m: usize, step: Option<u64>) -> Tape {
        let layers = self.w.len();
        let mut inputs = vec![x.to_vec()];
        let mut z = Vec::new();
        for l in 0..layers {
            let (k, n) = (self.sizes[l], self.sizes[l + 1]);
            let mut out = vec![0.0f32; m * n];
            matmul_bias(&inputs[l], &self.w[l], &self.b[l], &mut out, m, k, n);
            if l + 1 == layers {
                let mut logp = vec![0.0f32; m * n];
                LogSoftmax::default()
                    .forward_rows(&out, &mut logp, n)
                    .expect("log_softmax");
                return Tape { inputs, z, logp };
            }
            let mut a = vec![0.0f32; m * n];
            match &self.hidden {
                Hidden::Plain(act) => act.forward(&out, &mut a).expect("forward"),
                Hidden::Prelu(weights) => prelu(&weights[l]).forward(&out, &mut a).expect("prelu"),
                Hidden::Rrelu(r) => match step {
                    Some(s) => r
                        .training(s * 31 + l as u64)
                        .forward(&out, &mut a)
                        .expect("rrelu"),
                    None => r.forward(&out, &mut a).expect("rrelu"),
                },
            }
            z.push(out);
            inputs.push(a);
        }
        unreachable!("the last layer returns")
    }

    /// Whether every parameter is still finite.
    fn finite(&self) -> bool {
        let prelu_ok = match &self.hidden {
            Hidden::Prelu(w) => w.iter().flatten().all(|v| v.is_finite()),
            _ => true,
        };
        prelu_ok
            && self
                .w
                .iter()
                .chain(&self.b)
                .flatten()
                .all(|v| v.is_finite())
    }

    /// One SGD step on a minibatch; returns the mean loss.
    fn step(&mut self, x: &[f32], labels: &[usize], lr: f32, step: u64) -> f32 {
        let m = labels.len();
        let tape = self.forward(x, m, Some(step));
        let layers = self.w.len();
        // d(mean cross-entropy)/d(log-probabilities) = -onehot/m, through
        // log_softmax's backward from its output.
        let mut dlogp = vec![0.0f32; m * CLASSES];
        let mut loss = 0.0;
        for (i, &c) in labels.iter().enumerate() {
            dlogp[i * CLASSES + c] = -1.0 / m as f32;
            loss -= tape.logp[i * CLASSES + c];
        }
        let mut g = vec![0.0f32; m * CLASSES];
        LogSoftmax::default()
            .backward_from_output_rows(&tape.logp, &dlogp, &mut g, CLASSES)
            .expect("log_softmax backward");
        for l in (0..layers).rev() {
            let (k, n) = (self.sizes[l], self.sizes[l + 1]);
            let mut dw = vec![0.0f32; k * n];
            matmul_at(&tape.inputs[l], &g, &mut dw, m, k, n);
            let mut db = vec![0.0f32; n];
            for row in g.chunks(n) {
                for (d, v) in db.iter_mut().zip(row) {
                    *d += v;
                }
            }
            if l > 0 {
                // Through the previous hidden layer's activation.
                let mut da = vec![0.0f32; m * k];
                matmul_bt(&g, &self.w[l], &mut da, m, k, n);
                let z = &tape.z[l - 1];
                let mut dz = vec![0.0f32; m * k];
                match &mut self.hidden {
                    Hidden::Plain(act) => act.backward(z, &da, &mut dz).expect("backward"),
                    Hidden::Prelu(weights) => {
                        let mut dweights = vec![0.0f32; k];
                        prelu(&weights[l - 1])
                            .backward(z, &da, &mut dz, &mut dweights)
                            .expect("prelu backward");
                        for (w, d) in weights[l - 1].iter_mut().zip(&dweights) {
                            *w -= lr * d;
                        }
                    }
                    Hidden::Rrelu(r) => r
                        .training(step * 31 + (l - 1) as u64)
                        .backward(z, &da, &mut dz)
                        .expect("rrelu backward"),
                }
                g = dz;
            }
            for (w, d) in self.w[l].iter_mut().zip(&dw) {
                *w -= lr * d;
            }
            for (b, d) in self.b[l].iter_mut().zip(&db) {
                *b -= lr * d;
            }
        }
        loss / m as f32
    }
}

/// prelu with one weight per unit of a `[batch, units]` buffer.
fn prelu(weights: &[f32]) -> PreluChannels<'_> {
    Prelu::per_channel(
        weights,
        Layout::ChannelsLast {
            channels: weights.len(),
        },
    )
    .expect("weights")
}

/// What the table shows for one run.
struct Outcome {
    accuracy: f64,
    dead: f64,
    negative: f64,
    loss: f32,
    /// The epoch in which the loss or a parameter stopped being finite.
    diverged: Option<usize>,
}

fn train(hidden: Hidden, lr: f32, cfg: &Config, data: &Data) -> Outcome {
    let sizes = [FEATURES, cfg.hidden, cfg.hidden, CLASSES];
    let mut net = Net::new(&sizes, hidden, 2024);
    let n = data.train_labels.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Rng(99);
    let mut step = 0u64;
    let mut loss = 0.0;
    let mut xb = vec![0.0f32; cfg.batch * FEATURES];
    for epoch in 0..cfg.epochs {
        for i in (1..n).rev() {
            order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        for batch in order.chunks_exact(cfg.batch) {
            let labels: Vec<usize> = batch.iter().map(|&i| data.train_labels[i]).collect();
            for (row, &i) in xb.chunks_mut(FEATURES).zip(batch) {
                row.copy_from_slice(&data.train_x[i * FEATURES..(i + 1) * FEATURES]);
            }
            loss = net.step(&xb, &labels, lr, step);
            step += 1;
            if !loss.is_finite() || !net.finite() {
                return Outcome {
                    accuracy: f64::NAN,
                    dead: f64::NAN,
                    negative: f64::NAN,
                    loss,
                    diverged: Some(epoch + 1),
                };
            }
        }
    }
    // Dead units, in eval mode, over the whole training set.
    let tape = net.forward(&data.train_x, n, None);
    let units: usize = tape.z.iter().map(|z| z.len() / n).sum();
    let (mut dead, mut negative) = (0, 0);
    for (z, a) in tape.z.iter().zip(&tape.inputs[1..]) {
        let width = z.len() / n;
        for u in 0..width {
            let column = (0..n).map(|i| i * width + u);
            dead += column.clone().all(|i| a[i] == 0.0) as usize;
            negative += column.clone().all(|i| z[i] <= 0.0) as usize;
        }
    }
    // Test accuracy.
    let m = data.test_labels.len();
    let tape = net.forward(&data.test_x, m, None);
    let correct = (0..m)
        .filter(|&i| {
            let row = &tape.logp[i * CLASSES..(i + 1) * CLASSES];
            let best = (0..CLASSES).fold(0, |b, c| if row[c] > row[b] { c } else { b });
            best == data.test_labels[i]
        })
        .count();
    Outcome {
        accuracy: correct as f64 / m as f64,
        dead: dead as f64 / units as f64,
        negative: negative as f64 / units as f64,
        loss,
        diverged: None,
    }
}

struct Config {
    train: usize,
    test: usize,
    hidden: usize,
    batch: usize,
    epochs: usize,
    rates: Vec<f32>,
}

struct Data {
    train_x: Vec<f32>,
    train_labels: Vec<usize>,
    test_x: Vec<f32>,
    test_labels: Vec<usize>,
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let cfg = if quick {
        Config {
            train: 512,
            test: 256,
            hidden: 64,
            batch: 32,
            epochs: 8,
            rates: vec![0.05, 1.0],
        }
    } else {
        Config {
            train: 4096,
            test: 2048,
            hidden: 64,
            batch: 32,
            epochs: 40,
            rates: vec![0.05, 1.0],
        }
    };
    // `--rates a,b,...` replaces the two learning rates (for exploring).
    let mut cfg = cfg;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rates") {
        cfg.rates = args
            .get(i + 1)
            .expect("--rates needs a value")
            .split(',')
            .map(|r| r.parse().expect("--rates: numbers"))
            .collect();
    }
    let (train_x, train_labels) = spirals(cfg.train, 1);
    let (test_x, test_labels) = spirals(cfg.test, 2);
    let data = Data {
        train_x,
        train_labels,
        test_x,
        test_labels,
    };
    let mut hiddens: Vec<(&str, Hidden)> = vec![
        ("relu", Hidden::Plain("relu".parse().expect("relu"))),
        (
            "leaky_relu(0.01)",
            Hidden::Plain("leaky_relu".parse().expect("leaky_relu")),
        ),
        (
            "prelu (learned, init 0.25)",
            Hidden::Prelu(vec![vec![0.25; cfg.hidden]; 2]),
        ),
        ("rrelu(1/8, 1/3)", Hidden::Rrelu(Rrelu::default())),
    ];
    match "elu".parse::<Activation>() {
        Ok(elu) => hiddens.push(("elu(1)", Hidden::Plain(elu))),
        Err(_) => println!("(elu is not registered in this build: its rows are skipped)"),
    }
    println!(
        "dying ReLU: MLP {FEATURES}-{h}-{h}-{CLASSES}, SGD, batch {}, {} epochs, {} training / {} test examples (4 spirals in 20-D){}",
        cfg.batch,
        cfg.epochs,
        cfg.train,
        cfg.test,
        if quick { ", --quick" } else { "" },
        h = cfg.hidden,
    );
    println!();
    println!(
        "| activation | learning rate | test accuracy | dead units (y = 0 on every example) | units with x <= 0 on every example | final batch loss |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, hidden) in &hiddens {
        for &lr in &cfg.rates {
            let o = train(hidden.clone(), lr, &cfg, &data);
            if let Some(epoch) = o.diverged {
                println!("| {name} | {lr} | diverged (non-finite loss or weights in epoch {epoch}) | | | |");
                continue;
            }
            println!(
                "| {name} | {lr} | {:.1}% | {:.1}% | {:.1}% | {:.3} |",
                100.0 * o.accuracy,
                100.0 * o.dead,
                100.0 * o.negative,
                o.loss
            );
        }
    }
}
