//! Command-line options of the report.

use simd_activations::{activations, Activation, Backend};

/// The passes the report can time.
pub const PASSES: [&str; 4] = [
    "forward",
    "forward_inplace",
    "backward",
    "backward_from_output",
];

/// What to measure and how to print it.
#[derive(Debug)]
pub struct Options {
    pub ops: Vec<Activation>,
    pub sizes: Vec<usize>,
    pub threads: Vec<usize>,
    pub backends: Vec<Backend>,
    pub passes: Vec<&'static str>,
    pub json: bool,
}

pub const USAGE: &str = "\
usage: simd-activations [options]
       simd-activations accuracy [--ops SPECS] [--backends B,...] [--exhaustive] [--per-binade N] [--markdown]

Times every activation's forward and backward passes on every backend this
CPU has, next to a plain memory copy of the same bytes.

options:
  --ops SPECS       comma-separated activations, e.g. relu,leaky_relu(negative_slope=0.2)
                    (default: every activation with its first example parameters)
  --sizes N,...     element counts; K and M suffixes allowed (default: 16K,16M)
  --threads T,...   thread counts; 1 times each backend serially, T > 1 times the
                    parallel path on the best backend in a pool of T threads
                    (default: 1 and all cores)
  --backends B,...  scalar, portable, avx2, avx512 (default: every supported one,
                    or only the one SIMD_ACTIVATIONS_BACKEND names)
  --passes P,...    forward, forward_inplace, backward, backward_from_output (default: all)
  --json            one JSON object per line instead of tables
  -h, --help        this text

accuracy: compares every pass with the f64 references, in ULPs, on each
backend; a stratified sample by default (seconds), every f32 bit pattern with
--exhaustive (hours). Exits with 1 if a bound fails.
";

/// Splits `s` at commas that are not inside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(s[start..].trim());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// `16K` = 16384, `16M` = 16777216, or a plain number.
fn parse_size(s: &str) -> Result<usize, String> {
    let (digits, scale) = match s.chars().last() {
        Some('k' | 'K') => (&s[..s.len() - 1], 1 << 10),
        Some('m' | 'M') => (&s[..s.len() - 1], 1 << 20),
        _ => (s, 1),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("--sizes: {s:?} is not a positive element count"))
}

/// An op given by name only takes its first example (so activations with
/// required parameters still run); a full spec is parsed as given.
fn parse_op(s: &str) -> Result<Activation, String> {
    if let Some(info) = activations().find(|i| i.name == s || i.aliases.contains(&s)) {
        return info.examples[0].parse().map_err(|e| format!("{e}"));
    }
    s.parse().map_err(|e| format!("--ops: {e}"))
}

impl Options {
    /// Parses `args` (without the program name). `default_backends` is what
    /// runs when `--backends` is not given.
    pub fn parse(args: &[String], default_backends: Vec<Backend>) -> Result<Options, String> {
        let mut opts = Options {
            ops: activations()
                .map(|i| i.examples[0].parse().expect("examples parse"))
                .collect(),
            sizes: vec![16 << 10, 16 << 20],
            threads: vec![
                1,
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            ],
            backends: default_backends,
            passes: PASSES.to_vec(),
            json: false,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match flag.as_str() {
                "--json" => opts.json = true,
                "--ops" => {
                    let v = value("--ops")?;
                    opts.ops = split_top_level(&v)
                        .into_iter()
                        .map(parse_op)
                        .collect::<Result<_, _>>()?;
                }
                "--sizes" => {
                    opts.sizes = split_top_level(&value("--sizes")?)
                        .into_iter()
                        .map(parse_size)
                        .collect::<Result<_, _>>()?;
                }
                "--threads" => {
                    opts.threads = split_top_level(&value("--threads")?)
                        .into_iter()
                        .map(|t| {
                            t.parse::<usize>()
                                .ok()
                                .filter(|&t| t > 0)
                                .ok_or_else(|| format!("--threads: {t:?} is not a positive count"))
                        })
                        .collect::<Result<_, _>>()?;
                }
                "--backends" => opts.backends = parse_backends(&value("--backends")?)?,
                "--passes" => {
                    let mut passes = Vec::new();
                    for p in split_top_level(&value("--passes")?) {
                        let pass = PASSES.iter().find(|q| **q == p).ok_or_else(|| {
                            format!(
                                "--passes: unknown pass {p:?} (expected one of {})",
                                PASSES.join(", ")
                            )
                        })?;
                        passes.push(*pass);
                    }
                    opts.passes = passes;
                }
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
            }
        }
        for (what, empty) in [
            ("--ops", opts.ops.is_empty()),
            ("--sizes", opts.sizes.is_empty()),
            ("--threads", opts.threads.is_empty()),
            ("--backends", opts.backends.is_empty()),
            ("--passes", opts.passes.is_empty()),
        ] {
            if empty {
                return Err(format!("{what} needs at least one value"));
            }
        }
        opts.backends.sort();
        opts.backends.dedup();
        opts.threads.dedup();
        Ok(opts)
    }
}

