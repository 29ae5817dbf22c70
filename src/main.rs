//! The `wfsim` binary: everything lives in the library (`wfsim::cli`), so that it can be
//! tested and documented in one place.

fn main() -> std::process::ExitCode {
    wfsim::cli::main()
}
