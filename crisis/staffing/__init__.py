"""Staff positions (stabsfunktioner) per incident and who holds them."""
