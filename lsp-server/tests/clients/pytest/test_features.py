"""Hover, code lenses and document symbols; documents Cairn does not analyse; files outside
the workspace; `.cairn.toml` next to a file (valid or broken); and input a server must
survive: positions past the end, changes to documents that were never opened."""

from __future__ import annotations

from lsprotocol import types as lsp

from cairn_client import CairnClient, expected, found, position_at, range_of
from samples import PYTHON, RUST, TYPESCRIPT


def doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


async def hover(client: CairnClient, uri: str, position: lsp.Position) -> lsp.Hover | None:
    return await client.ask(
        client.text_document_hover_async(lsp.HoverParams(text_document=doc(uri), position=position))
    )


async def symbols(client: CairnClient, uri: str):
    return await client.ask(
        client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc(uri)))
    )


async def lenses(client: CairnClient, uri: str):
    return await client.ask(
        client.text_document_code_lens_async(lsp.CodeLensParams(text_document=doc(uri)))
    )


async def opened(client: CairnClient, workspace, sample) -> str:
    uri = (workspace / sample.file_name).as_uri()
    client.open(uri, sample.language_id, sample.text)
    assert found(await client.diagnostics_at(uri, 1)) == expected(
        sample.text, sample.findings, client.encoding
    )
    return uri


def inside(inner: lsp.Range, outer: lsp.Range) -> bool:
    def key(p: lsp.Position):
        return (p.line, p.character)

    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)


# -- hover, code lens, document symbols -------------------------------------------------


async def test_hover_on_a_function_shows_its_metrics_as_a_markdown_table(
    client: CairnClient, workspace
):
    enc = client.encoding
    uri = await opened(client, workspace, PYTHON)
    name = range_of(PYTHON.text, "grade", enc)
    # On the name, and on a line of the body after an emoji (the same function either way).
    body = position_at(PYTHON.text, PYTHON.text.index('bien 😀"') + len("bien 😀"), enc)
    tables = []
    for position in (name.start, body):
        result = await hover(client, uri, position)
        assert result is not None, f"no hover at {position}"
        assert isinstance(result.contents, lsp.MarkupContent)
        assert result.contents.kind == lsp.MarkupKind.Markdown
        if position == name.start:
            assert result.range == name
        table = result.contents.value
        tables.append(table)
        assert table.startswith("**grade**")
        for row in (
            "| metric | value |",
            "| cyclomatic | 4 |",
            "| cognitive | 3 |",
            "| nesting | 1 |",
            "| parameters | 1 |",
        ):
            assert row in table.split("\n"), f"{row!r} not in {table!r}"
    assert tables[0] == tables[1]


async def test_no_hover_outside_functions(client: CairnClient, workspace):
    uri = await opened(client, workspace, PYTHON)
    assert (
        await hover(client, uri, range_of(PYTHON.text, "import yaml", client.encoding).start)
        is None
    )


async def test_a_code_lens_per_function_with_its_complexity(client: CairnClient, workspace):
    enc = client.encoding
    uri = await opened(client, workspace, PYTHON)
    result = await lenses(client, uri)
    assert [(lens.range, lens.command.title) for lens in result] == [
        (range_of(PYTHON.text, "handler", enc), "cyclomatic 1 · cognitive 0"),
        (range_of(PYTHON.text, "grade", enc), "cyclomatic 4 · cognitive 3"),
    ]


async def test_document_symbols_list_the_functions(client: CairnClient, workspace):
    enc = client.encoding
    uri = await opened(client, workspace, TYPESCRIPT)
    result = await symbols(client, uri)
    assert all(isinstance(s, lsp.DocumentSymbol) for s in result)
    text = TYPESCRIPT.text
    checksum_end = text.index('.digest("hex");\n}') + len('.digest("hex");\n}')
    assert [(s.name, s.kind, s.selection_range) for s in result] == [
        ("checksum", lsp.SymbolKind.Function, range_of(text, "checksum", enc, nth=0)),
        ("run", lsp.SymbolKind.Function, range_of(text, "run", enc)),
    ]
    checksum = result[0]
    assert checksum.range == lsp.Range(
        start=range_of(text, "function checksum", enc).start,
        end=position_at(text, checksum_end, enc),
    )
    for symbol in result:
        assert inside(symbol.selection_range, symbol.range), symbol


# -- documents Cairn does not analyse, files outside the workspace -----------------------


