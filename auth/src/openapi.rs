//! What the layers write into the OpenAPI document (feature `openapi`): the helpers shared by
//! [`AuthLayer`](crate::AuthLayer)'s and [`ScopesLayer`](crate::ScopesLayer)'s [`Describe`]
//! implementations.
//!
//! [`Describe`]: towerapi_openapi::Describe

use towerapi_openapi::model::Response;
use towerapi_openapi::schemars::json_schema;

/// A `401`/`403` as the layers answer it: `{"detail": "..."}` with a `WWW-Authenticate`
/// header described by `challenge`.
pub(crate) fn detail_response(description: &str, challenge: &str) -> Response {
    Response::new(description)
        .header("WWW-Authenticate", challenge)
        .content(
            "application/json",
            json_schema!({
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"]
            }),
        )
}

/// A type's name without its module paths: `AnyOf<HttpBearer, ApiKeyHeader>`.
pub(crate) fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    // Where the path being read started in `out`: a `::` drops what came since.
    let mut start = 0;
    let mut rest = full;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("::") {
            out.truncate(start);
            rest = after;
            continue;
        }
        out.push(c);
        if !(c.is_alphanumeric() || c == '_') {
            start = out.len();
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn short_type_names_drop_every_module_path() {
        assert_eq!(short_type_name::<crate::HttpBearer>(), "HttpBearer");
        assert_eq!(
            short_type_name::<crate::AnyOf<crate::HttpBearer, crate::ApiKeyHeader>>(),
            "AnyOf<HttpBearer, ApiKeyHeader>"
        );
        assert_eq!(short_type_name::<Vec<(u8, String)>>(), "Vec<(u8, String)>");
    }
}
