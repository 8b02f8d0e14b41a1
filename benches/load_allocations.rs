//! Allocations per request on every route of the load comparison, bare axum against towerapi
//! (`cargo bench --bench load_allocations`): the figure that does not depend on the machine's
//! speed or load. `allocation-counter` installs a counting global allocator in this benchmark
//! only; `benches/load.rs` times the same calls with the plain system allocator.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "load/common.rs"]
mod common;

use std::hint::black_box;

fn allocations(f: impl Fn()) -> u64 {
    // Lazily initialized statics are not the request's, and neither is the response model's
    // check of its shortcut on the first values it sees (8 of them): the steady state is.
    for _ in 0..16 {
        f();
    }
    allocation_counter::measure(&f).count_total
}

fn main() {
    let apps = common::Apps::new();
    println!("| route | bare axum | towerapi | towerapi - axum |");
    println!("|---|---|---|---|");
    for (path, a, t) in apps.each() {
        let x = allocations(|| {
            black_box(common::call(&apps.axum, path, a));
        });
        let y = allocations(|| {
            black_box(common::call(&apps.towerapi, path, t));
        });
        println!("| `{path}` | {x} | {y} | {:+} |", y as i64 - x as i64);
    }
}
