"""The engagements app's REST API: the council register, engagements, support requests, take-up."""
