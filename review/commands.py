"""CLI of the review UI: ``civwatch serve`` and ``civwatch token``."""

from __future__ import annotations

import click
from sqlalchemy import select

from settings import Settings
from storage import seclog
from storage.commands import open_db
from storage.models import ApiToken, User
from storage.users import UserError, create_api_token, get_user, revoke_api_token


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the review UI with waitress (needs CIVWATCH_SECRET_KEY)."""
    from waitress import serve

    from review import ReviewConfigError, create_app, warm_up

    settings = _settings(ctx)
    if not settings.secret_key:
        raise click.ClickException(
            "CIVWATCH_SECRET_KEY is not set: the review UI needs a secret key to sign "
            "sessions and CSRF tokens. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'` and export it "
            "(or put it in a file named by CIVWATCH_SECRET_KEY_FILE)."
        )
    db = open_db(ctx)
    try:
        app = create_app(settings, db)
    except ReviewConfigError as exc:
        db.close()
        raise click.ClickException(str(exc)) from exc
    warm_up(app)
    click.echo(f"civwatch review UI on http://{host}:{port}/ (Ctrl-C stops)")
    try:
        serve(app, host=host, port=port, threads=threads, ident="civwatch")
    finally:
        db.close()


@click.group("token")
def token_group() -> None:
    """API tokens for the read-only JSON API."""


@token_group.command("create")
@click.argument("username")
@click.argument("name")
@click.pass_context
def token_create(ctx: click.Context, username: str, name: str) -> None:
    """Create a token for USERNAME named NAME; it is printed once, only its hash is kept."""
    db = open_db(ctx)
    try:
        with db.sessions.begin() as session:
            user = get_user(session, username)
            if user is None:
                raise click.ClickException(f"unknown user {username!r}")
            if not user.active:
                raise click.ClickException(f"user {username!r} is disabled")
            token_name = name.strip()[:100] or "token"
            token = create_api_token(session, user, token_name)
            seclog.record(
                session,
                seclog.TOKEN_CREATED,
                user_id=user.id,
                username=user.username,
                address="cli",
                detail={"name": token_name},
            )
    finally:
        db.close()
    click.echo(token)
    click.echo("(store it now: it cannot be shown again)", err=True)


@token_group.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def token_revoke(ctx: click.Context, token_id: int) -> None:
    """Revoke the token with id TOKEN_ID (see `civwatch token list`)."""
    db = open_db(ctx)
    try:
        with db.sessions.begin() as session:
            revoke_api_token(session, token_id)
            row = session.get(ApiToken, token_id)
            owner = session.get(User, row.user_id) if row is not None else None
            seclog.record(
                session,
                seclog.TOKEN_REVOKED,
                user_id=owner.id if owner is not None else None,
                username=owner.username if owner is not None else None,
                address="cli",
                detail={"token_id": token_id},
            )
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.close()
    click.echo(f"token {token_id} revoked")


@token_group.command("list")
@click.pass_context
def token_list(ctx: click.Context) -> None:
    """List tokens (id, user, name, created, last used, state); never the tokens themselves."""
    db = open_db(ctx)
    try:
        with db.sessions() as session:
            rows = session.execute(
                select(ApiToken, User.username)
                .join(User, User.id == ApiToken.user_id)
                .order_by(ApiToken.id)
            ).all()
            if not rows:
                click.echo("no API tokens: civwatch token create USER NAME")
            for token, username in rows:
                used = (
                    token.last_used_at.isoformat(timespec="minutes")
                    if token.last_used_at
                    else "never"
                )
                state = "revoked" if token.revoked_at else "active"
                created = token.created_at.isoformat(timespec="minutes")
                click.echo(f"{token.id}\t{username}\t{token.name}\t{created}\tused {used}\t{state}")
    finally:
        db.close()
