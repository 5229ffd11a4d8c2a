"""The session: what the server negotiates in initialize, how it answers what it does not
know, and a clean shutdown."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidRequest, JsonRpcMethodNotFound
from pytest_lsp import client_capabilities

from cairn_client import TIMEOUT, CairnClient
from conftest import initialize_params
from samples import PYTHON


async def test_initialize_announces_the_server_and_negotiates_encoding_and_sync(
    client: CairnClient,
):
    result = client.init_result
    assert result is not None
    assert result.server_info is not None
    assert result.server_info.name == "cairn-lsp"
    assert result.server_info.version, "serverInfo.version is empty"

    capabilities = result.capabilities
    offered = (client.capabilities.general and client.capabilities.general.position_encodings) or []
    expected = "utf-8" if lsp.PositionEncodingKind.Utf8 in offered else "utf-16"
    assert capabilities.position_encoding == expected

    sync = capabilities.text_document_sync
    if isinstance(sync, lsp.TextDocumentSyncOptions):
        assert sync.change == lsp.TextDocumentSyncKind.Incremental
        assert sync.open_close is True
    else:
        assert sync == lsp.TextDocumentSyncKind.Incremental

    # Pull diagnostics are offered exactly to the clients that can pull.
    if client.pulls:
        assert isinstance(capabilities.diagnostic_provider, lsp.DiagnosticOptions)
        assert capabilities.diagnostic_provider.inter_file_dependencies is False
    else:
        assert capabilities.diagnostic_provider is None

    assert capabilities.hover_provider
    assert capabilities.document_symbol_provider
    assert capabilities.code_lens_provider is not None
    actions = capabilities.code_action_provider
    assert isinstance(actions, lsp.CodeActionOptions)
    assert set(actions.code_action_kinds or []) >= {"quickfix", "source.fixAll.cairn"}


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (["utf-8", "utf-16"], "utf-8"),
        (["utf-16", "utf-8"], "utf-8"),
        (["utf-32", "utf-16"], "utf-16"),
        (["utf-16"], "utf-16"),
        ([], "utf-16"),
    ],
)
async def test_position_encoding_is_utf8_only_when_offered(
    bare_client: CairnClient, workspace, offered, expected
):
    capabilities = client_capabilities("neovim")
    capabilities.general = lsp.GeneralClientCapabilities(position_encodings=offered)
    result = await bare_client.ask(
        bare_client.initialize_session(initialize_params(capabilities, workspace))
    )
    assert result.capabilities.position_encoding == expected


async def test_the_config_watcher_is_registered_only_when_the_client_allows_it(
    client: CairnClient,
):
    watched = client.capabilities.workspace.did_change_watched_files

    def watchers():
        return [r for r in client.registrations if r.method == "workspace/didChangeWatchedFiles"]

    if watched is not None and watched.dynamic_registration:
        [registration] = await client.until(watchers, "a didChangeWatchedFiles registration")
        assert registration.register_options["watchers"] == [{"globPattern": "**/.cairn.toml"}]
    else:
        # Let a request go round so a registration sent after initialized would be here.
        await client.ask(
            client.text_document_document_symbol_async(
                lsp.DocumentSymbolParams(
                    text_document=lsp.TextDocumentIdentifier(uri="untitled:none.py")
                )
            )
        )
        assert watchers() == []


async def test_an_unknown_request_gets_method_not_found_and_the_server_keeps_going(
    client: CairnClient,
):
    with pytest.raises(JsonRpcMethodNotFound):
        await client.ask(client.protocol.send_request_async("cairn/noSuchMethod", {}))
    # An unknown notification is ignored ($/ ones may be, others are logged at most).
    client.protocol.notify("$/cairnNoSuchNotification", {})
    uri = "untitled:still-alive.py"
    client.open(uri, "python", PYTHON.text)
    diagnostics = await client.diagnostics_at(uri, 1)
    assert len(diagnostics) == len(PYTHON.findings)


async def test_shutdown_then_exit_ends_the_process_with_status_zero(client: CairnClient):
    assert await client.ask(client.shutdown_async(None)) is None
    # After shutdown every request is an InvalidRequest error (LSP: "shutdown").
    with pytest.raises(JsonRpcInvalidRequest):
        await client.ask(
            client.text_document_hover_async(
                lsp.HoverParams(
                    text_document=lsp.TextDocumentIdentifier(uri="untitled:x.py"),
                    position=lsp.Position(line=0, character=0),
                )
            )
        )
    client.shut_down = True
    client.exit(None)
    server = client._server
    assert server is not None
    status = await asyncio.wait_for(server.wait(), TIMEOUT)
    assert status == 0


async def test_exit_without_shutdown_ends_the_process_with_status_one(client: CairnClient):
    client.shut_down = True
    client.exit(None)
    server = client._server
    assert server is not None
    status = await asyncio.wait_for(server.wait(), TIMEOUT)
    assert status == 1
