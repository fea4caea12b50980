"""discord.py extensions: thin layers from interactions to the command layer and back."""
