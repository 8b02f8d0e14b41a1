//! The OpenAPI document: how long building the parity example's takes, and what serving
//! `/openapi.json` costs against a route returning a static string, in one run.
//!
//! `cargo bench --bench openapi`.
//!
//! - `build parity document`: `ApiRouter::finish` on the ported FastAPI app (98 operations,
//!   12 security schemes, 30 schemas): every layer described, the schemas generated, the axum
//!   router built. Target: under 5 ms.
//! - `GET /openapi.json` against `GET /static` (`|| async { "hello" }`) through the same axum
//!   router, request to collected body. Target: the document at >= 0.9x the static route's
//!   requests per second, i.e. at most 1.11x its time.
#![allow(missing_docs, clippy::unwrap_used)]

#[allow(dead_code)]
#[path = "../examples/fastapi_parity.rs"]
mod parity;

use std::hint::black_box;

use axum::body::Body;
use criterion::{criterion_group, criterion_main, Criterion};
use http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;
use towerapi::openapi::Docs;

fn bench(c: &mut Criterion) {
    c.bench_function("build parity document", |b| {
        b.iter(|| black_box(parity::api().finish(parity::info()).unwrap()))
    });

    let (router, doc) = parity::api().finish(parity::info()).unwrap();
    let app = router
        .route("/static", axum::routing::get(|| async { "hello" }))
        .merge(Docs::new(&doc).router());
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let rt = &rt;
    let get = |path: &'static str| {
        let app = app.clone();
        move || {
            let app = app.clone();
            rt.block_on(async move {
                let res = app
                    .oneshot(Request::get(path).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
                black_box(res.into_body().collect().await.unwrap().to_bytes())
            })
        }
    };
    let mut group = c.benchmark_group("serve");
    let static_route = get("/static");
    group.bench_function("GET /static", |b| b.iter(&static_route));
    let document = get("/openapi.json");
    group.bench_function("GET /openapi.json", |b| b.iter(&document));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
