"""Users, roles, place scopes, sign-in and device tokens."""
