"""Infrastructure the rest of the app stands on."""
