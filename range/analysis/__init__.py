"""The debrief from the event log alone: the log digested, decisions timed, weapon use,
the report records and their text form."""
