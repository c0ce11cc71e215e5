"""What the server sends out: state as JSON-ready values, binary frames, pictures and figures."""
