//! Fuzzes the spec-string parser (`str::parse::<Activation>()`).
//!
//! The first byte picks the mode: even, the rest of the input is taken as
//! a UTF-8 string as is; odd, the rest drives a generator that assembles
//! a spec from a registered name (or alias) and `key=value` pairs whose keys
//! and values are mostly well-formed, so the fuzzer reaches parameter
//! parsing and validation instead of dying at the name.
//!
//! Properties checked on every string:
//! - parsing never panics, and its error is `Error::Spec` (whose `token` is
//!   a part of the input and whose `spec` is the input) or
//!   `Error::InvalidParameter` (naming a parameter of that activation);
//! - what parses has a name part equal to its name or an alias, no NaN
//!   parameter, and runs (an elementwise forward on two elements is `Ok`);
//! - its `Display` is canonical (`name(p1=v1,p2=v2)` with every parameter
//!   in `info().params` order, no spaces) and parses back to an equal value
//!   with the same parameter bits (so `-0.0` stays `-0.0`), whose `Display`
//!   is the same string again.
//!
//! For generated specs the expected outcome is known independently of the
//! parser: the value each parameter must get (Rust's own `f32` parser on
//! the digits, the default when omitted), and whether the spec must fail
//! as malformed (an unknown or repeated key, a required parameter missing,
//! a value that is not a number / integer / choice).

#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use simd_activations::{activations, Activation, ActivationFn, Error, Info, Kind};
use simd_activations::{ParamKind, ParamValue};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        if let Ok(s) = std::str::from_utf8(rest) {
            let _ = check_any(s);
        }
    } else {
        let _ = generated(&mut Unstructured::new(rest));
    }
});

/// The properties every input string must have; returns the parse result.
fn check_any(s: &str) -> std::result::Result<Activation, Error> {
    let parsed = s.parse::<Activation>();
    match &parsed {
        Ok(act) => check_parsed(s, act),
        Err(Error::Spec {
            spec,
            token,
            reason,
        }) => {
            assert_eq!(spec, s, "Error::Spec must quote the whole spec");
            assert!(
                s.contains(token.as_str()),
                "{s:?}: error token {token:?} is not part of the spec"
            );
            assert!(!reason.is_empty(), "{s:?}: empty reason");
        }
        Err(Error::InvalidParameter {
            activation,
            parameter,
            rule,
            ..
        }) => {
            let info = activations()
                .find(|i| i.name == *activation)
                .unwrap_or_else(|| panic!("{s:?}: InvalidParameter names {activation:?}"));
            assert!(
                info.params.iter().any(|p| p.name == *parameter),
                "{s:?}: {activation} has no parameter {parameter:?}"
            );
            assert!(!rule.is_empty());
        }
        Err(other) => panic!("{s:?}: parsing gave an unexpected error kind: {other:?}"),
    }
    if let Err(e) = &parsed {
        assert!(!e.to_string().is_empty());
    }
    parsed
}

/// `act`, parsed from `s`, is what `s` names, is valid, and round-trips.
fn check_parsed(s: &str, act: &Activation) {
    let info = act.info();
    let name_part = s.trim().split('(').next().unwrap().trim_end();
    assert!(
        name_part == info.name || info.aliases.contains(&name_part),
        "{s:?} parsed as {}",
        info.name
    );
    let params = act.params();
    assert_eq!(params.len(), info.params.len());
    let mut canonical = info.name.to_string();
    for (i, (p, v)) in params.iter().enumerate() {
        assert_eq!(p.name, info.params[i].name);
        canonical.push(if i == 0 { '(' } else { ',' });
        canonical.push_str(p.name);
        canonical.push('=');
        match (p.kind, v) {
            (ParamKind::Float, ParamValue::Float(f)) => {
                assert!(!f.is_nan(), "{s:?}: {} is NaN", p.name);
                canonical.push_str(&format!("{f:?}"));
            }
            (ParamKind::Int, ParamValue::Int(n)) => canonical.push_str(&n.to_string()),
            (ParamKind::Choice(choices), ParamValue::Choice(c)) => {
                assert!(choices.contains(c), "{s:?}: {c:?} is not a choice");
                canonical.push_str(c);
            }
            (kind, v) => panic!("{s:?}: parameter {} of kind {kind:?} holds {v:?}", p.name),
        }
    }
    if !params.is_empty() {
        canonical.push(')');
    }
    let shown = act.to_string();
    assert_eq!(shown, canonical, "{s:?}: Display is not canonical");
    let again: Activation = shown
        .parse()
        .unwrap_or_else(|e| panic!("{s:?}: Display {shown:?} does not parse back: {e}"));
    assert_eq!(&again, act, "{s:?}: round trip through {shown:?}");
    assert_eq!(
        bits(&again),
        bits(act),
        "{s:?}: round trip through {shown:?} changed parameter bits"
    );
    assert_eq!(again.to_string(), shown);
    // Whatever parses is valid: the call-time validation agrees.
    if act.kind() == Kind::Elementwise {
        let x = [0.5f32, -1.5];
        let mut y = [0.0f32; 2];
        act.forward(&x, &mut y)
            .unwrap_or_else(|e| panic!("{s:?} parsed, but forward refuses it: {e}"));
    }
}

