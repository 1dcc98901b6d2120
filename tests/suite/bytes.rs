//! Byte and other `Pod` buffers: the same bits as the f32 calls when they
//! can be cast, a copy only when allowed, and errors that say what is wrong.

use crate::common;

use common::*;
use simd_activations::{Activation, ActivationFn, Error, Executor, Misaligned};

fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|f| f.to_ne_bytes()).collect()
}

fn from_bytes(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|f| f.to_bits()).collect()
}

/// A byte buffer holding `v` that starts `offset` bytes past a 4-byte
/// boundary, inside a backing store the caller keeps.
fn placed(store: &mut Vec<u32>, v: &[f32], offset: usize) -> (usize, usize) {
    *store = vec![0u32; v.len() + 2];
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(store);
    bytes[offset..offset + 4 * v.len()].copy_from_slice(&to_bytes(v));
    (offset, offset + 4 * v.len())
}

#[test]
fn every_pass_on_bytes_equals_the_f32_call_aligned_or_copied() {
    let exec = Executor::global().unwrap();
    let mut rng = Rng::new(3);
    let x: Vec<f32> = (0..37).map(|_| rng.range(-6.0, 6.0) as f32).collect();
    let dy = gradients(x.len(), 4);
    for act in all_examples() {
        let mut y = vec![0.0; x.len()];
        exec.forward(&act, &x, &mut y).unwrap();
        let mut dx = vec![0.0; x.len()];
        exec.backward(&act, &x, &dy, &mut dx).unwrap();
        for offset in [0, 1, 2, 3] {
            let mode = if offset == 0 {
                Misaligned::Error
            } else {
                Misaligned::Copy
            };
            let (mut xs, mut dys, mut outs) = (Vec::new(), Vec::new(), Vec::new());
            let xr = placed(&mut xs, &x, offset);
            let dyr = placed(&mut dys, &dy, offset);
            let outr = placed(&mut outs, &vec![0.0; x.len()], offset);
            let xb = &bytemuck::cast_slice::<u32, u8>(&xs)[xr.0..xr.1];
            let dyb = &bytemuck::cast_slice::<u32, u8>(&dys)[dyr.0..dyr.1];
            {
                let out = &mut bytemuck::cast_slice_mut::<u32, u8>(&mut outs)[outr.0..outr.1];
                exec.forward_bytes(&act, xb, out, mode).unwrap();
                assert_eq!(
                    from_bytes(out),
                    bits(&y),
                    "{act} forward at offset {offset}"
                );
                exec.backward_bytes(&act, xb, dyb, out, mode).unwrap();
                assert_eq!(
                    from_bytes(out),
                    bits(&dx),
                    "{act} backward at offset {offset}"
                );
                if act.supports_backward_from_output() {
                    let yb = to_bytes(&y);
                    let mut want = vec![0.0; x.len()];
                    exec.backward_from_output(&act, &y, &dy, &mut want).unwrap();
                    exec.backward_from_output_bytes(&act, &yb, dyb, out, Misaligned::Copy)
                        .unwrap();
                    assert_eq!(from_bytes(out), bits(&want), "{act} from y");
                }
                out.copy_from_slice(xb);
                exec.forward_bytes_inplace(&act, out, mode).unwrap();
                assert_eq!(
                    from_bytes(out),
                    bits(&y),
                    "{act} in place at offset {offset}"
                );
            }
            // Bytes outside the buffer are untouched.
            let all = bytemuck::cast_slice::<u32, u8>(&outs);
            assert!(all[..outr.0].iter().chain(&all[outr.1..]).all(|&b| b == 0));
        }
    }
}

#[test]
fn other_pod_types_holding_f32_data_work() {
    let exec = Executor::global().unwrap();
    let act: Activation = "sigmoid".parse().unwrap();
    let x = [[-1.0f32, 0.0, 1.0, 2.0], [3.0, -4.0, 5.0, -6.0]];
    let mut y = [0u32; 8];
    exec.forward_bytes(&act, &x, &mut y, Misaligned::Error)
        .unwrap();
    let mut want = [0.0f32; 8];
    act.forward(x.as_flattened(), &mut want).unwrap();
    assert_eq!(y.to_vec(), bits(&want));
}

#[test]
fn bad_byte_buffers_are_errors_that_say_why() {
    let exec = Executor::global().unwrap();
    let act: Activation = "relu".parse().unwrap();
    let store = vec![0u32; 8];
    let bytes: &[u8] = bytemuck::cast_slice(&store);
    let mut out = vec![0u32; 8];
    let out: &mut [u8] = bytemuck::cast_slice_mut(&mut out);

    // Misaligned input, no copy allowed: names the buffer and the offset.
    let err = exec
        .forward_bytes(&act, &bytes[1..17], &mut out[..16], Misaligned::Error)
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            Error::ByteBuffer {
                buffer: "x",
                bytes: 16,
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.contains("1 bytes past a 4-byte boundary"), "{msg}");
    assert!(msg.contains("Misaligned::Copy"), "{msg}");

    // Misaligned output.
    let err = exec
        .forward_bytes(&act, &bytes[..16], &mut out[2..18], Misaligned::Error)
        .unwrap_err();
    assert!(
        matches!(err, Error::ByteBuffer { buffer: "y", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("2 bytes past"), "{err}");

    // Not a whole number of f32: an error even when copying is allowed.
    for mode in [Misaligned::Error, Misaligned::Copy] {
        let err = exec
            .forward_bytes(&act, &bytes[..14], &mut out[..16], mode)
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("14 bytes") && msg.contains("whole number of f32"),
            "{msg}"
        );
        let err = exec
            .backward_bytes(&act, &bytes[..16], &bytes[1..14], &mut out[..16], mode)
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::ByteBuffer {
                    buffer: "dy",
                    bytes: 13,
                    ..
                }
            ),
            "{err}"
        );
    }

    // Whole but of different lengths: the f32 length mismatch.
    let err = exec
        .forward_bytes(&act, &bytes[..16], &mut out[..12], Misaligned::Error)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "length mismatch: x has 4 elements but y has 3"
    );

    // Empty buffers are fine whatever their pointer.
    exec.forward_bytes(
        &act,
        &Vec::<u8>::new(),
        &mut Vec::<u8>::new(),
        Misaligned::Error,
    )
    .unwrap();
}
