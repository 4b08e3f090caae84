"""QR labels: household addresses and product origin, as PNG, PDF sheets and SVG."""
