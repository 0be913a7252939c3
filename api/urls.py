"""The contract's endpoint table (§2): one ``path()`` per row, legacy names on the same view.

No trailing slashes (contract §0). Names are Freqtrade's route names.
"""

from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from api import schema  # noqa: F401  (registers the OpenAPI auth extensions)
from api.auth.views import TokenLoginView, TokenLogoutView, TokenRefreshView
from api.proxy import bot_api
from api.views import (
    analysis,
    audit,
    background,
    backtest,
    candles,
    control,
    download,
    errors,
    exchanges,
    info,
    metrics,
    pairlists,
    pairs,
    portfolio,
    stats,
    trades,
    ui,
    wallet_history,
)

V1 = "api/v1/"

urlpatterns = [
    # §1 auth
    path(V1 + "token/login", TokenLoginView.as_view(), name="token_login"),
    path(V1 + "token/refresh", TokenRefreshView.as_view(), name="token_refresh"),
    path(V1 + "token/logout", TokenLogoutView.as_view(), name="token_logout"),
    # §2.1 info / control
    path(V1, info.ApiRootView.as_view(), name="api_root"),
    path(V1 + "ping", info.PingView.as_view(), name="ping"),
    path(V1 + "version", info.VersionView.as_view(), name="version"),
    path(V1 + "show_config", info.ShowConfigView.as_view(), name="show_config"),
    path(V1 + "logs", info.LogsView.as_view(), name="logs"),
    path(V1 + "sysinfo", info.SysInfoView.as_view(), name="sysinfo"),
    path(V1 + "health", info.HealthView.as_view(), name="health"),
    path(V1 + "start", control.StartView.as_view(), name="start"),
    path(V1 + "stop", control.StopView.as_view(), name="stop"),
    path(V1 + "stopbuy", control.PauseView.as_view(), name="stopbuy"),
    path(V1 + "stopentry", control.PauseView.as_view(), name="stopentry"),
    path(V1 + "pause", control.PauseView.as_view(), name="pause"),
    path(V1 + "reload_config", control.ReloadConfigView.as_view(), name="reload_config"),
    # §2.2 trading information
    path(V1 + "balance", stats.BalanceView.as_view(), name="balance"),
    path(V1 + "count", trades.CountView.as_view(), name="count"),
    path(V1 + "status", trades.StatusView.as_view(), name="status"),
    path(V1 + "trades", trades.TradesView.as_view(), name="trades"),
    path(V1 + "trade/<str:tradeid>", trades.TradeView.as_view(), name="trade"),
    path(
        V1 + "trades/open/custom-data",
        trades.OpenTradesCustomDataView.as_view(),
        name="list_open_trades_custom_data",
    ),
    path(
        V1 + "trades/<str:tradeid>/custom-data",
        trades.TradeCustomDataView.as_view(),
        name="list_custom_data",
    ),
    path(V1 + "trades/<str:tradeid>", trades.TradeDeleteView.as_view(), name="delete_trade"),
    path(
        V1 + "trades/<str:tradeid>/open-order",
        trades.TradeOpenOrderView.as_view(),
        name="cancel_open_order",
    ),
    path(V1 + "trades/<str:tradeid>/reload", trades.TradeReloadView.as_view(), name="reload_trade"),
    path(V1 + "profit", stats.ProfitView.as_view(), name="profit"),
    path(V1 + "profit_all", stats.ProfitAllView.as_view(), name="profit_all"),
    path(V1 + "stats", stats.StatsView.as_view(), name="stats"),
    path(V1 + "performance", stats.PerformanceView.as_view(), name="performance"),
    path(V1 + "entries", stats.EntriesView.as_view(), name="entries"),
    path(V1 + "exits", stats.ExitsView.as_view(), name="exits"),
    path(V1 + "mix_tags", stats.MixTagsView.as_view(), name="mix_tags"),
    path(V1 + "daily", stats.DailyView.as_view(), name="daily"),
    path(V1 + "weekly", stats.WeeklyView.as_view(), name="weekly"),
    path(V1 + "monthly", stats.MonthlyView.as_view(), name="monthly"),
    path(
        V1 + "historic_balance",
        wallet_history.HistoricBalanceView.as_view(),
        name="historic_balance",
    ),
    path(V1 + "edge", info.EdgeView.as_view(), name="edge"),
    # §2.3 trading actions
    path(V1 + "forceenter", trades.ForceEnterView.as_view(), name="forceenter"),
    path(V1 + "forcebuy", trades.ForceEnterView.as_view(), name="forcebuy"),
    path(V1 + "forceexit", trades.ForceExitView.as_view(), name="forceexit"),
    path(V1 + "forcesell", trades.ForceExitView.as_view(), name="forcesell"),
    # §2.4 pair lists and locks
    path(V1 + "whitelist", pairs.WhitelistView.as_view(), name="whitelist"),
    path(V1 + "blacklist", pairs.BlacklistView.as_view(), name="blacklist"),
    path(V1 + "locks", pairs.LocksView.as_view(), name="locks"),
    path(V1 + "locks/delete", pairs.LocksDeleteView.as_view(), name="delete_lock_pair"),
    path(V1 + "locks/<str:lockid>", pairs.LockDeleteView.as_view(), name="delete_lock"),
    # §2.5 candles, strategies, misc
    path(V1 + "pair_candles", candles.PairCandlesView.as_view(), name="pair_candles"),
    path(V1 + "pair_history", candles.PairHistoryView.as_view(), name="pair_history"),
    path(V1 + "plot_config", candles.PlotConfigView.as_view(), name="plot_config"),
    path(V1 + "strategies", candles.StrategiesView.as_view(), name="strategies"),
    path(V1 + "strategy/<str:strategy>", candles.StrategyView.as_view(), name="strategy"),
    path(V1 + "available_pairs", candles.AvailablePairsView.as_view(), name="available_pairs"),
    path(V1 + "markets", exchanges.MarketsView.as_view(), name="markets"),
    path(V1 + "exchanges", exchanges.ExchangesView.as_view(), name="list_exchanges"),
    path(V1 + "hyperoptloss", exchanges.HyperoptLossView.as_view(), name="list_hyperoptloss"),
    path(V1 + "hyperopt-loss", exchanges.HyperoptLossView.as_view(), name="list_hyperoptloss"),
    path(V1 + "freqaimodels", exchanges.FreqaiModelsView.as_view(), name="list_freqaimodels"),
    # §2.6 backtesting and background jobs (webserver mode)
    path(V1 + "backtest", backtest.BacktestView.as_view(), name="backtest"),
    path(V1 + "backtest/abort", backtest.BacktestAbortView.as_view(), name="backtest_abort"),
    path(V1 + "backtest/history", backtest.HistoryView.as_view(), name="backtest_history"),
    path(
        V1 + "backtest/history/result",
        backtest.HistoryResultView.as_view(),
        name="backtest_history_result",
    ),
    path(
        V1 + "backtest/history/<str:file>",
        backtest.HistoryFileView.as_view(),
        name="backtest_history_file",
    ),
    path(
        V1 + "backtest/history/<str:file>/market_change",
        backtest.MarketChangeView.as_view(),
        name="backtest_market_change",
    ),
    path(
        V1 + "backtest/history/<str:file>/<str:strategy>/wallet",
        backtest.WalletView.as_view(),
        name="backtest_wallet",
    ),
    path(V1 + "background", background.BackgroundView.as_view(), name="background"),
    path(
        V1 + "background/clear",
        background.BackgroundClearView.as_view(),
        name="background_clear",
    ),
    path(
        V1 + "background/<str:jobid>", background.BackgroundJobView.as_view(), name="background_job"
    ),
    # API 2.49: lookahead- and recursive-analysis jobs (webserver mode)
    path(V1 + "lookahead_analysis", analysis.LookaheadView.as_view(), name="lookahead_analysis"),
    path(
        V1 + "lookahead_analysis/<str:jobid>",
        analysis.LookaheadJobView.as_view(),
        name="lookahead_analysis_job",
    ),
    path(V1 + "recursive_analysis", analysis.RecursiveView.as_view(), name="recursive_analysis"),
    path(
        V1 + "recursive_analysis/<str:jobid>",
        analysis.RecursiveJobView.as_view(),
        name="recursive_analysis_job",
    ),
    # §2.5 pairlist configurator and Download data (webserver mode): jobs like a backtest
    path(
        V1 + "pairlists/available",
        pairlists.PairlistsAvailableView.as_view(),
        name="list_pairlists",
    ),
    path(
        V1 + "pairlists/evaluate",
        pairlists.PairlistsEvaluateView.as_view(),
        name="pairlists_evaluate",
    ),
    path(
        V1 + "pairlists/evaluate/<str:jobid>",
        pairlists.PairlistsEvaluateJobView.as_view(),
        name="pairlists_evaluate_get",
    ),
    path(V1 + "download_data", download.DownloadDataView.as_view(), name="download_data"),
    # Tradeplane only: the audit trail
    path(V1 + "audit", audit.AuditView.as_view(), name="audit"),
    # Tradeplane only: every visible bot's figures; Prometheus metrics (outside /api/v1)
    path(V1 + "portfolio", portfolio.PortfolioView.as_view(), name="portfolio"),
    path("metrics", metrics.MetricsView.as_view(), name="metrics"),
    # schema, browsable-API session login
    path(
        V1 + "openapi.json",
        SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="openapi",
    ),
    path(V1 + "auth/", include("rest_framework.urls", namespace="rest_framework")),
]