/// Parses the options of `accuracy`.
pub fn accuracy_options(
    args: &[String],
    default_backends: Vec<Backend>,
) -> Result<super::accuracy::Options, String> {
    let mut opts = super::accuracy::Options {
        ops: activations()
            .map(|i| i.examples[0].parse().expect("examples parse"))
            .collect(),
        backends: default_backends,
        exhaustive: false,
        per_binade: 256,
        markdown: false,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--exhaustive" => opts.exhaustive = true,
            "--markdown" => opts.markdown = true,
            "--ops" => {
                opts.ops = split_top_level(&value("--ops")?)
                    .into_iter()
                    .map(parse_op)
                    .collect::<Result<_, _>>()?;
            }
            "--backends" => opts.backends = parse_backends(&value("--backends")?)?,
            "--per-binade" => {
                let v = value("--per-binade")?;
                opts.per_binade = v
                    .parse()
                    .map_err(|_| format!("--per-binade: {v:?} is not a count"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown accuracy option {other:?}\n\n{USAGE}")),
        }
    }
    if opts.ops.is_empty() || opts.backends.is_empty() {
        return Err("accuracy needs at least one op and one backend".to_string());
    }
    Ok(opts)
}

/// Parses `--backends`, refusing any this CPU cannot run.
fn parse_backends(list: &str) -> Result<Vec<Backend>, String> {
    let mut backends = Vec::new();
    for name in split_top_level(list) {
        let b: Backend = name.parse().map_err(|e| format!("--backends: {e}"))?;
        if !b.is_supported() {
            return Err(format!(
                "--backends: {b} is not supported on this CPU (supported: {})",
                names(&Backend::supported())
            ));
        }
        backends.push(b);
    }
    backends.sort();
    backends.dedup();
    Ok(backends)
}

/// Backend names joined by ", ".
pub fn names(backends: &[Backend]) -> String {
    backends
        .iter()
        .map(|b| b.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_respects_parentheses() {
        assert_eq!(
            split_top_level("relu, hardtanh(min_val=-2,max_val=3),elu"),
            ["relu", "hardtanh(min_val=-2,max_val=3)", "elu"]
        );
        assert_eq!(parse_size("16K"), Ok(16384));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert!(parse_size("0").is_err() && parse_size("x").is_err());
    }

    #[test]
    fn options() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let o = Options::parse(
            &args("--ops threshold --sizes 4K --json"),
            vec![Backend::Scalar],
        )
        .unwrap();
        assert_eq!(o.ops[0].to_string(), "threshold(threshold=0.5,value=-1.0)");
        assert!(o.json && o.sizes == [4096]);
        assert!(Options::parse(&args("--ops nope"), vec![Backend::Scalar]).is_err());
        assert!(Options::parse(&args("--bogus"), vec![Backend::Scalar]).is_err());
        assert!(Options::parse(&args("--passes sideways"), vec![Backend::Scalar]).is_err());
    }
}
