"""The state of a distributed crawl run in Redis, and the only code that knows its keys.

One run at a time per Redis database (`redis://HOST:PORT/N`), under the prefix `clinicwatch:`:

- `run` (hash): `run_id`, `status` (`running`, `finished`), `settings` (JSON: every `-s` of the
  coordinator and the CLINICWATCH_* settings from its options), `sites` (how many).
- `site:<name>` (string, JSON): what a worker needs to crawl one site: its source, database id,
  known posts (for conditional GETs) and recorded template paragraph hashes.
- `pending` (list): sites not leased yet. `leases` (sorted set): leased sites by deadline (ms);
  `tokens` (hash): site -> the token of its current lease (`<worker>/<uuid>`).
- `results:<site>:<token>` (list, JSON): the database writes of one lease, in order.
- `done` (list): `{site, token, worker}` of leases completed; `storing` (list): the one the
  coordinator is storing (moved there with LMOVE, so a killed coordinator stores it on restart;
  how many of its writes are stored is in the database, table `run_leases`, with the writes).
- `stored` (set): sites whose results are in the database. `workers` (hash): worker -> last beat.

A lease is Redis's reliable-queue pattern: taking, renewing and completing one are each one
Lua script, so two workers never hold a site at once; a lease not renewed within its timeout
(a worker killed) goes to the next worker that asks, and the dead lease's results are dropped.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import socket
import time
import uuid

import redis

PREFIX = "clinicwatch:"

TAKE = """
local site = redis.call('LPOP', KEYS[1])
if not site then
  local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1)
  if #expired == 0 then return false end
  site = expired[1]
end
redis.call('ZADD', KEYS[2], ARGV[2], site)
redis.call('HSET', KEYS[3], site, ARGV[3])
return site
"""
RENEW = """
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) return 1
end
return 0
"""
COMPLETE = """
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('RPUSH', KEYS[3], ARGV[3])
  return 1
