//! What both load examples serve (`load_towerapi` with towerapi's layers, `load_axum` written by
//! hand on bare axum): the payload, the credentials, the keys and the tokens, so that the two
//! servers do the same work and answer the same bytes.
//!
//! After `listening on http://ADDR`, each example prints one line per route,
//! `route PATH HEADER-NAME: VALUE` (or `route PATH -` for none): the header a client sends to
//! get a 200 there; then `ready`. `scripts/load` and `tests/load_examples.rs` read them.

// Shared by two examples and a test, each using part of it.
#![allow(unreachable_pub)]

use std::sync::LazyLock;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde::{Deserialize, Serialize};

/// HTTP Basic's user and password.
pub const BASIC_USER: &str = "johndoe";
/// HTTP Basic's password.
pub const BASIC_PASSWORD: &str = "correct horse battery staple";
/// The static bearer token of `/bearer`.
pub const BEARER_TOKEN: &str = "d1b5e4b0c7f84c3f9a6e2b8d0f4a1c7e";
/// The API key of `/apikey` (header `x-api-key`).
pub const API_KEY: &str = "k-3f6c1a9e5b7d2048";
/// The HS256 secret of `/jwt` and `/full`.
pub const HS256_SECRET: &[u8] = b"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";
/// The scope the JWT routes require.
pub const SCOPE: &str = "items:read";
/// The text of `/plain`.
pub const PLAIN: &str = "Hello from the load example: a plain text body of a typical size.";

/// A user row: 12 fields, one of them a list of 20 items, and a secret the public model drops.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub disabled: bool,
    pub is_admin: bool,
    pub created_at: String,
    pub last_login: String,
    pub score: f64,
    pub locale: String,
    pub items: Vec<Item>,
    pub password_hash: String,
}

/// One of the user's items.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Item {
    pub id: u32,
    pub name: String,
    pub price: f64,
    pub tags: Vec<String>,
}

/// The public model: the user without `password_hash`.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserOut {
    pub id: u64,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub disabled: bool,
    pub is_admin: bool,
    pub created_at: String,
    pub last_login: String,
    pub score: f64,
    pub locale: String,
    pub items: Vec<Item>,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            email: u.email,
            full_name: u.full_name,
            disabled: u.disabled,
            is_admin: u.is_admin,
            created_at: u.created_at,
            last_login: u.last_login,
            score: u.score,
            locale: u.locale,
            items: u.items,
        }
    }
}

static USER: LazyLock<User> = LazyLock::new(|| User {
    id: 4242,
    username: "johndoe".to_owned(),
    email: "johndoe@example.com".to_owned(),
    full_name: "John Doe".to_owned(),
    disabled: false,
    is_admin: false,
    created_at: "2024-01-02T03:04:05+00:00".to_owned(),
    last_login: "2026-11-30T18:20:00+00:00".to_owned(),
    score: 97.25,
    locale: "en-GB".to_owned(),
    items: (1..=20)
        .map(|i| Item {
            id: i,
            name: format!("item {i}"),
            price: f64::from(i) * 1.5,
            tags: vec!["a".to_owned(), "b".to_owned()],
        })
        .collect(),
    password_hash: "$2b$12$EixZaYVK1fsbw1ZfbX3OXePaWxn96p36WQoeG6Lruj3vjPGga31lW".to_owned(),
});

/// The user a handler loads per request (a clone of one row, as from a cache).
pub fn user() -> User {
    USER.clone()
}

/// The claims both servers' JWTs carry.
#[derive(Serialize, Deserialize)]
pub struct TokenClaims {
    pub sub: String,
    pub scopes: Vec<String>,
    pub exp: u64,
}

/// 2100-01-01T00:00:00Z: tokens that do not expire during a run.
const FAR_EXP: u64 = 4_102_444_800;

/// The keys and tokens of one server process (the RSA key is generated at start).
pub struct Keys {
    pub hs256_token: String,
    pub rs256_token: String,
    pub rs256_public: DecodingKey,
}

impl Keys {
    /// A fresh RSA key, and one HS256 and one RS256 token for user `johndoe`, scope `items:read`.
    pub fn generate() -> Self {
        // With every feature on, jsonwebtoken has two backends compiled in and needs to be told.
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
        let rsa = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .expect("an RSA key");
        let der = aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::Pkcs8V1Der<'_>>::as_der(&rsa)
            .expect("the key's DER");
        let pem = pem("PRIVATE KEY", der.as_ref());
        let rs_private = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("the key's PEM");
        let public = aws_lc_rs::signature::KeyPair::public_key(&rsa)
            .as_ref()
            .to_vec();
        let claims = TokenClaims {
            sub: "johndoe".to_owned(),
            scopes: vec![SCOPE.to_owned()],
            exp: FAR_EXP,
        };
        let hs256_token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(HS256_SECRET),
        )
        .expect("an HS256 token");
        let rs256_token =
            jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &rs_private)
                .expect("an RS256 token");
        Self {
            hs256_token,
            rs256_token,
            rs256_public: DecodingKey::from_rsa_der(&public),
        }
    }

    /// The header each route needs, in the order the examples print them.
    pub fn routes(&self) -> Vec<(&'static str, Option<(&'static str, String)>)> {
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{BASIC_USER}:{BASIC_PASSWORD}"));
        let hs = format!("Bearer {}", self.hs256_token);
        let rs = format!("Bearer {}", self.rs256_token);
        vec![
            ("/json", None),
            ("/plain", None),
            ("/basic", Some(("authorization", format!("Basic {basic}")))),
            (
                "/bearer",
                Some(("authorization", format!("Bearer {BEARER_TOKEN}"))),
            ),
            ("/apikey", Some(("x-api-key", API_KEY.to_owned()))),
            ("/jwt", Some(("authorization", hs.clone()))),
            ("/rs256", Some(("authorization", rs.clone()))),
            // towerapi's verified-token cache; bare axum has none and verifies each time.
            ("/rs256-cached", Some(("authorization", rs))),
            ("/model", None),
            ("/model-from", None),
            // towerapi verifies through its token cache here; bare axum decodes each time.
            ("/full", Some(("authorization", hs))),
        ]
    }

    /// Prints the address line and the route lines (see the module docs).
    pub fn announce(&self, addr: std::net::SocketAddr) {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}");
        for (path, header) in self.routes() {
            let _ = match header {
                Some((name, value)) => writeln!(out, "route {path} {name}: {value}"),
                None => writeln!(out, "route {path} -"),
            };
        }
        let _ = writeln!(out, "ready");
        let _ = out.flush();
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// The address to listen on: the first argument, default 127.0.0.1:8000.
pub fn addr() -> String {
    std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned())
}
