"""The `tornado-render` command: serve (the default), `sign` a request target, or `render` one recap."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[:1]
    if command == ["sign"]:
        from .sign import main as sign

        return sign(argv[1:])
    if command == ["render"]:
        from .render import main as render

        return render(argv[1:])
    from .serve import main as serve

    return serve(argv)
