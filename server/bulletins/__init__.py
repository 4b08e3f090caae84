"""Market and season bulletins: notices a supervisor writes for a place, carried to villages by trainers' phones."""
