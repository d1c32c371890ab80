//! Kasvu's domain core: the organisation tree, roles and their scopes, and the
//! rules that decide what is valid and who may do what. Nothing here does I/O,
//! so every rule is unit-tested in isolation.

pub mod error;
pub mod orgunit;
pub mod role;
pub mod tree;
pub mod user;

pub use error::{FieldError, Problem};
pub use orgunit::{
    check_kind, format_date, parse_date, ExternalCode, Level, Names, OrgCode, Sector, UnitKind,
    ValidRange,
};
pub use role::{Action, Assignment, Role};
pub use tree::{OrgTree, TreeNode};
pub use user::{Email, Password};
