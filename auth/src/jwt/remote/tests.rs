#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::jwt::{JwtErrorKind, JwtVerifier};

const FUTURE: u64 = 4_102_444_800;
const JWKS: &str = "https://idp.test/jwks";
const ISSUER: &str = "https://idp.test";
const DISCOVERY: &str = "https://idp.test/.well-known/openid-configuration";

/// Serves fixed documents by URL, counting the calls.
#[derive(Clone, Default)]
struct Mock {
    docs: Arc<Mutex<HashMap<String, Result<String, FetchErrorKind>>>>,
    calls: Arc<AtomicUsize>,
    delay: Arc<Mutex<Duration>>,
}

impl Mock {
    fn serve(&self, url: &str, doc: Result<String, FetchErrorKind>) {
        self.docs.lock().unwrap().insert(url.to_owned(), doc);
    }
    fn keys(&self, kids: &[&str]) {
        self.serve(JWKS, Ok(jwks(kids)));
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Fetch for Mock {
    fn get<'a>(
        &'a self,
        url: &'a Uri,
    ) -> Pin<Box<dyn Future<Output = Result<Bytes, FetchError>> + Send + 'a>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let delay = *self.delay.lock().unwrap();
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let doc = self.docs.lock().unwrap().get(&url.to_string()).cloned();
            match doc {
                Some(Ok(body)) => Ok(Bytes::from(body)),
                Some(Err(kind)) => Err(FetchError::new(kind, "mock")),
                None => Err(FetchError::new(FetchErrorKind::Status, "404")),
            }
        })
    }
}

fn secret(kid: &str) -> Vec<u8> {
    format!("secret-of-{kid}-0123456789abcdef").into_bytes()
}

/// A JWK set of HS256 keys, one per kid.
fn jwks(kids: &[&str]) -> String {
    let keys: Vec<_> = kids
        .iter()
        .map(|kid| {
            json!({
                "kty": "oct",
                "kid": kid,
                "k": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret(kid)),
            })
        })
        .collect();
    json!({ "keys": keys }).to_string()
}

fn token(kid: &str, claims: serde_json::Value) -> String {
    crate::jwt::ensure_provider();
    let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&secret(kid)),
    )
    .unwrap()
}

fn signed(kid: &str) -> String {
    token(kid, json!({"sub": kid, "exp": FUTURE}))
}

fn builder(mock: &Mock) -> RemoteJwksBuilder {
    RemoteJwks::from_url(JWKS)
        .unwrap()
        .algorithms([Algorithm::HS256])
        .fetch(mock.clone())
}

async fn verifier(builder: RemoteJwksBuilder) -> JwtVerifier {
    JwtVerifier::new().remote_jwks(builder.load().await.unwrap())
}

