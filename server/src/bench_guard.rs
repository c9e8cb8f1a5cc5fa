//! The benchmark as a regression guard (`server bench --baseline FILE`).
//!
//! CI runs every bench scenario on a small generated data set and compares
//! each scenario's app p50 with the one written down in `bench/ci-baseline.json`
//! (by `--write-baseline`, on this kind of machine, with the same build).
//! A scenario fails the run when it errors (a broken statement), when it is
//! `factor` times slower than its baseline (ten by default: a lost index,
//! a query per row), or when the file and the bench no longer name the same
//! scenarios (a renamed or new scenario needs its baseline).
//!
//! This is a coarse net, not a measurement: the numbers in the README come
//! from the full data set. Below [`FLOOR_MS`] a baseline counts as the floor,
//! so that timer and scheduler noise on sub-millisecond calls cannot fail it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// A baseline at or below this many milliseconds counts as this many.
pub const FLOOR_MS: f64 = 2.0;

/// Each scenario's app p50, in milliseconds, as measured when written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    /// How the numbers were taken (build, data set, machine, date).
    pub taken: String,
    /// Scenario name → app p50 in milliseconds.
    pub app_p50_ms: BTreeMap<String, f64>,
}

impl Baseline {
    /// The baseline of `measured` (scenario name, app p50).
    pub fn of(taken: String, measured: &[(String, Duration)]) -> Baseline {
        Baseline {
            taken,
            app_p50_ms: measured
                .iter()
                .map(|(name, d)| (name.clone(), round2(d.as_secs_f64() * 1000.0)))
                .collect(),
        }
    }

    pub fn read(path: &Path) -> anyhow::Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the baseline {}: {e}", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    }

    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text)?;
        Ok(())
    }

    /// What is wrong with `measured` against this baseline: each scenario
    /// more than `factor` times slower, each measured one without a
    /// baseline, and each baseline whose scenario was `chosen` but not
    /// measured. Empty when all is well.
    pub fn regressions(
        &self,
        measured: &[(String, Duration)],
        factor: f64,
        chosen: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut found = Vec::new();
        for (name, took) in measured {
            let now = took.as_secs_f64() * 1000.0;
            match self.app_p50_ms.get(name) {
                None => found.push(format!(
                    "{name}: no baseline (write one with `server bench --write-baseline`)"
                )),
                Some(&base) => {
                    let limit = factor * base.max(FLOOR_MS);
                    if now > limit {
                        found.push(format!(
                            "{name}: app p50 {now:.2} ms, more than {factor}× its baseline of \
                             {base:.2} ms (limit {limit:.2} ms)"
                        ));
                    }
                }
            }
        }
        for name in self.app_p50_ms.keys() {
            if chosen(name) && !measured.iter().any(|(m, _)| m == name) {
                found.push(format!("{name}: in the baseline but not measured"));
            }
        }
        found
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(x: u64) -> Duration {
        Duration::from_millis(x)
    }

    fn baseline() -> Baseline {
        Baseline::of(
            "test".into(),
            &[
                ("list".into(), ms(5)),
                ("search".into(), Duration::from_micros(300)),
            ],
        )
    }

    #[test]
    fn a_scenario_within_the_factor_passes() {
        let b = baseline();
        let now = [("list".into(), ms(49)), ("search".into(), ms(19))];
        assert!(b.regressions(&now, 10.0, |_| true).is_empty());
    }

    #[test]
    fn a_tenfold_slower_scenario_fails_and_says_by_how_much() {
        let b = baseline();
        let now = [("list".into(), ms(51)), ("search".into(), ms(1))];
        let found = b.regressions(&now, 10.0, |_| true);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("list: app p50 51.00 ms"), "{found:?}");
        assert!(found[0].contains("baseline of 5.00 ms"), "{found:?}");
    }

    #[test]
    fn a_sub_millisecond_baseline_counts_as_the_floor() {
        let b = baseline();
        // 0.3 ms × 10 would be 3 ms; the floor makes it 20 ms.
        let within = [("list".into(), ms(5)), ("search".into(), ms(19))];
        assert!(b.regressions(&within, 10.0, |_| true).is_empty());
        let beyond = [("list".into(), ms(5)), ("search".into(), ms(21))];
        assert_eq!(b.regressions(&beyond, 10.0, |_| true).len(), 1);
    }

    #[test]
    fn new_and_missing_scenarios_fail_unless_left_out_on_purpose() {
        let b = baseline();
        let now = [("list".into(), ms(5)), ("board".into(), ms(5))];
        let found = b.regressions(&now, 10.0, |_| true);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("board: no baseline"), "{found:?}");
        assert!(found[1].starts_with("search: in the baseline but not measured"));
        // `--only list`: the search was not chosen, so not missing.
        let only = [("list".into(), ms(5))];
        assert!(b.regressions(&only, 10.0, |n| n == "list").is_empty());
    }

    #[test]
    fn a_baseline_survives_its_file() {
        let dir = std::env::temp_dir().join(format!("relais-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("baseline.json");
        let b = baseline();
        b.write(&path).unwrap();
        assert_eq!(Baseline::read(&path).unwrap(), b);
        assert_eq!(b.app_p50_ms["search"], 0.3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
