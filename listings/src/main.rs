//! The runner: runs any program listing of the book by name.
//!
//! ```console
//! $ cargo run -p listings -- --list
//! $ cargo run -p listings -- hello_tokio
//! ```
//!
//! One binary for every listing keeps builds fast: there is a single link step
//! instead of one per example.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag] if flag == "--list" => {
            for program in listings::programs() {
                println!("{:<32} {}", program.name, program.chapter);
            }
            ExitCode::SUCCESS
        }
        [name] if !name.starts_with('-') => match listings::find_program(name) {
            Some(program) => {
                (program.run)();
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: there is no listing named `{name}`");
                let closest = listings::closest_names(name);
                if !closest.is_empty() {
                    eprintln!("did you mean: {}?", closest.join(", "));
                }
                eprintln!(
                    "run `cargo run -p listings -- --list` to see every listing"
                );
                ExitCode::from(2)
            }
        },
        _ => {
            eprintln!("usage: cargo run -p listings -- <listing name>");
            eprintln!("       cargo run -p listings -- --list");
            ExitCode::from(2)
        }
    }
}
