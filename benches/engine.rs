//! Engine throughput: worker-months simulated per second on the shipped baseline, beside a
//! floor that only draws one random number per worker-month with the same generator.
//!
//! Run with `cargo bench --bench engine`; criterion prints the throughput as elements per
//! second, one element being one worker-month.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wfsim::engine::metrics::{COUNT, Metric};
use wfsim::engine::rng::{Key, Process};
use wfsim::engine::{Model, simulate};

const MONTHS: u32 = 60;
const REPLICATIONS: u64 = 20;

fn baseline() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let scenario = wfsim::scenario::load(&path).expect("the shipped baseline loads");
    Model::build(&scenario)
}

/// Worker-months in the replications benchmarked (months 1 to MONTHS, headcount in post).
fn worker_months(model: &Model) -> u64 {
    let mut out = vec![0.0; (MONTHS as usize + 1) * COUNT];
    (0..REPLICATIONS)
        .map(|rep| {
            simulate(model, 1, rep, MONTHS, &mut out);
            (1..=MONTHS as usize).map(|m| out[m * COUNT + Metric::Headcount.index()]).sum::<f64>() as u64
        })
        .sum()
}

fn engine(c: &mut Criterion) {
    let model = baseline();
    let elements = worker_months(&model);
    let mut group = c.benchmark_group("baseline");
    group.throughput(Throughput::Elements(elements));
    group.bench_function("simulate 20 replications x 60 months", |b| {
        let mut out = vec![0.0; (MONTHS as usize + 1) * COUNT];
        b.iter(|| {
            for rep in 0..REPLICATIONS {
                simulate(black_box(&model), 1, rep, MONTHS, &mut out);
            }
            black_box(&out);
        })
    });
    group.bench_function("floor: one draw per worker-month", |b| {
        let per_rep_workers = elements / REPLICATIONS / MONTHS as u64;
        b.iter(|| {
            let mut total = 0.0;
            for rep in 0..REPLICATIONS {
                let stream = Key::replication(1, rep).process(Process::Leaving);
                for worker in 0..per_rep_workers {
                    let key = stream.child(worker);
                    for month in 1..=MONTHS as u64 {
                        total += key.uniform(month);
                    }
                }
            }
            black_box(total)
        })
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
