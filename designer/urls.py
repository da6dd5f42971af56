"""URL routes: the studio pages, login, admin. The APIs add their own lines here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from designer import views, webhook_views
from designer.api import api as studio_api
from designer.api_guard import guard
from designer.aws_api import scheduler_api
from designer.aws_api import views as aws_views

guard(studio_api)  # strict JSON bodies, clean 4xx for hostile input, docs behind login

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", studio_api.urls),  # the studio REST API (live lookups at /api/live/), OpenAPI at /api/docs
    # EventBridge Scheduler's rest-json API (designer/aws_api/scheduler_api.py)
    path("schedules", scheduler_api.schedule_collection),
    path("schedules/<str:name>", scheduler_api.schedule),
    path("schedule-groups", scheduler_api.schedule_group_collection),
    path("schedule-groups/<str:name>", scheduler_api.schedule_group),
    path("webhooks/<str:token>", webhook_views.webhook, name="webhook"),
    path("", aws_views.root, name="aws-api"),  # AWS JSON API on signed POSTs, else the studio
    path("", views.studio, name="studio"),
    re_path(r"^machines/.*$", views.studio, name="studio-machines"),
    re_path(r"^(?:executions|activities|access-keys)/$", views.studio, name="studio-pages"),
]
