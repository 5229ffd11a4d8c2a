"""A `.cairn.toml` that changes while documents are open: the server reads it again and the
client learns the new diagnostics without editing the document."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import client_capabilities

from cairn_client import CairnClient, expected, found
from conftest import initialize_params
from samples import PYTHON

WITHOUT_EVAL = [f for f in PYTHON.findings if f[0] != "security/eval"]


async def open_in_project(client: CairnClient, workspace):
    project = workspace / "project"
    project.mkdir()
    uri = (project / PYTHON.file_name).as_uri()
    client.open(uri, "python", PYTHON.text)
    assert found(await client.diagnostics_at(uri, 1)) == expected(
        PYTHON.text, PYTHON.findings, client.encoding
    )
    config = project / ".cairn.toml"
    config.write_text('[rules]\nignore = ["security/eval"]\n')
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=config.as_uri(), type=lsp.FileChangeType.Created)]
        )
    )
    return uri


async def test_a_new_cairn_toml_is_applied_to_open_documents(client: CairnClient, workspace):
    uri = await open_in_project(client, workspace)
    if client.pulls:
        assert found(await client.diagnostics_at(uri, 1)) == expected(
            PYTHON.text, WITHOUT_EVAL, client.encoding
        )
        return
    # Pushed again for the same version, now without the ignored rule.
    republished = await client.until(
        lambda: client.pushed_for(uri)[1:], "diagnostics republished after the reload"
    )
    assert republished[-1].version == 1
    assert found(republished[-1].diagnostics) == expected(
        PYTHON.text, WITHOUT_EVAL, client.encoding
    )


async def test_a_pull_client_is_asked_to_refresh_after_a_reload(
    bare_client: CairnClient, workspace
):
    capabilities = client_capabilities("neovim")
    capabilities.workspace.diagnostics = lsp.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True
    )
    bare_client.init_result = await bare_client.ask(
        bare_client.initialize_session(initialize_params(capabilities, workspace))
    )
    assert bare_client.pulls
    uri = await open_in_project(bare_client, workspace)
    # The reload has happened once a pull sees the new configuration; the refresh request is
    # sent by the reload, so it has arrived by the time a second request is answered.
    assert found(await bare_client.diagnostics_at(uri, 1)) == expected(
        PYTHON.text, WITHOUT_EVAL, bare_client.encoding
    )
    await bare_client.diagnostics_at(uri, 1)
    assert bare_client.diagnostic_refresh_count == 1
