"""The command-line layer: each module reads one command's options, calls the headless core (which
takes and returns data) and prints. Everything printed about files goes through :mod:`.output`."""
