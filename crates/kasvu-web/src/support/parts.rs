//! Language of parts (WCAG 3.1.2): text in a language other than the
//! page's is written inside an element with its `lang`, by one helper the
//! templates share (`ctx.fi(…)`, `ctx.part(…)`, `ctx.fi_lang()`).

use crate::support::ctx::Ctx;

/// A part of a page in a language of its own (WCAG 3.1.2): the text,
/// escaped, in a `<span lang="…">` when that language is not the page's,
/// bare when it is. Content staff write (project texts, conclusions,
/// commitments, the register's descriptions …) is Finnish: templates write
/// it as `{{ ctx.fi(text) }}` so Swedish and English pages mark it.
pub struct Part<'a> {
    text: &'a str,
    lang: &'static str,
    page: &'static str,
}

impl std::fmt::Display for Part<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.text.is_empty() {
            return Ok(());
        }
        let foreign = self.lang != self.page;
        if foreign {
            write!(f, "<span lang=\"{}\">", self.lang)?;
        }
        write_escaped(f, self.text)?;
        if foreign {
            f.write_str("</span>")?;
        }
        Ok(())
    }
}

impl askama::filters::HtmlSafe for Part<'_> {}

/// ` lang="fi"` for an element whose whole content is Finnish, on a page
/// in another language; nothing on a Finnish page.
pub struct LangAttr(Option<&'static str>);

impl std::fmt::Display for LangAttr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(l) => write!(f, " lang=\"{l}\""),
            None => Ok(()),
        }
    }
}

impl askama::filters::HtmlSafe for LangAttr {}

fn write_escaped(f: &mut std::fmt::Formatter<'_>, s: &str) -> std::fmt::Result {
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        f.write_str(&s[last..i])?;
        f.write_str(rep)?;
        last = i + c.len_utf8();
    }
    f.write_str(&s[last..])
}

/// The language of content staff enter.
pub const CONTENT_LANG: &str = "fi";

impl Ctx {
    /// Finnish content as a part of this page: marked `lang="fi"` on
    /// Swedish and English pages.
    pub fn fi<'a, T: AsRef<str> + ?Sized>(&self, text: &'a T) -> Part<'a> {
        Part {
            text: text.as_ref(),
            lang: CONTENT_LANG,
            page: self.lang.code(),
        }
    }
    /// A text whose language is known (an [`LText`](crate::support::format::LText)).
    pub fn part<'a>(&self, t: &'a crate::support::format::LText) -> Part<'a> {
        Part {
            text: &t.text,
            lang: t.lang,
            page: self.lang.code(),
        }
    }
    /// ` lang="fi"` on an element holding Finnish content, on pages in
    /// another language.
    pub fn fi_lang(&self) -> LangAttr {
        LangAttr((self.lang.code() != CONTENT_LANG).then_some(CONTENT_LANG))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str, page: &'static str) -> String {
        Part {
            text,
            lang: CONTENT_LANG,
            page,
        }
        .to_string()
    }

    #[test]
    fn finnish_is_marked_on_other_pages_only_and_escaped() {
        assert_eq!(part("Perhekahvila", "fi"), "Perhekahvila");
        assert_eq!(
            part("Perhe & <koti>", "sv"),
            "<span lang=\"fi\">Perhe &amp; &lt;koti&gt;</span>"
        );
        assert_eq!(part("\"x\" 'y'", "fi"), "&quot;x&quot; &#39;y&#39;");
        assert_eq!(part("", "en"), "", "nothing for no text");
        assert_eq!(LangAttr(Some("fi")).to_string(), " lang=\"fi\"");
        assert_eq!(LangAttr(None).to_string(), "");
    }
}
