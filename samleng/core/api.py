"""What every app's JSON API shares: errors said in English and in Khmer."""


class ApiError(Exception):
    """An error of the JSON API, answered as {"detail": English, "detail_km": Khmer} with `status`
    (samleng/api.py registers the handler)."""

    def __init__(self, status: int, en: str, km: str):
        super().__init__(en)
        self.status, self.en, self.km = status, en, km

    def as_dict(self) -> dict:
        return {"detail": self.en, "detail_km": self.km}
