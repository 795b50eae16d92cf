from typing import Any

app_name = "appointments"
urlpatterns: list[Any] = []