if getattr(settings, "API_ENABLE_OPENAPI", False):
    urlpatterns.append(
        path(
            "docs",
            # The split view serves Swagger UI's start-up script as a file of its own
            # (/docs?script=), not inline: the Content-Security-Policy allows no inline script.
            SpectacularSwaggerSplitView.as_view(
                url_name="openapi", authentication_classes=[], permission_classes=[AllowAny]
            ),
            name="swagger-ui",
        )
    )

# Every bot of the registry under this origin: /bots/<name>/api/v1/... (api/proxy.py). Not a
# route of this bot's API (a regex, like the catch-all below): the proxy serves what it names.
urlpatterns.append(re_path(r"^bots/(?P<name>[^/]+)/(?P<rest>.+)$", bot_api, name="bot_api"))

# Anything else under /api answers JSON, never Django's HTML 404 page.
urlpatterns.append(re_path(r"^api/", errors.not_found))

# FreqUI (contract §2.5, api/views/ui.py): /ui_version, then the UI's files or its index.html
# for every path that is not the API's, the admin's, the docs', the static files' or a /bots/ hop's.
urlpatterns.append(path("ui_version", ui.ui_version, name="ui_version"))
urlpatterns.append(
    re_path(
        r"^(?!(?:api|admin|static|docs|metrics|bots)(?:/|$))(?P<path>.*)$", ui.ui_page, name="ui"
    )
)
