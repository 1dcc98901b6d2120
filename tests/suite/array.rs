//! ndarray integration (`--features ndarray`): any dimension and layout
//! gives the bits of the slice path, rowwise functions run along the last
//! axis, and shape mismatches are errors.
#![cfg(feature = "ndarray")]

use crate::common;

use common::*;
use ndarray::{s, Array, Array3, ArrayD, Axis, IxDyn};
use simd_activations::{Activate, Activation, Executor};

fn bits<'a>(v: impl IntoIterator<Item = &'a f32>) -> Vec<u32> {
    v.into_iter()
        .map(|f| if f.is_nan() { 0x7FC0_0000 } else { f.to_bits() })
        .collect()
}

fn random(shape: &[usize], seed: u64) -> ArrayD<f32> {
    let mut rng = Rng::new(seed);
    Array::from_shape_fn(IxDyn(shape), |_| rng.range(-6.0, 6.0) as f32)
}

#[test]
fn every_layout_gives_the_bits_of_the_slice_path() {
    let x = random(&[3, 5, 7], 1);
    for exec in executors() {
        for act in all_examples() {
            // Views: standard, permuted axes, every other element of the
            // last axis, a reversed middle axis.
            let views = [
                x.view(),
                x.view().permuted_axes(IxDyn(&[2, 0, 1])),
                x.slice(s![.., .., ..;2]).into_dyn(),
                x.slice(s![.., ..;-1, ..]).into_dyn(),
            ];
            for (v, xv) in views.iter().enumerate() {
                // dy as a non-contiguous view too: every other element of a
                // wider array.
                let sh = xv.shape();
                let wide = random(&[sh[0], sh[1], 2 * sh[2]], 3);
                let gv = wide.slice(s![.., .., ..;2]).into_dyn();
                let g = gv.as_standard_layout().into_owned();
                // Reference: the slice calls on standard-layout copies.
                let xs = xv.as_standard_layout().into_owned();
                let mut want = ArrayD::<f32>::zeros(xs.shape());
                exec.forward(&act, xs.as_slice().unwrap(), want.as_slice_mut().unwrap())
                    .unwrap();
                let mut got = ArrayD::<f32>::zeros(xs.shape());
                exec.forward_array(&act, xv, &mut got).unwrap();
                assert_eq!(
                    bits(&got),
                    bits(&want),
                    "{act} view {v} on {}",
                    exec.backend()
                );
                // In place on a non-contiguous destination.
                let mut t = xs.clone();
                let mut tv = t.view_mut().reversed_axes();
                exec.forward_array_inplace(&act, &mut tv).unwrap();
                assert_eq!(bits(&t), bits(&want), "{act} view {v} in place");
                let mut dwant = ArrayD::<f32>::zeros(xs.shape());
                exec.backward(
                    &act,
                    xs.as_slice().unwrap(),
                    g.as_slice().unwrap(),
                    dwant.as_slice_mut().unwrap(),
                )
                .unwrap();
                let mut dgot = ArrayD::<f32>::zeros(xs.shape());
                exec.backward_array(&act, xv, &gv, &mut dgot).unwrap();
                assert_eq!(bits(&dgot), bits(&dwant), "{act} view {v} backward");
            }
        }
    }
}

#[test]
fn rowwise_functions_run_along_the_last_axis() {
    let exec = Executor::global().unwrap();
    let x: Array3<f32> = random(&[2, 3, 8], 5).into_dimensionality().unwrap();
    for spec in ["softmax", "log_softmax", "maxout(k=2)", "maxout(k=4)"] {
        let act: Activation = spec.parse().unwrap();
        let k = match act.param("k") {
            Some(simd_activations::ParamValue::Int(k)) => k as usize,
            _ => 1,
        };
        // Transposed so the last axis is not contiguous.
        let xt = x
            .view()
            .permuted_axes([1, 0, 2])
            .reversed_axes()
            .reversed_axes();
        let xt = xt.slice(s![.., .., ..]);
        let mut y = Array3::<f32>::zeros((3, 2, 8 / k));
        exec.forward_array(&act, &xt, &mut y).unwrap();
        for (i, row) in xt.lanes(Axis(2)).into_iter().enumerate() {
            let row: Vec<f32> = row.to_vec();
            let mut want = vec![0.0; 8 / k];
            exec.forward(&act, &row, &mut want).unwrap();
            let got: Vec<f32> = y.lanes(Axis(2)).into_iter().nth(i).unwrap().to_vec();
            assert_eq!(bits(&got), bits(&want), "{spec} row {i}");
        }
    }
    // In place along the last axis of a transposed view.
    let softmax: Activation = "softmax".parse().unwrap();
    let mut a = x.clone();
    a.view_mut()
        .permuted_axes([0, 2, 1])
        .activate(&softmax)
        .unwrap();
    let sums = a.sum_axis(Axis(1));
    assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5), "{sums}");
}

#[test]
fn mismatched_shapes_are_errors() {
    let exec = Executor::global().unwrap();
    let relu: Activation = "relu".parse().unwrap();
    let x = random(&[2, 3], 7);
    let mut y = ArrayD::<f32>::zeros(IxDyn(&[3, 2]));
    let msg = exec
        .forward_array(&relu, &x, &mut y)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("[2, 3]") && msg.contains("[3, 2]"), "{msg}");
    let mut y = ArrayD::<f32>::zeros(IxDyn(&[2, 4]));
    let msg = exec
        .forward_array(&relu, &x, &mut y)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("length mismatch"), "{msg}");
    let maxout: Activation = "maxout(k=2)".parse().unwrap();
    let mut y = ArrayD::<f32>::zeros(IxDyn(&[2, 1]));
    let msg = exec
        .forward_array(&maxout, &x, &mut y)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("maxout"), "{msg}");
    let mut m = x.clone();
    assert!(m.activate(&maxout).is_err());
}
