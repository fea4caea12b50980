"""A small fake Discord for the end-to-end tests: REST under /api/v10 and a JSON gateway.

It serves what newsdesk and discord.py 2.7 use, shaped like Discord's own payloads: log-in
(`/users/@me`, `/oauth2/applications/@me`), command sync, interaction callbacks, webhook
follow-ups and their messages, channel messages, and a websocket gateway with one guild, which
several bot processes may connect to at once (each gets its own session).

Every request is recorded. A route the fake does not know answers 404 as Discord does and is
kept in `unknown_routes`, so that tests can insist the bot only calls what the fake knows; a known
route used wrongly (bad token, an interaction answered twice, ...) is kept in `errors`.

Tests push interactions with `slash` and `autocomplete`, which wait for the bot's callback.
`refuse` makes a route answer a Discord error (403 Missing Permissions by default), and `deny`
takes permissions from the bot in the channel, as a moderator's channel overwrite would.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

Json = dict[str, Any]

API_PREFIX = "/api/v10"
CDN_PATH = "/attachments"
ATTACHMENT_OPTION, SUB_COMMAND = 11, 1
GATEWAY_PATH = "/gateway"
DISCORD_EPOCH_MS = 1_420_070_400_000
HEARTBEAT_INTERVAL_MS = 41_250
WAIT_TIMEOUT = 10.0  # seconds a helper waits for the bot before failing the test
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

# Modern applications share their id with their bot user.
APP_ID = BOT_ID = 1_254_300_000_000_000_001
OWNER_ID = 1_254_300_000_000_000_002
READER_ID = 1_254_300_000_000_000_003
GUILD_ID = 1_254_300_000_000_000_100
CHANNEL_ID = 1_254_300_000_000_000_101
EVERYONE_ROLE_ID = GUILD_ID  # @everyone's id is the guild's

# Permission bits, as in Discord's documentation.
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ADMINISTRATOR = 1 << 3
EVERYONE_PERMISSIONS = (
    ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
ALL_PERMISSIONS = (1 << 53) - 1

# Gateway opcodes and the interaction types the helpers use.
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 9, 10, 11
APPLICATION_COMMAND, APPLICATION_COMMAND_AUTOCOMPLETE = 2, 4
# Callback types each interaction type may be answered with.
ALLOWED_CALLBACKS = {APPLICATION_COMMAND: {4, 5, 9}, APPLICATION_COMMAND_AUTOCOMPLETE: {8}}
MESSAGE_CALLBACKS = {4, 5, 7}  # callbacks that create or edit the original message
EPHEMERAL = 1 << 6


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user_payload(user_id: int, username: str, *, bot: bool = False) -> Json:
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": None if bot else username.capitalize(),
        "avatar": None,
        "avatar_decoration_data": None,
        "banner": None,
        "accent_color": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "primary_guild": None,
        "collectibles": None,
    }


BOT_USER = {**user_payload(BOT_ID, "newsdesk", bot=True), "verified": True, "mfa_enabled": True}
OWNER = user_payload(OWNER_ID, "owner")
READER = user_payload(READER_ID, "reader")


def member_payload(user: Json, *, roles: list[int] | None = None) -> Json:
    return {
        "user": user,
        "nick": None,
        "avatar": None,
        "banner": None,
        "roles": [str(role) for role in roles or []],
        "joined_at": "2024-06-01T09:00:00.000000+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
        "avatar_decoration_data": None,
    }


def channel_payload() -> Json:
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "news",
        "position": 0,
        "permission_overwrites": [],
        "parent_id": None,
        "topic": "Ask the newsdesk bot",
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }


def everyone_role() -> Json:
    return {
        "id": str(EVERYONE_ROLE_ID),
        "name": "@everyone",
        "description": None,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": 0,
        "permissions": str(EVERYONE_PERMISSIONS),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild_create_payload() -> Json:
    """GUILD_CREATE for the one guild: a text channel, @everyone, the owner, a reader, the bot."""
    return {
        "id": str(GUILD_ID),
        "name": "Newsroom",
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(OWNER_ID),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [everyone_role()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": str(CHANNEL_ID),
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_members": 500_000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "incidents_data": None,
        "latest_onboarding_question_id": None,
        # The fields only GUILD_CREATE carries.
        "joined_at": "2024-06-01T09:00:00.000000+00:00",
        "large": False,
        "unavailable": False,
        "member_count": 3,
        "voice_states": [],
        "members": [member_payload(OWNER), member_payload(READER), member_payload(BOT_USER)],
        "channels": [channel_payload()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "activity_instances": [],
        "lazy": True,
    }


def application_payload() -> Json:
    """GET /oauth2/applications/@me: everything discord.py's AppInfo reads."""
    return {
        "id": str(APP_ID),
        "name": "newsdesk",
        "icon": None,
        "description": "A newsroom bot for the end-to-end tests",
        "summary": "",
        "type": None,
        "bot": BOT_USER,
        "bot_public": True,
        "bot_require_code_grant": False,
        "terms_of_service_url": None,
        "privacy_policy_url": None,
        "owner": OWNER,
        "team": None,
        "verify_key": "0" * 64,
        "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED
        "hook": True,
        "is_monetized": False,
        "is_verified": False,
        "is_discoverable": False,
        "interactions_endpoint_url": None,
        "redirect_uris": [],
        "rpc_origins": [],
        "tags": [],
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "integration_types_config": {"0": {}},
    }


