"""One row per ``bot_name``: the owner that scopes every trade, order and lock, and the
control plane's registry entry (where the bot's API listens, what it trades with)."""

from django.db import models


class Bot(models.Model):
    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Freqtrade's persisted bot_start_time: set once, at the first start on this database.
    bot_start_time = models.DateTimeField(null=True, blank=True)
    # Registry: written by runbot at each start, so any API process can route
    # /bots/<name>/api/v1/... to this bot and aggregate its portfolio.
    api_url = models.CharField(
        max_length=200,
        blank=True,
        help_text="Base URL of this bot's own API (no /api/v1), e.g. http://127.0.0.1:8081.",
    )
    # What runbot itself registered, never edited by hand (nor shown in the admin or the API):
    # the /bots/ proxy sends a client's credentials only to this address (api/proxy.py), and
    # signs the client's address for the bot with this secret, new at every start.
    registered_api_url = models.CharField(max_length=200, blank=True, editable=False)
    proxy_secret = models.CharField(max_length=64, blank=True, editable=False)
    stake_currency = models.CharField(max_length=25, blank=True)
    dry_run = models.BooleanField(default=True)
    # The wallet a dry-run bot starts from; NULL for live bots (their balance is the exchange's).
    starting_balance = models.FloatField(null=True, blank=True)
    exchange = models.CharField(max_length=50, blank=True)
    strategy = models.CharField(max_length=100, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
