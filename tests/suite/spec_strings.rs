//! Spec strings: round trips, accepted syntax, and errors that name the
//! offending part.

use crate::common;

use common::every_example;
use simd_activations::*;

#[test]
fn every_example_round_trips_through_display() {
    for act in every_example() {
        let printed = act.to_string();
        let again: Activation = printed.parse().unwrap_or_else(|e| panic!("{printed}: {e}"));
        assert_eq!(again, act, "{printed}");
        assert_eq!(again.to_string(), printed);
        // Parameter values survive bit for bit.
        for ((_, a), (_, b)) in act.params().iter().zip(again.params()) {
            if let (ParamValue::Float(a), ParamValue::Float(b)) = (a, b) {
                assert_eq!(a.to_bits(), b.to_bits(), "{printed}");
            }
        }
    }
}

#[test]
fn awkward_values_round_trip() {
    for slope in [
        1e-30f32,
        3e38,
        -0.0,
        0.1,
        1.0 / 3.0,
        f32::MIN_POSITIVE,
        1e-45,
    ] {
        let act = Activation::from(LeakyRelu {
            negative_slope: slope,
        });
        let back: Activation = act.to_string().parse().unwrap();
        assert_eq!(back, act, "{act}");
    }
    let act = Activation::from(Hardtanh {
        min_val: f32::NEG_INFINITY,
        max_val: 2.5,
    });
    assert_eq!(act.to_string(), "hardtanh(min_val=-inf,max_val=2.5)");
    assert_eq!(act.to_string().parse::<Activation>().unwrap(), act);
}

#[test]
fn typed_structs_print_and_parse_like_activation() {
    let k = LeakyRelu {
        negative_slope: 0.2,
    };
    assert_eq!(k.to_string(), "leaky_relu(negative_slope=0.2)");
    assert_eq!(k.to_string().parse::<LeakyRelu>().unwrap(), k);
    assert_eq!(Relu.to_string(), "relu");
    assert_eq!("relu".parse::<Relu>().unwrap(), Relu);
    let e = "relu".parse::<LeakyRelu>().unwrap_err().to_string();
    assert!(
        e.contains("expected leaky_relu") && e.contains("relu"),
        "{e}"
    );
}

#[test]
fn accepted_syntax() {
    let cases = [
        ("relu", Activation::from(Relu)),
        ("  relu  ", Relu.into()),
        ("relu()", Relu.into()),
        (
            "leaky_relu",
            LeakyRelu {
                negative_slope: 0.01,
            }
            .into(),
        ),
        (
            "leaky_relu(negative_slope=0.2)",
            LeakyRelu {
                negative_slope: 0.2,
            }
            .into(),
        ),
        (
            " leaky_relu ( negative_slope = .5 ) ",
            LeakyRelu {
                negative_slope: 0.5,
            }
            .into(),
        ),
        (
            "leaky_relu(negative_slope=1e-3,)",
            LeakyRelu {
                negative_slope: 1e-3,
            }
            .into(),
        ),
        (
            "leaky_relu(negative_slope=1_0.5)",
            LeakyRelu {
                negative_slope: 10.5,
            }
            .into(),
        ),
        (
            "leaky_relu(negative_slope=+2)",
            LeakyRelu {
                negative_slope: 2.0,
            }
            .into(),
        ),
        (
            "hardtanh(min_val=-2,max_val=3)",
            Hardtanh {
                min_val: -2.0,
                max_val: 3.0,
            }
            .into(),
        ),
        (
            "hardtanh(max_val=3)",
            Hardtanh {
                min_val: -1.0,
                max_val: 3.0,
            }
            .into(),
        ),
        (
            "threshold(value=-1, threshold=0.5)",
            Threshold {
                threshold: 0.5,
                value: -1.0,
            }
            .into(),
        ),
        (
            "hardshrink(lambd=inf)",
            Hardshrink {
                lambd: f32::INFINITY,
            }
            .into(),
        ),
        ("linear", Identity.into()),
    ];
    for (spec, want) in cases {
        assert_eq!(
            spec.parse::<Activation>()
                .unwrap_or_else(|e| panic!("{spec}: {e}")),
            want,
            "{spec}"
        );
    }
}

