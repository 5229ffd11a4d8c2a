//! Prints the functions and findings of files: `cargo run --example dump -- FILE...`.
fn main() {
    for path in std::env::args().skip(1) {
        let Some(lang) = cairn_analysis::Language::from_path(path.as_ref()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let a = cairn_analysis::analyze(&text, lang, &cairn_analysis::Config::default());
        for f in &a.functions {
            println!(
                "{path}:{}-{} {} ccn={} cog={} nest={} params={} nloc={}",
                f.start_line,
                f.end_line,
                f.name,
                f.cyclomatic,
                f.cognitive,
                f.nesting,
                f.params,
                f.lines
            );
        }
        for d in &a.findings {
            println!(
                "  {}:{} {} {}",
                d.span.start.line + 1,
                d.span.start.column + 1,
                d.rule,
                d.message
            );
        }
        println!("  {:?}", a.metrics);
    }
}
