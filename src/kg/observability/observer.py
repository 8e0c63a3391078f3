"""What one app records, built from the settings: metrics, access log, slow-query log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kg.config import SettingError, Settings
from kg.observability.metrics import Metrics
from kg.observability.slow_queries import SlowQueryLog


def metrics_port(settings: Settings) -> int | None:
    """The port of a separate metrics listener, None when metrics are off or on the app's port."""
    value = settings.metrics.strip().lower()
    if value in {"off", "on"}:
        return None
    if not value.isdigit() or int(value) > 65535:
        raise SettingError(
            f"the metrics setting must be 'off', 'on' or a port number, not {settings.metrics!r}"
        )
    return int(value)


def metrics_enabled(settings: Settings) -> bool:
    """Whether metrics are collected (served by the app or on a port of their own)."""
    return settings.metrics.strip().lower() == "on" or metrics_port(settings) is not None


@dataclass(frozen=True)
class Observer:
    """What one app records: metrics (or None), access log, slow-query log."""

    metrics: Metrics | None
    access_log: bool
    slow_queries: SlowQueryLog
    metrics_route: bool  # the app answers /metrics (metrics on, no port of their own)

    @classmethod
    def for_settings(
        cls, settings: Settings, version: Callable[[], str], store_load_seconds: float | None
    ) -> Observer:
        """The observer ``settings`` ask for; ``version()`` is the data version of a scrape."""
        metrics = Metrics.create(version) if metrics_enabled(settings) else None
        if metrics is not None and store_load_seconds is not None:
            metrics.store_load_seconds.set(store_load_seconds)
        slow = SlowQueryLog.in_folder(settings.cache_dir, settings.slow_query_seconds)
        route = metrics is not None and metrics_port(settings) is None
        return cls(metrics, settings.access_log, slow, route)
