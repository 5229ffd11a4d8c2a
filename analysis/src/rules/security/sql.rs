//! `security/sql-injection`: a query built by formatting or concatenation is executed.
//!
//! A query counts when the argument itself is built (`execute(f"... {x}")`) or is a local
//! variable last assigned such a string a few statements earlier in the same block
//! (`q = "..." + x` then `execute(q)`). The text must look like SQL, which keeps generic
//! method names (`query`, `exec`, `run`) quiet on other strings.

use std::sync::LazyLock;

use regex::Regex;
use tree_sitter::Node;

use super::Scan;
use super::calls::Call;
use super::syntax::{self, Built};
use crate::language::Language;
use crate::rules::Rule;

static SQL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)\b(?:select\b.+?\bfrom|insert\s+(?:or\s+\w+\s+)?into|update\s+\S+\s+set|delete\s+from|replace\s+into|(?:create|drop|alter)\s+(?:table|index|view|database|schema)|truncate\s+table|merge\s+into|where\s+\S+\s*(?:=|<|>|like\b|in\b|is\b)|order\s+by|group\s+by|values\s*\(|pragma\s+\w+)",
    )
    .expect("SQL pattern is valid")
});

/// Python methods that run or build a query (`text` only as SQLAlchemy's).
pub(crate) fn is_python_name(name: &str) -> bool {
    matches!(
        name,
        "execute"
            | "executemany"
            | "executescript"
            | "raw"
            | "read_sql"
            | "read_sql_query"
            | "exec_driver_sql"
            | "mogrify"
            | "text"
    )
}

pub(crate) fn python(scan: &mut Scan, call: &Call) {
    let name = call.name;
    let sink = match name {
        "text" => matches!(
            call.path(scan).as_str(),
            "sqlalchemy.text" | "sqlalchemy.sql.text" | "sqlalchemy.sql.expression.text"
        ),
        _ => is_python_name(name),
    };
    if !sink {
        return;
    }
    let Some(query) = call
        .arg(0)
        .or_else(|| call.keyword_value(scan, "sql"))
        .or_else(|| call.keyword_value(scan, "query"))
    else {
        return;
    };
    let advice = match name {
        "text" => {
            "use bound parameters (`text(\"... WHERE id = :id\")` executed with `{\"id\": id}`)"
        }
        "read_sql" | "read_sql_query" => "pass the values with `params=`",
        "raw" => "pass the values as `params` (`raw(\"... WHERE id = %s\", [id])`)",
        _ => "pass the values as parameters (`execute(\"... WHERE id = %s\", (id,))`)",
    };
    check(scan, call, query, advice);
}

pub(crate) fn is_javascript_name(name: &str) -> bool {
    matches!(
        name,
        "query"
            | "execute"
            | "raw"
            | "$queryRawUnsafe"
            | "$executeRawUnsafe"
            | "exec"
            | "run"
            | "all"
            | "get"
            | "each"
            | "prepare"
            | "unsafe"
    )
}

pub(crate) fn javascript(scan: &mut Scan, call: &Call) {
    if call.receiver.is_some() && is_javascript_name(call.name) {
        check_arg(
            scan,
            call,
            0,
            "use placeholders and pass the values separately (`query(\"... WHERE id = $1\", [id])`)",
        );
    }
}

/// Which argument of a Go database method is the query.
pub(crate) fn go_query_index(name: &str) -> Option<usize> {
    match name {
        "Query" | "QueryRow" | "Exec" | "Prepare" | "Raw" => Some(0),
        "QueryContext" | "QueryRowContext" | "ExecContext" | "PrepareContext" => Some(1),
        _ => None,
    }
}

pub(crate) fn go(scan: &mut Scan, call: &Call) {
    let Some(index) = go_query_index(call.name) else {
        return;
    };
    if call.receiver.is_some() {
        check_arg(
            scan,
            call,
            index,
            "use placeholders and pass the values as arguments (`db.Query(\"... WHERE id = $1\", id)`)",
        );
    }
}

