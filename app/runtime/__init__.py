"""The processes and commands: make run's launcher, the worker, the flask CLI, an embedded Valkey."""
