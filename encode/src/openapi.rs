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

/// A file or a stream: its media type is known only when it is sent (guessed from the name,
/// or none), so the body is documented without content rather than as the route's JSON.
macro_rules! opaque {
    ($($ty:ty),*) => {$(
        impl DescribeOutput for $ty {
            fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
                cx.operation().set_output(OutputDoc::Opaque);
                Ok(())
            }
        }
    )*};
}

opaque!(File, Stream);

/// A body rendered by hand: the route's class and status describe it.
impl DescribeOutput for Rendered {
    fn describe_output(_cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        Ok(())
    }
}
