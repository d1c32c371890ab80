//! An installation's brand colour and the contrast it must keep with the
//! text drawn on it (WCAG 2.1 AA, success criterion 1.4.3: 4.5:1 for
//! normal text). The header, the buttons and the charts use the brand
//! colour; their text is white.

use crate::error::Problem;

/// The least contrast ratio normal text needs (WCAG 2.1 AA).
pub const AA_NORMAL_TEXT: f64 = 4.5;

/// The text colour drawn on the brand colour.
pub const BRAND_INK: Rgb = Rgb(0xff, 0xff, 0xff);

/// A colour of the sRGB space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Reads `#rrggbb` or `#rgb` (case-insensitive, surrounding spaces ignored).
    pub fn parse(s: &str) -> Result<Rgb, Problem> {
        let bad = || {
            Problem::new(
                "err-colour-format",
                format!("'{s}' is not a colour like #005a8c"),
            )
            .arg("value", s)
        };
        let hex = s.trim().strip_prefix('#').ok_or_else(bad)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let digit = |i: usize, n: usize| u8::from_str_radix(&hex[i..i + n], 16).map_err(|_| bad());
        match hex.len() {
            6 => Ok(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            3 => {
                let (r, g, b) = (digit(0, 1)?, digit(1, 1)?, digit(2, 1)?);
                Ok(Rgb(r * 17, g * 17, b * 17))
            }
            _ => Err(bad()),
        }
    }

    /// `#rrggbb`, lower case.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// The relative luminance (WCAG 2.1 definition), 0 for black to 1 for white.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }
}

/// The contrast ratio of two colours, from 1 (same) to 21 (black on white).
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// A brand colour, checked: it must be a colour and keep 4.5:1 with the
/// white text drawn on it. The refusal names the value and the ratio.
pub fn check_brand_colour(s: &str) -> Result<Rgb, Problem> {
    let c = Rgb::parse(s)?;
    let ratio = contrast_ratio(c, BRAND_INK);
    if ratio + 1e-9 < AA_NORMAL_TEXT {
        let shown = format!("{:.2}", (ratio * 100.0).floor() / 100.0);
        return Err(Problem::new(
            "err-colour-contrast",
            format!(
                "the colour {} has a contrast of {shown}:1 with white text; at least 4.5:1 is needed",
                s.trim()
            ),
        )
        .arg("value", s.trim())
        .arg("ratio", shown));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_long_and_short_forms() {
        assert_eq!(Rgb::parse("#005A8C").unwrap(), Rgb(0, 0x5a, 0x8c));
        assert_eq!(Rgb::parse(" #fff ").unwrap(), Rgb(255, 255, 255));
        assert_eq!(Rgb::parse("#0a0").unwrap(), Rgb(0, 0xaa, 0));
        assert_eq!(Rgb(0, 0x5a, 0x8c).hex(), "#005a8c");
    }

    #[test]
    fn refuses_what_is_not_a_colour() {
        for s in [
            "",
            "005a8c",
            "#05a8c",
            "#gggggg",
            "#12345678",
            "red",
            "#ääf",
        ] {
            let p = Rgb::parse(s).unwrap_err();
            assert_eq!(p.code, "err-colour-format", "{s}");
        }
    }

    #[test]
    fn ratios_match_the_wcag_examples() {
        let black = Rgb(0, 0, 0);
        let white = Rgb(255, 255, 255);
        assert!((contrast_ratio(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(white, white) - 1.0).abs() < 1e-9);
        // The order does not matter.
        assert_eq!(
            contrast_ratio(Rgb(0x76, 0x76, 0x76), white),
            contrast_ratio(white, Rgb(0x76, 0x76, 0x76))
        );
        // #767676 on white is the well-known 4.54:1, #777777 falls just short.
        let r = contrast_ratio(Rgb(0x76, 0x76, 0x76), white);
        assert!((r - 4.54).abs() < 0.01, "{r}");
        assert!(contrast_ratio(Rgb(0x77, 0x77, 0x77), white) < 4.5);
    }

    #[test]
    fn brand_colours_need_aa_contrast_with_white_text() {
        // Kasvu's own blue passes.
        assert_eq!(check_brand_colour("#005a8c").unwrap(), Rgb(0, 0x5a, 0x8c));
        assert!(check_brand_colour("#767676").is_ok());
        // Light colours fail, naming the value and the ratio.
        let p = check_brand_colour("#ffcc00").unwrap_err();
        assert_eq!(p.code, "err-colour-contrast");
        assert!(p.args.contains(&("value", "#ffcc00".to_owned())));
        assert!(p.english.contains("#ffcc00"), "{}", p.english);
        let ratio = &p.args.iter().find(|(k, _)| *k == "ratio").unwrap().1;
        assert_eq!(ratio, "1.51");
        assert_eq!(
            check_brand_colour("#777777").unwrap_err().code,
            "err-colour-contrast"
        );
        assert_eq!(
            check_brand_colour("blue").unwrap_err().code,
            "err-colour-format"
        );
    }
}
