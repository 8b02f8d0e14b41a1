//! [`DescribeOutput`]: what a handler's return type says about its response (FastAPI's return
//! annotation).

use std::borrow::Cow;

use http::{HeaderMap, StatusCode};
use schemars::json_schema;

use crate::{DescribeCx, DocError, OutputDoc};

/// A handler's return type that documents its response.
///
/// towerapi's `Reply<T>` (with `T: JsonSchema`) documents `T` as the payload a serializing layer
/// writes; `axum::Json<T>` documents `T` as JSON; text types document a string; a
/// `Response` built by hand documents nothing (the route's class and status still do). A
/// `Result` documents its `Ok` type (its `Err` is usually a rejection, which the layers
/// document). For a handler whose type says nothing useful (`impl IntoResponse`), wrap it:
/// [`undocumented`](crate::undocumented).
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not describe itself in the OpenAPI document",
    note = "for `Reply<T>`, derive `schemars::JsonSchema` on `T`; for `impl IntoResponse`, route the handler as `get(undocumented(handler))`"
)]
pub trait DescribeOutput {
    /// Writes what the type says into the operation.
    ///
    /// # Errors
    /// A schema name clash ([`DocError::SchemaConflict`]).
    fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError>;
}

fn nothing(_cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
    Ok(())
}

fn text(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
    cx.operation().set_output(OutputDoc::Direct {
        media_type: "text/plain",
        schema: json_schema!({"type": "string"}),
    });
    Ok(())
}

macro_rules! outputs {
    ($f:ident: $($ty:ty),*) => {$(
        impl DescribeOutput for $ty {
            fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
                $f(cx)
            }
        }
    )*};
}

outputs!(nothing: (), StatusCode, HeaderMap, http::response::Parts, std::convert::Infallible);
outputs!(text: String, &'static str, Cow<'static, str>);

impl<B> DescribeOutput for http::Response<B> {
    fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        nothing(cx)
    }
}

impl<T: DescribeOutput, E: DescribeOutput> DescribeOutput for Result<T, E> {
    fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        T::describe_output(cx)?;
        E::describe_output(cx)
    }
}

macro_rules! with_parts {
    ($($part:ident),*) => {
        impl<$($part,)* T: DescribeOutput> DescribeOutput for ($($part,)* T,) {
            fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
                T::describe_output(cx)
            }
        }
    };
}

// `(StatusCode, T)`, `(HeaderMap, T)`, `(Parts, T)` and longer: the last element is the body.
with_parts!(P1);
with_parts!(P1, P2);
with_parts!(P1, P2, P3);

#[cfg(feature = "axum")]
mod axum_types {
    use schemars::{json_schema, JsonSchema};

    use super::{nothing, DescribeOutput};
    use crate::{DescribeCx, DocError, OutputDoc};

    impl<T: JsonSchema> DescribeOutput for axum::Json<T> {
        fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
            let schema = cx.schema_for::<T>()?;
            cx.operation().set_output(OutputDoc::Direct {
                media_type: "application/json",
                schema,
            });
            Ok(())
        }
    }

    impl<T> DescribeOutput for axum::response::Html<T> {
        fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
            cx.operation().set_output(OutputDoc::Direct {
                media_type: "text/html",
                schema: json_schema!({"type": "string"}),
            });
            Ok(())
        }
    }

    impl DescribeOutput for axum::response::Redirect {
        fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
            nothing(cx)
        }
    }

    impl DescribeOutput for axum::response::ErrorResponse {
        fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
            nothing(cx)
        }
    }
}
