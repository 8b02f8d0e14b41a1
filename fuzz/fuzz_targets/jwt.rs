//! Fuzzes the JWT path of `towerapi_auth::jwt`: the token string (header, segments, signature)
//! and, signed with the verifier's own key so that the signature holds, the header and the
//! claims (time claims, `sub`, the three scope claims), as an attacker who knows no key cannot
//! but a buggy issuer could.
//!
//! Input: the first byte picks the mode; the rest is a token string (mode 0), or a claims JSON
//! document and, after a 0x00, a header JSON document (mode 1).
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use towerapi_auth::jwt::{Algorithm, EncodingKey, JwtErrorKind, JwtVerifier};

const SECRET: &[u8] = b"fuzz-secret";

fn verifier() -> &'static JwtVerifier {
    static V: std::sync::OnceLock<JwtVerifier> = std::sync::OnceLock::new();
    V.get_or_init(|| JwtVerifier::hs256(SECRET).typ("JWT"))
}

/// HS256 over `header.claims`, as any issuer holding the secret would sign it.
fn sign(header: &[u8], claims: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let key = EncodingKey::from_secret(SECRET);
    let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), &key, Algorithm::HS256)
        .expect("HS256 signs anything");
    format!("{signing_input}.{signature}")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let verifier = verifier(); // installs the crypto provider before `sign` needs it
    let token = if mode % 2 == 0 {
        match std::str::from_utf8(rest) {
            Ok(t) => t.to_owned(),
            Err(_) => return,
        }
    } else {
        let (claims, header) = match rest.iter().position(|&b| b == 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &br#"{"alg":"HS256","typ":"JWT"}"#[..]),
        };
        sign(header, claims)
    };
    match verifier.verify(&token) {
        Ok(claims) => {
            // What passed was signed with our key, names HS256 and JWT, and has a future exp.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            assert!(
                claims.exp.is_some_and(|exp| exp > now),
                "accepted without a future exp"
            );
            for scope in claims.scopes.iter() {
                assert!(!scope.is_empty(), "an empty scope");
            }
        }
        Err(e) => {
            // Every refusal has a kind and renders.
            let _ = e.to_string();
            if mode % 2 == 0 && !token.contains('.') {
                assert_eq!(e.kind(), JwtErrorKind::Malformed, "{token:?}");
            }
        }
    }
});