end
return 0
"""


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def now_ms() -> int:
    return int(time.time() * 1000)


def encode(value):
    """JSON for the values of database writes (dataclasses, bytes); never pickle: whoever can write
    to Redis must not be able to run code in the coordinator."""
    if dataclasses.is_dataclass(value):
        return {"__dataclass__": type(value).__name__, **{k: encode(v) for k, v in dataclasses.asdict(value).items()}}
    if isinstance(value, bytes):
        return {"__bytes__": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value, dataclasses_by_name: dict):
    if isinstance(value, dict):
        if "__bytes__" in value:
            return base64.b64decode(value["__bytes__"])
        if "__dataclass__" in value:
            fields = {k: decode(v, dataclasses_by_name) for k, v in value.items() if k != "__dataclass__"}
            return dataclasses_by_name[value["__dataclass__"]](**fields)
    if isinstance(value, list):
        return [decode(v, dataclasses_by_name) for v in value]
    return value


class RunState:
    """The run's keys in one Redis database."""

    def __init__(self, client: redis.Redis):
        self.r = client
        self._take = client.register_script(TAKE)
        self._renew = client.register_script(RENEW)
        self._complete = client.register_script(COMPLETE)

    @classmethod
    def from_url(cls, url: str) -> RunState:
        return cls(connect(url))

    def key(self, *parts) -> str:
        return PREFIX + ":".join(map(str, parts))

    # -- the run ------------------------------------------------------------------------

    def run(self) -> dict:
        return self.r.hgetall(self.key("run"))

    def active(self) -> dict | None:
        run = self.run()
        return run if run.get("status") == "running" else None

    def settings(self) -> dict:
        return json.loads(self.run().get("settings") or "{}")

    def seed(self, run_id: int, settings: dict, sites: dict[str, dict], **extra) -> None:
        """A new run: the previous run's keys go, then the sites are queued in order."""
        stale = list(self.r.scan_iter(PREFIX + "*"))
        pipe = self.r.pipeline(transaction=True)
        if stale:
            pipe.delete(*stale)
        for name, config in sites.items():
            pipe.set(self.key("site", name), json.dumps(config))
        if sites:
            pipe.rpush(self.key("pending"), *sites)
        pipe.hset(self.key("run"), mapping={"run_id": run_id, "status": "running", "sites": len(sites),
                                            "settings": json.dumps(settings), "started": now_ms(), **extra})
        pipe.execute()

    def release(self, site: str, token: str) -> bool:
        """A lease given back unfinished (a worker stopping): the next worker to ask takes the site."""
        return bool(self._renew(keys=[self.key("leases"), self.key("tokens")], args=[site, token, 0]))

    def finish(self) -> None:
        self.r.hset(self.key("run"), "status", "finished")

    def site_config(self, site: str) -> dict:
        return json.loads(self.r.get(self.key("site", site)))

    # -- leases (workers) ------------------------------------------------------------

    def take(self, worker: str, timeout_ms: int) -> tuple[str, str] | None:
        """A site to crawl and its lease token, or None when none is free."""
        token = f"{worker}/{uuid.uuid4().hex}"
        now = now_ms()
        site = self._take(keys=[self.key("pending"), self.key("leases"), self.key("tokens")],
                          args=[now, now + timeout_ms, token])
        return (site, token) if site else None

    def renew(self, site: str, token: str, timeout_ms: int) -> bool:
        deadline = now_ms() + timeout_ms
        return bool(self._renew(keys=[self.key("leases"), self.key("tokens")], args=[site, token, deadline]))

    def push_result(self, site: str, token: str, name: str, args: tuple) -> None:
        self.r.rpush(self.key("results", site, token), json.dumps([name, encode(list(args))]))

    def complete(self, site: str, token: str, worker: str) -> bool:
        """The lease's results handed to the coordinator; False (and they are dropped) when the lease
        was lost meanwhile."""
        message = json.dumps({"site": site, "token": token, "worker": worker})
        if self._complete(keys=[self.key("leases"), self.key("tokens"), self.key("done")], args=[site, token, message]):
            return True
        self.r.delete(self.key("results", site, token))
        return False

    def beat(self, worker: str, doing: dict) -> None:
        self.r.hset(self.key("workers"), worker, json.dumps({"at": now_ms(), **doing}))

    def unfinished(self) -> int:
        """Sites pending or leased (a worker waits for these before its crawl of the run ends)."""
        return self.r.llen(self.key("pending")) + self.r.zcard(self.key("leases"))

    # -- results (coordinator) ---------------------------------------------------------

    def next_done(self, timeout: float) -> dict | None:
        """The completed lease being stored (left over by a killed coordinator), else the next one."""
        message = self.r.lindex(self.key("storing"), 0) or self.r.blmove(
            self.key("done"), self.key("storing"), timeout, "LEFT", "RIGHT")
        return json.loads(message) if message else None

    def result_entries(self, site: str, token: str, start: int = 0, chunk: int = 100):
        """The lease's writes in order from the start-th (0: the first). The list stays until
        stored(): where the coordinator got to is in the database, stored with each write."""
        key = self.key("results", site, token)
        while entries := self.r.lrange(key, start, start + chunk - 1):
            yield from map(json.loads, entries)
            start += len(entries)

    def stored(self, message: dict) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.sadd(self.key("stored"), message["site"])
        pipe.delete(self.key("results", message["site"], message["token"]))
        pipe.lpop(self.key("storing"))
        pipe.execute()

    def is_stored(self, site: str) -> bool:
        return bool(self.r.sismember(self.key("stored"), site))

    def stored_count(self) -> int:
        return self.r.scard(self.key("stored"))

    def drop_stale_results(self) -> None:
        """Results of leases that never completed (their workers died)."""
        for key in self.r.scan_iter(self.key("results", "*")):
            self.r.delete(key)
