//! Feedback rounds: the questions, anonymous answer sheets, results counted
//! with small numbers hidden, and the team's published response ("you said,
//! we did"). An answer sheet stores the answers, the day and a one-time form
//! token (so a double post counts once) — never who or where from.

use crate::support::audit::audit_change;
use crate::support::credentials::{random_token, token_hash};
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::feedback::{
    aggregate, check_questions, check_round_period, round_state, QuestionResult, RoundState,
};
use kasvu_core::search::SearchKind;
use kasvu_core::team::{parse_text, MAX_TEXT};
use kasvu_core::{
    format_date, parse_date, Answer, FieldError, Names, Problem, QuestionKind, QuestionSpec,
    TargetGroup,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;
use time::Date;

/// A round as written by the team (also the API's shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundSpec {
    /// The area, cluster or unit the round is about.
    pub unit: String,
    /// The team that runs it and responds, if any.
    #[serde(default)]
    pub team_id: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub intro: String,
    pub target_group: TargetGroup,
    /// First and last day of answering (YYYY-MM-DD).
    pub opens_on: String,
    pub closes_on: String,
    pub questions: Vec<QuestionSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub id: i64,
    pub kind: QuestionKind,
    pub text: String,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub org_id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_names: Names,
    pub team_id: Option<i64>,
    pub title: String,
    pub intro: String,
    pub target_group: TargetGroup,
    pub opens_on: Date,
    pub closes_on: Date,
    /// The secret of the public answer link.
    pub token: String,
    /// The team's response ("you said, we did").
    pub response: String,
    /// When the response was published; results are public from then on.
    pub response_on: Option<Date>,
    pub questions: Vec<Question>,
}

impl Round {
    pub fn state(&self, today: Date) -> RoundState {
        round_state(self.opens_on, self.closes_on, today)
    }
    pub fn is_published(&self) -> bool {
        self.response_on.is_some()
    }
}

/// A round's counted results.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundResults {
    /// Answer sheets received.
    pub responses: u64,
    /// Whether the number of sheets itself is too small to show.
    pub responses_suppressed: bool,
    pub questions: Vec<(Question, QuestionResult)>,
}

pub const MAX_TITLE: usize = 200;

/// How long an answer form's token stays valid: a form left open for a day
/// can still be sent.
pub const ANSWER_TOKEN_SECS: i64 = 24 * 3600;

fn date_field(field: &str, s: &str) -> Result<Date> {
    parse_date(s)
        .map_err(|p| StoreError::invalid(field, p))?
        .ok_or_else(|| StoreError::invalid(field, Problem::required()))
}

use crate::support::db::stored_date;

const SELECT_ROUNDS: &str =
    "SELECT r.id, r.org_id, r.unit_id, u.code, u.name_fi, u.name_sv, u.name_en, r.team_id, \
     r.title, r.intro, r.target_group, r.opens_on, r.closes_on, r.token, r.response, r.response_on \
     FROM feedback_rounds r JOIN org_units u ON u.id = r.unit_id";

fn round_of(r: &AnyRow) -> Result<Round> {
    let tg: String = r.try_get("target_group")?;
    let response_on: Option<String> = r.try_get("response_on")?;
    Ok(Round {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        unit_id: r.try_get("unit_id")?,
        unit_code: r.try_get("code")?,
        unit_names: crate::support::db::names_of(r, "name")?,
        team_id: r.try_get("team_id")?,
        title: r.try_get("title")?,
        intro: r.try_get("intro")?,
        target_group: TargetGroup::parse(&tg)
            .map_err(|p| StoreError::corrupt("target_group", p))?,
        opens_on: stored_date(&r.try_get::<String, _>("opens_on")?)?,
        closes_on: stored_date(&r.try_get::<String, _>("closes_on")?)?,
        token: r.try_get("token")?,
        response: r.try_get("response")?,
        response_on: response_on.as_deref().map(stored_date).transpose()?,
        questions: Vec::new(),
    })
}

