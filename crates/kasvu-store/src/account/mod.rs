//! Accounts: users and their roles, passwords and password links, single
//! sign-on logins.

pub(crate) mod passwords;
pub(crate) mod sso;
pub(crate) mod users;
