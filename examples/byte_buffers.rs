//! Activations on tensors held as bytes (as read from a file or a socket),
//! without copying when the bytes are aligned.
//!
//! `cargo run --release --example byte_buffers`

use simd_activations::{Activation, Executor, Misaligned};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A "file": an 8-byte header, then 1000 little f32 values. Reading it
    // into u32 storage keeps the payload 4-byte aligned.
    let values: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) / 100.0).collect();
    let mut file = vec![0u8; 8];
    file.extend(values.iter().flat_map(|v| v.to_ne_bytes()));
    let mut storage = vec![0u32; file.len() / 4];
    bytemuck::cast_slice_mut::<u32, u8>(&mut storage).copy_from_slice(&file);
    let bytes: &[u8] = bytemuck::cast_slice(&storage);
    let payload = &bytes[8..];

    let act: Activation = "silu".parse()?;
    let exec = Executor::global()?;
    let mut out = vec![0.0f32; values.len()];
    exec.forward_bytes(&act, payload, &mut out, Misaligned::Error)?;
    println!(
        "silu over {} bytes without a copy: y[0] = {}, y[999] = {}",
        payload.len(),
        out[0],
        out[999]
    );
    let aligned = out.clone();

    // Starting 2 bytes in leaves the data misaligned: an error that says
    // so, unless the call may copy.
    let odd = &bytes[2..2 + 4 * 1000];
    match exec.forward_bytes(&act, odd, &mut out, Misaligned::Error) {
        Err(e) => println!("misaligned: {e}"),
        Ok(()) => unreachable!("a 2-byte offset cannot be cast"),
    }
    exec.forward_bytes(&act, odd, &mut out, Misaligned::Copy)?;
    println!("with Misaligned::Copy it runs on an aligned copy (of other bytes here)");

    // In place, on the bytes themselves.
    let mut payload = bytemuck::cast_slice::<u32, u8>(&storage)[8..].to_vec();
    if exec
        .forward_bytes_inplace(&act, &mut payload, Misaligned::Error)
        .is_err()
    {
        // A Vec<u8> is only 1-byte aligned in general.
        exec.forward_bytes_inplace(&act, &mut payload, Misaligned::Copy)?;
    }
    let first = f32::from_ne_bytes([payload[0], payload[1], payload[2], payload[3]]);
    assert_eq!(first, aligned[0]);
    println!("in place: y[0] = {first}");
    Ok(())
}
