"""The checks behind ``r1-tui doctor`` and the first-run setup: config, network, credential, a tiny stream.

No printing here: :mod:`tui.commands.doctor` prints them, the setup screen shows them.
"""
