//! Fuzzes a JSON Web Key Set as a key server would send it: parsed as jsonwebtoken's `JwkSet`,
//! loaded by `JwtVerifier::jwks` (each key's type, curve, `alg`, `use` and `key_ops` checked, RSA
//! moduli, EC points and OKP keys decoded by the crypto backend), then used to verify a token.
//! Keys that cannot be used are skipped; nothing panics.
//!
//! Input: the key set document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use towerapi_auth::jwt::{Algorithm, JwtVerifier};

const ALL: [Algorithm; 12] = [
    Algorithm::HS256,
    Algorithm::HS384,
    Algorithm::HS512,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// An HS256 token signed with the secret `k` of `{"kty":"oct","k":"a2V5"}`, kid `k1`.
const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJleHAiOjQxMDI0NDQ4MDAsInN1YiI6ImZ1enoifQ.";

fuzz_target!(|data: &[u8]| {
    let Ok(set) = serde_json::from_slice::<jsonwebtoken::jwk::JwkSet>(data) else {
        return;
    };
    let verifier = JwtVerifier::<serde_json::Value>::new().jwks(&set, ALL);
    let _ = verifier.verify(TOKEN);
    let _ = format!("{verifier:?}");
});
