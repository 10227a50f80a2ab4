from reporting.bootstrap import build_app, settings
from shared.serve import serve

# Guarded: a rebuild's worker processes are spawned, and a spawned child runs the parent's main module
# again (as __mp_main__); unguarded, each worker would start a second service.
if __name__ == "__main__":
    config = settings()
    serve(build_app(config), config)