#[tokio::test]
async fn a_loaded_set_verifies_by_kid() {
    let mock = Mock::default();
    mock.keys(&["a", "b"]);
    let v = verifier(builder(&mock)).await;
    assert_eq!(v.verify(&signed("a")).unwrap().kid.as_deref(), Some("a"));
    assert_eq!(
        v.verify_fresh(&signed("b")).await.unwrap().sub.as_deref(),
        Some("b")
    );
    assert_eq!(
        v.verify(&signed("c")).unwrap_err().kind(),
        JwtErrorKind::UnknownKey
    );
    assert_eq!(mock.calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_kid_refetches_once_for_every_request_waiting_on_it() {
    let mock = Mock::default();
    mock.keys(&["a"]);
    let v = verifier(builder(&mock).min_refetch_interval(Duration::ZERO)).await;
    mock.keys(&["a", "b"]);
    *mock.delay.lock().unwrap() = Duration::from_millis(50);
    let token = signed("b");
    let waiting: Vec<_> = (0..20)
        .map(|_| {
            let (v, token) = (v.clone(), token.clone());
            tokio::spawn(async move { v.verify_fresh(&token).await })
        })
        .collect();
    for w in waiting {
        assert_eq!(w.await.unwrap().unwrap().kid.as_deref(), Some("b"));
    }
    assert_eq!(
        mock.calls(),
        2,
        "the load, then one refetch for the twenty requests"
    );
}

#[tokio::test]
async fn refetches_for_unknown_kids_are_rate_limited() {
    let mock = Mock::default();
    mock.keys(&["a"]);
    let v = verifier(builder(&mock).min_refetch_interval(Duration::from_secs(3600))).await;
    mock.keys(&["a", "b"]);
    // The load was within the interval: no fetch, the token is refused at once.
    let err = v.verify_fresh(&signed("b")).await.unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::UnknownKey);
    assert_eq!(mock.calls(), 1);
}

#[tokio::test]
async fn after_a_rotation_new_keys_verify_and_removed_keys_fail() {
    let mock = Mock::default();
    mock.keys(&["old"]);
    let v = verifier(builder(&mock).min_refetch_interval(Duration::from_millis(1))).await;
    let (old, new) = (signed("old"), signed("new"));
    assert!(v.verify_fresh(&old).await.is_ok());
    mock.keys(&["new"]);
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        v.verify_fresh(&new).await.unwrap().kid.as_deref(),
        Some("new")
    );
    assert_eq!(
        v.verify_fresh(&old).await.unwrap_err().kind(),
        JwtErrorKind::UnknownKey
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_fetch_keeps_the_last_good_keys_and_logs() {
    let (logs, _guard) = crate::tests::capture_logs();

    let mock = Mock::default();
    mock.keys(&["a"]);
    let jwks = builder(&mock).load().await.unwrap();
    let v = JwtVerifier::<serde_json::Value>::new().remote_jwks(jwks.clone());
    for (doc, kind) in [
        (Err(FetchErrorKind::Connect), FetchErrorKind::Connect),
        (Err(FetchErrorKind::Status), FetchErrorKind::Status),
        (Ok("<html>oops</html>".to_owned()), FetchErrorKind::Json),
        (Ok(r#"{"keys":[]}"#.to_owned()), FetchErrorKind::NoKeys),
        (
            Ok(
                r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","kid":"ec"}]}"#
                    .to_owned(),
            ),
            FetchErrorKind::NoKeys,
        ),
    ] {
        mock.serve(JWKS, doc);
        assert_eq!(jwks.refresh().await.unwrap_err().kind(), kind);
        assert_eq!(jwks.kids(), ["a"]);
        assert!(v.verify(&signed("a")).is_ok());
    }
    let text = logs.text();
    assert_eq!(
        text.matches("key set fetch failed; the last good keys stay in use")
            .count(),
        5,
        "{text}"
    );
    assert!(text.contains("kept=1"), "{text}");
}

#[tokio::test]
async fn the_set_is_refreshed_in_the_background() {
    let mock = Mock::default();
    mock.keys(&["a"]);
    let jwks = builder(&mock)
        .refresh_interval(Duration::from_millis(30))
        .load()
        .await
        .unwrap();
    mock.keys(&["b"]);
    for _ in 0..100 {
        if jwks.kids() == ["b"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(jwks.kids(), ["b"]);
}

#[tokio::test]
async fn the_refresh_task_ends_with_the_last_handle() {
    let mock = Mock::default();
    mock.keys(&["a"]);
    let jwks = builder(&mock)
        .refresh_interval(Duration::from_millis(10))
        .load()
        .await
        .unwrap();
    let weak = Arc::downgrade(&jwks.shared);
    drop(jwks);
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert!(weak.upgrade().is_none());
    let calls = mock.calls();
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(
        mock.calls(),
        calls,
        "no fetch after the last handle is gone"
    );
}

#[tokio::test]
async fn a_slow_key_server_times_out_and_the_request_does_not_hang() {
    let mock = Mock::default();
    mock.keys(&["a"]);
    let v = verifier(
        builder(&mock)
            .timeout(Duration::from_millis(50))
            .min_refetch_interval(Duration::ZERO),
    )
    .await;
    *mock.delay.lock().unwrap() = Duration::from_secs(10);
    let started = Instant::now();
    let err = v.verify_fresh(&signed("b")).await.unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::UnknownKey);
    assert!(started.elapsed() < Duration::from_secs(5));
    let jwks = v.config.remote.clone().unwrap();
    assert_eq!(
        jwks.refresh().await.unwrap_err().kind(),
        FetchErrorKind::Timeout
    );
}

#[tokio::test]
async fn start_returns_at_once_and_early_requests_wait_for_the_first_set() {
    let mock = Mock::default();
    mock.keys(&["a"]);
    *mock.delay.lock().unwrap() = Duration::from_millis(50);
    let jwks = builder(&mock).start().unwrap();
    assert!(jwks.kids().is_empty());
    let v = JwtVerifier::<serde_json::Value>::new().remote_jwks(jwks);
    assert_eq!(
        v.verify_fresh(&signed("a")).await.unwrap().kid.as_deref(),
        Some("a")
    );
    assert_eq!(mock.calls(), 1);
}

#[tokio::test]
async fn a_token_without_kid_also_waits_for_the_first_set() {
    let mock = Mock::default();
    let k = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret("none"));
    mock.serve(
        JWKS,
        Ok(json!({"keys": [{"kty": "oct", "k": k}]}).to_string()),
    );
    *mock.delay.lock().unwrap() = Duration::from_millis(50);
    let v = JwtVerifier::<serde_json::Value>::new().remote_jwks(builder(&mock).start().unwrap());
    crate::jwt::ensure_provider();
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(Algorithm::HS256),
        &json!({"sub": "x", "exp": FUTURE}),
        &jsonwebtoken::EncodingKey::from_secret(&secret("none")),
    )
    .unwrap();
    assert_eq!(
        v.verify_fresh(&token).await.unwrap().sub.as_deref(),
        Some("x")
    );
}

#[test]
fn without_a_runtime_the_builder_says_so() {
    let mock = Mock::default();
    assert_eq!(
        builder(&mock).start().unwrap_err().kind(),
        FetchErrorKind::NoRuntime
    );
}

fn discovery(issuer: &str, jwks_uri: &str) -> String {
    json!({
        "issuer": issuer,
        "jwks_uri": jwks_uri,
        "token_endpoint": format!("{ISSUER}/token"),
        "id_token_signing_alg_values_supported": ["RS256"],
    })
    .to_string()
}

#[tokio::test]
async fn discovery_finds_the_key_set_and_sets_the_issuer() {
    let mock = Mock::default();
    mock.serve(DISCOVERY, Ok(discovery(ISSUER, JWKS)));
    mock.keys(&["a"]);
    let jwks = RemoteJwks::from_issuer(ISSUER)
        .unwrap()
        .algorithms([Algorithm::HS256])
        .fetch(mock.clone())
        .load()
        .await
        .unwrap();
    assert_eq!(jwks.issuer(), Some(ISSUER));
    let v = JwtVerifier::<serde_json::Value>::new().remote_jwks(jwks.clone());
    let good = token("a", json!({"sub": "x", "exp": FUTURE, "iss": ISSUER}));
    assert!(v.verify(&good).is_ok());
    for claims in [
        json!({"sub": "x", "exp": FUTURE, "iss": "https://evil.test"}),
        json!({"sub": "x", "exp": FUTURE}),
    ] {
        let kind = v.verify(&token("a", claims)).unwrap_err().kind();
        assert_eq!(kind, JwtErrorKind::Audience);
    }
    // Discovery runs once; refreshes go to the jwks_uri it found.
    jwks.refresh().await.unwrap();
    assert_eq!(mock.calls(), 3);
}

#[tokio::test]
async fn discovery_refuses_another_issuer_and_clear_text_key_sets() {
    let mock = Mock::default();
    let load = || {
        RemoteJwks::from_issuer(ISSUER)
            .unwrap()
            .algorithms([Algorithm::HS256])
            .fetch(mock.clone())
            .load()
    };
    mock.serve(DISCOVERY, Ok(discovery("https://other.test", JWKS)));
    assert_eq!(load().await.unwrap_err().kind(), FetchErrorKind::Issuer);
    mock.serve(DISCOVERY, Ok(discovery(ISSUER, "http://idp.test/jwks")));
    assert_eq!(load().await.unwrap_err().kind(), FetchErrorKind::Insecure);
    mock.serve(DISCOVERY, Ok(r#"{"issuer": 1}"#.to_owned()));
    assert_eq!(load().await.unwrap_err().kind(), FetchErrorKind::Json);
}

#[tokio::test]
async fn documents_are_json_objects() {
    // Found by the discovery fuzz target: serde's derived readers also take a struct's fields
    // as a JSON array, so `[issuer, jwks_uri]` passed for a discovery document (and
    // `[[keys...]]` for a key set).
    let mock = Mock::default();
    let discover = || {
        RemoteJwks::from_issuer(ISSUER)
            .unwrap()
            .algorithms([Algorithm::HS256])
            .fetch(mock.clone())
            .load()
    };
    mock.keys(&["a"]);
    mock.serve(DISCOVERY, Ok(json!([ISSUER, JWKS]).to_string()));
    assert_eq!(discover().await.unwrap_err().kind(), FetchErrorKind::Json);
    let set: serde_json::Value = serde_json::from_str(&jwks(&["a"])).unwrap();
    mock.serve(JWKS, Ok(json!([set["keys"]]).to_string()));
    assert_eq!(
        builder(&mock).load().await.unwrap_err().kind(),
        FetchErrorKind::Json
    );
    // The same documents as objects load, whitespace before them or not.
    mock.serve(JWKS, Ok(format!(" \r\n\t{set}")));
    assert_eq!(builder(&mock).load().await.unwrap().kids(), ["a"]);
    mock.serve(DISCOVERY, Ok(format!("\n{}", discovery(ISSUER, JWKS))));
    assert_eq!(discover().await.unwrap().issuer(), Some(ISSUER));
}

#[tokio::test]
async fn urls_are_checked() {
    let mock = Mock::default();
    for url in ["ftp://idp.test/jwks", "/jwks", "not a url"] {
        assert_eq!(
            RemoteJwks::from_url(url).unwrap_err().kind(),
            FetchErrorKind::Url,
            "{url}"
        );
    }
    let insecure = RemoteJwks::from_url("http://idp.test/jwks")
        .unwrap()
        .fetch(mock.clone());
    assert_eq!(
        insecure.load().await.unwrap_err().kind(),
        FetchErrorKind::Insecure
    );
    mock.serve("http://idp.test/jwks", Ok(jwks(&["a"])));
    let allowed = RemoteJwks::from_url("http://idp.test/jwks")
        .unwrap()
        .algorithms([Algorithm::HS256])
        .allow_insecure_http(true)
        .fetch(mock.clone());
    assert_eq!(allowed.load().await.unwrap().kids(), ["a"]);
    for loopback in [
        "http://127.0.0.1:1/jwks",
        "http://[::1]:1/jwks",
        "http://localhost:1/jwks",
    ] {
        let err = RemoteJwks::from_url(loopback)
            .unwrap()
            .fetch(mock.clone())
            .load()
            .await;
        // Accepted as a URL; the mock has no such document.
        assert_eq!(
            err.unwrap_err().kind(),
            FetchErrorKind::Status,
            "{loopback}"
        );
    }
}

/// A one-shot HTTP server on 127.0.0.1 that answers every connection with `response`.
async fn raw_server(response: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let _ = stream.write_all(&response).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://{addr}/jwks")
}

#[tokio::test]
async fn the_http_client_reads_at_most_one_mebibyte_and_wants_a_200() {
    let big = vec![b' '; 2 * 1024 * 1024];
    let mut response =
        format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", big.len()).into_bytes();
    response.extend_from_slice(&big);
    let url = raw_server(response).await;
    let err = RemoteJwks::from_url(&url)
        .unwrap()
        .load()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), FetchErrorKind::TooLarge);

    let url = raw_server(
        b"HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:1/\r\ncontent-length: 0\r\n\r\n"
            .to_vec(),
    )
    .await;
    let err = RemoteJwks::from_url(&url)
        .unwrap()
        .load()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), FetchErrorKind::Status);
    assert!(err.to_string().contains("302"), "{err}");

    let body = jwks(&["a"]);
    let url = raw_server(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
    .await;
    let jwks = RemoteJwks::from_url(&url)
        .unwrap()
        .algorithms([Algorithm::HS256])
        .load()
        .await
        .unwrap();
    assert_eq!(jwks.kids(), ["a"]);

    let err = RemoteJwks::from_url("http://127.0.0.1:1/jwks")
        .unwrap()
        .load()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), FetchErrorKind::Connect);
}

