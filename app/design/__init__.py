"""How a hosted form looks: its theme and its description; plain functions, no database."""
