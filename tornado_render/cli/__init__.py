"""The `tornado-render` command: `serve` (also what runs when only options are given, as deployments have always
started it), `render` one recap, `sign` a request for a server with RENDER_SIGNING_KEYS, `batch` many recaps
to a server.

`tornado-render --help` lists the commands, a line each; each command's own `--help` says the rest. An unknown
command is refused with the list, never taken for the server's options.
"""

from __future__ import annotations

import sys

COMMANDS = {
    "serve": "run the server: the API, the demo page on /, the renders (settings: tornado-render serve --help)",
    "render": "render one recap (a RenderRequest JSON file) to an MP4, with a progress bar",
    "sign": "sign a URL or request target for a server that wants signed requests (RENDER_SIGNING_KEYS)",
    "batch": "post many recaps (NDJSON or a JSON array) to a server as one batch and follow it to its end",
}
USAGE = "usage: tornado-render {serve,render,sign,batch} ..."


def help_text() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [f"  {name:<{width}}  {line}" for name, line in COMMANDS.items()]
    return "\n".join(
        [
            USAGE,
            "",
            "Render monthly reading recaps as videos, and stream their progress over Server-Sent Events.",
            "",
            "commands:",
            *lines,
            "",
            "`tornado-render COMMAND --help` explains a command. Without a command, the options are the server's",
            "(`tornado-render --port 3400` is `tornado-render serve --port 3400`).",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else None
    if command in ("-h", "--help"):
        print(help_text())
        return 0
    if command == "sign":
        from .sign import main as sign

        return sign(argv[1:])
    if command == "batch":
        from .batch import main as batch

        return batch(argv[1:])
    if command == "render":
        from .render import main as render

        return render(argv[1:])
    from .serve import main as serve

    if command == "serve":
        return serve(argv[1:])
    if command is not None and not command.startswith("-"):
        print(
            f"{USAGE}\ntornado-render: unknown command {command!r}; the commands are {', '.join(COMMANDS)}",
            file=sys.stderr,
        )
        return 2
    return serve(argv)
