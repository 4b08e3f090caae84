"""The household registry: consent, smartphone, marketplace and payment accounts."""
