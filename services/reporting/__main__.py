from reporting.bootstrap import build_app, settings
from shared.serve import serve

config = settings()
serve(build_app(config), config)
