//! SerializeLayer against `serde_json::to_vec` of the same value, in one run.
//!
//! `cargo bench --bench serialize`. The value: a 10-field struct with a 20-element list.
//!
//! - `serde_json::to_vec`: the baseline.
//! - `Json::to_vec`: our encoder alone (Python float layout, NaN check).
//! - `SerializeLayer`: a request through the layer: the inner service hands back a response
//!   carrying the payload (an `Arc` clone), the layer writes it and sets the headers.
//! - `Reply + SerializeLayer`: the same, with the handler building the `Reply` from a clone of
//!   the value, against `serde_json::to_vec` of a clone and against bare axum's
//!   `Json(value).into_response()`.
//!
//! The layer's own cost is `SerializeLayer` minus `inner service alone` (the handler's part).
#![allow(missing_docs, clippy::unwrap_used)]

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{criterion_group, criterion_main, Criterion};
use http::{Request, Response};
use serde::Serialize;
use tower::{service_fn, Layer, Service};
use towerapi::encode::class::Json;
use towerapi::prelude::*;

#[derive(Serialize, Clone)]
struct Tag {
    id: u32,
    label: String,
}

#[derive(Serialize, Clone)]
struct Order {
    id: u64,
    customer: String,
    email: String,
    active: bool,
    total: f64,
    currency: &'static str,
    created_at: String,
    note: Option<String>,
    priority: i32,
    tags: Vec<Tag>,
}

fn order() -> Order {
    Order {
        id: 123_456_789,
        customer: "Alice Oracle".into(),
        email: "alice@example.com".into(),
        active: true,
        total: 1234.56,
        currency: "EUR",
        created_at: "2024-01-02T03:04:05+00:00".into(),
        note: None,
        priority: -3,
        tags: (0..20)
            .map(|i| Tag {
                id: i,
                label: format!("tag-{i}"),
            })
            .collect(),
    }
}

/// Polls a future that is ready at once (every service here answers without waiting).
fn now<F: Future>(fut: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(fut).poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => unreachable!("the services in this benchmark never wait"),
    }
}

fn bench(c: &mut Criterion) {
    let value = order();
    let mut group = c.benchmark_group("serialize");

    group.bench_function("serde_json::to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).unwrap())
    });
    group.bench_function("Json::to_vec", |b| {
        b.iter(|| Json::to_vec(black_box(&value)).unwrap())
    });

    let payload = Reply::new(order())
        .into_http_response()
        .extensions()
        .get::<Payload>()
        .unwrap()
        .clone();
    let inner = service_fn(move |_req: Request<()>| {
        let mut res = Response::new(Body::empty());
        res.extensions_mut().insert(payload.clone());
        std::future::ready(Ok::<_, Infallible>(res))
    });
    let mut bare = inner.clone();
    group.bench_function("inner service alone", |b| {
        b.iter(|| {
            let res = now(bare.call(Request::new(()))).unwrap();
            black_box(res)
        })
    });
    let mut svc = SerializeLayer::json().layer(inner);
    group.bench_function("SerializeLayer", |b| {
        b.iter(|| {
            let res = now(svc.call(Request::new(()))).unwrap();
            black_box(res)
        })
    });

    group.bench_function("serde_json::to_vec(clone)", |b| {
        b.iter(|| {
            let v = black_box(&value).clone();
            serde_json::to_vec(&v).unwrap()
        })
    });
    let v2 = value.clone();
    let inner = service_fn(move |_req: Request<()>| {
        std::future::ready(Ok::<_, Infallible>(
            Reply::new(v2.clone()).into_http_response(),
        ))
    });
    let mut svc = SerializeLayer::json().layer(inner);
    group.bench_function("Reply+SerializeLayer", |b| {
        b.iter(|| {
            let res = now(svc.call(Request::new(()))).unwrap();
            black_box(res)
        })
    });
    // Bare axum: the handler serializes itself with `axum::Json`.
    let v3 = value.clone();
    group.bench_function("axum::Json(clone).into_response", |b| {
        b.iter(|| {
            use axum::response::IntoResponse;
            black_box(axum::Json(black_box(&v3).clone()).into_response())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
