//! f64 references for the rowwise functions (softmax, log_softmax,
//! maxout), one row at a time, written from SPEC.md and PyTorch's CPU
//! kernels (max subtracted; any NaN or +inf, or a row of only -inf, makes
//! the row NaN). Sums are double-double (TwoSum), so the references stay
//! exact where the derivative cancels.
#![allow(dead_code)]

use simd_activations::Activation;

/// Compensated (double-double) sum: `(hi, lo)`.
pub fn dd_sum(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut hi, mut lo) = (0.0f64, 0.0f64);
    for v in values {
        let s = hi + v;
        let bb = s - hi;
        lo += (hi - (s - bb)) + (v - bb);
        hi = s;
    }
    if hi.is_finite() {
        (hi, lo)
    } else {
        (hi, 0.0)
    }
}

/// The row's maximum, NaN if any element is NaN.
fn row_max(x: &[f32]) -> f64 {
    x.iter().fold(f64::NEG_INFINITY, |m, &v| {
        let v = v as f64;
        if v.is_nan() || m.is_nan() {
            f64::NAN
        } else {
            m.max(v)
        }
    })
}

/// `(e^(x_i - m))_i`, `m`, and `log Σ e^(x_i - m)` computed as
/// `log1p((K-1) + Σ_{x_i < m} e^(x_i - m))`.
fn exps(x: &[f32]) -> (Vec<f64>, f64, f64) {
    let m = row_max(x);
    let e: Vec<f64> = x.iter().map(|&v| (v as f64 - m).exp()).collect();
    let count = x.iter().filter(|&&v| v as f64 == m).count() as f64;
    let rest = dd_sum(
        x.iter()
            .zip(&e)
            .filter(|(&v, _)| v as f64 != m)
            .map(|(_, &e)| e),
    );
    let lse = ((count - 1.0) + rest.0 + rest.1).ln_1p();
    (e, m, lse)
}

fn maxout_k(act: &Activation) -> usize {
    match act.param("k") {
        Some(simd_activations::ParamValue::Int(k)) => k as usize,
        other => panic!("maxout k is {other:?}"),
    }
}

/// The first index of each group's maximum (the first NaN if any).
fn argmax(group: &[f32]) -> usize {
    if let Some(i) = group.iter().position(|v| v.is_nan()) {
        return i;
    }
    let mut best = 0;
    for (i, &v) in group.iter().enumerate() {
        if v > group[best] {
            best = i;
        }
    }
    best
}

/// The forward of one row, or `None` if this file does not know `act`.
pub fn forward(act: &Activation, x: &[f32]) -> Option<Vec<f64>> {
    Some(match act.name() {
        "softmax" => {
            let (e, _, _) = exps(x);
            let s = dd_sum(e.iter().copied());
            let s = s.0 + s.1;
            e.iter().map(|e| e / s).collect()
        }
        "log_softmax" => {
            let (_, m, lse) = exps(x);
            x.iter().map(|&v| (v as f64 - m) - lse).collect()
        }
        "maxout" => x
            .chunks(maxout_k(act))
            .map(|g| g[argmax(g)] as f64)
            .collect(),
        _ => return None,
    })
}

/// The backward from the input of one row.
pub fn backward(act: &Activation, x: &[f32], dy: &[f32]) -> Option<Vec<f64>> {
    Some(match act.name() {
        "softmax" => {
            let y = forward(act, x)?;
            // dx = y(dy - Σdy·y), with Σy = 1 used exactly: centred on the
            // gradient c of the maximum, so y_max ≈ 1 does not cancel.
            let m = row_max(x);
            let c = x
                .iter()
                .position(|&v| v as f64 == m)
                .map(|i| dy[i] as f64)
                .filter(|c| c.is_finite())
                .unwrap_or(0.0);
            let t = dd_sum(dy.iter().zip(&y).map(|(&g, &y)| (g as f64 - c) * y));
            y.iter()
                .zip(dy)
                .map(|(&y, &g)| y * ((g as f64 - c) - t.0 - t.1))
                .collect()
        }
        "log_softmax" => {
            let (e, _, _) = exps(x);
            let s = dd_sum(e.iter().copied());
            let sdy = dd_sum(dy.iter().map(|&g| g as f64));
            // dx = dy - softmax·Σdy, as e·(Σdy/Σe).
            let ratio = sdy.0 / (s.0 + s.1) + sdy.1 / (s.0 + s.1);
            e.iter()
                .zip(dy)
                .map(|(&e, &g)| g as f64 - e * ratio)
                .collect()
        }
        "maxout" => {
            let k = maxout_k(act);
            let mut dx = vec![0.0; x.len()];
            for (j, g) in x.chunks(k).enumerate() {
                dx[j * k + argmax(g)] = dy[j] as f64;
            }
            dx
        }
        _ => return None,
    })
}

