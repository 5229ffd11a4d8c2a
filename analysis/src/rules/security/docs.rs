//! Documentation of the security rules (rendered into docs/rules.md and shown in editors).

use crate::finding::Severity;
use crate::rules::RuleDoc;

pub(crate) static EVAL: RuleDoc = RuleDoc {
    id: "security/eval",
    summary: "Code built at run time is executed.",
    what: "Reports Python's `eval`, `exec` and `compile` builtins called with anything but a literal; JavaScript's and TypeScript's `eval` with anything but a literal, `new Function(...)`/`Function(...)` with a non-literal argument, and `setTimeout`/`setInterval`/`setImmediate` given a string built at run time (a template with `${...}` or a concatenation). Methods that share the name (`re.compile`, `model.eval()`, `regex.exec`) are not reported, nor are builtins shadowed by an import.",
    why: "Whatever reaches the string runs with the program's full rights: one user-controlled fragment is remote code execution. Data can be parsed instead (`ast.literal_eval`, `JSON.parse`), and behaviour chosen from a table of known functions.",
    example: "python\ndef calculate(expression):\n    return eval(expression)  # `expression` comes from the request\n\n# instead\nimport ast\nvalue = ast.literal_eval(expression)",
    cwe: Some(95),
    equivalent: "bandit B307 (eval) / B102 (exec), semgrep `eval-detected`, eslint `no-eval` / `no-new-func` / `no-implied-eval`",
    default_severity: Severity::Error,
    languages: "Python, JavaScript, TypeScript",
    fixable: false,
};

pub(crate) static SHELL_INJECTION: RuleDoc = RuleDoc {
    id: "security/shell-injection",
    summary: "A command runs through a shell with input that is not a literal.",
    what: "Reports commands handed to a shell when the command line is not a literal: Python `subprocess.run/call/check_call/check_output/Popen` with `shell=True`, `os.system`, `os.popen`, `subprocess.getoutput`, `asyncio.create_subprocess_shell`; Node's `child_process.exec`/`execSync` (however imported); Go `exec.Command(\"sh\", \"-c\", script)`; Java `Runtime.exec` with a concatenated or formatted command and `sh -c` argument arrays or `ProcessBuilder`s; C and C++ `system` and `popen`; Rust `Command::new(\"sh\").arg(\"-c\").arg(script)`. A Python call with `shell=True` and an argument *list* is reported as a warning with a fix to `shell=False`: with a list, only the first element is the shell's command and the others become the shell's own positional parameters, which is never what was meant.",
    why: "The shell interprets `;`, `|`, `$(...)`, backticks and quotes in whatever was pasted into the command line, so a file name like `x; rm -rf ~` runs a second command. Passing the program and its arguments as a list (no shell) removes the problem entirely.",
    example: "python\nsubprocess.run(f\"convert {upload} out.png\", shell=True)\n\n# instead: no shell, arguments as a list\nsubprocess.run([\"convert\", upload, \"out.png\"])",
    cwe: Some(78),
    equivalent: "bandit B602/B605/B609, semgrep `subprocess-shell-true` / `detect-child-process` / `dangerous-exec-command`, flawfinder `system`",
    default_severity: Severity::Error,
    languages: "Python, JavaScript, TypeScript, Go, Java, C, C++, Rust",
    fixable: true,
};

pub(crate) static SQL_INJECTION: RuleDoc = RuleDoc {
    id: "security/sql-injection",
    summary: "A SQL query is built by string formatting or concatenation.",
    what: "Reports query methods (`execute`, `executemany`, `executescript`, `raw`, `read_sql`, SQLAlchemy `text`; `query`, `execute`, `raw`, `$queryRawUnsafe`; Go `Query`/`QueryRow`/`Exec` and their `Context` forms; JDBC `execute*`, `addBatch`, `prepareStatement`, JPA `createQuery`/`createNativeQuery`, Spring `JdbcTemplate`; sqlx `query`/`query_as`, rusqlite and postgres `execute`/`query`) whose SQL argument is an f-string, `%`-formatting, `.format()`, a template literal with `${...}`, `fmt.Sprintf`, `String.format`, `format!`, or a concatenation with a value that is not a constant, either directly or through a local variable assigned that way a few statements earlier in the same block. The text must look like SQL (`SELECT ... FROM`, `INSERT INTO`, `WHERE x =`, ...), so the same method names on other strings stay quiet. Tagged templates (`` sql`...${x}` ``, Prisma's `$queryRaw`) are parameterised and not reported.",
    why: "A value formatted into SQL can close the string literal and add its own clauses (`' OR '1'='1`), reading or destroying any data the connection can reach. Query parameters send the values separately from the SQL text, so they can never change the query's structure.",
    example: "python\ncursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n\n# instead\ncursor.execute(\"SELECT * FROM users WHERE name = %s\", (name,))",
    cwe: Some(89),
    equivalent: "bandit B608, semgrep `formatted-sql-query` / `sqlalchemy-execute-raw-query` / `tainted-sql-string`, gosec G201/G202, SpotBugs `SQL_INJECTION_JDBC`",
    default_severity: Severity::Error,
    languages: "Python, JavaScript, TypeScript, Go, Java, Rust",
    fixable: false,
};

