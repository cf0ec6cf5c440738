"""Lessons (erfarenheter): observations and recommendations followed until done."""