/// The parameters' exact bits (PartialEq says `0.0 == -0.0`).
fn bits(act: &Activation) -> Vec<(u8, u64)> {
    act.params()
        .into_iter()
        .map(|(_, v)| match v {
            ParamValue::Float(f) => (0, f.to_bits() as u64),
            ParamValue::Int(n) => (1, n as u32 as u64),
            ParamValue::Choice(c) => (2, c.as_ptr() as u64 ^ (c.len() as u64) << 48),
        })
        .collect()
}

/// What a generated value must parse to: `Some(v)` if it is well-formed for
/// its parameter's kind, `None` if it must be rejected, or unknown (`Err`)
/// for free text the generator cannot judge.
type Expect = std::result::Result<Option<ParamValue>, ()>;

/// Builds a spec from the registry, parses it, and checks the outcome
/// against what the generator knows.
fn generated(u: &mut Unstructured) -> Result<()> {
    let infos: Vec<&'static Info> = activations().collect();
    let info = *u.choose(&infos)?;
    let mut spec = String::new();
    spec.push_str(space(u)?);
    let name = if !info.aliases.is_empty() && u.ratio(1, 4)? {
        *u.choose(info.aliases)?
    } else {
        info.name
    };
    spec.push_str(name);
    spec.push_str(space(u)?);

    // key, what the value must give (or unknown), whether the key is known.
    let mut given: Vec<(String, Expect)> = Vec::new();
    let with_parens = !info.params.is_empty() || u.ratio(1, 3)?;
    if with_parens {
        spec.push('(');
        let count = u.int_in_range(0..=info.params.len() + 1)?;
        for i in 0..count {
            if i > 0 {
                spec.push_str(space(u)?);
                spec.push(',');
            }
            spec.push_str(space(u)?);
            let (key, kind) = if !info.params.is_empty() && u.ratio(7, 8)? {
                let p = u.choose(info.params)?;
                (p.name.to_string(), Some(p.kind))
            } else {
                (identifier(u)?, None)
            };
            spec.push_str(&key);
            spec.push_str(space(u)?);
            spec.push('=');
            spec.push_str(space(u)?);
            let (text, expect) = value(u, kind)?;
            spec.push_str(&text);
            spec.push_str(space(u)?);
            given.push((key, expect));
        }
        // Python's one trailing comma (after at least one argument).
        if count > 0 && u.ratio(1, 8)? {
            spec.push(',');
        }
        spec.push(')');
    }
    spec.push_str(space(u)?);

    let result = check_any(&spec);

    // The outcome the spec must have, from what was generated.
    let known = |k: &str| info.params.iter().any(|p| p.name == k);
    let unknown_key = given.iter().any(|(k, _)| !known(k));
    let repeated = given
        .iter()
        .enumerate()
        .any(|(i, (k, _))| given[..i].iter().any(|(k2, _)| k2 == k));
    let missing = info
        .params
        .iter()
        .any(|p| p.default.is_none() && !given.iter().any(|(k, _)| k == p.name));
    let bad_value = given.iter().any(|(_, e)| matches!(e, Ok(None)));
    let unsure = given.iter().any(|(_, e)| e.is_err());
    let malformed = unknown_key || repeated || missing || bad_value;
    match &result {
        Ok(act) => {
            assert!(!malformed, "{spec:?} should not parse, gave {act}");
            assert_eq!(act.name(), info.name);
            for (i, p) in info.params.iter().enumerate() {
                let got = act.params()[i].1;
                let want = match given.iter().find(|(k, _)| k == p.name) {
                    Some((_, Ok(Some(v)))) => *v,
                    Some((_, _)) => continue,
                    None => p.default.expect("required parameters were given"),
                };
                assert!(
                    same(got, want),
                    "{spec:?}: {} is {got:?}, want {want:?}",
                    p.name
                );
            }
        }
        Err(Error::Spec { .. }) => {
            assert!(
                malformed || unsure,
                "{spec:?} is well-formed but was rejected: {}",
                result.unwrap_err()
            );
        }
        Err(Error::InvalidParameter {
            parameter, value, ..
        }) => {
            assert!(
                !malformed || unsure,
                "{spec:?} is malformed, but the error is about a value"
            );
            // The value the error quotes is the one the spec gave (or the
            // default).
            let want = match given.iter().find(|(k, _)| k == parameter) {
                Some((_, Ok(Some(v)))) => Some(*v),
                Some(_) => None,
                None => info
                    .params
                    .iter()
                    .find(|p| p.name == *parameter)
                    .and_then(|p| p.default),
            };
            if let Some(want) = want {
                assert!(
                    same(ParamValue::Float(*value), ParamValue::Float(want.float())),
                    "{spec:?}: error quotes {parameter}={value:?}, the spec gave {want:?}"
                );
            }
        }
        Err(_) => unreachable!("check_any accepts only these kinds"),
    }
    Ok(())
}

