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
    let rest = dd_sum(x.iter().zip(&e).filter(|(&v, _)| v as f64 != m).map(|(_, &e)| e));
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
            // dx = y(dy - Σdy·y), with Σy = 1 used exactly: centred on c.
            let c = dy.first().map(|&c| c as f64).filter(|c| c.is_finite()).unwrap_or(0.0);
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
            e.iter().zip(dy).map(|(&e, &g)| g as f64 - e * ratio).collect()
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