#[tokio::test]
async fn the_token_cache_drops_a_token_whose_key_left_the_set() {
    use crate::jwt::TokenCache;
    use crate::{BearerToken, Verify};
    let mock = Mock::default();
    mock.keys(&["old"]);
    let v = verifier(builder(&mock).min_refetch_interval(Duration::from_millis(1)))
        .await
        .cache(TokenCache::new());
    let (parts, ()) = http::Request::new(()).into_parts();
    let layer = |token: &str| {
        <JwtVerifier as Verify<BearerToken>>::verify(&v, BearerToken(token.to_owned()), &parts)
    };
    let (old, new) = (signed("old"), signed("new"));
    assert_eq!(layer(&old).await.unwrap().kid.as_deref(), Some("old"));
    // Served from memory while the set is unchanged: no fetch.
    let calls = mock.calls();
    assert_eq!(layer(&old).await.unwrap().kid.as_deref(), Some("old"));
    assert_eq!(mock.calls(), calls);
    // The provider rotates; a token of the new key makes the verifier refetch.
    mock.keys(&["new"]);
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(layer(&new).await.unwrap().kid.as_deref(), Some("new"));
    // The old token is checked again against the new set, and refused.
    assert_eq!(
        layer(&old).await.unwrap_err().detail(),
        "Could not validate credentials"
    );
    assert_eq!(v.verify(&old).unwrap_err().kind(), JwtErrorKind::UnknownKey);
}
