"""Accessors for the per-app objects ``create_app`` stores on the Flask app."""

from __future__ import annotations

from flask import current_app

from review.lookups import Lookups
from review.queries import CountsCache
from review.security import LoginThrottle
from settings import Settings
from storage import Database


def settings() -> Settings:
    return current_app.extensions["civwatch"]["settings"]


def database() -> Database:
    return current_app.extensions["civwatch"]["db"]


def throttle() -> LoginThrottle:
    return current_app.extensions["civwatch"]["throttle"]


def lookups() -> Lookups:
    return current_app.extensions["civwatch"]["lookups"]


def counts_cache() -> CountsCache:
    return current_app.extensions["civwatch"]["counts"]
