#!/usr/bin/env python3
"""Real-code corpora for scripts/parity-lizard and scripts/bench-check.

Every corpus is code nobody in this project wrote, used in place or unpacked into a cache
directory outside the repository (``$CAIRN_CORPUS_DIR``, default ``~/.cache/cairn/corpus``),
never committed. Each is a fixed selection from pinned sources, so the same inputs give the
same file list; setting one up again is a no-op (stamp files).

  python      CPython standard library of the running python3: top-level *.py plus a few
              packages (json, email, asyncio, http, urllib, importlib, logging, concurrent,
              collections), tests excluded.
  rust        src/**/*.rs of fixed crates at versions pinned below (RUST_CRATES), from
              ~/.cargo/registry/src (``cargo fetch`` of a throw-away manifest if missing).
  javascript  npm packages (``npm pack`` of pinned versions, no dependencies): jquery 3.7.1
              src/, moment 2.30.1 src/lib/, lodash 4.17.21 lodash.js, commander 12.1.0 lib/.
  typescript  npm: rxjs 7.8.1 src/**/*.ts, @tanstack/query-core 5.62.0 src/**/*.ts.
  tsx         npm: ra-core 5.4.0 (react-admin) src/**/*.tsx.
  go          Debian golang-1.XX-src (the version golang-src depends on): strings, fmt, bytes,
              encoding/json, net/http, sort, strconv, bufio, regexp, text/template.
  java        Debian openjdk-17-source src.zip: java.base java/util, java/util/concurrent,
              java/util/stream (top level of each).
  c           tree-sitter runtime (lib src/*.c, *.h; versions pinned below) and the grammar
              crates' hand-written scanner.c, plus Brotli 1.1.0's C library (PyPI sdist).
  cpp         Debian googletest: every *.cc (src, tests, samples). *.h headers are left out:
              their language is ambiguous (cairn reads .h as C, lizard as C/C++).

Debian packages are fetched with ``apt-get download`` and unpacked with ``dpkg-deb -x`` into
the cache (nothing is installed system-wide); their version is part of the directory name and
of the corpus description.

Command line: ``cairn_corpus.py [--corpus-dir D] [--lang L]... [--files]`` sets up the corpora
and prints a summary, or the file lists with --files.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import cairn_tools as tools  # noqa: E402

DEFAULT_LANGS = ["python", "javascript", "typescript", "tsx", "rust", "go", "java", "c", "cpp"]
ALL_LANGS = DEFAULT_LANGS

# lizard's -l name for each corpus language (lizard's "cpp" reader covers C too).
LIZARD_LANG = {
    "python": "python", "javascript": "javascript", "typescript": "typescript",
    "tsx": "tsx", "rust": "rust", "go": "go", "java": "java", "c": "cpp", "cpp": "cpp",
}

PY_PACKAGES = ["json", "email", "asyncio", "http", "urllib", "importlib", "logging",
               "concurrent", "collections"]
# Pinned here, not taken from Cargo.lock, so that adding or updating a dependency of the
# project never changes the corpus (and the parity numbers) under CI's feet.
RUST_CRATES = {
    "regex-syntax": "0.8.12",
    "serde_json": "1.0.154",
    "clap_builder": "4.6.7",
    "toml_edit": "0.25.20+spec-1.1.0",
    "rayon-core": "1.13.0",
    "ignore": "0.4.35",
    "globset": "0.4.22",
    "tracing-subscriber": "0.3.23",
}
NPM_PACKAGES = {
    "jquery": "3.7.1",
    "moment": "2.30.1",
    "lodash": "4.17.21",
    "commander": "12.1.0",
    "rxjs": "7.8.1",
    "@tanstack/query-core": "5.62.0",
    "ra-core": "5.4.0",
}
GO_PACKAGES = ["strings", "fmt", "bytes", "encoding/json", "net/http", "sort", "strconv",
               "bufio", "regexp", "text/template"]
JAVA_SOURCE_PACKAGES = ["openjdk-17-source", "openjdk-21-source"]
JAVA_DIRS = ["java.base/java/util", "java.base/java/util/concurrent",
             "java.base/java/util/stream"]
BROTLI = ("Brotli", "1.1.0")
# C corpus: tree-sitter's runtime and the grammars' hand-written scanners, pinned like above.
TREE_SITTER_CRATES = {
    "tree-sitter": "0.27.1",
    "tree-sitter-c": "0.24.2",
    "tree-sitter-cpp": "0.23.4",
    "tree-sitter-go": "0.25.0",
    "tree-sitter-java": "0.23.5",
    "tree-sitter-javascript": "0.25.0",
    "tree-sitter-python": "0.25.0",
    "tree-sitter-rust": "0.24.2",
    "tree-sitter-typescript": "0.23.2",
}
TREE_SITTER_GRAMMARS = [name for name in TREE_SITTER_CRATES if name != "tree-sitter"]
PINNED_CRATES = {**RUST_CRATES, **TREE_SITTER_CRATES}


@dataclass
class Corpus:
    lang: str
    files: list[Path] = field(default_factory=list)
    # (label, root) pairs: where the files come from; the label names source and version.
    roots: list[tuple[str, Path]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, root: Path, files) -> None:
        files = sorted({Path(f).resolve() for f in files})
        self.roots.append((label, root.resolve()))
        self.files.extend(files)

    def finish(self) -> "Corpus":
        seen: set[Path] = set()
        uniq = []
        for f in self.files:
            if f not in seen and f.is_file():
                seen.add(f)
                uniq.append(f)
        self.files = uniq
        return self

    def display(self, path: str | Path) -> str:
        """Short, readable name: label/relative path."""
        p = Path(path)
        for label, root in self.roots:
            try:
                return f"{label}/{p.relative_to(root)}"
            except ValueError:
                continue
        return str(p)

    def relpath(self, path: Path) -> Path:
        """Relative path used when copying the corpus (label dir + relative path)."""
        for label, root in self.roots:
            try:
                rel = path.relative_to(root)
            except ValueError:
                continue
            return Path(re.sub(r"[^A-Za-z0-9._+-]+", "_", label)) / rel
        return Path("other") / path.name

    def description(self) -> str:
        return ", ".join(label for label, _ in self.roots)

    def line_count(self) -> int:
        n = 0
        for f in self.files:
            with open(f, "rb") as fh:
                n += sum(1 for _ in fh)
        return n


def corpus_dir(arg: str | None = None) -> Path:
    d = Path(arg or os.environ.get("CAIRN_CORPUS_DIR")
             or Path.home() / ".cache" / "cairn" / "corpus")
    d.mkdir(parents=True, exist_ok=True)
    return d.resolve()


def log(msg: str) -> None:
    print(f"[corpus] {msg}", file=sys.stderr, flush=True)


def _rglob(root: Path, pattern: str, exclude_dirs=()) -> list[Path]:
    out = []
    for p in root.rglob(pattern):
        rel = p.relative_to(root).parts[:-1]
        if any(part in exclude_dirs for part in rel):
            continue
        out.append(p)
    return out


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------

_fetched = False


def _registry_src() -> Path:
    cargo_home = Path(os.environ.get("CARGO_HOME") or Path.home() / ".cargo")
    return cargo_home / "registry" / "src"


def registry_crate(name: str) -> Path | None:
    """Unpacked source of crate ``name`` at its pinned version (``PINNED_CRATES``), fetched
    from crates.io through a throw-away manifest when the cargo registry does not have it."""
    global _fetched
    version = PINNED_CRATES.get(name)
    if version is None:
        tools.die(f"crate {name} has no pinned version in PINNED_CRATES")
    for attempt in range(2):
        hits = sorted(_registry_src().glob(f"*/{name}-{version}"))
        if hits:
            return hits[0]
        if attempt == 0 and not _fetched and shutil.which("cargo"):
            _fetch_pinned_crates()
            _fetched = True
    log(f"crate {name}-{version} not found in {_registry_src()}")
    return None


def _fetch_pinned_crates() -> None:
    """``cargo fetch`` of a manifest that depends on exactly the pinned versions."""
    with tempfile.TemporaryDirectory(prefix="cairn-corpus-") as tmp:
        root = Path(tmp)
        deps = "\n".join(f'{name} = "={version}"' for name, version in PINNED_CRATES.items())
        (root / "Cargo.toml").write_text(
            '[package]\nname = "cairn-corpus-fetch"\nversion = "0.0.0"\nedition = "2021"\n'
            f"[dependencies]\n{deps}\n"
        )
        (root / "src").mkdir()
        (root / "src" / "lib.rs").write_text("")
        log("cargo fetch of the pinned corpus crates")
        res = subprocess.run(["cargo", "fetch", "--quiet"], cwd=root, capture_output=True, text=True)
        if res.returncode != 0:
            log(f"cargo fetch failed: {res.stderr.strip()[-800:]}")


def _version_key(v: str):
    return [int(x) if x.isdigit() else x for x in re.split(r"[.+-]", v)]


def _apt_candidate(pkg: str) -> str | None:
    if not shutil.which("apt-cache"):
        return None
    for attempt in range(2):
        res = subprocess.run(["apt-cache", "policy", pkg], capture_output=True, text=True)
        m = re.search(r"Candidate:\s*(\S+)", res.stdout)
        if m and m.group(1) != "(none)":
            return m.group(1)
        if attempt == 0 and not tools.apt_update():
            break
    return None


def _cached_deb(pkg: str, base: Path) -> tuple[Path, str] | None:
    stamps = sorted((base / "deb").glob(f"{pkg}_*/.complete"))
    if not stamps:
        return None
    stamp = stamps[-1]
    return stamp.parent, stamp.read_text().strip()


def deb_unpacked(pkg: str, base: Path) -> tuple[Path, str] | None:
    """``apt-get download PKG`` + ``dpkg-deb -x`` into base/deb/PKG_VERSION (idempotent).

    Once a version is unpacked it is reused as is (no apt query), so the corpus stays fixed
    on that machine; delete base/deb/PKG_* to move to the current candidate version.
    """
    cached = _cached_deb(pkg, base)
    if cached is not None:
        return cached
    version = _apt_candidate(pkg)
    if version is None:
        log(f"Debian package {pkg} not available (apt-cache policy shows no candidate)")
        return None
    dest = base / "deb" / f"{pkg}_{version.replace(':', '%3a')}"
    stamp = dest / ".complete"
    if stamp.exists():
        return dest, version
    dl = base / "deb" / "download"
    dl.mkdir(parents=True, exist_ok=True)
    os.chmod(dl, 0o777)  # apt drops privileges to _apt for downloads
    for attempt in range(2):
        log(f"apt-get download {pkg}={version}")
        res = subprocess.run(["apt-get", "download", "-q", f"{pkg}={version}"], cwd=dl,
                             capture_output=True, text=True)
        if res.returncode == 0:
            break
        if attempt == 0 and tools.apt_update():
            continue
        log(f"apt-get download {pkg} failed: {res.stderr.strip()[-500:]}")
        return None
    debs = sorted(dl.glob(f"{pkg}_*.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        log(f"apt-get download {pkg}: no .deb found")
        return None
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    res = subprocess.run(["dpkg-deb", "-x", str(debs[-1]), str(dest)])
    if res.returncode != 0:
        log(f"dpkg-deb -x {debs[-1]} failed")
        return None
    for d in debs:
        d.unlink()
    stamp.write_text(version + "\n")
    return dest, version


def npm_package(pkg: str, base: Path) -> Path | None:
    """Unpacked ``npm pack PKG@VERSION`` tarball in base/npm/ (idempotent).

    ``npm pack`` fetches exactly that package's published tarball: no dependency resolution,
    no install scripts, so the files are fixed by the pinned version.
    """
    version = NPM_PACKAGES[pkg]
    dest = base / "npm" / f"{pkg.replace('/', '__')}-{version}"
    stamp = dest / ".complete"
    if stamp.exists():
        return dest / "package"
    if not shutil.which("npm"):
        tools.apt_install("npm")
    if not shutil.which("npm"):
        log("npm not found: javascript/typescript/tsx corpora unavailable")
        return None
    dl = base / "npm" / "download"
    shutil.rmtree(dl, ignore_errors=True)
    dl.mkdir(parents=True)
    log(f"npm pack {pkg}@{version}")
    res = subprocess.run(["npm", "pack", "--silent", "--loglevel=error", f"{pkg}@{version}"],
                         cwd=dl, capture_output=True, text=True)
    tgz = sorted(dl.glob("*.tgz"))
    if res.returncode != 0 or not tgz:
        log(f"npm pack {pkg}@{version} failed: {res.stderr.strip()[-500:]}")
        return None
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    _safe_extract(tgz[0], dest)
    shutil.rmtree(dl, ignore_errors=True)
    stamp.write_text(f"{pkg}@{version}\n")
    return dest / "package"


def _safe_extract(tar_path: Path, dest: Path) -> None:
    with tarfile.open(tar_path) as tf:
        for m in tf.getmembers():
            if not (m.isfile() or m.isdir()):
                continue
            if m.name.startswith("/") or ".." in Path(m.name).parts:
                continue
            tf.extract(m, dest)


def pypi_sdist(name: str, version: str, base: Path) -> Path | None:
    """Unpacked sdist of name==version (``pip download --no-binary :all:``), idempotent."""
    dest = base / "sdist" / f"{name}-{version}"
    stamp = dest / ".complete"
    if stamp.exists():
        return dest
    dl = base / "sdist" / "download"
    dl.mkdir(parents=True, exist_ok=True)
    py = str(tools.VENV / "bin" / "python") if (tools.VENV / "bin" / "python").exists() \
        else sys.executable
    log(f"pip download --no-binary :all: {name}=={version}")
    res = subprocess.run([py, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                          "--no-deps", "--no-binary", ":all:", "-d", str(dl),
                          f"{name}=={version}"])
    tars = sorted(dl.glob(f"{name}-{version}.tar.gz")) + \
        sorted(dl.glob(f"{name.lower()}-{version}.tar.gz"))
    if res.returncode != 0 or not tars:
        log(f"pip download {name}=={version} failed")
        return None
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    _safe_extract(tars[0], dest)
    stamp.write_text(f"{name}=={version}\n")
    return dest


# --------------------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------------------

def python_corpus(base: Path) -> Corpus:
    c = Corpus("python")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    label = f"cpython-{sys.version_info.major}.{sys.version_info.minor}." \
            f"{sys.version_info.micro}-stdlib"
    files = list(stdlib.glob("*.py"))
    for pkg in PY_PACKAGES:
        files += _rglob(stdlib / pkg, "*.py", exclude_dirs={"test", "tests", "idle_test"})
    c.add(label, stdlib, files)
    return c.finish()


def rust_corpus(base: Path) -> Corpus:
    c = Corpus("rust")
    for name in RUST_CRATES:
        src = registry_crate(name)
        if src is None:
            c.notes.append(f"crate {name} missing")
            continue
        files = _rglob(src / "src", "*.rs", exclude_dirs={"unicode_tables"})
        c.add(src.name, src, files)
    return c.finish()


def _npm_corpus(lang: str, base: Path, picks) -> Corpus:
    c = Corpus(lang)
    for pkg, rel, pattern in picks:
        root = npm_package(pkg, base)
        if root is None:
            c.notes.append(f"npm pack {pkg} failed")
            continue
        target = root / rel
        files = [target] if target.is_file() else _rglob(target, pattern)
        files = [f for f in files if not f.name.endswith(".d.ts")]
        c.add(f"{pkg.replace('/', '__')}-{NPM_PACKAGES[pkg]}", root, files)
    return c.finish()


def javascript_corpus(base: Path) -> Corpus:
    return _npm_corpus("javascript", base, [
        ("jquery", "src", "*.js"),
        ("moment", "src/lib", "*.js"),
        ("lodash", "lodash.js", ""),
        ("commander", "lib", "*.js"),
    ])


def typescript_corpus(base: Path) -> Corpus:
    return _npm_corpus("typescript", base, [
        ("rxjs", "src", "*.ts"),
        ("@tanstack/query-core", "src", "*.ts"),
    ])


def tsx_corpus(base: Path) -> Corpus:
    return _npm_corpus("tsx", base, [
        ("ra-core", "src", "*.tsx"),
    ])


def _golang_src_package() -> str | None:
    res = subprocess.run(["apt-cache", "depends", "golang-src"], capture_output=True, text=True)
    if res.returncode != 0 or "Depends" not in res.stdout:
        tools.apt_update()
        res = subprocess.run(["apt-cache", "depends", "golang-src"], capture_output=True,
                             text=True)
    m = re.search(r"Depends:\s*(golang-\d+\.\d+-src)", res.stdout)
    return m.group(1) if m else None


def go_corpus(base: Path) -> Corpus:
    c = Corpus("go")
    cached = sorted((base / "deb").glob("golang-*-src_*/.complete"))
    if cached:
        pkg = cached[-1].parent.name.split("_")[0]
    else:
        pkg = _golang_src_package() if shutil.which("apt-cache") else None
    got = deb_unpacked(pkg, base) if pkg else None
    if got is None:
        c.notes.append("Debian golang-src not available")
        return c
    dest, version = got
    srcs = sorted(dest.glob("usr/share/go-*/src")) + sorted(dest.glob("usr/lib/go-*/src"))
    if not srcs:
        c.notes.append(f"no Go source tree in {dest}")
        return c
    src = srcs[0]
    files = []
    for p in GO_PACKAGES:
        files += sorted((src / p).glob("*.go"))
    c.add(f"go-src-{version}", src, files)
    return c.finish()


def java_corpus(base: Path) -> Corpus:
    c = Corpus("java")
    for pkg in JAVA_SOURCE_PACKAGES:
        got = deb_unpacked(pkg, base)
        if got is not None:
            break
    else:
        c.notes.append("no Debian openjdk-*-source available")
        return c
    dest, version = got
    zips = sorted(dest.glob("usr/lib/jvm/*/lib/src.zip"))
    if not zips:
        c.notes.append(f"no src.zip in {dest}")
        return c
    out = base / "java" / f"{pkg}_{version.replace(':', '%3a')}"
    stamp = out / ".complete"
    want = "\n".join(JAVA_DIRS) + "\n"
    if not (stamp.exists() and stamp.read_text() == want):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        pat = re.compile("^(" + "|".join(re.escape(d) for d in JAVA_DIRS) + r")/[^/]+\.java$")
        with zipfile.ZipFile(zips[0]) as zf:
            for name in zf.namelist():
                if pat.match(name):
                    zf.extract(name, out)
        stamp.write_text(want)
    c.add(f"{pkg}-{version}", out, _rglob(out, "*.java"))
    return c.finish()


def c_corpus(base: Path) -> Corpus:
    c = Corpus("c")
    ts = registry_crate("tree-sitter")
    if ts is not None:
        files = list((ts / "src").glob("*.c")) + list((ts / "src").glob("*.h"))
        c.add(ts.name, ts, files)
    else:
        c.notes.append("tree-sitter crate missing")
    for g in TREE_SITTER_GRAMMARS:
        src = registry_crate(g)
        if src is None:
            continue
        scanners = [p for p in _rglob(src, "scanner.c") if "bindings" not in p.parts]
        scanners += [p for p in _rglob(src, "scanner.h") if "tree_sitter" not in p.parts]
        if scanners:
            c.add(src.name, src, scanners)
    sd = pypi_sdist(*BROTLI, base)
    if sd is not None:
        root = sd / f"{BROTLI[0]}-{BROTLI[1]}"
        files = []
        for d in ["common", "dec", "enc", "tools"]:
            files += list((root / "c" / d).glob("*.c")) + list((root / "c" / d).glob("*.h"))
        c.add(f"brotli-{BROTLI[1]}", root, files)
    else:
        c.notes.append("Brotli sdist unavailable")
    return c.finish()


def cpp_corpus(base: Path) -> Corpus:
    c = Corpus("cpp")
    got = deb_unpacked("googletest", base)
    if got is None:
        c.notes.append("Debian googletest not available")
        return c
    dest, version = got
    root = dest / "usr" / "src" / "googletest"
    c.add(f"googletest-{version}", root, _rglob(root, "*.cc"))
    return c.finish()


BUILDERS = {
    "python": python_corpus, "javascript": javascript_corpus,
    "typescript": typescript_corpus, "tsx": tsx_corpus, "rust": rust_corpus,
    "go": go_corpus, "java": java_corpus, "c": c_corpus, "cpp": cpp_corpus,
}


def get_corpus(lang: str, base: Path) -> Corpus:
    if lang not in BUILDERS:
        tools.die(f"unknown language {lang!r} (known: {', '.join(ALL_LANGS)})")
    return BUILDERS[lang](base)


def main() -> int:
    ap = argparse.ArgumentParser(description="Set up and list the real-code corpora.")
    ap.add_argument("--corpus-dir", help="cache directory (default ~/.cache/cairn/corpus)")
    ap.add_argument("--lang", action="append", choices=ALL_LANGS,
                    help="language (repeatable; default: all)")
    ap.add_argument("--files", action="store_true", help="print the file lists")
    args = ap.parse_args()
    base = corpus_dir(args.corpus_dir)
    for lang in args.lang or DEFAULT_LANGS:
        c = get_corpus(lang, base)
        if args.files:
            for f in c.files:
                print(f)
            continue
        print(f"{lang:11} {len(c.files):5} files {c.line_count():8} lines  {c.description()}"
              + (f"  [{'; '.join(c.notes)}]" if c.notes else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
