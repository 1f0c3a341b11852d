"""Text gates only skip files that cannot have a finding: with the gates off, the
same findings come out of the fixtures and examples."""


import pytest

from conftest import EXAMPLES, FIXTURES
from hub_dist_lint import engine
from hub_dist_lint.rules import CHECKERS

FILES = sorted(FIXTURES.rglob("*.py")) + sorted(EXAMPLES.glob("*.py"))


class _Open:
    def search(self, text, package=None):
        return True


def test_gates_do_not_change_findings(monkeypatch):
    gated = {p: engine.lint(p.read_bytes(), str(p)) for p in FILES}
    for checker in CHECKERS:
        monkeypatch.setattr(type(checker), "gate", _Open())
    for path in FILES:
        assert engine.lint(path.read_bytes(), str(path)) == gated[path], path.name


@pytest.mark.parametrize("line", ["import tensorflow.compat.v1 as tf", "import tensorflow.compat.v2",
                                  "import tensorflow.compat.v2 as tf  # noqa"])
def test_compat_lines_alone_are_not_parsed(line):
    assert not engine.analyze(line + "\n").parsed
