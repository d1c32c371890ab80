//! Parsed user input for people: e-mail addresses and passwords.

use crate::error::Problem;
use std::fmt;

/// A plausible e-mail address, lower-cased. Kept deliberately simple: one
/// `@`, a non-empty local part, a domain with a dot, no whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let t = s.trim().to_lowercase();
        if t.is_empty() {
            return Err(Problem::required());
        }
        let bad = || {
            Problem::new("err-email", format!("'{t}' is not an e-mail address"))
                .arg("value", t.clone())
        };
        if t.len() > 254 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = t.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(bad());
        }
        Ok(Email(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: at least 10 characters (NCSC/NIST advice favours length
/// over composition rules), at most 256 so hashing stays bounded.
pub struct Password(String);

impl Password {
    pub const MIN: usize = 10;
    pub const MAX: usize = 256;

    pub fn parse(s: &str) -> Result<Self, Problem> {
        let n = s.chars().count();
        if n < Self::MIN {
            return Err(Problem::new(
                "err-password-short",
                format!("a password needs at least {} characters", Self::MIN),
            )
            .arg("min", Self::MIN.to_string()));
        }
        if n > Self::MAX {
            return Err(Problem::too_long(Self::MAX));
        }
        Ok(Password(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Aino.Aluepaallikko@Ouka.FI ")
                .unwrap()
                .as_str(),
            "aino.aluepaallikko@ouka.fi"
        );
        for bad in [
            "", "a", "a@b", "@b.fi", "a@b@c.fi", "a b@c.fi", "a@.fi", "a@fi.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("kymmenen10").is_ok());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("salasana-123").unwrap()),
            "Password(***)"
        );
    }
}
