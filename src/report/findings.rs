//! What a reader must not miss that figures at 30 September hide: the rest of the year
//! (vacancies are lowest at the census, when newly qualified staff have just joined), an
//! option that moves caseloads (often in the months between census dates), trainees still in
//! training when the
//! projection ends (whose effect on vacancies falls after the horizon), and more staff in post
//! than funded posts (which a vacancy rate shows as 0%). Each is a plain sentence, or none
//! when there is nothing to flag.

use super::Results;
use crate::engine::metrics::{Metric, TRAINEES_BY_ROUTE};
use crate::format::{num1, percent_half_away, whole};
use crate::stats::YearMeasure;

/// The vacancy rate over the year whose worst month is the highest (medians across runs): its
/// average and worst month against its 30 September. `None` without a whole year simulated.
pub fn whole_year_sentence(results: &Results, scenario: &str) -> Option<String> {
    let worst = results.whole_year(scenario, Metric::VacancyRate, YearMeasure::WorstMonth);
    let worst = worst
        .into_iter()
        .filter(|row| row.summary.p50.is_finite())
        .max_by(|a, b| a.summary.p50.total_cmp(&b.summary.p50).then(b.year.cmp(&a.year)))?;
    let year = worst.year;
    let average = results
        .whole_year(scenario, Metric::VacancyRate, YearMeasure::YearAverage)
        .into_iter()
        .find(|row| row.year == year)?;
    let census = results.annual(scenario, Metric::VacancyRate).into_iter().find(|row| row.year == year)?;
    // Said only where it is so: without a September intake the census is no low point.
    let higher = average.summary.p50 > census.summary.p50 + 0.0005;
    let lead = if higher { "Between census dates vacancies are higher: over" } else { "Over" };
    Some(format!(
        "{lead} the year to September {year} the vacancy rate averages {} and reaches {} in its worst month, against {} on 30 September (medians across runs).",
        percent_half_away(average.summary.p50),
        percent_half_away(worst.summary.p50),
        percent_half_away(census.summary.p50)
    ))
}

/// A median caseload gap from the baseline smaller than this (cases per FTE) is not flagged:
/// about a twentieth of a caseload of 16-18, within what a council would notice.
const CASELOAD_MOVE: f64 = 0.25;

/// Trainees (headcount, median) below this at the end are none.
const TRAINEES_LEFT: f64 = 0.5;

/// Staff in post above funded posts (FTE, medians) below this are none: rounding.
const ABOVE_POSTS: f64 = 0.5;

/// For an option: where its median caseload differs most from the baseline's, paired by
/// replication, and by how much when the projection ends; with the case shortfall (open cases
/// beyond the case holders' capacity) where that moves too. `None` for the baseline, or if the
/// gap never reaches [`CASELOAD_MOVE`].
pub fn caseload_sentence(results: &Results, scenario: &str) -> Option<String> {
    let baseline = results.baseline().filter(|baseline| *baseline != scenario)?;
    let differences = results.difference_series(scenario, Metric::AvgCaseload);
    let widest = differences
        .iter()
        .filter(|row| row.summary.p50.is_finite())
        .max_by(|a, b| a.summary.p50.abs().total_cmp(&b.summary.p50.abs()).then(b.month.cmp(&a.month)))?;
    let gap = widest.summary.p50;
    if gap.abs() < CASELOAD_MOVE {
        return None;
    }
    let median_at = |name: &str, metric: Metric| {
        results.series(name, metric).into_iter().find(|row| row.month == widest.month).map(|row| row.summary.p50)
    };
    let (option, base) = (median_at(scenario, Metric::AvgCaseload)?, median_at(baseline, Metric::AvgCaseload)?);
    let (higher, more) = if gap > 0.0 { ("higher", "more") } else { ("lower", "fewer") };
    let (low, high) = (widest.summary.p5, widest.summary.p95);
    let interval = if num1(low.abs()) == "0.0" || num1(high.abs()) == "0.0" {
        let wide = if low.abs() > high.abs() { low } else { high };
        format!("no change to {} {}", num1(wide.abs()), if wide > 0.0 { "higher" } else { "lower" })
    } else if low.signum() == high.signum() {
        format!("{} to {} {higher}", num1(low.abs().min(high.abs())), num1(low.abs().max(high.abs())))
    } else {
        format!("{} lower to {} higher", num1(-low), num1(high))
    };
    let mut sentence = format!(
        "Caseloads are {higher} than in the baseline: most in {} ({} cases per FTE against {}, a median of {} {more} per FTE; 90% interval {interval})",
        widest.date.long_label(),
        num1(option),
        num1(base),
        num1(gap.abs()),
    );
    let shortfall = results
        .difference_series(scenario, Metric::CaseShortfall)
        .into_iter()
        .find(|row| row.month == widest.month)
        .map(|row| row.summary.p50)
        .filter(|shortfall| shortfall.abs() >= 1.0);
    if let Some(shortfall) = shortfall {
        let more = if shortfall > 0.0 { "more" } else { "fewer" };
        sentence.push_str(&format!(
            ", with {} {more} open cases beyond what the case holders can take",
            whole(shortfall.abs())
        ));
    }
    if let Some(last) = differences.last().filter(|last| last.month != widest.month) {
        let end = last.summary.p50;
        sentence.push_str(&if end.abs() < 0.05 {
            format!("; by {} the gap has closed", last.date.long_label())
        } else {
            let word = if end > 0.0 { "higher" } else { "lower" };
            format!("; by {} they are {} {word}", last.date.long_label(), num1(end.abs()))
        });
    }
    sentence.push('.');
    Some(sentence)
}

