"""The websocket message stream (contract §4): consumer, routing, the engine's publisher."""
