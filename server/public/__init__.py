"""Public pages reached by scanning labels: product origin, GS1 Digital Link resolver, addresses."""
