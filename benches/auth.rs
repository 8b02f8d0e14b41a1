//! The auth layers against a bare service and tower-http's bearer check, in one run.
//!
//! `cargo bench --bench auth`. Every variant builds a fresh `http::Request<()>` in each
//! iteration, with the same 8 ordinary headers (host, user-agent, accept, accept-encoding,
//! accept-language, connection, cookie, x-request-id) plus its credentials header, calls the
//! service and polls the (ready) future to completion, so the request's cost is in all of them.
//!
//! - `pass-through`: the inner `service_fn` alone, called with `Authorization: Bearer abc`.
//! - `tower-http bearer`: tower-http's deprecated `ValidateRequestHeaderLayer::bearer("abc")`
//!   (a byte comparison of the header against `Bearer abc`), the baseline layer.
//! - `HttpBasic`: `AuthLayer::new(HttpBasic::new())` with `Authorization: Basic YWxpY2U6c2VjcmV0`
//!   (base64 decoding, the credentials stored in the request's extensions).
//! - `HttpBearer`: `AuthLayer::new(HttpBearer::new())` with `Authorization: Bearer abc`.
//! - `OAuth2PasswordBearer`: `AuthLayer::new(OAuth2PasswordBearer::new("token"))`, `Bearer abc`.
//! - `ApiKeyHeader`: `AuthLayer::new(ApiKeyHeader::new("x-api-key"))` with `x-api-key: k1`.
//! - `HttpBasic rejected (missing)`: the Basic layer without the header: the 401 is built.
//!
//! The extra cost per request of a layer is its time minus `pass-through`.
#![allow(missing_docs, clippy::unwrap_used)]

#[path = "support/headers.rs"]
mod headers;

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use http::header::{self, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use tower::{service_fn, Layer, Service};
use towerapi::auth::{
    constant_time_eq, ApiKeyHeader, AuthError, AuthLayer, HttpBasic, HttpBasicCredentials,
    HttpBearer, OAuth2PasswordBearer,
};
use towerapi::encode::Body;

/// Polls a future that is ready at once (every service here answers without waiting).
fn now<F: Future>(fut: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(fut).poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => unreachable!("the services in this benchmark never wait"),
    }
}

/// A request with the 8 ordinary headers and, if given, the credentials header.
fn request(auth: Option<(&HeaderName, &'static str)>) -> Request<()> {
    let mut req = Request::new(());
    let headers = req.headers_mut();
    headers::insert_ordinary(headers, "api.example.com");
    if let Some((name, value)) = auth {
        headers.insert(name.clone(), HeaderValue::from_static(value));
    }
    req
}

/// Checks the variant answers as expected once, then measures it.
fn run<S, B>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    mut svc: S,
    auth: Option<(&HeaderName, &'static str)>,
    expected: StatusCode,
) where
    S: Service<Request<()>, Response = Response<B>, Error = Infallible>,
{
    let res = now(svc.call(request(auth))).unwrap();
    assert_eq!(res.status(), expected, "{name}");
    group.bench_function(name, |b| {
        b.iter(|| {
            let res = now(svc.call(request(black_box(auth)))).unwrap();
            black_box(res)
        })
    });
}

fn bench(c: &mut Criterion) {
    let inner = service_fn(|_req: Request<()>| {
        std::future::ready(Ok::<_, Infallible>(Response::new(Body::empty())))
    });
    let authorization = header::AUTHORIZATION;
    let api_key = HeaderName::from_static("x-api-key");
    let bearer = Some((&authorization, "Bearer abc"));
    let basic = Some((&authorization, "Basic YWxpY2U6c2VjcmV0"));
    let key = Some((&api_key, "k1"));

    let mut group = c.benchmark_group("auth");
    run(&mut group, "pass-through", inner, bearer, StatusCode::OK);

    #[allow(deprecated)]
    let tower_http =
        tower_http::validate_request::ValidateRequestHeaderLayer::bearer("abc").layer(inner);
    run(
        &mut group,
        "tower-http bearer",
        tower_http,
        bearer,
        StatusCode::OK,
    );

    let basic_layer = AuthLayer::new(HttpBasic::new());
    run(
        &mut group,
        "HttpBasic",
        basic_layer.layer(inner),
        basic,
        StatusCode::OK,
    );
    run(
        &mut group,
        "HttpBearer",
        AuthLayer::new(HttpBearer::new()).layer(inner),
        bearer,
        StatusCode::OK,
    );
    run(
        &mut group,
        "OAuth2PasswordBearer",
        AuthLayer::new(OAuth2PasswordBearer::new("token")).layer(inner),
        bearer,
        StatusCode::OK,
    );
    run(
        &mut group,
        "ApiKeyHeader",
        AuthLayer::new(ApiKeyHeader::new("x-api-key")).layer(inner),
        key,
        StatusCode::OK,
    );
    // A verifier on top: the same constant-time check as an async fn and as a plain fn.
    async fn check_async(
        c: HttpBasicCredentials,
        _parts: &http::request::Parts,
    ) -> Result<(), AuthError> {
        check(&c, _parts)
    }
    fn check(c: &HttpBasicCredentials, _parts: &http::request::Parts) -> Result<(), AuthError> {
        if constant_time_eq(&c.username, "alice") & constant_time_eq(&c.password, "secret") {
            Ok(())
        } else {
            Err(AuthError::unauthorized("Incorrect username or password"))
        }
    }
    run(
        &mut group,
        "HttpBasic + verify (async fn)",
        AuthLayer::new(HttpBasic::new())
            .verify(check_async)
            .layer(inner),
        basic,
        StatusCode::OK,
    );
    run(
        &mut group,
        "HttpBasic + verify_sync (fn)",
        AuthLayer::new(HttpBasic::new())
            .verify_sync(check)
            .layer(inner),
        basic,
        StatusCode::OK,
    );
    run(
        &mut group,
        "HttpBasic rejected (missing)",
        basic_layer.layer(inner),
        None,
        StatusCode::UNAUTHORIZED,
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
