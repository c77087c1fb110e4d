"""Trainer studio: sign-in, persona and prompt versions, realism checks, cohort numbers."""