/// Equal values, floats by bits (NaN by NaN-ness).
fn same(a: ParamValue, b: ParamValue) -> bool {
    match (a, b) {
        (ParamValue::Float(a), ParamValue::Float(b)) => {
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
        }
        (a, b) => a == b,
    }
}

/// Optional whitespace.
fn space(u: &mut Unstructured) -> Result<&'static str> {
    Ok(*u.choose(&["", "", "", " ", "  ", "\t", " \n"])?)
}

/// A parameter-like identifier that is usually not a parameter name.
fn identifier(u: &mut Unstructured) -> Result<String> {
    let words = [
        "slope", "alpha", "beta", "lambd", "k", "dim", "weight", "x", "_", "std",
    ];
    Ok(u.choose(&words)?.to_string())
}

/// A value for a parameter of `kind` (`None`: an unknown key), as text and
/// what it must parse to.
fn value(u: &mut Unstructured, kind: Option<ParamKind>) -> Result<(String, Expect)> {
    let kind = match kind {
        Some(k) => k,
        None => return Ok((number_text(u)?.0, Err(()))),
    };
    Ok(match kind {
        ParamKind::Float => {
            if u.ratio(1, 8)? {
                (free_text(u)?, Err(()))
            } else {
                let (text, v) = number_text(u)?;
                (text, Ok(v.map(ParamValue::Float)))
            }
        }
        ParamKind::Int => match u.int_in_range(0..=4)? {
            0 => {
                let n: i32 = u.arbitrary()?;
                (n.to_string(), Ok(Some(ParamValue::Int(n))))
            }
            1 => {
                let n = u.int_in_range(0..=40)?;
                (format!("+{n}"), Ok(Some(ParamValue::Int(n))))
            }
            2 => {
                let n = u.int_in_range(-3..=40)?;
                (n.to_string(), Ok(Some(ParamValue::Int(n))))
            }
            // A float with a point or exponent is not an integer.
            3 => {
                let n = u.int_in_range(-3..=40)?;
                (format!("{n}.0"), Ok(None))
            }
            _ => (free_text(u)?, Err(())),
        },
        ParamKind::Choice(choices) => match u.int_in_range(0..=3)? {
            0 | 1 => {
                let c = *u.choose(choices)?;
                (c.to_string(), Ok(Some(ParamValue::Choice(c))))
            }
            2 => {
                let c = *u.choose(choices)?;
                let q = *u.choose(&["'", "\""])?;
                (format!("{q}{c}{q}"), Ok(Some(ParamValue::Choice(c))))
            }
            _ => {
                let c = *u.choose(choices)?;
                (c.to_uppercase(), Ok(None))
            }
        },
    })
}

/// A number in one of the spellings the parser documents, and the f32 it
/// denotes (`None` for spellings it must reject).
fn number_text(u: &mut Unstructured) -> Result<(String, Option<f32>)> {
    let v = f32::from_bits(u.arbitrary()?);
    let v = if u.ratio(1, 2)? {
        // Mostly ordinary magnitudes, where validation rules bite.
        let small: i16 = u.arbitrary()?;
        small as f32 / 64.0
    } else {
        v
    };
    Ok(match u.int_in_range(0..=7)? {
        // Rust's shortest round-trip form, as Display writes it.
        0 => (format!("{v:?}"), Some(v)),
        // Plain decimal, possibly very long.
        1 => (format!("{v}"), Some(v)),
        // Exponent form, upper or lower case.
        2 => (format!("{v:e}"), Some(v)),
        3 => (format!("{v:E}"), Some(v)),
        // Explicit plus sign.
        4 if !v.is_sign_negative() && !v.is_nan() => (format!("+{v:?}"), Some(v)),
        // Python's `.5` and `5.`.
        5 => {
            let n = u.int_in_range(0..=999)?;
            if u.ratio(1, 2)? {
                (format!(".{n}"), Some(format!("0.{n}").parse().unwrap()))
            } else {
                (format!("{n}."), Some(n as f32))
            }
        }
        // Underscores between digits are allowed, anywhere else not.
        6 => {
            let n = u.int_in_range(1000..=999_999)?;
            let digits = n.to_string();
            let at = u.int_in_range(1..=digits.len() - 1)?;
            let ok = format!("{}_{}", &digits[..at], &digits[at..]);
            match u.int_in_range(0..=2)? {
                0 => (ok, Some(n as f32)),
                1 => (format!("_{digits}"), None),
                _ => (format!("{digits}_"), None),
            }
        }
        // Infinity and NaN spellings.
        _ => {
            let (text, v) = *u.choose(&[
                ("inf", f32::INFINITY),
                ("-inf", f32::NEG_INFINITY),
                ("Infinity", f32::INFINITY),
                ("-INFINITY", f32::NEG_INFINITY),
                ("nan", f32::NAN),
                ("NaN", f32::NAN),
            ])?;
            (text.to_string(), Some(v))
        }
    })
}

/// Short free text from the input (anything: the parser must cope).
fn free_text(u: &mut Unstructured) -> Result<String> {
    let len = u.int_in_range(0..=12)?;
    let bytes = u.bytes(len)?;
    Ok(String::from_utf8_lossy(bytes).into_owned())
}
