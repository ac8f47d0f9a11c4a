"""Plain-Python signing engine (no ORM): renditions, XMLDSig, PAdES, backends, verification."""
