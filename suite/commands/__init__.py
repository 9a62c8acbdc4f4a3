"""Small CLI commands that belong to no larger subsystem."""