pub(crate) fn is_java_name(name: &str) -> bool {
    matches!(
        name,
        "execute"
            | "executeQuery"
            | "executeUpdate"
            | "executeLargeUpdate"
            | "addBatch"
            | "prepareStatement"
            | "prepareCall"
            | "createQuery"
            | "createNativeQuery"
            | "createSQLQuery"
            | "query"
            | "queryForObject"
            | "queryForList"
            | "queryForMap"
            | "update"
            | "batchUpdate"
    )
}

pub(crate) fn java(scan: &mut Scan, call: &Call) {
    if !call.is_new && is_java_name(call.name) {
        check_arg(
            scan,
            call,
            0,
            "use a `PreparedStatement` with `?` placeholders and `setString`/`setInt`",
        );
    }
}

pub(crate) fn is_rust_name(name: &str) -> bool {
    matches!(
        name,
        "query"
            | "query_as"
            | "query_scalar"
            | "query_with"
            | "query_as_with"
            | "execute"
            | "batch_execute"
            | "query_one"
            | "query_opt"
            | "prepare"
            | "simple_query"
            | "query_row"
            | "query_map"
    )
}

pub(crate) fn rust(scan: &mut Scan, call: &Call) {
    if is_rust_name(call.name) {
        check_arg(
            scan,
            call,
            0,
            "bind the values (`sqlx::query(\"... WHERE id = $1\").bind(id)`)",
        );
    }
}

/// [`check`] on the call's argument at `index`, if it has one.
fn check_arg(scan: &mut Scan, call: &Call, index: usize, advice: &str) {
    if let Some(query) = call.arg(index) {
        check(scan, call, query, advice);
    }
}

fn check(scan: &mut Scan, call: &Call, query: Node, advice: &str) {
    let name = call.name;
    let query = syntax::unwrap(query);
    let (built, text, via_variable) = match syntax::built_string(scan, query) {
        Some(built) => (built, scan.text(query), false),
        None => match local_value(scan, query) {
            Some((built, text)) => (built, text, true),
            None => return,
        },
    };
    if !SQL.is_match(text) {
        return;
    }
    let via = if via_variable {
        format!(" (`{}`)", syntax::shorten(scan.text(query), 30))
    } else {
        String::new()
    };
    scan.report(
        Rule::SqlInjection,
        call,
        format!(
            "SQL query built with {}{via} is passed to `{name}`; {advice}",
            built.describe()
        ),
    );
}

/// For an identifier argument: the string built at run time it was last assigned in the
/// same block, if that is how it got its value (see [`Scan::remember_assignment`]).
fn local_value<'t>(scan: &Scan<'t>, ident: Node<'t>) -> Option<(Built, &'t str)> {
    if ident.kind() != "identifier" {
        return None;
    }
    let assigned = scan.assigned.get(scan.text(ident))?;
    (block_of(scan.language, ident)? == assigned.block).then(|| {
        (
            assigned.built,
            scan.slice(assigned.value.0, assigned.value.1),
        )
    })
}

/// The id of the block (statement list) a node's statement belongs to.
pub(crate) fn block_of(language: Language, node: Node) -> Option<usize> {
    let mut current = node;
    for _ in 0..24 {
        let parent = current.parent()?;
        if is_block(language, parent.kind()) {
            return Some(parent.id());
        }
        current = parent;
    }
    None
}

fn is_block(language: Language, kind: &str) -> bool {
    match language {
        Language::Python => matches!(kind, "block" | "module"),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            matches!(kind, "statement_block" | "program" | "switch_case")
        }
        Language::Go => matches!(kind, "statement_list" | "block" | "source_file"),
        Language::Java => {
            matches!(
                kind,
                "block" | "constructor_body" | "switch_block_statement_group"
            )
        }
        Language::Rust => matches!(kind, "block"),
        Language::C | Language::Cpp => matches!(kind, "compound_statement"),
    }
}
