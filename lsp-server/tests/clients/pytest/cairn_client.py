"""The test client and the text helpers the suite checks the server's answers with.

Positions are computed here independently of the server: a Python string, split into lines
at ``\\n`` (and ``\\r\\n``), with columns counted in the negotiated encoding (UTF-8 bytes or
UTF-16 code units, where an emoji is a surrogate pair: two units).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES
from pygls.protocol import default_converter

# How long to wait for any one answer or notification. The server answers in milliseconds;
# this only bounds a hang, it never paces the tests.
TIMEOUT = 10.0

T = TypeVar("T")


# --------------------------------------------------------------------------------------
# Text and positions
# --------------------------------------------------------------------------------------


def units(text: str, encoding: str) -> int:
    """The length of ``text`` in the code units of ``encoding`` ("utf-8" or "utf-16")."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    raise ValueError(f"unexpected position encoding {encoding!r}")


def position_at(text: str, index: int, encoding: str) -> lsp.Position:
    """The LSP position of the character index ``index`` of ``text``."""
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return lsp.Position(line=line, character=units(text[line_start:index], encoding))


def index_at(text: str, position: lsp.Position, encoding: str) -> int:
    """The character index of an LSP position (strict: the position must exist in text)."""
    lines = text.split("\n")
    assert position.line < len(lines), f"{position} is past the last line"
    index = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line]
    line = line.removesuffix("\r")  # of a \r\n line end: not a character of the line
    count = 0
    for i, ch in enumerate(line):
        if count == position.character:
            return index + i
        if count > position.character:
            raise AssertionError(f"{position} splits the character before {ch!r} ({encoding})")
        count += units(ch, encoding)
    if count > position.character:
        raise AssertionError(f"{position} splits the last character of {line!r} ({encoding})")
    assert count == position.character, f"{position} is past the end of line {line!r}"
    return index + len(line)


