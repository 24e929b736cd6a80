"""One render: the pipeline, the Remotion bundle, the driver process and what it starts, progress, covers."""