def error_body(code: int, message: str) -> Json:
    return {"message": message, "code": code}


def json_response(body: Any, *, status: int = 200) -> web.Response:
    # discord.py decodes JSON only when Content-Type is exactly "application/json": no charset.
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # without /api/v10
    query: dict[str, str]
    json: Any
    authorization: str | None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


RECORDED = web.RequestKey("recorded", RecordedRequest)


@dataclass(slots=True)
class Gate:
    """Holds matching requests before the fake answers them, until the test opens it."""

    method: str
    path_prefix: str
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    opened: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and path.startswith(self.path_prefix)

    def open(self) -> None:
        self.opened.set()


@dataclass(frozen=True, slots=True)
class Refusal:
    """Answers matching requests with a Discord error instead of serving them."""

    method: str
    path_prefix: str
    status: int
    code: int
    message: str

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and path.startswith(self.path_prefix)


@dataclass(slots=True)
class PendingInteraction:
    payload: Json
    callback: asyncio.Future[Json]
    original_id: str | None = None  # the message the callback created
    followups: list[str] = field(default_factory=list)

    @property
    def token(self) -> str:
        return str(self.payload["token"])


class FakeDiscord:
    """The REST API and the gateway on one aiohttp server on 127.0.0.1, on a free port."""

    def __init__(self, token: str, *, port: int = 0) -> None:
        self.token = token
        self.port = port  # 0: a free one, chosen at start
        self.session_id = secrets.token_hex(16)
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[RecordedRequest] = []
        self.errors: list[tuple[RecordedRequest, int, Json]] = []
        self.callbacks: list[tuple[Json, Json]] = []  # (interaction payload, callback body)
        self.commands: dict[int | None, list[Json]] = {}  # guild id (None: global) -> commands
        self.messages: dict[str, Json] = {}
        self.identify: Json | None = None
        self.gateway_queries: list[dict[str, str]] = []
        self.gateway_close_codes: list[int | None] = []
        self.heartbeats = 0
        self.sessions = 0  # IDENTIFYs answered with READY and the guild, one per connection
        self.channel_overwrites: list[Json] = []  # sent in GUILD_CREATE; see `deny`
        self._interactions: dict[str, PendingInteraction] = {}  # by interaction id
        self._by_token: dict[str, PendingInteraction] = {}
        self._ws: web.WebSocketResponse | None = None  # the latest session: interactions go here
        self._sockets: set[web.WebSocketResponse] = set()
        self._send_lock = asyncio.Lock()
        self._sequences: dict[web.WebSocketResponse, int] = {}  # each session's last `s`
        self._ids = itertools.count()
        self._changed = asyncio.Condition()
        self._guild_sent = False
        self._runner: web.AppRunner | None = None
        self._catch_all: web.AbstractRoute | None = None
        self._gates: list[Gate] = []
        self._refusals: list[Refusal] = []
        self.uploads: dict[str, bytes] = {}  # attachment id -> the bytes its URL serves

    # --- Life cycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        api = API_PREFIX
        routes = [
            ("GET", "/users/@me", self._users_me),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("GET", "/applications/{app_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/commands", self._put_commands),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app_id}/{token}", self._followup),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._get_message),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self._edit_message),
            ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", self._delete_message),
            ("POST", "/channels/{channel_id}/messages", self._channel_message),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, api + path, handler)
        # The CDN an attachment's URL points at, as cdn.discordapp.com serves uploads.
        app.router.add_get(CDN_PATH + "/{channel_id}/{attachment_id}/{filename}", self._cdn)
        app.router.add_get(GATEWAY_PATH, self._gateway)
        # Last, so that it gets whatever no route above matched.
        self._catch_all = app.router.add_route("*", "/{tail:.*}", self._unknown)

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def close(self) -> None:
        for gate in self._gates:
            gate.open()
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"fake Discord is closing")
        for pending in self._interactions.values():
            pending.callback.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    # --- Waiting ------------------------------------------------------------------------------

    async def wait_until(
        self, predicate: Callable[[], Any], what: str, *, within: float = WAIT_TIMEOUT
    ) -> Any:
        """The predicate's first true value, re-checked whenever the fake records something."""
        try:
            async with asyncio.timeout(within), self._changed:
                return await self._changed.wait_for(predicate)
        except TimeoutError:
            seen = ", ".join(str(r) for r in self.requests[-15:]) or "none"
            raise AssertionError(
                f"timed out after {within:.0f} s waiting for {what}; last requests: {seen}"
            ) from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_sync(
        self, guild_id: int = GUILD_ID, *, within: float = WAIT_TIMEOUT
    ) -> list[Json]:
        """The commands of the first sync to the guild."""
        commands: list[Json] = await self.wait_until(
            lambda: self.commands.get(guild_id),
            f"the command sync to guild {guild_id}",
            within=within,
        )
        return commands

    async def wait_ready(self, *, within: float = WAIT_TIMEOUT) -> None:
        """Until the bot identified and got READY and the guild."""
        await self.wait_until(lambda: self._guild_sent, "IDENTIFY and GUILD_CREATE", within=within)

    def hold(self, method: str, path_prefix: str) -> Gate:
        """Keep the answers to matching requests (path without /api/v10) until `gate.open()`."""
        gate = Gate(method, path_prefix)
        self._gates.append(gate)
        return gate

    def refuse(
        self,
        method: str,
        path_prefix: str,
        *,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
    ) -> Refusal:
        """Answer matching requests (path without /api/v10) with this error, as Discord does when
        the bot may not do what it asks; each refusal is also kept in `errors`."""
        refusal = Refusal(method, path_prefix, status, code, message)
        self._refusals.append(refusal)
        return refusal

    def deny(self, permissions: int) -> None:
        """Deny @everyone, and so the bot, `permissions` in the channel: an overwrite in the
        GUILD_CREATE of the sessions that identify from now on."""
        self.channel_overwrites.append(
            {"id": str(EVERYONE_ROLE_ID), "type": 0, "allow": "0", "deny": str(permissions)}
        )

    def sync_bodies(self, guild_id: int = GUILD_ID) -> list[Any]:
        path = f"/applications/{APP_ID}/guilds/{guild_id}/commands"
        return [r.json for r in self.requests if r.method == "PUT" and r.path == path]

    # --- Interactions -------------------------------------------------------------------------

    async def send_interaction(self, payload: Json) -> None:
        """Push INTERACTION_CREATE; its callback can then be awaited with `callback_for`."""
        interaction_id = str(payload["id"])
        pending = PendingInteraction(payload, asyncio.get_running_loop().create_future())
        self._interactions[interaction_id] = pending
        self._by_token[pending.token] = pending
        await self.dispatch("INTERACTION_CREATE", payload)

    async def callback_for(self, payload: Json, *, within: float = WAIT_TIMEOUT) -> Json:
        pending = self._interactions[str(payload["id"])]
        try:
            return await asyncio.wait_for(asyncio.shield(pending.callback), within)
        except TimeoutError:
            name = payload.get("data", {}).get("name")
            raise AssertionError(
                f"the bot did not answer interaction {payload['id']} (/{name}) in {within:.0f} s"
            ) from None

    async def slash(
        self, name: str, options: Mapping[str, object] | None = None, *, user: Json = READER
    ) -> Json:
        """Run /name with options as `user` would, and return the callback the bot sent."""
        payload = self.interaction_payload(
            APPLICATION_COMMAND, name, dict(options or {}), user=user
        )
        await self.send_interaction(payload)
        return await self.callback_for(payload)

    async def autocomplete(
        self, name: str, options: Mapping[str, object], *, focused: str, user: Json = READER
    ) -> Json:
        """Type `options[focused]` into /name's `focused` option; return the choices callback."""
        if focused not in options:
            raise ValueError(f"the focused option {focused!r} needs a value in {options}")
        payload = self.interaction_payload(
            APPLICATION_COMMAND_AUTOCOMPLETE, name, dict(options), user=user, focused=focused
        )
        await self.send_interaction(payload)
        return await self.callback_for(payload)

    def interaction_payload(
        self,
        kind: int,
        name: str,
        options: dict[str, object],
        *,
        user: Json = READER,
        focused: str | None = None,
    ) -> Json:
        """INTERACTION_CREATE data for a synced guild command, as Discord sends it."""
        group, _, sub = name.partition(" ")
        command = self.synced_command(group)
        declared_options = command.get("options", [])
        if sub:  # a group's subcommand, "feed add": its options are the subcommand's
            leaf = next(o for o in declared_options if o["name"] == sub)
            declared_options = leaf.get("options", [])
        declared = {option["name"]: option for option in declared_options}
        data_options = []
        resolved: Json = {}
        for option_name, value in options.items():
            if option_name not in declared:
                raise KeyError(f"/{name} has no option {option_name!r}: {sorted(declared)}")
            item: Json = {"name": option_name, "type": declared[option_name]["type"]}
            if item["type"] == ATTACHMENT_OPTION:
                assert isinstance(value, tuple), "an attachment is (filename, bytes)"
                attachment = self.upload(*value)
                resolved.setdefault("attachments", {})[attachment["id"]] = attachment
                value = attachment["id"]
            item["value"] = value
            if option_name == focused:
                item["focused"] = True
            data_options.append(item)
        if sub:
            data_options = [{"name": sub, "type": SUB_COMMAND, "options": data_options}]
        data: Json = {
            "id": command["id"],
            "name": group,
            "type": command.get("type", 1),
            "guild_id": str(GUILD_ID),
        }
        if data_options:
            data["options"] = data_options
        if resolved:
            data["resolved"] = resolved
        is_owner = user["id"] == str(OWNER_ID)
        permissions = ALL_PERMISSIONS if is_owner else EVERYONE_PERMISSIONS
        return {
            "id": str(self.snowflake()),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
            "guild_id": str(GUILD_ID),
            "guild_locale": "en-US",
            "channel": channel_payload(),
            "channel_id": str(CHANNEL_ID),
            "member": {**member_payload(user), "permissions": str(permissions)},
            "token": "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
            "version": 1,
            "locale": "en-GB",
            "app_permissions": str(EVERYONE_PERMISSIONS),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }

    def upload(self, filename: str, data: bytes) -> Json:
        """An attachment as Discord resolves it in an interaction: its URL on the fake's CDN."""
        attachment_id = str(self.snowflake())
        self.uploads[attachment_id] = data
        url = f"http://127.0.0.1:{self.port}{CDN_PATH}/{CHANNEL_ID}/{attachment_id}/{filename}"
        return {
            "id": attachment_id,
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": "text/html" if filename.endswith(".html") else "text/plain",
            "ephemeral": True,
        }

    async def _cdn(self, request: web.Request) -> web.Response:
        data = self.uploads.get(request.match_info["attachment_id"])
        if data is None:
            return web.Response(status=404, text="Not found")
        return web.Response(body=data, content_type="application/octet-stream")

    def synced_command(self, name: str, guild_id: int = GUILD_ID) -> Json:
        for command in self.commands.get(guild_id, []):
            if command["name"] == name:
                return command
        raise LookupError(f"/{name} was not synced to guild {guild_id}")

    # --- Gateway ------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: Json) -> None:
        ws = self._ws
        if ws is None or ws.closed:
            raise AssertionError(f"cannot send {event}: the bot has no gateway connection")
        await self._dispatch_to(ws, event, data)

    async def _dispatch_to(self, ws: web.WebSocketResponse, event: str, data: Json) -> None:
        async with self._send_lock:
            self._sequences[ws] = sequence = self._sequences.get(ws, 0) + 1
            payload = {"op": OP_DISPATCH, "t": event, "s": sequence, "d": data}
            await ws.send_str(json.dumps(payload))

    async def _send(self, ws: web.WebSocketResponse, payload: Json) -> None:
        async with self._send_lock:
            await ws.send_str(json.dumps(payload))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        self._sockets.add(ws)
        try:
            hello = {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ['["fake-gateway",{}]']}
            await self._send(ws, {"op": OP_HELLO, "t": None, "s": None, "d": hello})
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._on_gateway_message(ws, json.loads(message.data))
                elif message.type is WSMsgType.BINARY:
                    await self._on_gateway_message(ws, json.loads(message.data.decode()))
        finally:
            self._sockets.discard(ws)
            self._sequences.pop(ws, None)
            if self._ws is ws:
                self._ws = None
            self.gateway_close_codes.append(ws.close_code)
            await self._notify()
        return ws

    async def _on_gateway_message(self, ws: web.WebSocketResponse, payload: Json) -> None:
        op = payload.get("op")
        if op == OP_HEARTBEAT:
            self.heartbeats += 1
            await self._send(ws, {"op": OP_HEARTBEAT_ACK, "t": None, "s": None, "d": None})
        elif op == OP_IDENTIFY:
            await self._identify(ws, payload["d"])
        elif op == OP_RESUME:  # this fake keeps no sessions: start a new one, as Discord may
            await self._send(ws, {"op": OP_INVALID_SESSION, "t": None, "s": None, "d": False})
        await self._notify()

    async def _identify(self, ws: web.WebSocketResponse, data: Json) -> None:
        self.identify = data
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        self._ws = ws
        self._sequences[ws] = 0
        ready = {
            "v": 10,
            "user": BOT_USER,
            "user_settings": {},
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "guild_join_requests": [],
            "presences": [],
            "private_channels": [],
            "relationships": [],
            "geo_ordered_rtc_regions": ["rotterdam", "frankfurt"],
            "session_id": self.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "auth": {},
            "application": {"id": str(APP_ID), "flags": application_payload()["flags"]},
            "_trace": ['["fake-gateway",{}]'],
        }
        guild = guild_create_payload()
        guild["channels"][0]["permission_overwrites"] = list(self.channel_overwrites)
        # To this session's socket: another bot process may identify on its own meanwhile.
        await self._dispatch_to(ws, "READY", ready)
        await self._dispatch_to(ws, "GUILD_CREATE", guild)
        self.sessions += 1
        self._guild_sent = True

    # --- REST ---------------------------------------------------------------------------------

    @web.middleware
    async def _record(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        if request.path == GATEWAY_PATH:
            response: web.StreamResponse = await handler(request)
            return response
        path = request.path.removeprefix(API_PREFIX)
        recorded = RecordedRequest(
            request.method,
            path,
            dict(request.query),
            await self._body(request),
            request.headers.get("Authorization"),
        )
        self.requests.append(recorded)
        request[RECORDED] = recorded
        # Interaction callbacks and webhooks are authorised by their token, the rest by the bot's.
        known = request.match_info.route is not self._catch_all
        needs_token = known and not path.startswith(("/interactions/", "/webhooks/", CDN_PATH))
        if needs_token and recorded.authorization != f"Bot {self.token}":
            response = self._error(request, 401, 0, "401: Unauthorized")
        else:
            for gate in self._gates:
                if gate.matches(recorded.method, recorded.path) and not gate.opened.is_set():
                    gate.arrived.set()
                    await self._notify()
                    await gate.opened.wait()
            refusal = next(
                (r for r in self._refusals if r.matches(recorded.method, recorded.path)), None
            )
            if refusal is not None:
                response = self._error(request, refusal.status, refusal.code, refusal.message)
            else:
                response = await handler(request)
        await self._notify()
        return response

    @staticmethod
    async def _body(request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type == "application/json":
            return await request.json()
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            payload = form.get("payload_json")
            return json.loads(str(payload)) if payload is not None else None
        return await request.text()

    def _error(self, request: web.Request, status: int, code: int, message: str) -> web.Response:
        body = error_body(code, message)
        self.errors.append((request[RECORDED], status, body))
        return json_response(body, status=status)

    async def _unknown(self, request: web.Request) -> web.Response:
        recorded = request.get(RECORDED) or RecordedRequest(
            request.method, request.path, dict(request.query), None, None
        )
        self.unknown_routes.append(recorded)
        return json_response(error_body(0, "404: Not Found"), status=404)

    def snowflake(self) -> int:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (millis << 22) | (1 << 17) | (next(self._ids) % 4096)

    def _check_app(self, request: web.Request) -> web.Response | None:
        if request.match_info["app_id"] != str(APP_ID):
            return self._error(request, 403, 50001, "Missing Access")
        return None

    async def _users_me(self, request: web.Request) -> web.Response:
        return json_response(BOT_USER)

    async def _application(self, request: web.Request) -> web.Response:
        return json_response(application_payload())

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    def _guild_of(self, request: web.Request) -> int | None:
        guild = request.match_info.get("guild_id")
        return int(guild) if guild is not None else None

    async def _get_commands(self, request: web.Request) -> web.Response:
        if (refused := self._check_app(request)) is not None:
            return refused
        return json_response(self.commands.get(self._guild_of(request), []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        if (refused := self._check_app(request)) is not None:
            return refused
        guild_id = self._guild_of(request)
        if guild_id is not None and guild_id != GUILD_ID:
            return self._error(request, 403, 50001, "Missing Access")
        body = request[RECORDED].json
        if not isinstance(body, list):
            return self._error(request, 400, 50035, "Invalid Form Body")
        old_ids = {c["name"]: c["id"] for c in self.commands.get(guild_id, [])}
        stored = [self._stored_command(c, old_ids.get(c["name"]), guild_id) for c in body]
        self.commands[guild_id] = stored
        return json_response(stored)

    def _stored_command(self, sent: Json, old_id: str | None, guild_id: int | None) -> Json:
        command: Json = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "name_localizations": None,
            "description_localizations": None,
            "integration_types": [0],
            "contexts": None,
            **sent,
            "id": old_id or str(self.snowflake()),
            "application_id": str(APP_ID),
            "version": str(self.snowflake()),
        }
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
            command.pop("dm_permission", None)
        return command

    def _message(self, data: Json, *, interaction: Json | None = None, kind: int = 0) -> Json:
        """A message as Discord returns it: sent by the bot, or by the app for an interaction."""
        message: Json = {
            "id": str(self.snowflake()),
            "type": kind,
            "channel_id": str(CHANNEL_ID),
            "author": BOT_USER,
            "content": data.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": bool(data.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": data.get("embeds") or [],
            "components": _with_component_ids(data.get("components") or []),
            "pinned": False,
            "flags": int(data.get("flags") or 0),
        }
        if interaction is not None:
            message["webhook_id"] = str(APP_ID)
            message["application_id"] = str(APP_ID)
            message["interaction_metadata"] = {
                "id": interaction["id"],
                "type": interaction["type"],
                "name": interaction["data"]["name"],
                "command_type": 1,
                "user": interaction["member"]["user"],
                "authorizing_integration_owners": interaction["authorizing_integration_owners"],
            }
        self.messages[message["id"]] = message
        return message

    async def _callback(self, request: web.Request) -> web.Response:
        pending = self._interactions.get(request.match_info["interaction_id"])
        if pending is None or pending.token != request.match_info["token"]:
            return self._error(request, 404, 10062, "Unknown interaction")
        if pending.callback.done():
            return self._error(request, 400, 40060, "Interaction has already been acknowledged.")
        body = request[RECORDED].json
        interaction = pending.payload
        kind = body.get("type") if isinstance(body, dict) else None
        if kind not in ALLOWED_CALLBACKS.get(interaction["type"], set()):
            return self._error(request, 400, 50035, f"Invalid interaction response type {kind}")
        assert isinstance(body, dict)
        self.callbacks.append((interaction, body))
        pending.callback.set_result(body)
        data = body.get("data") or {}
        message = None
        if kind in MESSAGE_CALLBACKS:
            message = self._message(data, interaction=interaction, kind=20)
            pending.original_id = message["id"]
        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        answer: Json = {
            "interaction": {
                "id": interaction["id"],
                "type": interaction["type"],
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if message is not None:
            answer["resource"] = {"type": kind, "message": message}
        return json_response(answer)

    def _webhook_interaction(self, request: web.Request) -> PendingInteraction | web.Response:
        if (refused := self._check_app(request)) is not None:
            return refused
        pending = self._by_token.get(request.match_info["token"])
        if pending is None:
            return self._error(request, 401, 50027, "Invalid Webhook Token")
        return pending

    def _webhook_message_id(self, request: web.Request, pending: PendingInteraction) -> str | None:
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            return pending.original_id
        return wanted if wanted in pending.followups or wanted == pending.original_id else None

    async def _followup(self, request: web.Request) -> web.Response:
        pending = self._webhook_interaction(request)
        if isinstance(pending, web.Response):
            return pending
        if not pending.callback.done():
            return self._error(request, 404, 10015, "Unknown Webhook")
        message = self._message(request[RECORDED].json or {}, interaction=pending.payload)
        pending.followups.append(message["id"])
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(message)
        return no_content()

    async def _get_message(self, request: web.Request) -> web.Response:
        pending = self._webhook_interaction(request)
        if isinstance(pending, web.Response):
            return pending
        message_id = self._webhook_message_id(request, pending)
        if message_id is None or message_id not in self.messages:
            return self._error(request, 404, 10008, "Unknown Message")
        return json_response(self.messages[message_id])

    async def _edit_message(self, request: web.Request) -> web.Response:
        pending = self._webhook_interaction(request)
        if isinstance(pending, web.Response):
            return pending
        message_id = self._webhook_message_id(request, pending)
        if message_id is None or message_id not in self.messages:
            return self._error(request, 404, 10008, "Unknown Message")
        changes = request[RECORDED].json or {}
        message = self.messages[message_id]
        for key in ("content", "embeds", "flags"):
            if key in changes:
                message[key] = changes[key]
        if "components" in changes:
            message["components"] = _with_component_ids(changes["components"] or [])
        message["edited_timestamp"] = now_iso()
        return json_response(message)

    async def _delete_message(self, request: web.Request) -> web.Response:
        pending = self._webhook_interaction(request)
        if isinstance(pending, web.Response):
            return pending
        message_id = self._webhook_message_id(request, pending)
        if message_id is None or self.messages.pop(message_id, None) is None:
            return self._error(request, 404, 10008, "Unknown Message")
        return no_content()

    async def _channel_message(self, request: web.Request) -> web.Response:
        if request.match_info["channel_id"] != str(CHANNEL_ID):
            return self._error(request, 404, 10003, "Unknown Channel")
        return json_response(self._message(request[RECORDED].json or {}))

    # --- Reading what the bot sent ------------------------------------------------------------

    def requests_to(self, method: str, prefix: str) -> Iterator[RecordedRequest]:
        return (r for r in self.requests if r.method == method and r.path.startswith(prefix))


def _with_component_ids(components: list[Json]) -> list[Json]:
    """Components as Discord echoes them: each numbered, depth first, unless it has an id."""
    counter = itertools.count(1)

    def number(component: Json) -> Json:
        numbered = {**component}
        numbered.setdefault("id", next(counter))
        if "components" in numbered:
            numbered["components"] = [number(child) for child in numbered["components"]]
        return numbered

    return [number(component) for component in components]
