//! What the headline figure of a unit with sub-units is made of: its own
//! reported figure or its sub-units' sum with coverage (issue 19).

use crate::support::ctx::Ctx;
use crate::support::error::AppError;
use crate::support::format::{format_value, period_label};
use crate::AppState;
use kasvu_core::measure::Source;
use kasvu_core::Period;
use kasvu_store::Breakdown;

/// What the headline figure of a unit with sub-units is: its own reported
/// figure (then staff also see the sub-units' sum beside it) or their sum
/// with its coverage — provisional while some sub-units expected to have a
/// figure have none. Empty for a unit without sub-units.
pub(super) async fn figure_notes(
    st: &AppState,
    ctx: &Ctx,
    ind: &kasvu_store::Indicator,
    unit_id: i64,
    period: Period,
    served: &kasvu_store::Observation,
) -> Result<FigureNotes, AppError> {
    let Some(summed) = st
        .store
        .summed_figure(ind, unit_id, period, &Breakdown::total())
        .await?
    else {
        return Ok(FigureNotes::default());
    };
    let lang = ctx.lang;
    let args = [
        ("period", period_label(lang, period)),
        ("reporting", summed.reporting.to_string()),
        ("units", summed.units.to_string()),
    ];
    let source = ctx
        .lang
        .t_args(&format!("figure-{}", served.source.code()), &args);
    let beside = if served.source == Source::Summed || ctx.user.is_none() {
        String::new()
    } else if summed.suppressed {
        ctx.t("figure-summed-hidden")
    } else if let Some(v) = summed.value {
        let mut args = args.to_vec();
        args.push(("value", format_value(lang, ind.spec.unit, v)));
        ctx.lang.t_args("figure-summed-beside", &args)
    } else {
        String::new()
    };
    Ok(FigureNotes {
        source,
        beside,
        // A sum while some expected sub-units have no figure yet.
        provisional: served.source != Source::Reported && summed.reporting < summed.units,
    })
}

#[derive(Default)]
pub(super) struct FigureNotes {
    pub(super) source: String,
    pub(super) beside: String,
    pub(super) provisional: bool,
}
