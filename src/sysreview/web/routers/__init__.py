"""One router per area of the web app (see :data:`sysreview.web.app.ROUTERS`)."""
