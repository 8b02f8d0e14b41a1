//! Instructions per request on every route of the load comparison, bare axum against towerapi
//! (`cargo bench --bench load_instructions [-- /route ...]`), counted by valgrind's callgrind:
//! a figure that, unlike time, does not move with the load of a shared machine (a route's count
//! varies by up to about 500 instructions between runs, with the allocator's and the hash
//! maps' state).
//!
//! The bench runs itself under `valgrind --tool=callgrind`, once per route and router, with
//! collection on only inside [`measured_calls`]: the routers' construction (RSA key generation
//! included) and the warm-up calls are not counted. It then divides by the number of calls.
//! The calls are those of `benches/load.rs` (the same requests, through each example's own
//! `Router`). Instructions are not time: a cache miss costs no instruction, so this figure says
//! what each side executes, and `scripts/load` what it costs over HTTP. Needs valgrind
//! (Debian's package; `scripts/load --instructions` installs it when it is missing).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "load/common.rs"]
mod common;

use std::hint::black_box;
use std::process::{Command, ExitCode};

use axum::Router;
use common::{call, Header};

/// Calls counted per route and router.
const CALLS: u64 = 500;
/// Calls before counting: lazily built statics and the response model's first checks.
const WARM_UP: u64 = 16;

/// The counted calls: callgrind collects only inside this function.
#[inline(never)]
fn measured_calls(router: &Router, path: &str, auth: Header<'_>, n: u64) {
    for _ in 0..n {
        black_box(call(router, black_box(path), auth));
    }
}

/// In the child: the calls of one route on one router.
fn child(path: &str, which: &str) {
    let apps = common::Apps::new();
    let (_, a, t) = apps
        .each()
        .find(|(p, _, _)| *p == path)
        .unwrap_or_else(|| panic!("no route {path}"));
    let (router, auth) = match which {
        "axum" => (&apps.axum, a),
        _ => (&apps.towerapi, t),
    };
    for _ in 0..WARM_UP {
        black_box(call(router, path, auth));
    }
    measured_calls(router, path, auth, CALLS);
}

/// Runs the child under callgrind and reads its instruction count.
fn count(path: &str, which: &str) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--toggle-collect=*measured_calls*",
            "--callgrind-out-file=/dev/null",
        ])
        .arg(exe)
        .args(["--child", path, which])
        .output()
        .map_err(|e| format!("valgrind could not start ({e}): apt-get install valgrind"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{path} on {which}: the child failed:\n{log}"));
    }
    // `==PID== Collected : 123456`
    log.lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, n)| n.trim().to_owned())
        })
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("{path} on {which}: no instruction count in callgrind's output"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, path, which] = args.as_slice() {
        if flag == "--child" {
            child(path, which);
            return ExitCode::SUCCESS;
        }
    }
    let only: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| a.starts_with('/'))
        .collect();
    // The routes, in the examples' order (building the routers here also checks, once and
    // natively, that both answer the same bytes).
    let routes: Vec<&'static str> = common::Apps::new()
        .each()
        .map(|(p, _, _)| p)
        .filter(|r| only.is_empty() || only.contains(r))
        .collect();
    println!("{CALLS} calls per route and router under callgrind; instructions per call");
    println!();
    println!("| route | bare axum | towerapi | towerapi - axum |");
    println!("|---|---|---|---|");
    for path in routes {
        let (a, t) = match (count(path, "axum"), count(path, "towerapi")) {
            (Ok(a), Ok(t)) => (a / CALLS, t / CALLS),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("load_instructions: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "| `{path}` | {a} | {t} | {:+} ({:+.1}%) |",
            t as i64 - a as i64,
            (t as f64 / a as f64 - 1.0) * 100.0
        );
    }
    ExitCode::SUCCESS
}
