"""Official progress (the census office's own counts) per area and date."""
