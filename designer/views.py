"""HTML views: the single-page studio shell (the React app routes inside it)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def studio(request, **kwargs):
    """Serve the studio shell for every front-end route."""
    return render(request, "designer/studio.html")
