"""Integrations with other services: presets that fill the webhook editor."""
