"""A Prefect server for a team, started and stopped by penholder (``penholder server``).

``processes``: the server and its workers as processes of this machine, and the state file
``$PREFECT_HOME/penholder-server.json`` that names them (never a file in a workspace's tree);
``setup``: what the server needs before work reaches it (the work pool, the global concurrency
limit ``workspace``, the deployments of ``prefect.yaml``); ``cli``: ``penholder server
up|down|status``. ``flows.engine.prepare`` points the CLI at a server this file names.
"""
