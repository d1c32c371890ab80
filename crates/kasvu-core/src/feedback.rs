//! Systematic feedback rounds (seed 003: "systemaattinen palautteen
//! keruuprosessi"): who is asked, the kinds of questions, when a round is
//! open, how an answer is read from a form, and how results are counted with
//! small numbers hidden. Respondents are anonymous: nothing here knows who
//! answered.

use crate::error::Problem;
use crate::measure::{protect_parts, Cell};
use time::Date;

code_enum! {
    /// Who a round asks.
    TargetGroup {
        Staff = "staff",
        Parents = "parents",
        Children = "children",
        YoungPeople = "young_people",
        Partners = "partners",
    }
}

code_enum! {
    /// What kind of answer a question takes.
    QuestionKind {
        /// 1 (disagree) … 5 (agree).
        Scale = "scale",
        /// 1–5 as faces, for children.
        Smiley = "smiley",
        /// One of the options.
        Single = "single",
        /// Any of the options.
        Multiple = "multiple",
        /// Free text (shown to the team only, never published).
        Text = "text",
    }
}

impl QuestionKind {
    pub fn has_options(self) -> bool {
        matches!(self, QuestionKind::Single | QuestionKind::Multiple)
    }
    /// The number of answer categories a result counts.
    pub fn categories(self, options: usize) -> usize {
        match self {
            QuestionKind::Scale | QuestionKind::Smiley => 5,
            QuestionKind::Single | QuestionKind::Multiple => options,
            QuestionKind::Text => 0,
        }
    }
}

pub const MAX_QUESTIONS: usize = 40;
pub const MAX_OPTIONS: usize = 12;
pub const MAX_QUESTION_TEXT: usize = 500;
pub const MAX_OPTION_TEXT: usize = 200;
/// The longest free-text answer.
pub const MAX_ANSWER_TEXT: usize = 2000;

/// A question as written by the team.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuestionSpec {
    pub kind: QuestionKind,
    pub text: String,
    #[serde(default)]
    pub options: Vec<String>,
}

impl QuestionSpec {
    /// Checks the question; the field names the part at fault.
    pub fn check(&self) -> Result<(), (String, Problem)> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err(("text".into(), Problem::required()));
        }
        if text.chars().count() > MAX_QUESTION_TEXT {
            return Err(("text".into(), Problem::too_long(MAX_QUESTION_TEXT)));
        }
        if self.kind.has_options() {
            if self.options.len() < 2 || self.options.len() > MAX_OPTIONS {
                return Err((
                    "options".into(),
                    Problem::new(
                        "err-options-count",
                        format!("a choice question has 2 to {MAX_OPTIONS} options"),
                    )
                    .arg("max", MAX_OPTIONS.to_string()),
                ));
            }
            for (i, o) in self.options.iter().enumerate() {
                let field = format!("options[{}]", i + 1);
                if o.trim().is_empty() {
                    return Err((field, Problem::required()));
                }
                if o.trim().chars().count() > MAX_OPTION_TEXT {
                    return Err((field, Problem::too_long(MAX_OPTION_TEXT)));
                }
            }
        } else if !self.options.is_empty() {
            return Err((
                "options".into(),
                Problem::new(
                    "err-options-unexpected",
                    "only single and multiple choice questions have options",
                ),
            ));
        }
        Ok(())
    }
}

/// Checks a round's questions: at least one, at most [`MAX_QUESTIONS`].
pub fn check_questions(questions: &[QuestionSpec]) -> Result<(), (String, Problem)> {
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err((
            "questions".into(),
            Problem::new(
                "err-questions-count",
                format!("a round has 1 to {MAX_QUESTIONS} questions"),
            )
            .arg("max", MAX_QUESTIONS.to_string()),
        ));
    }
    for (i, q) in questions.iter().enumerate() {
        q.check()
            .map_err(|(f, p)| (format!("questions[{}].{f}", i + 1), p))?;
    }
    Ok(())
}

