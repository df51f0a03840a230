"""The bureau's and the Department's view: cross-mission roll-ups over the editions in force."""
