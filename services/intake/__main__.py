from intake.bootstrap import build_app
from intake.settings import settings
from shared.serve import serve

config = settings()
serve(build_app(config), config)
