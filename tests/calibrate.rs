//! The panel fit (`wfsim calibrate`): the shipped file is a fresh fit of the bundled data, a fit
//! from a year sees nothing later, and known parameters of a simulated panel are fitted back.

use std::process::Command;

use wfsim::calibrate::PanelFit;
use wfsim::dataset::{self, Dataset};

#[test]
fn the_shipped_fit_is_a_fresh_fit_of_the_bundled_data() {
    let fresh = PanelFit::fit(Dataset::embedded(), dataset::LAST_YEAR).expect("fits");
    assert_eq!(
        fresh.render(),
        wfsim::calibrate::SHIPPED,
        "data/calibration.toml is out of date: run `cargo run --release -- calibrate`"
    );
    assert_eq!(PanelFit::shipped().expect("reads"), fresh, "the file reads back to the same fit");
}

#[test]
fn a_fit_from_a_year_gives_the_same_bytes_whether_or_not_the_data_go_beyond_it() {
    for year in [2018, 2020, 2023] {
        let cut = Dataset::embedded().up_to(year);
        let full = PanelFit::fit(Dataset::embedded(), year).expect("fits").render();
        assert_eq!(full, PanelFit::fit(&cut, year).expect("fits").render(), "{year}");
    }
}

/// A standard normal from a simple generator (the test needs no more).
struct Normals(u64);

