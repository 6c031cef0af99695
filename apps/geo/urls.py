from django.urls import path

from apps.geo import views

app_name = "geo"

urlpatterns = [
    path("", views.district_list, name="district_list"),
    path("lookup/", views.district_lookup, name="district_lookup"),
]
