//! Spec strings: `name` or `name(key=value, ...)`, parsed into an
//! [`Activation`] and printed back.
//!
//! Names and keys are PyTorch's; numbers take Rust or Python float syntax
//! (`1`, `-0.5`, `.5`, `5.`, `1e-3`, `1_000.5`, `inf`, `-infinity`); choices
//! are bare words (quotes are accepted too). Omitted parameters take their
//! defaults. Every mistake is an [`Error::Spec`] or
//! [`Error::InvalidParameter`] that names the offending part.

use crate::kernel::{validate_all, Kernel, ParamKind, ParamValue};
use crate::registry::{self, Registered};
use crate::{Activation, Error};
use alloc::{
    format,
    string::{String, ToString},
    vec::Vec,
};
use core::fmt;
use core::str::FromStr;

impl FromStr for Activation {
    type Err = Error;

    /// Parses a spec string such as `leaky_relu(negative_slope=0.2)`.
    fn from_str(s: &str) -> Result<Activation, Error> {
        let parsed = Parsed::new(s)?;
        let entry = registry::find(parsed.name).ok_or_else(|| {
            let hint = registry::closest(parsed.name)
                .map(|c| format!("; did you mean {c}?"))
                .unwrap_or_default();
            parsed.error(
                parsed.name,
                format!("unknown activation {:?}{hint}", parsed.name),
            )
        })?;
        let act = (entry.build)(&parsed.values(entry)?);
        with_kernel!(&act, k => validate_all(k))?;
        Ok(act)
    }
}

impl fmt::Display for Activation {
    /// The spec string, which parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        with_kernel!(self, k => write_spec(k, f))
    }
}

/// Parses a spec that must name `K` (or an alias of it).
pub(crate) fn parse_typed<K: Kernel>(s: &str) -> Result<K, Error> {
    let parsed = Parsed::new(s)?;
    match registry::find(parsed.name) {
        Some(entry) if entry.info.name == K::INFO.name => {
            let k = K::from_params(&parsed.values(entry)?);
            validate_all(&k)?;
            Ok(k)
        }
        _ => Err(parsed.error(
            parsed.name,
            format!("expected {}, found {:?}", K::INFO.name, parsed.name),
        )),
    }
}

/// Writes `k` as a spec: `name` or `name(key=value,...)`.
pub(crate) fn write_spec<K: Kernel>(k: &K, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(K::INFO.name)?;
    for (i, p) in K::INFO.params.iter().enumerate() {
        f.write_str(if i == 0 { "(" } else { "," })?;
        match k.param(i) {
            // `{:?}` is the shortest decimal that reads back to the same f32,
            // with an exponent for very large or small values.
            ParamValue::Float(v) => write!(f, "{}={v:?}", p.name)?,
            ParamValue::Choice(c) => write!(f, "{}={c}", p.name)?,
            ParamValue::Int(v) => write!(f, "{}={v}", p.name)?,
        }
    }
    if !K::INFO.params.is_empty() {
        f.write_str(")")?;
    }
    Ok(())
}

/// `k` as a spec string.
pub(crate) fn spec_string<K: Kernel>(k: &K) -> String {
    struct Spec<'a, K>(&'a K);
    impl<K: Kernel> fmt::Display for Spec<'_, K> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_spec(self.0, f)
        }
    }
    Spec(k).to_string()
}

/// A spec split into its name and `key=value` pairs (not yet checked against
/// the activation's parameters).
struct Parsed<'a> {
    spec: &'a str,
    name: &'a str,
    args: Vec<(&'a str, &'a str)>,
}