/// What the search index holds of a round whose results are published:
/// its title, introduction and the team's response, public, under its
/// public results page (`/a/{token}/results`). No figure and no free text
/// answer is indexed: the figures are shown (or suppressed) on the page as
/// counted, and free texts are never public.
pub(crate) fn round_doc(r: &Round) -> crate::search::SearchDoc {
    let mut d = crate::search::SearchDoc::new(r.org_id, SearchKind::Feedback, r.token.clone());
    d.title = Names {
        fi: r.title.clone(),
        ..Names::default()
    };
    d.body = [r.intro.trim(), r.response.trim()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    d.areas = vec![r.unit_code.clone()];
    d.public = true;
    d
}

impl Store {
    /// Creates a round with its questions; checked whole, nothing stored on refusal.
    pub async fn create_round(
        &self,
        actor: &Actor,
        org_id: i64,
        spec: &RoundSpec,
    ) -> Result<Round> {
        let title =
            parse_text(&spec.title, MAX_TITLE).map_err(|p| StoreError::invalid("title", p))?;
        let intro = spec.intro.trim();
        if intro.chars().count() > MAX_TEXT {
            return Err(StoreError::invalid("intro", Problem::too_long(MAX_TEXT)));
        }
        let opens = date_field("opens_on", &spec.opens_on)?;
        let closes = date_field("closes_on", &spec.closes_on)?;
        check_round_period(opens, closes).map_err(|p| StoreError::invalid("closes_on", p))?;
        check_questions(&spec.questions)
            .map_err(|(f, p)| StoreError::Invalid(FieldError::new(f, p)))?;
        let mut tx = self.begin_write().await?;
        let unit_id = crate::support::db::unit_in(&mut tx, org_id, &spec.unit, "unit").await?;
        if let Some(team_id) = spec.team_id {
            let n: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE id = $1 AND org_id = $2")
                    .bind(team_id)
                    .bind(org_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if n == 0 {
                return Err(StoreError::invalid(
                    "team_id",
                    Problem::new(
                        "err-team-missing",
                        "there is no such team in the organisation",
                    ),
                ));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO feedback_rounds (org_id, unit_id, team_id, title, intro, target_group, opens_on, closes_on, token, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(org_id)
        .bind(unit_id)
        .bind(spec.team_id)
        .bind(&title)
        .bind(intro)
        .bind(spec.target_group.code())
        .bind(format_date(opens))
        .bind(format_date(closes))
        .bind(random_token())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        for (i, q) in spec.questions.iter().enumerate() {
            let options: Vec<&str> = q.options.iter().map(|o| o.trim()).collect();
            sqlx::query(
                "INSERT INTO feedback_questions (round_id, position, kind, text, options) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(q.kind.code())
            .bind(q.text.trim())
            .bind(serde_json::to_string(&options).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            .execute(&mut *tx)
            .await?;
        }
        audit_change(&mut tx, actor, org_id, "feedback_round", &id.to_string(), "create", json!({ "title": title, "unit": spec.unit.trim(), "target_group": spec.target_group.code(),
                    "opens_on": format_date(opens), "closes_on": format_date(closes), "questions": spec.questions.len() }))
        .await?;
        tx.commit().await?;
        self.round(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("round {id}")))
    }

    async fn with_questions(&self, mut round: Round) -> Result<Round> {
        let rows = sqlx::query("SELECT id, kind, text, options FROM feedback_questions WHERE round_id = $1 ORDER BY position")
            .bind(round.id)
            .fetch_all(&self.pool)
            .await?;
        round.questions = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let options: String = r.try_get("options")?;
                Ok(Question {
                    id: r.try_get("id")?,
                    kind: QuestionKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
                    text: r.try_get("text")?,
                    options: serde_json::from_str(&options)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(round)
    }

    pub async fn round(&self, id: i64) -> Result<Option<Round>> {
        let row = sqlx::query(&format!("{SELECT_ROUNDS} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok(Some(self.with_questions(round_of(&r)?).await?)),
            None => Ok(None),
        }
    }

    pub async fn round_by_token(&self, token: &str) -> Result<Option<Round>> {
        let row = sqlx::query(&format!("{SELECT_ROUNDS} WHERE r.token = $1"))
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok(Some(self.with_questions(round_of(&r)?).await?)),
            None => Ok(None),
        }
    }

    /// An organisation's rounds, newest first (without their questions).
    pub async fn rounds(&self, org_id: i64) -> Result<Vec<Round>> {
        let rows = sqlx::query(&format!(
            "{SELECT_ROUNDS} WHERE r.org_id = $1 ORDER BY r.opens_on DESC, r.id DESC"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(round_of).collect()
    }

    /// A one-time token for one answer form of the round, valid for
    /// [`ANSWER_TOKEN_SECS`]; a sheet is stored only with a token issued here.
    pub async fn issue_answer_token(&self, round_id: i64) -> Result<String> {
        let (token, t) = (random_token(), now());
        sqlx::query("DELETE FROM feedback_answer_tokens WHERE expires_at < $1")
            .bind(t)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO feedback_answer_tokens (token_hash, round_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash(&token))
        .bind(round_id)
        .bind(t + ANSWER_TOKEN_SECS)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// Stores one answer sheet. Refused when the round is not open on
    /// `today`, when an answer does not fit its question, when the form's
    /// token was not issued by [`Store::issue_answer_token`] for this round
    /// or has expired (`nonce`), or when the sheet was stored already
    /// (Conflict: the same form sent twice counts once).
    pub async fn submit_response(
        &self,
        round_id: i64,
        nonce: &str,
        answers: &[(i64, Answer)],
        today: Date,
    ) -> Result<()> {
        let round = self
            .round(round_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("round {round_id}")))?;
        if round.state(today) != RoundState::Open {
            return Err(StoreError::invalid(
                "round",
                Problem::new(
                    "err-round-closed",
                    "this feedback round is not open for answers",
                ),
            ));
        }
        let nonce = nonce.trim();
        if nonce.len() < 16 || nonce.len() > 128 {
            return Err(StoreError::invalid(
                "nonce",
                Problem::new("err-form-token", "the form has expired; open it again"),
            ));
        }
        for (qid, _) in answers {
            if !round.questions.iter().any(|q| q.id == *qid) {
                return Err(StoreError::invalid(
                    "question",
                    Problem::new("err-answer", "an answer to an unknown question"),
                ));
            }
        }
        if answers.is_empty() {
            return Err(StoreError::invalid(
                "answers",
                Problem::new("err-no-answers", "answer at least one question"),
            ));
        }
        let hash = token_hash(nonce);
        let mut tx = self.begin_write().await?;
        let issued = sqlx::query(
            "DELETE FROM feedback_answer_tokens WHERE token_hash = $1 AND round_id = $2 AND expires_at >= $3",
        )
        .bind(&hash)
        .bind(round_id)
        .bind(now())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !issued {
            let stored: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM feedback_responses WHERE round_id = $1 AND nonce = $2",
            )
            .bind(round_id)
            .bind(&hash)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(match stored {
                Some(_) => StoreError::Conflict(FieldError::new(
                    "nonce",
                    Problem::new(
                        "err-duplicate-answer",
                        "these answers were received already",
                    ),
                )),
                None => StoreError::invalid(
                    "nonce",
                    Problem::new("err-form-token", "the form has expired; open it again"),
                ),
            });
        }
        let res = sqlx::query_scalar::<_, i64>(
            "INSERT INTO feedback_responses (round_id, submitted_on, nonce) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(round_id)
        .bind(format_date(today))
        .bind(&hash)
        .fetch_one(&mut *tx)
        .await;
        let response_id = match res {
            Ok(id) => id,
            Err(e) if crate::support::db::is_unique_violation(&e) => {
                return Err(StoreError::Conflict(FieldError::new(
                    "nonce",
                    Problem::new(
                        "err-duplicate-answer",
                        "these answers were received already",
                    ),
                )))
            }
            Err(e) => return Err(e.into()),
        };
        for (qid, a) in answers {
            let (score, choices, text) = match a {
                Answer::Score(s) => (Some(i64::from(*s)), None, None),
                Answer::Choices(c) => (
                    None,
                    Some(serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))?),
                    None,
                ),
                Answer::Text(t) => (None, None, Some(t.clone())),
            };
            sqlx::query("INSERT INTO feedback_answers (response_id, question_id, score, choices, text) VALUES ($1, $2, $3, $4, $5)")
                .bind(response_id)
                .bind(qid)
                .bind(score)
                .bind(choices)
                .bind(text)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The round's results with small numbers hidden at the store's threshold.
    pub async fn round_results(&self, round: &Round) -> Result<RoundResults> {
        let responses: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM feedback_responses WHERE round_id = $1")
                .bind(round.id)
                .fetch_one(&self.pool)
                .await?;
        let rows = sqlx::query(
            "SELECT a.question_id, a.score, a.choices, a.text FROM feedback_answers a \
             JOIN feedback_questions q ON q.id = a.question_id WHERE q.round_id = $1",
        )
        .bind(round.id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_q: HashMap<i64, Vec<Answer>> = HashMap::new();
        for r in rows {
            let score: Option<i64> = r.try_get("score")?;
            let choices: Option<String> = r.try_get("choices")?;
            let text: Option<String> = r.try_get("text")?;
            let a = if let Some(s) = score {
                Answer::Score(u8::try_from(s).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            } else if let Some(c) = choices {
                Answer::Choices(
                    serde_json::from_str(&c).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                )
            } else {
                Answer::Text(text.unwrap_or_default())
            };
            by_q.entry(r.try_get("question_id")?).or_default().push(a);
        }
        let questions = round
            .questions
            .iter()
            .map(|q| {
                let answers = by_q.remove(&q.id).unwrap_or_default();
                (
                    q.clone(),
                    aggregate(q.kind, q.options.len(), &answers, self.threshold),
                )
            })
            .collect();
        Ok(RoundResults {
            responses: responses as u64,
            responses_suppressed: (responses as f64) < self.threshold,
            questions,
        })
    }

    /// Writes the team's response; `publish` makes it and the results public.
    pub async fn set_round_response(
        &self,
        actor: &Actor,
        round_id: i64,
        response: &str,
        publish: bool,
        today: Date,
    ) -> Result<()> {
        let response = response.trim();
        if response.chars().count() > 20_000 {
            return Err(StoreError::invalid("response", Problem::too_long(20_000)));
        }
        if publish && response.is_empty() {
            return Err(StoreError::invalid("response", Problem::required()));
        }
        let round = self
            .round(round_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("round {round_id}")))?;
        // Results go public only when no more answers can come: while a
        // round is open, anyone could send answers of their own and read
        // the others' off the difference.
        if publish && round.state(today) != RoundState::Closed {
            return Err(StoreError::invalid(
                "publish",
                Problem::new(
                    "err-publish-open-round",
                    "the results are published once the round has closed",
                ),
            ));
        }
        let org_id = round.org_id;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE feedback_rounds SET response = $1, response_on = $2 WHERE id = $3")
            .bind(response)
            .bind(publish.then(|| format_date(today)))
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
        if publish {
            let mut r = round.clone();
            r.response = response.to_owned();
            crate::search::put(&mut tx, &round_doc(&r)).await?;
        } else {
            crate::search::remove(&mut tx, org_id, SearchKind::Feedback, &round.token).await?;
        }
        audit_change(
            &mut tx,
            actor,
            org_id,
            "feedback_round",
            &round_id.to_string(),
            "response",
            json!({ "response": response, "published": publish }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
