//! FastAPI's request-validation error entries: the `detail` list of a `422` answer
//! (`{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}`),
//! for any input a service validates itself (a form field, a query parameter, a header).

use std::fmt;

use serde::Serialize;

/// One entry of FastAPI's validation error list, serialized as
/// `{"type":..,"loc":[..],"msg":..,"input":..,"ctx":{..}}` (`ctx` only when
/// present).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FieldError {
    /// The pydantic error type, such as `missing` or `string_pattern_mismatch`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where the error is, such as `["body", "username"]`.
    pub loc: Vec<String>,
    /// The human readable message, such as `Field required`.
    pub msg: String,
    /// The offending input (`null` when the field is missing).
    pub input: serde_json::Value,
    /// Extra context, such as `{"pattern": "^password$"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<serde_json::Value>,
}

impl FieldError {
    /// Any pydantic error, for a 422 of your own in FastAPI's shape (towerapi-auth's
    /// `FormRejection::Validation(vec![..])` answers it, and its `RejectionLayer` sees it):
    ///
    /// ```
    /// use towerapi_encode::validation::FieldError;
    ///
    /// let e = FieldError::new("string_too_long", ["query", "tag"], "String should have at most 3 characters", "abcd")
    ///     .ctx(serde_json::json!({"max_length": 3}));
    /// assert_eq!(
    ///     serde_json::to_string(&e).unwrap(),
    ///     r#"{"type":"string_too_long","loc":["query","tag"],"msg":"String should have at most 3 characters","input":"abcd","ctx":{"max_length":3}}"#
    /// );
    /// ```
    pub fn new<L, S>(
        kind: impl Into<String>,
        loc: L,
        msg: impl Into<String>,
        input: impl Into<serde_json::Value>,
    ) -> Self
    where
        L: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            kind: kind.into(),
            loc: loc.into_iter().map(Into::into).collect(),
            msg: msg.into(),
            input: input.into(),
            ctx: None,
        }
    }

    /// With this context (`{"max_length": 3}`, `{"pattern": ".."}`...).
    #[must_use]
    pub fn ctx(mut self, ctx: serde_json::Value) -> Self {
        self.ctx = Some(ctx);
        self
    }

    /// A `missing` error for the body field `field`.
    pub fn missing(field: &str) -> Self {
        Self {
            kind: "missing".to_owned(),
            loc: vec!["body".to_owned(), field.to_owned()],
            msg: "Field required".to_owned(),
            input: serde_json::Value::Null,
            ctx: None,
        }
    }

    /// A `string_pattern_mismatch` error for the body field `field`, whose
    /// value `input` does not match `pattern`.
    pub fn pattern_mismatch(field: &str, input: &str, pattern: &str) -> Self {
        let mut ctx = serde_json::Map::new();
        ctx.insert(
            "pattern".to_owned(),
            serde_json::Value::String(pattern.to_owned()),
        );
        Self {
            kind: "string_pattern_mismatch".to_owned(),
            loc: vec!["body".to_owned(), field.to_owned()],
            msg: format!("String should match pattern '{pattern}'"),
            input: serde_json::Value::String(input.to_owned()),
            ctx: Some(serde_json::Value::Object(ctx)),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.loc.join("."), self.msg, self.kind)
    }
}
