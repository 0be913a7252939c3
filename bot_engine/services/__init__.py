"""State-changing actions on the running bot; each runs on the engine thread via ``bot.call``."""
