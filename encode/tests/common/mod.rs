//! Shared by the encode tests: Python's float form, random JSON values.
#![allow(dead_code)]

/// Python's `float.hex()` form, exact; `nan`, `inf`, `-inf` for the rest.
pub(crate) fn hex(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    let bits = v.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1 << 52) - 1);
    if exp == 0 {
        if mant == 0 {
            return format!("{sign}0x0.0p+0");
        }
        return format!("{sign}0x0.{mant:013x}p-1022");
    }
    format!("{sign}0x1.{mant:013x}p{:+}", exp - 1023)
}

/// Random JSON values, 4 levels deep, with finite numbers only (JSON has no others): string
/// leaves from `strings`, object keys from `keys`, at most `width` items per array or object.
pub(crate) fn json_value<S, K>(
    strings: S,
    keys: K,
    width: usize,
) -> impl proptest::strategy::Strategy<Value = serde_json::Value>
where
    S: proptest::strategy::Strategy<Value = String> + 'static,
    K: proptest::strategy::Strategy<Value = String> + Clone + 'static,
{
    use proptest::prelude::*;
    use serde_json::Value;

    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        strings.prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 8 * width as u32, width as u32, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..width).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..width)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