/// Where a round stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundState {
    Upcoming,
    Open,
    Closed,
}

impl RoundState {
    pub fn code(self) -> &'static str {
        match self {
            RoundState::Upcoming => "upcoming",
            RoundState::Open => "open",
            RoundState::Closed => "closed",
        }
    }
}

/// A round is open from its first day to its last day, both included.
pub fn round_state(opens_on: Date, closes_on: Date, today: Date) -> RoundState {
    if today < opens_on {
        RoundState::Upcoming
    } else if today > closes_on {
        RoundState::Closed
    } else {
        RoundState::Open
    }
}

pub fn check_round_period(opens_on: Date, closes_on: Date) -> Result<(), Problem> {
    if closes_on < opens_on {
        return Err(Problem::new(
            "err-closes-before-opens",
            "a round cannot close before it opens",
        ));
    }
    if (closes_on - opens_on).whole_days() > 366 {
        return Err(Problem::new(
            "err-round-too-long",
            "a round is open for at most a year",
        ));
    }
    Ok(())
}

/// One answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 1–5 (scale and smiley).
    Score(u8),
    /// Chosen option indexes, 0-based, ascending, no repeats.
    Choices(Vec<usize>),
    Text(String),
}

/// Reads one question's answer from a form's raw values. Nothing given is
/// no answer (every question may be skipped); anything else must fit.
pub fn parse_answer(
    kind: QuestionKind,
    options: usize,
    raw: &[&str],
) -> Result<Option<Answer>, Problem> {
    let given: Vec<&str> = raw
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if given.is_empty() {
        return Ok(None);
    }
    let bad = |v: &str| {
        Problem::new(
            "err-answer",
            format!("'{v}' is not an answer to this question"),
        )
        .arg("value", v.to_owned())
    };
    match kind {
        QuestionKind::Scale | QuestionKind::Smiley => {
            if given.len() != 1 {
                return Err(bad(&given.join(",")));
            }
            let n: u8 = given[0].parse().map_err(|_| bad(given[0]))?;
            if !(1..=5).contains(&n) {
                return Err(bad(given[0]));
            }
            Ok(Some(Answer::Score(n)))
        }
        QuestionKind::Single | QuestionKind::Multiple => {
            if kind == QuestionKind::Single && given.len() != 1 {
                return Err(bad(&given.join(",")));
            }
            let mut picked = Vec::new();
            for v in &given {
                let i: usize = v.parse().map_err(|_| bad(v))?;
                if i == 0 || i > options {
                    return Err(bad(v));
                }
                picked.push(i - 1);
            }
            picked.sort_unstable();
            picked.dedup();
            Ok(Some(Answer::Choices(picked)))
        }
        QuestionKind::Text => {
            let t = given.join("\n");
            if t.chars().count() > MAX_ANSWER_TEXT {
                return Err(Problem::too_long(MAX_ANSWER_TEXT));
            }
            Ok(Some(Answer::Text(t)))
        }
    }
}

/// The counted result of one question.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    /// How many answered the question.
    pub respondents: u64,
    /// Whether the whole question is hidden (too few answered).
    pub suppressed: bool,
    /// Per category (1–5, or per option): the count as it may be shown.
    pub counts: Vec<Cell>,
    /// The mean score (scale and smiley), when shown.
    pub mean: Option<f64>,
    /// Free-text answers, when enough answered (for the team only).
    pub texts: Vec<String>,
}

