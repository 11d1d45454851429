//! What the UI receives when something goes wrong: `{code, message, field,
//! params}`. The UI words it in the person's language by `code`.

use fanday_core::CoreError;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UiError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, i64>,
}

impl UiError {
    /// An error from outside the core (the system, a plugin).
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        UiError {
            code: code.to_string(),
            message: message.into(),
            field: None,
            params: BTreeMap::new(),
        }
    }
}

impl From<&CoreError> for UiError {
    fn from(err: &CoreError) -> Self {
        let params = match err {
            CoreError::Invalid(invalid) => invalid
                .params()
                .into_iter()
                .map(|(name, value)| (name.to_string(), value))
                .collect(),
            _ => BTreeMap::new(),
        };
        UiError {
            code: err.code().to_string(),
            message: err.to_string(),
            field: err.field().map(str::to_string),
            params,
        }
    }
}

impl From<CoreError> for UiError {
    fn from(err: CoreError) -> Self {
        UiError::from(&err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fanday_core::ValidationError;
    use serde_json::json;

    #[test]
    fn a_validation_error_reaches_the_ui_with_its_field_and_numbers() {
        let err = CoreError::Invalid(ValidationError::TextTooLong {
            len: 2001,
            max: 2000,
        });
        let value = serde_json::to_value(UiError::from(err)).unwrap_or_default();
        assert_eq!(
            value,
            json!({
                "code": "text_too_long",
                "message": "what you did is 2001 characters long; the limit is 2000",
                "field": "text",
                "params": {"len": 2001, "max": 2000}
            })
        );
    }

    #[test]
    fn a_store_error_has_a_code_and_a_message_but_no_field() {
        let err = CoreError::DatabaseTooNew {
            found: 9,
            supported: 1,
        };
        let value = serde_json::to_value(UiError::from(err)).unwrap_or_default();
        assert_eq!(value["code"], "db_too_new");
        assert!(value["message"]
            .as_str()
            .unwrap_or_default()
            .contains("newer Fanday"));
        assert!(value.get("field").is_none());
    }
}
