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

#[test]
fn the_text_report_has_the_ratio_columns_and_the_fused_ratio() {
    let (code, out, err) = report(
        None,
        &[
            "--ops",
            "relu[bias=16,unfused],relu[bias=16]",
            "--sizes",
            "4K",
            "--threads",
            "1,2",
            "--passes",
            "forward",
        ],
    );
    assert_eq!(code, 0, "{err}");
    for column in ["us/call", "vs 1 thr", "vs unfused"] {
        assert!(out.contains(column), "{column}: {out}");
    }
    // Each fused row carries one ratio more than its unfused row (in the
    // same order): its speedup over the unfused pair.
    let ratios = |prefix: &str| -> Vec<usize> {
        out.lines()
            .filter(|l| l.starts_with(prefix))
            .map(|l| l.split_whitespace().filter(|t| t.ends_with('x')).count())
            .collect()
    };
    let (unfused, fused) = (ratios("relu[bias=16,unfused] "), ratios("relu[bias=16] "));
    assert!(!fused.is_empty() && fused.len() == unfused.len(), "{out}");
    for (u, f) in unfused.iter().zip(&fused) {
        assert_eq!(*f, u + 1, "{out}");
    }
    let (code, out, err) = report(None, &["--json", "--ops", "relu", "--sizes", "4K"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"ns_per_call\":"), "{out}");
}

#[test]
fn the_sweep_prints_a_table_per_op_and_refuses_bad_chunks() {
    let (code, out, err) = report(
        None,
        &[
            "sweep",
            "--ops",
            "relu,sigmoid",
            "--sizes",
            "32K",
            "--chunks",
            "16K",
            "--threads",
            "2",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("| n | serial | chunk 16K | default |"),
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("| 32K |")).count(),
        2,
        "{out}"
    );
    for args in [
        &["sweep", "--chunks", "17"][..],
        &["sweep", "--threads", "0"],
        &["sweep", "--x"],
    ] {
        let (code, _, err) = report(None, args);
        assert_eq!(code, 2, "{args:?}");
        assert!(!err.is_empty(), "{args:?}");
    }
}
