"""The metrics app's REST API: surveys and their results, indicators, coverage and survey trends."""
