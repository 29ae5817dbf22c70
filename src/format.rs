//! Numbers as people read them: percentages and thousands separators, written one way for
//! every command's messages and files (the report's own rounding rules stay in the report).

/// A fraction as a percentage with one decimal: 0.1234 is "12.3%"; "n/a" for a value that is
/// not a number.
pub fn percent(fraction: f64) -> String {
    if fraction.is_finite() { format!("{:.1}%", fraction * 100.0) } else { "n/a".to_string() }
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