def range_of(text: str, needle: str, encoding: str, nth: int = 0) -> lsp.Range:
    """The range of the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return lsp.Range(
        start=position_at(text, start, encoding),
        end=position_at(text, start + len(needle), encoding),
    )


def apply_edits(text: str, edits: Sequence[lsp.TextEdit], encoding: str) -> str:
    """Applies text edits the way a client does: every range refers to the original text,
    ranges must not overlap, inserts at one position keep their order."""
    spans = []
    for order, edit in enumerate(edits):
        start = index_at(text, edit.range.start, encoding)
        end = index_at(text, edit.range.end, encoding)
        assert start <= end, f"reversed range in {edit}"
        spans.append((start, end, order, edit.new_text))
    spans.sort()
    for (_, a_end, _, _), (b_start, _, _, _) in zip(spans, spans[1:]):
        assert a_end <= b_start, f"overlapping text edits: {edits}"
    for start, end, _, new_text in reversed(spans):
        text = text[:start] + new_text + text[end:]
    return text


def apply_workspace_edit(
    texts: dict[str, str], edit: lsp.WorkspaceEdit, encoding: str
) -> dict[str, str]:
    """Applies a workspace edit to documents given as uri -> text; returns the new texts."""
    out = dict(texts)
    changes: list[tuple[str, Sequence[lsp.TextEdit]]] = []
    if edit.changes:
        changes.extend(edit.changes.items())
    for change in edit.document_changes or []:
        assert isinstance(change, lsp.TextDocumentEdit), f"unexpected change {change}"
        changes.append((change.text_document.uri, change.edits))
    for uri, edits in changes:
        assert uri in out, f"edit for a document the test did not open: {uri}"
        out[uri] = apply_edits(out[uri], edits, encoding)
    return out


def expected(
    text: str, findings: Sequence[tuple[str, str]], encoding: str
) -> list[tuple[str, lsp.Range]]:
    """(rule, range) of each finding, located in ``text`` by its source text."""
    seen: dict[str, int] = {}
    out = []
    for rule, source in findings:
        nth = seen.get(source, 0)
        seen[source] = nth + 1
        out.append((rule, range_of(text, source, encoding, nth)))
    return sorted(out, key=lambda f: (f[1].start.line, f[1].start.character))


def found(diagnostics: Sequence[lsp.Diagnostic]) -> list[tuple[str, lsp.Range]]:
    return sorted(
        ((d.code, d.range) for d in diagnostics),
        key=lambda f: (f[1].start.line, f[1].start.character),
    )


# --------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------


class CairnClient(LanguageClient):
    """pytest-lsp's client, recording every ``publishDiagnostics`` (with its version),
    ``showMessage`` and capability registration, so a test can wait for one event without
    losing another that arrived in the same read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[lsp.PublishDiagnosticsParams] = []
        self.registrations: list[lsp.Registration] = []
        self.init_result: lsp.InitializeResult | None = None
        self.shut_down = False
        self._inbox = asyncio.Event()

    # -- what the session negotiated ---------------------------------------------------

    @property
    def encoding(self) -> str:
        assert self.init_result is not None
        return self.init_result.capabilities.position_encoding or "utf-16"

    @property
    def pulls(self) -> bool:
        """Did this client declare pull diagnostics (``textDocument.diagnostic``)?"""
        assert self.capabilities is not None
        text_document = self.capabilities.text_document
        return text_document is not None and text_document.diagnostic is not None

    # -- events --------------------------------------------------------------------------

    def notify_inbox(self) -> None:
        self._inbox.set()

    async def until(self, predicate: Callable[[], T], what: str, timeout: float = TIMEOUT) -> T:
        """Waits until ``predicate()`` is truthy (it is re-checked after every message the
        server sends us) and returns its value."""

        async def wait() -> T:
            while True:
                value = predicate()
                if value:
                    return value
                self._inbox.clear()
                await self._inbox.wait()

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}") from None

    async def ask(self, request: Any) -> Any:
        """Awaits a request's answer, failing (instead of hanging) if none comes."""
        try:
            return await asyncio.wait_for(request, TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"no answer within {TIMEOUT}s") from None

    # -- documents -----------------------------------------------------------------------

    def open(self, uri: str, language_id: str, text: str, version: int = 1) -> None:
        self.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id=language_id, version=version, text=text
                )
            )
        )

    def change(
        self,
        uri: str,
        version: int,
        changes: Sequence[tuple[lsp.Range | None, str]],
    ) -> None:
        """One didChange with the given (range, text) changes, applied in order."""
        content_changes: list[lsp.TextDocumentContentChangeEvent] = []
        for range_, text in changes:
            if range_ is None:
                content_changes.append(lsp.TextDocumentContentChangeWholeDocument(text=text))
            else:
                content_changes.append(
                    lsp.TextDocumentContentChangePartial(range=range_, text=text)
                )
        self.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=content_changes,
            )
        )

    def pushed_for(self, uri: str) -> list[lsp.PublishDiagnosticsParams]:
        return [p for p in self.published if p.uri == uri]

    async def diagnostics_at(self, uri: str, version: int) -> list[lsp.Diagnostic]:
        """The document's diagnostics at ``version``, the way this client gets them: pulled
        with textDocument/diagnostic when it declared pull support, else the
        publishDiagnostics for exactly that version (which must come)."""
        if self.pulls:
            report = await self.ask(
                self.text_document_diagnostic_async(
                    lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
                )
            )
            assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport), report
            return list(report.items)
        published = await self.until(
            lambda: [p for p in self.pushed_for(uri) if p.version == version],
            f"publishDiagnostics for {uri} version {version}",
        )
        assert len(published) == 1, f"version {version} of {uri} published twice: {published}"
        return list(published[0].diagnostics)

    async def code_actions(
        self,
        uri: str,
        range_: lsp.Range,
        diagnostics: Sequence[lsp.Diagnostic] = (),
        only: Sequence[str] | None = None,
    ) -> list[lsp.CodeAction]:
        result = await self.ask(
            self.text_document_code_action_async(
                lsp.CodeActionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    range=range_,
                    context=lsp.CodeActionContext(
                        diagnostics=list(diagnostics),
                        only=list(only) if only is not None else None,
                    ),
                )
            )
        )
        actions = list(result or [])
        for action in actions:
            assert isinstance(action, lsp.CodeAction), f"a bare Command: {action}"
        return actions


def _publish_diagnostics(client: CairnClient, params: lsp.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)
    client.notify_inbox()


def _show_message(client: CairnClient, params: lsp.ShowMessageParams) -> None:
    client.messages.append(params)
    client.notify_inbox()


def _register_capability(client: CairnClient, params: lsp.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)
    client.notify_inbox()


def _unregister_capability(client: CairnClient, params: lsp.UnregistrationParams) -> None:
    gone = {u.id for u in params.unregisterations}
    client.registrations = [r for r in client.registrations if r.id not in gone]
    client.notify_inbox()


def _diagnostic_refresh(client: CairnClient, params: None) -> None:
    client.diagnostic_refresh_count += 1
    client.notify_inbox()


def make_client() -> CairnClient:
    client = CairnClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish_diagnostics
    features[lsp.WINDOW_SHOW_MESSAGE] = _show_message
    features[lsp.CLIENT_REGISTER_CAPABILITY] = _register_capability
    features[lsp.CLIENT_UNREGISTER_CAPABILITY] = _unregister_capability
    features[lsp.WORKSPACE_DIAGNOSTIC_REFRESH] = _diagnostic_refresh
    for method, handler in features.items():
        client.feature(method)(handler)
    return client
