//! Children's and young people's forums: the proposals a forum (a team of
//! kind `youth_forum`) records and the adults' answers ("you said, we
//! did"). Public data, so nothing here names a child: only the text, the
//! day, the forum session and, for an answer, the answerer's role. Who may
//! record and answer is decided by the caller.

use super::*;
use kasvu_core::forum::{check_answer, check_proposal, ProposalStatus};

/// A proposal as the forum's adults record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalSpec {
    pub text: String,
    /// The forum session or event it came from.
    pub source: String,
    pub proposed_on: Date,
    /// The forum's meeting it was made at, if recorded as one.
    pub meeting_id: Option<i64>,
    /// A measure of the organisation's plans in force that takes it forward.
    pub measure_id: Option<i64>,
}

/// An answer as given (checked by [`kasvu_core::forum::check_answer`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSpec {
    pub status: String,
    pub response: String,
    pub reason: String,
    pub answered_role: String,
    pub answered_on: Date,
}

/// A recorded proposal with its answer, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumProposal {
    pub id: i64,
    pub team_id: i64,
    pub text: String,
    pub proposed_on: Date,
    pub source: String,
    pub meeting_id: Option<i64>,
    /// (measure id, its plan's id, the measure's names).
    pub measure: Option<(i64, i64, Names)>,
    pub status: ProposalStatus,
    pub response: String,
    pub reason: String,
    pub answered_on: Option<Date>,
    pub answered_role: String,
}

const SELECT_PROPOSALS: &str = "SELECT fp.id, fp.team_id, fp.text, fp.proposed_on, fp.source, \
     fp.meeting_id, fp.measure_id, fp.status, fp.response, fp.reason, fp.answered_on, \
     fp.answered_role, m.name_fi, m.name_sv, m.name_en, g.plan_id, p.visibility \
     FROM forum_proposals fp \
     LEFT JOIN plan_measures m ON m.id = fp.measure_id \
     LEFT JOIN plan_focus_areas f ON f.id = m.focus_area_id \
     LEFT JOIN plan_goals g ON g.id = f.goal_id \
     LEFT JOIN plans p ON p.id = g.plan_id";

fn proposal_of(r: &AnyRow) -> Result<ForumProposal> {
    let status: String = r.try_get("status")?;
    let measure_id: Option<i64> = r.try_get("measure_id")?;
    // Proposals and answers are public: a measure of a plan that is not
    // public (made internal after the link) is not named with them.
    let public_plan = r.try_get::<Option<String>, _>("visibility")?.as_deref() == Some("public");
    let measure = match measure_id {
        Some(id) if public_plan => Some((
            id,
            r.try_get::<i64, _>("plan_id")?,
            crate::support::db::names_of(r, "name")?,
        )),
        _ => None,
    };
    Ok(ForumProposal {
        id: r.try_get("id")?,
        team_id: r.try_get("team_id")?,
        text: r.try_get("text")?,
        proposed_on: date_of(&r.try_get::<String, _>("proposed_on")?)?,
        source: r.try_get("source")?,
        meeting_id: r.try_get("meeting_id")?,
        measure,
        status: ProposalStatus::parse(&status).map_err(|p| StoreError::corrupt("status", p))?,
        response: r.try_get("response")?,
        reason: r.try_get("reason")?,
        answered_on: r
            .try_get::<Option<String>, _>("answered_on")?
            .map(|d| date_of(&d))
            .transpose()?,
        answered_role: r.try_get("answered_role")?,
    })
}

/// The team, refused unless it is a forum.
async fn forum_in(conn: &mut AnyConnection, team_id: i64) -> Result<Team> {
    let team = team_in(conn, team_id).await?;
    if team.kind != TeamKind::YouthForum {
        return Err(StoreError::invalid(
            "team",
            Problem::new(
                "err-not-forum",
                "proposals are recorded by a children's or young people's forum",
            ),
        ));
    }
    Ok(team)
}

