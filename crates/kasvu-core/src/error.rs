//! Validation problems that name the field they concern.
//!
//! A [`Problem`] carries a catalogue message id (`code`) and its arguments so
//! the web can show it in Finnish, Swedish or English, and an English
//! rendering (`Display`) for the CLI and logs.

use std::fmt;

/// What is wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Message id in the fi/sv/en catalogues, e.g. `err-required`.
    pub code: &'static str,
    /// Named arguments for the message, e.g. `("value", "xyz")`.
    pub args: Vec<(&'static str, String)>,
    /// The message in English.
    pub english: String,
}

impl Problem {
    pub fn new(code: &'static str, english: impl Into<String>) -> Self {
        Problem {
            code,
            args: Vec::new(),
            english: english.into(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn required() -> Self {
        Problem::new("err-required", "a value is required")
    }

    pub fn too_long(max: usize) -> Self {
        Problem::new("err-too-long", format!("at most {max} characters"))
            .arg("max", max.to_string())
    }

    pub fn not_one_of(value: &str, allowed: &[&str]) -> Self {
        Problem::new(
            "err-not-one-of",
            format!("'{value}' is not one of: {}", allowed.join(", ")),
        )
        .arg("value", value)
        .arg("allowed", allowed.join(", "))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

/// A problem with a named field (a form field, a CSV column, a JSON property).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        FieldError {
            field: field.into(),
            problem,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field '{}': {}", self.field, self.problem)
    }
}

impl std::error::Error for FieldError {}