pub(crate) static HARDCODED_SECRET: RuleDoc = RuleDoc {
    id: "security/hardcoded-secret",
    summary: "A credential is written in the source.",
    what: "Reports, anywhere in the file (comments included), keys in the documented shapes of AWS access key ids (`AKIA…`, `ASIA…`), GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), OpenAI keys (`sk-…`, `sk-proj-…`), Anthropic keys (`sk-ant-…`), Slack tokens (`xoxb-…`), Google API keys, Stripe live keys, GitLab tokens and PEM/PGP private key blocks. Also reports string literals given to a name that says *secret* (`password`, `passwd`, `secret`, `token`, `api_key`, `access_key`, `private_key`, `client_secret`, `auth`, `Authorization`, ...) in assignments, declarations, constants, keyword arguments, parameter defaults, dictionary and object keys, struct fields and `#define`s, when the value looks real: for passwords at least 6 characters mixing two kinds of characters, for keys and tokens at least 16 characters with digits or mixed case and a Shannon entropy of at least 3 bits per character. Placeholders (`changeme`, `<your-token>`, `${VAR}`, `xxxx`, `example`, `dummy`, `test`, empty strings), names about a secret rather than the secret itself (`password_field`, `token_type`, `secret_name`, `auth_url`) and values read from the environment are not reported. The message never repeats the secret: it shows at most the key's public prefix. The same detection is available to the language server, which redacts what it finds before any text leaves the machine.",
    why: "Source code is copied to laptops, CI logs, forks, backups and AI prompts; a secret in it is a secret shared with all of them, and it stays in the history after it is deleted. Leaked provider keys are found and abused by scanners within minutes. Read secrets from the environment or a secret manager, and revoke any key that was committed.",
    example: "python\ndb_password = \"Tr0ub4dor&3\"\nclient = Github(\"ghp_…\")  # a real token here is reported wherever it appears\n\n# instead\ndb_password = os.environ[\"DB_PASSWORD\"]",
    cwe: Some(798),
    equivalent: "bandit B105/B106/B107, gitleaks, trufflehog, semgrep `generic.secrets`",
    default_severity: Severity::Error,
    languages: "all",
    fixable: false,
};

pub(crate) static WEAK_HASH: RuleDoc = RuleDoc {
    id: "security/weak-hash",
    summary: "MD5 or SHA-1 is used.",
    what: "Reports MD5, SHA-1 (and MD4/MD2): Python `hashlib.md5`/`sha1`, `hashlib.new(\"md5\")`, `cryptography`'s `hashes.MD5()`/`SHA1()`, PyCryptodome; Node `crypto.createHash(\"md5\")`; Go `crypto/md5` and `crypto/sha1`; Java `MessageDigest.getInstance(\"MD5\" | \"SHA-1\")`, commons-codec `DigestUtils.md5*`/`sha1*`, Guava `Hashing.md5()`; Rust `md5::compute`, `Md5::new`, `Sha1::new`; OpenSSL and CommonCrypto `MD5()`, `SHA1()`, `EVP_md5()`, `EVP_sha1()`. Python calls with `usedforsecurity=False` say the hash is not a security use and are not reported. Fixes: `hashlib.md5(x)` → `hashlib.sha256(x)`, and the algorithm name in `hashlib.new`, `createHash` and `MessageDigest.getInstance` → SHA-256 (the digest changes, so stored values must be migrated).",
    why: "Collisions for MD5 and SHA-1 can be computed on a laptop (SHAttered, chosen-prefix attacks), so they cannot protect signatures, certificates, integrity checks against an attacker or passwords. Use SHA-256 or better, and a password hash (Argon2, scrypt, bcrypt) for passwords. Non-security uses such as cache keys are fine; say so with `usedforsecurity=False` or a suppression.",
    example: "python\ndigest = hashlib.md5(password.encode()).hexdigest()\n\n# fixed\ndigest = hashlib.sha256(password.encode()).hexdigest()",
    cwe: Some(328),
    equivalent: "bandit B303/B324, semgrep `insecure-hash-algorithm-md5` / `use-of-md5`, gosec G401/G501/G505, SpotBugs `WEAK_MESSAGE_DIGEST_MD5`",
    default_severity: Severity::Warning,
    languages: "Python, JavaScript, TypeScript, Go, Java, Rust, C, C++",
    fixable: true,
};

