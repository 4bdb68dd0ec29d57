"""The command line, one module per command (``python -m analysis COMMAND``; ``__main__.COMMANDS``
lists them).  Each module has ``add_arguments(name, parser)`` and ``run_cli(name, args)`` (which
returns the exit code); ``common`` holds the options several commands share and the one map from
the package's exceptions to ``error: ...`` and an exit code."""
