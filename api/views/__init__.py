"""DRF views, one module per area; each method parses, makes one call, and answers."""
