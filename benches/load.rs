//! The load comparison in one process: every route of `examples/load_towerapi.rs` against the
//! same route of `examples/load_axum.rs` (bare axum, written by hand), through each example's
//! own `Router`, without the network.
//!
//! `cargo bench --bench load [-- /route ...] [--only axum|towerapi]`. Each call builds the
//! request as hyper hands it to the router (the 8 ordinary headers of a browser or client plus
//! the route's credentials), calls a clone of the router, and collects the response body, so
//! the rendering is in the figure. Both routers answer at once, so the futures are polled once
//! with a no-op waker.
//!
//! Not criterion: what matters is the difference between two routers on a machine whose speed
//! drifts, so each round times a batch of one router then of the other (alternating which goes
//! first), and the table gives the medians and the median of the rounds' differences: what
//! towerapi's layers cost on that route over the hand-written code. `--only` calls one router
//! in a loop instead, for `perf record`. `scripts/load` measures the same routes over HTTP,
//! where the kernel's share of each request adds noise of a few microseconds;
//! `benches/load_allocations.rs` counts the allocations of the same calls.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

/// Rounds per route; each round times both routers, in alternating order.
const ROUNDS: usize = 41;
/// Calls per router in a round.
const CALLS: u32 = 2_000;

#[path = "load/common.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use axum::Router;
use common::call;
use http::header::{HeaderName, HeaderValue};

/// Nanoseconds per call of `n` calls.
fn batch(router: &Router, path: &str, auth: Option<&(HeaderName, HeaderValue)>, n: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        black_box(call(router, black_box(path), auth));
    }
    start.elapsed().as_nanos() as f64 / f64::from(n)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --benches` runs every bench once with `--test`: one round of few calls.
    let quick = args.iter().any(|a| a == "--test");
    let filter: Vec<&str> = args
        .iter()
        .filter(|a| a.starts_with('/'))
        .map(String::as_str)
        .collect();
    let (rounds, calls) = if quick { (1, 10) } else { (ROUNDS, CALLS) };
    // `--only axum|towerapi`: call one router for 5 s per route, for `perf record`.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);

    let apps = common::Apps::new();
    let (axum, towerapi) = (&apps.axum, &apps.towerapi);

    println!("{rounds} interleaved rounds of {calls} calls per route and router; medians");
    println!();
    println!("| route | bare axum | towerapi | delta (median of the rounds' deltas) |");
    println!("|---|---|---|---|");
    for (path, axum_auth, towerapi_auth) in apps.each() {
        if !filter.is_empty() && !filter.contains(&path) {
            continue;
        }
        if let Some(only) = only {
            let (router, auth) = match only {
                "axum" => (axum, axum_auth),
                "towerapi" => (towerapi, towerapi_auth),
                other => panic!("--only axum or towerapi, not {other}"),
            };
            let start = Instant::now();
            while start.elapsed().as_secs() < 5 {
                batch(router, path, auth, calls);
            }
            continue;
        }
        // Warm-up.
        batch(axum, path, axum_auth, calls);
        batch(towerapi, path, towerapi_auth, calls);
        let (mut xs, mut ys, mut ds) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            // Alternate which goes first, so that drift hits both alike.
            let (x, y) = if round % 2 == 0 {
                let x = batch(axum, path, axum_auth, calls);
                (x, batch(towerapi, path, towerapi_auth, calls))
            } else {
                let y = batch(towerapi, path, towerapi_auth, calls);
                (batch(axum, path, axum_auth, calls), y)
            };
            xs.push(x);
            ys.push(y);
            ds.push(y - x);
        }
        println!(
            "| `{path}` | {:.2} µs | {:.2} µs | {:+.2} µs |",
            median(xs) / 1e3,
            median(ys) / 1e3,
            median(ds) / 1e3,
        );
    }
}
