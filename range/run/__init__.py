"""Runs of a world: the event types and their log codec, the log writer, the input queue,
and scripted, live and replayed sessions."""