pub(crate) static UNSAFE_DESERIALIZATION: RuleDoc = RuleDoc {
    id: "security/unsafe-deserialization",
    summary: "Untrusted data may be deserialized into objects (pickle, yaml.load, marshal).",
    what: "Reports loaders that can build arbitrary objects: Python `pickle`/`cPickle`/`dill`/`cloudpickle`/`joblib` `load`/`loads`/`Unpickler`, `marshal.load(s)`, `shelve.open`, `jsonpickle.decode`, `pandas.read_pickle`, `numpy.load(allow_pickle=True)`, `yaml.load`/`load_all` without a safe `Loader` (or with `Loader`, `UnsafeLoader`, `CLoader`), `yaml.unsafe_load`; Java `readObject`/`readUnshared` on an `ObjectInputStream` or `XMLDecoder`; node-serialize's `unserialize`. Fixes: `yaml.load(s)` → `yaml.safe_load(s)`, `yaml.load_all` → `yaml.safe_load_all`, `yaml.unsafe_load` → `yaml.safe_load` (when written as `yaml.…`).",
    why: "These formats describe objects to construct and functions to call while loading: pickle's `__reduce__`, YAML's `!!python/object/apply`, Java gadget chains, node-serialize's `_$$ND_FUNC$$_`. Loading attacker-supplied bytes runs the attacker's code. Use a data-only format (JSON, `yaml.safe_load`) for anything that crosses a trust boundary.",
    example: "python\nconfig = yaml.load(request.data)\n\n# fixed\nconfig = yaml.safe_load(request.data)",
    cwe: Some(502),
    equivalent: "bandit B301/B302/B506, semgrep `avoid-pickle` / `avoid-pyyaml-load` / `object-deserialization`, SpotBugs `OBJECT_DESERIALIZATION`",
    default_severity: Severity::Error,
    languages: "Python, Java, JavaScript, TypeScript",
    fixable: true,
};

pub(crate) static INSECURE_TLS: RuleDoc = RuleDoc {
    id: "security/insecure-tls",
    summary: "TLS certificate verification is turned off.",
    what: "Reports `verify=False` / `verify_ssl=False` keyword arguments (requests, httpx, aiohttp), `ssl._create_unverified_context()`, `ssl.CERT_NONE` given to a setting, `check_hostname = False` and `PYTHONHTTPSVERIFY = \"0\"` in Python; `rejectUnauthorized: false` and `NODE_TLS_REJECT_UNAUTHORIZED = \"0\"` in JavaScript and TypeScript; `InsecureSkipVerify: true` in Go; reqwest's `danger_accept_invalid_certs(true)` and `danger_accept_invalid_hostnames(true)` in Rust. Fixes remove the offending argument, property, struct field or builder call, with its comma, keeping the code valid.",
    why: "Without verification any machine on the network path (public Wi-Fi, a compromised router, a proxy) can present its own certificate and read or change the traffic, credentials included. For self-signed or internal certificates, trust that CA (`verify=\"/path/ca.pem\"`, `ca:`, `RootCAs`, `add_root_certificate`) instead.",
    example: "python\nrequests.get(url, verify=False, timeout=10)\n\n# fixed\nrequests.get(url, timeout=10)",
    cwe: Some(295),
    equivalent: "bandit B501/B323, semgrep `disabled-cert-validation` / `bypass-tls-verification`, gosec G402",
    default_severity: Severity::Error,
    languages: "Python, JavaScript, TypeScript, Go, Rust",
    fixable: true,
};

pub(crate) static INSECURE_RANDOM: RuleDoc = RuleDoc {
    id: "security/insecure-random",
    summary: "A non-cryptographic random generator is used where a secret may be made.",
    what: "Reports Python's `random` module functions, JavaScript's `Math.random()`, Go's `math/rand` (v1 and v2) and Java's `java.util.Random`, `Math.random()`, `ThreadLocalRandom` and `RandomStringUtils` when they are used to make something secret: the result is assigned to a secret-looking name (`token`, `password`, `session_id`, `salt`, `nonce`, `otp`, `reset_code`, `api_key`, ...), a secret-looking variable is passed to it (`rand.Read(key)`), or the call sits in a function named like one (`generate_token`, `makePassword`, `newSessionID`). Other uses (shuffling, sampling, jitter, simulations) are not reported.",
    why: "These generators are designed for speed and statistics, not unpredictability: their state can be recovered from a few outputs (Mersenne Twister after 624 values, V8's xorshift128+ from a handful), and time-based seeds can be guessed. Tokens, passwords and keys made with them can be predicted. Use `secrets`, `crypto.randomBytes`/`crypto.randomUUID`/`crypto.getRandomValues`, `crypto/rand` or `SecureRandom`.",
    example: "python\ndef generate_token():\n    return \"\".join(random.choice(ALPHABET) for _ in range(32))\n\n# instead\ndef generate_token():\n    return secrets.token_urlsafe(32)",
    cwe: Some(338),
    equivalent: "bandit B311, semgrep `insecure-random` / `math-random-used`, gosec G404, SpotBugs `PREDICTABLE_RANDOM`",
    default_severity: Severity::Warning,
    languages: "Python, JavaScript, TypeScript, Go, Java",
    fixable: false,
};

