//! axum extractors for credentials, principals and scopes.

use std::convert::Infallible;
use std::fmt;

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;

use crate::{
    ApiKey, AuthorizationValue, BearerToken, HttpAuthorizationCredentials, HttpBasicCredentials,
    Principal, SecurityScopes,
};

/// The rejection of a credentials extractor when the request carries none: the route has no
/// `AuthLayer` for that scheme, or its scheme has `auto_error(false)` (then take an `Option`).
/// A server misconfiguration: `500 Internal Server Error`, and the reason in the log.
#[derive(Clone, Copy, Debug)]
pub struct MissingCredentials {
    type_name: &'static str,
}

impl fmt::Display for MissingCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no {} in the request: add an AuthLayer with the matching scheme to this route (with auto_error(false), extract Option<{}>)",
            self.type_name, self.type_name
        )
    }
}

impl std::error::Error for MissingCredentials {}

impl IntoResponse for MissingCredentials {
    fn into_response(self) -> Response {
        tracing::error!(target: "towerapi::rejection", status = 500, rejection = "MissingCredentials", "{self}");
        towerapi_encode::class::internal_server_error().into_response()
    }
}

fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

macro_rules! extractor {
    ($($ty:ty),*) => {$(
        impl<S: Send + Sync> FromRequestParts<S> for $ty {
            type Rejection = MissingCredentials;

            async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
                parts.extensions.get::<$ty>().cloned().ok_or(MissingCredentials { type_name: short_name::<$ty>() })
            }
        }

        impl<S: Send + Sync> OptionalFromRequestParts<S> for $ty {
            type Rejection = Infallible;

            async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
                Ok(parts.extensions.get::<$ty>().cloned())
            }
        }
    )*};
}

extractor!(
    HttpBasicCredentials,
    HttpAuthorizationCredentials,
    ApiKey,
    BearerToken,
    AuthorizationValue
);

impl<S: Send + Sync, P: Clone + Send + Sync + 'static> FromRequestParts<S> for Principal<P> {
    type Rejection = MissingCredentials;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal<P>>()
            .cloned()
            .ok_or(MissingCredentials {
                type_name: short_name::<P>(),
            })
    }
}

impl<S: Send + Sync, P: Clone + Send + Sync + 'static> OptionalFromRequestParts<S>
    for Principal<P>
{
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Principal<P>>().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SecurityScopes {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<SecurityScopes>()
            .cloned()
            .unwrap_or_default())
    }
}
