//! What the password forms say in the OpenAPI document (feature `openapi`): their request
//! body and FastAPI's `422`.

use towerapi_openapi::model::{MediaType, OrderedMap, RequestBody, Response};
use towerapi_openapi::schemars::{json_schema, Schema};
use towerapi_openapi::{Describe, DescribeCx, DocError};

use super::{OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict, GRANT_TYPE_PATTERN};

/// Adds FastAPI's `422` "Validation Error" to the operation, a `$ref` to
/// `#/components/schemas/HTTPValidationError`, and the components `HTTPValidationError` and
/// `ValidationError` as FastAPI writes them: the shape of [`FieldError`](super::FieldError)'s
/// list, `{"detail": [..]}`, which [`FormRejection::Validation`](super::FormRejection) answers.
/// Under a [`RejectionLayer`](crate::RejectionLayer) the `422` is the layer's instead (problem
/// details whose `errors` are `ValidationError`s, or no schema) and `HTTPValidationError` is
/// not written.
///
/// For a [`Describe`] of your own that answers such a 422:
///
/// ```
/// use towerapi_openapi::{Describe, DescribeCx, DocError};
///
/// /// A query parameter this crate validates with a `FieldError`.
/// #[derive(Clone)]
/// struct TagQuery;
///
/// impl Describe for TagQuery {
///     fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
///         towerapi_auth::form::validation_error_response(cx)
///     }
/// }
/// ```
///
/// # Errors
/// [`DocError::SchemaConflict`] when another schema took one of the two component names.
pub fn validation_error_response(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
    let shape = crate::reject::doc_shape(cx.operation());
    if shape == crate::reject::DocShape::Hook {
        // A RejectionLayer's hook answers the 422: its body, not a schema of ours.
        let mut response = Response::new("Validation Error");
        crate::reject::document(shape, &mut response, None);
        cx.operation().add_response(422, response);
        return Ok(());
    }
    let item = cx.component_schema(
        "ValidationError",
        json_schema!({
            "properties": {
                "loc": {
                    "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "type": "array",
                    "title": "Location"
                },
                "msg": {"type": "string", "title": "Message"},
                "type": {"type": "string", "title": "Error Type"},
                "input": {"title": "Input"},
                "ctx": {"type": "object", "title": "Context"}
            },
            "type": "object",
            "required": ["loc", "msg", "type"],
            "title": "ValidationError"
        }),
    )?;
    if shape == crate::reject::DocShape::Problem {
        // A RejectionLayer outside answers the 422: problem details with the same errors.
        let mut response = Response::new("Validation Error");
        crate::reject::document(shape, &mut response, Some(item));
        cx.operation().add_response(422, response);
        return Ok(());
    }
    let reference = cx.component_schema(
        "HTTPValidationError",
        json_schema!({
            "properties": {
                "detail": {
                    "items": {"$ref": "#/components/schemas/ValidationError"},
                    "type": "array",
                    "title": "Detail"
                }
            },
            "type": "object",
            "title": "HTTPValidationError"
        }),
    )?;
    cx.operation().add_response(
        422,
        Response::new("Validation Error").content("application/json", reference),
    );
    Ok(())
}

/// The OpenAPI description of a password-form token route: the form as a required
/// `application/x-www-form-urlencoded` request body (a `$ref` to the component
/// `OAuth2PasswordRequestForm` or `OAuth2PasswordRequestFormStrict`, with the fields, formats
/// and pattern FastAPI writes) and FastAPI's `422` ([`validation_error_response`]).
///
/// Made by [`OAuth2PasswordRequestForm::openapi`] and
/// [`OAuth2PasswordRequestFormStrict::openapi`]; attach it to the route with `.describe(..)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordFormDoc {
    strict: bool,
}

impl PasswordFormDoc {
    /// The component's name.
    pub fn schema_name(&self) -> &'static str {
        if self.strict {
            "OAuth2PasswordRequestFormStrict"
        } else {
            "OAuth2PasswordRequestForm"
        }
    }

    /// The form's schema, as FastAPI writes it for the form (the fields the parser reads;
    /// `password` and `client_secret` in the plain form are `password` fields).
    pub fn schema(&self) -> Schema {
        let name = self.schema_name();
        if self.strict {
            json_schema!({
                "properties": {
                    "grant_type": {"type": "string", "pattern": GRANT_TYPE_PATTERN, "title": "Grant Type"},
                    "username": {"type": "string", "title": "Username"},
                    "password": {"type": "string", "title": "Password"},
                    "scope": {"type": "string", "title": "Scope", "default": ""},
                    "client_id": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Client Id"},
                    "client_secret": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Client Secret"}
                },
                "type": "object",
                "required": ["grant_type", "username", "password"],
                "title": name
            })
        } else {
            json_schema!({
                "properties": {
                    "grant_type": {
                        "anyOf": [{"type": "string", "pattern": GRANT_TYPE_PATTERN}, {"type": "null"}],
                        "title": "Grant Type"
                    },
                    "username": {"type": "string", "title": "Username"},
                    "password": {"type": "string", "format": "password", "title": "Password"},
                    "scope": {"type": "string", "title": "Scope", "default": ""},
                    "client_id": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Client Id"},
                    "client_secret": {
                        "anyOf": [{"type": "string"}, {"type": "null"}],
                        "format": "password",
                        "title": "Client Secret"
                    }
                },
                "type": "object",
                "required": ["username", "password"],
                "title": name
            })
        }
    }
}

impl Describe for PasswordFormDoc {
    fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        let reference = cx.component_schema(self.schema_name(), self.schema())?;
        let mut content = OrderedMap::new();
        content.insert(
            "application/x-www-form-urlencoded",
            MediaType {
                schema: Some(reference),
            },
        );
        cx.operation().operation.request_body = Some(RequestBody {
            description: None,
            content,
            required: true,
        });
        validation_error_response(cx)
    }
}

impl OAuth2PasswordRequestForm {
    /// The form's OpenAPI description, for the token route:
    /// `.describe(OAuth2PasswordRequestForm::openapi())` (see [`PasswordFormDoc`]).
    pub fn openapi() -> PasswordFormDoc {
        PasswordFormDoc { strict: false }
    }
}

impl OAuth2PasswordRequestFormStrict {
    /// The strict form's OpenAPI description (`grant_type` required), for the token route:
    /// `.describe(OAuth2PasswordRequestFormStrict::openapi())` (see [`PasswordFormDoc`]).
    pub fn openapi() -> PasswordFormDoc {
        PasswordFormDoc { strict: true }
    }
}
