//! `PydanticJson` writes floats exactly as pydantic-core's `dump_json` (FastAPI's response-model
//! path) does: checked against the real pydantic-core on 20,000 random and edge-case doubles,
//! one by one and as one list through a `Payload`.
//!
//! pydantic-core comes from a venv of its own, never the system Python: the interpreter named by
//! `TOWERAPI_PYDANTIC_PYTHON` (`scripts/test` sets it), else `target/pydantic-venv/bin/python`,
//! which this test creates (`python3 -m venv`, `pip install pydantic-core==PYDANTIC_CORE`) when
//! it is missing. It never skips: no Python, no venv module or no PyPI is a failure that says so.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use towerapi_encode::class::{PydanticJson, ResponseClass};
use towerapi_encode::Payload;

/// The pydantic-core under FastAPI 0.165 / pydantic 2.14.4.
/// Keep in step with `scripts/test`.
const PYDANTIC_CORE: &str = "2.50.5";

/// The values one by one (a float schema), then the whole list (a list-of-floats schema), each
/// JSON on its own line; the first line is pydantic-core's version. NaN and infinities go in as
/// `nan`/`inf`, which `float.fromhex` reads.
const SCRIPT: &str = r#"
import sys
import pydantic_core
from pydantic_core import SchemaSerializer, core_schema
one = SchemaSerializer(core_schema.float_schema())
many = SchemaSerializer(core_schema.list_schema(core_schema.float_schema()))
values = [float.fromhex(line) for line in sys.stdin.read().split()]
out = sys.stdout.buffer
out.write(pydantic_core.__version__.encode() + b"\n")
for v in values:
    out.write(one.to_json(v) + b"\n")
out.write(many.to_json(values) + b"\n")
"#;

#[test]
fn floats_match_pydantic_core() {
    let values = doubles(20_000);
    assert_eq!(values.len(), 20_000);
    let python = python();

    let mut child = Command::new(&python)
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let mut input = String::new();
    for v in &values {
        input.push_str(&common::hex(*v));
        input.push('\n');
    }
    // Write from another thread: a full pipe would block both sides.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{} failed: {}",
        python.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut lines = stdout.lines();
    let version = lines.next().unwrap();
    let lines: Vec<&str> = lines.collect();
    assert_eq!(
        lines.len(),
        values.len() + 1,
        "one line per value, then the list"
    );

    let mut mismatches = Vec::new();
    let mut non_finite = 0;
    for (v, want) in values.iter().zip(&lines) {
        non_finite += usize::from(!v.is_finite());
        let got = String::from_utf8(PydanticJson::to_vec(v).unwrap()).unwrap();
        if got != *want {
            mismatches.push(format!(
                "{v:e} ({}): pydantic {want}, ours {got}",
                common::hex(*v)
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "pydantic-core {version}: {} of {} differ, first: {:#?}",
        mismatches.len(),
        values.len(),
        &mismatches[..mismatches.len().min(10)]
    );
    assert!(non_finite >= 6, "NaN and infinities are among the values");

    // The whole list, through a payload as SerializeLayer renders it.
    let rendered = PydanticJson.render(&Payload::new(values)).unwrap();
    assert!(
        rendered.body == lines[lines.len() - 1].as_bytes(),
        "pydantic-core {version}: the list differs"
    );
    eprintln!("pydantic-core {version}: 20000 doubles, byte for byte equal");
}

/// The interpreter with pydantic-core: `TOWERAPI_PYDANTIC_PYTHON`, else the workspace's
/// `target/pydantic-venv`, created or completed here when needed.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("TOWERAPI_PYDANTIC_PYTHON") {
        return python.into();
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("target");
    let venv = target.join("pydantic-venv");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        // Built beside, then renamed: a concurrent run never sees half a venv.
        let tmp = target.join(format!("pydantic-venv.tmp.{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&target).unwrap();
        make_venv(&tmp);
        pip_install(&tmp.join("bin").join("python"));
        if std::fs::rename(&tmp, &venv).is_err() {
            // Another run got there first.
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    let check = format!(
        "import sys, pydantic_core; sys.exit(pydantic_core.__version__ != {PYDANTIC_CORE:?})"
    );
    let ok = Command::new(&python)
        .args(["-c", &check])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        pip_install(&python);
    }
    python
}

/// `python3 -m venv DIR`; where Debian leaves the venv module out, `apt-get install
/// python3-venv` first, as `scripts/test` does.
fn make_venv(dir: &Path) {
    let venv = || {
        Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(dir)
            .output()
    };
    let first = venv().unwrap_or_else(|e| {
        panic!("python3 is needed to build the pydantic-core venv (scripts/test installs it): {e}")
    });
    if first.status.success() {
        return;
    }
    let _ = std::fs::remove_dir_all(dir);
    eprintln!("python3 -m venv failed; installing python3-venv");
    let apt = Command::new("apt-get")
        .args(["update", "-qq"])
        .status()
        .and_then(|_| {
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "python3-venv"])
                .status()
        });
    let second = venv().unwrap();
    assert!(
        second.status.success(),
        "python3 -m venv {} failed ({}), and installing python3-venv did not help ({apt:?}): {}",
        dir.display(),
        stderr(&first),
        stderr(&second)
    );
}

fn pip_install(python: &Path) {
    let spec = format!("pydantic-core=={PYDANTIC_CORE}");
    eprintln!("installing {spec} with {}", python.display());
    let out = Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg(&spec)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    assert!(
        out.status.success(),
        "pip install {spec} failed (PyPI must be reachable): {}",
        stderr(&out)
    );
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Edge cases, then three kinds of values in turn from a deterministic generator (xorshift, so
/// a failure can be replayed): random bit patterns (every exponent, NaN and infinities
/// included), short decimals `m * 10^k` for k in -25..25 (where the layout rules bite), and
/// short mantissas scaled by a power of ten (long digits at moderate exponents).
fn doubles(n: usize) -> Vec<f64> {
    let mut out = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        1.0 / 3.0,
        1.5e16,
        123456789012345680.0,
        9999999999999998.0,
        9007199254740993.0,
        1.2345e-5,
        2.5e-6,
        5e-324,
        -5e-324,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        f64::from_bits(0x000f_ffff_ffff_ffff), // the largest subnormal
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    // Each power of ten where a layout changes (and a few more), its neighbours, both signs.
    for e in [
        -7, -6, -5, -4, -3, 14, 15, 16, 17, 20, 21, 22, 100, -100, 308, -308,
    ] {
        let p: f64 = format!("1e{e}").parse().unwrap();
        for v in [
            p,
            f64::from_bits(p.to_bits() + 1),
            f64::from_bits(p.to_bits() - 1),
        ] {
            out.push(v);
            out.push(-v);
        }
    }
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    while out.len() < n {
        out.push(f64::from_bits(next()));
        let r = next();
        let mantissa = r % 10u64.pow((r >> 32) as u32 % 7 + 1);
        let exp = ((r >> 40) % 51) as i32 - 25;
        let sign = if r & 1 == 0 { "" } else { "-" };
        out.push(format!("{sign}{mantissa}e{exp}").parse().unwrap());
        let r = next();
        let scaled = (r % 2_000_000) as f64 / 10f64.powi((r >> 40) as i32 % 40 - 20);
        out.push(if r & 1 == 0 { scaled } else { -scaled });
    }
    out.truncate(n);
    out
}
