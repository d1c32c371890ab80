//! An installation's own identity: the city's name, its logo and its
//! colour, set when the server starts (`--city-name`, `--logo`,
//! `--brand-color`). The colour reaches the pages through a small
//! stylesheet of custom properties (`/brand.css`) that `kasvu.css` reads,
//! so no page carries an inline style under the strict CSP; its contrast
//! with the header's and the buttons' white text is checked when it is set.

use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use kasvu_core::brand::{check_brand_colour, Rgb, BRAND_INK};
use kasvu_core::Problem;
use std::sync::Arc;

/// The largest logo file accepted.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// A logo served from `/brand/logo`.
#[derive(Debug, Clone)]
pub struct Logo {
    pub bytes: Arc<Vec<u8>>,
    pub content_type: &'static str,
}

/// The installation's brand; all parts optional.
#[derive(Debug, Clone, Default)]
pub struct Brand {
    /// The city's name, shown in the header and page titles instead of "Kasvu".
    pub city_name: Option<String>,
    pub logo: Option<Logo>,
    /// The header's and buttons' colour, checked for contrast.
    pub colour: Option<Rgb>,
}

/// Why a brand setting was refused (at start-up).
#[derive(Debug)]
pub struct BrandError(pub String);

impl std::fmt::Display for BrandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BrandError {}

fn refused(setting: &str, p: &Problem) -> BrandError {
    BrandError(format!("{setting}: {}", p.english))
}

impl Brand {
    /// Builds the brand from its settings: the colour must keep 4.5:1 with
    /// white text, the logo must be a PNG, JPEG, WebP or SVG file of at
    /// most 512 KB. The error names the setting and the value.
    pub fn new(
        city_name: Option<&str>,
        logo_path: Option<&std::path::Path>,
        colour: Option<&str>,
    ) -> Result<Brand, BrandError> {
        let city_name = city_name
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.chars().count() > 80 || s.chars().any(char::is_control) {
                    Err(BrandError(format!(
                        "--city-name: '{s}' must be at most 80 characters without control characters"
                    )))
                } else {
                    Ok(s.to_owned())
                }
            })
            .transpose()?;
        let colour = colour
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| check_brand_colour(s).map_err(|p| refused("--brand-color", &p)))
            .transpose()?;
        let logo = logo_path.map(read_logo).transpose()?;
        Ok(Brand {
            city_name,
            logo,
            colour,
        })
    }

    /// The name shown for the site: the city's, else "Kasvu".
    pub fn site_name(&self) -> &str {
        self.city_name.as_deref().unwrap_or("Kasvu")
    }

    /// The stylesheet of the brand's custom properties.
    pub fn css(&self) -> String {
        match self.colour {
            Some(c) => format!(
                ":root {{ --brand: {}; --brand-ink: {}; }}\n",
                c.hex(),
                BRAND_INK.hex()
            ),
            None => "/* no brand colour set */\n".to_owned(),
        }
    }

    /// The address of the brand stylesheet, versioned by its content, when
    /// there is a colour to apply.
    pub fn css_path(&self) -> Option<String> {
        self.colour
            .map(|c| format!("/brand.css?v={}", &c.hex()[1..]))
    }
}

fn read_logo(path: &std::path::Path) -> Result<Logo, BrandError> {
    let shown = path.display();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let content_type = match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => {
            return Err(BrandError(format!(
                "--logo: '{shown}' must be a .png, .jpg, .webp or .svg file"
            )))
        }
    };
    let bytes = std::fs::read(path)
        .map_err(|e| BrandError(format!("--logo: cannot read '{shown}': {e}")))?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(BrandError(format!(
            "--logo: '{shown}' is larger than {} KB",
            MAX_LOGO_BYTES / 1024
        )));
    }
    Ok(Logo {
        bytes: Arc::new(bytes),
        content_type,
    })
}

/// `/brand.css`: the brand's custom properties.
pub(crate) async fn stylesheet(State(st): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        st.config.brand.css(),
    )
        .into_response()
}

/// `/brand/logo`: the city's logo, or 404 when none is set.
pub(crate) async fn logo(State(st): State<AppState>) -> Response {
    match &st.config.brand.logo {
        Some(l) => (
            [
                (header::CONTENT_TYPE, l.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            l.bytes.as_ref().clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_colour_with_too_little_contrast_is_refused_by_name() {
        let e = Brand::new(None, None, Some("#ffcc00")).unwrap_err();
        assert!(
            e.0.contains("--brand-color") && e.0.contains("#ffcc00"),
            "{e}"
        );
        let b = Brand::new(Some(" Oulu "), None, Some("#0B5394")).unwrap();
        assert_eq!(b.site_name(), "Oulu");
        assert!(b.css().contains("--brand: #0b5394"), "{}", b.css());
        assert_eq!(b.css_path().as_deref(), Some("/brand.css?v=0b5394"));
        let plain = Brand::new(Some(""), None, None).unwrap();
        assert_eq!(plain.site_name(), "Kasvu");
        assert_eq!(plain.css_path(), None);
    }

    #[test]
    fn a_logo_must_be_an_image_file() {
        let e = Brand::new(None, Some(std::path::Path::new("/etc/hostname")), None).unwrap_err();
        assert!(e.0.contains("--logo"), "{e}");
    }
}
