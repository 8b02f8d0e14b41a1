//! Fuzzes OpenID Connect discovery as an OpenID provider answers it: the input is the body of
//! `https://login.example.com/.well-known/openid-configuration`, which `RemoteJwks::from_issuer`
//! reads (through a `Fetch` of this target, the public way to give it a document) before it
//! fetches the key set at the document's `jwks_uri` (a fixed one-key set).
//!
//! Whatever the bytes: no panic, and the answer is the one the document calls for. It must be a
//! JSON object with one string `issuer` and one string `jwks_uri` (other members are ignored),
//! else `FetchErrorKind::Json`; the issuer must be the one asked for, byte for byte (OpenID
//! Connect Discovery 1.0, 4.3), else `Issuer`; the `jwks_uri` must be an `http(s)` URL with a
//! host, else `Url`, and `https` unless it names a loopback host, else `Insecure`. An accepted
//! document fetches exactly its `jwks_uri`, gives a set that knows the issuer, and a verifier on
//! it takes tokens of that issuer only. The refresh task ends with the last handle.
//!
//! Input: the discovery document.
#![no_main]

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use bytes::Bytes;
use http::Uri;
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use towerapi_auth::jwt::{
    Algorithm, Fetch, FetchError, FetchErrorKind, JwtErrorKind, JwtIssuer, JwtVerifier, RemoteJwks,
};

const ISSUER: &str = "https://login.example.com";
const DISCOVERY: &str = "https://login.example.com/.well-known/openid-configuration";
const SECRET: &[u8] = b"fuzz-discovery-key-0123456789abc";
/// One HS256 key, `SECRET`, kid `k1`.
const JWKS: &str = r#"{"keys":[{"kty":"oct","kid":"k1","alg":"HS256","k":"ZnV6ei1kaXNjb3Zlcnkta2V5LTAxMjM0NTY3ODlhYmM"}]}"#;

/// The key server: the input at the discovery URL, `JWKS` anywhere else; records what was asked.
struct Server {
    document: Bytes,
    asked: Mutex<Vec<Uri>>,
}

#[derive(Clone)]
struct Served(Arc<Server>);

impl Fetch for Served {
    fn get<'a>(
        &'a self,
        url: &'a Uri,
    ) -> Pin<Box<dyn Future<Output = Result<Bytes, FetchError>> + Send + 'a>> {
        Box::pin(async move {
            let mut asked = self.0.asked.lock().unwrap_or_else(PoisonError::into_inner);
            let first = asked.is_empty();
            asked.push(url.clone());
            Ok(if first {
                self.0.document.clone()
            } else {
                Bytes::from_static(JWKS.as_bytes())
            })
        })
    }
}

/// What the document calls for.
#[derive(Debug)]
enum Expected {
    Json,
    Issuer,
    Url,
    Insecure,
    Accepted(Uri),
}