/// The backward from the (f32) output of one row.
pub fn backward_from_output(act: &Activation, y: &[f32], dy: &[f32]) -> Option<Vec<f64>> {
    Some(match act.name() {
        "softmax" => {
            let s = dd_sum(y.iter().zip(dy).map(|(&y, &g)| y as f64 * g as f64));
            y.iter()
                .zip(dy)
                .map(|(&y, &g)| ((g as f64 - s.0) - s.1) * y as f64)
                .collect()
        }
        "log_softmax" => {
            let s = dd_sum(dy.iter().map(|&g| g as f64));
            y.iter()
                .zip(dy)
                .map(|(&y, &g)| {
                    let e = (y as f64).exp();
                    (g as f64 - e * s.0) - e * s.1
                })
                .collect()
        }
        _ => return None,
    })
}

/// The largest error of one pass of a rowwise function.
#[derive(Clone, Debug, Default)]
pub struct RowStats {
    pub pass: &'static str,
    pub target: u64,
    pub checked: u64,
    pub max_ulps: u64,
    /// Where: row length, spread, input, result, reference.
    pub worst: (usize, f64, f32, f32, f32),
    pub over: u64,
}

/// Every pass of the rowwise `act` on `exec` over random rows of ordinary
/// range (uniform in ±spread for several spreads, lengths 1 to 100,000,
/// random and constant gradients), against the references in ULPs.
pub fn row_sweep(
    exec: &simd_activations::Executor,
    act: &Activation,
    scale: usize,
) -> Vec<RowStats> {
    use simd_activations::ActivationFn;
    let acc = act.info().accuracy;
    let mut stats: Vec<RowStats> = ["forward", "backward", "from_output"]
        .iter()
        .enumerate()
        .map(|(i, pass)| RowStats {
            pass,
            target: if i == 0 {
                acc.forward_ulps
            } else {
                acc.backward_ulps
            } as u64,
            ..RowStats::default()
        })
        .collect();
    let from_output = act.supports_backward_from_output();
    if !from_output {
        stats.pop();
    }
    let k = match act.param("k") {
        Some(simd_activations::ParamValue::Int(k)) => k as usize,
        _ => 1,
    };
    let mut state = 0x5EED_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let lengths = [1usize, 2, 3, 7, 16, 17, 100, 1000, 4097, 10_000, 100_000];
    for &cols in &lengths {
        let cols = cols * k;
        let rows = (scale * 20_000 / cols).clamp(1, 64);
        // Uniform rows in ±spread, then peaked rows: every element the
        // row's base value but one, up to `spread` above it (softmax's
        // sums then add many equal tiny terms, whose rounding errors do
        // not average out).
        for (spread, peaked) in [
            (1.0, false),
            (10.0, false),
            (40.0, false),
            (100.0, false),
            (80.0, true),
        ] {
            for constant_dy in [false, true] {
                let n = rows * cols;
                let x: Vec<f32> = if peaked {
                    let mut x = Vec::with_capacity(n);
                    for r in 0..rows {
                        let base = (2.0 * next() - 1.0) as f32;
                        let peak = base + (5.0 + (spread - 5.0) * next()) as f32;
                        let at = (r * 7919) % cols;
                        x.extend((0..cols).map(|i| if i == at { peak } else { base }));
                    }
                    x
                } else {
                    (0..n)
                        .map(|_| ((2.0 * next() - 1.0) * spread) as f32)
                        .collect()
                };
                let out = n / k;
                let dy: Vec<f32> = if constant_dy {
                    vec![-0.318_309_87; out]
                } else {
                    (0..out).map(|_| (4.0 * next() - 2.0) as f32).collect()
                };
                let mut y = vec![0.0f32; out];
                exec.forward_rows(act, &x, &mut y, cols).expect("forward");
                let mut dx = vec![0.0f32; n];
                exec.backward_rows(act, &x, &dy, &mut dx, cols)
                    .expect("backward");
                let mut dxo = vec![0.0f32; n];
                if from_output {
                    exec.backward_from_output_rows(act, &y, &dy, &mut dxo, cols)
                        .expect("from output");
                }
                let oc = cols / k;
                for r in 0..rows {
                    let (xr, dyr) = (&x[r * cols..(r + 1) * cols], &dy[r * oc..(r + 1) * oc]);
                    let yr = &y[r * oc..(r + 1) * oc];
                    let add = |s: &mut RowStats, got: &[f32], want: Vec<f64>, xs: &[f32]| {
                        for (i, (&g, w)) in got.iter().zip(want).enumerate() {
                            let d = super::sweep::ulps(g, w as f32);
                            s.checked += 1;
                            if d > s.target {
                                s.over += 1;
                            }
                            if d > s.max_ulps {
                                s.max_ulps = d;
                                s.worst = (cols, spread, xs[i.min(xs.len() - 1)], g, w as f32);
                            }
                        }
                    };
                    add(&mut stats[0], yr, forward(act, xr).unwrap(), xr);
                    add(
                        &mut stats[1],
                        &dx[r * cols..(r + 1) * cols],
                        backward(act, xr, dyr).unwrap(),
                        xr,
                    );
                    if from_output {
                        add(
                            &mut stats[2],
                            &dxo[r * cols..(r + 1) * cols],
                            backward_from_output(act, yr, dyr).unwrap(),
                            xr,
                        );
                    }
                }
            }
        }
    }
    stats
}
