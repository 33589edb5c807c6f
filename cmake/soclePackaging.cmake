# Installation and packaging rules (filled by the packaging work).
