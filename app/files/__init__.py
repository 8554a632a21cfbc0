"""Uploaded files without the database: their kinds and names, where they are kept, and their links.

The write path that stores a submission's files and their rows is app/services/uploads.py.
"""
