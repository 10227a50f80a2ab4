from housing.bootstrap import build_app
from housing.settings import settings
from shared.serve import serve

config = settings()
serve(build_app(config), config)
