"""Provinces, communes (official codes after the 2025 reform) and hamlets."""
