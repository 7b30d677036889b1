//! Small typed accessors over vector JSON, with messages naming the missing field.

use super::kinds::VectorError;
use serde_json::Value;

pub(super) fn field<'a>(v: &'a Value, key: &str) -> Result<&'a Value, VectorError> {
    v.get(key)
        .ok_or_else(|| VectorError::Malformed(format!("missing field `{key}`")))
}

pub(super) fn i64_of(v: &Value, key: &str) -> Result<i64, VectorError> {
    field(v, key)?
        .as_i64()
        .ok_or_else(|| VectorError::Malformed(format!("`{key}` is not an integer")))
}

pub(super) fn i32_of(v: &Value, key: &str) -> Result<i32, VectorError> {
    let n = i64_of(v, key)?;
    i32::try_from(n).map_err(|_| VectorError::Malformed(format!("`{key}` does not fit int32")))
}

pub(super) fn opt_i64(v: &Value, key: &str) -> Result<Option<i64>, VectorError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(x) => x
            .as_i64()
            .map(Some)
            .ok_or_else(|| VectorError::Malformed(format!("`{key}` is not an integer"))),
    }
}

pub(super) fn f64_of(v: &Value, key: &str) -> Result<f64, VectorError> {
    field(v, key)?
        .as_f64()
        .ok_or_else(|| VectorError::Malformed(format!("`{key}` is not a number")))
}

pub(super) fn str_of<'a>(v: &'a Value, key: &str) -> Result<&'a str, VectorError> {
    field(v, key)?
        .as_str()
        .ok_or_else(|| VectorError::Malformed(format!("`{key}` is not a string")))
}

pub(super) fn bool_of(v: &Value, key: &str) -> Result<bool, VectorError> {
    field(v, key)?
        .as_bool()
        .ok_or_else(|| VectorError::Malformed(format!("`{key}` is not a boolean")))
}

pub(super) fn array_of<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], VectorError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(VectorError::Malformed(format!("`{key}` is not an array"))),
    }
}

pub(super) fn typed<T: serde::de::DeserializeOwned>(
    v: &Value,
    what: &str,
) -> Result<T, VectorError> {
    serde_json::from_value(v.clone()).map_err(|e| VectorError::Malformed(format!("`{what}`: {e}")))
}
