"""The webhook engine: plain functions, testable without Flask where possible."""
