// Temporary helper (security rules helper); removed before hand-back.
fn print(node: cairn_analysis::tree_sitter::Node, src: &str, depth: usize, field: &str) {
    let text = node.utf8_text(src.as_bytes()).unwrap_or("");
    let short: String = text
        .chars()
        .take(40)
        .collect::<String>()
        .replace('\n', "\\n");
    let f = if field.is_empty() {
        String::new()
    } else {
        format!("{field}: ")
    };
    if node.is_named() {
        println!("{}{}{} {:?}", "  ".repeat(depth), f, node.kind(), short);
    } else {
        println!("{}{}'{}'", "  ".repeat(depth), f, node.kind());
    }
    let mut c = node.walk();
    for (i, ch) in node.children(&mut c).enumerate() {
        let f = node.field_name_for_child(i as u32).unwrap_or("");
        print(ch, src, depth + 1, f);
    }
}
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let lang: cairn_analysis::Language = args[1].parse().unwrap();
    let src = std::fs::read_to_string(&args[2]).unwrap();
    let tree = cairn_analysis::parse(&src, lang, None);
    print(tree.root_node(), &src, 0, "");
}
