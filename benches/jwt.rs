//! The JWT-verifying auth layer per request against a bare `jsonwebtoken::decode` of the same
//! token, in one run: HS256 (FastAPI's tutorial) and RS256 (an identity provider's).
//!
//! `cargo bench --bench jwt`. The layer's time includes reading the `Authorization` header,
//! verifying, storing the claims and calling a pass-through service; `bare decode` is only the
//! signature and claims check with a `serde_json::Value` result; `layer, cached` is the layer
//! with a `TokenCache`, the same token each time (a hit after the first).
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
use towerapi::auth::jwt::{JwtVerifier, TokenCache};
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
    #[cfg(feature = "jwks")]
    let rsa_for_remote =
        EncodingKey::from_rsa_pem(pem("PRIVATE KEY", rsa.as_der().unwrap().as_ref()).as_bytes())
            .unwrap();

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
        bench_layer(&mut g, &format!("{name} layer"), verifier.clone(), &token);
        // A repeated token through the verified-token cache: a lookup instead of the crypto.
        let cached = verifier.cache(TokenCache::new());
        bench_layer(&mut g, &format!("{name} layer, cached"), cached, &token);
    }
    #[cfg(feature = "jwks")]
    remote(&mut g, &claims, &rsa_for_remote);
    g.finish();
}

/// RS256 with the key from a [`RemoteJwks`] (by `kid`), as behind an identity provider: the
/// same work plus reading the current key set.
#[cfg(feature = "jwks")]
fn remote(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    claims: &serde_json::Value,
    key: &EncodingKey,
) {
    use std::future::Future;
    use std::pin::Pin;
    use towerapi::auth::jwt::{Fetch, FetchError, RemoteJwks};

    struct Memory(bytes::Bytes);
    impl Fetch for Memory {
        fn get<'a>(
            &'a self,
            _url: &'a http::Uri,
        ) -> Pin<Box<dyn Future<Output = Result<bytes::Bytes, FetchError>> + Send + 'a>> {
            let body = self.0.clone();
            Box::pin(async move { Ok(body) })
        }
    }
    let mut jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(key, Algorithm::RS256).unwrap();
    jwk.common.key_id = Some("rsa-1".to_owned());
    let set = serde_json::json!({ "keys": [jwk] }).to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let jwks = runtime
        .block_on(
            RemoteJwks::from_url("https://idp.test/jwks")
                .unwrap()
                .fetch(Memory(set.into()))
                .load(),
        )
        .unwrap();
    let verifier = JwtVerifier::<serde_json::Value>::new().remote_jwks(jwks);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rsa-1".to_owned());
    let token = jsonwebtoken::encode(&header, claims, key).unwrap();
    let _enter = runtime.enter();
    bench_layer(g, "RS256 layer, remote JWKS", verifier, &token);
}

/// A request with `Bearer <token>` through the verifying layer to a pass-through service.
fn bench_layer(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    verifier: JwtVerifier,
    token: &str,
) {
    let mut svc = AuthLayer::new(OAuth2PasswordBearer::new("token"))
        .verify_with(verifier)
        .layer(service_fn(|_req: Request<()>| {
            std::future::ready(Ok::<_, Infallible>(Response::new(Body::empty())))
        }));
    let value = format!("Bearer {token}");
    g.bench_function(name, |b| {
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

criterion_group!(benches, bench);
criterion_main!(benches);
