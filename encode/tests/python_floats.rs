//! `Json` writes floats exactly as CPython's `repr` (and so `json.dumps`) does: checked against
//! the machine's `python3` on 20,000 random and edge-case doubles.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use towerapi_encode::class::Json;

/// A small deterministic generator (xorshift), so a failure can be replayed.
fn doubles(n: usize) -> Vec<f64> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut out = vec![
        0.0,
        -0.0,
        1.0,
        0.1,
        1e16,
        1e15,
        9999999999999998.0,
        1e-4,
        1e-5,
        0.00012345,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        123456.789,
        1e22,
        1e21,
    ];
    while out.len() < n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let f = f64::from_bits(state);
        if f.is_finite() {
            out.push(f);
        }
        // Also values with few digits and moderate exponents, where the layout rules bite.
        let small = (state % 2_000_000) as f64 / 10f64.powi((state >> 40) as i32 % 24 - 4);
        out.push(if state & 1 == 0 { small } else { -small });
    }
    out.truncate(n);
    out
}

#[test]
fn floats_match_cpython_repr() {
    let values = doubles(20_000);
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import sys\nfor line in sys.stdin: print(repr(float.fromhex(line.strip())))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is on the machine (the README's test command needs it)");
    let mut input = String::new();
    for v in &values {
        input.push_str(&common::hex(*v));
        input.push('\n');
    }
    // Write from another thread: python answers while we write, and a full pipe would block both.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success());
    let python = String::from_utf8(out.stdout).unwrap();
    let mut mismatches = Vec::new();
    for (v, want) in values.iter().zip(python.lines()) {
        let got = String::from_utf8(Json::to_vec(v).unwrap()).unwrap();
        if got != want {
            mismatches.push(format!("{v:e}: python {want}, ours {got}"));
        }
    }
    assert_eq!(python.lines().count(), values.len());
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first: {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(10)]
    );
}
