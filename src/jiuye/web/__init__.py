"""The portal and staff web pages (server-rendered, Simplified Chinese)."""
