from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check, skipped when ``authenticate()`` gets no request.

    Every real login (``/account/accedi/``, the Wagtail admin login) passes the request and is
    throttled; ``authenticate(username=…, password=…)`` without a request (``Client.login`` in tests,
    management scripts) cannot be attributed to a client and is left to the next backends instead
    of failing with AxesBackendRequestParameterRequired.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
