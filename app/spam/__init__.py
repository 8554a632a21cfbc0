"""Spam protection: a proof-of-work challenge, cheap signals, optional captchas, and the verdict."""