/// Categories that add up to a published total: the total minus the shown
/// categories is the sum of the hidden ones, and every hidden category lies
/// between 0 and that sum. Hidden categories are added until the sum is at
/// least the threshold, so none of them can be narrowed further: the
/// smallest shown category that reaches it, else the largest (which gets
/// closest). Before this, 2 hidden out of 23 ("2 between them") was
/// published, and with the mean it gave both counts exactly.
fn widen_hidden_sum(cells: &mut [Cell], threshold: f64) {
    let hidden_sum = |cells: &[Cell]| -> f64 {
        cells
            .iter()
            .filter(|c| c.suppressed)
            .filter_map(|c| c.count)
            .sum()
    };
    if !cells.iter().any(|c| c.suppressed) {
        return;
    }
    loop {
        let sum = hidden_sum(cells);
        if sum >= threshold {
            return;
        }
        let shown = cells
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.suppressed && c.count.is_some_and(|v| v > 0.0));
        let reaching = shown
            .clone()
            .filter(|(_, c)| c.count.is_some_and(|v| sum + v >= threshold))
            .min_by(|a, b| {
                a.1.count
                    .unwrap_or(0.0)
                    .total_cmp(&b.1.count.unwrap_or(0.0))
            });
        let pick = reaching
            .or_else(|| {
                shown.max_by(|a, b| {
                    a.1.count
                        .unwrap_or(0.0)
                        .total_cmp(&b.1.count.unwrap_or(0.0))
                })
            })
            .map(|(i, _)| i);
        match pick {
            Some(i) => cells[i].suppressed = true,
            None => return,
        }
    }
}

/// Which of `counts` to hide at `threshold`: those under it (zeros are
/// shown), and when they add up to a shown `total` (`adds_up`), more until
/// the hidden ones sum to at least the threshold, so that the total minus
/// the shown ones cannot give any of them. For counts that overlap (one
/// wish in several categories) only the small ones are hidden.
pub fn hide_small(counts: &[u64], total: u64, threshold: f64, adds_up: bool) -> Vec<bool> {
    let total_hidden = (total as f64) < threshold;
    let mut cells: Vec<Cell> = counts
        .iter()
        .map(|&c| Cell {
            value: Some(c as f64),
            count: Some(c as f64),
            suppressed: total_hidden || (c > 0 && (c as f64) < threshold),
        })
        .collect();
    if adds_up && !total_hidden {
        let total_cell = Cell {
            value: Some(total as f64),
            count: Some(total as f64),
            suppressed: false,
        };
        protect_parts(&total_cell, &mut cells);
        widen_hidden_sum(&mut cells, threshold);
    }
    cells.iter().map(|c| c.suppressed).collect()
}

