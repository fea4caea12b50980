"""The Discord side: the client and how it runs (the composition root), answers as embeds with
page buttons and one error handler, and the checks moderators' commands share. The only room
that imports discord.py, with the cogs."""
