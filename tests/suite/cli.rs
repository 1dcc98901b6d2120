//! The report binary and the SIMD_ACTIVATIONS_BACKEND variable, end to end.
#![cfg(feature = "parallel")]

use std::process::Command;

fn report(env: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_simd-activations"));
    cmd.args(args).env_remove("SIMD_ACTIVATIONS_BACKEND");
    if let Some(v) = env {
        cmd.env("SIMD_ACTIVATIONS_BACKEND", v);
    }
    let out = cmd.output().expect("run the report");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn forced_scalar_prints_only_scalar_and_reference_rows() {
    let (code, out, err) = report(
        Some("scalar"),
        &["--json", "--ops", "relu", "--sizes", "4K"],
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 4, "{out}");
    for line in lines {
        assert!(
            line.starts_with("{\"system\":\"simd-activations\""),
            "{line}"
        );
        let is_reference =
            line.contains("\"op\":\"copy\"") || line.contains("\"op\":\"stream_2r1w\"");
        assert!(
            is_reference || line.contains("\"backend\":\"scalar\""),
            "{line}"
        );
        for key in [
            "\"pass\":",
            "\"n\":4096",
            "\"threads\":",
            "\"ns_per_elem\":",
            "\"gb_per_s\":",
        ] {
            assert!(line.contains(key), "{line} lacks {key}");
        }
    }
    assert!(out.contains("\"op\":\"relu\",\"pass\":\"backward_from_output\""));
}

#[test]
fn a_bad_backend_variable_is_an_error_not_ignored() {
    let (code, out, err) = report(Some("avx9000"), &["--ops", "relu", "--sizes", "1K"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("SIMD_ACTIVATIONS_BACKEND") && err.contains("avx9000"),
        "{err}"
    );
}

#[test]
fn an_unsupported_backend_is_an_error() {
    for b in simd_activations::Backend::ALL {
        if !b.is_supported() {
            let (code, _, err) = report(Some(b.name()), &["--sizes", "1K"]);
            assert_eq!(code, 2);
            assert!(
                err.contains("not supported") && err.contains(b.name()),
                "{err}"
            );
        }
    }
}

#[test]
fn the_text_report_names_the_cpu_and_backends() {
    let (code, out, err) = report(
        None,
        &[
            "--ops",
            "relu,hardtanh(min_val=-2,max_val=2)",
            "--sizes",
            "2K",
            "--threads",
            "1,2",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("features:") && out.contains("detected"),
        "{out}"
    );
    assert!(out.contains("hardtanh(min_val=-2.0,max_val=2.0)"), "{out}");
    assert!(out.contains("threads = 2"), "{out}");
}

#[test]
fn bad_options_are_errors() {
    for args in [
        &["--ops", "nope"][..],
        &["--sizes", "0"],
        &["--threads", "x"],
        &["--frobnicate"],
    ] {
        let (code, _, err) = report(None, args);
        assert_eq!(code, 2, "{args:?}");
        assert!(!err.is_empty());
    }
}
