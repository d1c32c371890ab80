//! Leadership teams and their monthly situation room: teams, meetings,
//! commitments, calendars, and the learning network between organisations
//! (`learning_network`, not to be confused with the collaboration map).

pub(crate) mod api;
pub(crate) mod backbone;
pub(crate) mod calendar;
pub(crate) mod commitments;
pub(crate) mod events;
pub(crate) mod forums;
pub(crate) mod guests;
pub(crate) mod learning_network;
pub(crate) mod meetings;
pub(crate) mod room;
pub(crate) mod team;
pub(crate) mod team_page;

pub(crate) use commitments::{commitments_of, MyCommitments};

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/teams", get(team::teams).post(team::create_team))
        .route(
            "/teams/{id}",
            get(team_page::team).post(team_page::update_team),
        )
        .route("/teams/{id}/members", post(team_page::add_member))
        .route(
            "/teams/{id}/members/{user_id}/remove",
            post(team_page::remove_member),
        )
        .route("/teams/{id}/guests", post(guests::add_guest))
        .route("/teams/{id}/guests/{guest_id}", post(guests::update_guest))
        .route(
            "/teams/{id}/guests/{guest_id}/remove",
            post(guests::remove_guest),
        )
        .route("/meetings/{id}/guest-mail", post(guests::mail_guests))
        .route("/teams/{id}/work", get(backbone::work))
        .route("/teams/{id}/actions", post(backbone::add_action))
        .route(
            "/teams/{id}/actions/{action_id}",
            post(backbone::update_action),
        )
        .route(
            "/teams/{id}/actions/{action_id}/remove",
            post(backbone::remove_action),
        )
        .route("/teams/{id}/bulletins", post(backbone::publish_bulletin))
        .route(
            "/teams/{id}/bulletins/{bulletin_id}/remove",
            post(backbone::remove_bulletin),
        )
        .route("/teams/{id}/events", post(events::add_event))
        .route("/teams/{id}/events/{event_id}", get(events::event_page))
        .route(
            "/teams/{id}/events/{event_id}/register",
            post(events::register),
        )
        .route(
            "/teams/{id}/events/{event_id}/participants",
            post(events::add_participant),
        )
        .route(
            "/teams/{id}/events/{event_id}/participants/{participant_id}/remove",
            post(events::unregister),
        )
        .route(
            "/teams/{id}/events/{event_id}/attendance",
            post(events::attendance),
        )
        .route("/teams/{id}/events/{event_id}/cancel", post(events::cancel))
        .route("/teams/{id}/meetings", post(team_page::plan_meeting))
        .route("/teams/{id}/calendar.ics", get(calendar::team_calendar))
        .route("/teams/{id}/room", get(room::room))
        .route("/teams/{id}/network", get(learning_network::network))
        .route(
            "/teams/{id}/network/share",
            post(learning_network::set_share),
        )
        .route(
            "/teams/{id}/network/participants",
            post(learning_network::add_participant),
        )
        .route("/meetings/{id}", get(meetings::meeting))
        .route("/meetings/{id}/agenda", post(meetings::add_agenda_item))
        .route("/meetings/{id}/record", post(meetings::record_meeting))
        .route("/meetings/{id}/decisions", post(meetings::add_decision))
        .route(
            "/meetings/{id}/commitments",
            post(commitments::make_commitment),
        )
        .route(
            "/commitments/{id}/review",
            post(commitments::review_commitment),
        )
        .route("/my/commitments", get(commitments::my_commitments))
        .route("/my/calendar.ics", get(calendar::my_calendar))
        .route("/forums", get(forums::forums))
        .route("/forums/{id}", get(forums::forum_page))
        .route("/forums/{id}/proposals", post(forums::record_proposal))
        .route(
            "/forums/{id}/proposals/{proposal_id}/answer",
            post(forums::answer_proposal),
        )
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route("/teams", get(api::list_teams))
        .route("/teams/{id}", get(api::get_team))
        .route("/teams/{id}/meetings", get(api::list_meetings))
        .route(
            "/teams/{id}/commitments",
            get(api::team_commitments).post(api::make_commitment),
        )
        .route("/me/commitments", get(api::my_commitments))
        .route(
            "/commitments/{id}/review",
            crate::support::routes::post(api::review_commitment),
        )
        .route("/teams/{id}/network", get(learning_network::network_api))
}
