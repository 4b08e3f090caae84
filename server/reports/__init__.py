"""Indicators, baselines, targets, the dashboard, exports and import."""
