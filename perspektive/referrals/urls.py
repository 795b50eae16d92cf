from typing import Any

app_name = "referrals"
urlpatterns: list[Any] = []