pub(crate) static REQUEST_WITHOUT_TIMEOUT: RuleDoc = RuleDoc {
    id: "security/request-without-timeout",
    summary: "An HTTP request has no timeout.",
    what: "Reports `requests.get/post/put/delete/patch/head/options/request` (however imported) called without `timeout=` (calls passing `**kwargs` are assumed to carry one), `urllib.request.urlopen` without a timeout, and any `requests` or `httpx` call with `timeout=None`. httpx's top-level functions and clients apply a 5-second timeout by default, so only an explicit `timeout=None` is reported for them.",
    why: "requests waits forever by default: a server that accepts the connection and never answers (or a network that drops packets silently) hangs the worker, and enough of them exhaust a service. Always pass a timeout in seconds (or a `(connect, read)` pair).",
    example: "python\nresponse = requests.get(url)\n\n# instead\nresponse = requests.get(url, timeout=10)",
    cwe: Some(400),
    equivalent: "bandit B113, semgrep `request-without-timeout`, pylint `missing-timeout`",
    default_severity: Severity::Warning,
    languages: "Python",
    fixable: false,
};

pub(crate) static XSS: RuleDoc = RuleDoc {
    id: "security/xss",
    summary: "Non-literal HTML is written into the page.",
    what: "Reports assignments of values that are not literals to `innerHTML` and `outerHTML` (`=` and `+=`, also through `el[\"innerHTML\"]`), `document.write`/`writeln`, `insertAdjacentHTML`, `createContextualFragment`, and React's `dangerouslySetInnerHTML={{ __html: ... }}` with a value that is not a literal. Values passed through a sanitizer or escaper (a function whose name contains `sanitize`, `escape`, `purify` or `encode`, such as `DOMPurify.sanitize`), and templates or concatenations made only of literals and such calls, are not reported.",
    why: "HTML built from data lets that data add elements and attributes: `<img src=x onerror=...>` in a user name runs script in every visitor's session, with their cookies and rights. Set `textContent` (or let the framework render text), or sanitize the HTML with a maintained sanitizer first.",
    example: "javascript\nelement.innerHTML = comment.body;\n\n// instead\nelement.textContent = comment.body;\nelement.innerHTML = DOMPurify.sanitize(comment.body);",
    cwe: Some(79),
    equivalent: "semgrep `insecure-document-method` / `react-dangerouslysetinnerhtml`, eslint-plugin-react `no-danger`, eslint-plugin-no-unsanitized",
    default_severity: Severity::Error,
    languages: "JavaScript, TypeScript, TSX",
    fixable: false,
};

pub(crate) static BUFFER_OVERFLOW: RuleDoc = RuleDoc {
    id: "security/buffer-overflow",
    summary: "A C function that cannot bound its writes is called (gets, strcpy, strcat, sprintf).",
    what: "Reports calls of `gets` (an error: it cannot be used safely and was removed in C11) and, as warnings, `strcpy`, `strcat`, `stpcpy`, `wcscpy`, `wcscat`, the Windows `lstrcpy`/`lstrcat` family, `sprintf` and `vsprintf`, also through `std::`.",
    why: "None of these knows how large the destination is: input longer than the buffer overwrites the memory after it, the classic way to crash a program or take it over. Use the bounded forms (`fgets`, `snprintf`, `vsnprintf`, `strlcpy`/`strlcat` or a length-checked copy) or, in C++, `std::string`.",
    example: "c\nchar name[32];\ngets(name);\nstrcpy(greeting, name);\n\n/* instead */\nfgets(name, sizeof name, stdin);\nsnprintf(greeting, sizeof greeting, \"%s\", name);",
    cwe: Some(120),
    equivalent: "flawfinder `gets`/`strcpy`/`sprintf`, semgrep `insecure-use-gets-fn` / `insecure-use-strcat-fn`, cppcheck, MSVC C4996",
    default_severity: Severity::Warning,
    languages: "C, C++",
    fixable: false,
};
