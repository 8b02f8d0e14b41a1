//! What encode's return types say in the OpenAPI document (feature `openapi`).

use schemars::JsonSchema;
use towerapi_openapi::{DescribeCx, DescribeOutput, DocError, OutputDoc};

use crate::class::{File, Rendered, Stream};
use crate::Reply;

/// `Reply<T>` documents `T` as the payload: the route's serializing layer gives its media type,
/// and a response model, where there is one, replaces it (FastAPI's return annotation).
impl<T: JsonSchema> DescribeOutput for Reply<T> {
    fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        let schema = cx.schema_for::<T>()?;
        cx.operation().set_output(OutputDoc::Payload(schema));
        Ok(())
    }
}

macro_rules! says_nothing {
    ($($ty:ty),*) => {$(
        /// Written by the handler: its body is not described (the route's class and status still are).
        impl DescribeOutput for $ty {
            fn describe_output(_cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
                Ok(())
            }
        }
    )*};
}

says_nothing!(File, Stream, Rendered);
