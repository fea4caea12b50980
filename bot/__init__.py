"""newsdesk: a newsroom bot for Discord; the core package (no Discord imports below `commands`)."""
