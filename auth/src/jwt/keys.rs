//! The verifier's keys: by `kid`, and those for tokens without one, from the builder or a JWK set.

use std::collections::HashMap;

use super::{Algorithm, DecodingKey};

#[derive(Clone)]
pub(super) struct Key {
    pub(super) key: DecodingKey,
    pub(super) algorithms: Vec<Algorithm>,
}

/// Keys by `kid`, and the keys for tokens without one.
#[derive(Clone, Default)]
pub(super) struct KeySet {
    pub(super) by_kid: HashMap<String, Key>,
    pub(super) anonymous: Vec<Key>,
    /// Counts the successful fetches of a remote set (0 for the builder's keys).
    #[cfg(feature = "jwks")]
    pub(super) version: u64,
}

impl KeySet {
    #[cfg(feature = "jwks")]
    pub(super) fn len(&self) -> usize {
        self.by_kid.len() + self.anonymous.len()
    }

    /// The keys of a JWK set that fit the allowed algorithms (see [`JwtVerifier::jwks`]).
    pub(super) fn from_jwks(set: &jsonwebtoken::jwk::JwkSet, allowed: &[Algorithm]) -> Self {
        use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, KeyOperations, PublicKeyUse};
        let mut keys = KeySet::default();
        for jwk in &set.keys {
            // A key published for encryption (`"use": "enc"`, or `key_ops` without `verify`)
            // never verifies a signature (RFC 7517, 4.2 and 4.3).
            let for_signatures = !matches!(
                jwk.common.public_key_use,
                Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
            ) && jwk
                .common
                .key_operations
                .as_ref()
                .is_none_or(|ops| ops.contains(&KeyOperations::Verify));
            if !for_signatures {
                tracing::debug!(target: "towerapi::auth", kid = ?jwk.common.key_id, "a JWK not meant for signatures was skipped");
                continue;
            }
            let fits: Vec<Algorithm> = match jwk.common.key_algorithm.map(Algorithm::try_from) {
                Some(Ok(alg)) => allowed.iter().copied().filter(|a| *a == alg).collect(),
                Some(Err(_)) => Vec::new(),
                None => allowed
                    .iter()
                    .copied()
                    .filter(|a| match (&jwk.algorithm, a) {
                        (
                            AlgorithmParameters::RSA(_),
                            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512,
                        )
                        | (
                            AlgorithmParameters::RSA(_),
                            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512,
                        )
                        | (AlgorithmParameters::OctetKeyPair(_), Algorithm::EdDSA)
                        | (
                            AlgorithmParameters::OctetKey(_),
                            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512,
                        ) => true,
                        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
                            ec.curve == EllipticCurve::P256
                        }
                        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES384) => {
                            ec.curve == EllipticCurve::P384
                        }
                        _ => false,
                    })
                    .collect(),
            };
            let key = match (fits.is_empty(), DecodingKey::from_jwk(jwk)) {
                (false, Ok(key)) => key,
                (_, result) => {
                    tracing::warn!(target: "towerapi::auth", kid = ?jwk.common.key_id, loadable = result.is_ok(), "a JWK was skipped");
                    continue;
                }
            };
            let key = Key {
                key,
                algorithms: fits,
            };
            match &jwk.common.key_id {
                Some(kid) => {
                    keys.by_kid.insert(kid.clone(), key);
                }
                None => keys.anonymous.push(key),
            }
        }
        keys
    }
}
