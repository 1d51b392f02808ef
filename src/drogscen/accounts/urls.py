from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from drogscen.accounts import two_factor
from drogscen.accounts.views import LoginView

urlpatterns = [
    path("login/", login_not_required(LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/tvafaktor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("konto/tvafaktor/kod/", two_factor.two_factor_verify, name="two_factor_verify"),
]