impl<'a> Parsed<'a> {
    fn new(spec: &'a str) -> Result<Parsed<'a>, Error> {
        let err = |token: &str, reason: &str| Error::Spec {
            spec: spec.to_string(),
            token: token.to_string(),
            reason: reason.to_string(),
        };
        let text = spec.trim();
        if text.is_empty() {
            return Err(err(spec, "empty spec"));
        }
        let (name, rest) = match text.find('(') {
            Some(open) => (text[..open].trim_end(), Some(&text[open + 1..])),
            None => (text, None),
        };
        if !is_identifier(name) {
            return Err(err(
                name,
                "expected an activation name (letters, digits, _)",
            ));
        }
        let mut args = Vec::new();
        if let Some(rest) = rest {
            let Some(inner) = rest.strip_suffix(')') else {
                return Err(err(rest, "missing closing parenthesis"));
            };
            if inner.contains(['(', ')']) {
                return Err(err(
                    inner,
                    "unexpected parenthesis inside the argument list",
                ));
            }
            let inner = inner.trim();
            // Python allows one trailing comma after an argument, not alone.
            let inner = match inner.strip_suffix(',') {
                Some(before) if before.trim().is_empty() => {
                    return Err(err(inner, "a comma with no argument before it"));
                }
                Some(before) => before,
                None => inner,
            };
            if !inner.trim().is_empty() {
                for arg in inner.split(',') {
                    let Some((key, value)) = arg.split_once('=') else {
                        return Err(err(arg.trim(), "expected key=value"));
                    };
                    let (key, value) = (key.trim(), value.trim());
                    if !is_identifier(key) {
                        return Err(err(key, "expected a parameter name"));
                    }
                    if value.is_empty() {
                        return Err(err(arg.trim(), "missing value"));
                    }
                    args.push((key, value));
                }
            }
        }
        Ok(Parsed { spec, name, args })
    }

    fn error(&self, token: &str, reason: String) -> Error {
        Error::Spec {
            spec: self.spec.to_string(),
            token: token.to_string(),
            reason,
        }
    }

    /// The parameter values in `entry`'s order, defaults filled in.
    fn values(&self, entry: &Registered) -> Result<Vec<ParamValue>, Error> {
        let info = entry.info;
        let known: Vec<&str> = info.params.iter().map(|p| p.name).collect();
        for (i, (key, _)) in self.args.iter().enumerate() {
            if !known.contains(key) {
                let takes = if known.is_empty() {
                    "no parameters".to_string()
                } else {
                    known.join(", ")
                };
                return Err(self.error(
                    key,
                    format!("unknown parameter {key:?} ({} takes {takes})", info.name),
                ));
            }
            if self.args[..i].iter().any(|(k, _)| k == key) {
                return Err(self.error(key, format!("parameter {key:?} given twice")));
            }
        }
        info.params
            .iter()
            .map(|p| {
                let given = self.args.iter().find(|(k, _)| *k == p.name);
                match (given, p.default) {
                    (Some((_, raw)), _) => self.value(p.name, p.kind, raw),
                    (None, Some(default)) => Ok(default),
                    (None, None) => Err(self.error(
                        self.name,
                        format!("{} needs parameter {:?}", info.name, p.name),
                    )),
                }
            })
            .collect()
    }

    fn value(&self, key: &str, kind: ParamKind, raw: &str) -> Result<ParamValue, Error> {
        match kind {
            ParamKind::Float => parse_number(raw)
                .map(ParamValue::Float)
                .ok_or_else(|| self.error(raw, format!("{key} expects a number, found {raw:?}"))),
            ParamKind::Int => parse_int(raw)
                .map(ParamValue::Int)
                .ok_or_else(|| self.error(raw, format!("{key} expects an integer, found {raw:?}"))),
            ParamKind::Choice(choices) => {
                let bare = strip_quotes(raw);
                choices
                    .iter()
                    .find(|c| **c == bare)
                    .map(|c| ParamValue::Choice(c))
                    .ok_or_else(|| {
                        self.error(
                            raw,
                            format!("{key} must be one of {}, found {raw:?}", choices.join(", ")),
                        )
                    })
            }
        }
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn strip_quotes(s: &str) -> &str {
    for q in ['\'', '"'] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// A float in Rust or Python syntax. Underscores are allowed only between
/// digits (as both languages do); NaN is parsed (and rejected later by
/// validation, with the parameter's name).
pub(crate) fn parse_number(raw: &str) -> Option<f32> {
    let bytes = raw.as_bytes();
    let mut cleaned = String::with_capacity(raw.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let between_digits = i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !between_digits {
                return None;
            }
        } else {
            cleaned.push(b as char);
        }
    }
    // Rust's parser also takes "inf", "infinity" and "nan" in any case, and
    // "5." and ".5"; it rejects a lone "." or "e5" as Python does.
    cleaned.parse::<f32>().ok()
}

/// An integer in Rust or Python syntax: optional sign, digits, underscores
/// only between digits.
pub(crate) fn parse_int(raw: &str) -> Option<i32> {
    let digits = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    // Reuse the float rules for underscores, then demand an exact integer.
    let v = parse_number(raw)?;
    let i = raw.replace('_', "").parse::<i32>().ok()?;
    (v == i as f32 || i.unsigned_abs() > 1 << 24).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::{parse_int, parse_number};

    #[test]
    fn integers() {
        for (raw, want) in [("2", 2), ("-1", -1), ("+3", 3), ("1_000", 1000), ("0", 0)] {
            assert_eq!(parse_int(raw), Some(want), "{raw}");
        }
        for bad in [
            "",
            "-",
            "2.0",
            "2.",
            "1e3",
            "_1",
            "1_",
            "x",
            "0x10",
            "99999999999",
        ] {
            assert_eq!(parse_int(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers() {
        let ok = [
            ("1", 1.0),
            ("-0.5", -0.5),
            ("+2", 2.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e-3", 1e-3),
            ("1E3", 1e3),
            ("1_000.5", 1000.5),
            ("inf", f32::INFINITY),
            ("-Infinity", f32::NEG_INFINITY),
        ];
        for (raw, want) in ok {
            assert_eq!(parse_number(raw), Some(want), "{raw}");
        }
        assert!(parse_number("nan").unwrap().is_nan());
        for bad in [
            "", ".", "e5", "1_", "_1", "1__0", "1.0.0", "0x10", "1,0", "one",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }
}
