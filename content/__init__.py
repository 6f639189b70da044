"""Relais's rights content (data, not code): droits/*.yaml, organisations.yaml and
modeles/*.md. Installed as the package `relais_content` so that a wheel carries it."""
