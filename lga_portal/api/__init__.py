"""Plumbing the apps' REST APIs share: authentication, paging, CSV, errors, throttling, schema."""