/// The document as this target reads it, independently of the library's type: the members of a
/// JSON object, the values of `issuer` and `jwks_uri` as JSON values (others skipped).
struct Members {
    issuer: Vec<serde_json::Value>,
    jwks_uri: Vec<serde_json::Value>,
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut m = Members {
                    issuer: Vec::new(),
                    jwks_uri: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "issuer" => m.issuer.push(map.next_value()?),
                        "jwks_uri" => m.jwks_uri.push(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(m)
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// One member that is a string.
fn one_string(values: &[serde_json::Value]) -> Option<&str> {
    match values {
        [serde_json::Value::String(s)] => Some(s),
        _ => None,
    }
}

/// `localhost`, or an IP literal of the loopback network.
fn is_loopback(host: &str) -> bool {
    let literal = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || literal.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn expected(document: &[u8]) -> Expected {
    let Ok(members) = serde_json::from_slice::<Members>(document) else {
        return Expected::Json;
    };
    let (Some(issuer), Some(jwks_uri)) =
        (one_string(&members.issuer), one_string(&members.jwks_uri))
    else {
        return Expected::Json;
    };
    if issuer != ISSUER {
        return Expected::Issuer;
    }
    let Ok(uri) = jwks_uri.parse::<Uri>() else {
        return Expected::Url;
    };
    match (uri.scheme_str(), uri.host()) {
        (Some("https"), Some(_)) => Expected::Accepted(uri),
        (Some("http"), Some(host)) if is_loopback(host) => Expected::Accepted(uri),
        (Some("http"), Some(_)) => Expected::Insecure,
        _ => Expected::Url,
    }
}

struct Fixed {
    runtime: tokio::runtime::Runtime,
    discovery: Uri,
    /// A token of `ISSUER` signed with `SECRET` under kid `k1`, and one of another issuer.
    good: String,
    other: String,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let issuer = JwtIssuer::hs256(SECRET).kid("k1").ttl_secs(3600);
        let token = |iss: &str| {
            issuer
                .issue(&serde_json::json!({"sub": "fuzz", "iss": iss}))
                .expect("token")
        };
        Fixed {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("runtime"),
            discovery: Uri::from_static(DISCOVERY),
            good: token(ISSUER),
            other: token("https://other.example.com"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let fixed = fixed();
    let expected = expected(data);
    let server = Arc::new(Server {
        document: Bytes::copy_from_slice(data),
        asked: Mutex::new(Vec::new()),
    });
    let builder = RemoteJwks::from_issuer(ISSUER)
        .expect("issuer")
        .algorithms([Algorithm::HS256])
        .fetch(Served(server.clone()));
    // Every fetch of `Served` is ready at once: a plain executor polls `load`, inside the
    // runtime's context so that `load` finds the runtime and spawns its refresh task on it. The
    // runtime itself runs only to let such a task end.
    let context = fixed.runtime.enter();
    let loaded = futures_executor::block_on(builder.load());
    let asked = server.asked.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(asked.first(), Some(&fixed.discovery), "discovery first");
    match (loaded, &expected) {
        (Ok(jwks), Expected::Accepted(jwks_uri)) => {
            assert_eq!(asked[1..], [jwks_uri.clone()], "fetched another key set");
            assert_eq!(jwks.issuer(), Some(ISSUER));
            assert_eq!(jwks.kids(), ["k1"]);
            let verifier = JwtVerifier::<serde_json::Value>::new().remote_jwks(jwks.clone());
            let claims = verifier.verify(&fixed.good).expect("the issuer's token");
            assert_eq!(claims.sub.as_deref(), Some("fuzz"));
            let err = verifier
                .verify(&fixed.other)
                .expect_err("another issuer's token");
            assert_eq!(err.kind(), JwtErrorKind::Audience);
            drop((verifier, jwks));
            drop(context);
            // The refresh task ends when the last handle is gone (here, at its first poll: the
            // drop woke it).
            fixed.runtime.block_on(tokio::task::yield_now());
            assert_eq!(
                fixed.runtime.metrics().num_alive_tasks(),
                0,
                "a refresh task outlived its RemoteJwks"
            );
        }
        (Err(err), expected) => {
            let kind = match expected {
                Expected::Json => FetchErrorKind::Json,
                Expected::Issuer => FetchErrorKind::Issuer,
                Expected::Url => FetchErrorKind::Url,
                Expected::Insecure => FetchErrorKind::Insecure,
                Expected::Accepted(_) => panic!("refused {expected:?}: {err}"),
            };
            assert_eq!(err.kind(), kind, "{err}");
            assert_eq!(asked.len(), 1, "a refused document fetched {asked:?}");
            let _ = err.to_string();
            // A refused document leaves no task behind.
            assert_eq!(fixed.runtime.metrics().num_alive_tasks(), 0);
        }
        (Ok(jwks), expected) => panic!("accepted, expected {expected:?}: {jwks:?}"),
    }
});
