"""`relais init`: a French set-up assistant that writes a working configuration."""