/// Each bad spec and words its error message must contain.
#[test]
fn malformed_specs_and_invalid_parameters_are_errors_that_say_why() {
    let cases: &[(&str, &[&str])] = &[
        ("", &["empty"]),
        ("   ", &["empty"]),
        (
            "rellu",
            &["unknown activation", "rellu", "did you mean relu"],
        ),
        ("leaky", &["unknown activation", "leaky"]),
        ("relu(", &["missing closing parenthesis"]),
        // Python: f(,) is a syntax error, f(a=1,) is not.
        ("relu(,)", &["a comma with no argument before it"]),
        ("relu( , )", &["a comma with no argument before it"]),
        ("relu)", &["expected an activation name", "relu)"]),
        ("1relu", &["expected an activation name", "1relu"]),
        (
            "relu(x=1)",
            &["unknown parameter", "\"x\"", "no parameters"],
        ),
        (
            "leaky_relu(slope=0.2)",
            &["unknown parameter", "slope", "negative_slope"],
        ),
        (
            "leaky_relu(negative_slope)",
            &["expected key=value", "negative_slope"],
        ),
        ("leaky_relu(negative_slope=)", &["missing value"]),
        (
            "leaky_relu(negative_slope=abc)",
            &["expects a number", "abc"],
        ),
        (
            "leaky_relu(negative_slope=0x10)",
            &["expects a number", "0x10"],
        ),
        (
            "leaky_relu(negative_slope=1,negative_slope=2)",
            &["given twice", "negative_slope"],
        ),
        ("leaky_relu(negative_slope=nan)", &["negative_slope", "NaN"]),
        (
            "leaky_relu(negative_slope=inf)",
            &["negative_slope", "finite"],
        ),
        ("leaky_relu(negative_slope=(1))", &["parenthesis"]),
        (
            "hardtanh(min_val=2,max_val=1)",
            &["min_val", "max_val", "greater"],
        ),
        ("hardtanh(min_val=nan)", &["min_val", "NaN"]),
        (
            "threshold(threshold=1)",
            &["threshold needs parameter", "value"],
        ),
        ("threshold", &["needs parameter", "threshold"]),
        ("softshrink(lambd=-1)", &["lambd", "negative"]),
        ("hardshrink(lambd=-0.5)", &["lambd", "negative"]),
        ("relu6 (", &["missing closing parenthesis"]),
        ("relu,relu", &["expected an activation name"]),
    ];
    for (spec, words) in cases {
        let err = match spec.parse::<Activation>() {
            Ok(a) => panic!("{spec:?} parsed as {a}"),
            Err(e) => e.to_string(),
        };
        for w in *words {
            assert!(
                err.contains(w),
                "error for {spec:?} should mention {w:?}: {err}"
            );
        }
    }
}

#[test]
fn invalid_typed_parameters_are_errors_at_call_time() {
    let x = [1.0f32, -1.0];
    let mut y = [0.0f32; 2];
    let bad: Vec<(Activation, &str)> = vec![
        (
            LeakyRelu {
                negative_slope: f32::NAN,
            }
            .into(),
            "negative_slope",
        ),
        (
            LeakyRelu {
                negative_slope: f32::INFINITY,
            }
            .into(),
            "negative_slope",
        ),
        (
            Hardtanh {
                min_val: 1.0,
                max_val: -1.0,
            }
            .into(),
            "min_val",
        ),
        (Softshrink { lambd: -0.1 }.into(), "lambd"),
        (
            Threshold {
                threshold: f32::NAN,
                value: 0.0,
            }
            .into(),
            "threshold",
        ),
    ];
    for (act, param) in bad {
        let e = act.forward(&x, &mut y).unwrap_err();
        assert!(matches!(e, Error::InvalidParameter { .. }), "{e:?}");
        assert!(e.to_string().contains(param), "{e}");
        assert!(act.backward(&x, &x, &mut y).is_err());
    }
}

#[test]
fn the_catalogue_lists_parameters_and_defaults() {
    let infos: Vec<&Info> = activations().collect();
    for name in [
        "relu",
        "relu6",
        "leaky_relu",
        "hardtanh",
        "threshold",
        "hardsigmoid",
        "hardswish",
        "hardshrink",
        "softshrink",
        "identity",
        "binary_step",
    ] {
        assert!(infos.iter().any(|i| i.name == name), "{name} missing");
    }
    let leaky = infos.iter().find(|i| i.name == "leaky_relu").unwrap();
    assert_eq!(leaky.params[0].name, "negative_slope");
    assert_eq!(leaky.params[0].default, Some(ParamValue::Float(0.01)));
    let threshold = infos.iter().find(|i| i.name == "threshold").unwrap();
    assert!(threshold.params.iter().all(|p| p.default.is_none()));
    // Names are unique and every example parses to its own activation.
    for (i, info) in infos.iter().enumerate() {
        assert!(infos[..i].iter().all(|o| o.name != info.name));
        assert!(!info.examples.is_empty(), "{} has no examples", info.name);
        for spec in info.examples {
            assert_eq!(spec.parse::<Activation>().unwrap().name(), info.name);
        }
    }
}
