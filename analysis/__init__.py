"""How AI labs open or close their models, read from the news."""
