//! Children's and young people's forums (a youth council, a children's
//! parliament, an area's young people's panel): what the young people
//! proposed and what the responsible adults answered — "you said, we did".
//! A proposal names only the forum it came from, never a child.

use crate::error::Problem;
use crate::team::parse_text;

/// The longest proposal or answer text.
pub const MAX_FORUM_TEXT: usize = 2000;
/// The longest "where it came from" or "who answered" text.
pub const MAX_FORUM_LABEL: usize = 200;

code_enum! {
    /// Where an answered proposal stands.
    ProposalStatus {
        /// Recorded, not answered yet.
        Waiting = "waiting",
        Accepted = "accepted",
        InProgress = "in_progress",
        Done = "done",
        /// Cannot be done: the answer says why.
        NotPossible = "not_possible",
    }
}

impl ProposalStatus {
    /// The statuses an answer may give (an answer is never "waiting").
    pub const ANSWERS: &'static [ProposalStatus] = &[
        ProposalStatus::Accepted,
        ProposalStatus::InProgress,
        ProposalStatus::Done,
        ProposalStatus::NotPossible,
    ];
}

/// A proposal as recorded: what was said, and at which forum session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalText {
    pub text: String,
    /// The forum session or event it came from ("Syksyn raatikokous").
    pub source: String,
}

/// Checks a proposal's texts: the proposal is required, both are bounded.
pub fn check_proposal(text: &str, source: &str) -> Result<ProposalText, (&'static str, Problem)> {
    let text = parse_text(text, MAX_FORUM_TEXT).map_err(|p| ("text", p))?;
    let source = optional_label(source).map_err(|p| ("source", p))?;
    Ok(ProposalText { text, source })
}

/// An answer to a proposal: "you said, we did".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerText {
    pub status: ProposalStatus,
    pub response: String,
    /// Why it is not possible; empty for the other statuses.
    pub reason: String,
    /// Who answered, by role ("Alueen suunnittelija"), not by name.
    pub answered_role: String,
}

/// Checks an answer: a status other than waiting, a response, the role of
/// who answers, and a reason when the proposal is not possible.
pub fn check_answer(
    status: &str,
    response: &str,
    reason: &str,
    answered_role: &str,
) -> Result<AnswerText, (&'static str, Problem)> {
    let status = ProposalStatus::parse(status).map_err(|p| ("status", p))?;
    if status == ProposalStatus::Waiting {
        return Err((
            "status",
            Problem::not_one_of(
                status.code(),
                &ProposalStatus::ANSWERS
                    .iter()
                    .map(|s| s.code())
                    .collect::<Vec<_>>(),
            ),
        ));
    }
    let response = parse_text(response, MAX_FORUM_TEXT).map_err(|p| ("response", p))?;
    let answered_role = parse_text(answered_role, MAX_FORUM_LABEL).map_err(|p| ("role", p))?;
    let reason = if status == ProposalStatus::NotPossible {
        parse_text(reason, MAX_FORUM_TEXT).map_err(|p| ("reason", p))?
    } else {
        String::new()
    };
    Ok(AnswerText {
        status,
        response,
        reason,
        answered_role,
    })
}

/// Who records a forum's proposals and answers them: the forum's adult
/// members (the young people do not sign in), and whoever manages teams at
/// the forum's unit (the area's manager and planner, the admins).
pub fn may_record_proposals(is_member: bool, manages: bool) -> bool {
    is_member || manages
}

fn optional_label(s: &str) -> Result<String, Problem> {
    if s.trim().is_empty() {
        Ok(String::new())
    } else {
        parse_text(s, MAX_FORUM_LABEL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_needs_its_text() {
        assert_eq!(check_proposal("  ", "raati").unwrap_err().0, "text");
        let p = check_proposal(" Lisää penkkejä ", "").unwrap();
        assert_eq!(p.text, "Lisää penkkejä");
        assert_eq!(p.source, "");
        let long = "x".repeat(MAX_FORUM_LABEL + 1);
        assert_eq!(check_proposal("a", &long).unwrap_err().0, "source");
    }

    #[test]
    fn an_answer_needs_a_status_a_response_a_role_and_a_reason_when_refused() {
        assert_eq!(
            check_answer("waiting", "x", "", "r").unwrap_err().0,
            "status"
        );
        assert_eq!(check_answer("maybe", "x", "", "r").unwrap_err().0, "status");
        assert_eq!(
            check_answer("done", " ", "", "r").unwrap_err().0,
            "response"
        );
        assert_eq!(check_answer("done", "x", "", "").unwrap_err().0, "role");
        assert_eq!(
            check_answer("not_possible", "x", " ", "r").unwrap_err().0,
            "reason"
        );
        let a = check_answer("not_possible", "Ei", "Ei rahaa", "Suunnittelija").unwrap();
        assert_eq!(a.status, ProposalStatus::NotPossible);
        assert_eq!(a.reason, "Ei rahaa");
        let a = check_answer("done", "Tehty", "unused", "Suunnittelija").unwrap();
        assert_eq!(a.reason, "", "a reason only for what is not possible");
    }
}
