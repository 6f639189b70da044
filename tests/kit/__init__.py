"""The shared test kit: fixtures and helpers every suite uses (unit, integration, faults)."""
