//! Families' public pages: hobbies, the calendar, meeting places, the wish
//! form, the staff's activity forms, and Linked Events-shaped events.

pub(crate) mod api;
pub(crate) mod breaks;
pub(crate) mod calendar;
pub(crate) mod cards;
pub(crate) mod forms;
pub(crate) mod hobbies;
pub(crate) mod home;
pub(crate) mod page_cache;
pub(crate) mod places;
pub(crate) mod site;
pub(crate) mod wishes;

/// Wishes shown as text only from this many on (feedback shows them too).
pub(crate) use forms::approves_at as approves_activity_at;
pub use page_cache::PageCache;
pub(crate) use site::MIN_WISHES_FOR_TEXT;
pub use site::{TreeCache, MAX_WISHES_PER_CLIENT};

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/", get(home::home))
        .route("/o/{code}", get(home::org_home))
        .route("/families", get(hobbies::families))
        .route("/hobbies", get(hobbies::hobbies))
        .route("/calendar", get(calendar::calendar))
        .route("/calendar.ics", get(calendar::calendar_feed))
        .route("/places", get(places::places))
        .route("/places/{code}", get(places::place))
        .route("/wish", get(wishes::wish_form).post(wishes::send_wish))
        .route("/activities/manage", get(forms::manage))
        .route("/activities/edit", get(forms::edit))
        .route("/activities/save", post(forms::save))
        .route("/activities/guidance", post(forms::set_guidance))
        .route("/activities/breaks", post(breaks::add))
        .route("/activities/breaks/remove", post(breaks::remove))
        .route("/activities/{id}", get(hobbies::activity))
        .route(
            "/activities/{id}/calendar.ics",
            get(calendar::activity_feed),
        )
        .route("/activities/{id}/status", post(forms::set_status))
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route("/events", get(api::list_events))
        .route("/events/{id}", get(api::get_event))
        .route("/places", get(api::list_places))
        .route("/places/{code}", get(api::get_place))
}

/// Why a weekly session is not held on a day, for people: a holiday's name
/// in the page's language, a break's name as its organiser wrote it.
pub(crate) fn day_off_text(
    ctx: &crate::support::ctx::Ctx,
    why: &kasvu_core::activity::DayOff,
) -> crate::support::format::LText {
    match why {
        kasvu_core::activity::DayOff::Holiday(h) => crate::support::format::LText {
            text: ctx.t(&format!("holiday-{}", h.code())),
            lang: ctx.lang_code(),
            foreign: false,
        },
        kasvu_core::activity::DayOff::Break(name) => crate::support::format::LText {
            text: name.clone(),
            lang: "fi",
            foreign: ctx.lang_code() != "fi",
        },
    }
}
