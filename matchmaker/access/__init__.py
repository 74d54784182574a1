"""Getting into one's own account, and learning nothing about anyone else's.

`devices`: browsers that signed in before, remembered on the server, so a burst of wrong
passwords from elsewhere does not lock the owner out. `links`: mailed one-time sign-in
links, which also serve "forgot password". `mails`: the mails about accounts, each in its
reader's language, through which an address's owner (and only they) learns that the
address has an account, as registrations, invitations and link requests answer alike
whatever exists.
"""
