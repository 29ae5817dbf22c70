//! Numbers as people read them: percentages and thousands separators, written one way for
//! every command's messages and files.
//!
//! Two roundings live here. `format!("{:.1}")` rounds the exact binary value, ties to even
//! ([`percent`]); the report rounds the scaled value half away from zero
//! ([`percent_half_away`], [`pounds_short`]), so that a figure and the differences it is
//! compared by agree as shown. Each keeps its own: changing one would change the files.

/// A fraction as a percentage with one decimal: 0.1234 is "12.3%"; "n/a" for a value that is
/// not a number.
pub fn percent(fraction: f64) -> String {
    if fraction.is_finite() { format!("{:.1}%", fraction * 100.0) } else { "n/a".to_string() }
}

/// A fraction in tenths of a percentage point, rounded half away from zero: 0.0705 is 71
/// (7.1%).
pub fn percent_tenths(fraction: f64) -> i64 {
    (fraction * 1000.0).round() as i64
}

/// Tenths as a decimal with one place: 71 is "7.1", -5 is "-0.5".
pub fn tenths_as_decimal(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    // `unsigned_abs`: a result file may hold a number whose tenths are i64::MIN.
    format!("{sign}{}.{}", tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10)
}

/// A fraction as a percentage with one decimal, rounded half away from zero as the report
/// rounds ([`percent_tenths`]): 0.0705 is "7.1%", 0.0125 is "1.3%" (where [`percent`] gives
/// "1.2%"); "n/a" for a value that is not a number.
pub fn percent_half_away(fraction: f64) -> String {
    if fraction.is_finite() { format!("{}%", tenths_as_decimal(percent_tenths(fraction))) } else { "n/a".to_string() }
}

/// A fraction as a whole percentage: 0.934 is "93%".
pub fn whole_percent(fraction: f64) -> String {
    format!("{:.0}%", 100.0 * fraction)
}

/// Whole pounds with thousands separators: `-£1,234,567`, `£0`; "n/a" for a value that is
/// not a number.
pub fn pounds(amount: f64) -> String {
    if !amount.is_finite() {
        return "n/a".to_string();
    }
    let rounded = amount.round();
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}£{}", thousands(rounded.abs() as u64))
}

/// Pounds rounded (half away from zero) to a readable unit, as the report shows money:
/// "£27.4m" (millions, one decimal) from £999,500, "£350k" (thousands) from £9,999.50,
/// "£4,246" (whole pounds) below; a minus sign (−) before a negative amount. "n/a" for a value
/// that is not a number.
pub fn pounds_short(amount: f64) -> String {
    if !amount.is_finite() {
        return "n/a".to_string();
    }
    let magnitude = amount.abs();
    let body = if (magnitude / 1e3).round() >= 1000.0 {
        let tenths = (magnitude / 1e5).round() as u64;
        format!("£{}.{}m", thousands(tenths / 10), tenths % 10)
    } else if magnitude.round() >= 10_000.0 {
        format!("£{}k", (magnitude / 1e3).round() as u64)
    } else {
        format!("£{}", thousands(magnitude.round() as u64))
    };
    if amount < 0.0 && body != "£0" { format!("\u{2212}{body}") } else { body }
}

/// The digits of a whole number grouped in threes: 4271 is "4,271", 1234567 is "1,234,567".
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// A value rounded to a whole number, grouped in threes, with a leading "-" if negative and
/// not rounded to 0: -4271.4 is "-4,271".
pub fn signed_thousands(value: f64) -> String {
    let rounded = value.round();
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}{}", thousands(rounded.abs() as u64))
}

/// A number with one decimal: 362.84 is "362.8"; "n/a" for a value that is not a number.
pub fn num1(value: f64) -> String {
    if value.is_finite() { tenths_as_decimal((value * 10.0).round() as i64) } else { "n/a".to_string() }
}

/// A whole number with thousands separators and a minus sign (−) if negative and not rounded
/// to 0: "1,234", "−12"; "n/a" for a value that is not a number.
pub fn whole(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let rounded = value.abs().round() as u64;
    let sign = if value < 0.0 && rounded > 0 { "\u{2212}" } else { "" };
    format!("{sign}{}", thousands(rounded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_one_decimal_and_say_when_there_is_none() {
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(f64::NAN), "n/a");
        assert_eq!(percent(f64::INFINITY), "n/a");
    }

    #[test]
    fn pounds_are_grouped_and_whole_percentages_rounded() {
        assert_eq!(pounds(0.0), "£0");
        assert_eq!(pounds(-0.4), "£0");
        assert_eq!(pounds(999.6), "£1,000");
        assert_eq!(pounds(-1_234_567.0), "-£1,234,567");
        assert_eq!(pounds(f64::NAN), "n/a");
        assert_eq!(whole_percent(0.934), "93%");
        assert_eq!(whole_percent(0.5), "50%");
    }

    #[test]
    fn the_report_rounds_half_away_from_zero() {
        assert_eq!(percent_half_away(0.0705), "7.1%");
        assert_eq!(percent_half_away(0.0125), "1.3%");
        assert_eq!(percent(0.0125), "1.2%");
        assert_eq!(percent_half_away(-0.0005), "-0.1%");
        assert_eq!(percent_half_away(0.0), "0.0%");
        assert_eq!(percent_half_away(f64::NAN), "n/a");
        assert_eq!(tenths_as_decimal(i64::MIN), "-922337203685477580.8");
    }

    #[test]
    fn money_is_rounded_to_a_readable_unit() {
        assert_eq!(pounds_short(27_443_087.99), "£27.4m");
        assert_eq!(pounds_short(143_032_702.3), "£143.0m");
        assert_eq!(pounds_short(1_234_567_890.0), "£1,234.6m");
        assert_eq!(pounds_short(999_499.0), "£999k");
        assert_eq!(pounds_short(999_500.0), "£1.0m");
        assert_eq!(pounds_short(63_586.88), "£64k");
        assert_eq!(pounds_short(9_999.49), "£9,999");
        assert_eq!(pounds_short(9_999.5), "£10k");
        assert_eq!(pounds_short(714.2), "£714");
        assert_eq!(pounds_short(-2_143_604.4), "\u{2212}£2.1m");
        assert_eq!(pounds_short(-0.000_000_004), "£0");
        assert_eq!(pounds_short(f64::NAN), "n/a");
    }

    #[test]
    fn thousands_are_grouped_in_threes() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(4271), "4,271");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(signed_thousands(-4271.4), "-4,271");
        assert_eq!(signed_thousands(-0.4), "0");
        assert_eq!(signed_thousands(12_345.5), "12,346");
    }
}
