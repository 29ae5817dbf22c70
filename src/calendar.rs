//! Calendar months and financial years. The engine steps one calendar month at a time;
//! scenario files name months as `"YYYY-MM"` strings, and outputs date every row the same way.
//! Costs are added up by financial year (April to March), written `2024-25`.

use std::fmt;

/// A calendar month, e.g. October 2024. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Months since January of year 0, so that differences are plain subtraction.
    index: i32,
}

impl YearMonth {
    /// The last month that can be written as "YYYY-MM": December 9999.
    pub const LAST_DATABLE: YearMonth = YearMonth { index: 9999 * 12 + 11 };

    /// `month` is 1 (January) to 12 (December).
    pub fn new(year: i32, month: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
            return None;
        }
        Some(YearMonth { index: year * 12 + month as i32 - 1 })
    }

    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    /// 1 (January) to 12 (December).
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12) as u32 + 1
    }

    /// The month `months` later (or earlier, if negative). Saturating, so that an absurd
    /// offset read from a file (a results manifest's `months`) gives an absurd month, not an
    /// overflow.
    pub fn plus(self, months: i32) -> Self {
        YearMonth { index: self.index.saturating_add(months) }
    }

    /// Whole months from `earlier` to `self` (negative if `self` is earlier), saturating.
    pub fn months_since(self, earlier: YearMonth) -> i32 {
        self.index.saturating_sub(earlier.index)
    }

    /// The financial year (April to March) this month falls in: March 2025 is in 2024-25,
    /// April 2025 in 2025-26.
    pub fn financial_year(self) -> FinancialYear {
        FinancialYear { start_year: if self.month() >= 4 { self.year() } else { self.year() - 1 } }
    }
}

/// A financial year, April to March, named as council budgets name it: `2024-25` is April
/// 2024 to March 2025. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear {
    /// The year its April falls in: 2024 for 2024-25.
    pub start_year: i32,
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.start_year, (self.start_year + 1).rem_euclid(100))
    }
}

impl std::str::FromStr for FinancialYear {
    type Err = String;

    /// `2024-25`: four digits, a hyphen and the next year's last two; anything else refused.
    fn from_str(label: &str) -> Result<Self, Self::Err> {
        let expected = || format!("expected a financial year such as 2024-25, got {label:?}");
        let (first, second) = label.split_once('-').ok_or_else(expected)?;
        if first.len() != 4 || second.len() != 2 || !label.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err(expected());
        }
        let start_year: i32 = first.parse().map_err(|_| expected())?;
        let next: i32 = second.parse().map_err(|_| expected())?;
        if next != (start_year + 1) % 100 {
            return Err(expected());
        }
        Ok(FinancialYear { start_year })
    }
}

/// English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl YearMonth {
    /// The month's English name: "September".
    pub fn month_name(self) -> &'static str {
        MONTH_NAMES[self.month() as usize - 1]
    }

    /// For readers: "September 2029".
    pub fn long_label(self) -> String {
        format!("{} {}", self.month_name(), self.year())
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl std::str::FromStr for YearMonth {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || format!("expected a month as \"YYYY-MM\" (for example \"2024-10\"), got {text:?}");
        let (year, month) = text.split_once('-').ok_or_else(expected)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(expected());
        }
        let year: i32 = year.parse().map_err(|_| expected())?;
        let month: u32 = month.parse().map_err(|_| expected())?;
        YearMonth::new(year, month).ok_or_else(expected)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<YearMonth> for String {
    fn from(month: YearMonth) -> String {
        month.to_string()
    }
}

impl<'de> serde::Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_datable_month_is_december_9999_and_the_next_is_not() {
        assert_eq!(Some(YearMonth::LAST_DATABLE), YearMonth::new(9999, 12));
        let next = YearMonth::LAST_DATABLE.plus(1);
        assert_eq!(YearMonth::new(next.year(), next.month()), None);
    }

    #[test]
    fn parses_formats_and_counts() {
        let october: YearMonth = "2024-10".parse().unwrap();
        assert_eq!((october.year(), october.month()), (2024, 10));
        assert_eq!(october.plus(3).to_string(), "2025-01");
        assert_eq!(october.plus(-10).to_string(), "2023-12");
        assert_eq!(october.plus(15).months_since(october), 15);
        assert_eq!("2025-03".parse::<YearMonth>().unwrap().financial_year().start_year, 2024);
        assert_eq!("2025-04".parse::<YearMonth>().unwrap().financial_year().start_year, 2025);
        assert_eq!(october.long_label(), "October 2024");
        assert_eq!(october.plus(3).month_name(), "January");
    }

    #[test]
    fn financial_years_are_written_and_read_like_budgets() {
        let year = |start_year| FinancialYear { start_year };
        assert_eq!(year(2024).to_string(), "2024-25");
        assert_eq!(year(2099).to_string(), "2099-00");
        assert_eq!("2024-25".parse(), Ok(year(2024)));
        assert_eq!("2099-00".parse(), Ok(year(2099)));
        for bad in ["2024-26", "total", "+024-25", "2024", "2024-2025", ""] {
            assert!(bad.parse::<FinancialYear>().is_err(), "{bad} should be rejected");
        }
        assert!(year(2024) < year(2025));
    }

    #[test]
    fn rejects_malformed_months() {
        for bad in ["2024-13", "2024-00", "24-10", "2024/10", "2024-1", "October", ""] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad} should be rejected");
        }
    }
}
