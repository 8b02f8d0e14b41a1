//! The JWT-verifying auth layer per request against a bare `jsonwebtoken::decode` of the same
//! token, in one run: HS256 (FastAPI's tutorial) and RS256 (an identity provider's).
//!
//! `cargo bench --bench jwt`. The layer's time includes reading the `Authorization` header,
//! verifying, storing the claims and calling a pass-through service; `bare decode` is only the
//! signature and claims check with a `serde_json::Value` result.
#![allow(missing_docs, clippy::unwrap_used)]

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion};
use http::{header, Request, Response};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use tower::{service_fn, Layer, Service};
use towerapi::auth::jwt::JwtVerifier;
use towerapi::auth::{AuthLayer, OAuth2PasswordBearer};
use towerapi::Body;

fn now<F: Future>(fut: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(fut).poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => unreachable!("the services in this benchmark never wait"),
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(der);
    let body: Vec<&str> = b
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.join("\n")
    )
}

fn bench(c: &mut Criterion) {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair;
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let claims =
        serde_json::json!({"sub": "alice", "scopes": ["items:read"], "exp": 4_102_444_800u64});
    let rsa = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let rsa_private =
        EncodingKey::from_rsa_pem(pem("PRIVATE KEY", rsa.as_der().unwrap().as_ref()).as_bytes())
            .unwrap();
    let rsa_public = rsa.public_key().as_ref().to_vec();

    let cases = [
        (
            "HS256",
            Algorithm::HS256,
            EncodingKey::from_secret(b"oracle-secret"),
            DecodingKey::from_secret(b"oracle-secret"),
        ),
        (
            "RS256",
            Algorithm::RS256,
            rsa_private,
            DecodingKey::from_rsa_der(&rsa_public),
        ),
    ];
    let mut g = c.benchmark_group("jwt");
    for (name, alg, enc, dec) in cases {
        let token = jsonwebtoken::encode(&Header::new(alg), &claims, &enc).unwrap();
        let mut validation = Validation::new(alg);
        validation.leeway = 0;
        g.bench_function(format!("{name} bare decode"), |b| {
            b.iter(|| {
                jsonwebtoken::decode::<serde_json::Value>(black_box(&token), &dec, &validation)
                    .unwrap()
            })
        });
        let verifier = JwtVerifier::<serde_json::Value>::new().key(dec.clone(), [alg]);
        let mut svc = AuthLayer::new(OAuth2PasswordBearer::new("token"))
            .verify_with(verifier)
            .layer(service_fn(|_req: Request<()>| {
                std::future::ready(Ok::<_, Infallible>(Response::new(Body::empty())))
            }));
        let value = format!("Bearer {token}");
        g.bench_function(format!("{name} layer"), |b| {
            b.iter(|| {
                let req = Request::builder()
                    .header(header::AUTHORIZATION, value.as_str())
                    .body(())
                    .unwrap();
                let res = now(svc.call(req)).unwrap();
                assert_eq!(res.status(), 200);
                black_box(res)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
