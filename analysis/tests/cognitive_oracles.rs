//! The worked examples of SonarSource's "Cognitive Complexity" white paper, in Java (as
//! printed there) and translated to Python and JavaScript.

use cairn_analysis::{Config, Language, analyze};

fn cognitive(source: &str, language: Language, function: &str) -> u32 {
    let analysis = analyze(source, language, &Config::default());
    analysis
        .functions
        .iter()
        .find(|f| f.name.ends_with(function))
        .unwrap_or_else(|| panic!("no function {function} in {:?}", analysis.functions))
        .cognitive
}

const JAVA: &str = r#"
class Oracles {
  int sumOfPrimes(int max) {
    int total = 0;
    OUT: for (int i = 1; i <= max; ++i) {
      for (int j = 2; j < i; ++j) {
        if (i % j == 0) {
          continue OUT;
        }
      }
      total += i;
    }
    return total;
  }

  String getWords(int number) {
    switch (number) {
      case 1:
        return "one";
      case 2:
        return "a couple";
      case 3:
        return "a few";
      default:
        return "lots";
    }
  }

  int chain(int x) {
    if (x > 10) {
      return 1;
    } else if (x > 5) {
      return 2;
    } else if (x > 1) {
      return 3;
    } else {
      return 4;
    }
  }

  int factorial(int n) {
    if (n <= 1)
      return 1;
    else
      return n * factorial(n - 1);
  }

  boolean mixed(boolean a, boolean b, boolean c, boolean d, boolean e, boolean f) {
    return a && b && c || d || e && f;
  }
}
"#;

#[test]
fn java_examples_from_the_white_paper() {
    assert_eq!(cognitive(JAVA, Language::Java, "sumOfPrimes"), 7);
    assert_eq!(cognitive(JAVA, Language::Java, "getWords"), 1);
    assert_eq!(cognitive(JAVA, Language::Java, "chain"), 4);
    assert_eq!(cognitive(JAVA, Language::Java, "factorial"), 3);
    assert_eq!(cognitive(JAVA, Language::Java, "mixed"), 3);
}

const PYTHON: &str = r#"
def sum_of_primes(max):
    total = 0
    for i in range(1, max + 1):
        for j in range(2, i):
            if i % j == 0:
                break
        total += i
    return total

def get_words(number):
    match number:
        case 1:
            return "one"
        case 2:
            return "a couple"
        case _:
            return "lots"

def chain(x):
    if x > 10:
        return 1
    elif x > 5:
        return 2
    elif x > 1:
        return 3
    else:
        return 4

def factorial(n):
    if n <= 1:
        return 1
    else:
        return n * factorial(n - 1)

def mixed(a, b, c, d, e, f):
    return a and b and c or d or e and f
"#;

#[test]
fn python_translations() {
    // Python has no labelled continue: the paper's +1 for `continue OUT` is absent.
    assert_eq!(cognitive(PYTHON, Language::Python, "sum_of_primes"), 6);
    assert_eq!(cognitive(PYTHON, Language::Python, "get_words"), 1);
    assert_eq!(cognitive(PYTHON, Language::Python, "chain"), 4);
    assert_eq!(cognitive(PYTHON, Language::Python, "factorial"), 3);
    assert_eq!(cognitive(PYTHON, Language::Python, "mixed"), 3);
}

const JAVASCRIPT: &str = r#"
function sumOfPrimes(max) {
  let total = 0;
  OUT: for (let i = 1; i <= max; ++i) {
    for (let j = 2; j < i; ++j) {
      if (i % j === 0) {
        continue OUT;
      }
    }
    total += i;
  }
  return total;
}

function getWords(number) {
  switch (number) {
    case 1: return "one";
    case 2: return "a couple";
    case 3: return "a few";
    default: return "lots";
  }
}

function chain(x) {
  if (x > 10) { return 1; }
  else if (x > 5) { return 2; }
  else if (x > 1) { return 3; }
  else { return 4; }
}

const factorial = (n) => {
  if (n <= 1) return 1;
  else return n * factorial(n - 1);
};

function mixed(a, b, c, d, e, f) {
  return a && b && c || d || e && f;
}
"#;

#[test]
fn javascript_translations() {
    for language in [Language::JavaScript, Language::TypeScript] {
        assert_eq!(cognitive(JAVASCRIPT, language, "sumOfPrimes"), 7);
        assert_eq!(cognitive(JAVASCRIPT, language, "getWords"), 1);
        assert_eq!(cognitive(JAVASCRIPT, language, "chain"), 4);
        assert_eq!(cognitive(JAVASCRIPT, language, "factorial"), 3);
        assert_eq!(cognitive(JAVASCRIPT, language, "mixed"), 3);
    }
}

#[test]
fn other_languages_agree_on_the_chain_and_recursion() {
    let cases = [
        (
            Language::Rust,
            "fn chain(x: i32) -> i32 { if x > 10 { 1 } else if x > 5 { 2 } else if x > 1 { 3 } else { 4 } }\nfn factorial(n: u64) -> u64 { if n <= 1 { 1 } else { n * factorial(n - 1) } }\n",
        ),
        (
            Language::Go,
            "package p\nfunc chain(x int) int { if x > 10 { return 1 } else if x > 5 { return 2 } else if x > 1 { return 3 } else { return 4 } }\nfunc factorial(n int) int { if n <= 1 { return 1 } else { return n * factorial(n-1) } }\n",
        ),
        (
            Language::C,
            "int chain(int x) { if (x > 10) { return 1; } else if (x > 5) { return 2; } else if (x > 1) { return 3; } else { return 4; } }\nint factorial(int n) { if (n <= 1) return 1; else return n * factorial(n - 1); }\n",
        ),
        (
            Language::Cpp,
            "int chain(int x) { if (x > 10) { return 1; } else if (x > 5) { return 2; } else if (x > 1) { return 3; } else { return 4; } }\nint factorial(int n) { if (n <= 1) return 1; else return n * factorial(n - 1); }\n",
        ),
    ];
    for (language, source) in cases {
        assert_eq!(cognitive(source, language, "chain"), 4, "{language}");
        assert_eq!(cognitive(source, language, "factorial"), 3, "{language}");
    }
}
