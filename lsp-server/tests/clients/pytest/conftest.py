"""pytest-lsp fixtures: a cairn-lsp process per test, driven by a client that replays the
capabilities of a real editor (Neovim 0.11: UTF-8 positions and pull diagnostics; VS Code
1.65: UTF-16 positions, pushed diagnostics and dynamic file watching)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, client_capabilities

from cairn_client import TIMEOUT, CairnClient, make_client

EDITORS = ["neovim", "visual-studio-code"]


def _server() -> str:
    path = os.environ.get("CAIRN_LSP", "")
    if not path:
        pytest.exit("set CAIRN_LSP to the cairn-lsp binary (./scripts/lsp-clients does)", 2)
    found = shutil.which(path)
    if found is None:
        pytest.exit(f"CAIRN_LSP={path}: no such executable", 2)
    return found


CAIRN_LSP = _server()


def initialize_params(
    capabilities: lsp.ClientCapabilities, workspace: Path
) -> lsp.InitializeParams:
    return lsp.InitializeParams(
        capabilities=capabilities,
        client_info=lsp.ClientInfo(name="pytest-lsp"),
        root_uri=workspace.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)],
    )


async def finish(client: CairnClient) -> None:
    """Ends the session (shutdown, exit) unless the test did; a server still running after
    that is killed, so a hung server fails its test instead of hanging the suite."""
    try:
        if client.capabilities is not None and not client.shut_down:
            client.shut_down = True
            await client.ask(client.shutdown_session())
    finally:
        server = client._server
        if server is not None and server.returncode is None:
            try:
                await asyncio.wait_for(server.wait(), TIMEOUT)
            except TimeoutError:
                server.kill()
                await server.wait()
                raise AssertionError(f"the server was still running {TIMEOUT}s after exit")
    # Nothing is reported twice: a client that pulls diagnostics is never sent any.
    if client.capabilities is not None and client.pulls:
        assert client.published == [], "publishDiagnostics sent to a client that pulls"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The workspace folder the client opens (a fresh directory with no .cairn.toml above
    it: tmp_path is outside the repository)."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    return folder


@pytest_lsp.fixture(
    params=EDITORS,
    config=ClientServerConfig(server_command=[CAIRN_LSP], client_factory=make_client),
)
async def client(request, lsp_client: CairnClient, workspace: Path):
    lsp_client.init_result = await lsp_client.ask(
        lsp_client.initialize_session(
            initialize_params(client_capabilities(request.param), workspace)
        )
    )
    yield
    await finish(lsp_client)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[CAIRN_LSP], client_factory=make_client),
)
async def bare_client(lsp_client: CairnClient):
    """A started server that the test initializes itself (with capabilities of its own)."""
    yield
    await finish(lsp_client)
