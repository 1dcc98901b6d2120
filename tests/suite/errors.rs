//! Bad calls are errors with precise messages, never panics.

use simd_activations::*;

#[test]
fn length_mismatches_name_both_buffers_and_lengths() {
    let act = Activation::from(Relu);
    let x = vec![0.0f32; 10];
    let mut short = vec![0.0f32; 9];
    let e = act.forward(&x, &mut short).unwrap_err();
    assert_eq!(
        e,
        Error::LengthMismatch {
            expected_name: "x",
            expected: 10,
            found_name: "y",
            found: 9
        }
    );
    assert_eq!(
        e.to_string(),
        "length mismatch: x has 10 elements but y has 9"
    );

    let mut dx = vec![0.0f32; 10];
    let e = act.backward(&x, &x[..7], &mut dx).unwrap_err().to_string();
    assert!(e.contains("dy has 7") && e.contains("x has 10"), "{e}");
    let e = act.backward(&x, &x, &mut dx[..3]).unwrap_err().to_string();
    assert!(e.contains("dx has 3"), "{e}");
    let e = act
        .backward_from_output(&x[..4], &x, &mut dx)
        .unwrap_err()
        .to_string();
    assert!(e.contains("y has 4") && e.contains("dy has 10"), "{e}");
}

#[test]
fn empty_buffers_are_fine() {
    let act = Activation::from(LeakyRelu::default());
    act.forward(&[], &mut []).unwrap();
    act.forward_inplace(&mut []).unwrap();
    act.backward(&[], &[], &mut []).unwrap();
    act.backward_from_output(&[], &[], &mut []).unwrap();
}

#[test]
fn backward_from_output_refusals_explain_themselves() {
    let y = [0.5f32];
    let mut dx = [0.0f32];
    let cases: Vec<(Activation, &str)> = vec![
        (Hardswish.into(), "monotonic"),
        (Hardsigmoid.into(), "0 or 1"),
        (
            LeakyRelu {
                negative_slope: -0.5,
            }
            .into(),
            "negative_slope < 0",
        ),
        (
            Threshold {
                threshold: 0.0,
                value: 1.0,
            }
            .into(),
            "value > threshold",
        ),
    ];
    for (act, why) in cases {
        assert!(!act.supports_backward_from_output());
        let e = act
            .backward_from_output(&y, &y, &mut dx)
            .unwrap_err()
            .to_string();
        assert!(e.contains(&act.to_string()) && e.contains(why), "{e}");
    }
    assert!(Activation::from(LeakyRelu {
        negative_slope: 0.0
    })
    .supports_backward_from_output());
    assert!(Activation::from(Threshold {
        threshold: 1.0,
        value: 1.0
    })
    .supports_backward_from_output());
}

#[test]
fn backend_names_parse_and_unknown_ones_are_errors() {
    for b in Backend::ALL {
        assert_eq!(b.name().parse::<Backend>().unwrap(), b);
        assert_eq!(b.to_string(), b.name());
    }
    assert_eq!("AVX2".parse::<Backend>().unwrap(), Backend::Avx2);
    let e = "sse9".parse::<Backend>().unwrap_err().to_string();
    assert!(e.contains("sse9") && e.contains("avx512"), "{e}");
}