/// Trainees still in training when the projection ends (medians), by route, and how much
/// longer a projection would need to show them qualify (the longest of their routes'
/// durations, from the assumptions). For an option, only when it leaves a different number
/// in training than the baseline, and by how many. `None` if there is nothing to flag.
pub fn trainees_sentence(results: &Results, scenario: &str) -> Option<String> {
    let left = |name: &str| results.series(name, Metric::Trainees).last().copied();
    let last = left(scenario)?;
    if last.summary.p50 < TRAINEES_LEFT {
        return None;
    }
    let against_baseline = match results.baseline().filter(|baseline| *baseline != scenario) {
        None => String::new(),
        Some(baseline) => {
            let difference = last.summary.p50 - left(baseline).map_or(0.0, |row| row.summary.p50);
            if difference.abs() < TRAINEES_LEFT {
                return None;
            }
            let more = if difference > 0.0 { "more" } else { "fewer" };
            format!(", {} {more} than in the baseline", whole(difference.abs()))
        }
    };
    let mut parts = Vec::new();
    let mut longest: Option<u32> = None;
    for (metric, (route, label)) in TRAINEES_BY_ROUTE.iter().zip(ROUTES) {
        let Some(row) = results.series(scenario, *metric).last().copied() else { continue };
        if row.summary.p50 < TRAINEES_LEFT {
            continue;
        }
        parts.push(format!("{} {label}", whole(row.summary.p50)));
        let parameter = format!("routes.{route}.duration_months");
        let duration = results
            .assumptions(scenario)
            .into_iter()
            .find(|row| row.parameter == parameter)
            .and_then(|row| row.value.trim().parse::<u32>().ok());
        longest = longest.max(duration);
    }
    let routes = if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) };
    let longer = match longest {
        Some(months) if months > 0 => format!(
            "; a projection {months} months longer, to {}, would show all of them qualify",
            last.date.plus(months as i32).long_label()
        ),
        _ => String::new(),
    };
    Some(format!(
        "When the projection ends, in {}, a median of {} trainees are still in training{routes}{against_baseline}: they qualify after the horizon, so their effect on vacancies is not in these figures{longer}.",
        last.date.long_label(),
        whole(last.summary.p50)
    ))
}

/// The months in which the median FTE in post is above the median of funded posts: there the
/// vacancy rate reads 0%, and the extra staff's salaries are in the costs. `None` if never.
pub fn above_posts_sentence(results: &Results, scenario: &str) -> Option<String> {
    let posts = results.series(scenario, Metric::EstablishmentFte);
    let above: Vec<(f64, f64, crate::calendar::YearMonth)> = results
        .series(scenario, Metric::FteInPost)
        .into_iter()
        .zip(posts)
        .filter(|(fte, post)| fte.month == post.month && fte.summary.p50 - post.summary.p50 >= ABOVE_POSTS)
        .map(|(fte, post)| (fte.summary.p50 - post.summary.p50, post.summary.p50, fte.date))
        .collect();
    let first = above.first()?;
    let (excess, posts_then, when) = above.iter().copied().max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(format!(
        "From {} the median FTE in post is above the funded posts (by up to {} FTE over {} posts, in {}): the vacancy rate shows 0% there, and the extra salaries are counted in the costs.",
        first.2.long_label(),
        whole(excess),
        whole(posts_then),
        when.long_label()
    ))
}

/// Each pipeline route's key in a scenario file and its trainees in words, in the order of
/// [`TRAINEES_BY_ROUTE`].
const ROUTES: [(&str, &str); 4] = [
    ("apprenticeship", "degree apprentices"),
    ("step_up", "on Step Up"),
    ("frontline", "on Frontline"),
    ("overseas", "from overseas awaiting registration"),
];
