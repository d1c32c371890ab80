//! Shared knowledge: contact paths, good practices and development projects.

pub(crate) mod paths;
pub(crate) mod practices;
pub(crate) mod projects;
