"""The contract's endpoint table (filled by the API issue)."""

urlpatterns: list = []
