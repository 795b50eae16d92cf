from typing import Any

app_name = "chat"
urlpatterns: list[Any] = []
