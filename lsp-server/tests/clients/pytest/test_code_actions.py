"""Code actions: the preferred quick fix, applied as the client would apply its WorkspaceEdit,
gives the expected code (and the finding goes once the edit is sent back); "suppress on this
line" silences exactly its finding; `source.fixAll.cairn` applies every fix at once."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from cairn_client import CairnClient, apply_workspace_edit, expected, found, range_of
from samples import PYTHON, SAMPLES, Sample

FIX_ALL = "source.fixAll.cairn"


async def open_sample(client: CairnClient, workspace, sample: Sample):
    uri = (workspace / sample.file_name).as_uri()
    client.open(uri, sample.language_id, sample.text)
    diagnostics = await client.diagnostics_at(uri, 1)
    assert found(diagnostics) == expected(sample.text, sample.findings, client.encoding)
    return uri, diagnostics


def edits_to_changes(edit: lsp.WorkspaceEdit, uri: str) -> list[tuple[lsp.Range, str]]:
    """A workspace edit on one document as didChange content changes: applied in order, so
    from the last position to the first (each change's range then still means what the
    server meant)."""
    assert edit.document_changes is None and edit.changes is not None
    assert set(edit.changes) == {uri}
    edits = sorted(
        edit.changes[uri],
        key=lambda e: (e.range.start.line, e.range.start.character),
        reverse=True,
    )
    return [(e.range, e.new_text) for e in edits]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.language_id)
async def test_the_preferred_quick_fix_gives_the_fixed_code(
    client: CairnClient, workspace, sample: Sample
):
    enc = client.encoding
    uri, diagnostics = await open_sample(client, workspace, sample)
    [diagnostic] = [d for d in diagnostics if d.code == sample.fixed_rule]
    actions = await client.code_actions(uri, diagnostic.range, [diagnostic])
    quick_fixes = [a for a in actions if a.kind == lsp.CodeActionKind.QuickFix]
    [preferred] = [a for a in quick_fixes if a.is_preferred]
    assert list(preferred.diagnostics) == [diagnostic]
    assert preferred.edit is not None and preferred.command is None
    fixed = apply_workspace_edit({uri: sample.text}, preferred.edit, enc)
    assert fixed[uri] == sample.fixed_text

    # Sent back as the client would after applying it: the finding is gone, the others
    # are where they now are.
    client.change(uri, 2, edits_to_changes(preferred.edit, uri))
    remaining = [f for f in sample.findings if f[0] != sample.fixed_rule]
    assert found(await client.diagnostics_at(uri, 2)) == expected(sample.fixed_text, remaining, enc)


async def test_a_finding_without_a_fix_offers_only_its_suppression(client: CairnClient, workspace):
    uri, diagnostics = await open_sample(client, workspace, PYTHON)
    [diagnostic] = [d for d in diagnostics if d.code == "security/eval"]
    actions = await client.code_actions(uri, diagnostic.range, [diagnostic], only=["quickfix"])
    assert [a.title for a in actions] == ["Suppress `security/eval` on this line"]
    assert actions[0].is_preferred is not True


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.language_id)
async def test_suppress_silences_that_finding_on_its_line(
    client: CairnClient, workspace, sample: Sample
):
    enc = client.encoding
    uri, diagnostics = await open_sample(client, workspace, sample)
    rule, source = sample.findings[-1]
    [diagnostic] = [d for d in diagnostics if d.code == rule]
    actions = await client.code_actions(uri, diagnostic.range, [diagnostic], only=["quickfix"])
    [suppress] = [a for a in actions if a.title.startswith("Suppress")]
    assert suppress.kind == lsp.CodeActionKind.QuickFix
    assert list(suppress.diagnostics) == [diagnostic]
    text = apply_workspace_edit({uri: sample.text}, suppress.edit, enc)[uri]
    comment = "#" if sample.language_id == "python" else "//"
    line = diagnostic.range.start.line
    assert text.split("\n")[line] == (
        sample.text.split("\n")[line] + f"  {comment} cairn: ignore[{rule}]"
    )
    client.change(uri, 2, edits_to_changes(suppress.edit, uri))
    remaining = sample.findings[:-1]
    assert found(await client.diagnostics_at(uri, 2)) == expected(text, remaining, enc)


@pytest.mark.parametrize("only", [["source.fixAll"], ["source"], [FIX_ALL]])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.language_id)
async def test_fix_all_applies_every_quick_fix_when_source_actions_are_asked_for(
    client: CairnClient, workspace, sample: Sample, only
):
    uri, _ = await open_sample(client, workspace, sample)
    whole = lsp.Range(
        start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)
    )
    actions = await client.code_actions(uri, whole, [], only=only)
    [fix_all] = actions
    assert fix_all.kind == FIX_ALL
    assert fix_all.edit is not None
    fixed = apply_workspace_edit({uri: sample.text}, fix_all.edit, client.encoding)
    assert fixed[uri] == sample.all_fixed_text


@pytest.mark.parametrize(
    ("only", "kinds"),
    [
        (["quickfix"], {"quickfix"}),
        (["source.organizeImports"], set()),
        (["refactor"], set()),
        (None, {"quickfix", FIX_ALL}),
    ],
)
async def test_the_only_filter_is_respected(client: CairnClient, workspace, only, kinds):
    uri, diagnostics = await open_sample(client, workspace, PYTHON)
    [diagnostic] = [d for d in diagnostics if d.code == "security/weak-hash"]
    actions = await client.code_actions(uri, diagnostic.range, [diagnostic], only=only)
    assert {a.kind for a in actions} == kinds


async def test_no_quick_fix_away_from_any_finding(client: CairnClient, workspace):
    uri, _ = await open_sample(client, workspace, PYTHON)
    blank = range_of(PYTHON.text, "import yaml", client.encoding)
    actions = await client.code_actions(uri, blank, [], only=["quickfix"])
    assert actions == []


async def test_suppress_goes_before_a_crlf_line_end(client: CairnClient, workspace):
    enc = client.encoding
    text = PYTHON.text.replace("\n", "\r\n")
    uri = (workspace / "crlf.py").as_uri()
    client.open(uri, "python", text)
    diagnostics = await client.diagnostics_at(uri, 1)
    assert found(diagnostics) == expected(text, PYTHON.findings, enc)
    [diagnostic] = [d for d in diagnostics if d.code == "security/eval"]
    actions = await client.code_actions(uri, diagnostic.range, [diagnostic], only=["quickfix"])
    [suppress] = actions
    fixed = apply_workspace_edit({uri: text}, suppress.edit, enc)[uri]
    assert fixed == text.replace(
        "eval(user_input)\r\n", "eval(user_input)  # cairn: ignore[security/eval]\r\n"
    )
