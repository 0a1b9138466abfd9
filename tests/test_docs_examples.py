"""Every ```python block of README.md and docs/api.md runs, in order, from the repository root.

Blocks of one document share one namespace (later examples use what earlier ones made) and
run with the working directory at the repository root, so ``tests/data/...`` paths resolve.
``tempfile`` is pointed at the test's tmp folder, so what the examples write with
``tempfile.mkdtemp()`` lands there. A block that is deliberately not run must be preceded by
a line ``<!-- not-run: reason -->``; it is still compiled, so its syntax stays right.
Failures name the document and its line (the code is compiled at its line in the file).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "docs/api.md", "docs/user-guide.md")

FENCE = re.compile(r"^(\s*)```\s*([\w+-]*)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not-run:\s*(\S.*?)\s*-->$")
PYTHON_NAMES = {"python", "py", "python3", "pycon", "ipython"}


@dataclass(frozen=True)
class Block:
    document: str
    line: int  # 1-based line of the first code line
    code: str
    not_run: str  # the reason, "" for a block that runs


def python_blocks(document: str) -> list[Block]:
    """The fenced blocks of ``document`` tagged as Python, in order."""
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang = m.group(2).lower()
        start = i + 1
        end = start
        while end < len(lines) and not FENCE.match(lines[end]):
            end += 1
        if end == len(lines):
            raise AssertionError(f"{document}:{i + 1}: code fence never closed")
        if lang in PYTHON_NAMES:
            # Only ```python counts, so a differently tagged block cannot slip past unrun.
            assert lang == "python", f"{document}:{i + 1}: tag Python blocks ```python, not ```{lang}"
            previous = lines[i - 1].strip() if i > 0 else ""
            marker = NOT_RUN.match(previous)
            if previous.startswith("<!--") and "not-run" in previous and not marker:
                raise AssertionError(f"{document}:{i}: a not-run marker needs a reason")
            code = "\n".join(lines[start:end])
            blocks.append(Block(document, start + 1, code, marker.group(1) if marker else ""))
        i = end + 1
    return blocks


def compiled(block: Block):
    # Pad with newlines so tracebacks point at the block's own lines in the document.
    return compile("\n" * (block.line - 1) + block.code, str(ROOT / block.document), "exec")


def test_documents_have_their_examples():
    blocks = {doc: python_blocks(doc) for doc in DOCUMENTS}
    assert len(blocks["README.md"]) >= 1, "README.md lost its Scripting example"
    assert len(blocks["docs/api.md"]) >= 15, "docs/api.md lost examples"
    for found in blocks.values():
        for block in found:
            compiled(block)  # every block, run or not, is valid Python


@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTS)
def test_examples_run(document, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    namespace: dict = {"__name__": f"docs_example_{Path(document).stem}"}
    blocks = python_blocks(document)
    ran = 0
    for block in blocks:
        if block.not_run:
            continue
        exec(compiled(block), namespace)  # noqa: S102 - running the documentation is the test
        ran += 1
    assert ran >= 1 or not blocks, f"{document}: every example is marked not-run"
    # Examples write only into the tmp folder: nothing new appears in the repository root.
    assert not any(p.suffix in (".csv", ".json", ".hdf") for p in ROOT.iterdir()), document
