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

    /// A password someone chooses now (not one typed to sign in): long
    /// enough and not easy to guess. The guessability estimate is zxcvbn's
    /// (dictionaries of common passwords, names and words, keyboard patterns,
    /// dates, repeats), which NIST SP 800-63B's advice asks for instead of
    /// composition rules; `context` holds what an attacker knows of the person
    /// (e-mail, name), which must not make the password guessable.
    pub fn parse_new(s: &str, context: &[&str]) -> Result<Self, Problem> {
        let p = Self::parse(s)?;
        // What is known of the person first: a dictionary's first words are
        // the cheapest to guess.
        let mut words: Vec<&str> = Vec::new();
        for c in context {
            words.push(c);
            words.extend(
                c.split(|ch: char| !ch.is_alphanumeric())
                    .filter(|w| w.chars().count() >= 3),
            );
        }
        words.extend_from_slice(LOCAL_WORDS);
        let score = u8::from(zxcvbn::zxcvbn(s, &words).score());
        if score < Self::MIN_SCORE {
            return Err(Problem::new(
                "err-password-weak",
                "the password is too easy to guess: use a longer phrase of several unrelated words",
            ));
        }
        Ok(p)
    }

    /// zxcvbn's 0–4 score a new password needs: 3 is "safely unguessable",
    /// about 10^8 guesses or more.
    pub const MIN_SCORE: u8 = 3;

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// zxcvbn's dictionaries are English; these are the Finnish and Swedish
/// words people here build passwords from (months, seasons, the city, pets,
/// "password" itself), spelt with and without å, ä and ö.
const LOCAL_WORDS: &[&str] = &[
    "salasana",
    "lösenord",
    "losenord",
    "tammikuu",
    "helmikuu",
    "maaliskuu",
    "huhtikuu",
    "toukokuu",
    "kesäkuu",
    "kesakuu",
    "heinäkuu",
    "heinakuu",
    "elokuu",
    "syyskuu",
    "lokakuu",
    "marraskuu",
    "joulukuu",
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
    "kevät",
    "kevat",
    "kesä",
    "kesa",
    "syksy",
    "talvi",
    "vår",
    "var",
    "sommar",
    "höst",
    "host",
    "vinter",
    "joulu",
    "juhannus",
    "jul",
    "midsommar",
    "suomi",
    "finland",
    "oulu",
    "uleåborg",
    "uleaborg",
    "kasvu",
    "kissa",
    "koira",
    "katt",
    "hund",
    "perkele",
    "sisu",
    "moikka",
    "hei",
    "hej",
    "rakkaus",
    "kärlek",
    "karlek",
    "aurinko",
    "kuu",
    "tähti",
    "tahti",
    "koulu",
    "skola",
    "lapsi",
    "lapset",
    "barn",
    "perhe",
    "familj",
    "kaupunki",
    "stad",
    "hyvinvointi",
    "salainen",
    "hemlig",
    "tervetuloa",
    "välkommen",
    "valkommen",
    "qwerty",
    "asdf",
];

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

    #[test]
    fn new_passwords_must_be_hard_to_guess() {
        for weak in [
            "salasana123",
            "password1234",
            "qwertyuiop12",
            "aaaaaaaaaaaa",
            "1234567890",
            "kesakuu2026",
            "Salasana2026!",
            "oulu-oulu-2026",
        ] {
            let Err(e) = Password::parse_new(weak, &[]) else {
                panic!("{weak} was accepted");
            };
            assert_eq!(e.code, "err-password-weak", "{weak}");
        }
        // The person's own e-mail and name do not make a password.
        assert!(Password::parse_new(
            "aluepaallikko2026",
            &["aino.aluepaallikko@ouka.fi", "Aino Aluepäällikkö"]
        )
        .is_err());
        assert!(Password::parse_new("lumi sataa hiljaa tuiran puistoon", &[]).is_ok());
        assert!(Password::parse_new("Kv7#pL2q!xR9", &[]).is_ok());
        assert_eq!(
            Password::parse_new("lyhyt", &[]).unwrap_err().code,
            "err-password-short"
        );
    }
}
