"""Edge positioning: per-pair stoplosses, pair filter and stake sizing from history."""