/// Counts the answers of one question. With fewer respondents than the
/// threshold nothing is shown; otherwise category counts below it are hidden,
/// and for categories that add up to the respondents (scale, smiley, single
/// choice) one more is hidden when one alone would be revealed by the total.
pub fn aggregate(
    kind: QuestionKind,
    options: usize,
    answers: &[Answer],
    threshold: f64,
) -> QuestionResult {
    let n = kind.categories(options);
    let mut counts = vec![0u64; n];
    let mut texts = Vec::new();
    let mut sum = 0u64;
    let mut respondents = 0u64;
    for a in answers {
        match a {
            Answer::Score(s) if (1..=5).contains(s) && n == 5 => {
                counts[usize::from(*s) - 1] += 1;
                sum += u64::from(*s);
                respondents += 1;
            }
            Answer::Choices(c) if kind.has_options() => {
                let mut any = false;
                for &i in c.iter().filter(|&&i| i < n) {
                    counts[i] += 1;
                    any = true;
                }
                respondents += u64::from(any);
            }
            Answer::Text(t) if kind == QuestionKind::Text => {
                texts.push(t.clone());
                respondents += 1;
            }
            _ => {}
        }
    }
    let total = respondents as f64;
    let suppressed = total < threshold;
    let total_cell = Cell {
        value: Some(total),
        count: Some(total),
        suppressed,
    };
    let mut cells: Vec<Cell> = counts
        .iter()
        .map(|&c| {
            let v = c as f64;
            Cell {
                value: Some(v),
                count: Some(v),
                suppressed: suppressed || (c > 0 && v < threshold),
            }
        })
        .collect();
    if matches!(
        kind,
        QuestionKind::Scale | QuestionKind::Smiley | QuestionKind::Single
    ) {
        protect_parts(&total_cell, &mut cells);
        if !suppressed {
            widen_hidden_sum(&mut cells, threshold);
        }
    }
    // The mean is a second equation over the same counts (Σ score × count):
    // with the total it pins hidden categories down, so it is shown only
    // when every category is.
    let any_hidden = cells.iter().any(|c| c.suppressed);
    let mean =
        (!suppressed && !any_hidden && n == 5 && respondents > 0).then(|| sum as f64 / total);
    QuestionResult {
        respondents,
        suppressed,
        counts: cells,
        mean,
        texts: if suppressed { Vec::new() } else { texts },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn q(kind: QuestionKind, options: &[&str]) -> QuestionSpec {
        QuestionSpec {
            kind,
            text: "Miten viihdyt?".into(),
            options: options.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn questions_are_checked() {
        assert!(q(QuestionKind::Scale, &[]).check().is_ok());
        assert!(q(QuestionKind::Single, &["a", "b"]).check().is_ok());
        assert_eq!(
            q(QuestionKind::Single, &["a"]).check().unwrap_err().0,
            "options"
        );
        assert_eq!(
            q(QuestionKind::Multiple, &["a", " "])
                .check()
                .unwrap_err()
                .0,
            "options[2]"
        );
        assert_eq!(
            q(QuestionKind::Smiley, &["a", "b"])
                .check()
                .unwrap_err()
                .1
                .code,
            "err-options-unexpected"
        );
        let mut blank = q(QuestionKind::Text, &[]);
        blank.text = " ".into();
        assert_eq!(
            check_questions(&[q(QuestionKind::Scale, &[]), blank])
                .unwrap_err()
                .0,
            "questions[2].text"
        );
        assert_eq!(check_questions(&[]).unwrap_err().0, "questions");
    }

    #[test]
    fn a_round_is_open_on_its_first_and_last_day() {
        let (o, c) = (date!(2026 - 11 - 01), date!(2026 - 11 - 30));
        assert_eq!(
            round_state(o, c, date!(2026 - 10 - 31)),
            RoundState::Upcoming
        );
        assert_eq!(round_state(o, c, o), RoundState::Open);
        assert_eq!(round_state(o, c, c), RoundState::Open);
        assert_eq!(round_state(o, c, date!(2026 - 12 - 01)), RoundState::Closed);
        assert!(check_round_period(c, o).is_err());
        assert!(check_round_period(o, date!(2028 - 01 - 01)).is_err());
    }

    #[test]
    fn answers_are_read_strictly() {
        use QuestionKind::*;
        assert_eq!(parse_answer(Scale, 0, &[""]).unwrap(), None);
        assert_eq!(
            parse_answer(Smiley, 0, &["4"]).unwrap(),
            Some(Answer::Score(4))
        );
        assert!(parse_answer(Scale, 0, &["6"]).is_err());
        assert!(parse_answer(Scale, 0, &["x"]).is_err());
        assert!(parse_answer(Scale, 0, &["1", "2"]).is_err());
        assert_eq!(
            parse_answer(Multiple, 3, &["3", "1", "3"]).unwrap(),
            Some(Answer::Choices(vec![0, 2]))
        );
        assert!(parse_answer(Multiple, 3, &["4"]).is_err());
        assert!(parse_answer(Single, 3, &["0"]).is_err());
        assert!(parse_answer(Single, 3, &["1", "2"]).is_err());
        let long = "x".repeat(MAX_ANSWER_TEXT + 1);
        assert!(parse_answer(Text, 0, &[long.as_str()]).is_err());
    }

    #[test]
    fn too_few_respondents_hide_everything() {
        let answers: Vec<Answer> = (1..=4).map(Answer::Score).collect();
        let r = aggregate(QuestionKind::Scale, 0, &answers, 5.0);
        assert_eq!(r.respondents, 4);
        assert!(r.suppressed);
        assert!(r.mean.is_none());
        assert!(r
            .counts
            .iter()
            .all(|c| c.shown().is_none() || c.value == Some(0.0)));
        let texts = vec![Answer::Text("a".into()); 3];
        assert!(aggregate(QuestionKind::Text, 0, &texts, 5.0)
            .texts
            .is_empty());
    }

    #[test]
    fn small_categories_are_hidden_with_a_complement() {
        // 10 × 5, 6 × 4, 2 × 1: the "1" is small, and the total would reveal
        // it from the others, so the next smallest category (an empty one)
        // is hidden too; "2 between them" would still say too much, so the
        // "4" is hidden as well: 8 between the three, and no mean.
        let mut answers = vec![Answer::Score(5); 10];
        answers.extend(vec![Answer::Score(4); 6]);
        answers.extend(vec![Answer::Score(1); 2]);
        let r = aggregate(QuestionKind::Smiley, 0, &answers, 5.0);
        assert_eq!(r.respondents, 18);
        assert!(!r.suppressed);
        assert!(r.counts[0].suppressed && r.counts[3].suppressed);
        assert_eq!(r.counts.iter().filter(|c| c.suppressed).count(), 3);
        assert_eq!(r.counts[4].shown(), Some(10.0));
        assert!(r.mean.is_none(), "the mean would give the hidden counts");
    }

    #[test]
    fn small_counts_and_their_complements_are_hidden() {
        // Age groups add up to the wishes: 1 alone would be the total minus
        // the others, so more is hidden until the hidden ones make 5.
        assert_eq!(
            hide_small(&[1, 9, 2, 0], 12, 5.0, true),
            [true, true, true, false]
        );
        // Categories overlap: only the small ones.
        assert_eq!(
            hide_small(&[1, 9, 2, 0], 12, 5.0, false),
            [true, false, true, false]
        );
        // A total under the threshold hides everything.
        assert!(hide_small(&[3, 1], 4, 5.0, true).iter().all(|h| *h));
    }

    /// Issue 18's attack on a round's results, as written: counts
    /// `[hidden, hidden, 5, 11, 5]`, 23 respondents and the mean 3.826 gave
    /// the hidden counts 0 and 2 by two equations. Now whatever is shown
    /// leaves every hidden count anywhere between 0 and at least 5.
    #[test]
    fn the_total_and_the_mean_no_longer_give_hidden_counts() {
        let mut answers = vec![Answer::Score(2); 2];
        answers.extend(vec![Answer::Score(3); 5]);
        answers.extend(vec![Answer::Score(4); 11]);
        answers.extend(vec![Answer::Score(5); 5]);
        let r = aggregate(QuestionKind::Scale, 0, &answers, 5.0);
        assert_eq!(r.respondents, 23);
        assert!(r.mean.is_none());
        let shown: f64 = r.counts.iter().filter_map(Cell::shown).sum();
        let hidden_sum = r.respondents as f64 - shown;
        assert!(hidden_sum >= 5.0, "{:?}", r.counts);
        assert!(r.counts.iter().filter(|c| c.suppressed).count() >= 2);
        // Nothing hidden: every count and the mean are shown.
        let all: Vec<Answer> = (1..=5).flat_map(|s| vec![Answer::Score(s); 5]).collect();
        let r = aggregate(QuestionKind::Scale, 0, &all, 5.0);
        assert!(r.counts.iter().all(|c| !c.suppressed));
        assert_eq!(r.mean, Some(3.0));
    }

    #[test]
    fn multiple_choice_counts_each_option_and_each_respondent_once() {
        let answers = vec![
            Answer::Choices(vec![0, 1]),
            Answer::Choices(vec![0]),
            Answer::Choices(vec![0, 2]),
            Answer::Choices(vec![0, 1]),
            Answer::Choices(vec![0, 1]),
            Answer::Choices(vec![1]),
        ];
        let r = aggregate(QuestionKind::Multiple, 3, &answers, 5.0);
        assert_eq!(r.respondents, 6);
        assert_eq!(r.counts[0].shown(), Some(5.0));
        assert!(r.counts[1].suppressed, "4 of 6 is below 5");
        assert!(r.counts[2].suppressed);
        assert!(r.mean.is_none());
    }
}