async def test_a_plain_text_file_gets_nothing_and_no_error(client: CairnClient, workspace):
    uri = (workspace / "notes.txt").as_uri()
    text = "eval(user_input)\nyaml.load(data)\n"
    client.open(uri, "plaintext", text)
    everywhere = lsp.Range(
        start=lsp.Position(line=0, character=0), end=lsp.Position(line=2, character=0)
    )
    assert await hover(client, uri, lsp.Position(line=0, character=1)) is None
    assert not await lenses(client, uri)
    assert not await symbols(client, uri)
    assert not await client.code_actions(uri, everywhere)
    if client.pulls:
        report = await client.ask(
            client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(text_document=doc(uri))
            )
        )
        assert list(report.items) == []
    # A Python file opened after it is analysed as usual, and nothing came for the text file.
    py = await opened(client, workspace, PYTHON)
    assert py != uri
    assert client.pushed_for(uri) == []


async def test_a_file_outside_the_workspace_and_an_unsaved_buffer_are_analysed(
    client: CairnClient, tmp_path
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for uri in ((elsewhere / "script.py").as_uri(), "untitled:Untitled-1"):
        client.open(uri, "python", PYTHON.text)
        assert found(await client.diagnostics_at(uri, 1)) == expected(
            PYTHON.text, PYTHON.findings, client.encoding
        )


# -- .cairn.toml -------------------------------------------------------------------------


async def test_the_cairn_toml_next_to_a_file_applies(client: CairnClient, workspace):
    project = workspace / "project"
    project.mkdir()
    (project / ".cairn.toml").write_text('[rules]\nignore = ["security/eval"]\n')
    uri = (project / PYTHON.file_name).as_uri()
    client.open(uri, "python", PYTHON.text)
    remaining = [f for f in PYTHON.findings if f[0] != "security/eval"]
    assert found(await client.diagnostics_at(uri, 1)) == expected(
        PYTHON.text, remaining, client.encoding
    )
    assert client.messages == []


async def test_a_broken_cairn_toml_is_shown_and_the_file_is_still_analysed(
    client: CairnClient, workspace
):
    project = workspace / "broken"
    project.mkdir()
    (project / ".cairn.toml").write_text('[rules]\nselect = ["security"]\nunknwon_key = 1\n')
    uri = (project / PYTHON.file_name).as_uri()
    client.open(uri, "python", PYTHON.text)
    [message] = await client.until(lambda: client.messages, "window/showMessage")
    assert message.type == lsp.MessageType.Error
    assert ".cairn.toml" in message.message
    assert "unknwon_key" in message.message
    # The defaults apply: every finding is there.
    assert found(await client.diagnostics_at(uri, 1)) == expected(
        PYTHON.text, PYTHON.findings, client.encoding
    )


# -- input the server must survive -------------------------------------------------------


async def test_positions_past_the_end_are_answered(client: CairnClient, workspace):
    enc = client.encoding
    uri = await opened(client, workspace, RUST)
    far = lsp.Position(line=999, character=999)
    past_line_end = lsp.Position(line=2, character=999)  # inside `client`, past the line end
    assert await hover(client, uri, far) is None
    result = await hover(client, uri, past_line_end)
    assert result is not None and result.contents.value.startswith("**client**")
    actions = await client.code_actions(
        uri, lsp.Range(start=lsp.Position(line=0, character=0), end=far), only=["quickfix"]
    )
    assert {a.title for a in actions} == {
        "Remove `.danger_accept_invalid_certs(true)`",
        "Suppress `security/insecure-tls` on this line",
    }
    # A change whose range starts past the end of the document is clamped to the end.
    client.change(uri, 2, [(lsp.Range(start=far, end=far), "fn extra() {}\n")])
    text = RUST.text + "fn extra() {}\n"
    assert found(await client.diagnostics_at(uri, 2)) == expected(text, RUST.findings, enc)
    assert [s.name for s in await symbols(client, uri)] == ["client", "extra"]


async def test_a_change_to_a_document_never_opened_is_ignored(client: CairnClient, workspace):
    ghost = (workspace / "ghost.py").as_uri()
    zero = lsp.Position(line=0, character=0)
    client.change(ghost, 3, [(lsp.Range(start=zero, end=zero), "eval(x)\n")])
    client.change(ghost, 4, [(None, "eval(x)\n")])
    assert await hover(client, ghost, zero) is None
    uri = await opened(client, workspace, PYTHON)
    assert uri != ghost
    assert client.pushed_for(ghost) == []
    if client.pulls:
        report = await client.ask(
            client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(text_document=doc(ghost))
            )
        )
        assert list(report.items) == []
