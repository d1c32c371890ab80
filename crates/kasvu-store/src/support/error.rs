use kasvu_core::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Input that breaks a rule; names the field.
    #[error("{0}")]
    Invalid(FieldError),
    /// Input that breaks a rule in one row of a bulk operation.
    #[error("row {row}: {error}")]
    Row { row: usize, error: FieldError },
    /// The value would duplicate one that must be unique (HTTP 409).
    #[error("{0}")]
    Conflict(FieldError),
    #[error("{0} not found")]
    NotFound(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl StoreError {
    pub(crate) fn invalid(field: &str, problem: kasvu_core::Problem) -> Self {
        StoreError::Invalid(FieldError::new(field, problem))
    }

    /// A stored value that no longer parses.
    pub(crate) fn corrupt(what: &str, problem: kasvu_core::Problem) -> Self {
        StoreError::Corrupt(format!("{what}: {problem}"))
    }

    /// Attaches a row number to a validation error of a bulk operation.
    pub fn at_row(self, row: usize) -> Self {
        match self {
            StoreError::Invalid(error) | StoreError::Conflict(error) => {
                StoreError::Row { row, error }
            }
            other => other,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