impl Normals {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn next(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[test]
fn known_levels_and_swings_of_a_simulated_panel_are_fitted_back() {
    // 600 councils over 8 years, in 3 regions. Log turnover: a council level drawn around
    // its region's, plus national years shared by every council, plus its own AR(1) years;
    // then the luck of who leaves, about Poisson (which the fit leaves to the engine).
    let (england, between_sd) = (0.15f64.ln(), 0.2);
    let (own_sd, national_sd, persistence) = (0.25f64, 0.08f64, 0.4f64);
    let growth = 0.03f64;
    let mut normals = Normals(20_241_203);
    let national: Vec<f64> = (0..8).map(|_| national_sd * normals.next()).collect();
    let header = dataset::CSV.lines().next().expect("a header");
    let mut csv = format!("{header}\n");
    let mut levels = Vec::new();
    for council in 0..600 {
        let region = council % 3;
        let level = england + between_sd * normals.next();
        levels.push(level);
        let mut own = own_sd * normals.next();
        let mut posts = 60.0 + (council % 150) as f64;
        for (year, national) in (2017..=2024).zip(&national) {
            if year > 2017 {
                own = persistence * own + own_sd * (1.0 - persistence * persistence).sqrt() * normals.next();
                posts *= 1.0 + growth;
            }
            let turnover = (level + national + own).exp();
            let fte = posts * 0.85;
            let expected = turnover * fte;
            let leavers = (expected + expected.sqrt() * normals.next()).round().max(1.0);
            csv.push_str(&format!(
                "{year},Reporting year,Local authority,E92000001,England,R{region},Region {region},{council},C{council},Council {council},{fte},{heads},10,10,{leavers},{leavers_heads},x,x,5,5,x,x,5,x,{vacancies},x,x,{fte},3000,x,x,x\n",
                heads = fte.ceil(),
                leavers_heads = leavers.round(),
                vacancies = posts * 0.15,
            ));
        }
    }
    let data = Dataset::parse(&csv).expect("the simulated panel parses");
    let fit = PanelFit::fit(&data, 2024).expect("fits");
    let v = fit.turnover.variation;
    let total_sd = (own_sd * own_sd + national_sd * national_sd).sqrt();
    assert!((v.sd - total_sd).abs() < 0.1 * total_sd, "swings sd {} against {total_sd}", v.sd);
    assert!((v.persistence - persistence).abs() < 0.15, "persistence {} against {persistence}", v.persistence);
    let share = national_sd * national_sd / (total_sd * total_sd);
    assert!((v.national_share - share).abs() < 0.1, "national share {} against {share}", v.national_share);
    assert!((fit.turnover.between_sd - between_sd).abs() < 0.05, "between {}", fit.turnover.between_sd);
    assert!((fit.establishment_growth.mean - growth).abs() < 1e-4, "growth {}", fit.establishment_growth.mean);
    // Councils' levels: shrunk estimates are closer to the truth than their own means.
    let mut own_error = 0.0;
    let mut shrunk_error = 0.0;
    for (council, level) in levels.iter().enumerate() {
        let fitted = fit.council(&format!("C{council}")).expect("each council").turnover.ln();
        shrunk_error += (fitted - level).powi(2);
        let own: f64 = (2017..=2024)
            .filter_map(|y| {
                let area = data.area(&format!("C{council}"))?;
                let f = data.figures(area, y)?;
                Some((f.value(dataset::Field::LeaversFte)? / f.value(dataset::Field::InpostFte)?).ln())
            })
            .sum::<f64>()
            / 8.0;
        own_error += (own - level).powi(2);
    }
    assert!(shrunk_error < own_error, "shrinkage helps: {shrunk_error} against {own_error}");
}

#[test]
fn staff_moving_with_their_posts_are_told_apart_from_posts_alone() {
    // 400 councils over 8 years. Each year a move of known spread changes FTE in post and
    // funded posts together (starters and leavers cancel out, so they explain none of it);
    // funded posts also swing on their own. The fit finds both spreads.
    let (moves_sd, posts_sd) = (0.05f64, 0.06f64);
    let mut normals = Normals(20_261_203);
    let header = dataset::CSV.lines().next().expect("a header");
    let mut csv = format!("{header}\n");
    for council in 0..400 {
        let (mut fte, mut posts) = (200.0f64, 280.0f64);
        for year in 2017..=2024 {
            if year > 2017 {
                let moved = moves_sd * normals.next();
                fte *= moved.exp();
                posts *= (moved + posts_sd * normals.next()).exp();
            }
            csv.push_str(&format!(
                "{year},Reporting year,Local authority,E92000001,England,R0,Region 0,{council},C{council},Council {council},{fte},{heads},10,10,10,10,x,x,5,5,x,x,5,x,{vacancies},x,x,{fte},3000,x,x,x\n",
                heads = fte.ceil(),
                vacancies = (posts - fte).max(0.0),
            ));
        }
    }
    let data = Dataset::parse(&csv).expect("the simulated panel parses");
    let fit = PanelFit::fit(&data, 2024).expect("fits");
    let moves = fit.moves_with_staff.variation.sd;
    assert!((moves - moves_sd).abs() < 0.15 * moves_sd, "moves sd {moves} against {moves_sd}");
    let posts = fit.establishment_growth.variation.sd;
    assert!((posts - posts_sd).abs() < 0.15 * posts_sd, "posts' own sd {posts} against {posts_sd}");
}

/// One council-year of a simulated panel: FTE in post, vacancy FTE and agency FTE (the
/// rest of the row fixed).
fn row(year: i32, council: usize, fte: f64, vacancies: f64, agency: f64) -> String {
    format!(
        "{year},Reporting year,Local authority,E92000001,England,R0,Region 0,{council},C{council},Council {council},{fte},{heads},10,10,10,10,x,x,{agency},{agency_heads},x,x,x,x,{vacancies},x,x,{fte},3000,x,x,x\n",
        heads = fte.ceil(),
        agency_heads = agency.ceil(),
    )
}

#[test]
fn how_agency_use_follows_vacancies_is_fitted_back() {
    // 1,000 councils over 8 years. The vacancy rate swings (AR(1) in logs); agency FTE per
    // funded post go as the vacancy rate to the power 0.6, three quarters of it that year
    // and the rest the next, times noise of its own.
    let (elasticity, same_year) = (0.6f64, 0.75f64);
    let mut normals = Normals(20_261_204);
    let header = dataset::CSV.lines().next().expect("a header");
    let mut csv = format!("{header}\n");
    for council in 0..1000 {
        let level = (0.15f64).ln() + 0.3 * normals.next();
        let cover = 0.8f64.ln() + 0.4 * normals.next();
        let mut swing = 0.3 * normals.next();
        let mut before = level + swing;
        for year in 2017..=2024 {
            swing = 0.6 * swing + 0.3 * 0.8 * normals.next();
            let rate = level + swing;
            let per_post = cover + elasticity * (same_year * rate + (1.0 - same_year) * before) + 0.05 * normals.next();
            before = rate;
            let posts = 300.0;
            let vacancies = posts * rate.exp().min(0.9);
            csv.push_str(&row(year, council, posts - vacancies, vacancies, posts * per_post.exp()));
        }
    }
    let data = Dataset::parse(&csv).expect("the simulated panel parses");
    let response = PanelFit::fit(&data, 2024).expect("fits").agency_response;
    assert!((response.elasticity - elasticity).abs() < 0.05, "elasticity {}", response.elasticity);
    assert!((response.same_year_share - same_year).abs() < 0.05, "same-year share {}", response.same_year_share);
    // A monthly adjustment over 4 months shows 76% of a change by the September return.
    assert_eq!(response.adjustment_months, 4, "same-year share {}", response.same_year_share);
    assert!((wfsim::calibrate::same_year_share_of(4) - 0.758).abs() < 0.001);
    assert_eq!(wfsim::calibrate::same_year_share_of(1), 1.0, "at once: all of it");
}

#[test]
fn the_swing_offset_that_evens_out_agency_swings_is_fitted_back() {
    // 600 councils using from almost no agency to 40% of posts, with vacancies steady: a
    // year's swing is normal in log(agency per post + 0.08), the same at every level.
    let offset = 0.08f64;
    let mut normals = Normals(20_261_205);
    let header = dataset::CSV.lines().next().expect("a header");
    let mut csv = format!("{header}\n");
    for council in 0..600 {
        let level = 0.4 * (council as f64 + 0.5) / 600.0;
        for year in 2017..=2024 {
            let per_post = ((level + offset) * (0.2 * normals.next()).exp() - offset).max(0.0);
            csv.push_str(&row(year, council, 250.0, 50.0, 300.0 * per_post));
        }
    }
    let data = Dataset::parse(&csv).expect("the simulated panel parses");
    let fit = PanelFit::fit(&data, 2024).expect("fits");
    let fitted = fit.agency_response.swing_offset;
    assert!((fitted - offset).abs() <= 0.03, "offset {fitted} against {offset}");
    // The swings, on that scale, around each council's level: about 0.2 a year.
    let sd = fit.agency_cover.variation.sd;
    assert!((sd - 0.2).abs() < 0.04, "swings sd {sd}");
}

#[test]
fn the_command_writes_the_fit_and_refuses_bad_years() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("fit.toml");
    let wfsim = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_wfsim")).args(args).output().expect("runs");
    let ok = wfsim(&["calibrate", "--year", "2021", "--out", out.to_str().expect("utf-8")]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let written = std::fs::read_to_string(&out).expect("written");
    assert_eq!(written, PanelFit::fit(Dataset::embedded(), 2021).expect("fits").render());
    for bad in ["2016", "2025", "x"] {
        let missing = dir.path().join("none.toml");
        let output = wfsim(&["calibrate", "--year", bad, "--out", missing.to_str().expect("utf-8")]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(!missing.exists());
    }
}

#[test]
fn heavy_tails_and_spreads_that_shrink_with_size_are_fitted_back() {
    // 800 councils of 40 to 1,200 funded posts over 8 years. Each year's vacancy rate is the
    // council's level plus a swing whose spread goes as posts^-0.3 and whose shape is
    // Tukey's h = 0.25 (z exp(h z^2 / 2)): mostly quiet years, the odd large one.
    let (size_slope, tail) = (-0.3f64, 0.25f64);
    let mut normals = Normals(20_261_204);
    let header = dataset::CSV.lines().next().expect("a header");
    let mut csv = format!("{header}\n");
    for council in 0..800 {
        let posts = 40.0 * 30f64.powf(council as f64 / 799.0);
        let level = 0.35 + 0.03 * normals.next();
        let sd = 0.02 * (posts / 200.0).powf(size_slope);
        for year in 2017..=2024 {
            let z = normals.next();
            let rate = (level + sd * z * (tail * z * z / 2.0).exp()).clamp(0.01, 0.9);
            csv.push_str(&row(year, council, posts * (1.0 - rate), posts * rate, posts * rate * 0.8));
        }
    }
    let data = Dataset::parse(&csv).expect("the simulated panel parses");
    let fit = PanelFit::fit(&data, 2024).expect("fits");
    let vacancy = &fit.vacancy_rate;
    assert!((vacancy.size_slope - size_slope).abs() < 0.05, "size slope {} against {size_slope}", vacancy.size_slope);
    // Deviations from a council's own mean of 8 years dilute each year's tail (by about a
    // third for this one): the fit errs toward a normal, never heavier than the truth.
    let fitted = vacancy.variation.tail;
    assert!(0.5 * tail < fitted && fitted < tail, "tail {fitted} against {tail}");
    assert!((fit.reference_posts - 40.0 * 30f64.sqrt()).abs() < 5.0, "median council {}", fit.reference_posts);
    // Swings of one spread and a normal shape: no slope, no tail.
    let mut csv = format!("{header}\n");
    for council in 0..800 {
        let posts = 40.0 * 30f64.powf(council as f64 / 799.0);
        let level = 0.35 + 0.03 * normals.next();
        for year in 2017..=2024 {
            let rate = level + 0.02 * normals.next();
            csv.push_str(&row(year, council, posts * (1.0 - rate), posts * rate, posts * rate * 0.8));
        }
    }
    let fit = PanelFit::fit(&Dataset::parse(&csv).expect("parses"), 2024).expect("fits");
    assert!(fit.vacancy_rate.size_slope.abs() < 0.05, "size slope {}", fit.vacancy_rate.size_slope);
    assert!(fit.vacancy_rate.variation.tail < 0.05, "tail {}", fit.vacancy_rate.variation.tail);
}

#[test]
fn whether_growth_lasts_is_measured_from_the_first_three_years() {
    // 600 councils, years 2017-2019 only: two growths each. Funded posts grow with an AR(1)
    // deviation from the common trend; a fit up to 2019 reads its persistence from the one
    // pair of successive growths instead of assuming it (it was 0.5 whatever the data said).
    for persistence in [0.0f64, 0.6] {
        let growth_sd = 0.08f64;
        let mut normals = Normals(20_261_205);
        let header = dataset::CSV.lines().next().expect("a header");
        let mut csv = format!("{header}\n");
        for council in 0..600 {
            let mut posts = 300.0f64;
            let mut deviation = growth_sd * normals.next();
            for year in 2017..=2019 {
                if year > 2017 {
                    posts *= (0.03 + deviation).exp();
                    deviation =
                        persistence * deviation + growth_sd * (1.0 - persistence * persistence).sqrt() * normals.next();
                }
                csv.push_str(&row(year, council, posts * 0.85, posts * 0.15, 10.0));
            }
        }
        let data = Dataset::parse(&csv).expect("the simulated panel parses");
        let fitted = PanelFit::fit(&data, 2019).expect("fits").establishment_growth.variation.persistence;
        assert!((fitted - persistence).abs() < 0.12, "persistence {fitted} against {persistence}");
    }
}

#[test]
fn one_year_blips_in_funded_posts_are_not_taken_for_growth_that_lasts() {
    // 800 councils over 8 years. Funded posts follow a random walk in logs (sd 0.05 a year);
    // each return then counts them off by a blip of its own (sd 0.03 in logs) that the next
    // return does not repeat. A year's growth spreads by sqrt(0.05^2 + 2 x 0.03^2) = 0.066;
    // the posts' own swings the engine is given are the lasting 0.05, with or without blips.
    let lasting_sd = 0.05f64;
    for blip_sd in [0.0f64, 0.03] {
        let mut normals = Normals(20_261_206);
        let header = dataset::CSV.lines().next().expect("a header");
        let mut csv = format!("{header}\n");
        for council in 0..800 {
            let mut posts = 300.0f64;
            for year in 2017..=2024 {
                if year > 2017 {
                    posts *= (0.03 + lasting_sd * normals.next()).exp();
                }
                let counted = posts * (blip_sd * normals.next()).exp();
                csv.push_str(&row(year, council, 150.0, counted - 150.0, 10.0));
            }
        }
        let data = Dataset::parse(&csv).expect("the simulated panel parses");
        let fit = PanelFit::fit(&data, 2024).expect("fits");
        let fitted = fit.establishment_growth.variation.sd;
        assert!((fitted - lasting_sd).abs() < 0.006, "blips {blip_sd}: lasting sd {fitted} against {lasting_sd}");
        assert!(fit.moves_with_staff.variation.sd < 0.01, "no staff move with posts here");
    }
}

#[test]
fn posts_that_follow_the_years_leavers_and_starters_are_fitted_back() {
    // 800 councils over 8 years. Turnover and starters per FTE swing around each council's
    // own level (sd 0.3 and 0.35 in logs, year by year); funded posts grow by 3% a year, less
    // 0.1 per unit of the turnover swing, plus 0.2 per unit of the starters swing, plus swings
    // of their own (sd 0.05). FTE in post stays at 200, so nothing moves with staff.
    let (leaving, intake) = (-0.1f64, 0.2f64);
    let mut normals = Normals(20_261_207);
    let header = dataset::CSV.lines().next().expect("a header");
    let mut csv = format!("{header}\n");
    for council in 0..800 {
        let mut posts = 300.0f64;
        let (turnover_level, starters_level) =
            (0.15 * (0.2 * normals.next()).exp(), 0.15 * (0.2 * normals.next()).exp());
        for year in 2017..=2024 {
            let (turnover_swing, starters_swing) = (0.3 * normals.next(), 0.35 * normals.next());
            if year > 2017 {
                posts *= (0.03 + leaving * turnover_swing + intake * starters_swing + 0.05 * normals.next()).exp();
            }
            let fte = 200.0;
            let leavers = fte * turnover_level * turnover_swing.exp();
            let starters = fte * starters_level * starters_swing.exp();
            csv.push_str(&format!(
                "{year},Reporting year,Local authority,E92000001,England,R0,Region 0,{council},C{council},Council {council},{fte},{fte},{starters},{starters},{leavers},{leavers},x,x,10,10,x,x,x,x,{vacancies},x,x,{fte},3000,x,x,x\n",
                vacancies = posts - fte,
            ));
        }
    }
    let data = Dataset::parse(&csv).expect("the simulated panel parses");
    let fit = PanelFit::fit(&data, 2024).expect("fits").posts_with_swings;
    assert!((fit.leaving - leaving).abs() < 0.015, "leaving {} against {leaving}", fit.leaving);
    assert!((fit.intake - intake).abs() < 0.015, "intake {} against {intake}", fit.intake);
}

#[test]
fn how_low_vacancies_go_against_a_councils_level_is_read_from_its_years() {
    // 300 councils, each with its own level (10% to 40%); over 8 years their vacancy rates
    // are the level times 0.1, 0.6, 0.8, 1, 1, 1.2, 1.4 and 1.9 (in some order; mean 1). An
    // eighth of the council-years sit at a tenth of their level, so the 2.5th percentile of
    // rate over level is 0.1.
    let ratios = [1.0, 0.1, 1.9, 0.6, 1.2, 0.8, 1.4, 1.0];
    let header = dataset::CSV.lines().next().expect("a header");
    let mut csv = format!("{header}\n");
    for council in 0..300 {
        let level = 0.1 + 0.3 * council as f64 / 299.0;
        for (i, year) in (2017..=2024).enumerate() {
            let rate = level * ratios[(i + council) % ratios.len()];
            csv.push_str(&row(year, council, 200.0 * (1.0 - rate), 200.0 * rate, 10.0));
        }
    }
    let fit = PanelFit::fit(&Dataset::parse(&csv).expect("parses"), 2024).expect("fits").vacancy_floor;
    assert!((fit.share_of_level - 0.1).abs() < 1e-4, "share of level {}", fit.share_of_level);
    assert_eq!(fit.observations, 2400);
}

#[test]
fn caseload_levels_are_read_at_the_latest_years_national_level() {
    // 300 councils over 8 years whose log caseloads are a council level, plus a national
    // level falling 0.03 a year (as England's did), plus their own noise. A council's level
    // is where it stands against the latest year, not the mean of years already left behind
    // (0.105 higher).
    let (england, between_sd, own_sd, fall) = (17.0f64.ln(), 0.1, 0.08, 0.03);
    let mut normals = Normals(20_261_204);
    let header = dataset::CSV.lines().next().expect("a header");
    let mut csv = format!("{header}\n");
    let mut levels = Vec::new();
    for council in 0..300 {
        let region = council % 3;
        let level = england + between_sd * normals.next();
        levels.push(level);
        for year in 2017..=2024 {
            let caseload = (level - fall * f64::from(year - 2017) + own_sd * normals.next()).exp();
            let cases = (100.0 * caseload).round();
            csv.push_str(&format!(
                "{year},Reporting year,Local authority,E92000001,England,R{region},Region {region},{council},C{council},Council {council},100,100,15,15,15,15,x,x,5,5,x,x,5,x,15,x,x,100,{cases},x,x,x\n",
            ));
        }
    }
    let data = Dataset::parse(&csv).expect("the simulated panel parses");
    let fit = PanelFit::fit(&data, 2024).expect("fits");
    let latest = -fall * 7.0;
    let errors: Vec<f64> = levels
        .iter()
        .enumerate()
        .map(|(council, level)| {
            let fitted = fit.council(&format!("C{council}")).and_then(|c| c.caseload).expect("each council's caseload");
            fitted.ln() - (level + latest)
        })
        .collect();
    let bias = errors.iter().sum::<f64>() / errors.len() as f64;
    // The standard error of the mean error is under 0.003.
    assert!(bias.abs() < 0.01, "levels sit {bias} in logs from the latest year's");
    let england_level = fit.caseload.england_level.ln();
    assert!((england_level - (england + latest)).abs() < 0.02, "England's level {england_level}");
}