impl Store {
    /// Records a forum's proposal, waiting for its answer.
    pub async fn record_proposal(
        &self,
        actor: &Actor,
        team_id: i64,
        spec: &ProposalSpec,
        today: Date,
    ) -> Result<i64> {
        let p =
            check_proposal(&spec.text, &spec.source).map_err(|(f, p)| StoreError::invalid(f, p))?;
        if spec.proposed_on > today {
            return Err(StoreError::invalid(
                "proposed_on",
                Problem::new("err-future-date", "the day cannot be in the future"),
            ));
        }
        let mut tx = self.begin_write().await?;
        let team = forum_in(&mut tx, team_id).await?;
        if let Some(mid) = spec.meeting_id {
            let (mt, _) = meeting_team(&mut tx, mid).await?;
            if mt.id != team_id {
                return Err(StoreError::invalid(
                    "meeting",
                    Problem::new("err-meeting-team", "the meeting is not this team's"),
                ));
            }
        }
        if let Some(measure) = spec.measure_id {
            let in_force: Option<i64> = sqlx::query_scalar(
                "SELECT m.id FROM plan_measures m JOIN plan_focus_areas f ON f.id = m.focus_area_id \
                 JOIN plan_goals g ON g.id = f.goal_id JOIN plans p ON p.id = g.plan_id \
                 WHERE m.id = $1 AND p.org_id = $2 AND p.status = 'in_force' AND p.visibility = 'public'",
            )
            .bind(measure)
            .bind(team.org_id)
            .fetch_optional(&mut *tx)
            .await?;
            if in_force.is_none() {
                return Err(StoreError::invalid(
                    "measure",
                    Problem::new(
                        "err-measure-not-in-force",
                        "the measure is not in a public plan in force of the forum's organisation",
                    ),
                ));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO forum_proposals (team_id, text, proposed_on, source, meeting_id, measure_id, \
             status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(team_id)
        .bind(&p.text)
        .bind(format_date(spec.proposed_on))
        .bind(&p.source)
        .bind(spec.meeting_id)
        .bind(spec.measure_id)
        .bind(ProposalStatus::Waiting.code())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "forum_proposal",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "text": p.text, "source": p.source,
                    "proposed_on": format_date(spec.proposed_on),
                    "measure": spec.measure_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Answers a proposal, or changes its answer (in progress → done).
    pub async fn answer_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        answer: &AnswerSpec,
    ) -> Result<()> {
        let a = check_answer(
            &answer.status,
            &answer.response,
            &answer.reason,
            &answer.answered_role,
        )
        .map_err(|(f, p)| StoreError::invalid(f, p))?;
        let mut tx = self.begin_write().await?;
        let team_id: i64 = sqlx::query_scalar("SELECT team_id FROM forum_proposals WHERE id = $1")
            .bind(proposal_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("proposal {proposal_id}")))?;
        let team = forum_in(&mut tx, team_id).await?;
        let proposed_on: String =
            sqlx::query_scalar("SELECT proposed_on FROM forum_proposals WHERE id = $1")
                .bind(proposal_id)
                .fetch_one(&mut *tx)
                .await?;
        if answer.answered_on < date_of(&proposed_on)? {
            return Err(StoreError::invalid(
                "answered_on",
                Problem::new(
                    "err-answer-before-proposal",
                    "an answer cannot be dated before the proposal",
                ),
            ));
        }
        sqlx::query(
            "UPDATE forum_proposals SET status = $1, response = $2, reason = $3, answered_on = $4, \
             answered_role = $5 WHERE id = $6",
        )
        .bind(a.status.code())
        .bind(&a.response)
        .bind(&a.reason)
        .bind(format_date(answer.answered_on))
        .bind(&a.answered_role)
        .bind(proposal_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "forum_proposal",
            &proposal_id.to_string(),
            "answer",
            json!({ "status": a.status.code(), "response": a.response, "reason": a.reason,
                    "role": a.answered_role, "on": format_date(answer.answered_on) }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A forum's proposals, newest first.
    pub async fn forum_proposals(&self, team_id: i64) -> Result<Vec<ForumProposal>> {
        sqlx::query(&format!(
            "{SELECT_PROPOSALS} WHERE fp.team_id = $1 ORDER BY fp.proposed_on DESC, fp.id DESC"
        ))
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(proposal_of)
        .collect()
    }

    pub async fn forum_proposal(&self, id: i64) -> Result<Option<ForumProposal>> {
        sqlx::query(&format!("{SELECT_PROPOSALS} WHERE fp.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(proposal_of)
            .transpose()
    }
}
