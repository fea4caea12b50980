"""newsdesk: a newsroom bot for Discord; one package per capability (the README's Layout)."""
