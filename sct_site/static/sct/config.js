window.__PUBLIC_PATH__ = "/static/vendor/bootstrap-italia/fonts";
