"""tornado-render: monthly reading recaps rendered as videos with Remotion, progress streamed over SSE."""

__version__ = "0.1.0"
